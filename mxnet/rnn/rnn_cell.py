"""MXNet 1.x's legacy symbolic RNN cells (``mx.rnn``).

Every cell builds ``mx.sym`` graphs: ``cell(inputs, states)`` makes one time step, ``unroll``
a whole sequence. Node and parameter names follow MXNet 1.9.1 exactly (``<prefix>t<step>_...``
for the nodes of step ``step``, ``<prefix>i2h_weight`` and friends for the parameters), since
checkpoints, ``unpack_weights`` and users' code rely on them.
"""
import functools
import warnings

from .. import symbol, init, ndarray
from ..base import string_types, numeric_types


# -- helpers shared by the container cells --------------------------------------------------
def _cells_state_shape(cells):
    out = []
    for c in cells:
        out.extend(c.state_shape)
    return out


def _cells_state_info(cells):
    out = []
    for c in cells:
        out.extend(c.state_info)
    return out


def _cells_begin_state(cells, **kwargs):
    out = []
    for c in cells:
        out.extend(c.begin_state(**kwargs))
    return out


def _cells_unpack_weights(cells, args):
    for c in cells:
        args = c.unpack_weights(args)
    return args


def _cells_pack_weights(cells, args):
    for c in cells:
        args = c.pack_weights(args)
    return args


def _normalize_sequence(length, inputs, layout, merge, in_layout=None):
    """Bring ``inputs`` to the requested form: a list of per-step symbols (``merge`` False),
    one symbol with the time axis of ``layout`` (``merge`` True) or as given (None).
    Returns ``(inputs, time_axis)``."""
    if inputs is None:
        raise AssertionError('unroll(inputs=None) has been deprecated. Please create input '
                             'variables outside unroll.')
    axis = layout.find('T')
    in_axis = axis if in_layout is None else in_layout.find('T')
    if isinstance(inputs, symbol.Symbol):
        if merge is False:
            if len(inputs.list_outputs()) != 1:
                raise AssertionError("unroll doesn't allow grouped symbol as input. Please "
                                     "convert to list with list(inputs) first or let unroll "
                                     "handle splitting.")
            inputs = list(symbol.split(inputs, axis=in_axis, num_outputs=length,
                                       squeeze_axis=1))
    else:
        if length is not None and len(inputs) != length:
            raise AssertionError('unroll: got %d inputs for length %d' % (len(inputs), length))
        if merge is True:
            steps = [symbol.expand_dims(x, axis=axis) for x in inputs]
            inputs = symbol.Concat(*steps, dim=axis)
            in_axis = axis
    if isinstance(inputs, symbol.Symbol) and axis != in_axis:
        inputs = symbol.swapaxes(inputs, dim1=axis, dim2=in_axis)
    return inputs, axis


class RNNParams(object):
    """A container of variables, shared between cells for weight sharing.

    Parameters
    ----------
    prefix : str
        Prepended to the names of the variables this container creates.
    """

    def __init__(self, prefix=''):
        self._prefix = prefix
        self._params = {}

    def get(self, name, **kwargs):
        """The variable ``prefix + name``, created (``symbol.Variable(name, **kwargs)``) on
        first use."""
        full = self._prefix + name
        var = self._params.get(full)
        if var is None:
            var = self._params[full] = symbol.Variable(full, **kwargs)
        return var


class BaseRNNCell(object):
    """Abstract base class of the symbolic RNN cells.

    Parameters
    ----------
    prefix : str, optional
        Prefix of the names of layers (and of the weights when ``params`` is None).
    params : RNNParams, default None
        Container for weight sharing between cells; a new one is made if None.
    """

    def __init__(self, prefix='', params=None):
        self._own_params = params is None
        if params is None:
            params = RNNParams(prefix)
        self._prefix = prefix
        self._params = params
        self._modified = False
        self.reset()

    def reset(self):
        """Reset the step counters before re-using the cell for another graph."""
        self._init_counter = -1
        self._counter = -1
        for c in getattr(self, '_cells', ()):
            c.reset()

    def __call__(self, inputs, states):
        """One time step: ``(output, new_states)`` from ``inputs`` (batch, ...) and ``states``
        (the previous step's states or ``begin_state()``)."""
        raise NotImplementedError()

    @property
    def params(self):
        """The cell's parameter container (RNNParams)."""
        self._own_params = False
        return self._params

    @property
    def state_info(self):
        """Shape and layout of each state: a list of dicts (``shape``, ``__layout__``)."""
        raise NotImplementedError()

    @property
    def state_shape(self):
        """The shape of each state."""
        return [info['shape'] for info in self.state_info]

    @property
    def _gate_names(self):
        return ()

    def begin_state(self, func=symbol.zeros, **kwargs):
        """Symbols for the initial states.

        Parameters
        ----------
        func : callable, default symbol.zeros
            Makes each state (``symbol.zeros``, ``symbol.uniform``, ``symbol.Variable``, ...);
            called with ``name=`` and the state's ``shape``/``__layout__``.
        **kwargs
            More keyword arguments for ``func`` (dtype, ...).
        """
        if self._modified:
            raise AssertionError('After applying modifier cells (e.g. DropoutCell) the base '
                                 'cell cannot be called directly. Call the modifier cell '
                                 'instead.')
        states = []
        for info in self.state_info:
            self._init_counter += 1
            if info is not None:
                kwargs.update(info)
            states.append(func(name='%sbegin_state_%d' % (self._prefix, self._init_counter),
                               **kwargs))
        return states

    def unpack_weights(self, args):
        """Split the cell's stacked gate weights into one array per gate.

        Parameters
        ----------
        args : dict of str -> NDArray
            Parameters, e.g. ``Module.get_params()[0]``.

        Returns
        -------
        dict of str -> NDArray
            A copy of ``args`` with ``<prefix>i2h_weight`` replaced by ``<prefix>i2h_i_weight``,
            ``<prefix>i2h_f_weight``, ... (and the same for h2h and the biases).
        """
        args = dict(args)
        gates = self._gate_names
        if not gates:
            return args
        h = self._num_hidden
        for group in ('i2h', 'h2h'):
            weight = args.pop('%s%s_weight' % (self._prefix, group))
            bias = args.pop('%s%s_bias' % (self._prefix, group))
            for j, gate in enumerate(gates):
                args['%s%s%s_weight' % (self._prefix, group, gate)] = \
                    weight[j * h:(j + 1) * h].copy()
                args['%s%s%s_bias' % (self._prefix, group, gate)] = \
                    bias[j * h:(j + 1) * h].copy()
        return args

    def pack_weights(self, args):
        """The inverse of :meth:`unpack_weights`: concatenate the per-gate arrays."""
        args = dict(args)
        gates = self._gate_names
        if not gates:
            return args
        for group in ('i2h', 'h2h'):
            weights = [args.pop('%s%s%s_weight' % (self._prefix, group, g)) for g in gates]
            biases = [args.pop('%s%s%s_bias' % (self._prefix, group, g)) for g in gates]
            args['%s%s_weight' % (self._prefix, group)] = ndarray.concatenate(weights)
            args['%s%s_bias' % (self._prefix, group)] = ndarray.concatenate(biases)
        return args

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None):
        """Unroll the cell over ``length`` time steps.

        Parameters
        ----------
        length : int
            Number of steps.
        inputs : Symbol or list of Symbol
            One symbol of shape (batch, length, ...) for layout 'NTC' or (length, batch, ...)
            for 'TNC'; or a list of ``length`` symbols of shape (batch, ...).
        begin_state : nested list of Symbol, default None
            Initial states; ``begin_state()`` if None.
        layout : str, default 'NTC'
            Layout of ``inputs`` (when one symbol) and of the merged outputs.
        merge_outputs : bool, default None
            True: one symbol for all steps; False: a list of per-step symbols; None: whichever
            comes naturally.

        Returns
        -------
        outputs : Symbol or list of Symbol
        states : nested list of Symbol
            The states after the last step.
        """
        self.reset()
        inputs, _ = _normalize_sequence(length, inputs, layout, False)
        states = self.begin_state() if begin_state is None else begin_state
        outputs = []
        for t in range(length):
            out, states = self(inputs[t], states)
            outputs.append(out)
        outputs, _ = _normalize_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def _get_activation(self, inputs, activation, **kwargs):
        """``activation`` applied to ``inputs``: an ``Activation`` act_type when a string,
        else ``activation(inputs, **kwargs)``."""
        if isinstance(activation, string_types):
            return symbol.Activation(inputs, act_type=activation, **kwargs)
        return activation(inputs, **kwargs)


def _nc_state(num_hidden):
    return {'shape': (0, num_hidden), '__layout__': 'NC'}


class RNNCell(BaseRNNCell):
    """Elman RNN cell: ``out = activation(W_i x + b_i + W_h h + b_h)``.

    Parameters
    ----------
    num_hidden : int
        Number of units of the output.
    activation : str or callable, default 'tanh'
        Activation function ('relu', 'tanh', ... or a symbol function).
    prefix : str, default 'rnn_'
        Prefix of the layer names (and weight names if ``params`` is None).
    params : RNNParams, default None
        Container for weight sharing between cells.
    """

    def __init__(self, num_hidden, activation='tanh', prefix='rnn_', params=None):
        super(RNNCell, self).__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._activation = activation
        self._iW = self.params.get('i2h_weight')
        self._iB = self.params.get('i2h_bias')
        self._hW = self.params.get('h2h_weight')
        self._hB = self.params.get('h2h_bias')

    @property
    def state_info(self):
        return [_nc_state(self._num_hidden)]

    @property
    def _gate_names(self):
        return ('',)

    def __call__(self, inputs, states):
        self._counter += 1
        name = '%st%d_' % (self._prefix, self._counter)
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=self._num_hidden, name=name + 'i2h')
        h2h = symbol.FullyConnected(data=states[0], weight=self._hW, bias=self._hB,
                                    num_hidden=self._num_hidden, name=name + 'h2h')
        out = self._get_activation(i2h + h2h, self._activation, name=name + 'out')
        return out, [out]


class LSTMCell(BaseRNNCell):
    """Long short-term memory cell (gates i, f, c, o stacked in that order).

    Parameters
    ----------
    num_hidden : int
        Number of units of the output.
    prefix : str, default 'lstm_'
        Prefix of the layer names (and weight names if ``params`` is None).
    params : RNNParams, default None
        Container for weight sharing between cells.
    forget_bias : float, default 1.0
        Initial bias of the forget gate (through the ``LSTMBias`` initializer of i2h_bias).
    """

    def __init__(self, num_hidden, prefix='lstm_', params=None, forget_bias=1.0):
        super(LSTMCell, self).__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW = self.params.get('i2h_weight')
        self._hW = self.params.get('h2h_weight')
        self._iB = self.params.get('i2h_bias', init=init.LSTMBias(forget_bias=forget_bias))
        self._hB = self.params.get('h2h_bias')

    @property
    def state_info(self):
        return [_nc_state(self._num_hidden), _nc_state(self._num_hidden)]

    @property
    def _gate_names(self):
        return ['_i', '_f', '_c', '_o']

    def __call__(self, inputs, states):
        self._counter += 1
        name = '%st%d_' % (self._prefix, self._counter)
        h4 = self._num_hidden * 4
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=h4, name=name + 'i2h')
        h2h = symbol.FullyConnected(data=states[0], weight=self._hW, bias=self._hB,
                                    num_hidden=h4, name=name + 'h2h')
        gates = symbol.SliceChannel(i2h + h2h, num_outputs=4, name=name + 'slice')
        gate_i = symbol.Activation(gates[0], act_type='sigmoid', name=name + 'i')
        gate_f = symbol.Activation(gates[1], act_type='sigmoid', name=name + 'f')
        cand = symbol.Activation(gates[2], act_type='tanh', name=name + 'c')
        gate_o = symbol.Activation(gates[3], act_type='sigmoid', name=name + 'o')
        next_c = symbol._internal._plus(gate_f * states[1], gate_i * cand,
                                        name=name + 'state')
        next_h = symbol._internal._mul(gate_o, symbol.Activation(next_c, act_type='tanh'),
                                       name=name + 'out')
        return next_h, [next_h, next_c]


class GRUCell(BaseRNNCell):
    """Gated recurrent unit cell, cuDNN's variant (gates r, z, then the candidate).

    Parameters
    ----------
    num_hidden : int
        Number of units of the output.
    prefix : str, default 'gru_'
        Prefix of the layer names (and weight names if ``params`` is None).
    params : RNNParams, default None
        Container for weight sharing between cells.
    """

    def __init__(self, num_hidden, prefix='gru_', params=None):
        super(GRUCell, self).__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._iW = self.params.get('i2h_weight')
        self._iB = self.params.get('i2h_bias')
        self._hW = self.params.get('h2h_weight')
        self._hB = self.params.get('h2h_bias')

    @property
    def state_info(self):
        return [_nc_state(self._num_hidden)]

    @property
    def _gate_names(self):
        return ['_r', '_z', '_o']

    def __call__(self, inputs, states):
        self._counter += 1
        # MXNet's GRU node names carry a doubled underscore: '<prefix>t0__i2h'
        name = '%st%d_' % (self._prefix, self._counter)
        prev_h = states[0]
        h3 = self._num_hidden * 3
        i2h = symbol.FullyConnected(data=inputs, weight=self._iW, bias=self._iB,
                                    num_hidden=h3, name=name + '_i2h')
        h2h = symbol.FullyConnected(data=prev_h, weight=self._hW, bias=self._hB,
                                    num_hidden=h3, name=name + '_h2h')
        i2h_r, i2h_z, i2h = symbol.SliceChannel(i2h, num_outputs=3, name=name + '_i2h_slice')
        h2h_r, h2h_z, h2h = symbol.SliceChannel(h2h, num_outputs=3, name=name + '_h2h_slice')
        reset = symbol.Activation(i2h_r + h2h_r, act_type='sigmoid', name=name + '_r_act')
        update = symbol.Activation(i2h_z + h2h_z, act_type='sigmoid', name=name + '_z_act')
        cand = symbol.Activation(i2h + reset * h2h, act_type='tanh', name=name + '_h_act')
        next_h = symbol._internal._plus((1. - update) * cand, update * prev_h,
                                        name=name + 'out')
        return next_h, [next_h]


_FUSED_GATES = {'rnn_relu': [''], 'rnn_tanh': [''], 'lstm': ['_i', '_f', '_c', '_o'],
                'gru': ['_r', '_z', '_o']}


class FusedRNNCell(BaseRNNCell):
    """All layers and time steps in one fused ``RNN`` operator.

    Parameters
    ----------
    num_hidden : int
        Number of units of the output.
    num_layers : int, default 1
        Number of layers.
    mode : str, default 'lstm'
        'rnn_relu', 'rnn_tanh', 'lstm' or 'gru'.
    bidirectional : bool, default False
        Whether to run both directions (the output size doubles).
    dropout : float, default 0.
        Dropout between layers during training.
    get_next_state : bool, default False
        Whether ``unroll`` returns the final states too.
    forget_bias : float, default 1.0
        Initial bias of the LSTM forget gates.
    prefix : str, default ``mode + '_'``
        Prefix of the layer and parameter names.
    params : RNNParams, default None
        Container for weight sharing between cells.
    """

    def __init__(self, num_hidden, num_layers=1, mode='lstm', bidirectional=False,
                 dropout=0., get_next_state=False, forget_bias=1.0,
                 prefix=None, params=None):
        if prefix is None:
            prefix = mode + '_'
        super(FusedRNNCell, self).__init__(prefix=prefix, params=params)
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._dropout = dropout
        self._get_next_state = get_next_state
        self._directions = ['l', 'r'] if bidirectional else ['l']
        initializer = init.FusedRNN(None, num_hidden, num_layers, mode, bidirectional,
                                    forget_bias)
        self._parameter = self.params.get('parameters', init=initializer)

    @property
    def state_info(self):
        ndir = 2 if self._bidirectional else 1
        nstates = 2 if self._mode == 'lstm' else 1
        return [{'shape': (ndir * self._num_layers, 0, self._num_hidden), '__layout__': 'LNC'}
                for _ in range(nstates)]

    @property
    def _gate_names(self):
        return _FUSED_GATES[self._mode]

    @property
    def _num_gates(self):
        return len(self._gate_names)

    def _slice_weights(self, arr, li, lh):
        """{unfused name: view of ``arr``} in the fused layout (all weights, layer by layer
        and direction by direction, i2h gates then h2h gates; then the biases likewise)."""
        out = {}
        ndir = len(self._directions)
        pos = 0

        def take(name, size, shape=None):
            nonlocal pos
            piece = arr[pos:pos + size]
            out[name] = piece.reshape(shape) if shape is not None else piece
            pos += size

        for layer in range(self._num_layers):
            in_size = li if layer == 0 else ndir * lh
            for d in self._directions:
                for g in self._gate_names:
                    take('%s%s%d_i2h%s_weight' % (self._prefix, d, layer, g), lh * in_size,
                         (lh, in_size))
                for g in self._gate_names:
                    take('%s%s%d_h2h%s_weight' % (self._prefix, d, layer, g), lh * lh,
                         (lh, lh))
        for layer in range(self._num_layers):
            for d in self._directions:
                for group in ('i2h', 'h2h'):
                    for g in self._gate_names:
                        take('%s%s%d_%s%s_bias' % (self._prefix, d, layer, group, g), lh)
        if pos != arr.size:
            raise AssertionError('Invalid parameters size for FusedRNNCell')
        return out

    def unpack_weights(self, args):
        args = dict(args)
        arr = args.pop(self._parameter.name)
        ndir, ngates, h = len(self._directions), self._num_gates, self._num_hidden
        # size = ndir*ngates*h*(in + h + 2) + (layers-1)*ndir*ngates*h*(ndir*h + h + 2)
        num_input = arr.size // ndir // h // ngates \
            - (self._num_layers - 1) * (h + ndir * h + 2) - h - 2
        for name, piece in self._slice_weights(arr, num_input, h).items():
            args[name] = piece.copy()
        return args

    def pack_weights(self, args):
        args = dict(args)
        ndir, ngates, h = len(self._directions), self._num_gates, self._num_hidden
        w0 = args['%sl0_i2h%s_weight' % (self._prefix, self._gate_names[0])]
        num_input = w0.shape[1]
        total = ndir * ngates * h * (num_input + h + 2) \
            + (self._num_layers - 1) * ndir * ngates * h * (ndir * h + h + 2)
        arr = ndarray.zeros((total,), ctx=w0.context, dtype=w0.dtype)
        for name, piece in self._slice_weights(arr, num_input, h).items():
            piece[:] = args.pop(name)
        args[self._parameter.name] = arr
        return args

    def __call__(self, inputs, states):
        raise NotImplementedError('FusedRNNCell cannot be stepped. Please use unroll')

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None):
        self.reset()
        inputs, axis = _normalize_sequence(length, inputs, layout, True)
        if axis == 1:
            warnings.warn('NTC layout detected. Consider using TNC for FusedRNNCell for '
                          'faster speed')
            inputs = symbol.swapaxes(inputs, dim1=0, dim2=1)
        elif axis != 0:
            raise AssertionError('Unsupported layout %s' % layout)
        if begin_state is None:
            begin_state = self.begin_state()
        states = {'state': begin_state[0]}
        if self._mode == 'lstm':
            states['state_cell'] = begin_state[1]
        rnn = symbol.RNN(data=inputs, parameters=self._parameter,
                         state_size=self._num_hidden, num_layers=self._num_layers,
                         bidirectional=self._bidirectional, p=self._dropout,
                         state_outputs=self._get_next_state, mode=self._mode,
                         name=self._prefix + 'rnn', **states)
        if not self._get_next_state:
            outputs, states = rnn, []
        else:
            nstates = 2 if self._mode == 'lstm' else 1
            states = [rnn[k] for k in range(1, 1 + nstates)]
            for s in states:
                s._set_attr(__layout__='LNC')
            outputs = rnn[0]
        if axis == 1:
            outputs = symbol.swapaxes(outputs, dim1=0, dim2=1)
        outputs, _ = _normalize_sequence(length, outputs, layout, merge_outputs)
        return outputs, states

    def unfuse(self):
        """The same network as a :class:`SequentialRNNCell` of step-able cells (with
        :class:`BidirectionalCell` layers and :class:`DropoutCell` between layers as
        configured), whose parameter names match :meth:`unpack_weights`."""
        h = self._num_hidden
        make = {'rnn_relu': lambda p: RNNCell(h, activation='relu', prefix=p),
                'rnn_tanh': lambda p: RNNCell(h, activation='tanh', prefix=p),
                'lstm': lambda p: LSTMCell(h, prefix=p),
                'gru': lambda p: GRUCell(h, prefix=p)}[self._mode]
        stack = SequentialRNNCell()
        for layer in range(self._num_layers):
            if self._bidirectional:
                stack.add(BidirectionalCell(make('%sl%d_' % (self._prefix, layer)),
                                            make('%sr%d_' % (self._prefix, layer)),
                                            output_prefix='%sbi_l%d_' % (self._prefix, layer)))
            else:
                stack.add(make('%sl%d_' % (self._prefix, layer)))
            if self._dropout > 0 and layer != self._num_layers - 1:
                stack.add(DropoutCell(self._dropout,
                                      prefix='%s_dropout%d_' % (self._prefix, layer)))
        return stack


class SequentialRNNCell(BaseRNNCell):
    """A stack of cells, each one's output the next one's input.

    Parameters
    ----------
    params : RNNParams, default None
        Container for weight sharing between cells.
    """

    def __init__(self, params=None):
        super(SequentialRNNCell, self).__init__(prefix='', params=params)
        self._override_cell_params = params is not None
        self._cells = []

    def add(self, cell):
        """Append ``cell`` to the stack."""
        self._cells.append(cell)
        if self._override_cell_params:
            if not cell._own_params:
                raise AssertionError('Either specify params for SequentialRNNCell or child '
                                     'cells, not both.')
            cell.params._params.update(self.params._params)
        self.params._params.update(cell.params._params)

    @property
    def state_info(self):
        return _cells_state_info(self._cells)

    def begin_state(self, **kwargs):  # pylint: disable=arguments-differ
        if self._modified:
            raise AssertionError('After applying modifier cells (e.g. ZoneoutCell) the base '
                                 'cell cannot be called directly. Call the modifier cell '
                                 'instead.')
        return _cells_begin_state(self._cells, **kwargs)

    def unpack_weights(self, args):
        return _cells_unpack_weights(self._cells, args)

    def pack_weights(self, args):
        return _cells_pack_weights(self._cells, args)

    def __call__(self, inputs, states):
        self._counter += 1
        new_states = []
        pos = 0
        for cell in self._cells:
            if isinstance(cell, BidirectionalCell):
                raise AssertionError('a BidirectionalCell cannot be stepped')
            n = len(cell.state_info)
            inputs, st = cell(inputs, states[pos:pos + n])
            pos += n
            new_states.extend(st)
        return inputs, new_states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None):
        self.reset()
        if begin_state is None:
            begin_state = self.begin_state()
        last = len(self._cells) - 1
        pos = 0
        new_states = []
        for i, cell in enumerate(self._cells):
            n = len(cell.state_info)
            inputs, st = cell.unroll(length, inputs=inputs, begin_state=begin_state[pos:pos + n],
                                     layout=layout,
                                     merge_outputs=merge_outputs if i == last else None)
            pos += n
            new_states.extend(st)
        return inputs, new_states


class DropoutCell(BaseRNNCell):
    """Dropout on the input; no states.

    Parameters
    ----------
    dropout : float
        Fraction of the elements to drop.
    prefix : str, default 'dropout_'
        Prefix of the layer names.
    params : RNNParams, default None
        Container for weight sharing between cells.
    """

    def __init__(self, dropout, prefix='dropout_', params=None):
        super(DropoutCell, self).__init__(prefix, params)
        if not isinstance(dropout, numeric_types):
            raise AssertionError('dropout probability must be a number')
        self.dropout = dropout

    @property
    def state_info(self):
        return []

    def __call__(self, inputs, states):
        if self.dropout > 0:
            inputs = symbol.Dropout(data=inputs, p=self.dropout)
        return inputs, states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None):
        self.reset()
        inputs, _ = _normalize_sequence(length, inputs, layout, merge_outputs)
        if isinstance(inputs, symbol.Symbol):
            return self(inputs, [])
        return super(DropoutCell, self).unroll(length, inputs, begin_state=begin_state,
                                               layout=layout, merge_outputs=merge_outputs)


class ModifierCell(BaseRNNCell):
    """Base class of the cells that wrap another cell and modify it (zoneout, residual).

    Once wrapped, the base cell must not be called directly; call the modifier cell.
    """

    def __init__(self, base_cell):
        super(ModifierCell, self).__init__()
        base_cell._modified = True
        self.base_cell = base_cell

    @property
    def params(self):
        self._own_params = False
        return self.base_cell.params

    @property
    def state_info(self):
        return self.base_cell.state_info

    def begin_state(self, init_sym=symbol.zeros, **kwargs):  # pylint: disable=arguments-differ
        if self._modified:
            raise AssertionError('After applying modifier cells (e.g. DropoutCell) the base '
                                 'cell cannot be called directly. Call the modifier cell '
                                 'instead.')
        self.base_cell._modified = False
        try:
            return self.base_cell.begin_state(init_sym, **kwargs)
        finally:
            self.base_cell._modified = True

    def unpack_weights(self, args):
        return self.base_cell.unpack_weights(args)

    def pack_weights(self, args):
        return self.base_cell.pack_weights(args)

    def __call__(self, inputs, states):
        raise NotImplementedError


class ZoneoutCell(ModifierCell):
    """Zoneout on a base cell: during training, each output / state element keeps its previous
    value with the given probability.

    Parameters
    ----------
    base_cell : BaseRNNCell
        The cell to modify (not fused, not bidirectional).
    zoneout_outputs : float, default 0.
        Probability of keeping an output element's previous value.
    zoneout_states : float, default 0.
        Probability of keeping a state element's previous value.
    """

    def __init__(self, base_cell, zoneout_outputs=0., zoneout_states=0.):
        if isinstance(base_cell, FusedRNNCell):
            raise AssertionError("FusedRNNCell doesn't support zoneout. Please unfuse first.")
        if isinstance(base_cell, BidirectionalCell) or getattr(base_cell, '_bidirectional',
                                                                False):
            raise AssertionError("BidirectionalCell doesn't support zoneout since it doesn't "
                                 "support step. Please add ZoneoutCell to the cells underneath "
                                 "instead.")
        super(ZoneoutCell, self).__init__(base_cell)
        self.zoneout_outputs = zoneout_outputs
        self.zoneout_states = zoneout_states
        self.prev_output = None

    def reset(self):
        super(ZoneoutCell, self).reset()
        self.prev_output = None

    def __call__(self, inputs, states):
        p_out, p_st = self.zoneout_outputs, self.zoneout_states
        new_out, new_states = self.base_cell(inputs, states)

        def keep(p, like):
            return symbol.Dropout(symbol.ones_like(like), p=p)

        prev = self.prev_output if self.prev_output is not None else symbol.zeros((0, 0))
        output = symbol.where(keep(p_out, new_out), new_out, prev) if p_out != 0. else new_out
        if p_st != 0.:
            new_states = [symbol.where(keep(p_st, new), new, old)
                          for new, old in zip(new_states, states)]
        self.prev_output = output
        return output, new_states


class ResidualCell(ModifierCell):
    """Residual connection around a base cell: output = base output + input
    (Wu et al., 2016).

    Parameters
    ----------
    base_cell : BaseRNNCell
        The cell whose output gets the input added.
    """

    def __init__(self, base_cell):
        super(ResidualCell, self).__init__(base_cell)

    def __call__(self, inputs, states):
        output, states = self.base_cell(inputs, states)
        output = symbol.elemwise_add(output, inputs, name='%s_plus_residual' % output.name)
        return output, states

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None):
        self.reset()
        self.base_cell._modified = False
        try:
            outputs, states = self.base_cell.unroll(length, inputs=inputs,
                                                    begin_state=begin_state, layout=layout,
                                                    merge_outputs=merge_outputs)
        finally:
            self.base_cell._modified = True
        if merge_outputs is None:
            merge_outputs = isinstance(outputs, symbol.Symbol)
        inputs, _ = _normalize_sequence(length, inputs, layout, merge_outputs)
        if merge_outputs:
            outputs = symbol.elemwise_add(outputs, inputs,
                                          name='%s_plus_residual' % outputs.name)
        else:
            outputs = [symbol.elemwise_add(o, x, name='%s_plus_residual' % o.name)
                       for o, x in zip(outputs, inputs)]
        return outputs, states


class BidirectionalCell(BaseRNNCell):
    """Runs ``l_cell`` forward and ``r_cell`` backward in time and concatenates their outputs.

    Parameters
    ----------
    l_cell : BaseRNNCell
        Cell for the forward direction.
    r_cell : BaseRNNCell
        Cell for the backward direction.
    params : RNNParams, default None
        Container for weight sharing between cells.
    output_prefix : str, default 'bi_'
        Prefix of the output names.
    """

    def __init__(self, l_cell, r_cell, params=None, output_prefix='bi_'):
        super(BidirectionalCell, self).__init__('', params=params)
        self._output_prefix = output_prefix
        self._override_cell_params = params is not None
        if self._override_cell_params:
            if not (l_cell._own_params and r_cell._own_params):
                raise AssertionError('Either specify params for BidirectionalCell or child '
                                     'cells, not both.')
            l_cell.params._params.update(self.params._params)
            r_cell.params._params.update(self.params._params)
        self.params._params.update(l_cell.params._params)
        self.params._params.update(r_cell.params._params)
        self._cells = [l_cell, r_cell]

    def unpack_weights(self, args):
        return _cells_unpack_weights(self._cells, args)

    def pack_weights(self, args):
        return _cells_pack_weights(self._cells, args)

    def __call__(self, inputs, states):
        raise NotImplementedError('Bidirectional cannot be stepped. Please use unroll')

    @property
    def state_info(self):
        return _cells_state_info(self._cells)

    def begin_state(self, **kwargs):  # pylint: disable=arguments-differ
        if self._modified:
            raise AssertionError('After applying modifier cells (e.g. DropoutCell) the base '
                                 'cell cannot be called directly. Call the modifier cell '
                                 'instead.')
        return _cells_begin_state(self._cells, **kwargs)

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None):
        self.reset()
        inputs, axis = _normalize_sequence(length, inputs, layout, False)
        if begin_state is None:
            begin_state = self.begin_state()
        l_cell, r_cell = self._cells
        nl = len(l_cell.state_info)
        l_out, l_states = l_cell.unroll(length, inputs=inputs, begin_state=begin_state[:nl],
                                        layout=layout, merge_outputs=merge_outputs)
        r_out, r_states = r_cell.unroll(length, inputs=list(reversed(inputs)),
                                        begin_state=begin_state[nl:], layout=layout,
                                        merge_outputs=merge_outputs)
        if merge_outputs is None:
            merge_outputs = isinstance(l_out, symbol.Symbol) and isinstance(r_out, symbol.Symbol)
            if not merge_outputs:
                if isinstance(l_out, symbol.Symbol):
                    l_out = list(symbol.SliceChannel(l_out, axis=axis, num_outputs=length,
                                                     squeeze_axis=1))
                if isinstance(r_out, symbol.Symbol):
                    r_out = list(symbol.SliceChannel(r_out, axis=axis, num_outputs=length,
                                                     squeeze_axis=1))
        if merge_outputs:
            outputs = symbol.Concat(l_out, symbol.reverse(r_out, axis=axis), dim=2,
                                    name='%sout' % self._output_prefix)
        else:
            outputs = [symbol.Concat(lo, ro, dim=1, name='%st%d' % (self._output_prefix, t))
                       for t, (lo, ro) in enumerate(zip(l_out, reversed(r_out)))]
        return outputs, [l_states, r_states]


class BaseConvRNNCell(BaseRNNCell):
    """Abstract base class of the convolutional RNN cells."""

    def __init__(self, input_shape, num_hidden,
                 h2h_kernel, h2h_dilate,
                 i2h_kernel, i2h_stride,
                 i2h_pad, i2h_dilate,
                 i2h_weight_initializer, h2h_weight_initializer,
                 i2h_bias_initializer, h2h_bias_initializer,
                 activation, prefix='', params=None, conv_layout='NCHW'):
        super(BaseConvRNNCell, self).__init__(prefix=prefix, params=params)
        if h2h_kernel[0] % 2 != 1 or h2h_kernel[1] % 2 != 1:
            raise AssertionError('Only support odd number, get h2h_kernel= %s'
                                 % str(h2h_kernel))
        self._h2h_kernel = h2h_kernel
        # "same" padding keeps the state's spatial size
        self._h2h_pad = (h2h_dilate[0] * (h2h_kernel[0] - 1) // 2,
                         h2h_dilate[1] * (h2h_kernel[1] - 1) // 2)
        self._h2h_dilate = h2h_dilate
        self._i2h_kernel = i2h_kernel
        self._i2h_stride = i2h_stride
        self._i2h_pad = i2h_pad
        self._i2h_dilate = i2h_dilate
        self._num_hidden = num_hidden
        self._input_shape = input_shape
        self._conv_layout = conv_layout
        self._activation = activation

        # the state has the shape of the i2h convolution's output, batch unknown
        probe = symbol.Convolution(data=symbol.Variable('data'), num_filter=num_hidden,
                                   kernel=i2h_kernel, stride=i2h_stride, pad=i2h_pad,
                                   dilate=i2h_dilate, layout=conv_layout)
        out_shape = probe.infer_shape(data=input_shape)[1][0]
        self._state_shape = (0,) + tuple(out_shape[1:])

        self._iW = self.params.get('i2h_weight', init=i2h_weight_initializer)
        self._hW = self.params.get('h2h_weight', init=h2h_weight_initializer)
        self._iB = self.params.get('i2h_bias', init=i2h_bias_initializer)
        self._hB = self.params.get('h2h_bias', init=h2h_bias_initializer)

    @property
    def _num_gates(self):
        return len(self._gate_names)

    @property
    def state_info(self):
        return [{'shape': self._state_shape, '__layout__': self._conv_layout},
                {'shape': self._state_shape, '__layout__': self._conv_layout}]

    def _conv_forward(self, inputs, states, name):
        nf = self._num_hidden * self._num_gates
        i2h = symbol.Convolution(name=name + 'i2h', data=inputs, num_filter=nf,
                                 kernel=self._i2h_kernel, stride=self._i2h_stride,
                                 pad=self._i2h_pad, dilate=self._i2h_dilate,
                                 weight=self._iW, bias=self._iB, layout=self._conv_layout)
        h2h = symbol.Convolution(name=name + 'h2h', data=states[0], num_filter=nf,
                                 kernel=self._h2h_kernel, dilate=self._h2h_dilate,
                                 pad=self._h2h_pad, stride=(1, 1),
                                 weight=self._hW, bias=self._hB, layout=self._conv_layout)
        return i2h, h2h

    def __call__(self, inputs, states):
        raise NotImplementedError('BaseConvRNNCell is abstract class for convolutional RNN')


_CONV_DOC = """
    Parameters
    ----------
    input_shape : tuple of int
        Shape of the input of one time step.
    num_hidden : int
        Number of output channels.
    h2h_kernel, h2h_dilate : tuple of int, default (3, 3), (1, 1)
        Kernel and dilation of the state-to-state convolution (padded to keep the size).
    i2h_kernel, i2h_stride, i2h_pad, i2h_dilate : tuple of int
        Kernel (3, 3), stride (1, 1), pad (1, 1) and dilation (1, 1) of the input-to-state
        convolution.
    i2h_weight_initializer, h2h_weight_initializer : str or Initializer
        Initializers of the convolution weights.
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
        Initializers of the biases.
    activation : str or callable, default LeakyReLU(act_type='leaky', slope=0.2)
        Activation function.
    prefix : str
        Prefix of the layer and parameter names.
    params : RNNParams, default None
        Container for weight sharing between cells.
    conv_layout : str, default 'NCHW'
        Layout of the convolutions.
"""

_LEAKY = functools.partial(symbol.LeakyReLU, act_type='leaky', slope=0.2)


class ConvRNNCell(BaseConvRNNCell):
    __doc__ = 'Convolutional RNN cell.\n' + _CONV_DOC

    def __init__(self, input_shape, num_hidden,
                 h2h_kernel=(3, 3), h2h_dilate=(1, 1),
                 i2h_kernel=(3, 3), i2h_stride=(1, 1),
                 i2h_pad=(1, 1), i2h_dilate=(1, 1),
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros',
                 activation=_LEAKY, prefix='ConvRNN_', params=None, conv_layout='NCHW'):
        super(ConvRNNCell, self).__init__(
            input_shape=input_shape, num_hidden=num_hidden,
            h2h_kernel=h2h_kernel, h2h_dilate=h2h_dilate,
            i2h_kernel=i2h_kernel, i2h_stride=i2h_stride,
            i2h_pad=i2h_pad, i2h_dilate=i2h_dilate,
            i2h_weight_initializer=i2h_weight_initializer,
            h2h_weight_initializer=h2h_weight_initializer,
            i2h_bias_initializer=i2h_bias_initializer,
            h2h_bias_initializer=h2h_bias_initializer,
            activation=activation, prefix=prefix, params=params, conv_layout=conv_layout)

    @property
    def _gate_names(self):
        return ('',)

    @property
    def state_info(self):
        return [{'shape': self._state_shape, '__layout__': self._conv_layout}]

    def __call__(self, inputs, states):
        self._counter += 1
        name = '%st%d_' % (self._prefix, self._counter)
        i2h, h2h = self._conv_forward(inputs, states, name)
        out = self._get_activation(i2h + h2h, self._activation, name=name + 'out')
        return out, [out]


class ConvLSTMCell(BaseConvRNNCell):
    __doc__ = 'Convolutional LSTM cell (Xingjian et al., NIPS 2015).\n' + _CONV_DOC

    def __init__(self, input_shape, num_hidden,
                 h2h_kernel=(3, 3), h2h_dilate=(1, 1),
                 i2h_kernel=(3, 3), i2h_stride=(1, 1),
                 i2h_pad=(1, 1), i2h_dilate=(1, 1),
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros',
                 activation=_LEAKY, prefix='ConvLSTM_', params=None, conv_layout='NCHW'):
        super(ConvLSTMCell, self).__init__(
            input_shape=input_shape, num_hidden=num_hidden,
            h2h_kernel=h2h_kernel, h2h_dilate=h2h_dilate,
            i2h_kernel=i2h_kernel, i2h_stride=i2h_stride,
            i2h_pad=i2h_pad, i2h_dilate=i2h_dilate,
            i2h_weight_initializer=i2h_weight_initializer,
            h2h_weight_initializer=h2h_weight_initializer,
            i2h_bias_initializer=i2h_bias_initializer,
            h2h_bias_initializer=h2h_bias_initializer,
            activation=activation, prefix=prefix, params=params, conv_layout=conv_layout)

    @property
    def _gate_names(self):
        return ['_i', '_f', '_c', '_o']

    def __call__(self, inputs, states):
        self._counter += 1
        name = '%st%d_' % (self._prefix, self._counter)
        i2h, h2h = self._conv_forward(inputs, states, name)
        gates = symbol.SliceChannel(i2h + h2h, num_outputs=4,
                                    axis=self._conv_layout.find('C'), name=name + 'slice')
        gate_i = symbol.Activation(gates[0], act_type='sigmoid', name=name + 'i')
        gate_f = symbol.Activation(gates[1], act_type='sigmoid', name=name + 'f')
        cand = self._get_activation(gates[2], self._activation, name=name + 'c')
        gate_o = symbol.Activation(gates[3], act_type='sigmoid', name=name + 'o')
        next_c = symbol._internal._plus(gate_f * states[1], gate_i * cand,
                                        name=name + 'state')
        next_h = symbol._internal._mul(gate_o, self._get_activation(next_c, self._activation),
                                       name=name + 'out')
        return next_h, [next_h, next_c]

    @property
    def state_info(self):
        return [{'shape': self._state_shape, '__layout__': self._conv_layout},
                {'shape': self._state_shape, '__layout__': self._conv_layout}]


class ConvGRUCell(BaseConvRNNCell):
    __doc__ = 'Convolutional GRU cell.\n' + _CONV_DOC

    def __init__(self, input_shape, num_hidden,
                 h2h_kernel=(3, 3), h2h_dilate=(1, 1),
                 i2h_kernel=(3, 3), i2h_stride=(1, 1),
                 i2h_pad=(1, 1), i2h_dilate=(1, 1),
                 i2h_weight_initializer=None, h2h_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros',
                 activation=_LEAKY, prefix='ConvGRU_', params=None, conv_layout='NCHW'):
        super(ConvGRUCell, self).__init__(
            input_shape=input_shape, num_hidden=num_hidden,
            h2h_kernel=h2h_kernel, h2h_dilate=h2h_dilate,
            i2h_kernel=i2h_kernel, i2h_stride=i2h_stride,
            i2h_pad=i2h_pad, i2h_dilate=i2h_dilate,
            i2h_weight_initializer=i2h_weight_initializer,
            h2h_weight_initializer=h2h_weight_initializer,
            i2h_bias_initializer=i2h_bias_initializer,
            h2h_bias_initializer=h2h_bias_initializer,
            activation=activation, prefix=prefix, params=params, conv_layout=conv_layout)

    @property
    def _gate_names(self):
        return ['_r', '_z', '_o']

    @property
    def state_info(self):
        return [{'shape': self._state_shape, '__layout__': self._conv_layout}]

    def __call__(self, inputs, states):
        self._counter += 1
        name = '%st%d_' % (self._prefix, self._counter)
        i2h, h2h = self._conv_forward(inputs, states, name)
        i2h_r, i2h_z, i2h = symbol.SliceChannel(i2h, num_outputs=3, name=name + '_i2h_slice')
        h2h_r, h2h_z, h2h = symbol.SliceChannel(h2h, num_outputs=3, name=name + '_h2h_slice')
        reset = symbol.Activation(i2h_r + h2h_r, act_type='sigmoid', name=name + '_r_act')
        update = symbol.Activation(i2h_z + h2h_z, act_type='sigmoid', name=name + '_z_act')
        cand = self._get_activation(i2h + reset * h2h, self._activation, name=name + '_h_act')
        next_h = symbol._internal._plus((1. - update) * cand, update * states[0],
                                        name=name + 'out')
        return next_h, [next_h]
