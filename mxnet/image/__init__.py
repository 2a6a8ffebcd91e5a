"""Image I/O, transforms, augmenters and iterators (``mx.image``, also ``mx.img``).

Images are NDArrays of shape (H, W, C) in RGB order (uint8 after decoding), as in MXNet.
Decoding runs on OpenCV or Pillow (``mxnet._imcodec``); resizing reproduces OpenCV's
``cv::resize`` in torch.
"""
# pylint: disable=wildcard-import
from . import image
from .image import *  # noqa: F401,F403
from . import detection
from . import detection as det
from .detection import *  # noqa: F401,F403
