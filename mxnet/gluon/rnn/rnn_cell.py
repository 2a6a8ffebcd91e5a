"""Recurrent cells: one time step of a recurrent network, and ``unroll`` over a sequence.

A cell is called as ``output, new_states = cell(x_t, states)``; ``state_info`` describes its
states and ``begin_state`` makes them. ``unroll(length, inputs, ...)`` runs a cell over a whole
sequence given as one array (layout 'NTC' or 'TNC') or as a list of per-step ``(N, C)`` arrays.
"""
from ...base import MXNetError, numeric_types, string_types
from ... import ndarray
from ...ndarray import NDArray
from ..block import Block, HybridBlock
from ..parameter import _indent
from ..nn import LeakyReLU

__all__ = ['RecurrentCell', 'HybridRecurrentCell', 'RNNCell', 'LSTMCell', 'GRUCell',
           'SequentialRNNCell', 'HybridSequentialRNNCell', 'DropoutCell', 'ModifierCell',
           'ZoneoutCell', 'ResidualCell', 'BidirectionalCell']


def _symbol_type():
    """The Symbol class when the symbolic API is present, else a type nothing is."""
    try:
        from ... import symbol  # pylint: disable=import-outside-toplevel
        return symbol.Symbol
    except ImportError:
        return _NoSymbol


class _NoSymbol:
    pass


def _symbol_ns():
    from ... import symbol  # pylint: disable=import-outside-toplevel
    return symbol


def _as_list(obj):
    return obj if isinstance(obj, list) else [obj]


def _check(cond, msg):
    if not cond:
        raise MXNetError(msg)


def _cells_state_info(cells, batch_size):
    return sum([c.state_info(batch_size) for c in cells], [])


def _cells_begin_state(cells, **kwargs):
    return sum([c.begin_state(**kwargs) for c in cells], [])


def _get_begin_state(cell, F, begin_state, inputs, batch_size):
    """``begin_state`` or zeros made by the cell (on the inputs' context)."""
    if begin_state is not None:
        return begin_state
    if F is ndarray:
        ctx = inputs.context if isinstance(inputs, NDArray) else inputs[0].context
        with ctx:
            return cell.begin_state(func=F.zeros, batch_size=batch_size)
    return cell.begin_state(func=F.zeros, batch_size=batch_size)


def _format_sequence(length, inputs, layout, merge, in_layout=None):
    """Bring ``inputs`` to a list of steps (merge False), one array in ``layout`` (merge True),
    or leave it as it is (merge None). Returns (inputs, time axis, F, batch size)."""
    _check(inputs is not None, 'unroll(inputs=None) has been deprecated. Please create input '
                               'variables outside unroll.')
    _check(isinstance(layout, str) and 'T' in layout and 'N' in layout,
           "unroll: layout must contain 'T' and 'N' (e.g. 'NTC' or 'TNC'), got %r" % (layout,))
    axis = layout.find('T')
    batch_axis = layout.find('N')
    batch_size = 0
    in_axis = in_layout.find('T') if in_layout is not None else axis
    sym_type = _symbol_type()
    if isinstance(inputs, sym_type):
        F = _symbol_ns()
        if merge is False:
            _check(len(inputs.list_outputs()) == 1,
                   "unroll doesn't allow grouped symbol as input. Please convert to list with "
                   "list(inputs) first or let unroll handle splitting.")
            inputs = list(F.split(inputs, axis=in_axis, num_outputs=length, squeeze_axis=1))
    elif isinstance(inputs, NDArray):
        F = ndarray
        # (any rank: the convolutional cells' steps keep their spatial axes)
        _check(inputs.ndim > max(axis, batch_axis, in_axis),
               'unroll: inputs of shape %s do not have the axes of layout %s'
               % (inputs.shape, layout))
        batch_size = inputs.shape[batch_axis]
        if merge is False:
            _check(length is None or length == inputs.shape[in_axis],
                   'unroll: length %s does not match the inputs\' sequence length %d (shape %s, '
                   'layout %s)' % (length, inputs.shape[in_axis], inputs.shape, layout))
            inputs = _as_list(ndarray.split(inputs, axis=in_axis,
                                            num_outputs=inputs.shape[in_axis], squeeze_axis=1))
    else:
        _check(isinstance(inputs, (list, tuple)) and len(inputs) > 0,
               'unroll: inputs must be an NDArray or a non-empty list of NDArrays, got %s'
               % type(inputs).__name__)
        _check(length is None or len(inputs) == length,
               'unroll: length %s does not match the %d inputs given' % (length, len(inputs)))
        if isinstance(inputs[0], sym_type):
            F = _symbol_ns()
        else:
            F = ndarray
            batch_size = inputs[0].shape[0]
        if merge is True:
            inputs = F.stack(*inputs, axis=axis)
            in_axis = axis
    if isinstance(inputs, (NDArray, sym_type)) and axis != in_axis:
        inputs = F.swapaxes(inputs, dim1=axis, dim2=in_axis)
    return inputs, axis, F, batch_size


def _mask_sequence_variable_length(F, data, length, valid_length, time_axis, merge):
    if not isinstance(data, (NDArray, _symbol_type())):
        data = F.stack(*data, axis=time_axis)
    outputs = F.SequenceMask(data, sequence_length=valid_length, use_sequence_length=True,
                             axis=time_axis)
    if not merge:
        outputs = _as_list(F.split(outputs, num_outputs=length, axis=time_axis,
                                   squeeze_axis=True))
    return outputs


def _reverse_sequences(sequences, unroll_step, valid_length=None):
    F = _symbol_ns() if isinstance(sequences[0], _symbol_type()) else ndarray
    if valid_length is None:
        return list(reversed(sequences))
    rev = F.SequenceReverse(F.stack(*sequences, axis=0), sequence_length=valid_length,
                            use_sequence_length=True)
    if unroll_step > 1 or F is not ndarray:
        return _as_list(F.split(rev, axis=0, num_outputs=unroll_step, squeeze_axis=True))
    return [rev[0]]


class RecurrentCell(Block):
    """Abstract base class for RNN cells.

    Parameters
    ----------
    prefix : str, optional
        Prefix for names of the cell's Blocks and Parameters.
    params : ParameterDict, optional
        Shared Parameters for this cell.
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._modified = False
        self.reset()

    def reset(self):
        """Reset before re-using the cell for another graph."""
        self._init_counter = -1
        self._counter = -1
        for cell in self._children.values():
            if isinstance(cell, RecurrentCell):   # (an activation block child has no state)
                cell.reset()

    def state_info(self, batch_size=0):
        """Shape and layout of each state: a list of dicts (``shape``, ``__layout__``)."""
        raise NotImplementedError()

    def _check_not_modified(self):
        if self._modified:
            raise MXNetError('After applying modifier cells (e.g. ZoneoutCell) the base cell '
                             'cannot be called directly. Call the modifier cell instead.')

    def begin_state(self, batch_size=0, func=ndarray.zeros, **kwargs):
        """Initial states of this cell.

        Parameters
        ----------
        batch_size : int
            The batch size ('N' in the layout); needed for the NDArray API.
        func : callable, default ``mx.nd.zeros``
            Makes each state from ``name``, ``shape`` (and ``kwargs``): e.g. ``mx.nd.ones``,
            or ``mx.sym.var`` / ``mx.sym.zeros`` for the Symbol API.
        **kwargs
            Extra arguments for ``func`` (``ctx``, ``dtype``, ...).

        Returns
        -------
        list
            The begin states, one per entry of ``state_info``.
        """
        self._check_not_modified()
        states = []
        for info in self.state_info(batch_size):
            self._init_counter += 1
            if info is not None:
                info.update(kwargs)
            else:
                info = kwargs
            states.append(func(name='%sbegin_state_%d' % (self._prefix, self._init_counter),
                               **info))
        return states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        """Run the cell over ``length`` steps.

        Parameters
        ----------
        length : int
            Number of steps.
        inputs : NDArray/Symbol or list
            The sequence: one array in ``layout`` (e.g. ``(N, T, C)`` for 'NTC') or a list of
            ``length`` arrays of shape ``(N, C)``.
        begin_state : list, optional
            Begin states (``begin_state()`` zeros when omitted).
        layout : str, default 'NTC'
            Layout of ``inputs`` (when one array) and of merged outputs.
        merge_outputs : bool or None, default None
            True: return one array in ``layout``; False: a list of per-step arrays; None:
            whatever the computation produces most naturally.
        valid_length : NDArray or None
            ``(N,)`` lengths of the sequences: outputs past a sequence's length are zero and
            the returned states are those at its last valid step.

        Returns
        -------
        outputs : NDArray/Symbol or list
            The outputs, as ``merge_outputs`` asks.
        states : list
            The final states.
        """
        self.reset()
        inputs, axis, F, batch_size = _format_sequence(length, inputs, layout, False)
        states = _get_begin_state(self, F, begin_state, inputs, batch_size)
        outputs = []
        all_states = []
        for i in range(length):
            output, states = self(inputs[i], states)
            outputs.append(output)
            if valid_length is not None:
                all_states.append(states)
        if valid_length is not None:
            states = [F.SequenceLast(F.stack(*ele_list, axis=0), sequence_length=valid_length,
                                     use_sequence_length=True, axis=0)
                      for ele_list in zip(*all_states)]
            outputs = _mask_sequence_variable_length(F, outputs, length, valid_length, axis,
                                                     True)
        outputs, _, _, _ = _format_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, F, inputs, activation, **kwargs):
        """Apply ``activation``: a name, a LeakyReLU block, or any callable."""
        func = {'tanh': F.tanh, 'relu': F.relu, 'sigmoid': F.sigmoid,
                'softsign': F.softsign}.get(activation) if isinstance(activation, str) else None
        if func:
            return func(inputs, **kwargs)
        if isinstance(activation, string_types):
            return F.Activation(inputs, act_type=activation, **kwargs)
        if isinstance(activation, LeakyReLU):
            return F.LeakyReLU(inputs, act_type='leaky', slope=activation._alpha, **kwargs)
        return activation(inputs, **kwargs)

    def forward(self, inputs, states):
        """One step: ``(output, new_states)``."""
        self._counter += 1
        return super().forward(inputs, states)


class HybridRecurrentCell(RecurrentCell, HybridBlock):
    """Abstract base class for hybridizable RNN cells (implement ``hybrid_forward``)."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError


def _mapping(weight):
    shape = weight.shape
    return '{0} -> {1}'.format(shape[1] if shape[1] else None, shape[0])


class _GatedCell(HybridRecurrentCell):
    """Shared parameter setup of RNNCell / LSTMCell / GRUCell (``gates`` blocks per weight)."""
    _num_gates = 1

    def _make_params(self, hidden_size, input_size, i2h_weight_initializer,
                     h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer):
        if int(hidden_size) <= 0:
            raise MXNetError('%s: hidden_size must be positive, got %s'
                             % (self.__class__.__name__, hidden_size))
        g = self._num_gates
        self._hidden_size = hidden_size
        self._input_size = input_size
        get = self.params.get
        self.i2h_weight = get('i2h_weight', shape=(g * hidden_size, input_size),
                              init=i2h_weight_initializer, allow_deferred_init=True)
        self.h2h_weight = get('h2h_weight', shape=(g * hidden_size, hidden_size),
                              init=h2h_weight_initializer, allow_deferred_init=True)
        self.i2h_bias = get('i2h_bias', shape=(g * hidden_size,),
                            init=i2h_bias_initializer, allow_deferred_init=True)
        self.h2h_bias = get('h2h_bias', shape=(g * hidden_size,),
                            init=h2h_bias_initializer, allow_deferred_init=True)

    def state_info(self, batch_size=0):
        return [{'shape': (batch_size, self._hidden_size), '__layout__': 'NC'}]

    def __repr__(self):
        return '%s(%s)' % (self.__class__.__name__, _mapping(self.i2h_weight))


class RNNCell(_GatedCell):
    r"""Elman RNN cell: ``h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)``.

    Parameters
    ----------
    hidden_size : int
        Number of units in the output and state.
    activation : str or Block, default 'tanh'
        Activation: a name ('tanh', 'relu', 'sigmoid', 'softsign' or any ``Activation``
        act_type), a LeakyReLU block, or a callable.
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer
        Initializers of the weight matrices.
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
        Initializers of the biases.
    input_size : int, default 0
        Number of input features; 0 means inferred from the first input.
    prefix : str, default ``'rnn_'``
        Prefix for the cell's Parameters.
    params : ParameterDict or None
        Shared Parameters.

    Inputs:
        - **data**: ``(batch_size, input_size)``.
        - **states**: ``[h]`` with ``h`` of shape ``(batch_size, hidden_size)``.

    Outputs:
        - **out**: ``(batch_size, hidden_size)``.
        - **next_states**: ``[out]``.
    """

    def __init__(self, hidden_size, activation='tanh', i2h_weight_initializer=None,
                 h2h_weight_initializer=None, i2h_bias_initializer='zeros',
                 h2h_bias_initializer='zeros', input_size=0, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._activation = activation
        self._make_params(hidden_size, input_size, i2h_weight_initializer,
                          h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer)

    def _alias(self):
        return 'rnn'

    def __repr__(self):
        return '%s(%s, %s)' % (self.__class__.__name__, _mapping(self.i2h_weight),
                               self._activation)

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = 't%d_' % self._counter
        nh = self._hidden_size
        i2h = F.FullyConnected(data=inputs, weight=i2h_weight, bias=i2h_bias, num_hidden=nh,
                               name=prefix + 'i2h')
        h2h = F.FullyConnected(data=states[0], weight=h2h_weight, bias=h2h_bias, num_hidden=nh,
                               name=prefix + 'h2h')
        output = self._get_activation(F, F.elemwise_add(i2h, h2h, name=prefix + 'plus0'),
                                      self._activation, name=prefix + 'out')
        return output, [output]


class LSTMCell(_GatedCell):
    r"""Long short-term memory (LSTM) cell.

    Computes (``s`` is ``recurrent_activation``, ``act`` is ``activation``)::

        i, f, g, o = split(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh, 4)
        c_t = s(f) * c_{t-1} + s(i) * act(g)
        h_t = s(o) * act(c_t)

    Parameters
    ----------
    hidden_size : int
        Number of units in the output and states.
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer
        Initializers of the weight matrices ``(4 * hidden_size, ...)``.
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
        Initializers of the biases.
    input_size : int, default 0
        Number of input features; 0 means inferred from the first input.
    prefix : str, default ``'lstm_'``
        Prefix for the cell's Parameters.
    params : ParameterDict or None
        Shared Parameters.
    activation : str, default 'tanh'
        Activation of the candidate and of the cell state output.
    recurrent_activation : str, default 'sigmoid'
        Activation of the gates.

    Inputs:
        - **data**: ``(batch_size, input_size)``.
        - **states**: ``[h, c]``, each ``(batch_size, hidden_size)``.

    Outputs:
        - **out**: ``(batch_size, hidden_size)``.
        - **next_states**: ``[h_t, c_t]``.
    """
    _num_gates = 4

    def __init__(self, hidden_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 prefix=None, params=None, activation='tanh', recurrent_activation='sigmoid'):
        super().__init__(prefix=prefix, params=params)
        self._make_params(hidden_size, input_size, i2h_weight_initializer,
                          h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer)
        self._activation = activation
        self._recurrent_activation = recurrent_activation

    def state_info(self, batch_size=0):
        return [{'shape': (batch_size, self._hidden_size), '__layout__': 'NC'},
                {'shape': (batch_size, self._hidden_size), '__layout__': 'NC'}]

    def _alias(self):
        return 'lstm'

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = 't%d_' % self._counter
        nh = 4 * self._hidden_size
        i2h = F.FullyConnected(data=inputs, weight=i2h_weight, bias=i2h_bias, num_hidden=nh,
                               name=prefix + 'i2h')
        h2h = F.FullyConnected(data=states[0], weight=h2h_weight, bias=h2h_bias, num_hidden=nh,
                               name=prefix + 'h2h')
        gates = F.SliceChannel(F.elemwise_add(i2h, h2h, name=prefix + 'plus0'), num_outputs=4,
                               name=prefix + 'slice')
        ract, act = self._recurrent_activation, self._activation
        in_gate = self._get_activation(F, gates[0], ract, name=prefix + 'i')
        forget_gate = self._get_activation(F, gates[1], ract, name=prefix + 'f')
        in_transform = self._get_activation(F, gates[2], act, name=prefix + 'c')
        out_gate = self._get_activation(F, gates[3], ract, name=prefix + 'o')
        next_c = F.elemwise_add(F.elemwise_mul(forget_gate, states[1], name=prefix + 'mul0'),
                                F.elemwise_mul(in_gate, in_transform, name=prefix + 'mul1'),
                                name=prefix + 'state')
        next_h = F.elemwise_mul(out_gate, F.Activation(next_c, act_type=act,
                                                       name=prefix + 'activation0'),
                                name=prefix + 'out')
        return next_h, [next_h, next_c]


class GRUCell(_GatedCell):
    r"""Gated recurrent unit (GRU) cell (the cuDNN variant)::

        r_t = s(W_ir x_t + b_ir + W_hr h_{t-1} + b_hr)
        z_t = s(W_iz x_t + b_iz + W_hz h_{t-1} + b_hz)
        n_t = tanh(W_in x_t + b_in + r_t * (W_hn h_{t-1} + b_hn))
        h_t = (1 - z_t) * n_t + z_t * h_{t-1}

    Parameters
    ----------
    hidden_size : int
        Number of units in the output and state.
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer
        Initializers of the weight matrices ``(3 * hidden_size, ...)``.
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
        Initializers of the biases.
    input_size : int, default 0
        Number of input features; 0 means inferred from the first input.
    prefix : str, default ``'gru_'``
        Prefix for the cell's Parameters.
    params : ParameterDict or None
        Shared Parameters.

    Inputs:
        - **data**: ``(batch_size, input_size)``.
        - **states**: ``[h]``, ``(batch_size, hidden_size)``.

    Outputs:
        - **out**: ``(batch_size, hidden_size)``.
        - **next_states**: ``[out]``.
    """
    _num_gates = 3

    def __init__(self, hidden_size, i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._make_params(hidden_size, input_size, i2h_weight_initializer,
                          h2h_weight_initializer, i2h_bias_initializer, h2h_bias_initializer)

    def _alias(self):
        return 'gru'

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, i2h_bias, h2h_bias):
        prefix = 't%d_' % self._counter
        prev_h = states[0]
        nh = 3 * self._hidden_size
        i2h = F.FullyConnected(data=inputs, weight=i2h_weight, bias=i2h_bias, num_hidden=nh,
                               name=prefix + 'i2h')
        h2h = F.FullyConnected(data=prev_h, weight=h2h_weight, bias=h2h_bias, num_hidden=nh,
                               name=prefix + 'h2h')
        i2h_r, i2h_z, i2h_n = F.SliceChannel(i2h, num_outputs=3, name=prefix + 'i2h_slice')
        h2h_r, h2h_z, h2h_n = F.SliceChannel(h2h, num_outputs=3, name=prefix + 'h2h_slice')
        reset_gate = F.Activation(F.elemwise_add(i2h_r, h2h_r, name=prefix + 'plus0'),
                                  act_type='sigmoid', name=prefix + 'r_act')
        update_gate = F.Activation(F.elemwise_add(i2h_z, h2h_z, name=prefix + 'plus1'),
                                   act_type='sigmoid', name=prefix + 'z_act')
        cand = F.Activation(F.elemwise_add(i2h_n, F.elemwise_mul(reset_gate, h2h_n,
                                                                 name=prefix + 'mul0'),
                                           name=prefix + 'plus2'),
                            act_type='tanh', name=prefix + 'h_act')
        ones = F.ones_like(update_gate, name=prefix + 'ones_like0')
        next_h = F.elemwise_add(
            F.elemwise_mul(F.elemwise_sub(ones, update_gate, name=prefix + 'minus0'), cand,
                           name=prefix + 'mul1'),
            F.elemwise_mul(update_gate, prev_h, name=prefix + 'mul20'),
            name=prefix + 'out')
        return next_h, [next_h]


class _SequentialMixin:
    """Stacking behaviour shared by SequentialRNNCell and HybridSequentialRNNCell."""

    def __repr__(self):
        return '{name}(\n{modstr}\n)'.format(
            name=self.__class__.__name__,
            modstr='\n'.join('({i}): {m}'.format(i=i, m=_indent(repr(m), 2))
                             for i, m in self._children.items()))

    def add(self, cell):
        """Append a cell to the stack."""
        self.register_child(cell)

    def state_info(self, batch_size=0):
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs):
        self._check_not_modified()
        return _cells_begin_state(self._children.values(), **kwargs)

    def __call__(self, inputs, states):
        self._counter += 1
        for cell in self._children.values():
            if isinstance(cell, BidirectionalCell):
                raise MXNetError('%s containing a BidirectionalCell cannot be stepped; use '
                                 'unroll' % self.__class__.__name__)
        next_states = []
        p = 0
        for cell in self._children.values():
            n = len(cell.state_info())
            state = states[p:p + n]
            p += n
            inputs, state = cell(inputs, state)
            next_states.append(state)
        return inputs, sum(next_states, [])

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        self.reset()
        inputs, _, F, batch_size = _format_sequence(length, inputs, layout, None)
        num_cells = len(self._children)
        begin_state = _get_begin_state(self, F, begin_state, inputs, batch_size)
        p = 0
        next_states = []
        for i, cell in enumerate(self._children.values()):
            n = len(cell.state_info())
            states = begin_state[p:p + n]
            p += n
            inputs, states = cell.unroll(length, inputs=inputs, begin_state=states,
                                         layout=layout,
                                         merge_outputs=None if i < num_cells - 1
                                         else merge_outputs,
                                         valid_length=valid_length)
            next_states.extend(states)
        return inputs, next_states

    def __getitem__(self, i):
        return self._children[str(i)]

    def __len__(self):
        return len(self._children)


class SequentialRNNCell(_SequentialMixin, RecurrentCell):
    """Stacks several recurrent cells; a step runs them in order.

    Its states are the concatenation of its cells' states.
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    @property
    def _bidirectional(self):
        return any(isinstance(c, BidirectionalCell) for c in self._children.values())

    def hybrid_forward(self, *args, **kwargs):
        raise NotImplementedError


class HybridSequentialRNNCell(_SequentialMixin, HybridRecurrentCell):
    """Stacks several hybridizable recurrent cells; a step runs them in order."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, inputs, states):
        return self.__call__(inputs, states)


class DropoutCell(HybridRecurrentCell):
    """Applies dropout to its input (in training mode); it has no state.

    Parameters
    ----------
    rate : float
        Fraction of the input units to drop (0 to 1).
    axes : tuple of int, default ()
        Axes on which the dropout mask is shared.

    Inputs:
        - **data**: input tensor of shape ``(batch_size, size)``.
        - **states**: an empty list.

    Outputs:
        - **out**: same shape as data; **next_states**: the (empty) states.
    """

    def __init__(self, rate, axes=(), prefix=None, params=None):
        if not isinstance(rate, numeric_types):
            raise MXNetError('rate must be a number, got %r' % (rate,))
        super().__init__(prefix, params)
        self._rate = rate
        self._axes = axes

    def __repr__(self):
        return '{name}(rate={_rate}, axes={_axes})'.format(name=self.__class__.__name__,
                                                          **self.__dict__)

    def state_info(self, batch_size=0):
        return []

    def _alias(self):
        return 'dropout'

    def hybrid_forward(self, F, inputs, states):
        if self._rate > 0:
            inputs = F.Dropout(data=inputs, p=self._rate, axes=self._axes,
                               name='t%d_fwd' % self._counter)
        return inputs, states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        self.reset()
        inputs, _, F, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if isinstance(inputs, (NDArray, _symbol_type())):
            return self.hybrid_forward(F, inputs, begin_state if begin_state else [])
        return super().unroll(length, inputs, begin_state=begin_state, layout=layout,
                              merge_outputs=merge_outputs, valid_length=None)


class ModifierCell(HybridRecurrentCell):
    """Base class for cells that change another cell's behaviour (dropout, zoneout,
    residual connections). It shares the base cell's Parameters and owns none; after wrapping,
    the base cell must not be called directly.

    Parameters
    ----------
    base_cell : RecurrentCell
        The cell to modify.
    """

    def __init__(self, base_cell):
        if base_cell._modified:
            raise MXNetError('Cell %s is already modified. One cell cannot be modified twice'
                             % base_cell.name)
        base_cell._modified = True
        super().__init__(prefix=base_cell.prefix + self._alias(), params=None)
        self.base_cell = base_cell

    @property
    def params(self):
        return self.base_cell.params

    def state_info(self, batch_size=0):
        return self.base_cell.state_info(batch_size)

    def begin_state(self, func=ndarray.zeros, **kwargs):
        self._check_not_modified()
        self.base_cell._modified = False
        try:
            begin = self.base_cell.begin_state(func=func, **kwargs)
        finally:
            self.base_cell._modified = True
        return begin

    def hybrid_forward(self, F, inputs, states):
        raise NotImplementedError

    def __repr__(self):
        return '{name}({base_cell})'.format(name=self.__class__.__name__, **self.__dict__)


class ZoneoutCell(ModifierCell):
    """Zoneout (Krueger et al., 2016) around a cell: in training, each unit of the output and
    of the states keeps its previous value with probability ``zoneout_outputs`` /
    ``zoneout_states``.

    Parameters
    ----------
    base_cell : RecurrentCell
        The cell to modify (not a BidirectionalCell).
    zoneout_outputs : float, default 0
        Probability of keeping the previous output, per unit.
    zoneout_states : float, default 0
        Probability of keeping the previous state, per unit.
    """

    def __init__(self, base_cell, zoneout_outputs=0., zoneout_states=0.):
        if isinstance(base_cell, BidirectionalCell):
            raise MXNetError("BidirectionalCell doesn't support zoneout since it doesn't "
                             "support step. Please add ZoneoutCell to the cells underneath "
                             "instead.")
        if isinstance(base_cell, SequentialRNNCell) and base_cell._bidirectional:
            raise MXNetError("Bidirectional SequentialRNNCell doesn't support zoneout. Please "
                             "add ZoneoutCell to the cells underneath instead.")
        super().__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self._prev_output = None

    def __repr__(self):
        return '{name}(p_out={zoneout_outputs}, p_state={zoneout_states}, {base_cell})'.format(
            name=self.__class__.__name__, **self.__dict__)

    def _alias(self):
        return 'zoneout'

    def reset(self):
        super().reset()
        self._prev_output = None

    def hybrid_forward(self, F, inputs, states):
        cell, p_outputs, p_states = self.base_cell, self.zoneout_outputs, self.zoneout_states
        next_output, next_states = cell(inputs, states)

        def mask(p, like):
            return F.Dropout(F.ones_like(like), p=p)

        prev_output = self._prev_output
        if prev_output is None:
            prev_output = F.zeros_like(next_output)
        output = (F.where(mask(p_outputs, next_output), next_output, prev_output)
                  if p_outputs != 0. else next_output)
        states = ([F.where(mask(p_states, new_s), new_s, old_s)
                   for new_s, old_s in zip(next_states, states)]
                  if p_states != 0. else next_states)
        self._prev_output = output
        return output, states


class ResidualCell(ModifierCell):
    """Adds the cell's input to its output (Wu et al., 2016): ``out = cell(x) + x``.

    The base cell's output must have the input's shape.
    """

    def __init__(self, base_cell):
        super().__init__(base_cell)

    def hybrid_forward(self, F, inputs, states):
        output, states = self.base_cell(inputs, states)
        output = F.elemwise_add(output, inputs, name='t%d_fwd' % self._counter)
        return output, states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        self.reset()
        self.base_cell._modified = False
        try:
            outputs, states = self.base_cell.unroll(length, inputs=inputs,
                                                    begin_state=begin_state, layout=layout,
                                                    merge_outputs=merge_outputs,
                                                    valid_length=valid_length)
        finally:
            self.base_cell._modified = True
        if merge_outputs is None:
            merge_outputs = isinstance(outputs, (NDArray, _symbol_type()))
        inputs, axis, F, _ = _format_sequence(length, inputs, layout, merge_outputs)
        if valid_length is not None:
            inputs = _mask_sequence_variable_length(F, inputs, length, valid_length, axis,
                                                    merge_outputs)
        if merge_outputs:
            outputs = F.elemwise_add(outputs, inputs)
        else:
            outputs = [F.elemwise_add(i, j) for i, j in zip(outputs, inputs)]
        return outputs, states


class BidirectionalCell(HybridRecurrentCell):
    """Runs one cell forward and another backward in time and concatenates their outputs.
    It can only be unrolled, not stepped.

    Parameters
    ----------
    l_cell : RecurrentCell
        Cell for the forward direction.
    r_cell : RecurrentCell
        Cell for the backward direction.
    output_prefix : str, default 'bi_'
        Prefix for the names of the outputs.
    """

    def __init__(self, l_cell, r_cell, output_prefix='bi_'):
        super().__init__(prefix='', params=None)
        self.register_child(l_cell, 'l_cell')
        self.register_child(r_cell, 'r_cell')
        self._output_prefix = output_prefix

    def __call__(self, inputs, states):
        raise NotImplementedError('Bidirectional cannot be stepped. Please use unroll')

    def __repr__(self):
        return '{name}(forward={l_cell}, backward={r_cell})'.format(
            name=self.__class__.__name__, l_cell=self._children['l_cell'],
            r_cell=self._children['r_cell'])

    def state_info(self, batch_size=0):
        return _cells_state_info(self._children.values(), batch_size)

    def begin_state(self, **kwargs):
        self._check_not_modified()
        return _cells_begin_state(self._children.values(), **kwargs)

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        self.reset()
        inputs, axis, F, batch_size = _format_sequence(length, inputs, layout, False)
        reversed_inputs = list(_reverse_sequences(inputs, length, valid_length))
        states = _get_begin_state(self, F, begin_state, inputs, batch_size)
        l_cell, r_cell = self._children.values()
        nl = len(l_cell.state_info(batch_size))
        l_outputs, l_states = l_cell.unroll(length, inputs=inputs, begin_state=states[:nl],
                                            layout=layout, merge_outputs=merge_outputs,
                                            valid_length=valid_length)
        r_outputs, r_states = r_cell.unroll(length, inputs=reversed_inputs,
                                            begin_state=states[nl:], layout=layout,
                                            merge_outputs=False, valid_length=valid_length)
        reversed_r_outputs = _reverse_sequences(r_outputs, length, valid_length)
        if merge_outputs is None:
            merge_outputs = isinstance(l_outputs, (NDArray, _symbol_type()))
            l_outputs, _, _, _ = _format_sequence(None, l_outputs, layout, merge_outputs)
            reversed_r_outputs, _, _, _ = _format_sequence(None, reversed_r_outputs, layout,
                                                           merge_outputs)
        if merge_outputs:
            reversed_r_outputs = F.stack(*reversed_r_outputs, axis=axis)
            outputs = F.concat(l_outputs, reversed_r_outputs, dim=2,
                               name='%sout' % self._output_prefix)
        else:
            outputs = [F.concat(l_o, r_o, dim=1, name='%st%d' % (self._output_prefix, i))
                       for i, (l_o, r_o) in enumerate(zip(l_outputs, reversed_r_outputs))]
        if valid_length is not None:
            outputs = _mask_sequence_variable_length(F, outputs, length, valid_length, axis,
                                                     merge_outputs)
        return outputs, l_states + r_states
