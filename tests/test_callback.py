"""mx.callback against MXNet 1.9.1: the logged lines of Speedometer / log_train_metric /
ProgressBar / LogValidationMetricsCallback (with a fake clock), and when do_checkpoint /
module_checkpoint save (with stand-ins for mx.model.save_checkpoint and a module)."""
import logging

import pytest

import mxnet as mx
import mxnet.callback  # noqa: F401  (mx.callback)
import mxnet.metric  # noqa: F401
from mxnet import nd
from mxnet.base import MXNetError

_LOGS = '''
import logging, time
import mxnet.metric, mxnet.callback
try:
    BEP = mx.model.BatchEndParam
except AttributeError:
    BEP = mx.callback.BatchEndParam
OUT['bep'] = [BEP.__name__, list(BEP._fields)]
class Catch(logging.Handler):
    def __init__(self):
        logging.Handler.__init__(self); self.lines = []
    def emit(self, record):
        self.lines.append(record.getMessage())
root = logging.getLogger()
h = Catch(); old_level = root.level; root.addHandler(h); root.setLevel(logging.INFO)
clock = [100.0]
def fake_time():
    clock[0] += 0.25
    return clock[0]
real_time = time.time
time.time = fake_time
try:
    rs = np.random.RandomState(0)
    batches = [(nd.array(rs.randint(0, 3, size=(4,))), nd.array(rs.rand(4, 3)))
               for _ in range(30)]
    def train(cb, metric, epochs=((0, 13), (1, 7))):
        for epoch, n in epochs:
            if metric is not None:
                metric.reset()
            for nbatch in range(n):
                if metric is not None:
                    metric.update([batches[nbatch][0]], [batches[nbatch][1]])
                cb(BEP(epoch=epoch, nbatch=nbatch, eval_metric=metric, locals=None))
    for key, cb, metric in [
            ('speed', mx.callback.Speedometer(4, 5), mx.metric.Accuracy()),
            ('speed_noreset', mx.callback.Speedometer(4, frequent=3, auto_reset=False),
             mx.metric.create(['acc', 'ce'])),
            ('speed_nometric', mx.callback.Speedometer(batch_size=2, frequent=4), None),
            ('logtrain', mx.callback.log_train_metric(4), mx.metric.Accuracy()),
            ('logtrain_reset', mx.callback.log_train_metric(3, auto_reset=True),
             mx.metric.create(['acc', 'mse'])),
            ('logtrain_none', mx.callback.log_train_metric(2), None),
            ('progress', mx.callback.ProgressBar(total=7, length=20), None),
            ('progress80', mx.callback.ProgressBar(3), None),
            ('validation', mx.callback.LogValidationMetricsCallback(),
             mx.metric.CompositeEvalMetric(['acc', mx.metric.TopKAccuracy(2)])),
            ('validation_none', mx.callback.LogValidationMetricsCallback(), None)]:
        del h.lines[:]
        train(cb, metric)
        OUT['log/' + key] = list(h.lines)
    sp = mx.callback.Speedometer(3)
    OUT['speed/attrs'] = [sp.batch_size, sp.frequent, sp.auto_reset, sp.init, sp.tic,
                          sp.last_count]
    pb = mx.callback.ProgressBar(10)
    OUT['progress/attrs'] = [pb.bar_len, pb.total]
    # checkpoints: a stand-in for save_checkpoint and for a module
    saved = []
    mx.callback.save_checkpoint = lambda *a, **k: saved.append([a[0], a[1], a[2], a[3], a[4]])
    for prefix, period in [('a', 1), ('b', 2), ('c', 0), ('d', 2.7)]:
        cb = mx.callback.do_checkpoint(prefix, period)
        for i in range(6):
            cb(i, 'sym%d' % i, 'arg', 'aux')
    OUT['ckpt/do'] = saved
    class Mod:
        def __init__(self): self.calls = []
        def save_checkpoint(self, *a): self.calls.append(list(a))
    mod = Mod()
    cb = mx.callback.module_checkpoint(mod, 'm', period=3, save_optimizer_states=True)
    for i in range(7):
        cb(i)
    cb2 = mx.callback.module_checkpoint(mod, 'n')
    cb2(0, 'sym', {}, {})
    OUT['ckpt/module'] = mod.calls
finally:
    time.time = real_time
    root.removeHandler(h); root.setLevel(old_level)
'''


def test_callbacks_match_reference(compare):
    saved = mx.callback.save_checkpoint
    try:
        compare(_LOGS)
    finally:
        mx.callback.save_checkpoint = saved


def test_do_checkpoint_writes_mx_model_checkpoints(tmp_path):
    prefix = str(tmp_path / 'net')
    net = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
    arg = {'fc_weight': nd.ones((2, 3)), 'fc_bias': nd.zeros((2,))}
    cb = mx.callback.do_checkpoint(prefix, period=2)
    for i in range(4):
        cb(i, net, arg, {})
    assert sorted(p.name for p in tmp_path.iterdir()) == ['net-0002.params', 'net-0004.params',
                                                         'net-symbol.json']
    sym, a, x = mx.model.load_checkpoint(prefix, 4)
    assert sym.list_arguments() == ['data', 'fc_weight', 'fc_bias'] and x == {}
    assert (a['fc_weight'].asnumpy() == 1).all()
    with pytest.raises(MXNetError, match='period'):
        mx.callback.do_checkpoint('p', period='x')


def test_speedometer_details(caplog):
    bep = mx.callback.BatchEndParam
    assert bep.__name__ == 'BatchEndParams'
    assert bep._fields == ('epoch', 'nbatch', 'eval_metric', 'locals')
    caplog.set_level(logging.INFO)
    sp = mx.callback.Speedometer(8, frequent=2)
    acc = mx.metric.Accuracy()
    for nb in range(5):
        acc.update([nd.array([0, 1])], [nd.array([[0.9, 0.1], [0.2, 0.8]])])
        sp(bep(0, nb, acc, None))
    lines = [r.getMessage() for r in caplog.records]
    assert len(lines) == 2
    assert lines[0].startswith('Epoch[0] Batch [0-2]\tSpeed: ')
    assert lines[0].endswith(' samples/sec\taccuracy=1.000000')
    # auto_reset cleared the local statistics after the second log; the global ones remain
    assert acc.num_inst == 0 and acc.global_num_inst == 10
