"""mx.optimizer and mx.lr_scheduler vs MXNet 1.9.1 step for step; safe state loading."""
import os
import pickle

import numpy as np
import pytest

import mxnet as mx
from mxnet import nd

CODE = '''
rng = np.random.RandomState(0)
W = [rng.randn(3, 4).astype(np.float32), rng.randn(4).astype(np.float32)]
G = [[rng.randn(*w.shape).astype(np.float32) * 2 for w in W] for _ in range(4)]
cases = {
    'sgd': dict(learning_rate=0.1),
    'sgd_mom': ('sgd', dict(learning_rate=0.1, momentum=0.9, wd=0.01, clip_gradient=1.5, rescale_grad=0.5)),
    'nag': dict(learning_rate=0.1, momentum=0.9, wd=0.01),
    'adam': dict(learning_rate=0.01, wd=0.01, clip_gradient=2.0),
    'adagrad': dict(learning_rate=0.1, wd=0.01, clip_gradient=1.0),
    'rmsprop': dict(learning_rate=0.01, wd=0.01),
    'rmsprop_c': ('rmsprop', dict(learning_rate=0.01, centered=True, clip_weights=2.0)),
    'adadelta': dict(wd=0.01, rescale_grad=0.5),
    'adamax': dict(wd=0.01),
    'nadam': dict(wd=0.01, clip_gradient=1.0),
    'ftrl': dict(wd=0.01),
    'ftml': dict(learning_rate=0.01, wd=0.01),
    'signum': dict(learning_rate=0.01, momentum=0.9, wd_lh=0.01, wd=0.01),
    'signum0': ('signum', dict(learning_rate=0.01, momentum=0.0)),
    'dcasgd': dict(learning_rate=0.1, wd=0.01),  # MXNet 1.9.1's DCASGD fails with momentum (bool(NDArray))
    'lamb': dict(learning_rate=0.01, wd=0.01, lower_bound=0.1, upper_bound=5.0),
    'lars': dict(learning_rate=0.1, momentum=0.9, wd=0.01),
    'lbsgd': dict(learning_rate=0.1, momentum=0.9, batch_scale=2, warmup_epochs=1, updates_per_epoch=2),
    'test': dict(rescale_grad=0.5),
}
for key, spec in cases.items():
    name, kw = spec if isinstance(spec, tuple) else (key, spec)
    opt = mx.optimizer.create(name, param_idx2name={0: 'fc_weight', 1: 'fc_bias'}, **kw)
    upd = mx.optimizer.get_updater(opt)
    ws = [nd.array(w) for w in W]
    for step in range(4):
        for i in range(2):
            upd(i, nd.array(G[step][i]), ws[i])
    for i in range(2):
        OUT['%s_w%d' % (key, i)] = ws[i]
    OUT['%s_num_update' % key] = opt.num_update
# aggregated list call, lr_mult / wd_mult, lr scheduler
opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.5, wd=0.1,
                       lr_scheduler=mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.1))
opt.set_lr_mult({0: 2.0})
opt.set_wd_mult({1: 0.0})
upd = mx.optimizer.get_updater(opt)
ws = [nd.array(w) for w in W]
for step in range(4):
    upd([0, 1], [nd.array(g) for g in G[step]], ws)
OUT['agg_w0'] = ws[0]; OUT['agg_w1'] = ws[1]
sched = {}
for n, s in [('factor', mx.lr_scheduler.FactorScheduler(step=3, factor=0.7, base_lr=1.0, warmup_steps=2, warmup_begin_lr=0.1)),
             ('multi', mx.lr_scheduler.MultiFactorScheduler(step=[2, 5, 9], factor=0.5, base_lr=1.0)),
             ('poly', mx.lr_scheduler.PolyScheduler(max_update=10, base_lr=1.0, pwr=2, final_lr=0.1, warmup_steps=3, warmup_mode='constant', warmup_begin_lr=0.05)),
             ('cosine', mx.lr_scheduler.CosineScheduler(max_update=10, base_lr=1.0, final_lr=0.0, warmup_steps=2))]:
    OUT['sched_' + n] = np.array([s(i) for i in range(15)])
'''


def test_optimizers_match_reference(compare):
    compare(CODE, rtol=1e-4, atol=1e-5)


def test_reference_states_file_loads_and_malicious_refused(tmp_path, reference):
    f = str(tmp_path / 'ref.states')
    reference('''
opt = mx.optimizer.create('sgd', learning_rate=0.1, momentum=0.9)
upd = mx.optimizer.get_updater(opt)
w = nd.ones((2, 3))
upd(0, nd.ones((2, 3)), w)
upd(1, nd.ones((4,)), nd.ones((4,)))
open(%r, 'wb').write(upd.get_states(dump_optimizer=True))
OUT['mom0'] = upd.states[0]
''' % f)
    upd = mx.optimizer.get_updater(mx.optimizer.create('sgd'))
    upd.set_states(open(f, 'rb').read())
    assert isinstance(upd.optimizer, mx.optimizer.SGD) and upd.optimizer.momentum == 0.9
    np.testing.assert_allclose(upd.states[0].asnumpy(), np.full((2, 3), -0.1), rtol=1e-6)
    # our own round trip
    data = upd.get_states(dump_optimizer=True)
    upd2 = mx.optimizer.get_updater(mx.optimizer.create('adam'))
    upd2.set_states(data)
    assert isinstance(upd2.optimizer, mx.optimizer.SGD)

    class Evil:
        def __reduce__(self):
            return (os.system, ('echo pwned > %s' % (tmp_path / 'pwned'),))
    with pytest.raises(mx.MXNetError):
        upd.set_states(pickle.dumps({0: Evil()}))
    assert not (tmp_path / 'pwned').exists()
    with pytest.raises(mx.MXNetError):
        upd.set_states(b'not a pickle')


def test_errors():
    with pytest.raises(mx.MXNetError):
        mx.optimizer.create('nonexistent')
    with pytest.raises(mx.MXNetError):
        mx.lr_scheduler.FactorScheduler(step=0)
    opt = mx.optimizer.SGD(lr_scheduler=mx.lr_scheduler.FactorScheduler(step=2))
    with pytest.raises(UserWarning):
        opt.set_learning_rate(0.5)


def test_symbol_lr_wd_mult_kwargs(compare):
    # lr_mult= / wd_mult= on an operator are node attributes copied onto the variables it
    # creates, and the optimizer reads them from the symbol
    compare('''
def err(f):
    try:
        f()
    except Exception as e:
        return type(e).__name__ + ': ' + str(e).split('\\n')[0].replace('MXNetError: ', '')
    return 'no error'
data = mx.sym.Variable('data')
bias = mx.sym.Variable('fc1_bias', lr_mult=1.0)
fc1 = mx.sym.FullyConnected(data=data, bias=bias, name='fc1', num_hidden=4, lr_mult=0)
fc2 = mx.sym.FullyConnected(data=fc1, name='fc2', num_hidden=3, wd_mult=0.5, ctx_group='g')
OUT['attrs'] = fc2.attr_dict()
idx2name = dict(enumerate(fc2.list_arguments()))
opt = mx.optimizer.SGD(sym=fc2, param_idx2name=idx2name)
OUT['lr_mult'] = opt.lr_mult
OUT['wd_mult'] = opt.wd_mult
OUT['prefix_key'] = mx.sym.FullyConnected(data=data, num_hidden=2, name='p', lr_multx=2).attr_dict()
OUT['deprecated'] = err(lambda: mx.sym.FullyConnected(data=data, num_hidden=2, weight_lr_mult=0))
''')


def test_lamb_index_lists(compare):
    # LAMB takes lists of indices (MXNet's multi-tensor kernel, aggregate_num 45): every index
    # is counted first, then each tensor gets its own step, lr and wd; float16 with master copy
    compare('''
rng = np.random.RandomState(1)
sched = mx.lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=0.1)
for dt, mp in (('float32', False), ('float16', True)):
    opt = mx.optimizer.LAMB(learning_rate=0.1, wd=0.01, clip_gradient=0.5, multi_precision=mp,
                            lower_bound=0.01, upper_bound=10.0, lr_scheduler=sched,
                            param_idx2name={0: 'a_weight', 1: 'b_bias', 2: 'c_weight'})
    opt.set_lr_mult({'c_weight': 0.5})
    upd = mx.optimizer.get_updater(opt)
    OUT['agg_' + dt] = [upd.aggregate_updates, opt.aggregate_num]
    ws = [nd.array(rng.randn(*s), dtype=dt) for s in ((3, 4), (4,), (2, 2))]
    for step in range(3):
        gs = [nd.array(rng.randn(*w.shape), dtype=dt) for w in ws]
        upd([0, 1, 2][step % 2:], gs[step % 2:], ws[step % 2:])
    for i, w in enumerate(ws):
        OUT['w%d_%s' % (i, dt)] = w.astype('float32')
    OUT['counts_' + dt] = sorted(opt._index_update_count.items())
    OUT['num_update_' + dt] = opt.num_update
''', rtol=1e-3, atol=1e-4)


def test_sparse_lazy_updates(compare):
    # row_sparse gradients: SGD / Adam / Ftrl update only the gradient's rows (weight and
    # states) unless lazy_update=False; their states are row_sparse for row_sparse weights
    compare('''
import os
os.environ['MXNET_STORAGE_FALLBACK_LOG_VERBOSE'] = '0'
rng = np.random.RandomState(3)
W = rng.rand(5, 3).astype(np.float32)
G = rng.rand(5, 3).astype(np.float32) * np.array([[1], [0], [1], [0], [0]], np.float32)
cases = [('sgd', dict(learning_rate=0.1, wd=0.05)),
         ('sgd', dict(learning_rate=0.1, momentum=0.9, wd=0.05, clip_gradient=0.3)),
         ('sgd', dict(learning_rate=0.1, momentum=0.9, wd=0.05, lazy_update=False)),
         ('adam', dict(learning_rate=0.1, wd=0.05)),
         ('adam', dict(learning_rate=0.1, wd=0.05, lazy_update=False)),
         ('ftrl', dict(learning_rate=0.1, wd=0.05, lamda1=0.01))]
for i, (name, kw) in enumerate(cases):
    for wst in ('default', 'row_sparse'):
        opt = mx.optimizer.create(name, **kw)
        upd = mx.optimizer.get_updater(opt)
        w = nd.array(W).tostype(wst)
        for step in range(2):
            upd(0, nd.array(G).tostype('row_sparse'), w)
        st = upd.states[0]
        st = [] if st is None else (list(st) if isinstance(st, (tuple, list)) else [st])
        OUT['%d_%s_w' % (i, wst)] = w.asnumpy()
        OUT['%d_%s_wstype' % (i, wst)] = w.stype
        OUT['%d_%s_states' % (i, wst)] = [s.stype for s in st]
        for j, s in enumerate(st):
            OUT['%d_%s_state%d' % (i, wst, j)] = s.asnumpy()
''', rtol=1e-5, atol=1e-5)  # Adam's weight - lr * m / sqrt(v) cancels to ~1e-3 in one entry
