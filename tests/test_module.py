"""The Module API (mx.mod) against MXNet 1.9.1: Module fit/score/predict, step-by-step
training, checkpoints and optimizer states in both directions, BucketingModule,
SequentialModule, PythonLossModule, several contexts, and errors."""
import os
import tempfile

import numpy as np

import mxnet
import mxnet.module

from conftest import run_local, run_reference

if not hasattr(mxnet, 'mod'):  # until mxnet/__init__.py imports it
    mxnet.mod = mxnet.module

# an MLP with fixed weights, a training iterator of 50 examples (last batch padded)
MLP = '''
import logging
class _ListHandler(logging.Handler):
    def __init__(self):
        logging.Handler.__init__(self)
        self.lines = []
    def emit(self, record):
        self.lines.append(record.getMessage())
def make_logger(name):
    lg = logging.getLogger(name)
    lg.setLevel(logging.INFO)
    lg.propagate = False
    h = _ListHandler()
    lg.handlers = [h]
    return lg, h
data = mx.sym.Variable('data')
fc1 = mx.sym.FullyConnected(data, name='fc1', num_hidden=16)
act = mx.sym.Activation(fc1, act_type='relu', name='relu1')
fc2 = mx.sym.FullyConnected(act, name='fc2', num_hidden=3)
net = mx.sym.SoftmaxOutput(fc2, name='softmax')
rs = np.random.RandomState(0)
X = rs.randn(50, 8).astype('float32')
y = rs.randint(0, 3, 50).astype('float32')
def init_args():
    r = np.random.RandomState(1)
    return {'fc1_weight': mx.nd.array(r.randn(16, 8) * 0.1), 'fc1_bias': mx.nd.zeros(16),
            'fc2_weight': mx.nd.array(r.randn(3, 16) * 0.1), 'fc2_bias': mx.nd.zeros(3)}
'''


def test_fit_score_predict(compare):
    compare(MLP + '''
logger, h = make_logger('fit_test')
train = mx.io.NDArrayIter(X, y, batch_size=16)
val = mx.io.NDArrayIter(X[:30], y[:30], batch_size=10)
mod = mx.mod.Module(net, logger=logger)
OUT['props0'] = [mod.binded, mod.params_initialized, mod.optimizer_initialized,
                 mod.data_names, mod.output_names, mod.label_names]
ends = []
mod.fit(train, eval_data=val, num_epoch=2, arg_params=init_args(),
        optimizer_params={'learning_rate': 0.5, 'momentum': 0.9},
        validation_metric=mx.metric.Accuracy(name='vacc'),
        batch_end_callback=lambda p: ends.append((p.epoch, p.nbatch)),
        epoch_end_callback=lambda e, s, a, x: ends.append(('end', e, sorted(a))))
OUT['log'] = [l for l in h.lines if 'Time cost' not in l]
OUT['ends'] = ends
OUT['props'] = [mod.binded, mod.params_initialized, mod.optimizer_initialized,
                mod.for_training, mod.inputs_need_grad, str(mod.data_shapes),
                str(mod.label_shapes), mod.output_shapes, mod.symbol.tojson() == net.tojson()]
args, auxs = mod.get_params()
for k, v in args.items():
    OUT['p_' + k] = v
rnd = lambda nv: [(n, round(v, 5)) for n, v in nv]
OUT['score'] = rnd(mod.score(val, 'acc'))
OUT['score2'] = rnd(mod.score(train, ['acc', 'ce'], num_batch=2))
OUT['score_mse'] = rnd(mod.score(val, mx.metric.MSE()))
p = mod.predict(train)
OUT['pred'] = p
OUT['pred_list'] = mod.predict(train, always_output_list=True)[0]
sep = mod.predict(train, merge_batches=False)
OUT['pred_sep_n'] = [len(sep), [len(b) for b in sep], [b[0].shape for b in sep]]
OUT['pred_sep_last'] = sep[-1][0]
OUT['pred_nb'] = mod.predict(train, num_batch=2)
# (copies: MXNet's outputs share memory with later, reshaped executors)
OUT['pred_nd'] = mod.predict(mx.nd.array(X[:16])).copy()
OUT['pred_np'] = mod.predict(X[:16]).copy()
it = [(o[0].shape, nb, b.pad) for o, nb, b in mod.iter_predict(train)]
OUT['iter_predict'] = it
# a batch of another size reshapes the module
mod.forward(mx.io.DataBatch([mx.nd.array(X[:5])], [mx.nd.array(y[:5])]), is_train=False)
OUT['reshaped_out'] = mod.get_outputs()[0]
OUT['reshaped_shapes'] = [str(mod.data_shapes), mod.output_shapes]
''', rtol=1e-4, atol=1e-5)


def test_step_by_step_bn_momentum_input_grads(compare):
    compare('''
data = mx.sym.Variable('data')
c = mx.sym.FullyConnected(data, num_hidden=6, name='fc1')
c = mx.sym.BatchNorm(c, name='bn1', fix_gamma=False)
c = mx.sym.Activation(c, act_type='tanh')
c = mx.sym.FullyConnected(c, num_hidden=4, name='fc2', attr={'__lr_mult__': '0.5'})
net = mx.sym.SoftmaxOutput(c, name='softmax')
rs = np.random.RandomState(3)
X = rs.randn(8, 5).astype('float32'); y = rs.randint(0, 4, 8).astype('float32')
args = {'fc1_weight': mx.nd.array(rs.randn(6, 5) * 0.3), 'fc1_bias': mx.nd.array(rs.randn(6)),
        'bn1_gamma': mx.nd.array(rs.rand(6) + 0.5), 'bn1_beta': mx.nd.array(rs.randn(6)),
        'fc2_weight': mx.nd.array(rs.randn(4, 6) * 0.3), 'fc2_bias': mx.nd.zeros(4)}
auxs = {'bn1_moving_mean': mx.nd.zeros(6), 'bn1_moving_var': mx.nd.ones(6)}
mod = mx.mod.Module(net, fixed_param_names=['fc1_bias'])
mod.bind(data_shapes=[('data', (8, 5))], label_shapes=[('softmax_label', (8,))],
         inputs_need_grad=True)
mod.init_params(arg_params=args, aux_params=auxs)
mod.init_optimizer(optimizer='sgd', optimizer_params=(('learning_rate', 0.2), ('momentum', 0.9),
                                                     ('wd', 0.01)))
OUT['rescale'] = mod._optimizer.rescale_grad
batch = mx.io.DataBatch([mx.nd.array(X)], [mx.nd.array(y)])
metric = mx.metric.create(['acc', 'ce'])
for step in range(3):
    mod.forward(batch, is_train=True)
    OUT['out%d' % step] = mod.get_outputs()[0]
    mod.backward()
    OUT['igrad%d' % step] = mod.get_input_grads()[0]
    mod.update()
    mod.update_metric(metric, batch.label)
OUT['metric'] = [(n, round(v, 5)) for n, v in metric.get_name_value()]
a, x = mod.get_params()
for k in sorted(a):
    OUT['a_' + k] = a[k]
for k in sorted(x):
    OUT['x_' + k] = x[k]
mod.forward(batch, is_train=False)
OUT['eval_out'] = mod.get_outputs()[0]
# explicit head gradient on a net without a loss layer
m2 = mx.mod.Module(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc'),
                   label_names=None)
m2.bind([('data', (4, 2))], inputs_need_grad=True)
m2.init_params(arg_params={'fc_weight': mx.nd.array(rs.randn(3, 2)), 'fc_bias': mx.nd.ones(3)})
m2.forward(mx.io.DataBatch([mx.nd.array(rs.randn(4, 2))]), is_train=True)
m2.backward([mx.nd.array(rs.randn(4, 3))])
OUT['m2_igrad'] = m2.get_input_grads()[0]
OUT['m2_labels'] = [m2.label_shapes, m2.output_shapes]
# set_params / get_params round trip, grad_req='add'
m3 = mx.mod.Module(net)
m3.bind([('data', (8, 5))], [('softmax_label', (8,))], grad_req='add')
m3.set_params(args, auxs)
m3.forward_backward(batch)
m3.forward_backward(batch)
OUT['m3_grad'] = m3._exec_group.grad_arrays[0][0]
''', rtol=1e-4, atol=1e-5)


def test_checkpoints_both_ways():
    with tempfile.TemporaryDirectory() as d:
        ref_prefix = os.path.join(d, 'ref')
        our_prefix = os.path.join(d, 'ours')
        train_code = MLP + '''
train = mx.io.NDArrayIter(X, y, batch_size=10)
mod = mx.mod.Module(net)
mod.fit(train, num_epoch=1, arg_params=init_args(),
        optimizer_params={'learning_rate': 0.3, 'momentum': 0.9})
mod.save_checkpoint(PREFIX, 1, save_optimizer_states=True)
mod.save_params(PREFIX + '-extra.params')
OUT['pred'] = mod.predict(train)
train.reset()
mod.fit(train, begin_epoch=1, num_epoch=2, force_init=False,
        optimizer_params={'learning_rate': 0.3, 'momentum': 0.9})
OUT['after'] = mod.get_params()[0]['fc1_weight']
'''
        load_code = MLP + '''
train = mx.io.NDArrayIter(X, y, batch_size=10)
mod = mx.mod.Module.load(PREFIX, 1, load_optimizer_states=True)
mod.bind(train.provide_data, train.provide_label)
OUT['pred'] = mod.predict(train)
m2 = mx.mod.Module(net)
m2.bind(train.provide_data, train.provide_label, for_training=False)
m2.load_params(PREFIX + '-extra.params')
OUT['pred2'] = m2.predict(train)
train.reset()
mod.fit(train, begin_epoch=1, num_epoch=2,
        optimizer_params={'learning_rate': 0.3, 'momentum': 0.9})
OUT['after'] = mod.get_params()[0]['fc1_weight']
'''
        ref_w = run_reference(train_code.replace('PREFIX', repr(ref_prefix)))
        our_w = run_local(train_code.replace('PREFIX', repr(our_prefix)))
        np.testing.assert_allclose(our_w['pred'], ref_w['pred'], rtol=1e-4, atol=1e-5)
        np.testing.assert_allclose(our_w['after'], ref_w['after'], rtol=1e-4, atol=1e-5)
        # ours reads MXNet's files; MXNet reads ours
        our_r = run_local(load_code.replace('PREFIX', repr(ref_prefix)))
        ref_r = run_reference(load_code.replace('PREFIX', repr(our_prefix)))
        for out in (our_r, ref_r):
            np.testing.assert_allclose(out['pred'], ref_w['pred'], rtol=1e-4, atol=1e-5)
            np.testing.assert_allclose(out['pred2'], ref_w['pred'], rtol=1e-4, atol=1e-5)
            # the momentum states came through: training continues exactly
            np.testing.assert_allclose(out['after'], ref_w['after'], rtol=1e-4, atol=1e-5)


def test_bucketing_sequential_pythonloss(compare):
    compare('''
rs = np.random.RandomState(5)
def sym_gen(seq_len):
    data = mx.sym.var('data')
    x = mx.sym.reshape(data, shape=(-1, 3))
    x = mx.sym.FullyConnected(x, num_hidden=3, name='fc')
    x = mx.sym.reshape(x, shape=(-1, seq_len * 3))
    x = mx.sym.sum(x, axis=1, keepdims=True)
    x = mx.sym.FullyConnected(x, num_hidden=2, name='out')
    return mx.sym.SoftmaxOutput(x, name='softmax'), ('data',), ('softmax_label',)
args = {'fc_weight': mx.nd.array(rs.randn(3, 3) * 0.3), 'fc_bias': mx.nd.zeros(3),
        'out_weight': mx.nd.array(rs.randn(2, 1) * 0.3), 'out_bias': mx.nd.zeros(2)}
bm = mx.mod.BucketingModule(sym_gen, default_bucket_key=4)
OUT['bm_names'] = [bm.data_names, bm.output_names]
bm.bind([('data', (2, 12))], [('softmax_label', (2,))])
bm.init_params(arg_params=args)
bm.init_optimizer(optimizer_params={'learning_rate': 0.1})
for key in (4, 2, 4, 2):
    xb = mx.nd.array(rs.randn(2, key * 3))
    yb = mx.nd.array(rs.randint(0, 2, 2))
    b = mx.io.DataBatch([xb], [yb], bucket_key=key,
                        provide_data=[mx.io.DataDesc('data', (2, key * 3))],
                        provide_label=[mx.io.DataDesc('softmax_label', (2,))])
    bm.forward(b, is_train=True)
    # copy: in MXNet the buckets' outputs share memory
    OUT['bm_out_%d_%d' % (key, len(OUT))] = bm.get_outputs()[0].copy()
    bm.backward()
    bm.update()
OUT['bm_keys'] = sorted(bm._buckets.keys())
OUT['bm_shared'] = bool((bm._buckets[2]._exec_group.param_arrays[0][0].asnumpy() ==
                         bm._buckets[4]._exec_group.param_arrays[0][0].asnumpy()).all())
OUT['bm_w'] = bm.get_params()[0]['fc_weight']
OUT['bm_shapes'] = [str(bm.data_shapes), bm.output_shapes]

# SequentialModule: a Module then a PythonLossModule taking the labels
X = rs.randn(6, 4).astype('float32'); y = rs.randint(0, 3, 6).astype('float32')
net1 = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='fc')
m1 = mx.mod.Module(net1, label_names=None)
def grad_func(scores, labels):
    p = scores.asnumpy()
    p = np.exp(p - p.max(axis=1, keepdims=True)); p /= p.sum(axis=1, keepdims=True)
    p[np.arange(len(p)), labels.asnumpy().astype(int)] -= 1
    return p
loss = mx.mod.PythonLossModule(grad_func=grad_func)
OUT['pl_names'] = [loss.data_names, loss.output_names]
seq = mx.mod.SequentialModule()
seq.add(m1).add(loss, take_labels=True, auto_wiring=True)
it = mx.io.NDArrayIter(X, y, batch_size=3)
seq.bind(it.provide_data, it.provide_label)
seq.init_params(arg_params={'fc_weight': mx.nd.array(rs.randn(3, 4) * 0.3),
                            'fc_bias': mx.nd.zeros(3)})
seq.init_optimizer(optimizer_params={'learning_rate': 0.5})
metric = mx.metric.Accuracy()
for b in it:
    seq.forward(b, is_train=True)
    seq.backward()
    seq.update()
    seq.update_metric(metric, b.label)
OUT['seq_metric'] = metric.get()
OUT['seq_w'] = seq.get_params()[0]['fc_weight']
OUT['seq_shapes'] = [str(seq.data_shapes), seq.output_shapes, str(seq.label_shapes)]
OUT['seq_pred'] = seq.predict(it)
OUT['pl_state'] = [loss.binded, loss.for_training, loss.output_shapes]

# SequentialModule of two Modules (auto wiring renames fc1_output to data2)
mA = mx.mod.Module(mx.sym.Activation(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=5,
                                                           name='fc1'), act_type='relu'),
                   label_names=None)
mB = mx.mod.Module(mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data2'),
                                                              num_hidden=3, name='fc2'),
                                        name='softmax'), data_names=['data2'])
s2 = mx.mod.SequentialModule().add(mA).add(mB, take_labels=True, auto_wiring=True)
OUT['s2_names'] = [s2.data_names, s2.output_names]
s2.bind(it.provide_data, it.provide_label, inputs_need_grad=True)
s2.init_params(arg_params={'fc1_weight': mx.nd.array(rs.randn(5, 4) * 0.5),
                           'fc1_bias': mx.nd.zeros(5),
                           'fc2_weight': mx.nd.array(rs.randn(3, 5) * 0.5),
                           'fc2_bias': mx.nd.zeros(3)})
s2.init_optimizer(optimizer_params={'learning_rate': 0.3, 'momentum': 0.9})
metric = mx.metric.Accuracy()
it.reset()
for b in it:
    s2.forward_backward(b)
    try:  # MXNet's SequentialModule.bind never records inputs_need_grad
        s2.get_input_grads()
    except AssertionError:
        OUT['s2_ig_assert'] = True
    OUT['s2_ig_%d' % len(OUT)] = mA.get_input_grads()[0].copy()
    s2.update()
    s2.update_metric(metric, b.label)
OUT['s2_metric'] = metric.get()
OUT['s2_params'] = sorted(s2.get_params()[0])
OUT['s2_w1'] = s2.get_params()[0]['fc1_weight']
OUT['s2_score'] = s2.score(it, 'acc')
''', rtol=1e-4, atol=1e-5)


def test_two_contexts(compare):
    compare(MLP + '''
logger, h = make_logger('ctx_test')
train = mx.io.NDArrayIter(X, y, batch_size=10)
mod = mx.mod.Module(net, context=[mx.cpu(0), mx.cpu(1)], logger=logger)
mod.fit(train, eval_data=train, num_epoch=2, arg_params=init_args(),
        optimizer_params={'learning_rate': 0.2, 'momentum': 0.9})
OUT['log'] = [l for l in h.lines if 'Time cost' not in l]
OUT['w'] = mod.get_params()[0]['fc1_weight']
OUT['pred'] = mod.predict(train)
OUT['sep'] = [[o.shape for o in outs] for outs in mod.get_outputs(merge_multi_context=False)]
# uneven work load, no kvstore: per-device updates of summed gradients
m2 = mx.mod.Module(net, context=[mx.cpu(0), mx.cpu(1)], work_load_list=[3, 2])
train.reset()
m2.fit(train, num_epoch=1, arg_params=init_args(), kvstore=None,
       optimizer_params={'learning_rate': 0.2})
OUT['w2'] = m2.get_params()[0]['fc2_weight']
OUT['slices'] = [(s.start, s.stop) for s in m2._exec_group.slices]
''', rtol=1e-4, atol=1e-5)


ERRORS = MLP + '''
def err(f):
    try:
        f()
        return 'ok'
    except Exception as e:
        return type(e).__name__ + ':' + str(e)[:60]
mod = mx.mod.Module(net)
batch = mx.io.DataBatch([mx.nd.array(X[:4])], [mx.nd.array(y[:4])])
OUT['fwd_unbound'] = err(lambda: mod.forward(batch))
OUT['params_unbound'] = err(lambda: mod.get_params())
OUT['bad_data_name'] = err(lambda: mx.mod.Module(net, data_names=['x']))
OUT['bad_fixed'] = err(lambda: mx.mod.Module(net, fixed_param_names=['nope']))
OUT['bind_bad_name'] = err(lambda: mod.bind([('x', (4, 8))]))
mod.bind([('data', (4, 8))], [('softmax_label', (4,))])
OUT['opt_before_init'] = err(lambda: mod.init_optimizer())
OUT['missing'] = err(lambda: mod.init_params(arg_params={'fc1_weight': mx.nd.ones((16, 8))}))
OUT['inited_after_missing'] = mod.params_initialized
OUT['allow_missing'] = err(lambda: mod.init_params(
    arg_params={'fc1_weight': mx.nd.ones((16, 8))}, allow_missing=True))
OUT['extra'] = err(lambda: mod.set_params(dict(init_args(), zzz=mx.nd.ones(2)), {}))
OUT['extra_ok'] = err(lambda: mod.set_params(dict(init_args(), zzz=mx.nd.ones(2)), {},
                                             allow_extra=True))
OUT['input_grads'] = err(lambda: mod.get_input_grads())
OUT['update_noopt'] = err(lambda: mod.update())
OUT['predict_bad'] = err(lambda: mod.predict([1, 2]))
OUT['fit_no_epoch'] = err(lambda: mod.fit(mx.io.NDArrayIter(X, y, batch_size=4)))
OUT['seq_empty'] = err(lambda: mx.mod.SequentialModule().bind([('data', (1, 2))]))
OUT['seq_meta'] = err(lambda: mx.mod.SequentialModule().add(mod, bogus=True))
OUT['bm_nokey'] = err(lambda: mx.mod.BucketingModule(lambda k: (net, ('data',), None)))
m4 = mx.mod.Module(net, context=[mx.cpu(0), mx.cpu(1)])
OUT['too_many_slices'] = err(lambda: m4.bind([('data', (1, 8))], [('softmax_label', (1,))]))
pm = mx.mod.PythonLossModule()
OUT['pl_bad_bind'] = err(lambda: pm.bind([('data', (2, 3))], grad_req='add'))
'''


def test_errors(compare):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter('ignore')
        compare(ERRORS)


def test_module_namespace():
    import inspect
    import mxnet as mx
    sig = inspect.signature(mx.mod.Module.fit)
    assert list(sig.parameters)[1:5] == ['train_data', 'eval_data', 'eval_metric',
                                         'epoch_end_callback']
    assert sig.parameters['optimizer_params'].default == (('learning_rate', 0.01),)
    assert sig.parameters['kvstore'].default == 'local'
    assert isinstance(sig.parameters['initializer'].default, mx.init.Uniform)
    for name in ['BaseModule', 'Module', 'BucketingModule', 'SequentialModule', 'PythonModule',
                 'PythonLossModule']:
        assert hasattr(mx.mod, name)
    assert issubclass(mx.mod.PythonLossModule, mx.mod.PythonModule)


def test_states_reshape_bucketing_checkpoint(compare):
    with tempfile.TemporaryDirectory() as d:
        compare('''
import os
rs = np.random.RandomState(7)
# a state input: out = fc(data) + state
data, st = mx.sym.var('data'), mx.sym.var('state')
net = mx.sym.FullyConnected(data, num_hidden=3, name='fc') + st
mod = mx.mod.Module(net, data_names=['data'], label_names=None, state_names=['state'])
mod.bind([('data', (4, 2)), ], for_training=False)
OUT['param_names'] = mod._param_names
mod.init_params(arg_params={'fc_weight': mx.nd.array(rs.randn(3, 2)), 'fc_bias': mx.nd.ones(3)})
mod.set_states(value=2.0)
b = mx.io.DataBatch([mx.nd.array(rs.randn(4, 2))])
mod.forward(b)
OUT['st_out1'] = mod.get_outputs()[0].copy()
mod.set_states(states=[[mx.nd.array(rs.randn(4, 3))]])  # per state, per context
mod.forward(b)
OUT['st_out2'] = mod.get_outputs()[0].copy()
OUT['states'] = mod.get_states(merge_multi_context=False)[0][0]
try:  # the state input's shape would change without being named: MXNet refuses
    mod.reshape([('data', (2, 2))])
except mx.base.MXNetError as e:
    OUT['rs_err'] = 'partial_shaping=True' in str(e)
# a state-less module reshapes
m5 = mx.mod.Module(mx.sym.FullyConnected(data, num_hidden=3, name='fc'), label_names=None)
m5.bind([('data', (4, 2))], for_training=False)
m5.init_params(arg_params={'fc_weight': mx.nd.array(rs.randn(3, 2)), 'fc_bias': mx.nd.ones(3)})
m5.reshape([('data', (2, 2))])
OUT['rs_shapes'] = [str(m5.data_shapes), m5.output_shapes]
m5.forward(mx.io.DataBatch([mx.nd.array(rs.randn(2, 2))]))
OUT['rs_out'] = m5.get_outputs()[0].copy()

# BucketingModule checkpoint
def sym_gen(key):
    x = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
    return mx.sym.SoftmaxOutput(x, name='softmax'), ('data',), ('softmax_label',)
bm = mx.mod.BucketingModule(sym_gen, default_bucket_key=3)
bm.bind([('data', (2, 3))], [('softmax_label', (2,))])
bm.init_params(arg_params={'fc_weight': mx.nd.array(rs.randn(2, 3)), 'fc_bias': mx.nd.ones(2)})
prefix = os.path.join(D, 'bm_' + mx.__name__ + str(hasattr(mx.nd.NDArray, '_data')))
bm.save_checkpoint(prefix, 3)
OUT['bm_files'] = sorted(f.split('_', 1)[1].split('True', 1)[-1].split('False', 1)[-1]
                         for f in os.listdir(D) if f.startswith(os.path.basename(prefix)))
OUT['bm_keys'] = mx.nd.load(prefix + '.buckets')[0]
b2 = mx.mod.BucketingModule.load(prefix, 3, sym_gen=sym_gen, default_bucket_key=3)
b2.bind([('data', (2, 3))], [('softmax_label', (2,))], for_training=False)
xb = mx.nd.array(rs.randn(2, 3))
b2.forward(mx.io.DataBatch([xb], bucket_key=3))
OUT['bm_loaded'] = b2.get_outputs()[0].copy()
'''.replace('D, ', repr(d) + ', ').replace('listdir(D)', 'listdir(%r)' % d))


def test_kvstore_object_monitor_callbacks():
    """Local checks: a KVStore object passed to fit aggregates as the 'local' name does;
    monitors and callbacks are called as in MXNet's fit."""
    import mxnet as mx
    code = MLP + '''
train = mx.io.NDArrayIter(X, y, batch_size=10)
mod = mx.mod.Module(net, context=[mx.cpu(0), mx.cpu(1)])
mod.fit(train, num_epoch=2, arg_params=init_args(),
        optimizer_params={'learning_rate': 0.2, 'momentum': 0.9})
OUT['w'] = mod.get_params()[0]['fc1_weight']
OUT['kv'] = type(mod._kvstore).__name__
import tempfile, os
with tempfile.TemporaryDirectory() as d:
    mod.save_optimizer_states(os.path.join(d, 's.states'))
    mod.load_optimizer_states(os.path.join(d, 's.states'))
'''
    with_kv = run_local(code)
    env_code = code.replace("num_epoch=2,", "num_epoch=2, kvstore=mx.kvstore.create('local'),")
    kv_obj = run_local('import mxnet.kvstore\n' + env_code)
    assert kv_obj['kv'] == 'KVStore'
    np.testing.assert_allclose(kv_obj['w'], with_kv['w'], rtol=1e-6, atol=1e-7)

    class Mon:
        def __init__(self):
            self.calls = []

        def install(self, exe):
            self.calls.append(('install', type(exe).__name__))

        def tic(self):
            self.calls.append('tic')

        def toc_print(self):
            self.calls.append('toc')

    mon = Mon()
    rs = np.random.RandomState(0)
    it = mx.io.NDArrayIter(rs.randn(20, 4).astype('float32'),
                           rs.randint(0, 2, 20).astype('float32'), batch_size=10)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
                                                     name='fc'), name='softmax')
    seen = []
    mod = mx.mod.Module(net)
    mod.fit(it, num_epoch=1, monitor=mon, batch_end_callback=[
        mx.callback.Speedometer(10, 1), lambda p: seen.append((p.nbatch, 'self' in p.locals))],
        eval_end_callback=lambda p: seen.append(('score_end', p.nbatch)), eval_data=it)
    assert mon.calls == [('install', 'Executor'), 'tic', 'toc', 'tic', 'toc']
    assert seen == [(0, True), (1, True), ('score_end', 2)]
    # borrow_optimizer shares the updater; init_optimizer twice warns and keeps the first
    m2 = mx.mod.Module(net)
    m2.bind(it.provide_data, it.provide_label, shared_module=mod)
    assert m2.optimizer_initialized and m2._updater is mod._updater
    assert m2.params_initialized and m2._arg_params is mod._arg_params
    first = mod._optimizer
    mod.init_optimizer(optimizer='adam')
    assert mod._optimizer is first
    mod.init_optimizer(optimizer='adam', force_init=True)
    assert type(mod._optimizer).__name__ == 'Adam'


def test_default_init_and_allow_missing():
    import warnings
    import mxnet as mx
    net = mx.sym.SoftmaxOutput(mx.sym.BatchNorm(mx.sym.FullyConnected(
        mx.sym.var('data'), num_hidden=5, name='fc'), name='bn'), name='softmax')
    mod = mx.mod.Module(net)
    assert mod._param_names == ['fc_weight', 'fc_bias', 'bn_gamma', 'bn_beta']
    mod.bind([('data', (3, 4))], [('softmax_label', (3,))])
    mod.init_params()   # Uniform(0.01); biases and betas 0, gammas and moving_var 1
    a, x = mod.get_params()
    w = a['fc_weight'].asnumpy()
    assert w.std() > 0 and np.abs(w).max() <= 0.01
    assert (a['fc_bias'].asnumpy() == 0).all() and (a['bn_beta'].asnumpy() == 0).all()
    assert (a['bn_gamma'].asnumpy() == 1).all() and (x['bn_moving_var'].asnumpy() == 1).all()
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter('always')
        mod.init_params()
    assert 'init_params call ignored' in str(rec[0].message)
    # allow_missing: given values are copied, the others come from the initializer
    # (as in MXNet, Constant fills weights only: biases still get 0)
    mod.init_params(mx.init.Constant(0.5), arg_params={'bn_gamma': mx.nd.ones(5) * 2},
                    allow_missing=True, force_init=True)
    a, x = mod.get_params()
    assert (a['fc_weight'].asnumpy() == 0.5).all() and (a['fc_bias'].asnumpy() == 0).all()
    assert (a['bn_gamma'].asnumpy() == 2).all()
    # set_params(allow_missing=True) writes to the executors; get_params sees it
    mod.set_params({'fc_bias': mx.nd.ones(5) * 3}, {}, allow_missing=True)
    assert (mod.get_params()[0]['fc_bias'].asnumpy() == 3).all()
    # a checkpoint round trip inside remx, through files, with BatchNorm statistics
    with tempfile.TemporaryDirectory() as d:
        mod.init_optimizer(optimizer_params={'learning_rate': 0.1, 'momentum': 0.5})
        batch = mx.io.DataBatch([mx.nd.array(np.arange(12).reshape(3, 4) / 10.)],
                                [mx.nd.array([0, 1, 2])])
        mod.forward_backward(batch)
        mod.update()
        mod.save_checkpoint(os.path.join(d, 'm'), 3, save_optimizer_states=True)
        m2 = mx.mod.Module.load(os.path.join(d, 'm'), 3, load_optimizer_states=True)
        m2.bind([('data', (3, 4))], [('softmax_label', (3,))])
        m2.init_optimizer(optimizer_params={'learning_rate': 0.1, 'momentum': 0.5})
        for m in (mod, m2):
            m.forward_backward(batch)
            m.update()
        for k, v in mod.get_params()[0].items():
            np.testing.assert_allclose(m2.get_params()[0][k].asnumpy(), v.asnumpy(),
                                       rtol=1e-6, atol=1e-7)
        for k, v in mod.get_params()[1].items():
            np.testing.assert_allclose(m2.get_params()[1][k].asnumpy(), v.asnumpy(),
                                       rtol=1e-6, atol=1e-7)


def test_monitor_sees_backward(compare):
    compare('''
S = mx.sym
net = S.SoftmaxOutput(S.FullyConnected(S.Variable('data'), num_hidden=4, name='fc'), name='sm')
ex = net.simple_bind(mx.cpu(), data=(2, 3))
seen = []
ex.set_monitor_callback(lambda name, arr: seen.append(name if isinstance(name, str)
                                                     else name.decode()))
ex.arg_dict['data'][:] = np.arange(6).reshape(2, 3)
ex.forward(is_train=True)
ex.backward()
mx.nd.waitall()
OUT['seen'] = seen
''')
