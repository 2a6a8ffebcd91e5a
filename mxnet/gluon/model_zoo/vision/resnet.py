"""ResNet V1 and V2 (He et al., "Deep Residual Learning for Image Recognition" and "Identity
Mappings in Deep Residual Networks"), with 18, 34, 50, 101 and 152 layers."""
from ....context import cpu
from ...block import HybridBlock
from ... import nn
from ._common import ZooAssertionError, check_spec, default_root, load_pretrained

__all__ = ['ResNetV1', 'ResNetV2',
           'BasicBlockV1', 'BasicBlockV2',
           'BottleneckV1', 'BottleneckV2',
           'resnet18_v1', 'resnet34_v1', 'resnet50_v1', 'resnet101_v1', 'resnet152_v1',
           'resnet18_v2', 'resnet34_v2', 'resnet50_v2', 'resnet101_v2', 'resnet152_v2',
           'get_resnet']


def _conv3x3(channels, stride, in_channels):
    """3x3 convolution, padding 1, no bias."""
    return nn.Conv2D(channels, kernel_size=3, strides=stride, padding=1, use_bias=False,
                     in_channels=in_channels)


def _projection(channels, stride, in_channels):
    """1x1 convolution without bias used on the shortcut path when shapes change."""
    return nn.Conv2D(channels, kernel_size=1, strides=stride, use_bias=False,
                     in_channels=in_channels)


class BasicBlockV1(HybridBlock):
    """Two 3x3 convolutions with batch norm, added to the (projected) input and ReLU'd
    (post-activation residual block, used by ResNet V1 18/34).

    Parameters
    ----------
    channels : int
        Number of output channels.
    stride : int
        Stride of the first convolution (and of the shortcut projection).
    downsample : bool, default False
        Whether the shortcut is a 1x1 convolution + batch norm (needed when the shape changes).
    in_channels : int, default 0
        Number of input channels; 0 infers it from the data.
    """

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self.body = nn.HybridSequential(prefix='')
        self.body.add(_conv3x3(channels, stride, in_channels))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation('relu'))
        self.body.add(_conv3x3(channels, 1, channels))
        self.body.add(nn.BatchNorm())
        if downsample:
            self.downsample = nn.HybridSequential(prefix='')
            self.downsample.add(_projection(channels, stride, in_channels))
            self.downsample.add(nn.BatchNorm())
        else:
            self.downsample = None

    def hybrid_forward(self, F, x):
        residual = self.downsample(x) if self.downsample else x
        return F.Activation(residual + self.body(x), act_type='relu')


class BottleneckV1(HybridBlock):
    """1x1 -> 3x3 -> 1x1 convolutions with batch norm, added to the (projected) input and
    ReLU'd (post-activation bottleneck block, used by ResNet V1 50/101/152).

    Parameters
    ----------
    channels : int
        Number of output channels (the inner convolutions use channels // 4).
    stride : int
        Stride of the first convolution (and of the shortcut projection).
    downsample : bool, default False
        Whether the shortcut is a 1x1 convolution + batch norm.
    in_channels : int, default 0
        Number of input channels; 0 infers it from the data.
    """

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self.body = nn.HybridSequential(prefix='')
        self.body.add(nn.Conv2D(channels // 4, kernel_size=1, strides=stride))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation('relu'))
        self.body.add(_conv3x3(channels // 4, 1, channels // 4))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation('relu'))
        self.body.add(nn.Conv2D(channels, kernel_size=1, strides=1))
        self.body.add(nn.BatchNorm())
        if downsample:
            self.downsample = nn.HybridSequential(prefix='')
            self.downsample.add(_projection(channels, stride, in_channels))
            self.downsample.add(nn.BatchNorm())
        else:
            self.downsample = None

    def hybrid_forward(self, F, x):
        residual = self.downsample(x) if self.downsample else x
        return F.Activation(self.body(x) + residual, act_type='relu')


class BasicBlockV2(HybridBlock):
    """Pre-activation residual block: BN-ReLU-conv3x3-BN-ReLU-conv3x3 plus the shortcut
    (ResNet V2 18/34). Arguments as for ``BasicBlockV1``; the shortcut projection is a single
    1x1 convolution applied to the pre-activated input."""

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self.bn1 = nn.BatchNorm()
        self.conv1 = _conv3x3(channels, stride, in_channels)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels, 1, channels)
        if downsample:
            self.downsample = nn.Conv2D(channels, 1, stride, use_bias=False,
                                        in_channels=in_channels)
        else:
            self.downsample = None

    def hybrid_forward(self, F, x):
        residual = x
        x = F.Activation(self.bn1(x), act_type='relu')
        if self.downsample:
            residual = self.downsample(x)
        x = self.conv1(x)
        x = F.Activation(self.bn2(x), act_type='relu')
        x = self.conv2(x)
        return x + residual


class BottleneckV2(HybridBlock):
    """Pre-activation bottleneck block: BN-ReLU-conv1x1-BN-ReLU-conv3x3-BN-ReLU-conv1x1 plus
    the shortcut (ResNet V2 50/101/152). Arguments as for ``BottleneckV1``."""

    def __init__(self, channels, stride, downsample=False, in_channels=0, **kwargs):
        super().__init__(**kwargs)
        self.bn1 = nn.BatchNorm()
        self.conv1 = nn.Conv2D(channels // 4, kernel_size=1, strides=1, use_bias=False)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels // 4, stride, channels // 4)
        self.bn3 = nn.BatchNorm()
        self.conv3 = nn.Conv2D(channels, kernel_size=1, strides=1, use_bias=False)
        if downsample:
            self.downsample = nn.Conv2D(channels, 1, stride, use_bias=False,
                                        in_channels=in_channels)
        else:
            self.downsample = None

    def hybrid_forward(self, F, x):
        residual = x
        x = F.Activation(self.bn1(x), act_type='relu')
        if self.downsample:
            residual = self.downsample(x)
        x = self.conv1(x)
        x = F.Activation(self.bn2(x), act_type='relu')
        x = self.conv2(x)
        x = F.Activation(self.bn3(x), act_type='relu')
        x = self.conv3(x)
        return x + residual


def _check_layers(layers, channels):
    if len(layers) != len(channels) - 1:
        raise ZooAssertionError('ResNet needs one more entry in channels (%d) than in layers '
                                '(%d)' % (len(channels), len(layers)))


def _make_stage(block, num_blocks, channels, stride, stage_index, in_channels):
    """One stage 'stage<i>_': the first block may change stride/width, the rest keep them."""
    stage = nn.HybridSequential(prefix='stage%d_' % stage_index)
    with stage.name_scope():
        stage.add(block(channels, stride, channels != in_channels, in_channels=in_channels,
                        prefix=''))
        for _ in range(num_blocks - 1):
            stage.add(block(channels, 1, False, in_channels=channels, prefix=''))
    return stage


class ResNetV1(HybridBlock):
    """ResNet V1 (post-activation).

    Parameters
    ----------
    block : HybridBlock class
        ``BasicBlockV1`` or ``BottleneckV1``.
    layers : list of int
        Number of blocks in each stage.
    channels : list of int
        Width of the stem followed by the width of each stage (len(layers) + 1 entries).
    classes : int, default 1000
        Number of output classes.
    thumbnail : bool, default False
        Use a single 3x3 convolution stem for small (e.g. 32x32 CIFAR) images instead of the
        7x7/2 convolution + max-pool stem.

    Input: (N, 3, H, W) images. Output: (N, classes) scores.
    """

    def __init__(self, block, layers, channels, classes=1000, thumbnail=False, **kwargs):
        super().__init__(**kwargs)
        _check_layers(layers, channels)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='')
            if thumbnail:
                self.features.add(_conv3x3(channels[0], 1, 0))
            else:
                self.features.add(nn.Conv2D(channels[0], 7, 2, 3, use_bias=False))
                self.features.add(nn.BatchNorm())
                self.features.add(nn.Activation('relu'))
                self.features.add(nn.MaxPool2D(3, 2, 1))
            for i, num_blocks in enumerate(layers):
                self.features.add(self._make_layer(block, num_blocks, channels[i + 1],
                                                   1 if i == 0 else 2, i + 1,
                                                   in_channels=channels[i]))
            self.features.add(nn.GlobalAvgPool2D())
            self.output = nn.Dense(classes, in_units=channels[-1])

    def _make_layer(self, block, layers, channels, stride, stage_index, in_channels=0):
        return _make_stage(block, layers, channels, stride, stage_index, in_channels)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


class ResNetV2(HybridBlock):
    """ResNet V2 (pre-activation). Arguments as for ``ResNetV1`` with ``BasicBlockV2`` or
    ``BottleneckV2`` blocks; the input first goes through a batch norm without scale/shift.

    Input: (N, 3, H, W) images. Output: (N, classes) scores.
    """

    def __init__(self, block, layers, channels, classes=1000, thumbnail=False, **kwargs):
        super().__init__(**kwargs)
        _check_layers(layers, channels)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='')
            self.features.add(nn.BatchNorm(scale=False, center=False))
            if thumbnail:
                self.features.add(_conv3x3(channels[0], 1, 0))
            else:
                self.features.add(nn.Conv2D(channels[0], 7, 2, 3, use_bias=False))
                self.features.add(nn.BatchNorm())
                self.features.add(nn.Activation('relu'))
                self.features.add(nn.MaxPool2D(3, 2, 1))
            in_channels = channels[0]
            for i, num_blocks in enumerate(layers):
                self.features.add(self._make_layer(block, num_blocks, channels[i + 1],
                                                   1 if i == 0 else 2, i + 1,
                                                   in_channels=in_channels))
                in_channels = channels[i + 1]
            self.features.add(nn.BatchNorm())
            self.features.add(nn.Activation('relu'))
            self.features.add(nn.GlobalAvgPool2D())
            self.features.add(nn.Flatten())
            self.output = nn.Dense(classes, in_units=in_channels)

    def _make_layer(self, block, layers, channels, stride, stage_index, in_channels=0):
        return _make_stage(block, layers, channels, stride, stage_index, in_channels)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


# num_layers -> (block kind, blocks per stage, stem + stage widths)
resnet_spec = {18: ('basic_block', [2, 2, 2, 2], [64, 64, 128, 256, 512]),
               34: ('basic_block', [3, 4, 6, 3], [64, 64, 128, 256, 512]),
               50: ('bottle_neck', [3, 4, 6, 3], [64, 256, 512, 1024, 2048]),
               101: ('bottle_neck', [3, 4, 23, 3], [64, 256, 512, 1024, 2048]),
               152: ('bottle_neck', [3, 8, 36, 3], [64, 256, 512, 1024, 2048])}

resnet_net_versions = [ResNetV1, ResNetV2]
resnet_block_versions = [{'basic_block': BasicBlockV1, 'bottle_neck': BottleneckV1},
                         {'basic_block': BasicBlockV2, 'bottle_neck': BottleneckV2}]


def get_resnet(version, num_layers, pretrained=False, ctx=cpu(), root=default_root, **kwargs):
    """Build a ResNet.

    Parameters
    ----------
    version : int
        1 (post-activation, ``ResNetV1``) or 2 (pre-activation, ``ResNetV2``).
    num_layers : int
        18, 34, 50, 101 or 152.
    pretrained : bool, default False
        Load the pretrained weights from ``root`` (the file must already be there).
    ctx : Context, default cpu()
        Context to load the pretrained weights on.
    root : str, default $MXNET_HOME/models
        Directory holding pretrained parameter files.
    **kwargs
        Passed to the network class (``classes``, ``thumbnail``, ``prefix``, ``params``).
    """
    block_type, layers, channels = check_spec(resnet_spec, num_layers, 'number of layers',
                                              ZooAssertionError)
    if version not in (1, 2):
        raise ZooAssertionError('Invalid resnet version: %s. Options are 1 and 2.' % (version,))
    net = resnet_net_versions[version - 1](resnet_block_versions[version - 1][block_type],
                                           layers, channels, **kwargs)
    if pretrained:
        load_pretrained(net, 'resnet%d_v%d' % (num_layers, version), root, ctx)
    return net


def resnet18_v1(**kwargs):
    """ResNet-18 V1 (see ``get_resnet`` for the arguments)."""
    return get_resnet(1, 18, **kwargs)


def resnet34_v1(**kwargs):
    """ResNet-34 V1 (see ``get_resnet`` for the arguments)."""
    return get_resnet(1, 34, **kwargs)


def resnet50_v1(**kwargs):
    """ResNet-50 V1 (see ``get_resnet`` for the arguments)."""
    return get_resnet(1, 50, **kwargs)


def resnet101_v1(**kwargs):
    """ResNet-101 V1 (see ``get_resnet`` for the arguments)."""
    return get_resnet(1, 101, **kwargs)


def resnet152_v1(**kwargs):
    """ResNet-152 V1 (see ``get_resnet`` for the arguments)."""
    return get_resnet(1, 152, **kwargs)


def resnet18_v2(**kwargs):
    """ResNet-18 V2 (see ``get_resnet`` for the arguments)."""
    return get_resnet(2, 18, **kwargs)


def resnet34_v2(**kwargs):
    """ResNet-34 V2 (see ``get_resnet`` for the arguments)."""
    return get_resnet(2, 34, **kwargs)


def resnet50_v2(**kwargs):
    """ResNet-50 V2 (see ``get_resnet`` for the arguments)."""
    return get_resnet(2, 50, **kwargs)


def resnet101_v2(**kwargs):
    """ResNet-101 V2 (see ``get_resnet`` for the arguments)."""
    return get_resnet(2, 101, **kwargs)


def resnet152_v2(**kwargs):
    """ResNet-152 V2 (see ``get_resnet`` for the arguments)."""
    return get_resnet(2, 152, **kwargs)
