"""Fused recurrent layers: ``RNN``, ``LSTM`` and ``GRU``.

Each layer keeps one set of Parameters per layer and direction (``l0_i2h_weight``,
``l0_h2h_weight``, ``l0_i2h_bias``, ``l0_h2h_bias``, ``r0_...`` for the reverse direction,
``l0_h2r_weight`` for a projected LSTM) and runs the whole stack with the fused ``RNN`` operator:
the flattened parameters are packed in MXNet's order (all weights layer by layer and direction
by direction, then all biases) with ``_rnn_param_concat`` and handed to ``F.RNN`` with
``state_outputs=True``.

``save_parameters`` writes the keys MXNet 1.9.1 writes for these layers
(``_unfused.0.i2h_weight``, or ``_unfused.0.l_cell.i2h_weight`` when bidirectional), so the
``.params`` files move between the two unchanged.
"""
import re

from ...base import MXNetError
from ... import ndarray
from ...ndarray import NDArray
from ..block import HybridBlock
from ..parameter import DeferredInitializationError
from . import rnn_cell

__all__ = ['RNN', 'LSTM', 'GRU']

_GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}
_KEY = re.compile(r'(l|r)(\d+)_(i2h|h2h|h2r)_(weight|bias)\Z')


class _StateShapeError(MXNetError, ValueError):
    """A recurrent state of the wrong shape (MXNet raises ValueError here)."""


class _RNNLayer(HybridBlock):
    """Common implementation of the fused recurrent layers."""

    def __init__(self, hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                 i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                 h2h_bias_initializer, mode, projection_size, h2r_weight_initializer,
                 lstm_state_clip_min, lstm_state_clip_max, lstm_state_clip_nan, dtype,
                 use_sequence_length=False, **kwargs):
        if layout not in ('TNC', 'NTC'):
            raise MXNetError("Invalid layout %s; must be one of ['TNC' or 'NTC']" % layout)
        if mode not in _GATES:
            raise MXNetError("Invalid activation '%s' for RNN: must be 'relu' or 'tanh'"
                             % mode[4:])
        if int(hidden_size) <= 0 or int(num_layers) <= 0:
            raise MXNetError('hidden_size and num_layers must be positive, got hidden_size=%s, '
                             'num_layers=%s' % (hidden_size, num_layers))
        if not 0 <= dropout <= 1:
            raise MXNetError('dropout must be in [0, 1], got %s' % dropout)
        if projection_size and not 0 < projection_size < hidden_size:
            raise MXNetError('projection_size (%s) must be positive and smaller than '
                             'hidden_size (%s)' % (projection_size, hidden_size))
        super().__init__(**kwargs)
        self._hidden_size = hidden_size
        self._projection_size = projection_size if projection_size else None
        self._num_layers = num_layers
        self._mode = mode
        self._layout = layout
        self._dropout = dropout
        self._dir = 2 if bidirectional else 1
        self._input_size = input_size
        self._i2h_weight_initializer = i2h_weight_initializer
        self._h2h_weight_initializer = h2h_weight_initializer
        self._i2h_bias_initializer = i2h_bias_initializer
        self._h2h_bias_initializer = h2h_bias_initializer
        self._h2r_weight_initializer = h2r_weight_initializer
        self._lstm_state_clip_min = lstm_state_clip_min
        self._lstm_state_clip_max = lstm_state_clip_max
        self._lstm_state_clip_nan = lstm_state_clip_nan
        self._dtype = dtype
        self._use_sequence_length = use_sequence_length
        self.skip_states = None
        self._gates = _GATES[mode]

        ng, nh, npj = self._gates, hidden_size, self._projection_size
        rec = npj or nh          # width of the recurrent state fed back to h2h
        ni = input_size
        groups = ['i2h', 'h2h'] if npj is None else ['i2h', 'h2h', 'h2r']
        for i in range(num_layers):
            for j in ['l', 'r'][:self._dir]:
                self._register_param('%s%d_i2h_weight' % (j, i), (ng * nh, ni),
                                     i2h_weight_initializer, dtype)
                self._register_param('%s%d_h2h_weight' % (j, i), (ng * nh, rec),
                                     h2h_weight_initializer, dtype)
                self._register_param('%s%d_i2h_bias' % (j, i), (ng * nh,),
                                     i2h_bias_initializer, dtype)
                self._register_param('%s%d_h2h_bias' % (j, i), (ng * nh,),
                                     h2h_bias_initializer, dtype)
                if npj is not None:
                    self._register_param('%s%d_h2r_weight' % (j, i), (npj, nh),
                                         h2r_weight_initializer, dtype)
            ni = rec * self._dir
        # names of the parameters in the packed vector's order: every weight, then every bias
        self._packed_names = tuple(
            '%s%d_%s_%s' % (d, l, g, t)
            for t in ('weight', 'bias')
            for l in range(num_layers)
            for d in ['l', 'r'][:self._dir]
            for g in groups
            if not (g == 'h2r' and t == 'bias'))

    def _register_param(self, name, shape, init, dtype):
        p = self.params.get(name, shape=shape, init=init, allow_deferred_init=True,
                            dtype=dtype)
        setattr(self, name, p)
        return p

    def __repr__(self):
        s = '{name}({mapping}, {_layout}'
        if self._num_layers != 1:
            s += ', num_layers={_num_layers}'
        if self._dropout != 0:
            s += ', dropout={_dropout}'
        if self._dir == 2:
            s += ', bidirectional'
        s += ')'
        shape = self.l0_i2h_weight.shape
        mapping = '{0} -> {1}'.format(shape[1] if shape[1] else None, shape[0] // self._gates)
        return s.format(name=self.__class__.__name__, mapping=mapping, **self.__dict__)

    def _collect_params_with_prefix(self, prefix=''):
        # MXNet 1.9.1 stores these under the names of the old unfused cell stack
        if prefix:
            prefix += '.'
        bidirectional = self._dir == 2
        ret = {}
        for key, val in self._reg_params.items():
            d, l, g, t = _KEY.match(key).groups()
            if bidirectional:
                name = '_unfused.%s.%s_cell.%s_%s' % (l, d, g, t)
            else:
                name = '_unfused.%s.%s_%s' % (l, g, t)
            ret[prefix + name] = val
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def state_info(self, batch_size=0):
        raise NotImplementedError

    def _unfuse(self):
        """The same network as a HybridSequentialRNNCell of cells sharing these Parameters."""
        if self._projection_size:
            raise MXNetError('_unfuse does not support projection layer yet!')
        if self._lstm_state_clip_min or self._lstm_state_clip_max:
            raise MXNetError('_unfuse does not support state clipping yet!')
        mode = self._mode

        def make(**kw):
            if mode.startswith('rnn_'):
                return rnn_cell.RNNCell(self._hidden_size, activation=mode[4:], **kw)
            if mode == 'lstm':
                return rnn_cell.LSTMCell(self._hidden_size, **kw)
            return rnn_cell.GRUCell(self._hidden_size, **kw)

        stack = rnn_cell.HybridSequentialRNNCell(prefix=self.prefix, params=self.params)
        with stack.name_scope():
            ni = self._input_size
            for i in range(self._num_layers):
                kw = dict(input_size=ni,
                          i2h_weight_initializer=self._i2h_weight_initializer,
                          h2h_weight_initializer=self._h2h_weight_initializer,
                          i2h_bias_initializer=self._i2h_bias_initializer,
                          h2h_bias_initializer=self._h2h_bias_initializer)
                if self._dir == 2:
                    stack.add(rnn_cell.BidirectionalCell(make(prefix='l%d_' % i, **kw),
                                                         make(prefix='r%d_' % i, **kw)))
                else:
                    stack.add(make(prefix='l%d_' % i, **kw))
                if self._dropout > 0 and i != self._num_layers - 1:
                    stack.add(rnn_cell.DropoutCell(self._dropout))
                ni = self._hidden_size * self._dir
        return stack

    def cast(self, dtype):
        super().cast(dtype)
        self._dtype = dtype

    def begin_state(self, batch_size=0, func=ndarray.zeros, **kwargs):
        """Initial states for this layer.

        Parameters
        ----------
        batch_size : int
            The batch size ('N' in the layout); needed for the NDArray API.
        func : callable, default ``mx.nd.zeros``
            Makes each state from ``name``, ``shape``, ``dtype`` (and ``kwargs``); e.g.
            ``mx.nd.ones``, ``mx.nd.random.uniform``.
        **kwargs
            Extra arguments for ``func`` (``ctx``, ``dtype``, ...).

        Returns
        -------
        list of NDArray
            One array (two for LSTM: hidden and cell state) of shape
            ``(num_layers * directions, batch_size, hidden_size)``.
        """
        states = []
        for i, info in enumerate(self.state_info(batch_size)):
            if info is not None:
                info.update(kwargs)
            else:
                info = kwargs
            states.append(func(name='%sh0_%d' % (self.prefix, i), **info))
        return states

    def __call__(self, inputs, states=None, sequence_length=None, **kwargs):
        self.skip_states = states is None
        if states is None:
            if isinstance(inputs, NDArray):
                batch_size = inputs.shape[self._layout.find('N')]
                states = self.begin_state(batch_size, ctx=inputs.context, dtype=inputs.dtype)
            else:
                try:
                    from ... import symbol  # pylint: disable=import-outside-toplevel
                except ImportError:
                    raise MXNetError('%s requires its input to be an NDArray or a Symbol, got '
                                     '%s' % (self.__class__.__name__,
                                             type(inputs).__name__)) from None
                states = self.begin_state(0, func=symbol.zeros)
        if isinstance(states, NDArray):
            states = [states]
        if self._use_sequence_length:
            return super().__call__(inputs, states, sequence_length, **kwargs)
        return super().__call__(inputs, states, **kwargs)

    def infer_shape(self, inputs, *args):
        """Fill the unknown input width of the first layer's ``i2h`` weights from ``inputs``."""
        if len(inputs.shape) != 3:
            raise MXNetError('Input data should be rank-3 tensor of dim [sequence length, batch '
                             'size, input size], got shape %s' % (inputs.shape,))
        step = self._projection_size or self._hidden_size
        ni = inputs.shape[2]
        for i in range(self._num_layers):
            for j in ['l', 'r'][:self._dir]:
                getattr(self, '%s%d_i2h_weight' % (j, i)).shape = (
                    self._gates * self._hidden_size, ni)
            ni = step * self._dir

    def forward(self, inputs, states, sequence_length=None):
        if not isinstance(inputs, NDArray):
            return super().forward(inputs, states, *(
                [sequence_length] if self._use_sequence_length else []))
        ctx = inputs.context
        try:
            params = {k: v.data(ctx) for k, v in self._reg_params.items()}
        except DeferredInitializationError:
            self.infer_shape(inputs)
            for v in self._reg_params.values():
                v._finish_deferred_init()
            params = {k: v.data(ctx) for k, v in self._reg_params.items()}
        if self._use_sequence_length:
            return self.hybrid_forward(ndarray, inputs, states, sequence_length, **params)
        return self.hybrid_forward(ndarray, inputs, states, **params)

    def hybrid_forward(self, F, inputs, states, sequence_length=None, **kwargs):
        if F is ndarray:
            if inputs.ndim != 3:
                raise MXNetError('%s: input data should be rank-3 (layout %s), got shape %s'
                                 % (self.__class__.__name__, self._layout, inputs.shape))
            batch_size = inputs.shape[self._layout.find('N')]
            infos = self.state_info(batch_size)
            if len(states) != len(infos):
                raise _StateShapeError('Invalid number of recurrent states: expecting %d, '
                                       'got %d.' % (len(infos), len(states)))
            for state, info in zip(states, infos):
                if state.shape != info['shape']:
                    raise _StateShapeError('Invalid recurrent state shape. Expecting %s, got %s.'
                                           % (str(info['shape']), str(state.shape)))
        out = self._forward_kernel(F, inputs, states, sequence_length, **kwargs)
        return out[0] if self.skip_states else out

    def _forward_kernel(self, F, inputs, states, sequence_length, **kwargs):
        """Run the fused RNN operator; returns (outputs, [states])."""
        if self._layout == 'NTC':
            inputs = F.swapaxes(inputs, dim1=0, dim2=1)
        params = F._internal._rnn_param_concat(
            *[kwargs[n].reshape(-1) for n in self._packed_names], dim=0)
        args = list(states)
        if self._use_sequence_length:
            args.append(sequence_length)
        rnn = F.RNN(inputs, params, *args, use_sequence_length=self._use_sequence_length,
                    state_size=self._hidden_size, projection_size=self._projection_size,
                    num_layers=self._num_layers, bidirectional=self._dir == 2,
                    p=self._dropout, state_outputs=True, mode=self._mode,
                    lstm_state_clip_min=self._lstm_state_clip_min,
                    lstm_state_clip_max=self._lstm_state_clip_max,
                    lstm_state_clip_nan=self._lstm_state_clip_nan)
        if self._mode == 'lstm':
            outputs, states = rnn[0], [rnn[1], rnn[2]]
        else:
            outputs, states = rnn[0], [rnn[1]]
        if self._layout == 'NTC':
            outputs = F.swapaxes(outputs, dim1=0, dim2=1)
        return outputs, states


class RNN(_RNNLayer):
    r"""A multi-layer Elman RNN with ``tanh`` or ``relu`` non-linearity.

    Each layer computes, for each step ``t``,
    ``h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``, where ``x_t`` is the input for the
    first layer and the previous layer's output above it.

    Parameters
    ----------
    hidden_size : int
        Number of features in the hidden state.
    num_layers : int, default 1
        Number of stacked recurrent layers.
    activation : {'relu', 'tanh'}, default 'relu'
        The non-linearity.
    layout : str, default 'TNC'
        Layout of input and output: 'TNC' (sequence, batch, feature) or 'NTC'.
    dropout : float, default 0
        Dropout rate applied (in training) to the outputs of every layer but the last.
    bidirectional : bool, default False
        Also run each layer backwards in time and concatenate both outputs.
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer
        Initializers of the input-to-hidden and hidden-to-hidden weight matrices.
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
        Initializers of the biases.
    input_size : int, default 0
        Number of input features; 0 means inferred from the first input.
    dtype : str, default 'float32'
        Type of the parameters and of the default begin states.
    prefix : str or None
        Prefix of this Block.
    params : ParameterDict or None
        Shared Parameters for this Block.

    Inputs:
        - **data**: ``(sequence_length, batch_size, input_size)`` for layout 'TNC'
          (``(batch_size, sequence_length, input_size)`` for 'NTC').
        - **states**: begin state of shape ``(num_layers * directions, batch_size,
          hidden_size)``; zeros when omitted.

    Outputs:
        - **out**: ``(sequence_length, batch_size, directions * hidden_size)`` for 'TNC'.
        - **out_states**: the final state, same shape as ``states``; returned (as
          ``(out, out_states)``) only when ``states`` were given.

    Example::

        layer = mx.gluon.rnn.RNN(100, 3)
        layer.initialize()
        x = mx.nd.random.uniform(shape=(5, 3, 10))
        out = layer(x)                                  # (5, 3, 100)
        out, hn = layer(x, mx.nd.zeros((3, 3, 100)))
    """

    def __init__(self, hidden_size, num_layers=1, activation='relu', layout='TNC', dropout=0,
                 bidirectional=False, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 dtype='float32', **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, 'rnn_' + str(activation), None, None, None, None,
                         False, dtype, **kwargs)

    def state_info(self, batch_size=0):
        return [{'shape': (self._num_layers * self._dir, batch_size, self._hidden_size),
                 '__layout__': 'LNC', 'dtype': self._dtype}]


class LSTM(_RNNLayer):
    r"""A multi-layer long short-term memory (LSTM) RNN.

    Each layer computes, for each step ``t`` (``s`` is the sigmoid)::

        i_t = s(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
        f_t = s(W_if x_t + b_if + W_hf h_{t-1} + b_hf)
        g_t = tanh(W_ig x_t + b_ig + W_hg h_{t-1} + b_hg)
        o_t = s(W_io x_t + b_io + W_ho h_{t-1} + b_ho)
        c_t = f_t * c_{t-1} + i_t * g_t
        h_t = o_t * tanh(c_t)

    With ``projection_size`` P the recurrent state is ``r_t = W_hr h_t`` (width P) (LSTMP).

    Parameters
    ----------
    hidden_size : int
        Number of features in the hidden state.
    num_layers : int, default 1
        Number of stacked recurrent layers.
    layout : str, default 'TNC'
        Layout of input and output: 'TNC' or 'NTC'.
    dropout : float, default 0
        Dropout rate applied (in training) to the outputs of every layer but the last.
    bidirectional : bool, default False
        Also run each layer backwards in time and concatenate both outputs.
    input_size : int, default 0
        Number of input features; 0 means inferred from the first input.
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer
        Initializers of the weight matrices.
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
        Initializers of the biases.
    projection_size : int or None, default None
        Size of the projected recurrent state (LSTMP); None for a plain LSTM.
    h2r_weight_initializer : str or Initializer
        Initializer of the projection weights.
    state_clip_min, state_clip_max : float or None, default None
        Clip the cell state to ``[min, max]`` at every step (both or neither).
    state_clip_nan : bool, default False
        With clipping, turn a NaN cell state into the clip bound instead of propagating it.
    dtype : str, default 'float32'
        Type of the parameters and of the default begin states.
    prefix : str or None
        Prefix of this Block.
    params : ParameterDict or None
        Shared Parameters for this Block.

    Inputs:
        - **data**: ``(sequence_length, batch_size, input_size)`` for layout 'TNC'.
        - **states**: a list of two begin states, hidden ``(num_layers * directions,
          batch_size, projection_size or hidden_size)`` and cell ``(num_layers * directions,
          batch_size, hidden_size)``; zeros when omitted.

    Outputs:
        - **out**: ``(sequence_length, batch_size, directions * (projection_size or
          hidden_size))`` for 'TNC'.
        - **out_states**: the final [hidden, cell] states; returned (as ``(out,
          out_states)``) only when ``states`` were given.

    Example::

        layer = mx.gluon.rnn.LSTM(100, 3)
        layer.initialize()
        x = mx.nd.random.uniform(shape=(5, 3, 10))
        h0, c0 = mx.nd.zeros((3, 3, 100)), mx.nd.zeros((3, 3, 100))
        out, (hn, cn) = layer(x, [h0, c0])
    """

    def __init__(self, hidden_size, num_layers=1, layout='TNC', dropout=0, bidirectional=False,
                 input_size=0, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros',
                 projection_size=None, h2r_weight_initializer=None, state_clip_min=None,
                 state_clip_max=None, state_clip_nan=False, dtype='float32', **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, 'lstm', projection_size, h2r_weight_initializer,
                         state_clip_min, state_clip_max, state_clip_nan, dtype, **kwargs)

    def state_info(self, batch_size=0):
        lnd = self._num_layers * self._dir
        return [{'shape': (lnd, batch_size, self._projection_size or self._hidden_size),
                 '__layout__': 'LNC', 'dtype': self._dtype},
                {'shape': (lnd, batch_size, self._hidden_size),
                 '__layout__': 'LNC', 'dtype': self._dtype}]


class GRU(_RNNLayer):
    r"""A multi-layer gated recurrent unit (GRU) RNN.

    Each layer computes, for each step ``t`` (``s`` is the sigmoid)::

        r_t = s(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
        i_t = s(W_ii x_t + b_ii + W_hi h_{t-1} + b_hi)
        n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))
        h_t = (1 - i_t) * n_t + i_t * h_{t-1}

    Parameters
    ----------
    hidden_size : int
        Number of features in the hidden state.
    num_layers : int, default 1
        Number of stacked recurrent layers.
    layout : str, default 'TNC'
        Layout of input and output: 'TNC' or 'NTC'.
    dropout : float, default 0
        Dropout rate applied (in training) to the outputs of every layer but the last.
    bidirectional : bool, default False
        Also run each layer backwards in time and concatenate both outputs.
    input_size : int, default 0
        Number of input features; 0 means inferred from the first input.
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer
        Initializers of the weight matrices.
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
        Initializers of the biases.
    dtype : str, default 'float32'
        Type of the parameters and of the default begin states.
    prefix : str or None
        Prefix of this Block.
    params : ParameterDict or None
        Shared Parameters for this Block.

    Inputs:
        - **data**: ``(sequence_length, batch_size, input_size)`` for layout 'TNC'.
        - **states**: begin state ``(num_layers * directions, batch_size, hidden_size)``;
          zeros when omitted.

    Outputs:
        - **out**: ``(sequence_length, batch_size, directions * hidden_size)`` for 'TNC'.
        - **out_states**: the final state; returned (as ``(out, out_states)``) only when
          ``states`` were given.

    Example::

        layer = mx.gluon.rnn.GRU(100, 3)
        layer.initialize()
        x = mx.nd.random.uniform(shape=(5, 3, 10))
        out, hn = layer(x, mx.nd.zeros((3, 3, 100)))
    """

    def __init__(self, hidden_size, num_layers=1, layout='TNC', dropout=0, bidirectional=False,
                 input_size=0, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', dtype='float32',
                 **kwargs):
        super().__init__(hidden_size, num_layers, layout, dropout, bidirectional, input_size,
                         i2h_weight_initializer, h2h_weight_initializer, i2h_bias_initializer,
                         h2h_bias_initializer, 'gru', None, None, None, None, False, dtype,
                         **kwargs)

    def state_info(self, batch_size=0):
        return [{'shape': (self._num_layers * self._dir, batch_size, self._hidden_size),
                 '__layout__': 'LNC', 'dtype': self._dtype}]
