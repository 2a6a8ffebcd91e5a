"""The fused recurrent operator ``RNN`` (vanilla ReLU/tanh RNN, LSTM with optional projection,
GRU; stacked and bidirectional), on top of torch's fused RNN kernels.

MXNet's packed parameter vector: first every weight matrix, layer by layer and, within a layer,
direction by direction (forward, then backward): ``i2h`` weight ``(G*H, in)``, ``h2h`` weight
``(G*H, R)`` and, for a projected LSTM, ``h2r`` weight ``(P, H)``; then every bias in the same
layer/direction order: ``i2h`` bias ``(G*H,)`` then ``h2h`` bias ``(G*H,)``. ``G`` is 1 (rnn),
4 (lstm: gates i, f, g, o) or 3 (gru: gates r, z, n), ``H`` the state size, ``P`` the projection
size, ``R = P or H`` the recurrent state width and ``in`` is the data's feature size for layer 0
and ``R * directions`` above. Those orders are torch's (and cuDNN's) own, so the slices are
handed to torch unchanged; GRU's candidate gate applies ``r`` to ``W_hn h + b_hn`` as cuDNN does.

MXNet 1.9.1 notes: its CPU build (oneDNN kernel) silently ignores ``use_sequence_length``,
``lstm_state_clip_min/max/nan`` and the dropout ``p``; its native CPU kernel refuses the first two
and does apply dropout. Here all three have their documented (cuDNN, GPU) meaning:

* ``sequence_length``: steps past a sequence's length leave its state alone and give zero
  outputs; the backward direction starts at each sequence's last valid step.
* state clipping: the LSTM cell state ``c_t`` is clamped to ``[min, max]`` at every step before
  ``h_t = o * tanh(c_t)``; with ``lstm_state_clip_nan`` a NaN cell state becomes ``min``
  (otherwise NaN propagates). This runs a step-by-step loop instead of torch's fused kernel.
* ``p``: dropout (torch's generator) on every layer's output but the last, in training mode.

MXNet's CPU build has no backward for a projected LSTM; here it is differentiable.
"""
import warnings

import torch
import torch.nn.functional as F
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence, PackedSequence

from .registry import register, Param, OpError, dtype_name
from .params import Int, Bool, Float, OptInt, OptFloat, Str
from .. import _state

__all__ = []

_STATE = _state.state
# torch's notes that it falls back to its generic kernel (projection on oneDNN) or copies the
# packed weights into cuDNN's own layout say nothing a user of this operator can act on
warnings.filterwarnings('ignore', message='LSTM with projections is not supported with oneDNN')
warnings.filterwarnings('ignore', message='RNN module weights are not part of single contiguous')
_GATES = {'rnn_relu': 1, 'rnn_tanh': 1, 'lstm': 4, 'gru': 3}
_VF = torch._VF
_KERNELS = {'lstm': _VF.lstm, 'gru': _VF.gru, 'rnn_tanh': _VF.rnn_tanh, 'rnn_relu': _VF.rnn_relu}
_FLOATS = (torch.float16, torch.bfloat16, torch.float32, torch.float64)

# (attrs, input size) -> _Layout
_LAYOUTS = {}


class _Layout:
    """Where each weight and bias lives in MXNet's packed parameter vector."""
    __slots__ = ('total', 'sizes', 'shapes', 'order', 'first_in')

    def __init__(self, mode, L, D, C, H, P):
        G = _GATES[mode]
        R = P or H
        sizes, shapes = [], []
        wpos, bpos = [], []
        for l in range(L):
            inp = C if l == 0 else R * D
            for d in range(D):
                ent = [len(shapes)]
                shapes.append((G * H, inp))
                shapes.append((G * H, R))
                if P:
                    shapes.append((P, H))
                wpos.append(ent)
        for l in range(L):
            for d in range(D):
                bpos.append(len(shapes))
                shapes.append((G * H,))
                shapes.append((G * H,))
        order = []   # torch's order: per layer/direction w_ih, w_hh, b_ih, b_hh[, w_hr]
        for (w0,), b0 in zip(wpos, bpos):
            order += [w0, w0 + 1, b0, b0 + 1]
            if P:
                order.append(w0 + 2)
        for s in shapes:
            n = 1
            for k in s:
                n *= k
            sizes.append(n)
        self.sizes = sizes
        self.shapes = shapes
        self.order = order
        self.total = sum(sizes)
        self.first_in = C


def _layout(a, C):
    """The layout for attrs ``a`` and input size C (attributes are checked on first use)."""
    key = (a, C)
    lay = _LAYOUTS.get(key)
    if lay is None:
        _check_attrs(a)
        if len(_LAYOUTS) > 1024:
            _LAYOUTS.clear()
        lay = _LAYOUTS[key] = _Layout(a.mode, a.num_layers, 2 if a.bidirectional else 1, C,
                                      a.state_size, a.projection_size)
    return lay


# id(parameters) -> (parameters, layout, views): the views of a vector that does not require
# grad are reused between calls (they share its storage, so in-place updates show through)
_VIEWS = {}


def _weights(lay, flat):
    """torch-ordered list of views into the packed vector (gradients flow back to it)."""
    if not flat.requires_grad:
        hit = _VIEWS.get(id(flat))
        if hit is not None and hit[0] is flat and hit[1] is lay:
            return hit[2]
    parts = torch.split_with_sizes(flat, lay.sizes)
    shapes = lay.shapes
    ws = [parts[i].reshape(shapes[i]) for i in lay.order]
    if not flat.requires_grad:
        if len(_VIEWS) >= 16:
            _VIEWS.clear()
        _VIEWS[id(flat)] = (flat, lay, ws)
    return ws


def param_size(mode, num_layers, input_size, state_size, bidirectional=False,
               projection_size=None):
    """Length of MXNet's packed parameter vector for these settings."""
    return _Layout(mode, num_layers, 2 if bidirectional else 1, input_size, state_size,
                   projection_size).total


def _shape_str(s):
    return '(' + ','.join(str(int(k)) for k in s) + ')'


def _check_attrs(a):
    if a.state_size <= 0:
        raise OpError('Error in operator RNN: state_size must be positive, got %d' % a.state_size)
    if a.num_layers <= 0:
        raise OpError('Error in operator RNN: num_layers must be positive, got %d' % a.num_layers)
    if not 0.0 <= a.p <= 1.0:
        raise OpError('Error in operator RNN: p (dropout rate) must be in [0, 1], got %s' % a.p)
    if a.projection_size is not None:
        if a.mode != 'lstm':
            raise OpError('Error in operator RNN: projection_size is only supported for '
                          "mode='lstm', got mode='%s'" % a.mode)
        if not 0 < a.projection_size < a.state_size:
            raise OpError('Error in operator RNN: projection_size (%d) must be positive and '
                          'smaller than state_size (%d)' % (a.projection_size, a.state_size))
    lo, hi = a.lstm_state_clip_min, a.lstm_state_clip_max
    if (lo is None) != (hi is None):
        raise OpError('Error in operator RNN: lstm_state_clip_min and lstm_state_clip_max must '
                      'be given together')
    if lo is not None and lo > hi:
        raise OpError('Error in operator RNN: lstm_state_clip_min (%s) must not exceed '
                      'lstm_state_clip_max (%s)' % (lo, hi))


def _split_inputs(a, rest):
    """(state_cell, sequence_length) from the inputs after data, parameters, state."""
    lstm = a.mode == 'lstm'
    want = int(lstm) + int(a.use_sequence_length)
    got = [t for t in rest if t is not None]
    if len(got) != want:
        names = ['data', 'parameters', 'state'] + (['state_cell'] if lstm else []) + \
            (['sequence_length'] if a.use_sequence_length else [])
        raise OpError('Error in operator RNN: expected %d inputs (%s) for mode=%s, '
                      'use_sequence_length=%s, got %d' % (len(names), ', '.join(names), a.mode,
                                                          a.use_sequence_length, 3 + len(got)))
    if lstm:
        if rest[0] is None:
            raise OpError('Error in operator RNN: state_cell is required for mode=lstm')
        return got[0], (got[1] if want == 2 else None)
    return None, (got[0] if want == 1 else None)


def _lengths(seq, T, N):
    if tuple(seq.shape) != (N,):
        raise OpError('Error in operator RNN: sequence_length must have shape (%d,) (the batch '
                      'size), got %s' % (N, _shape_str(seq.shape)))
    lens = seq.detach().to('cpu', torch.int64)
    if N and (int(lens.min()) < 1 or int(lens.max()) > T):
        raise OpError('Error in operator RNN: sequence_length values must be in [1, %d] (the '
                      'sequence length), got %s' % (T, lens.tolist()))
    return lens


def _clip_lstm(x, h0, c0, ws, a, D, train, mask):
    """Step-by-step LSTM with cell-state clipping (and projection, masks, dropout)."""
    L = a.num_layers
    lo, hi = a.lstm_state_clip_min, a.lstm_state_clip_max
    clip_nan = a.lstm_state_clip_nan
    proj = a.projection_size is not None
    per = 5 if proj else 4
    T = x.shape[0]
    inp = x
    hs, cs = [], []
    for l in range(L):
        outs = []
        for d in range(D):
            k = l * D + d
            w_ih, w_hh, b_ih, b_hh = ws[k * per:k * per + 4]
            w_hr = ws[k * per + 4] if proj else None
            h, c = h0[k], c0[k]
            xi = torch.matmul(inp, w_ih.t()) + b_ih
            whh = w_hh.t()
            ys = [None] * T
            for t in (range(T) if d == 0 else range(T - 1, -1, -1)):
                gi, gf, gg, go = torch.addmm(b_hh, h, whh).add_(xi[t]).chunk(4, 1)
                cn = torch.sigmoid(gf) * c + torch.sigmoid(gi) * torch.tanh(gg)
                if clip_nan:
                    cn = torch.where(torch.isnan(cn), torch.full_like(cn, lo), cn)
                cn = cn.clamp(lo, hi)
                hn = torch.sigmoid(go) * torch.tanh(cn)
                if proj:
                    hn = torch.matmul(hn, w_hr.t())
                if mask is None:
                    h, c = hn, cn
                    ys[t] = hn
                else:
                    m = mask[t]
                    h = torch.where(m, hn, h)
                    c = torch.where(m, cn, c)
                    ys[t] = hn * m
            outs.append(torch.stack(ys))
            hs.append(h)
            cs.append(c)
        inp = outs[0] if D == 1 else torch.cat(outs, 2)
        if train and l < L - 1:
            inp = F.dropout(inp, a.p, True)
    return inp, torch.stack(hs), torch.stack(cs)


def _infer_shape(a, shapes):
    shapes = list(shapes)
    d = shapes[0] if shapes else None
    if d is None or len(d) != 3 or not all(k and k > 0 for k in d):
        return shapes
    T, N, C = d
    D = 2 if a.bidirectional else 1
    LD = a.num_layers * D
    R = a.projection_size or a.state_size
    fill = [tuple(d), (_layout(a, C).total,), (LD, N, R)]
    if a.mode == 'lstm':
        fill.append((LD, N, a.state_size))
    if a.use_sequence_length:
        fill.append((N,))
    for i, s in enumerate(fill[:len(shapes)]):
        if shapes[i] is None:
            shapes[i] = s
    return shapes


def _inputs_fn(a):
    names = ('data', 'parameters', 'state')
    if a.mode == 'lstm':
        names += ('state_cell',)
    if a.use_sequence_length:
        names += ('sequence_length',)
    return names


def _num_outputs(a):
    if not a.state_outputs:
        return 1
    return 3 if a.mode == 'lstm' else 2


def _output_names(a):
    return ['output', 'state_output', 'statecell_output'][:_num_outputs(a)]


@register('RNN', inputs=('data', 'parameters', 'state', 'state_cell', 'sequence_length'),
          inputs_fn=_inputs_fn, num_outputs=_num_outputs, output_names=_output_names,
          infer_shape=_infer_shape, no_cse=True,
          state_size=Param(Int, doc='size of the state for each layer'),
          num_layers=Param(Int, doc='number of stacked layers'),
          bidirectional=Param(Bool, False, 'whether to use bidirectional recurrent layers'),
          mode=Param(Str, doc='the type of RNN to compute',
                     choices=('gru', 'lstm', 'rnn_relu', 'rnn_tanh')),
          p=Param(Float, 0.0, 'drop rate of the dropout on the outputs of each RNN layer, except '
                  'the last layer.'),
          state_outputs=Param(Bool, False, 'Whether to have the states as symbol outputs.'),
          projection_size=Param(OptInt, None, 'size of project size'),
          lstm_state_clip_min=Param(OptFloat, None, 'Minimum clip value of LSTM states. This '
                                    'option must be used together with lstm_state_clip_max.'),
          lstm_state_clip_max=Param(OptFloat, None, 'Maximum clip value of LSTM states. This '
                                    'option must be used together with lstm_state_clip_min.'),
          lstm_state_clip_nan=Param(Bool, False, 'Whether to stop NaN from propagating in state '
                                    'by clipping it to min/max. If clipping range is not '
                                    'specified, this option is ignored.'),
          use_sequence_length=Param(Bool, False, 'If set to true, this layer takes in an extra '
                                    'input parameter `sequence_length` to specify variable '
                                    'length sequence'))
def RNN(a, data, parameters, state, *rest):
    """Applies a multi-layer (optionally bidirectional) recurrent network to a sequence.

    ``data`` has layout TNC: ``(sequence_length, batch_size, input_size)``. ``parameters`` is
    one flat vector holding every weight and bias in MXNet's packed order: first the weights of
    each layer and direction (``i2h`` ``(G*H, in)``, ``h2h`` ``(G*H, H)``), then the biases in the
    same order (``i2h`` ``(G*H,)``, ``h2h`` ``(G*H,)``), with G = 1, 4, 3 for rnn, lstm, gru.
    ``state`` (and ``state_cell`` for LSTM) has shape ``(num_layers * directions, batch_size,
    state_size)``.

    Modes:

    - ``rnn_relu`` / ``rnn_tanh``: ``h_t = act(W_i x_t + b_i + W_h h_{t-1} + b_h)``
    - ``lstm``: gates ``i, f, g, o`` (sigmoid, sigmoid, tanh, sigmoid) of
      ``W_i x_t + b_i + W_h h_{t-1} + b_h``; ``c_t = f * c_{t-1} + i * g``,
      ``h_t = o * tanh(c_t)``. With ``projection_size`` P (LSTMP) the recurrent state is
      ``r_t = W_r h_t`` of width P, and an extra ``h2r`` weight ``(P, H)`` follows each ``h2h``
      weight in the packed vector. ``lstm_state_clip_min/max`` clip ``c_t`` at every step.
    - ``gru``: gates ``r, z`` (sigmoid) and ``n = tanh(W_in x_t + b_in + r * (W_hn h_{t-1} +
      b_hn))``; ``h_t = (1 - z) * n + z * h_{t-1}``.

    ``p`` applies dropout (training mode only) to the outputs of every layer but the last.
    With ``use_sequence_length`` an extra input ``sequence_length`` (shape ``(batch_size,)``)
    gives each sequence's valid length; later steps give zero outputs and leave the state alone.

    Outputs: ``out`` ``(T, N, directions * R)`` and, when ``state_outputs`` is true, the final
    hidden state ``(num_layers * directions, N, R)`` and (LSTM) the final cell state
    ``(num_layers * directions, N, state_size)``; ``R`` is projection_size or state_size.

    Example::

        x = mx.nd.ones((5, 2, 3))                  # T=5, N=2, C=3
        n = 4 * 4 * (3 + 4 + 2)                    # one LSTM layer, state_size 4
        out = mx.nd.RNN(x, mx.nd.ones((n,)) * 0.1, mx.nd.zeros((1, 2, 4)),
                        mx.nd.zeros((1, 2, 4)), state_size=4, num_layers=1, mode='lstm')
        out.shape  # (5, 2, 4)
    """
    state_cell, seq = _split_inputs(a, rest)
    if data.dim() != 3:
        raise OpError('Error in operator RNN: data must be 3-D (seq_length, batch_size, '
                      'input_size) (layout TNC), got shape %s' % _shape_str(data.shape))
    T, N, C = data.shape
    dt = data.dtype
    if dt not in _FLOATS:
        raise OpError('Error in operator RNN: data must be floating point, got %s'
                      % dtype_name(dt))
    lstm = a.mode == 'lstm'
    lay = _layout(a, C)
    D = 2 if a.bidirectional else 1
    L = a.num_layers
    H = a.state_size
    R = a.projection_size or H
    for nm, t, want in (('parameters', parameters, (lay.total,)), ('state', state, (L * D, N, R)),
                        ('state_cell', state_cell, (L * D, N, H))):
        if t is None:
            continue
        if tuple(t.shape) != want:
            raise OpError('Error in operator RNN: Shape inconsistent, Provided = %s, inferred '
                          'shape=%s for %s (data shape %s, state_size=%d, num_layers=%d, '
                          'bidirectional=%s, mode=%s)' % (_shape_str(t.shape), _shape_str(want),
                                                          nm, _shape_str(data.shape), H, L,
                                                          a.bidirectional, a.mode))
        if t.dtype != dt:
            raise OpError("Error in operator RNN: This layer requires uniform type. Expected '%s' "
                          "v.s. given '%s' at '%s'" % (dtype_name(dt),
                                                       dtype_name(t.dtype), nm))
    ws = _weights(lay, parameters)
    train = _STATE.training and a.p > 0
    bi = D == 2
    meta = data.is_meta
    lens = None if (seq is None or meta) else _lengths(seq, T, N)
    if seq is not None and meta and tuple(seq.shape) != (N,):
        raise OpError('Error in operator RNN: sequence_length must have shape (%d,), got %s'
                      % (N, _shape_str(seq.shape)))

    if lstm and a.lstm_state_clip_min is not None:
        mask = None
        if lens is not None:
            mask = (torch.arange(T).unsqueeze(1) < lens.unsqueeze(0)).unsqueeze(2)
            mask = mask.to(data.device)
        out, hy, cy = _clip_lstm(data, state, state_cell, ws, a, D, train, mask)
    else:
        kern = _KERNELS[a.mode]
        hx = (state, state_cell) if lstm else state
        if lens is None:
            res = kern(data, hx, ws, True, L, a.p, train, bi, False)
        else:
            packed = pack_padded_sequence(data, lens, enforce_sorted=False)
            si, ui = packed.sorted_indices, packed.unsorted_indices
            if lstm:
                hx = (state.index_select(1, si), state_cell.index_select(1, si))
            else:
                hx = state.index_select(1, si)
            res = kern(packed.data, packed.batch_sizes, hx, ws, True, L, a.p, train, bi)
            out = pad_packed_sequence(PackedSequence(res[0], packed.batch_sizes, si, ui),
                                      total_length=T)[0]
            res = (out,) + tuple(r.index_select(1, ui) for r in res[1:])
        out, hy = res[0], res[1]
        cy = res[2] if lstm else None
    if not a.state_outputs:
        return out
    return (out, hy, cy) if lstm else (out, hy)
