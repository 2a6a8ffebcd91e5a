"""VGG 11/13/16/19, with or without batch normalization (Simonyan & Zisserman, "Very Deep
Convolutional Networks for Large-Scale Image Recognition")."""
from ....context import cpu
from ....initializer import Xavier
from ...block import HybridBlock
from ... import nn
from ._common import ZooAssertionError, check_spec, default_root, load_pretrained

__all__ = ['VGG',
           'vgg11', 'vgg13', 'vgg16', 'vgg19',
           'vgg11_bn', 'vgg13_bn', 'vgg16_bn', 'vgg19_bn',
           'get_vgg']


class VGG(HybridBlock):
    """VGG network.

    Parameters
    ----------
    layers : list of int
        Number of 3x3 convolutions in each of the five stages.
    filters : list of int
        Number of channels of each stage.
    classes : int, default 1000
        Number of output classes.
    batch_norm : bool, default False
        Insert a BatchNorm after every convolution.

    Input: (N, 3, 224, 224) images (the two 4096-unit dense layers need a 7x7 final map for
    the pretrained shapes; any size works for a freshly initialized net). Output: (N, classes).
    """

    def __init__(self, layers, filters, classes=1000, batch_norm=False, **kwargs):
        super().__init__(**kwargs)
        if len(layers) != len(filters):
            raise ZooAssertionError('VGG needs as many filters (%d) as layers (%d)'
                                    % (len(filters), len(layers)))
        with self.name_scope():
            self.features = self._make_features(layers, filters, batch_norm)
            for _ in range(2):
                self.features.add(nn.Dense(4096, activation='relu', weight_initializer='normal',
                                           bias_initializer='zeros'))
                self.features.add(nn.Dropout(rate=0.5))
            self.output = nn.Dense(classes, weight_initializer='normal',
                                   bias_initializer='zeros')

    def _make_features(self, layers, filters, batch_norm):
        features = nn.HybridSequential(prefix='')
        for num_convs, width in zip(layers, filters):
            for _ in range(num_convs):
                features.add(nn.Conv2D(width, kernel_size=3, padding=1,
                                       weight_initializer=Xavier(rnd_type='gaussian',
                                                                 factor_type='out',
                                                                 magnitude=2),
                                       bias_initializer='zeros'))
                if batch_norm:
                    features.add(nn.BatchNorm())
                features.add(nn.Activation('relu'))
            features.add(nn.MaxPool2D(strides=2))
        return features

    def hybrid_forward(self, F, x):
        return self.output(self.features(x))


# num_layers -> (convolutions per stage, channels per stage)
vgg_spec = {11: ([1, 1, 2, 2, 2], [64, 128, 256, 512, 512]),
            13: ([2, 2, 2, 2, 2], [64, 128, 256, 512, 512]),
            16: ([2, 2, 3, 3, 3], [64, 128, 256, 512, 512]),
            19: ([2, 2, 4, 4, 4], [64, 128, 256, 512, 512])}


def get_vgg(num_layers, pretrained=False, ctx=cpu(), root=default_root, **kwargs):
    """Build a VGG network.

    Parameters
    ----------
    num_layers : int
        11, 13, 16 or 19.
    pretrained : bool, default False
        Load the pretrained weights from ``root`` (the file must already be there).
    ctx : Context, default cpu()
        Context to load the pretrained weights on.
    root : str, default $MXNET_HOME/models
        Directory holding pretrained parameter files.
    **kwargs
        Passed to ``VGG`` (``classes``, ``batch_norm``, ``prefix``, ``params``).
    """
    layers, filters = check_spec(vgg_spec, num_layers, 'number of layers')
    net = VGG(layers, filters, **kwargs)
    if pretrained:
        suffix = '_bn' if kwargs.get('batch_norm') else ''
        load_pretrained(net, 'vgg%d%s' % (num_layers, suffix), root, ctx)
    return net


def vgg11(**kwargs):
    """VGG-11 (see ``get_vgg`` for the arguments)."""
    return get_vgg(11, **kwargs)


def vgg13(**kwargs):
    """VGG-13 (see ``get_vgg`` for the arguments)."""
    return get_vgg(13, **kwargs)


def vgg16(**kwargs):
    """VGG-16 (see ``get_vgg`` for the arguments)."""
    return get_vgg(16, **kwargs)


def vgg19(**kwargs):
    """VGG-19 (see ``get_vgg`` for the arguments)."""
    return get_vgg(19, **kwargs)


def vgg11_bn(**kwargs):
    """VGG-11 with batch normalization (see ``get_vgg`` for the arguments)."""
    kwargs['batch_norm'] = True
    return get_vgg(11, **kwargs)


def vgg13_bn(**kwargs):
    """VGG-13 with batch normalization (see ``get_vgg`` for the arguments)."""
    kwargs['batch_norm'] = True
    return get_vgg(13, **kwargs)


def vgg16_bn(**kwargs):
    """VGG-16 with batch normalization (see ``get_vgg`` for the arguments)."""
    kwargs['batch_norm'] = True
    return get_vgg(16, **kwargs)


def vgg19_bn(**kwargs):
    """VGG-19 with batch normalization (see ``get_vgg`` for the arguments)."""
    kwargs['batch_norm'] = True
    return get_vgg(19, **kwargs)
