"""Deformable convolutions (Dai et al., 2017; v2 "modulated", Zhu et al., 2018): a plain
convolution predicts per-position sampling offsets (and, for the modulated layer, masks) from
the input, then the deformable convolution samples the input at the shifted positions."""
from ....base import MXNetError, numeric_types
from ...block import HybridBlock, Block
from ...nn import Activation
from ...parameter import _indent

__all__ = ['DeformableConvolution', 'ModulatedDeformableConvolution']


def _lazy_symbol():
    from .... import symbol  # pylint: disable=import-outside-toplevel
    return symbol


class _DeformableBase(HybridBlock):
    _offset_factor = 2      # offset channels per kernel position and deformable group

    def _setup(self, channels, kernel_size, strides, padding, dilation, groups,
               num_deformable_group, layout, use_bias, in_channels, activation, op_name, adj):
        self._channels = channels
        self._in_channels = in_channels
        if layout not in ('NCHW', 'NHWC'):
            raise AssertionError("Only supports 'NCHW' and 'NHWC' layout for now")
        if isinstance(kernel_size, numeric_types):
            kernel_size = (kernel_size,) * 2
        kernel_size = tuple(kernel_size)
        if isinstance(strides, numeric_types):
            strides = (strides,) * len(kernel_size)
        if isinstance(padding, numeric_types):
            padding = (padding,) * len(kernel_size)
        if isinstance(dilation, numeric_types):
            dilation = (dilation,) * len(kernel_size)
        self._op_name = op_name
        npos = kernel_size[0] * kernel_size[1]
        self.offset_split_index = num_deformable_group * 2 * npos
        self._kwargs_offset = {
            'kernel': kernel_size, 'stride': strides, 'dilate': dilation, 'pad': padding,
            'num_filter': num_deformable_group * self._offset_factor * npos,
            'num_group': groups, 'no_bias': None, 'layout': layout}
        self._kwargs_deformable_conv = {
            'kernel': kernel_size, 'stride': strides, 'dilate': dilation, 'pad': padding,
            'num_filter': channels, 'num_group': groups,
            'num_deformable_group': num_deformable_group, 'no_bias': not use_bias,
            'layout': layout}
        if adj:
            self._kwargs_offset['adj'] = adj
            self._kwargs_deformable_conv['adj'] = adj
        self.act = Activation(activation, prefix=activation + '_') if activation else None

    def _offset_params(self, in_channels, layout, offset_use_bias, offset_weight_initializer,
                       offset_bias_initializer):
        self._kwargs_offset['no_bias'] = not offset_use_bias
        symbol = _lazy_symbol()
        dshape = [0] * (len(self._kwargs_offset['kernel']) + 2)
        dshape[layout.find('N')] = 1
        dshape[layout.find('C')] = in_channels
        offset = symbol.Convolution(symbol.var('data', shape=dshape), **self._kwargs_offset)
        shapes = offset.infer_shape_partial()[0]
        self.offset_weight = self.params.get('offset_weight', shape=shapes[1],
                                             init=offset_weight_initializer,
                                             allow_deferred_init=True)
        self.offset_bias = self.params.get('offset_bias', shape=shapes[2],
                                           init=offset_bias_initializer,
                                           allow_deferred_init=True) if offset_use_bias else None

    def _conv_params(self, channels, kernel_size, use_bias, weight_initializer,
                     bias_initializer):
        shape = [0] * (len(kernel_size) + 2)
        shape[0] = channels
        shape[2], shape[3] = kernel_size[0], kernel_size[1]
        self.deformable_conv_weight = self.params.get('deformable_conv_weight', shape=shape,
                                                      init=weight_initializer,
                                                      allow_deferred_init=True)
        self.deformable_conv_bias = self.params.get(
            'deformable_conv_bias', shape=(channels,), init=bias_initializer,
            allow_deferred_init=True) if use_bias else None

    def _offsets(self, F, x, offset_weight, offset_bias):
        if offset_bias is None:
            return F.Convolution(x, offset_weight, cudnn_off=True, **self._kwargs_offset)
        return F.Convolution(x, offset_weight, offset_bias, cudnn_off=True,
                             **self._kwargs_offset)


class DeformableConvolution(_DeformableBase):
    """2-D deformable convolution (v1): ``y = DeformableConvolution(x, offset(x))`` where the
    offsets come from a plain convolution of ``x`` with the same kernel, stride, padding and
    dilation (its weights start at zero, so the layer starts as an ordinary convolution).

    Parameters
    ----------
    channels : int
        Number of output channels.
    kernel_size, strides, padding, dilation : int or tuple of 2 ints
    groups : int, default 1
    num_deformable_group : int, default 1
        Number of groups of channels sharing one set of offsets.
    layout : {'NCHW', 'NHWC'}, default 'NCHW'
    use_bias : bool, default True
    in_channels : int, default 0
        Input channels (0: inferred from the first input).
    activation : str, optional
    weight_initializer, bias_initializer : initializers of the deformable convolution
    offset_weight_initializer, offset_bias_initializer : default 'zeros'
    offset_use_bias : bool, default True
    op_name, adj, prefix, params : as MXNet
    """

    def __init__(self, channels, kernel_size=(1, 1), strides=(1, 1), padding=(0, 0),
                 dilation=(1, 1), groups=1, num_deformable_group=1, layout='NCHW',
                 use_bias=True, in_channels=0, activation=None, weight_initializer=None,
                 bias_initializer='zeros', offset_weight_initializer='zeros',
                 offset_bias_initializer='zeros', offset_use_bias=True,
                 op_name='DeformableConvolution', adj=None, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        with self.name_scope():
            self._setup(channels, kernel_size, strides, padding, dilation, groups,
                        num_deformable_group, layout, use_bias, in_channels, activation,
                        op_name, adj)
            self._offset_params(in_channels, layout, offset_use_bias,
                                offset_weight_initializer, offset_bias_initializer)
            self._conv_params(channels, self._kwargs_offset['kernel'], use_bias,
                              weight_initializer, bias_initializer)

    def hybrid_forward(self, F, x, offset_weight, deformable_conv_weight, offset_bias=None,
                       deformable_conv_bias=None):
        offset = self._offsets(F, x, offset_weight, offset_bias)
        kw = dict(data=x, offset=offset, weight=deformable_conv_weight, name='fwd',
                  **self._kwargs_deformable_conv)
        if deformable_conv_bias is not None:
            kw['bias'] = deformable_conv_bias
        act = F.contrib.DeformableConvolution(**kw)
        if self.act:
            act = self.act(act)
        return act

    def _alias(self):
        return 'deformable_conv'

    def __repr__(self):
        kw = self._kwargs_deformable_conv
        n = len(kw['kernel'])
        s = '{name}({mapping}, kernel_size={kernel}, stride={stride}'
        if kw['pad'] != (0,) * n:
            s += ', padding={pad}'
        if kw['dilate'] != (1,) * n:
            s += ', dilation={dilate}'
        if kw['num_group'] != 1:
            s += ', groups={num_group}'
        if self.deformable_conv_bias is None:
            s += ', bias=False'
        if self.act:
            s += ', {}'.format(self.act)
        s += ')'
        shape = self.deformable_conv_weight.shape
        return s.format(name=self.__class__.__name__,
                        mapping='{0} -> {1}'.format(shape[1] if shape[1] else None, shape[0]),
                        **kw)


class ModulatedDeformableConvolution(_DeformableBase):
    """2-D modulated deformable convolution (v2): the offset convolution also predicts a mask
    per sampling position (``2 * sigmoid``), which scales each sampled value. Parameters as
    :class:`DeformableConvolution`."""
    _offset_factor = 3

    def __init__(self, channels, kernel_size=(1, 1), strides=(1, 1), padding=(0, 0),
                 dilation=(1, 1), groups=1, num_deformable_group=1, layout='NCHW',
                 use_bias=True, in_channels=0, activation=None, weight_initializer=None,
                 bias_initializer='zeros', offset_weight_initializer='zeros',
                 offset_bias_initializer='zeros', offset_use_bias=True,
                 op_name='ModulatedDeformableConvolution', adj=None, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        with self.name_scope():
            self._setup(channels, kernel_size, strides, padding, dilation, groups,
                        num_deformable_group, layout, use_bias, in_channels, activation,
                        op_name, adj)
            self._conv_params(channels, self._kwargs_offset['kernel'], use_bias,
                              weight_initializer, bias_initializer)
            self._offset_params(in_channels, layout, offset_use_bias,
                                offset_weight_initializer, offset_bias_initializer)

    def hybrid_forward(self, F, x, offset_weight, deformable_conv_weight, offset_bias=None,
                       deformable_conv_bias=None):
        offset = self._offsets(F, x, offset_weight, offset_bias)
        offset_t = F.slice_axis(offset, axis=1, begin=0, end=self.offset_split_index)
        mask = F.sigmoid(F.slice_axis(offset, axis=1, begin=self.offset_split_index,
                                      end=None)) * 2
        op = getattr(F.contrib, 'ModulatedDeformableConvolution', None)
        if op is None:
            raise MXNetError('ModulatedDeformableConvolution: the '
                             '_contrib_ModulatedDeformableConvolution operator is not '
                             'implemented in remx')
        kw = dict(data=x, offset=offset_t, mask=mask, weight=deformable_conv_weight,
                  name='fwd', **self._kwargs_deformable_conv)
        if deformable_conv_bias is not None:
            kw['bias'] = deformable_conv_bias
        act = op(**kw)
        if self.act:
            act = self.act(act)
        return act

    def _alias(self):
        return 'modulated_deformable_conv'

    def __repr__(self):
        modstr = '\n'.join('  ({key}): {block}'.format(key=key, block=_indent(repr(block), 2))
                           for key, block in self.__dict__.items() if isinstance(block, Block))
        return '{name}(\n{modstr}\n)'.format(name=self.__class__.__name__, modstr=modstr)
