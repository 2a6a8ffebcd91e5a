"""Convolution, transposed convolution, pooling and padding layers."""
from ...base import MXNetError, numeric_types
from ..block import HybridBlock
from .activations import Activation

__all__ = ['Conv1D', 'Conv2D', 'Conv3D', 'Conv1DTranspose', 'Conv2DTranspose',
           'Conv3DTranspose', 'MaxPool1D', 'MaxPool2D', 'MaxPool3D', 'AvgPool1D', 'AvgPool2D',
           'AvgPool3D', 'GlobalMaxPool1D', 'GlobalMaxPool2D', 'GlobalMaxPool3D',
           'GlobalAvgPool1D', 'GlobalAvgPool2D', 'GlobalAvgPool3D', 'ReflectionPad2D']


def _tuple(v, n, what):
    if isinstance(v, numeric_types):
        return (int(v),) * n
    v = tuple(v)
    if len(v) != n:
        raise MXNetError('%s must be a number or a list of %d ints' % (what, n))
    return v


class _Conv(HybridBlock):
    """Shared implementation of the (transposed) convolution layers."""

    def __init__(self, channels, kernel_size, strides, padding, dilation, groups, layout,
                 in_channels=0, activation=None, use_bias=True, weight_initializer=None,
                 bias_initializer='zeros', op_name='Convolution', adj=None, prefix=None,
                 params=None):
        super().__init__(prefix=prefix, params=params)
        n = len(kernel_size)
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            strides = _tuple(strides, n, 'strides')
            padding = _tuple(padding, n, 'padding')
            dilation = _tuple(dilation, n, 'dilation')
            self._op_name = op_name
            self._kwargs = {'kernel': kernel_size, 'stride': strides, 'dilate': dilation,
                            'pad': padding, 'num_filter': channels, 'num_group': groups,
                            'no_bias': not use_bias, 'layout': layout}
            if adj is not None:
                self._kwargs['adj'] = adj
            channels_last = layout.find('C') == len(layout) - 1
            if op_name == 'Convolution':
                wshape = (channels, in_channels // groups if in_channels else 0)
            else:
                wshape = (in_channels, channels // groups)
            wshape = (wshape[0],) + tuple(kernel_size) + (wshape[1],) if channels_last \
                else wshape + tuple(kernel_size)
            self._wshape_fn = (op_name, groups, channels_last)
            self.weight = self.params.get('weight', shape=wshape, init=weight_initializer,
                                          allow_deferred_init=True)
            self.bias = self.params.get('bias', shape=(channels,), init=bias_initializer,
                                        allow_deferred_init=True) if use_bias else None
            self.act = Activation(activation, prefix=activation + '_') \
                if activation is not None else None

    def hybrid_forward(self, F, x, weight, bias=None):
        op = getattr(F, self._op_name)
        if bias is None:
            out = op(x, weight, name='fwd', **self._kwargs)
        else:
            out = op(x, weight, bias, name='fwd', **self._kwargs)
        if self.act is not None:
            out = self.act(out)
        return out

    def _alias(self):
        return 'conv'

    def __repr__(self):
        k = self._kwargs
        n = len(k['kernel'])
        s = '{name}({mapping}, kernel_size={kernel}, stride={stride}'
        if k['pad'] != (0,) * n:
            s += ', padding={pad}'
        if k['dilate'] != (1,) * n:
            s += ', dilation={dilate}'
        if hasattr(self, 'out_pad') and self.out_pad != (0,) * n:
            s += ', output_padding={out_pad}'.format(out_pad=self.out_pad)
        if k['num_group'] != 1:
            s += ', groups={num_group}'
        if self.bias is None:
            s += ', bias=False'
        if self.act:
            s += ', {}'.format(self.act)
        s += ')'
        shape = self.weight.shape  # MXNet prints shape[1] -> shape[0] whatever the layout/op
        mapping = '{0} -> {1}'.format(shape[1] if shape[1] else None, shape[0])
        return s.format(name=self.__class__.__name__, mapping=mapping, **k)


def _conv_init(cls_name, nd_, layouts):
    def init(self, channels, kernel_size, strides=1, padding=0, dilation=1, groups=1,
             layout=layouts[0], activation=None, use_bias=True, weight_initializer=None,
             bias_initializer='zeros', in_channels=0, **kwargs):
        if layout not in layouts:
            raise MXNetError('Only supports %s layout for now' % ' and '.join(
                "'%s'" % l for l in layouts))
        kernel_size = _tuple(kernel_size, nd_, 'kernel_size')
        op_name = kwargs.pop('op_name', 'Convolution')
        _Conv.__init__(self, channels, kernel_size, strides, padding, dilation, groups, layout,
                       in_channels, activation, use_bias, weight_initializer,
                       bias_initializer, op_name, **kwargs)
    init.__name__ = '__init__'
    return init


def _deconv_init(cls_name, nd_, layouts):
    def init(self, channels, kernel_size, strides=1, padding=0, output_padding=0, dilation=1,
             groups=1, layout=layouts[0], activation=None, use_bias=True,
             weight_initializer=None, bias_initializer='zeros', in_channels=0, **kwargs):
        if layout not in layouts:
            raise MXNetError('Only supports %s layout for now' % ' and '.join(
                "'%s'" % l for l in layouts))
        kernel_size = _tuple(kernel_size, nd_, 'kernel_size')
        output_padding = _tuple(output_padding, nd_, 'output_padding')
        _Conv.__init__(self, channels, kernel_size, strides, padding, dilation, groups, layout,
                       in_channels, activation, use_bias, weight_initializer,
                       bias_initializer, op_name='Deconvolution', adj=output_padding, **kwargs)
        self.outpad = output_padding
    init.__name__ = '__init__'
    return init


class Conv1D(_Conv):
    """1-D convolution over (N, C, W) inputs."""
    __init__ = _conv_init('Conv1D', 1, ('NCW',))


class Conv2D(_Conv):
    """2-D convolution over (N, C, H, W) (or NHWC) inputs.

    channels, kernel_size, strides, padding, dilation, groups, layout, activation, use_bias,
    weight/bias initializers, in_channels (inferred from the first input when 0).
    """
    __init__ = _conv_init('Conv2D', 2, ('NCHW', 'NHWC'))


class Conv3D(_Conv):
    """3-D convolution over (N, C, D, H, W) (or NDHWC) inputs."""
    __init__ = _conv_init('Conv3D', 3, ('NCDHW', 'NDHWC'))


class Conv1DTranspose(_Conv):
    """1-D transposed convolution (a.k.a. deconvolution)."""
    __init__ = _deconv_init('Conv1DTranspose', 1, ('NCW',))


class Conv2DTranspose(_Conv):
    """2-D transposed convolution (a.k.a. deconvolution)."""
    __init__ = _deconv_init('Conv2DTranspose', 2, ('NCHW', 'NHWC'))


class Conv3DTranspose(_Conv):
    """3-D transposed convolution (a.k.a. deconvolution)."""
    __init__ = _deconv_init('Conv3DTranspose', 3, ('NCDHW', 'NDHWC'))


class _Pooling(HybridBlock):
    """Shared implementation of the pooling layers."""

    def __init__(self, pool_size, strides, padding, ceil_mode, global_pool, pool_type, layout,
                 count_include_pad=None, **kwargs):
        super().__init__(**kwargs)
        if strides is None:
            strides = pool_size
        n = len(pool_size)
        strides = _tuple(strides, n, 'strides')
        padding = _tuple(padding, n, 'padding')
        self._kwargs = {'kernel': pool_size, 'stride': strides, 'pad': padding,
                        'global_pool': global_pool, 'pool_type': pool_type, 'layout': layout,
                        'pooling_convention': 'full' if ceil_mode else 'valid'}
        if count_include_pad is not None:
            self._kwargs['count_include_pad'] = count_include_pad

    def _alias(self):
        return 'pool'

    def hybrid_forward(self, F, x):
        return F.Pooling(x, name='fwd', **self._kwargs)

    def __repr__(self):
        k = self._kwargs
        return ('{name}(size={kernel}, stride={stride}, padding={pad}, ceil_mode={ceil_mode}, '
                'global_pool={global_pool}, pool_type={pool_type}, layout={layout})').format(
            name=self.__class__.__name__, ceil_mode=k['pooling_convention'] == 'full', **k)


def _pool_class(name, nd_, pool_type, layouts, doc, is_global=False, ceil_first=False):
    """A pooling layer class. ``ceil_first``: MXNet's AvgPool2D/3D and MaxPool3D take
    ``ceil_mode`` before ``layout`` positionally; the other pools take ``layout`` first."""
    def check(layout):
        if layout not in layouts:
            raise MXNetError('Only supports %s layout for now' % ' and '.join(
                "'%s'" % l for l in layouts))

    def build(self, pool_size, strides, padding, ceil_mode, layout, kwargs, count_include_pad=None):
        check(layout)
        pool_size = _tuple(pool_size, nd_, 'pool_size')
        extra = () if count_include_pad is None else (count_include_pad,)
        _Pooling.__init__(self, pool_size, strides, padding, ceil_mode, False, pool_type,
                          layout, *extra, **kwargs)

    if is_global:
        def init(self, layout=layouts[0], **kwargs):
            check(layout)
            _Pooling.__init__(self, (1,) * nd_, None, 0, True, True, pool_type, layout,
                              **kwargs)
    elif pool_type == 'avg' and ceil_first:
        def init(self, pool_size=2, strides=None, padding=0, ceil_mode=False,
                 layout=layouts[0], count_include_pad=True, **kwargs):
            build(self, pool_size, strides, padding, ceil_mode, layout, kwargs, count_include_pad)
    elif pool_type == 'avg':
        def init(self, pool_size=2, strides=None, padding=0, layout=layouts[0],
                 ceil_mode=False, count_include_pad=True, **kwargs):
            build(self, pool_size, strides, padding, ceil_mode, layout, kwargs, count_include_pad)
    elif ceil_first:
        def init(self, pool_size=2, strides=None, padding=0, ceil_mode=False,
                 layout=layouts[0], **kwargs):
            build(self, pool_size, strides, padding, ceil_mode, layout, kwargs)
    else:
        def init(self, pool_size=2, strides=None, padding=0, layout=layouts[0],
                 ceil_mode=False, **kwargs):
            build(self, pool_size, strides, padding, ceil_mode, layout, kwargs)
    init.__name__ = '__init__'
    return type(name, (_Pooling,), {'__init__': init, '__doc__': doc})


_L1, _L2, _L3 = ('NCW', 'NWC'), ('NCHW', 'NHWC'), ('NCDHW', 'NDHWC')
MaxPool1D = _pool_class('MaxPool1D', 1, 'max', _L1, 'Max pooling over 1-D inputs.')
MaxPool2D = _pool_class('MaxPool2D', 2, 'max', _L2, 'Max pooling over 2-D inputs.')
MaxPool3D = _pool_class('MaxPool3D', 3, 'max', _L3, 'Max pooling over 3-D inputs.',
                         ceil_first=True)
AvgPool1D = _pool_class('AvgPool1D', 1, 'avg', _L1, 'Average pooling over 1-D inputs.')
AvgPool2D = _pool_class('AvgPool2D', 2, 'avg', _L2, 'Average pooling over 2-D inputs.',
                         ceil_first=True)
AvgPool3D = _pool_class('AvgPool3D', 3, 'avg', _L3, 'Average pooling over 3-D inputs.',
                         ceil_first=True)
GlobalMaxPool1D = _pool_class('GlobalMaxPool1D', 1, 'max', _L1, 'Global max pooling (1-D).',
                              True)
GlobalMaxPool2D = _pool_class('GlobalMaxPool2D', 2, 'max', _L2, 'Global max pooling (2-D).',
                              True)
GlobalMaxPool3D = _pool_class('GlobalMaxPool3D', 3, 'max', _L3, 'Global max pooling (3-D).',
                              True)
GlobalAvgPool1D = _pool_class('GlobalAvgPool1D', 1, 'avg', _L1, 'Global average pooling (1-D).',
                              True)
GlobalAvgPool2D = _pool_class('GlobalAvgPool2D', 2, 'avg', _L2, 'Global average pooling (2-D).',
                              True)
GlobalAvgPool3D = _pool_class('GlobalAvgPool3D', 3, 'avg', _L3, 'Global average pooling (3-D).',
                              True)


class ReflectionPad2D(HybridBlock):
    """Pads the H and W axes of (N, C, H, W) input by reflection."""

    def __init__(self, padding=0, **kwargs):
        super().__init__(**kwargs)
        if isinstance(padding, numeric_types):
            padding = (0, 0, 0, 0, padding, padding, padding, padding)
        if len(padding) != 8:
            raise MXNetError('ReflectionPad2D: padding must be an int or 8 ints')
        self._padding = padding

    def hybrid_forward(self, F, x):
        return F.pad(x, mode='reflect', pad_width=self._padding)
