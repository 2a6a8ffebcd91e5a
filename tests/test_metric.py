"""mx.metric against MXNet 1.9.1: every metric's get / get_global / get_name_value after several
updates (lists, single NDArrays, reset_local in between), create / register / alias, configs,
and remx's error handling."""
import numpy as np
import pytest

import mxnet as mx
import mxnet.metric  # noqa: F401  (mx.metric)
from mxnet import nd
from mxnet.base import MXNetError

# Shared snippet prelude: deterministic batches and a recorder of everything a metric reports.
_DATA = '''
import mxnet.metric
rs = np.random.RandomState(0)
def softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True)); return e / e.sum(axis=-1, keepdims=True)
CLS = [(nd.array(rs.randint(0, 4, size=(8,))), nd.array(softmax(rs.randn(8, 4))))
       for _ in range(4)]
BIN = [(nd.array(rs.randint(0, 2, size=(10,))), nd.array(softmax(rs.randn(10, 2))))
       for _ in range(4)]
REG = [(nd.array(rs.randn(6)), nd.array(rs.randn(6, 1))) for _ in range(4)]
SEQ = [(nd.array(rs.randint(0, 5, size=(3, 4))), nd.array(softmax(rs.randn(3, 4, 5))))
       for _ in range(4)]
def rec(key, m, with_str=True):
    n, v = m.get(); OUT[key + '/name'] = n; OUT[key + '/get'] = np.array(v, dtype=np.float64)
    n, v = m.get_global(); OUT[key + '/gname'] = n
    OUT[key + '/get_global'] = np.array(v, dtype=np.float64)
    nv = m.get_name_value(); OUT[key + '/nv_names'] = [a for a, _ in nv]
    OUT[key + '/nv'] = np.array([b for _, b in nv], dtype=np.float64)
    nv = m.get_global_name_value(); OUT[key + '/gnv_names'] = [a for a, _ in nv]
    OUT[key + '/gnv'] = np.array([b for _, b in nv], dtype=np.float64)
    if with_str:
        OUT[key + '/str'] = str(m)
def run(key, m, data, with_str=True, single=True):
    l0, p0 = data[0]; l1, p1 = data[1]; l2, p2 = data[2]; l3, p3 = data[3]
    rec(key + '/empty', m, with_str)
    m.update([l0], [p0])
    if single:
        m.update(l1, p1)
    else:
        m.update([l1], [p1])
    rec(key + '/a', m, with_str)
    m.reset_local()
    rec(key + '/b', m, with_str)
    m.update([l2, l3], [p2, p3])
    rec(key + '/c', m, with_str)
    m.reset()
    m.update([l3], [p3])
    rec(key + '/d', m, with_str)
'''


def test_metrics_match_reference(compare):
    compare(_DATA + '''
M = mx.metric
run('acc', M.Accuracy(), CLS)
run('acc_idx', M.Accuracy(), [(l, nd.argmax(p, axis=1)) for l, p in CLS])
run('acc_axis0', M.Accuracy(axis=0), [(l, p.T) for l, p in CLS], single=False)
run('top2', M.TopKAccuracy(top_k=2), CLS)
run('top3', M.create('top_k_acc', top_k=3), CLS)
run('f1', M.F1(), BIN)
run('f1_micro', M.F1(average='micro'), BIN)
run('mcc', M.MCC(), BIN)
run('mcc_micro', M.MCC(average='micro'), BIN)
run('perp', M.Perplexity(ignore_label=None), CLS, False)
run('perp_ign', M.Perplexity(ignore_label=1), CLS, False)
run('perp_seq', M.Perplexity(ignore_label=0, axis=-1), [(l, p.reshape((-1, 5))) for l, p in SEQ],
    False, single=False)
run('mae', M.MAE(), REG)
run('mse', M.MSE(), REG)
run('rmse', M.RMSE(), REG)
run('mae_2d', M.MAE(), [(l.reshape((-1, 1)), p) for l, p in REG])
run('ce', M.CrossEntropy(), CLS)
run('ce_eps', M.create('ce', eps=1e-3), CLS)
run('nll', M.NegativeLogLikelihood(), CLS)
REG1 = [(l, p.reshape((-1,))) for l, p in REG]
run('pearson', M.PearsonCorrelation(), REG1)
run('pearson_micro', M.PearsonCorrelation(average='micro'), REG1)
run('pcc', M.PCC(), CLS)
run('pcc_bin', M.PCC(), BIN)
run('pcc_nog', M.PCC(has_global_stats=False), CLS)
run('loss', M.Loss(), [(None, p) for _, p in CLS], False)
run('torch', M.Torch(), [(None, p) for _, p in CLS], False)
run('caffe', M.Caffe(), [(None, p) for _, p in CLS], False)
def mean_abs(label, pred):
    return np.abs(label - pred.ravel()).mean()
run('custom', M.CustomMetric(mean_abs), REG)
run('custom_lambda', M.create(lambda l, p: (float(np.abs(l - p.ravel()).sum()), l.size)), REG)
run('custom_f32', M.create(lambda l, p: np.float32(np.abs(l - p.ravel()).mean()), name='f32'),
    REG)
run('np_deco', M.np(mean_abs), REG)
run('composite', M.create(['acc', 'ce', M.TopKAccuracy(2), 'pcc']), CLS)
run('composite2', M.CompositeEvalMetric([M.F1(), 'mcc']), BIN)
''', rtol=1e-5, atol=1e-7)


def test_metric_api_matches_reference(compare):
    compare(_DATA + '''
M = mx.metric
# the registry: every name and alias
for a in ['acc', 'accuracy', 'Accuracy', 'caffe', 'ce', 'composite', 'compositeevalmetric',
          'crossentropy', 'f1', 'loss', 'mae', 'mcc', 'mse', 'negativeloglikelihood',
          'nll_loss', 'pcc', 'pearsoncorrelation', 'pearsonr', 'rmse', 'torch', 'TORCH']:
    m = M.create(a)
    OUT['create/' + a] = [type(m).__name__, m.name, m.get_config()]
for a in ['top_k_accuracy', 'top_k_acc', 'topkaccuracy']:
    m = M.create(a, top_k=5)
    OUT['create/' + a] = [type(m).__name__, m.name, m.get_config()]
m = M.create('perplexity', -1)
OUT['create/perp'] = [type(m).__name__, m.name, m.get_config(), m.axis]
OUT['create/pos'] = M.create('acc', 0).axis
OUT['create/json_list'] = M.create('["top_k_accuracy", {"top_k": 3}]').name
OUT['create/json_dict'] = M.create('{"metric": "acc", "axis": 0}').get_config()
OUT['create/dict'] = M.create({'metric': 'ce', 'eps': 0.5}).get_config()
inst = M.MAE()
OUT['create/inst'] = M.create(inst) is inst
OUT['create/callable'] = M.create(np.mean).name
OUT['create/class_is_callable'] = [type(M.create(M.Accuracy)).__name__,
                                   M.create(M.Accuracy).name]
comp = M.create(['acc', 'f1', M.create('top_k_acc', top_k=2)])
OUT['comp/config'] = comp.get_config()
comp2 = M.create(**comp.get_config())
OUT['comp/config2'] = comp2.get_config()
OUT['comp/names'] = [m.name for m in comp2.metrics]
OUT['comp/get_metric'] = comp.get_metric(1).name
comp.add('mse')
OUT['comp/n'] = len(comp.metrics)
OUT['acc/config'] = M.create(**M.Accuracy(axis=2, name='a2', output_names=['o'],
                                          label_names=['l']).get_config()).get_config()
OUT['pearson/config'] = M.PearsonCorrelation(average='micro').get_config()
OUT['f1/config'] = M.F1(average='micro').get_config()
OUT['pcc/config'] = M.PCC(has_global_stats=False).get_config()
# register / alias
@M.register
@M.alias('halfacc', 'half_acc')
class HalfAccuracy(M.Accuracy):
    def get(self):
        n, v = super().get()
        return n, v / 2
m = M.create('HALFACC')
m.update([CLS[0][0]], [CLS[0][1]])
OUT['reg/type'] = type(m).__name__
OUT['reg/get'] = m.get()
OUT['reg/get2'] = M.create('halfaccuracy').name
# update_dict and name filters
l0, p0 = CLS[0]; l1, p1 = CLS[1]
acc = M.Accuracy(output_names=['out1'], label_names=['lab1'])
acc.update_dict({'lab0': l0, 'lab1': l1}, {'out0': p0, 'out1': p1})
OUT['ud/acc'] = acc.get()
acc = M.Accuracy()
acc.update_dict({'lab0': l0, 'lab1': l1}, {'out0': p0, 'out1': p1})
OUT['ud/acc_all'] = acc.get()
comp = M.CompositeEvalMetric(['acc', M.Accuracy(label_names=['lab0'], output_names=['out0'],
                                                name='acc0')],
                             output_names=['out0', 'out1'], label_names=['lab0', 'lab1'])
comp.update_dict({'lab0': l0, 'lab1': l1, 'x': l0}, {'out0': p0, 'out1': p1, 'y': p1})
OUT['ud/comp'] = comp.get()
OUT['ud/comp_nv'] = comp.get_name_value()
OUT['ud/comp_str'] = str(comp)
# single arrays and the default-name rules
OUT['custom/names'] = [M.CustomMetric(np.mean).name, M.CustomMetric(lambda a, b: 0).name,
                       M.CustomMetric(np.mean, name='x').name, M.np(np.mean).name,
                       M.np(lambda a, b: 0, name='y').name]
extra = M.CustomMetric(lambda l, p: float(p.sum()), allow_extra_outputs=True)
extra.update([l0], [p0, p1])
OUT['custom/extra'] = extra.get()
m = M.EvalMetric('base')
OUT['base/get'] = str(m.get())
OUT['base/config'] = m.get_config()
OUT['base/str'] = str(m)
OUT['base/global'] = str(m.get_global())
m = M.EvalMetric('base2', foo=3)
OUT['base/config2'] = m.get_config()
OUT['top1/err'] = False
try:
    M.TopKAccuracy(top_k=1)
except AssertionError:
    OUT['top1/err'] = True
try:
    M.Accuracy().update([l0, l1], [p0])
except ValueError as e:
    OUT['shape/err'] = str(e)
try:
    M.F1().update([nd.array([0, 1, 2])], [nd.array([[.1, .9], [.8, .2], [.5, .5]])])
except ValueError as e:
    OUT['f1/err'] = 'currently only supports binary classification' in str(e)
try:
    M.create('nosuchmetric')
except AssertionError as e:
    OUT['create/err'] = True
try:
    M.CustomMetric(np.mean).get_config()
except NotImplementedError as e:
    OUT['custom/err'] = str(e)
OUT['check'] = [type(x).__name__ for x in M.check_label_shapes(nd.ones((2, 3)),
                                                               nd.ones((2, 4)), True)]
''')


def test_numpy_inputs_match_ndarray():
    """remx also takes numpy arrays (MXNet 1.9.1 raised AttributeError): same values."""
    rs = np.random.RandomState(1)
    lab = rs.randint(0, 3, size=(12,)).astype(np.float32)
    pr = rs.rand(12, 3).astype(np.float32)
    blab = (lab > 0).astype(np.float32)
    bpr = rs.rand(12, 2).astype(np.float32)
    reg = rs.randn(12).astype(np.float32)
    cases = [(mx.metric.Accuracy, {}, lab, pr), (mx.metric.TopKAccuracy, {'top_k': 2}, lab, pr),
             (mx.metric.F1, {}, blab, bpr), (mx.metric.MCC, {'average': 'micro'}, blab, bpr),
             (mx.metric.Perplexity, {'ignore_label': 0}, lab, pr),
             (mx.metric.MAE, {}, reg, pr[:, 0]),
             (mx.metric.MSE, {}, reg, pr[:, :1]), (mx.metric.RMSE, {}, reg, pr[:, 0]),
             (mx.metric.CrossEntropy, {}, lab, pr), (mx.metric.NegativeLogLikelihood, {}, lab, pr),
             (mx.metric.PearsonCorrelation, {}, reg, pr[:, 0]), (mx.metric.PCC, {}, lab, pr),
             (mx.metric.Loss, {}, lab, pr)]
    for cls, kw, l, p in cases:
        a, b = cls(**kw), cls(**kw)
        a.update([l], [p])
        a.update(l, p)
        b.update([nd.array(l)], [nd.array(p)])
        b.update(nd.array(l), nd.array(p))
        np.testing.assert_allclose(a.get()[1], b.get()[1], rtol=1e-6, err_msg=cls.__name__)
        np.testing.assert_allclose(a.get_global()[1], b.get_global()[1], rtol=1e-6)
    # results are plain Python floats (MXNet's NumPy 1.x float64s print the same way)
    acc = mx.metric.Accuracy()
    acc.update([nd.array([0, 1, 1])], [nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])])
    assert repr(acc.get()) == "('accuracy', 0.6666666666666666)"
    assert str(acc) == "EvalMetric: {'accuracy': 0.6666666666666666}"


def test_errors_are_mxnet_errors():
    M = mx.metric
    l, p = nd.array([0, 1, 1]), nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])
    acc = M.Accuracy()
    acc.update([l], [p])
    before = (acc.sum_metric, acc.num_inst, acc.global_sum_metric, acc.global_num_inst)
    with pytest.raises(MXNetError, match='does not match'):
        acc.update([l, l], [p])
    with pytest.raises(ValueError):  # still MXNet's ValueError
        acc.update([l, nd.array([0, 1])], [p, p])     # second pair bad: nothing updated
    assert (acc.sum_metric, acc.num_inst, acc.global_sum_metric, acc.global_num_inst) == before
    with pytest.raises(MXNetError, match='NDArray or numpy'):
        acc.update([[0, 1, 1]], [p])
    with pytest.raises(MXNetError):
        acc.update(3, p)
    with pytest.raises(AssertionError):
        M.TopKAccuracy(top_k=1)
    with pytest.raises(MXNetError, match='top_k=5'):
        M.TopKAccuracy(top_k=5).update([l], [p])
    with pytest.raises(MXNetError, match='Predictions should be no more than 2 dims'):
        M.TopKAccuracy(top_k=2).update([l], [nd.ones((3, 2, 2))])
    f1 = M.F1()
    with pytest.raises(MXNetError, match='binary classification'):
        f1.update([nd.array([0, 1, 2])], [p])
    assert f1.get()[0] == 'f1' and np.isnan(f1.get()[1])
    with pytest.raises(MXNetError, match='shape mismatch'):
        M.Perplexity(None).update([nd.array([0, 1])], [p])
    with pytest.raises(MXNetError):  # MXNet 1.9.1: "Shape inconsistent" from pick
        M.Perplexity(0).update([nd.zeros((3, 4))], [nd.ones((3, 4, 5))])
    with pytest.raises(MXNetError, match='do not index'):
        M.CrossEntropy().update([nd.array([0, 5, 1])], [p])
    with pytest.raises(MXNetError, match='labels for'):
        M.NegativeLogLikelihood().update([nd.array([[0, 1], [1, 0]])], [p])
    with pytest.raises(MXNetError, match='not registered'):
        M.create('nosuch')
    with pytest.raises(AssertionError):
        M.create(M.Accuracy(), axis=2)
    with pytest.raises(MXNetError, match='Can only register'):
        M.register(int)
    with pytest.raises(NotImplementedError):
        M.CustomMetric(np.mean).get_config()
    with pytest.raises(MXNetError, match='not implemented'):
        M.EvalMetric('x').update([l], [p])
    with pytest.raises(KeyError):
        M.Accuracy(output_names=['nope']).update_dict({'a': l}, {'b': p})
    with pytest.raises(MXNetError, match='out of range'):
        M.CompositeEvalMetric(['acc']).get_metric(3)
    with pytest.raises(MXNetError, match='callable'):
        M.CustomMetric('acc')
    with pytest.raises(MXNetError, match='do not broadcast'):
        M.MSE().update([nd.ones((3, 2))], [nd.ones((3, 4))])
    with pytest.raises(MXNetError, match='PCC expects'):
        M.PCC().update([nd.ones((3, 2))], [nd.ones((3, 4, 2))])
    with pytest.warns(UserWarning, match='overriding'):
        @M.register
        class Accuracy(M.EvalMetric):  # noqa: F811  (a user class shadowing a name)
            pass
    with pytest.warns(UserWarning):
        M.register(M.Accuracy)  # restore the built-in
    assert type(M.create('accuracy')) is M.Accuracy


def test_quirks_kept():
    """MXNet 1.9.1 behaviours a port might 'fix' by accident."""
    M = mx.metric
    # TopKAccuracy with 1-D predictions adds to the local sum only
    t = M.TopKAccuracy(top_k=2)
    t.update([nd.array([2, 0, 1])], [nd.array([0.2, 0.8, 0.1])])
    assert t.global_sum_metric == 0.0 and t.num_inst == 3
    # PearsonCorrelation 'micro' keeps no global sum: get_global() is 0
    pc = M.PearsonCorrelation(average='micro')
    pc.update([nd.array([1., 2, 3])], [nd.array([1., 2, 4])])
    assert pc.get_global()[1] == 0.0 and pc.get()[1] > 0.9
    # F1 'macro' global value is the mean of per-update scores, like the local one
    f = M.F1()
    f.update([nd.array([0, 1])], [nd.array([[0.9, 0.1], [0.2, 0.8]])])
    f.update([nd.array([0, 1])], [nd.array([[0.1, 0.9], [0.2, 0.8]])])
    assert f.get() == f.get_global() == ('f1', (1.0 + 2 / 3.) / 2)
