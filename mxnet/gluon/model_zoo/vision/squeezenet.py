"""SqueezeNet 1.0 and 1.1 (Iandola et al., "SqueezeNet: AlexNet-level accuracy with 50x fewer
parameters and <0.5MB model size")."""
from ....context import cpu
from ...block import HybridBlock
from ... import nn
from ._common import HybridConcurrent, ZooAssertionError, default_root, load_pretrained

__all__ = ['SqueezeNet', 'squeezenet1_0', 'squeezenet1_1']


def _make_fire_conv(channels, kernel_size, padding=0):
    conv = nn.HybridSequential(prefix='')
    conv.add(nn.Conv2D(channels, kernel_size, padding=padding))
    conv.add(nn.Activation('relu'))
    return conv


def _make_fire(squeeze_channels, expand1x1_channels, expand3x3_channels):
    """Fire module: 1x1 squeeze, then 1x1 and 3x3 expansions concatenated on channels."""
    fire = nn.HybridSequential(prefix='')
    fire.add(_make_fire_conv(squeeze_channels, 1))
    expand = HybridConcurrent(axis=1, prefix='')
    expand.add(_make_fire_conv(expand1x1_channels, 1))
    expand.add(_make_fire_conv(expand3x3_channels, 3, 1))
    fire.add(expand)
    return fire


def _pool():
    return nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True)


class SqueezeNet(HybridBlock):
    """SqueezeNet.

    Parameters
    ----------
    version : str
        '1.0' or '1.1' (1.1 uses a 3x3/64 stem and earlier pooling: ~2.4x less computation).
    classes : int, default 1000
        Number of output classes.

    Input: (N, 3, 224, 224) images (the classifier's 13x13 average pool needs at least 13x13
    left: 224x224 for 1.0, >=211x211 for 1.1). Output: (N, classes) scores.
    """

    def __init__(self, version, classes=1000, **kwargs):
        super().__init__(**kwargs)
        if version not in ['1.0', '1.1']:
            raise ZooAssertionError('Unsupported SqueezeNet version {version}:1.0 or 1.1 '
                                    'expected'.format(version=version))
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='')
            if version == '1.0':
                self.features.add(nn.Conv2D(96, kernel_size=7, strides=2))
                self.features.add(nn.Activation('relu'))
                self.features.add(_pool())
                self.features.add(_make_fire(16, 64, 64))
                self.features.add(_make_fire(16, 64, 64))
                self.features.add(_make_fire(32, 128, 128))
                self.features.add(_pool())
                self.features.add(_make_fire(32, 128, 128))
                self.features.add(_make_fire(48, 192, 192))
                self.features.add(_make_fire(48, 192, 192))
                self.features.add(_make_fire(64, 256, 256))
                self.features.add(_pool())
                self.features.add(_make_fire(64, 256, 256))
            else:
                self.features.add(nn.Conv2D(64, kernel_size=3, strides=2))
                self.features.add(nn.Activation('relu'))
                self.features.add(_pool())
                self.features.add(_make_fire(16, 64, 64))
                self.features.add(_make_fire(16, 64, 64))
                self.features.add(_pool())
                self.features.add(_make_fire(32, 128, 128))
                self.features.add(_make_fire(32, 128, 128))
                self.features.add(_pool())
                self.features.add(_make_fire(48, 192, 192))
                self.features.add(_make_fire(48, 192, 192))
                self.features.add(_make_fire(64, 256, 256))
                self.features.add(_make_fire(64, 256, 256))
            self.features.add(nn.Dropout(0.5))

            self.output = nn.HybridSequential(prefix='')
            self.output.add(nn.Conv2D(classes, kernel_size=1))
            self.output.add(nn.Activation('relu'))
            self.output.add(nn.AvgPool2D(13))
            self.output.add(nn.Flatten())

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


def get_squeezenet(version, pretrained=False, ctx=cpu(), root=default_root, **kwargs):
    """Build a SqueezeNet.

    Parameters
    ----------
    version : str
        '1.0' or '1.1'.
    pretrained : bool, default False
        Load the pretrained weights from ``root`` (the file must already be there).
    ctx : Context, default cpu()
        Context to load the pretrained weights on.
    root : str, default $MXNET_HOME/models
        Directory holding pretrained parameter files.
    **kwargs
        Passed to ``SqueezeNet`` (``classes``, ``prefix``, ``params``).
    """
    net = SqueezeNet(version, **kwargs)
    if pretrained:
        load_pretrained(net, 'squeezenet%s' % version, root, ctx)
    return net


def squeezenet1_0(**kwargs):
    """SqueezeNet 1.0 (see ``get_squeezenet`` for the arguments)."""
    return get_squeezenet('1.0', **kwargs)


def squeezenet1_1(**kwargs):
    """SqueezeNet 1.1 (see ``get_squeezenet`` for the arguments)."""
    return get_squeezenet('1.1', **kwargs)
