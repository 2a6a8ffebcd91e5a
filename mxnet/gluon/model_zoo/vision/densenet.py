"""DenseNet 121/161/169/201 (Huang et al., "Densely Connected Convolutional Networks")."""
from ....context import cpu
from ...block import HybridBlock
from ... import nn
from ._common import HybridConcurrent, Identity, check_spec, default_root, load_pretrained

__all__ = ['DenseNet', 'densenet121', 'densenet161', 'densenet169', 'densenet201']


def _make_dense_block(num_layers, bn_size, growth_rate, dropout, stage_index):
    """Stage 'stage<i>_' of num_layers dense layers, each appending growth_rate channels."""
    block = nn.HybridSequential(prefix='stage%d_' % stage_index)
    with block.name_scope():
        for _ in range(num_layers):
            block.add(_make_dense_layer(growth_rate, bn_size, dropout))
    return block


def _make_dense_layer(growth_rate, bn_size, dropout):
    """BN-ReLU-conv1x1-BN-ReLU-conv3x3 (optional dropout), concatenated to its input."""
    new_features = nn.HybridSequential(prefix='')
    new_features.add(nn.BatchNorm())
    new_features.add(nn.Activation('relu'))
    new_features.add(nn.Conv2D(bn_size * growth_rate, kernel_size=1, use_bias=False))
    new_features.add(nn.BatchNorm())
    new_features.add(nn.Activation('relu'))
    new_features.add(nn.Conv2D(growth_rate, kernel_size=3, padding=1, use_bias=False))
    if dropout:
        new_features.add(nn.Dropout(dropout))
    layer = HybridConcurrent(axis=1, prefix='')
    layer.add(Identity())
    layer.add(new_features)
    return layer


def _make_transition(num_output_features):
    """BN-ReLU-conv1x1 to num_output_features channels, then 2x2 average pooling."""
    trans = nn.HybridSequential(prefix='')
    trans.add(nn.BatchNorm())
    trans.add(nn.Activation('relu'))
    trans.add(nn.Conv2D(num_output_features, kernel_size=1, use_bias=False))
    trans.add(nn.AvgPool2D(pool_size=2, strides=2))
    return trans


class DenseNet(HybridBlock):
    """DenseNet.

    Parameters
    ----------
    num_init_features : int
        Channels of the first (7x7/2) convolution.
    growth_rate : int
        Channels each dense layer adds.
    block_config : list of int
        Number of dense layers in each of the four stages.
    bn_size : int, default 4
        Width multiplier of the 1x1 bottleneck convolution (bn_size * growth_rate channels).
    dropout : float, default 0
        Dropout rate after each dense layer (0: none).
    classes : int, default 1000
        Number of output classes.

    Input: (N, 3, 224, 224) images (the final 7x7 average pool needs at least 7x7 left, i.e.
    inputs of 193x193 or more). Output: (N, classes) scores.
    """

    def __init__(self, num_init_features, growth_rate, block_config, bn_size=4, dropout=0,
                 classes=1000, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix='')
            self.features.add(nn.Conv2D(num_init_features, kernel_size=7, strides=2, padding=3,
                                        use_bias=False))
            self.features.add(nn.BatchNorm())
            self.features.add(nn.Activation('relu'))
            self.features.add(nn.MaxPool2D(pool_size=3, strides=2, padding=1))
            num_features = num_init_features
            last = len(block_config) - 1
            for i, num_layers in enumerate(block_config):
                self.features.add(_make_dense_block(num_layers, bn_size, growth_rate, dropout,
                                                    i + 1))
                num_features += num_layers * growth_rate
                if i != last:
                    num_features //= 2
                    self.features.add(_make_transition(num_features))
            self.features.add(nn.BatchNorm())
            self.features.add(nn.Activation('relu'))
            self.features.add(nn.AvgPool2D(pool_size=7))
            self.features.add(nn.Flatten())
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


# num_layers -> (num_init_features, growth_rate, block_config)
densenet_spec = {121: (64, 32, [6, 12, 24, 16]),
                 161: (96, 48, [6, 12, 36, 24]),
                 169: (64, 32, [6, 12, 32, 32]),
                 201: (64, 32, [6, 12, 48, 32])}


def get_densenet(num_layers, pretrained=False, ctx=cpu(), root=default_root, **kwargs):
    """Build a DenseNet.

    Parameters
    ----------
    num_layers : int
        121, 161, 169 or 201.
    pretrained : bool, default False
        Load the pretrained weights from ``root`` (the file must already be there).
    ctx : Context, default cpu()
        Context to load the pretrained weights on.
    root : str, default $MXNET_HOME/models
        Directory holding pretrained parameter files.
    **kwargs
        Passed to ``DenseNet`` (``bn_size``, ``dropout``, ``classes``, ``prefix``, ``params``).
    """
    num_init_features, growth_rate, block_config = check_spec(densenet_spec, num_layers,
                                                              'number of layers')
    net = DenseNet(num_init_features, growth_rate, block_config, **kwargs)
    if pretrained:
        load_pretrained(net, 'densenet%d' % num_layers, root, ctx)
    return net


def densenet121(**kwargs):
    """DenseNet-121 (see ``get_densenet`` for the arguments)."""
    return get_densenet(121, **kwargs)


def densenet161(**kwargs):
    """DenseNet-161 (see ``get_densenet`` for the arguments)."""
    return get_densenet(161, **kwargs)


def densenet169(**kwargs):
    """DenseNet-169 (see ``get_densenet`` for the arguments)."""
    return get_densenet(169, **kwargs)


def densenet201(**kwargs):
    """DenseNet-201 (see ``get_densenet`` for the arguments)."""
    return get_densenet(201, **kwargs)
