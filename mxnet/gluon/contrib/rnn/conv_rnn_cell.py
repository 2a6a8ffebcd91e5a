"""Convolutional recurrent cells (Shi et al., 2015, "Convolutional LSTM Network"): the
input-to-state and state-to-state transforms of RNN / LSTM / GRU cells are convolutions, so
inputs and states keep their spatial axes.

Every cell takes ``input_shape`` (one sample's shape without the batch axis, e.g. ``(C, W)``
for the 1-D cells in 'NCW' layout; a 0 channel count is inferred from the first input) and
``hidden_channels``. The state-to-state convolution keeps the spatial size (odd kernels only);
the input-to-state one uses ``i2h_pad`` / ``i2h_dilate``, which set the state's spatial size.
"""
from ....base import MXNetError, numeric_types
from ...rnn.rnn_cell import HybridRecurrentCell

__all__ = ['Conv1DRNNCell', 'Conv2DRNNCell', 'Conv3DRNNCell',
           'Conv1DLSTMCell', 'Conv2DLSTMCell', 'Conv3DLSTMCell',
           'Conv1DGRUCell', 'Conv2DGRUCell', 'Conv3DGRUCell']


def _tuple(v, dims, what):
    if isinstance(v, numeric_types):
        return (int(v),) * dims
    v = tuple(v)
    if len(v) != dims:
        raise MXNetError('For {dims}D convolution, the convolution settings can only be either '
                         'int or list/tuple of length {dims} ({what}={v})'
                         .format(dims=dims, what=what, v=v))
    return v


def _conv_out_size(dims, kernel, pad, dilate):
    """Spatial output size of a stride-1 convolution (0 stays unknown)."""
    return tuple((x + 2 * p - d * (k - 1) - 1) + 1 if x else 0
                 for x, k, p, d in zip(dims, kernel, pad, dilate))


class _BaseConvRNNCell(HybridRecurrentCell):
    """Shared setup of the convolutional cells (parameters, shapes, the two convolutions)."""
    _gate_names = ('',)

    def __init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel, i2h_pad,
                 i2h_dilate, h2h_dilate, i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer, dims, conv_layout, activation,
                 prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._hidden_channels = hidden_channels
        self._input_shape = tuple(input_shape)
        self._conv_layout = conv_layout
        self._activation = activation
        if len(self._input_shape) != dims + 1:
            raise MXNetError('%s: input_shape must have %d entries (channels and %d spatial '
                             'sizes, no batch axis), got %s'
                             % (self.__class__.__name__, dims + 1, dims, input_shape))
        if len(conv_layout) != dims + 2 or conv_layout[0] != 'N' or 'C' not in conv_layout:
            raise MXNetError('%s: conv_layout %r is not a %dD layout starting with N'
                             % (self.__class__.__name__, conv_layout, dims))
        self._i2h_kernel = _tuple(i2h_kernel, dims, 'i2h_kernel')
        self._stride = (1,) * dims
        self._i2h_pad = _tuple(i2h_pad, dims, 'i2h_pad')
        self._i2h_dilate = _tuple(i2h_dilate, dims, 'i2h_dilate')
        self._h2h_kernel = _tuple(h2h_kernel, dims, 'h2h_kernel')
        if not all(k % 2 == 1 for k in self._h2h_kernel):
            raise MXNetError('Only support odd number, get h2h_kernel= %s' % str(h2h_kernel))
        self._h2h_dilate = _tuple(h2h_dilate, dims, 'h2h_dilate')
        self._h2h_pad = tuple(d * (k - 1) // 2 for d, k in zip(self._h2h_dilate,
                                                               self._h2h_kernel))
        self._channel_axis = conv_layout.find('C')
        ax = self._channel_axis
        self._in_channels = self._input_shape[ax - 1]
        spatial = self._input_shape[1:] if ax == 1 else self._input_shape[:-1]
        total = hidden_channels * len(self._gate_names)
        out_size = _conv_out_size(spatial, self._i2h_kernel, self._i2h_pad, self._i2h_dilate)
        if ax == 1:
            i2h_shape = (total, self._in_channels) + self._i2h_kernel
            h2h_shape = (total, hidden_channels) + self._h2h_kernel
            self._state_shape = (hidden_channels,) + out_size
        else:
            i2h_shape = (total,) + self._i2h_kernel + (self._in_channels,)
            h2h_shape = (total,) + self._h2h_kernel + (hidden_channels,)
            self._state_shape = out_size + (hidden_channels,)
        get = self.params.get
        self.i2h_weight = get('i2h_weight', shape=i2h_shape, init=i2h_weight_initializer,
                              allow_deferred_init=True)
        self.h2h_weight = get('h2h_weight', shape=h2h_shape, init=h2h_weight_initializer,
                              allow_deferred_init=True)
        self.i2h_bias = get('i2h_bias', shape=(total,), init=i2h_bias_initializer,
                            allow_deferred_init=True)
        self.h2h_bias = get('h2h_bias', shape=(total,), init=h2h_bias_initializer,
                            allow_deferred_init=True)

    @property
    def _num_gates(self):
        return len(self._gate_names)

    def state_info(self, batch_size=0):
        shape = (batch_size,) + self._state_shape
        return [{'shape': shape, '__layout__': self._conv_layout}
                for _ in range(self._num_states)]

    _num_states = 1

    def __repr__(self):
        shape = self.i2h_weight.shape
        in_channels = shape[1 if self._channel_axis == 1 else -1]
        mapping = '{0} -> {1}'.format(in_channels if in_channels else None, shape[0])
        return '{name}({mapping}, {act}, {layout})'.format(
            name=self.__class__.__name__, mapping=mapping, layout=self._conv_layout,
            act=self._activation)

    def _conv_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias,
                      prefix):
        nf = self._hidden_channels * self._num_gates
        i2h = F.Convolution(data=inputs, num_filter=nf, kernel=self._i2h_kernel,
                            stride=self._stride, pad=self._i2h_pad, dilate=self._i2h_dilate,
                            weight=i2h_weight, bias=i2h_bias, layout=self._conv_layout,
                            name=prefix + 'i2h')
        h2h = F.Convolution(data=states[0], num_filter=nf, kernel=self._h2h_kernel,
                            dilate=self._h2h_dilate, pad=self._h2h_pad, stride=self._stride,
                            weight=h2h_weight, bias=h2h_bias, layout=self._conv_layout,
                            name=prefix + 'h2h')
        return i2h, h2h

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        raise NotImplementedError('_BaseConvRNNCell is abstract class for convolutional RNN')


class _ConvRNNCell(_BaseConvRNNCell):
    def _alias(self):
        return 'conv_rnn'

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = 't%d_' % self._counter
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                                      h2h_bias, prefix)
        output = self._get_activation(F, i2h + h2h, self._activation, name=prefix + 'out')
        return output, [output]


class _ConvLSTMCell(_BaseConvRNNCell):
    _gate_names = ('_i', '_f', '_c', '_o')
    _num_states = 2

    def _alias(self):
        return 'conv_lstm'

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = 't%d_' % self._counter
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                                      h2h_bias, prefix)
        gates = F.SliceChannel(i2h + h2h, num_outputs=4, axis=self._channel_axis,
                               name=prefix + 'slice')
        in_gate = F.Activation(gates[0], act_type='sigmoid', name=prefix + 'i')
        forget_gate = F.Activation(gates[1], act_type='sigmoid', name=prefix + 'f')
        in_transform = self._get_activation(F, gates[2], self._activation, name=prefix + 'c')
        out_gate = F.Activation(gates[3], act_type='sigmoid', name=prefix + 'o')
        next_c = F.elemwise_add(forget_gate * states[1], in_gate * in_transform,
                                name=prefix + 'state')
        next_h = F.elemwise_mul(out_gate, self._get_activation(F, next_c, self._activation),
                                name=prefix + 'out')
        return next_h, [next_h, next_c]


class _ConvGRUCell(_BaseConvRNNCell):
    _gate_names = ('_r', '_z', '_o')

    def _alias(self):
        return 'conv_gru'

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = 't%d_' % self._counter
        i2h, h2h = self._conv_forward(F, inputs, states, i2h_weight, h2h_weight, i2h_bias,
                                      h2h_bias, prefix)
        ax = self._channel_axis
        i2h_r, i2h_z, i2h = F.SliceChannel(i2h, num_outputs=3, axis=ax, name=prefix + 'i2h_slice')
        h2h_r, h2h_z, h2h = F.SliceChannel(h2h, num_outputs=3, axis=ax, name=prefix + 'h2h_slice')
        reset_gate = F.Activation(i2h_r + h2h_r, act_type='sigmoid', name=prefix + 'r_act')
        update_gate = F.Activation(i2h_z + h2h_z, act_type='sigmoid', name=prefix + 'z_act')
        cand = self._get_activation(F, i2h + reset_gate * h2h, self._activation,
                                    name=prefix + 'h_act')
        next_h = F.elemwise_add((1. - update_gate) * cand, update_gate * states[0],
                                name=prefix + 'out')
        return next_h, [next_h]


def _make_init(base, dims, default_layout):
    zeros = (0,) * dims
    ones = (1,) * dims

    def __init__(self, input_shape, hidden_channels, i2h_kernel, h2h_kernel, i2h_pad=zeros,
                 i2h_dilate=ones, h2h_dilate=ones, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', conv_layout=default_layout, activation='tanh',
                 prefix=None, params=None):
        base.__init__(self, input_shape=input_shape, hidden_channels=hidden_channels,
                      i2h_kernel=i2h_kernel, h2h_kernel=h2h_kernel, i2h_pad=i2h_pad,
                      i2h_dilate=i2h_dilate, h2h_dilate=h2h_dilate,
                      i2h_weight_initializer=i2h_weight_initializer,
                      h2h_weight_initializer=h2h_weight_initializer,
                      i2h_bias_initializer=i2h_bias_initializer,
                      h2h_bias_initializer=h2h_bias_initializer, dims=dims,
                      conv_layout=conv_layout, activation=activation, prefix=prefix,
                      params=params)
    return __init__


_DOC = """{kind} cell with {dims}-D convolutions ({layout} layout by default).

    Parameters
    ----------
    input_shape : tuple of int
        Shape of one input sample without the batch axis (e.g. ``{example}``); a 0 channel
        count is inferred from the first input.
    hidden_channels : int
        Number of channels of the output and states.
    i2h_kernel, h2h_kernel : int or tuple of int
        Kernels of the input-to-state and state-to-state convolutions (h2h: odd sizes only).
    i2h_pad : int or tuple of int, default {zeros}
        Padding of the input-to-state convolution.
    i2h_dilate, h2h_dilate : int or tuple of int, default {ones}
        Dilations of the two convolutions.
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
    conv_layout : str, default '{layout}'
    activation : str or Block, default 'tanh'
    prefix : str, optional
    params : ParameterDict, optional
"""

_LAYOUTS = {1: ('NCW', '(C, W)'), 2: ('NCHW', '(C, H, W)'), 3: ('NCDHW', '(C, D, H, W)')}
for _dims in (1, 2, 3):
    for _kind, _base in (('RNN', _ConvRNNCell), ('LSTM', _ConvLSTMCell), ('GRU', _ConvGRUCell)):
        _layout, _example = _LAYOUTS[_dims]
        _init = _make_init(_base, _dims, _layout)
        _name = 'Conv%dD%sCell' % (_dims, _kind)
        _cls = type(_name, (_base,), {
            '__init__': _init, '__module__': __name__,
            '__doc__': _DOC.format(kind='Convolutional %s' % _kind, dims=_dims, layout=_layout,
                                   example=_example, zeros=(0,) * _dims, ones=(1,) * _dims)})
        _init.__qualname__ = _name + '.__init__'
        globals()[_name] = _cls
del _dims, _kind, _base, _layout, _example, _init, _name, _cls
