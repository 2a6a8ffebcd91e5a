"""Predefined vision models: AlexNet, DenseNet, Inception V3, ResNet V1/V2, SqueezeNet, VGG,
MobileNet and MobileNetV2.

Build one with random weights by calling its constructor (``vision.resnet18_v1()``) or by name
(``vision.get_model('resnet18_v1')``); ``pretrained=True`` loads the published weights from the
local store (``root``, by default ``$MXNET_HOME/models``), where remx expects the file to be
placed by hand because it has no network access.

The pretrained models take mini-batches of RGB images of shape (N, 3, H, W), H and W at least
224 (299 for Inception V3), scaled to [0, 1] and normalized with mean
(0.485, 0.456, 0.406) and std (0.229, 0.224, 0.225).
"""
from .alexnet import *  # noqa: F401,F403
from .densenet import *  # noqa: F401,F403
from .inception import *  # noqa: F401,F403
from .resnet import *  # noqa: F401,F403
from .squeezenet import *  # noqa: F401,F403
from .vgg import *  # noqa: F401,F403
from .mobilenet import *  # noqa: F401,F403
from ._common import ZooValueError as _ZooValueError

_models = {
    'resnet18_v1': resnet18_v1,  # noqa: F405
    'resnet34_v1': resnet34_v1,  # noqa: F405
    'resnet50_v1': resnet50_v1,  # noqa: F405
    'resnet101_v1': resnet101_v1,  # noqa: F405
    'resnet152_v1': resnet152_v1,  # noqa: F405
    'resnet18_v2': resnet18_v2,  # noqa: F405
    'resnet34_v2': resnet34_v2,  # noqa: F405
    'resnet50_v2': resnet50_v2,  # noqa: F405
    'resnet101_v2': resnet101_v2,  # noqa: F405
    'resnet152_v2': resnet152_v2,  # noqa: F405
    'vgg11': vgg11,  # noqa: F405
    'vgg13': vgg13,  # noqa: F405
    'vgg16': vgg16,  # noqa: F405
    'vgg19': vgg19,  # noqa: F405
    'vgg11_bn': vgg11_bn,  # noqa: F405
    'vgg13_bn': vgg13_bn,  # noqa: F405
    'vgg16_bn': vgg16_bn,  # noqa: F405
    'vgg19_bn': vgg19_bn,  # noqa: F405
    'alexnet': alexnet,  # noqa: F405
    'densenet121': densenet121,  # noqa: F405
    'densenet161': densenet161,  # noqa: F405
    'densenet169': densenet169,  # noqa: F405
    'densenet201': densenet201,  # noqa: F405
    'squeezenet1.0': squeezenet1_0,  # noqa: F405
    'squeezenet1.1': squeezenet1_1,  # noqa: F405
    'inceptionv3': inception_v3,  # noqa: F405
    'mobilenet1.0': mobilenet1_0,  # noqa: F405
    'mobilenet0.75': mobilenet0_75,  # noqa: F405
    'mobilenet0.5': mobilenet0_5,  # noqa: F405
    'mobilenet0.25': mobilenet0_25,  # noqa: F405
    'mobilenetv2_1.0': mobilenet_v2_1_0,  # noqa: F405
    'mobilenetv2_0.75': mobilenet_v2_0_75,  # noqa: F405
    'mobilenetv2_0.5': mobilenet_v2_0_5,  # noqa: F405
    'mobilenetv2_0.25': mobilenet_v2_0_25,  # noqa: F405
}


def get_model(name, **kwargs):
    """Return a predefined model by name (case-insensitive).

    Parameters
    ----------
    name : str
        Model name, e.g. 'resnet50_v2', 'vgg16_bn', 'squeezenet1.1', 'inceptionv3',
        'mobilenet0.25', 'mobilenetv2_1.0', 'densenet121', 'alexnet'.
    pretrained : bool
        Load the pretrained weights (from ``root``; remx never downloads them).
    classes : int
        Number of output classes.
    ctx : Context, default CPU
        Context to load the pretrained weights on.
    root : str, default '$MXNET_HOME/models'
        Directory holding pretrained parameter files.

    Returns
    -------
    gluon.HybridBlock
        The model.
    """
    key = name.lower()
    if key not in _models:
        raise _ZooValueError('Model %s is not supported. Available options are\n\t%s'
                             % (key, '\n\t'.join(sorted(_models))))
    return _models[key](**kwargs)
