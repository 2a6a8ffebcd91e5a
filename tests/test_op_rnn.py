"""The fused RNN operator vs MXNet 1.9.1: every mode (rnn_relu, rnn_tanh, lstm, gru), stacked
and bidirectional, LSTM projection, packed parameter layout, state outputs, attribute strings,
gradients wrt data/parameters/states, finite differences, sequence_length and state clipping
(cuDNN semantics; MXNet's CPU build ignores both), dropout, errors and the shape hook."""
import numpy as np
import pytest
import torch

from mxnet import nd, autograd
from mxnet.base import MXNetError
from mxnet._ops import get as get_op
from mxnet._ops.rnn import param_size
from mxnet.test_utils import check_numeric_gradient


PRELUDE = '''
def psize(G, L, D, C, H, P=None):
    R = P or H; n = 0
    for l in range(L):
        inp = C if l == 0 else R * D
        n += D * (G * H * (inp + R + 2) + (P * H if P else 0))
    return n
'''

FORWARD = PRELUDE + '''
rs = np.random.RandomState(0)
T, N, C, H = 4, 3, 5, 6
X = rs.randn(T, N, C).astype(np.float32)
for mode, G in [('rnn_relu', 1), ('rnn_tanh', 1), ('lstm', 4), ('gru', 3)]:
    for L, bi in [(1, False), (2, True), (3, False)]:
        D = 2 if bi else 1
        P = rs.randn(psize(G, L, D, C, H)).astype(np.float32) * 0.3
        S = [nd.array(rs.randn(L * D, N, H).astype(np.float32))
             for _ in range(2 if mode == 'lstm' else 1)]
        o = nd.RNN(nd.array(X), nd.array(P), *S, state_size=H, num_layers=L, bidirectional=bi,
                   mode=mode, state_outputs=True)
        for i, a in enumerate(o):
            OUT['%s_%d_%s_%d' % (mode, L, bi, i)] = a
        # default: a single output
        OUT['%s_%d_%s_single' % (mode, L, bi)] = nd.RNN(
            nd.array(X), nd.array(P), *S, state_size=H, num_layers=L, bidirectional=bi,
            mode=mode)
# LSTM with projection (LSTMP)
for L, bi, Pj in [(1, False, 2), (2, True, 4)]:
    D = 2 if bi else 1
    P = rs.randn(psize(4, L, D, C, H, Pj)).astype(np.float32) * 0.3
    S = [nd.array(rs.randn(L * D, N, Pj).astype(np.float32)),
         nd.array(rs.randn(L * D, N, H).astype(np.float32))]
    o = nd.RNN(nd.array(X), nd.array(P), *S, state_size=H, num_layers=L, bidirectional=bi,
               mode='lstm', state_outputs=True, projection_size=Pj)
    for i, a in enumerate(o):
        OUT['proj_%d_%s_%d' % (L, bi, i)] = a
# float64, string attribute forms, keyword inputs, p ignored in predict mode
P = rs.randn(psize(3, 2, 2, C, H)).astype(np.float64) * 0.3
S = rs.randn(4, N, H)
o = nd.RNN(nd.array(X, dtype='float64'), nd.array(P, dtype='float64'),
           nd.array(S, dtype='float64'), state_size='6', num_layers='2', bidirectional='True',
           mode='gru', p='0.5', state_outputs='1', projection_size='None',
           lstm_state_clip_min='None', lstm_state_clip_max='None', lstm_state_clip_nan='False',
           use_sequence_length='0')
OUT['f64_0'], OUT['f64_1'] = o
P = rs.randn(psize(4, 1, 1, C, H)).astype(np.float32) * 0.3
OUT['kw'] = nd.RNN(data=nd.array(X), parameters=nd.array(P), state=nd.zeros((1, N, H)),
                   state_cell=nd.ones((1, N, H)), state_size=H, num_layers=1, mode='lstm')
# a single nonzero parameter: the layout seen from the outputs
for mode, G in [('lstm', 4), ('gru', 3), ('rnn_tanh', 1)]:
    n = psize(G, 1, 1, 2, 2)
    for k in range(0, n, 3):
        P = np.zeros(n, np.float32); P[k] = 1.5
        S = [nd.array(np.full((1, 1, 2), 0.5, np.float32))] * (2 if mode == 'lstm' else 1)
        OUT['onehot_%s_%d' % (mode, k)] = nd.RNN(
            nd.array(np.array([[[1., -2.]], [[0.5, 1.]]], np.float32)), nd.array(P), *S,
            state_size=2, num_layers=1, mode=mode, state_outputs=True)[1]
'''


def test_forward(compare):
    compare(FORWARD, rtol=1e-4, atol=1e-5)


GRAD = PRELUDE + '''
rs = np.random.RandomState(0)
T, N, C, H = 4, 3, 5, 6
cases = [('rnn_relu', 1, 2, True, 'float32'), ('rnn_tanh', 1, 1, False, 'float64'),
         ('lstm', 4, 2, True, 'float32'), ('lstm', 4, 1, False, 'float64'),
         ('gru', 3, 2, False, 'float64'), ('gru', 3, 1, True, 'float32')]
for mode, G, L, bi, dt in cases:
    D = 2 if bi else 1
    x = nd.array(rs.randn(T, N, C), dtype=dt)
    p = nd.array(rs.randn(psize(G, L, D, C, H)) * 0.3, dtype=dt)
    S = [nd.array(rs.randn(L * D, N, H), dtype=dt)]
    if mode == 'lstm':
        S.append(nd.array(rs.randn(L * D, N, H), dtype=dt))
    ins = [x, p] + S
    for a in ins:
        a.attach_grad()
    W = nd.array(rs.randn(T, N, D * H), dtype=dt)
    with autograd.record():
        o = nd.RNN(*ins, state_size=H, num_layers=L, bidirectional=bi, mode=mode,
                   state_outputs=True)
        loss = (o[0] * W).sum() + (o[1] * 2).sum()
        if mode == 'lstm':
            loss = loss + (o[2] * 0.5).sum()
    loss.backward()
    tag = '%s_%d_%s_%s' % (mode, L, bi, dt)
    OUT[tag + '_out'] = o[0]
    for i, a in enumerate(ins):
        OUT[tag + '_g%d' % i] = a.grad
# output-only head gradient (state_outputs=False)
x = nd.array(rs.randn(T, N, C)); p = nd.array(rs.randn(psize(4, 1, 1, C, H)) * 0.3)
h = nd.array(rs.randn(1, N, H)); c = nd.array(rs.randn(1, N, H))
for a in (x, p, h, c):
    a.attach_grad()
with autograd.record():
    y = nd.RNN(x, p, h, c, state_size=H, num_layers=1, mode='lstm')
y.backward(nd.array(rs.randn(T, N, H)))
OUT['single_y'] = y
OUT['single_gx'], OUT['single_gp'], OUT['single_gh'], OUT['single_gc'] = (
    x.grad, p.grad, h.grad, c.grad)
'''


def test_gradients(compare):
    compare(GRAD, rtol=1e-4, atol=1e-5)


def _psize(mode, L, D, C, H, P=None):
    return param_size(mode, L, C, H, D == 2, P)


def _args(mode, T, N, C, H, L=1, bi=False, P=None, seed=0, scale=0.4, dtype=np.float32):
    rs = np.random.RandomState(seed)
    D = 2 if bi else 1
    R = P or H
    out = [rs.randn(T, N, C), rs.randn(_psize(mode, L, D, C, H, P)) * scale,
           rs.randn(L * D, N, R)]
    if mode == 'lstm':
        out.append(rs.randn(L * D, N, H))
    return [a.astype(dtype) for a in out]


def test_param_size_and_infer_shape():
    # values from MXNet 1.9.1's sym.RNN(...).infer_shape
    assert _psize('gru', 2, 1, 4, 5) == 345
    assert _psize('lstm', 2, 2, 4, 5, 3) == 860
    assert _psize('lstm', 1, 1, 4, 5, 3) == 4 * 5 * (4 + 3 + 2) + 3 * 5
    op = get_op('RNN')
    a = op.parse_attrs(dict(state_size=5, num_layers=2, mode='gru', use_sequence_length=True))
    assert op.list_inputs(a) == ['data', 'parameters', 'state', 'sequence_length']
    assert op.list_outputs(a) == ['output']
    assert op.infer_shape(a, [(3, 2, 4), None, None, None]) == [(3, 2, 4), (345,), (2, 2, 5),
                                                                (2,)]
    a = op.parse_attrs(dict(state_size=5, num_layers=2, mode='lstm', projection_size=3,
                            bidirectional=True, state_outputs=True))
    assert op.list_inputs(a) == ['data', 'parameters', 'state', 'state_cell']
    assert op.list_outputs(a) == ['output', 'state_output', 'statecell_output']
    assert op.infer_shape(a, [(3, 2, 4), None, None, None]) == [(3, 2, 4), (860,), (4, 2, 3),
                                                                (4, 2, 5)]
    # unknown data: nothing to fill
    assert op.infer_shape(a, [None, None, None, None]) == [None] * 4
    # forward on meta tensors (shape inference for the Symbol layer)
    shp = op.infer_shape(a, [(3, 2, 4), None, None, None])
    res = op.compute(a, [torch.empty(s, device='meta') for s in shp])
    assert [tuple(r.shape) for r in res] == [(3, 2, 6), (4, 2, 3), (4, 2, 5)]
    a = op.parse_attrs(dict(state_size=5, num_layers=1, mode='rnn_tanh', state_outputs=True))
    assert op.list_outputs(a) == ['output', 'state_output']


def test_numeric_gradient():
    for mode, bi in [('rnn_tanh', True), ('lstm', False), ('gru', True)]:
        ins = _args(mode, 3, 2, 3, 2, L=2 if bi else 1, bi=bi)
        L = 2 if bi else 1
        check_numeric_gradient(
            lambda *a, mode=mode, bi=bi, L=L: nd.RNN(*a, state_size=2, num_layers=L,
                                                     bidirectional=bi, mode=mode,
                                                     state_outputs=True),
            ins, dtype=np.float64, rtol=1e-3, atol=1e-5)
    # projection (MXNet's CPU build has no backward for it)
    ins = _args('lstm', 3, 2, 3, 3, L=2, bi=True, P=2)
    check_numeric_gradient(
        lambda *a: nd.RNN(*a, state_size=3, num_layers=2, bidirectional=True, mode='lstm',
                          projection_size=2, state_outputs=True),
        ins, dtype=np.float64, rtol=1e-3, atol=1e-5)


def _run(ins, **kw):
    return nd.RNN(*[nd.array(a, dtype=a.dtype) for a in ins], **kw)


def _np_lstm(x, w, h, c, H, lo=None, hi=None):
    """One-layer unidirectional LSTM in numpy (cell state clipped to [lo, hi])."""
    C = x.shape[2]
    G = 4 * H
    wi = w[:G * C].reshape(G, C)
    wh = w[G * C:G * (C + H)].reshape(G, H)
    bi = w[G * (C + H):G * (C + H + 1)]
    bh = w[G * (C + H + 1):]
    sig = lambda v: 1 / (1 + np.exp(-v))  # noqa: E731
    h, c = h[0], c[0]
    ys = []
    for t in range(x.shape[0]):
        gi, gf, gg, go = np.split(x[t] @ wi.T + bi + h @ wh.T + bh, 4, 1)
        c = sig(gf) * c + sig(gi) * np.tanh(gg)
        if lo is not None:
            c = np.clip(c, lo, hi)
        h = sig(go) * np.tanh(c)
        ys.append(h)
    return np.stack(ys), h[None], c[None]


def test_sequence_length():
    T, N, C, H = 5, 4, 3, 4
    lens = np.array([3, 5, 1, 4])
    for mode, L, bi, clip in [('lstm', 2, True, None), ('gru', 1, True, None),
                              ('rnn_relu', 2, False, None), ('lstm', 2, True, (-0.3, 0.4))]:
        D = 2 if bi else 1
        ins = _args(mode, T, N, C, H, L=L, bi=bi, seed=3, scale=0.6, dtype=np.float64)
        kw = dict(state_size=H, num_layers=L, bidirectional=bi, mode=mode, state_outputs=True)
        if clip:
            kw.update(lstm_state_clip_min=clip[0], lstm_state_clip_max=clip[1])
        for ldt in ('float32', 'int32'):
            o = nd.RNN(*[nd.array(a, dtype=a.dtype) for a in ins], nd.array(lens, dtype=ldt),
                       use_sequence_length=True, **kw)
            o = [a.asnumpy() for a in o]
            for b in range(N):
                n = lens[b]
                sub = [ins[0][:n, b:b + 1], ins[1]] + [s[:, b:b + 1] for s in ins[2:]]
                r = [a.asnumpy() for a in _run(sub, **kw)]
                np.testing.assert_allclose(o[0][:n, b], r[0][:, 0], rtol=1e-10, atol=1e-12)
                assert (o[0][n:, b] == 0).all()
                for k in range(1, len(o)):
                    np.testing.assert_allclose(o[k][:, b], r[k][:, 0], rtol=1e-10, atol=1e-12)
    # keyword form and gradients flow through the packed path
    ins = _args('gru', T, N, C, H, seed=4, dtype=np.float64)
    check_numeric_gradient(
        lambda x, p, s: nd.RNN(x, p, s, sequence_length=nd.array(lens), state_size=H,
                               num_layers=1, mode='gru', bidirectional=False,
                               use_sequence_length=True, state_outputs=True),
        ins, dtype=np.float64, rtol=1e-3, atol=1e-5)


def test_state_clip():
    T, N, C, H = 4, 3, 5, 6
    ins = _args('lstm', T, N, C, H, seed=5, scale=1.5, dtype=np.float64)
    ins[3] = ins[3] * 3
    o = _run(ins, state_size=H, num_layers=1, mode='lstm', state_outputs=True,
             lstm_state_clip_min=-0.5, lstm_state_clip_max='0.7')
    ref = _np_lstm(ins[0], ins[1], ins[2], ins[3], H, -0.5, 0.7)
    for a, r in zip(o, ref):
        np.testing.assert_allclose(a.asnumpy(), r, rtol=1e-10, atol=1e-12)
    plain = _run(ins, state_size=H, num_layers=1, mode='lstm')
    assert not np.allclose(plain.asnumpy(), o[0].asnumpy())
    # a wide range changes nothing; the fused path equals the step-by-step one
    o2 = _run(ins, state_size=H, num_layers=1, mode='lstm', lstm_state_clip_min=-1e9,
              lstm_state_clip_max=1e9)
    np.testing.assert_allclose(o2.asnumpy(), plain.asnumpy(), rtol=1e-10, atol=1e-12)
    # NaN handling: propagated unless lstm_state_clip_nan
    bad = [a.copy() for a in ins]
    bad[3][0, 0, 0] = np.nan
    kw = dict(state_size=H, num_layers=1, mode='lstm', lstm_state_clip_min=-0.5,
              lstm_state_clip_max=0.7, state_outputs=True)
    assert np.isnan(_run(bad, **kw)[2].asnumpy()).any()
    assert not np.isnan(_run(bad, lstm_state_clip_nan=True, **kw)[2].asnumpy()).any()
    # projection, two layers, bidirectional with clipping: gradients by finite differences
    ins = _args('lstm', 3, 2, 3, 3, L=2, bi=True, P=2, seed=6, scale=1.0)
    check_numeric_gradient(
        lambda *a: nd.RNN(*a, state_size=3, num_layers=2, bidirectional=True, mode='lstm',
                          projection_size=2, state_outputs=True, lstm_state_clip_min=-0.3,
                          lstm_state_clip_max=0.3),
        ins, dtype=np.float64, rtol=1e-3, atol=1e-5)


def test_dropout():
    ins = _args('lstm', 6, 4, 5, 8, L=3, seed=7)
    kw = dict(state_size=8, num_layers=3, mode='lstm')
    base = _run(ins, **kw).asnumpy()
    # predict mode: p has no effect
    np.testing.assert_allclose(_run(ins, p=0.5, **kw).asnumpy(), base, rtol=1e-6)
    with autograd.record(train_mode=False):
        np.testing.assert_allclose(_run(ins, p=0.5, **kw).asnumpy(), base, rtol=1e-6)
    with autograd.train_mode():
        assert not np.allclose(_run(ins, p=0.5, **kw).asnumpy(), base)
        # no dropout after the last layer: one layer is unaffected
        one = _args('gru', 6, 4, 5, 8, seed=8)
        np.testing.assert_allclose(_run(one, p=0.9, state_size=8, num_layers=1,
                                        mode='gru').asnumpy(),
                                   _run(one, state_size=8, num_layers=1, mode='gru').asnumpy(),
                                   rtol=1e-6)
    x, p, h, c = [nd.array(a) for a in ins]
    p.attach_grad()
    with autograd.record():
        y = nd.RNN(x, p, h, c, p=0.3, **kw)
    y.backward()
    assert np.isfinite(p.grad.asnumpy()).all()


def test_errors():
    x, p, h, c = [nd.array(a) for a in _args('lstm', 3, 2, 4, 5)]
    kw = dict(state_size=5, num_layers=1, mode='lstm')
    bad_calls = [
        lambda: nd.RNN(x, p, h, **kw),                                   # no state_cell
        lambda: nd.RNN(x, p[:-1], h, c, **kw),                           # parameter count
        lambda: nd.RNN(x, p, h[:, :1], c, **kw),                         # state batch
        lambda: nd.RNN(x, p, h, c[:, :, :4], **kw),                      # cell width
        lambda: nd.RNN(x[0], p, h, c, **kw),                             # 2-D data
        lambda: nd.RNN(x, p, h, c, state_size=5, num_layers=1, mode='lstmx'),
        lambda: nd.RNN(x, p, h, c, state_size=5, mode='lstm'),           # num_layers required
        lambda: nd.RNN(x, p, h, c, state_size=5, num_layers=2, mode='lstm'),
        lambda: nd.RNN(x, p, h, c, state_size=5, num_layers=1, mode='lstm', bidirectional=True),
        lambda: nd.RNN(x, p, h, c, state_size=0, num_layers=1, mode='lstm'),
        lambda: nd.RNN(x.astype('float64'), p, h, c, **kw),              # mixed dtypes
        lambda: nd.RNN(x, p, h, c, lstm_state_clip_min=-1, **kw),        # min without max
        lambda: nd.RNN(x, p, h, c, lstm_state_clip_min=1, lstm_state_clip_max=0, **kw),
        lambda: nd.RNN(x, p, h, c, projection_size=6, **kw),            # projection >= state
        lambda: nd.RNN(x, p, h, state_size=5, num_layers=1, mode='gru', projection_size=2),
        lambda: nd.RNN(x, p, h, c, nd.array([1, 2]), use_sequence_length=False, **kw),
        lambda: nd.RNN(x, p, h, c, use_sequence_length=True, **kw),      # no lengths
        lambda: nd.RNN(x, p, h, c, nd.array([0, 2]), use_sequence_length=True, **kw),
        lambda: nd.RNN(x, p, h, c, nd.array([1, 4]), use_sequence_length=True, **kw),
        lambda: nd.RNN(x, p, h, c, nd.array([1, 2, 3]), use_sequence_length=True, **kw),
        lambda: nd.RNN(x, p, h, c, p=1.5, **kw),
        lambda: nd.RNN(x, p, h, c, foo=1, **kw),
        lambda: nd.RNN(x.astype('int32'), p.astype('int32'), h.astype('int32'),
                       c.astype('int32'), **kw),                          # integer data
    ]
    for i, f in enumerate(bad_calls):
        with pytest.raises(MXNetError):
            f()
            pytest.fail('call %d did not raise' % i)
    # a good call still works and errors name the operator and shapes
    assert nd.RNN(x, p, h, c, **kw).shape == (3, 2, 5)
    with pytest.raises(MXNetError, match=r'RNN.*\(1,1,5\)'):
        nd.RNN(x, p, h, c[:, :1], **kw)


def test_mxnet_errors(reference):
    """MXNet raises for the same shape mistakes (and refuses a half-given clip range)."""
    out = reference(PRELUDE + '''
x = nd.ones((3, 2, 4)); h = nd.zeros((1, 2, 5)); c = nd.zeros((1, 2, 5))
p = nd.ones((psize(4, 1, 1, 4, 5),)) * 0.1
kw = dict(state_size=5, num_layers=1, mode='lstm')
calls = {'count': lambda: nd.RNN(x, p[:-1], h, c, **kw),
         'state': lambda: nd.RNN(x, p, h[:, :1], c, **kw),
         'layers': lambda: nd.RNN(x, p, h, c, state_size=5, num_layers=2, mode='lstm'),
         'dtype': lambda: nd.RNN(x.astype('float64'), p, h, c, **kw),
         'mode': lambda: nd.RNN(x, p, h, c, state_size=5, num_layers=1, mode='lstmx')}
for k, f in calls.items():
    try:
        f().asnumpy(); OUT[k] = 'ok'
    except mx.base.MXNetError:
        OUT[k] = 'error'
''')
    assert all(v == 'error' for v in out.values()), out


def test_float16_and_float64():
    """float16 runs (MXNet's CPU build lacks it; its GPU build has it) and keeps the dtype."""
    ins = _args('lstm', 3, 2, 4, 5, L=2, bi=True, dtype=np.float64)
    kw = dict(state_size=5, num_layers=2, bidirectional=True, mode='lstm', state_outputs=True)
    ref = [a.asnumpy() for a in _run(ins, **kw)]
    half = _run([a.astype(np.float16) for a in ins], **kw)
    for a, r in zip(half, ref):
        assert a.dtype == np.float16
        np.testing.assert_allclose(a.asnumpy().astype(np.float64), r, rtol=2e-2, atol=2e-2)
