"""gluon.rnn: fused RNN/LSTM/GRU layers and the recurrent cells, against MXNet 1.9.1."""
import os

import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd
from mxnet.base import MXNetError
from mxnet.gluon import rnn

# deterministic parameters: every Parameter (sorted by name) from one RandomState
_SETUP = '''
from mxnet.gluon import rnn
def set_params(net, seed=0):
    rs = np.random.RandomState(seed)
    for name, p in sorted(net.collect_params().items()):
        p.set_data(mx.nd.array(rs.uniform(-0.5, 0.5, p.shape)))
def run(key, net, x, states=None, **kw):
    x = x.copy()
    x.attach_grad()
    with autograd.record():
        res = net(x) if states is None else net(x, states, **kw)
        if isinstance(res, tuple):
            out, st = res
            loss = (out * out).sum() + sum([(s * 1.5).sum() for s in st])
            for i, s in enumerate(st):
                OUT['%s_state%d' % (key, i)] = s
        else:
            out = res
            loss = (out * out).sum()
    loss.backward()
    OUT[key + '_out'] = out
    OUT[key + '_xgrad'] = x.grad
    for name, p in sorted(net.collect_params().items()):
        OUT['%s_g_%s' % (key, name[len(net.prefix):])] = p.grad()
'''

_LAYERS = _SETUP + '''
rs = np.random.RandomState(1)
x_tnc = mx.nd.array(rs.uniform(-1, 1, (5, 3, 4)))
x_ntc = mx.nd.array(rs.uniform(-1, 1, (3, 5, 4)))
cases = [
    ('rnn_relu', lambda: rnn.RNN(6, prefix='a_')),
    ('rnn_tanh_bi2', lambda: rnn.RNN(6, 2, activation='tanh', bidirectional=True, prefix='b_')),
    ('lstm', lambda: rnn.LSTM(6, input_size=4, prefix='c_')),
    ('lstm_bi2_ntc', lambda: rnn.LSTM(5, 2, layout='NTC', bidirectional=True, prefix='d_')),
    ('gru_2', lambda: rnn.GRU(6, 2, prefix='e_')),
    ('gru_bi_ntc', lambda: rnn.GRU(5, layout='NTC', bidirectional=True, prefix='f_')),
]
for key, make in cases:
    net = make()
    OUT[key + '_repr0'] = repr(net)
    net.initialize()
    x = x_ntc if net._layout == 'NTC' else x_tnc
    net(x)   # finishes deferred initialization
    set_params(net)
    OUT[key + '_repr'] = repr(net)
    OUT[key + '_names'] = list(net.collect_params().keys())
    OUT[key + '_shapes'] = [list(p.shape) for p in net.collect_params().values()]
    OUT[key + '_saved'] = sorted(net._collect_params_with_prefix().keys())
    OUT[key + '_info'] = [dict(d, dtype=str(d['dtype'])) for d in net.state_info(3)]
    run(key + '_nostate', net, x)
    rs2 = np.random.RandomState(2)
    states = [mx.nd.array(rs2.uniform(-1, 1, d['shape'])) for d in net.state_info(3)]
    run(key + '_state', net, x, states)
    bs = net.begin_state(3, func=mx.nd.ones)
    OUT[key + '_begin'] = [list(b.shape) for b in bs]
    if len(states) == 1:
        res = net(x, states[0])      # a single array is accepted as the state
        OUT[key + '_single'] = res[0]
# projected LSTM (forward only: MXNet's CPU build has no backward for it)
net = rnn.LSTM(6, 2, projection_size=3, bidirectional=True, input_size=4, prefix='p_')
net.initialize()
set_params(net)
OUT['proj_names'] = list(net.collect_params().keys())
OUT['proj_shapes'] = [list(p.shape) for p in net.collect_params().values()]
OUT['proj_saved'] = sorted(net._collect_params_with_prefix().keys())
out, st = net(x_tnc, net.begin_state(3))
OUT['proj_out'] = out
OUT['proj_h'] = st[0]
OUT['proj_c'] = st[1]
# float64 layer
net = rnn.GRU(4, input_size=4, dtype='float64', prefix='g_')
net.initialize()
OUT['f64_param_dtype'] = str(net.l0_i2h_weight.data().dtype)
OUT['f64_out_dtype'] = str(net(x_tnc.astype('float64')).dtype)
OUT['f64_begin_dtype'] = str(net.begin_state(2)[0].dtype)
# default prefixes
with mx.name.Prefix(''):
    pass
OUT['default_prefix'] = [rnn.LSTM(3).prefix[:4], rnn.GRU(3).prefix[:3], rnn.RNN(3).prefix[:3]]
'''


def test_layers_vs_reference(compare):
    compare(_LAYERS, rtol=1e-4, atol=1e-5)


_CELLS = _SETUP + '''
rs = np.random.RandomState(3)
x_ntc = mx.nd.array(rs.uniform(-1, 1, (2, 4, 3)))
x_tnc = mx.nd.array(rs.uniform(-1, 1, (4, 2, 3)))
vl = mx.nd.array([4, 2])

def unroll_case(key, make, x, layout, merge, valid_length=None, states=None):
    cell = make()
    cell.initialize()
    cell.unroll(4, x, layout=layout, merge_outputs=merge)   # shapes
    set_params(cell)
    OUT[key + '_repr'] = repr(cell)
    OUT[key + '_names'] = list(cell.collect_params().keys())
    OUT[key + '_info'] = [sorted(d.items()) for d in cell.state_info(2)]
    xx = x.copy()
    xx.attach_grad()
    with autograd.record(train_mode=False):   # dropout / zoneout are identities here
        outs, st = cell.unroll(4, xx, begin_state=states, layout=layout, merge_outputs=merge,
                               valid_length=valid_length)
        if isinstance(outs, list):
            OUT[key + '_nout'] = len(outs)
            outs = mx.nd.stack(*outs, axis=layout.find('T'))
        loss = (outs * outs).sum() + sum([(s * 0.5).sum() for s in st])
    loss.backward()
    OUT[key + '_out'] = outs
    for i, s in enumerate(st):
        OUT['%s_st%d' % (key, i)] = s
    OUT[key + '_xgrad'] = xx.grad
    for name, p in sorted(cell.collect_params().items()):
        OUT['%s_g_%s' % (key, name)] = p.grad()

def seq(cls, *cells):
    s = cls(prefix='s_')
    with s.name_scope():
        for c in cells:
            s.add(c())
    return s

cases = [
    ('rnn_tanh', lambda: rnn.RNNCell(5, prefix='r_'), x_ntc, 'NTC', True, None),
    ('rnn_relu', lambda: rnn.RNNCell(5, activation='relu', prefix='r_'), x_tnc, 'TNC', False,
     None),
    ('rnn_softsign', lambda: rnn.RNNCell(5, activation='softsign', prefix='r_'), x_ntc, 'NTC',
     True, None),
    ('lstm', lambda: rnn.LSTMCell(5, prefix='l_'), x_ntc, 'NTC', True, None),
    ('lstm_tnc_vl', lambda: rnn.LSTMCell(5, prefix='l_'), x_tnc, 'TNC', True, vl),
    ('gru', lambda: rnn.GRUCell(5, prefix='g_'), x_tnc, 'TNC', None, None),
    ('gru_vl', lambda: rnn.GRUCell(5, prefix='g_'), x_ntc, 'NTC', False, vl),
    ('seq', lambda: seq(rnn.SequentialRNNCell, lambda: rnn.LSTMCell(4),
                        lambda: rnn.DropoutCell(0.3), lambda: rnn.GRUCell(3)),
     x_ntc, 'NTC', True, None),
    ('hseq', lambda: seq(rnn.HybridSequentialRNNCell, lambda: rnn.GRUCell(4),
                         lambda: rnn.RNNCell(3)), x_tnc, 'TNC', False, None),
    ('bi', lambda: rnn.BidirectionalCell(rnn.LSTMCell(4, prefix='bl_'),
                                          rnn.GRUCell(3, prefix='br_')), x_ntc, 'NTC', True,
     None),
    ('bi_vl', lambda: rnn.BidirectionalCell(rnn.GRUCell(4, prefix='bl_'),
                                             rnn.RNNCell(3, prefix='br_')), x_tnc, 'TNC',
     False, vl),
    ('res', lambda: rnn.ResidualCell(rnn.GRUCell(3, prefix='rg_')), x_ntc, 'NTC', True, None),
    ('res_list', lambda: rnn.ResidualCell(rnn.LSTMCell(3, prefix='rl_')), x_tnc, 'TNC', False,
     vl),
    ('zone', lambda: rnn.ZoneoutCell(rnn.GRUCell(3, prefix='zg_'), 0.5, 0.5), x_ntc, 'NTC',
     True, None),
    ('seq_bi', lambda: seq(rnn.SequentialRNNCell,
                           lambda: rnn.BidirectionalCell(rnn.LSTMCell(3, prefix='a_'),
                                                         rnn.LSTMCell(3, prefix='b_')),
                           lambda: rnn.GRUCell(2)), x_ntc, 'NTC', True, None),
]
for key, make, x, layout, merge, v in cases:
    unroll_case(key, make, x, layout, merge, v)

# list inputs and explicit begin states
cell = rnn.LSTMCell(4, input_size=3, prefix='e_')
cell.initialize()
set_params(cell)
steps = [x_ntc[:, i, :] for i in range(4)]
st0 = [mx.nd.ones((2, 4)) * 0.1, mx.nd.ones((2, 4)) * -0.2]
outs, st = cell.unroll(4, steps, begin_state=st0, merge_outputs=False)
OUT['list_out'] = mx.nd.stack(*outs)
OUT['list_h'] = st[0]
OUT['list_c'] = st[1]
# single steps through __call__
h = cell.begin_state(batch_size=2)
o1, h = cell(steps[0], h)
o2, h = cell(steps[1], h)
OUT['step_o2'] = o2
OUT['step_c'] = h[1]
OUT['step_counter'] = cell._counter
# the dropout cell unrolled on a merged array returns it unchanged outside training
d = rnn.DropoutCell(0.5)
o, s = d.unroll(4, x_ntc, merge_outputs=True)
OUT['drop_out'] = o
OUT['drop_repr'] = repr(d)
# default prefixes / aliases
OUT['aliases'] = [rnn.RNNCell(2).prefix[:3], rnn.LSTMCell(2).prefix[:4], rnn.GRUCell(2).prefix[:3],
                  rnn.DropoutCell(0.1).prefix[:7]]
base = rnn.GRUCell(2, prefix='zz_')
OUT['zone_prefix'] = rnn.ZoneoutCell(base).prefix
OUT['zone_repr'] = repr(rnn.ZoneoutCell(rnn.RNNCell(2, input_size=3), 0.1, 0.2))
OUT['seq_repr'] = repr(seq(rnn.HybridSequentialRNNCell, lambda: rnn.LSTMCell(3),
                            lambda: rnn.ResidualCell(rnn.RNNCell(3, activation='relu'))))
'''


def test_cells_vs_reference(compare):
    compare(_CELLS, rtol=1e-4, atol=1e-5)


def test_unfuse_matches_layer(compare):
    compare(_SETUP + '''
rs = np.random.RandomState(5)
x = mx.nd.array(rs.uniform(-1, 1, (5, 2, 3)))
for key, net in [('lstm', rnn.LSTM(4, 2, bidirectional=True, input_size=3, prefix='u_')),
                 ('gru', rnn.GRU(4, 2, input_size=3, prefix='v_')),
                 ('rnn', rnn.RNN(4, input_size=3, activation='tanh', prefix='w_'))]:
    net.initialize()
    set_params(net)
    stack = net._unfuse()
    OUT[key + '_stack'] = repr(stack)
    OUT[key + '_names'] = sorted(stack.collect_params().keys())
    OUT[key + '_fused'] = net(x)
    OUT[key + '_unfused'] = stack.unroll(5, x, layout='TNC', merge_outputs=True)[0]
''', rtol=1e-4, atol=1e-5)


def _save_script(path, seed=7):
    return _SETUP + '''
net = rnn.LSTM(5, 2, bidirectional=True, input_size=3)
net.initialize()
set_params(net, %d)
net.save_parameters(%r)
''' % (seed, path)


def _load_script(path):
    return _SETUP + '''
rs = np.random.RandomState(9)
x = mx.nd.array(rs.uniform(-1, 1, (4, 2, 3)))
net = rnn.LSTM(5, 2, bidirectional=True)
net.load_parameters(%r)
out, st = net(x, net.begin_state(2))
OUT['out'] = out
OUT['h'] = st[0]
OUT['c'] = st[1]
OUT['keys'] = sorted(mx.nd.load(%r).keys())
''' % (path, path)


def test_params_file_from_reference(reference, tmp_path):
    path = str(tmp_path / 'lstm_ref.params')
    reference(_save_script(path))
    ref = reference(_load_script(path))
    from conftest import run_local
    ours = run_local(_load_script(path))
    assert ours['keys'] == ref['keys']
    for k in ('out', 'h', 'c'):
        np.testing.assert_allclose(ours[k], ref[k], rtol=1e-4, atol=1e-5)


def test_params_file_to_reference(reference, tmp_path):
    from conftest import run_local
    path = str(tmp_path / 'lstm_ours.params')
    run_local(_save_script(path, seed=11))
    ours = run_local(_load_script(path))
    ref = reference(_load_script(path))
    assert ours['keys'] == ref['keys']
    for k in ('out', 'h', 'c'):
        np.testing.assert_allclose(ours[k], ref[k], rtol=1e-4, atol=1e-5)


# ----------------------------------------------------------------------------- local checks
def test_layer_errors():
    with pytest.raises(MXNetError):
        rnn.LSTM(4, layout='CTN')
    with pytest.raises(MXNetError):
        rnn.RNN(4, activation='gelu')
    with pytest.raises(MXNetError):
        rnn.LSTM(4, projection_size=8)
    net = rnn.GRU(4, input_size=3)
    net.initialize()
    x = nd.ones((5, 2, 3))
    with pytest.raises(ValueError) as e:      # MXNet raises ValueError; ours is also MXNetError
        net(x, nd.zeros((1, 3, 4)))
    assert isinstance(e.value, MXNetError)
    assert 'Invalid recurrent state shape' in str(e.value)
    with pytest.raises(MXNetError):
        net(nd.ones((5, 3)))
    with pytest.raises(MXNetError):
        net(nd.ones((5, 2, 7)))                # wrong input width for a known i2h weight
    lstm = rnn.LSTM(4, input_size=3)
    lstm.initialize()
    with pytest.raises(MXNetError):
        lstm(x, [nd.zeros((1, 2, 4))])         # LSTM needs two states


def test_layer_clip_dropout_and_sequence_length():
    net = rnn.LSTM(4, 2, dropout=0.5, input_size=3, state_clip_min=-0.1, state_clip_max=0.1)
    assert repr(net) == 'LSTM(3 -> 4, TNC, num_layers=2, dropout=0.5)'
    net.initialize()
    x = nd.array(np.random.RandomState(0).uniform(-3, 3, (6, 2, 3)))
    out, (h, c) = net(x, net.begin_state(2))
    assert out.shape == (6, 2, 4)
    assert float(c.abs().max().asscalar()) <= 0.1 + 1e-6
    with autograd.record():                    # dropout only in training mode
        a = net(x)
    b = net(x)
    assert a.shape == b.shape == (6, 2, 4)
    sl = rnn.GRU(4, input_size=3, use_sequence_length=True)
    sl.initialize()
    out, st = sl(x, sl.begin_state(2), nd.array([6, 3]))
    assert np.all(out.asnumpy()[3:, 1] == 0)
    ref, st1 = sl(x[:3, 1:2], sl.begin_state(1), nd.array([3]))
    np.testing.assert_allclose(st[0].asnumpy()[:, 1], st1[0].asnumpy()[:, 0], rtol=1e-5,
                               atol=1e-6)


def test_layer_cast_hybridize_and_trainer():
    net = rnn.LSTM(3, input_size=2)
    net.initialize()
    x = nd.ones((4, 2, 2))
    y1 = net(x)
    net.hybridize()
    np.testing.assert_allclose(net(x).asnumpy(), y1.asnumpy())
    trainer = mx.gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
    with autograd.record():
        loss = (net(x) ** 2).sum()
    loss.backward()
    trainer.step(1)
    assert not np.allclose(net(x).asnumpy(), y1.asnumpy())
    net.cast('float64')
    assert net.begin_state(2)[0].dtype == np.float64
    assert net(x.astype('float64')).dtype == np.float64


def test_cell_errors_and_modifiers():
    cell = rnn.LSTMCell(3)
    z = rnn.ZoneoutCell(cell, 0.2, 0.2)
    with pytest.raises(MXNetError):
        cell.begin_state(batch_size=2)         # base cell of a modifier cannot be used directly
    with pytest.raises(MXNetError):
        rnn.ResidualCell(cell)                 # a cell is modified only once
    assert len(z.begin_state(batch_size=2)) == 2
    bi = rnn.BidirectionalCell(rnn.GRUCell(2), rnn.GRUCell(2))
    with pytest.raises(NotImplementedError):
        bi(nd.ones((2, 3)), bi.begin_state(batch_size=2))
    with pytest.raises(MXNetError):
        rnn.ZoneoutCell(bi)
    with pytest.raises(MXNetError):
        rnn.DropoutCell('0.5')
    g = rnn.GRUCell(2)
    g.initialize()
    with pytest.raises(MXNetError):
        g.unroll(3, nd.ones((2, 4, 3)))        # length does not match the sequence
    with pytest.raises(MXNetError):
        g.unroll(3, None)
    s = rnn.SequentialRNNCell()
    s.add(rnn.GRUCell(2))
    s.add(rnn.BidirectionalCell(rnn.GRUCell(2), rnn.GRUCell(2)))
    s.initialize()
    with pytest.raises(MXNetError):
        s(nd.ones((2, 3)), s.begin_state(batch_size=2))
    out, st = s.unroll(4, nd.ones((2, 4, 3)), merge_outputs=True)
    assert out.shape == (2, 4, 4) and len(st) == 3


def test_zoneout_training_keeps_previous_values():
    mx.random.seed(0)
    cell = rnn.ZoneoutCell(rnn.RNNCell(50, input_size=4), zoneout_outputs=0.5)
    cell.initialize()
    x = nd.array(np.random.RandomState(0).uniform(-1, 1, (3, 6, 4)))
    with autograd.record():
        outs, _ = cell.unroll(6, x, merge_outputs=False)
    o = [a.asnumpy() for a in outs]
    kept = np.mean(o[2] == o[1])               # units that kept the previous output
    assert 0.2 < kept < 0.8


def test_initializers_activations_and_saved_names(compare):
    compare(_SETUP + '''
from mxnet.gluon import nn
c = mx.init.Constant(0.25)
net = rnn.LSTM(3, input_size=2, i2h_bias_initializer='ones', h2h_weight_initializer='zeros',
               h2h_bias_initializer=c, prefix='i_')
net.initialize()
for name, p in sorted(net.collect_params().items()):
    if 'i2h_weight' not in name:
        OUT['init_' + name] = p.data()
OUT['init_dtype'] = str(net.l0_i2h_weight.data().dtype)
shared = rnn.LSTM(3, input_size=2, i2h_bias_initializer='ones', h2h_weight_initializer='zeros',
                  h2h_bias_initializer=c, params=net.collect_params(), prefix='j_')
OUT['shared_prefix'] = shared.prefix
OUT['shared_names'] = list(shared.collect_params().keys())
x = mx.nd.array(np.random.RandomState(0).uniform(-1, 1, (2, 3, 2)))
OUT['shared_same'] = int((shared(x) == net(x)).min().asscalar())
rs = np.random.RandomState(4)
xs = mx.nd.array(rs.uniform(-1, 1, (2, 3, 4)))
cell = rnn.RNNCell(3, activation=nn.LeakyReLU(0.2), input_size=4, prefix='k_')
cell.initialize()
set_params(cell)
o, st = cell(xs[:, 0], cell.begin_state(batch_size=2))   # (MXNet's unroll fails on this one)
OUT['leaky'], _ = cell(xs[:, 1], st)
for key, cell in [('softrelu', rnn.RNNCell(3, activation='softrelu', prefix='k_')),
                  ('lstm_act', rnn.LSTMCell(3, activation='relu', recurrent_activation='tanh',
                                            prefix='m_'))]:
    cell.initialize()
    cell.unroll(3, xs)
    set_params(cell)
    OUT[key] = cell.unroll(3, xs, merge_outputs=True)[0]
    OUT[key + '_repr'] = repr(cell)
s = rnn.SequentialRNNCell(prefix='q_')
with s.name_scope():
    s.add(rnn.LSTMCell(3))
    s.add(rnn.ZoneoutCell(rnn.GRUCell(3), 0.1))
    s.add(rnn.ResidualCell(rnn.GRUCell(3)))
s.add(rnn.BidirectionalCell(rnn.RNNCell(2, prefix='bl_'), rnn.RNNCell(2, prefix='br_')))
OUT['seq_saved'] = sorted(s._collect_params_with_prefix().keys())
OUT['seq_names'] = sorted(s.collect_params().keys())
OUT['seq_info'] = [sorted(d.items()) for d in s.state_info(5)]
OUT['seq_len'] = len(s)
OUT['seq_item'] = repr(s[1])
''')


def test_unroll_with_activation_block():
    # MXNet 1.9.1's unroll raises AttributeError here (reset() reaches the LeakyReLU child);
    # remx runs it, with the same numbers as stepping the cell by hand
    from mxnet.gluon import nn
    cell = rnn.RNNCell(3, activation=nn.LeakyReLU(0.2), input_size=4)
    cell.initialize()
    x = nd.array(np.random.RandomState(0).uniform(-1, 1, (2, 3, 4)))
    out, st = cell.unroll(3, x, merge_outputs=True)
    h = cell.begin_state(batch_size=2)
    for t in range(3):
        o, h = cell(x[:, t], h)
    np.testing.assert_allclose(out.asnumpy()[:, 2], o.asnumpy(), rtol=1e-6)
    assert repr(cell) == 'RNNCell(4 -> 3, LeakyReLU(0.2))'


CONTRIB_RNN_CODE = r'''
from mxnet.gluon import contrib
rs = np.random.RandomState(0)
def setp(cell):
    for k, p in sorted(cell.collect_params().items()):
        p.set_data(nd.array(rs.uniform(-0.3, 0.3, p.shape)))
cases = [('l1', contrib.rnn.Conv1DLSTMCell, (5, 7), 3, {}),
         ('g2', contrib.rnn.Conv2DGRUCell, (3, 6, 5), 3, {'i2h_pad': 1}),
         ('r3', contrib.rnn.Conv3DRNNCell, (2, 4, 4, 5), 3, {'activation': 'relu'}),
         ('l2d', contrib.rnn.Conv2DLSTMCell, (3, 6, 7), 5, {'i2h_dilate': 2, 'h2h_dilate': (1, 2)})]
for name, cls, ins, hk, kw in cases:
    cell = cls(ins, 4, 3, hk, prefix=name + '_', **kw)
    cell.initialize()
    setp(cell)
    x = nd.array(rs.uniform(-1, 1, (2, 3) + ins))
    x.attach_grad()
    with autograd.record():
        o, s = cell.unroll(3, x, merge_outputs=True)
    o.backward()
    OUT[name + '_out'] = o
    OUT[name + '_grad'] = x.grad
    for i, t in enumerate(s):
        OUT['%s_s%d' % (name, i)] = t
    OUT[name + '_repr'] = repr(cell)
    OUT[name + '_params'] = [[k, list(p.shape)] for k, p in sorted(cell.collect_params().items())]
    OUT[name + '_info'] = str(cell.state_info(2))
    sym_in = [mx.sym.var('t%d' % i) for i in range(3)]
    so, _ = cell.unroll(3, sym_in)
    g = mx.sym.Group(so)
    OUT[name + '_sym'] = [g.list_outputs(), [list(t) for t in g.infer_shape(**{'t%d' % i: (2,) + ins for i in range(3)})[1]]]
# deferred input channels
c = contrib.rnn.Conv1DLSTMCell((0, 7), 10, (3,), (3,))
c.hybridize()
c.initialize()
o, _ = c.unroll(3, nd.ones((8, 3, 5, 7)), merge_outputs=True)
OUT['fill_shape'] = list(c.i2h_weight.shape)
OUT['fill_out'] = list(o.shape)
lp = contrib.rnn.LSTMPCell(6, 3, prefix='p_')
lp.initialize()
lp.unroll(3, nd.ones((2, 3, 4)))
setp(lp)
o, s = lp.unroll(3, nd.array(rs.uniform(-1, 1, (2, 3, 4))), merge_outputs=True)
OUT['lstmp'] = o; OUT['lstmp_c'] = s[1]; OUT['lstmp_repr'] = repr(lp)
OUT['lstmp_params'] = sorted(lp.collect_params().keys())
vd = contrib.rnn.VariationalDropoutCell(mx.gluon.rnn.RNNCell(4, prefix='v_'), drop_inputs=0.5,
                                        drop_outputs=0.5)
vd.initialize()
OUT['vd_repr'] = repr(vd)
o, _ = vd.unroll(3, nd.ones((2, 3, 5)), merge_outputs=True)   # predict mode: no dropout
OUT['vd_shape'] = list(o.shape)
OUT['interval'] = list(contrib.data.IntervalSampler(13, 3)) + list(contrib.data.IntervalSampler(10, 3, rollover=False))
'''


def test_contrib_rnn_cells_match_reference(compare):
    compare(CONTRIB_RNN_CODE, rtol=1e-5, atol=1e-6)


def test_contrib_variational_dropout_masks():
    """VariationalDropoutCell in training: one mask per sequence (the same units are zero at
    every step) with state dropout; masks differ between unrolls."""
    from mxnet.gluon import contrib
    mx.random.seed(0)
    base = mx.gluon.rnn.RNNCell(50, prefix='rnn_')
    cell = contrib.rnn.VariationalDropoutCell(base, drop_inputs=0.5, drop_states=0.5,
                                              drop_outputs=0.5)
    cell.initialize(init='xavier')
    x = nd.ones((4, 3, 20))
    with mx.autograd.record():
        o1, _ = cell.unroll(3, x, merge_outputs=True)
        o2, _ = cell.unroll(3, x, merge_outputs=True)
    z = o1.asnumpy() == 0
    assert z.any() and not z.all()
    assert (z[:, 0] == z[:, 1]).all() and (z[:, 0] == z[:, 2]).all()  # one output mask
    assert not np.allclose(o1.asnumpy(), o2.asnumpy())
    with pytest.raises(MXNetError):
        contrib.rnn.VariationalDropoutCell(mx.gluon.rnn.BidirectionalCell(
            mx.gluon.rnn.RNNCell(2), mx.gluon.rnn.RNNCell(2)), drop_states=0.5)
    # dynamic_unroll on NDArrays equals unroll (valid lengths included)
    c = mx.gluon.rnn.LSTMCell(5, prefix='l_')
    c.initialize()
    x = nd.random.uniform(shape=(4, 2, 3))
    vl = nd.array([2, 4])
    st = [nd.zeros((2, 5)), nd.zeros((2, 5))]
    a, sa = c.unroll(4, x, st, layout='TNC', merge_outputs=True, valid_length=vl)
    b, sb = contrib.rnn.rnn_cell.dynamic_unroll(c, x, st, layout='TNC', valid_length=vl)
    np.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-5, atol=1e-6)
    for p, q in zip(sa, sb):
        np.testing.assert_allclose(p.asnumpy(), q.asnumpy(), rtol=1e-5, atol=1e-6)
    xn = x.transpose((1, 0, 2))
    a, _ = c.unroll(4, xn, st, layout='NTC', merge_outputs=True)
    b, _ = contrib.rnn.rnn_cell.dynamic_unroll(c, xn, st, layout='NTC')
    np.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-5, atol=1e-6)
