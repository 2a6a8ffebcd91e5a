"""Contributed recurrent cells: VariationalDropoutCell (Gal & Ghahramani, 2016), LSTMPCell
(LSTM with a projection layer, Sak et al., 2014) and ``dynamic_unroll``."""
from ....base import MXNetError
from .... import ndarray
from ....ndarray import NDArray
from ...rnn.rnn_cell import (HybridRecurrentCell, ModifierCell, BidirectionalCell,
                             SequentialRNNCell, _format_sequence, _get_begin_state,
                             _mask_sequence_variable_length, _symbol_type, _as_list, _mapping)

__all__ = ['VariationalDropoutCell', 'LSTMPCell', 'dynamic_unroll']


class VariationalDropoutCell(ModifierCell):
    """Variational dropout around a cell: one dropout mask per sequence (the same at every
    step) for the inputs, the first state (h) and the outputs.

    Parameters
    ----------
    base_cell : RecurrentCell
        The cell to wrap.
    drop_inputs, drop_states, drop_outputs : float, default 0.
        Dropout rates of the inputs, the states and the outputs.
    """

    def __init__(self, base_cell, drop_inputs=0., drop_states=0., drop_outputs=0.):
        if drop_states and isinstance(base_cell, BidirectionalCell):
            raise MXNetError("BidirectionalCell doesn't support variational state dropout. "
                             "Please add VariationalDropoutCell to the cells underneath "
                             "instead.")
        if drop_states and isinstance(base_cell, SequentialRNNCell) and \
                getattr(base_cell, '_bidirectional', False):
            raise MXNetError("Bidirectional SequentialRNNCell doesn't support variational "
                             "state dropout. Please add VariationalDropoutCell to the cells "
                             "underneath instead.")
        super().__init__(base_cell)
        self.drop_inputs = drop_inputs
        self.drop_states = drop_states
        self.drop_outputs = drop_outputs
        self.drop_inputs_mask = None
        self.drop_states_mask = None
        self.drop_outputs_mask = None

    def _alias(self):
        return 'vardrop'

    def reset(self):
        super().reset()
        self.drop_inputs_mask = None
        self.drop_states_mask = None
        self.drop_outputs_mask = None

    def _initialize_input_masks(self, F, inputs, states):
        if self.drop_states and self.drop_states_mask is None:
            self.drop_states_mask = F.Dropout(F.ones_like(states[0]), p=self.drop_states)
        if self.drop_inputs and self.drop_inputs_mask is None:
            self.drop_inputs_mask = F.Dropout(F.ones_like(inputs), p=self.drop_inputs)

    def _initialize_output_mask(self, F, output):
        if self.drop_outputs and self.drop_outputs_mask is None:
            self.drop_outputs_mask = F.Dropout(F.ones_like(output), p=self.drop_outputs)

    def hybrid_forward(self, F, inputs, states):
        self._initialize_input_masks(F, inputs, states)
        if self.drop_states:
            states = list(states)
            # only h, always the first state, is dropped
            states[0] = states[0] * self.drop_states_mask
        if self.drop_inputs:
            inputs = inputs * self.drop_inputs_mask
        next_output, next_states = self.base_cell(inputs, states)
        self._initialize_output_mask(F, next_output)
        if self.drop_outputs:
            next_output = next_output * self.drop_outputs_mask
        return next_output, next_states

    def __repr__(self):
        return '{name}(p_out = {drop_outputs}, p_state = {drop_states})'.format(
            name=self.__class__.__name__, drop_outputs=self.drop_outputs,
            drop_states=self.drop_states)

    def unroll(self, length, inputs, begin_state=None, layout='NTC', merge_outputs=None,
               valid_length=None):
        """Unroll the cell; without state dropout the input and output masks are applied to
        the whole sequence at once (shared along the time axis)."""
        if self.drop_states:
            return super().unroll(length, inputs, begin_state, layout, merge_outputs,
                                  valid_length=valid_length)
        self.reset()
        inputs, axis, F, batch_size = _format_sequence(length, inputs, layout, True)
        states = _get_begin_state(self, F, begin_state, inputs, batch_size)
        if self.drop_inputs:
            inputs = F.Dropout(inputs, p=self.drop_inputs, axes=(axis,))
        outputs, states = self.base_cell.unroll(length, inputs, states, layout,
                                                merge_outputs=True, valid_length=valid_length)
        if self.drop_outputs:
            outputs = F.Dropout(outputs, p=self.drop_outputs, axes=(axis,))
        if merge_outputs is None:
            merge_outputs = isinstance(outputs, (NDArray, _symbol_type()))
        outputs, _, _, _ = _format_sequence(length, outputs, layout, merge_outputs)
        if valid_length is not None:
            outputs = _mask_sequence_variable_length(F, outputs, length, valid_length, axis,
                                                     merge_outputs)
        return outputs, states


class LSTMPCell(HybridRecurrentCell):
    r"""LSTM cell whose output (and recurrent state) is projected to ``projection_size``::

        i, f, g, o = split(W_ih x_t + b_ih + W_hh r_{t-1} + b_hh, 4)
        c_t = sigmoid(f) * c_{t-1} + sigmoid(i) * tanh(g)
        h_t = sigmoid(o) * tanh(c_t)
        r_t = W_hr h_t

    Parameters
    ----------
    hidden_size : int
        Number of units of the cell state.
    projection_size : int
        Number of units of the output (the projection).
    i2h_weight_initializer, h2h_weight_initializer, h2r_weight_initializer : str or Initializer
    i2h_bias_initializer, h2h_bias_initializer : str or Initializer, default 'zeros'
    input_size : int, default 0
        Number of input features; 0 means inferred from the first input.
    prefix : str, default ``'lstmp_'``
    params : ParameterDict, optional

    Inputs: **data** ``(batch_size, input_size)``; **states** ``[r, c]`` of shapes
    ``(batch_size, projection_size)`` and ``(batch_size, hidden_size)``.
    Outputs: **out** ``(batch_size, projection_size)``; **next_states** ``[r_t, c_t]``.
    """

    def __init__(self, hidden_size, projection_size, i2h_weight_initializer=None,
                 h2h_weight_initializer=None, h2r_weight_initializer=None,
                 i2h_bias_initializer='zeros', h2h_bias_initializer='zeros', input_size=0,
                 prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._hidden_size = hidden_size
        self._input_size = input_size
        self._projection_size = projection_size
        get = self.params.get
        self.i2h_weight = get('i2h_weight', shape=(4 * hidden_size, input_size),
                              init=i2h_weight_initializer, allow_deferred_init=True)
        self.h2h_weight = get('h2h_weight', shape=(4 * hidden_size, projection_size),
                              init=h2h_weight_initializer, allow_deferred_init=True)
        self.h2r_weight = get('h2r_weight', shape=(projection_size, hidden_size),
                              init=h2r_weight_initializer, allow_deferred_init=True)
        self.i2h_bias = get('i2h_bias', shape=(4 * hidden_size,), init=i2h_bias_initializer,
                            allow_deferred_init=True)
        self.h2h_bias = get('h2h_bias', shape=(4 * hidden_size,), init=h2h_bias_initializer,
                            allow_deferred_init=True)

    def state_info(self, batch_size=0):
        return [{'shape': (batch_size, self._projection_size), '__layout__': 'NC'},
                {'shape': (batch_size, self._hidden_size), '__layout__': 'NC'}]

    def _alias(self):
        return 'lstmp'

    def __repr__(self):
        return '{name}({mapping} -> {proj})'.format(name=self.__class__.__name__,
                                                    mapping=_mapping(self.i2h_weight),
                                                    proj=self.h2r_weight.shape[0])

    def hybrid_forward(self, F, inputs, states, i2h_weight, h2h_weight, h2r_weight, i2h_bias,
                       h2h_bias):
        prefix = 't%d_' % self._counter
        nh = 4 * self._hidden_size
        i2h = F.FullyConnected(data=inputs, weight=i2h_weight, bias=i2h_bias, num_hidden=nh,
                               name=prefix + 'i2h')
        h2h = F.FullyConnected(data=states[0], weight=h2h_weight, bias=h2h_bias, num_hidden=nh,
                               name=prefix + 'h2h')
        gates = F.SliceChannel(i2h + h2h, num_outputs=4, name=prefix + 'slice')
        in_gate = F.Activation(gates[0], act_type='sigmoid', name=prefix + 'i')
        forget_gate = F.Activation(gates[1], act_type='sigmoid', name=prefix + 'f')
        in_transform = F.Activation(gates[2], act_type='tanh', name=prefix + 'c')
        out_gate = F.Activation(gates[3], act_type='sigmoid', name=prefix + 'o')
        next_c = F._internal._plus(forget_gate * states[1], in_gate * in_transform,
                                   name=prefix + 'state')
        hidden = F._internal._mul(out_gate, F.Activation(next_c, act_type='tanh'),
                                  name=prefix + 'hidden')
        next_r = F.FullyConnected(data=hidden, num_hidden=self._projection_size,
                                  weight=h2r_weight, no_bias=True, name=prefix + 'out')
        return next_r, [next_r, next_c]


def dynamic_unroll(cell, inputs, begin_state, drop_inputs=0, drop_outputs=0, layout='TNC',
                   valid_length=None):
    """Run ``cell`` over the whole sequence ``inputs`` (one array in ``layout``) with the
    ``foreach`` control-flow operator, so the sequence length need not be known in advance.

    Parameters
    ----------
    cell : RecurrentCell
    inputs : NDArray or Symbol
        The sequence, e.g. ``(T, N, C)`` for 'TNC'.
    begin_state : list
        The cell's initial states.
    drop_inputs, drop_outputs : float, default 0
        Dropout rates of the inputs / outputs (masks shared along the time axis).
    layout : str, default 'TNC'
    valid_length : NDArray or Symbol, optional
        ``(N,)`` sequence lengths: outputs past them are zero and the states stop updating.

    Returns
    -------
    outputs : the outputs, in ``layout``; states : the final states.
    """
    inputs, axis, F, _ = _format_sequence(0, inputs, layout, True)
    if axis != 0:
        axes = list(range(len(layout)))
        axes[0], axes[axis] = axes[axis], axes[0]
        inputs = F.transpose(inputs, axes=axes)
    states = begin_state
    if drop_inputs:
        inputs = F.Dropout(inputs, p=drop_inputs, axes=(axis,))
    if valid_length is None:
        def loop_body(x, states):
            return cell(x, states)
    else:
        states = list(_as_list(states))
        states.append(F.zeros((1,)))

        def loop_body(x, states):
            cell_states, iter_no = states[:-1], states[-1]
            out, new_states = cell(x, cell_states)
            new_states = list(new_states)
            for i, state in enumerate(cell_states):
                new_states[i] = F.where(F.broadcast_greater(valid_length, iter_no),
                                        new_states[i], state)
            new_states.append(iter_no + 1)
            return out, new_states
    foreach = getattr(F.contrib, 'foreach', None)
    if foreach is not None:
        outputs, states = foreach(loop_body, inputs, states)
    elif F is ndarray:
        outs = []
        for t in range(inputs.shape[0]):
            out, states = loop_body(inputs[t], states)
            outs.append(out)
        outputs = ndarray.stack(*outs, axis=0)
    else:
        raise MXNetError('dynamic_unroll on Symbols needs the foreach control-flow operator, '
                         'which remx does not implement yet')
    if axis != 0:
        outputs = F.swapaxes(outputs, dim1=0, dim2=axis)
    if drop_outputs:
        outputs = F.Dropout(outputs, p=drop_outputs, axes=(axis,))
    if valid_length is not None:
        outputs = F.SequenceMask(outputs, sequence_length=valid_length,
                                 use_sequence_length=True, axis=axis)
        return outputs, states[:-1]
    return outputs, states
