"""Image transforms (``gluon.data.vision.transforms``): Blocks applied to (H, W, C) images or
(C, H, W) tensors, usually through ``dataset.transform_first(Compose([...]))``.

The operators behind them live in ``mx.nd.image``; crops and resizes interpolate as OpenCV does
(MXNet's backend), random transforms draw from remx's generators (``mx.random.seed``) or, for
RandomResizedCrop and RandomApply, from Python's ``random`` module as MXNet does.
"""
import math
import random

import numpy as np

from ....base import MXNetError
from ...block import Block, HybridBlock
from ...nn import Sequential, HybridSequential

__all__ = ['Compose', 'Cast', 'ToTensor', 'Normalize', 'Rotate', 'RandomRotation',
           'RandomResizedCrop', 'CropResize', 'CenterCrop', 'Resize', 'RandomFlipLeftRight',
           'RandomFlipTopBottom', 'RandomBrightness', 'RandomContrast', 'RandomSaturation',
           'RandomHue', 'RandomColorJitter', 'RandomLighting', 'RandomApply']

_NUMERIC = (int, float, np.integer, np.floating)


class Compose(Sequential):
    """Apply transforms one after the other. Runs of consecutive HybridBlocks are grouped into a
    hybridized HybridSequential.

    Parameters
    ----------
    transforms : list of transform Blocks
        The transforms, in order.

    Inputs:
        - **data**: input with the shape the first transform expects.

    Outputs:
        - **out**: output with the shape the last transform produces.

    Examples
    --------
    >>> transformer = transforms.Compose([transforms.Resize(300),
    ...                                   transforms.CenterCrop(256),
    ...                                   transforms.ToTensor()])
    >>> image = mx.nd.random.uniform(0, 255, (224, 224, 3)).astype(dtype=np.uint8)
    >>> transformer(image)
    <NDArray 3x256x256 @cpu(0)>
    """

    def __init__(self, transforms):
        super().__init__()
        transforms.append(None)  # MXNet appends a sentinel to the caller's list too
        run = []
        for t in transforms:
            if isinstance(t, HybridBlock):
                run.append(t)
                continue
            if len(run) == 1:
                self.add(run[0])
            elif len(run) > 1:
                hblock = HybridSequential()
                for b in run:
                    hblock.add(b)
                hblock.hybridize()
                self.add(hblock)
            run = []
            if t is not None:
                self.add(t)


class Cast(HybridBlock):
    """Cast the input to ``dtype``.

    Parameters
    ----------
    dtype : str, default 'float32'
        The target data type, a string or numpy dtype.

    Inputs:
        - **data**: input of any shape and dtype.

    Outputs:
        - **out**: same shape as `data`, with dtype `dtype`.
    """

    def __init__(self, dtype='float32'):
        super().__init__()
        self._dtype = dtype

    def hybrid_forward(self, F, x):
        return F.cast(x, self._dtype)


class ToTensor(HybridBlock):
    """Convert an image (H x W x C) or batch (N x H x W x C) with values in [0, 255] to a float32
    tensor (C x H x W) or (N x C x H x W) with values in [0, 1].

    Inputs:
        - **data**: (H x W x C) or (N x H x W x C), usually uint8.

    Outputs:
        - **out**: (C x H x W) or (N x C x H x W), float32.
    """

    def __init__(self):
        super().__init__()

    def hybrid_forward(self, F, x):
        return F.image.to_tensor(x)


class Normalize(HybridBlock):
    """Normalize a tensor (C x H x W) or (N x C x H x W) per channel:
    ``out[c] = (data[c] - mean[c]) / std[c]``. A scalar mean or std applies to every channel.

    Parameters
    ----------
    mean : float or tuple of floats, default 0.0
        The per-channel means.
    std : float or tuple of floats, default 1.0
        The per-channel standard deviations.

    Inputs:
        - **data**: (C x H x W) or (N x C x H x W), C = 1 or 3.

    Outputs:
        - **out**: same shape as `data`.
    """

    def __init__(self, mean=0.0, std=1.0):
        super().__init__()
        self._mean = mean
        self._std = std

    def hybrid_forward(self, F, x):
        return F.image.normalize(x, self._mean, self._std)


class Rotate(Block):
    """Rotate the input image by a fixed angle about its centre (``mx.image.imrotate``); the
    output keeps the input's shape and uncovered pixels are 0.

    Parameters
    ----------
    rotation_degrees : float
        Rotation angle in degrees.
    zoom_in : bool, default False
        Zoom in so that no padding is present in the output.
    zoom_out : bool, default False
        Zoom out so that the whole input is present in the output.

    Inputs:
        - **data**: float32 tensor (C, H, W) or batch (N, C, H, W).

    Outputs:
        - **out**: rotated tensor of the same shape.
    """

    def __init__(self, rotation_degrees, zoom_in=False, zoom_out=False):
        super().__init__()
        self._args = (rotation_degrees, zoom_in, zoom_out)

    def forward(self, x):
        from .... import image
        if x.dtype != np.float32:
            raise TypeError('This transformation only supports float32. '
                            'Consider calling it after ToTensor')
        return image.imrotate(x, *self._args)


class RandomRotation(Block):
    """Rotate the input image by an angle drawn uniformly from ``angle_limits``
    (``mx.image.random_rotate``; NumPy's global generator), with probability
    ``rotate_with_proba``.

    Parameters
    ----------
    angle_limits : tuple of 2 floats
        Lower and upper rotation angle limits in degrees.
    zoom_in : bool, default False
        Zoom in so that no padding is present in the output.
    zoom_out : bool, default False
        Zoom out so that the whole input is present in the output.
    rotate_with_proba : float, default 1.0
        Probability of rotating the input.

    Inputs:
        - **data**: float32 tensor (C, H, W) or batch (N, C, H, W).

    Outputs:
        - **out**: (possibly) rotated tensor of the same shape.
    """

    def __init__(self, angle_limits, zoom_in=False, zoom_out=False, rotate_with_proba=1.0):
        super().__init__()
        lower, upper = angle_limits
        if lower >= upper:
            raise ValueError('`angle_limits` must be an ordered tuple')
        if rotate_with_proba < 0 or rotate_with_proba > 1:
            raise ValueError('Probability of rotating the image should be between 0 and 1')
        self._args = (angle_limits, zoom_in, zoom_out)
        self._rotate_with_proba = rotate_with_proba

    def forward(self, x):
        from .... import image
        if np.random.random() > self._rotate_with_proba:
            return x
        if x.dtype != np.float32:
            raise TypeError('This transformation only supports float32. '
                            'Consider calling it after ToTensor')
        return image.random_rotate(x, *self._args)


# -- crop / resize helpers (MXNet's mx.image.fixed_crop / center_crop / random_size_crop) -------
def _interp(interp, sizes):
    """Resolve MXNet's interpolation codes 9 (auto) and 10 (random) to 0..4."""
    if interp == 9:
        oh, ow, nh, nw = sizes
        if nh > oh and nw > ow:
            return 2
        if nh < oh and nw < ow:
            return 3
        return 1
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise MXNetError('Unknown interp method %s' % interp)
    return interp


def _resize_nd(img, w, h, interp):
    from ...._ops.image import resize_image
    from ....ndarray.ndarray import _wrap
    return _wrap(resize_image(img._data.unsqueeze(0), h, w, interp)[0])


def _fixed_crop(src, x0, y0, w, h, size=None, interp=2):
    out = src[y0:y0 + h, x0:x0 + w]
    if size is not None and (w, h) != tuple(size):
        out = _resize_nd(out, size[0], size[1], _interp(interp, (h, w, size[1], size[0])))
    return out


def _scale_down(src_size, size):
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


def _check_hwc(name, x):
    if len(x.shape) != 3:
        raise MXNetError('%s expects an image of shape (H, W, C), got shape %s'
                         % (name, x.shape))


def _center_crop(src, size, interp=2):
    h, w, _ = src.shape
    new_w, new_h = _scale_down((w, h), size)
    x0 = int((w - new_w) / 2)
    y0 = int((h - new_h) / 2)
    return _fixed_crop(src, x0, y0, new_w, new_h, size, interp)


def _random_size_crop(src, size, area, ratio, interp=2):
    h, w, _ = src.shape
    src_area = h * w
    if isinstance(area, _NUMERIC):
        area = (area, 1.0)
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * src_area
        new_ratio = math.exp(random.uniform(math.log(ratio[0]), math.log(ratio[1])))
        new_w = int(round(math.sqrt(target_area * new_ratio)))
        new_h = int(round(math.sqrt(target_area / new_ratio)))
        if new_w <= w and new_h <= h:
            x0 = random.randint(0, w - new_w)
            y0 = random.randint(0, h - new_h)
            return _fixed_crop(src, x0, y0, new_w, new_h, size, interp)
    return _center_crop(src, size, interp)


class RandomResizedCrop(Block):
    """Crop a random area of the image (``scale`` of its area, aspect ratio in ``ratio``) and
    resize it to ``size``. After 10 failed draws it falls back to a center crop.

    Parameters
    ----------
    size : int or tuple of (W, H)
        Output size.
    scale : tuple of two floats, default (0.08, 1.0)
        Range of the cropped area as a fraction of the input's area.
    ratio : tuple of two floats, default (3/4, 4/3)
        Range of the crop's aspect ratio (width / height) before resizing.
    interpolation : int, default 1
        OpenCV interpolation code for the resize (1: bilinear).

    Inputs:
        - **data**: (Hi x Wi x C) image.

    Outputs:
        - **out**: (H x W x C) image.
    """

    def __init__(self, size, scale=(0.08, 1.0), ratio=(3.0 / 4.0, 4.0 / 3.0), interpolation=1):
        super().__init__()
        if isinstance(size, _NUMERIC):
            size = (size, size)
        self._args = (size, scale, ratio, interpolation)

    def forward(self, x):
        _check_hwc('RandomResizedCrop', x)
        return _random_size_crop(x, *self._args)


class CropResize(HybridBlock):
    """Crop the area (x, y, width, height) of an image or batch and optionally resize it.

    Parameters
    ----------
    x : int
        Left boundary of the crop.
    y : int
        Top boundary of the crop.
    width : int
        Width of the crop.
    height : int
        Height of the crop.
    size : int or tuple of (w, h), optional
        Resize the crop to this size.
    interpolation : int, optional
        OpenCV interpolation code for the resize (default bilinear).

    Inputs:
        - **data**: (H x W x C) or (N x H x W x C).

    Outputs:
        - **out**: (height x width x C) or (N x height x width x C), or the resized shape.
    """

    def __init__(self, x, y, width, height, size=None, interpolation=None):
        super().__init__()
        self._x = x
        self._y = y
        self._width = width
        self._height = height
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F, x):
        out = F.image.crop(x, self._x, self._y, self._width, self._height)
        if self._size:
            out = F.image.resize(out, self._size, False, self._interpolation)
        return out


class CenterCrop(Block):
    """Crop the center of an image to ``size``; an image smaller than ``size`` is cropped to the
    largest area of the right aspect ratio and upsampled.

    Parameters
    ----------
    size : int or tuple of (W, H)
        Output size.
    interpolation : int, default 1
        OpenCV interpolation code for the resize (1: bilinear).

    Inputs:
        - **data**: (Hi x Wi x C) image.

    Outputs:
        - **out**: (H x W x C) image.

    Examples
    --------
    >>> transformer = vision.transforms.CenterCrop(size=(1000, 500))
    >>> image = mx.nd.random.uniform(0, 255, (2321, 3482, 3)).astype(dtype=np.uint8)
    >>> transformer(image)
    <NDArray 500x1000x3 @cpu(0)>
    """

    def __init__(self, size, interpolation=1):
        super().__init__()
        if isinstance(size, _NUMERIC):
            size = (size, size)
        self._args = (size, interpolation)

    def forward(self, x):
        _check_hwc('CenterCrop', x)
        return _center_crop(x, *self._args)


class Resize(HybridBlock):
    """Resize an image (H x W x C) or batch (N x H x W x C) to ``size``.

    Parameters
    ----------
    size : int or tuple of (W, H)
        Output size; an int resizes both edges, or only the short edge (keeping the aspect
        ratio) when ``keep_ratio``.
    keep_ratio : bool, default False
        Whether an int size applies to the short edge only.
    interpolation : int, default 1
        OpenCV interpolation code (0: nearest, 1: bilinear).

    Inputs:
        - **data**: (H x W x C) or (N x H x W x C).

    Outputs:
        - **out**: (H' x W' x C) or (N x H' x W' x C).
    """

    def __init__(self, size, keep_ratio=False, interpolation=1):
        super().__init__()
        self._keep = keep_ratio
        self._size = size
        self._interpolation = interpolation

    def hybrid_forward(self, F, x):
        return F.image.resize(x, self._size, self._keep, self._interpolation)


class RandomFlipLeftRight(HybridBlock):
    """Flip the image (H x W x C) left to right with probability 0.5."""

    def __init__(self):
        super().__init__()

    def hybrid_forward(self, F, x):
        return F.image.random_flip_left_right(x)


class RandomFlipTopBottom(HybridBlock):
    """Flip the image (H x W x C) top to bottom with probability 0.5."""

    def __init__(self):
        super().__init__()

    def hybrid_forward(self, F, x):
        return F.image.random_flip_top_bottom(x)


class RandomBrightness(HybridBlock):
    """Scale the brightness of an image (H x W x C) by a factor drawn uniformly from
    ``[max(0, 1 - brightness), 1 + brightness]``.

    Parameters
    ----------
    brightness : float
        How much to jitter the brightness.
    """

    def __init__(self, brightness):
        super().__init__()
        self._args = (max(0, 1 - brightness), 1 + brightness)

    def hybrid_forward(self, F, x):
        return F.image.random_brightness(x, *self._args)


class RandomContrast(HybridBlock):
    """Jitter the contrast of an image (H x W x C) by a factor drawn uniformly from
    ``[max(0, 1 - contrast), 1 + contrast]``.

    Parameters
    ----------
    contrast : float
        How much to jitter the contrast.
    """

    def __init__(self, contrast):
        super().__init__()
        self._args = (max(0, 1 - contrast), 1 + contrast)

    def hybrid_forward(self, F, x):
        return F.image.random_contrast(x, *self._args)


class RandomSaturation(HybridBlock):
    """Jitter the saturation of an image (H x W x C) by a factor drawn uniformly from
    ``[max(0, 1 - saturation), 1 + saturation]``.

    Parameters
    ----------
    saturation : float
        How much to jitter the saturation.
    """

    def __init__(self, saturation):
        super().__init__()
        self._args = (max(0, 1 - saturation), 1 + saturation)

    def hybrid_forward(self, F, x):
        return F.image.random_saturation(x, *self._args)


class RandomHue(HybridBlock):
    """Jitter the hue of an image (H x W x C) with a factor drawn uniformly from
    ``[max(0, 1 - hue), 1 + hue]`` (the hue turns by factor * 360 degrees).

    Parameters
    ----------
    hue : float
        How much to jitter the hue.
    """

    def __init__(self, hue):
        super().__init__()
        self._args = (max(0, 1 - hue), 1 + hue)

    def hybrid_forward(self, F, x):
        return F.image.random_hue(x, *self._args)


class RandomColorJitter(HybridBlock):
    """Jitter brightness, contrast, saturation and hue of an image (H x W x C), in random order.

    Parameters
    ----------
    brightness : float, default 0
        Brightness factor drawn from ``[max(0, 1 - brightness), 1 + brightness]``.
    contrast : float, default 0
        Contrast factor drawn from ``[max(0, 1 - contrast), 1 + contrast]``.
    saturation : float, default 0
        Saturation factor drawn from ``[max(0, 1 - saturation), 1 + saturation]``.
    hue : float, default 0
        Hue shift drawn from ``[-hue, hue]`` (fraction of a full turn).
    """

    def __init__(self, brightness=0, contrast=0, saturation=0, hue=0):
        super().__init__()
        self._args = (brightness, contrast, saturation, hue)

    def hybrid_forward(self, F, x):
        return F.image.random_color_jitter(x, *self._args)


class RandomLighting(HybridBlock):
    """Add AlexNet-style PCA lighting noise to an image (H x W x C).

    Parameters
    ----------
    alpha : float
        Standard deviation of the noise's alphas.
    """

    def __init__(self, alpha):
        super().__init__()
        self._alpha = alpha

    def hybrid_forward(self, F, x):
        return F.image.random_lighting(x, self._alpha)


class RandomApply(Sequential):
    """Apply ``transforms`` with probability ``p`` (drawn from Python's ``random``).

    Parameters
    ----------
    transforms
        The transform (Block) to apply.
    p : float, default 0.5
        Probability of applying it.
    """

    def __init__(self, transforms, p=0.5):
        super().__init__()
        self.transforms = transforms
        self.p = p

    def forward(self, x):
        if self.p < random.random():
            return x
        return self.transforms(x)
