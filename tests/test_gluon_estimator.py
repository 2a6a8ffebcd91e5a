"""gluon.contrib.estimator (Estimator, event handlers, BatchProcessor) against MXNet 1.9.1:
the trained parameters, metric values, handler counters, checkpoint files and log lines."""
import logging
import os
import re
import warnings

import numpy as np
import pytest

import mxnet as mx
from mxnet import gluon, nd
from mxnet.gluon.contrib.estimator import (Estimator, BatchProcessor, LoggingHandler,
                                           CheckpointHandler, EarlyStoppingHandler,
                                           MetricHandler, GradientUpdateHandler,
                                           ValidationHandler, StoppingHandler, EpochEnd)

EST_CODE = r'''
import os, tempfile, warnings
warnings.simplefilter('ignore')
from mxnet import gluon
from mxnet.gluon.contrib.estimator import *
rs = np.random.RandomState(0)
x = nd.array(rs.uniform(-1, 1, (12, 3))); y = nd.array(rs.randint(0, 4, (12,)))
dl = gluon.data.DataLoader(gluon.data.ArrayDataset(x, y), batch_size=4)
net = gluon.nn.HybridSequential()
with net.name_scope():
    net.add(gluon.nn.Dense(5, activation='tanh'), gluon.nn.Dense(4))
net.initialize(mx.init.Constant(0.1))
net(x)
for i, (k, p) in enumerate(sorted(net.collect_params().items())):
    p.set_data(nd.array(rs.uniform(-0.5, 0.5, p.shape)))
trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.5})
est = Estimator(net, loss=gluon.loss.SoftmaxCrossEntropyLoss(), trainer=trainer)
OUT['metric_names'] = [m.name for m in est.train_metrics] + [m.name for m in est.val_metrics]
d = tempfile.mkdtemp()
ck = CheckpointHandler(d, model_prefix='m', monitor=est.train_metrics[0], save_best=True,
                       batch_period=2, epoch_period=None, max_checkpoints=2)
es = EarlyStoppingHandler(monitor=est.train_metrics[1], mode='min', patience=1)
est.fit(dl, val_data=dl, batches=7, event_handlers=[ck, es])
for k, p in sorted(net.collect_params().items()):
    OUT['p_' + k] = p.data()
def mv(ms):
    return [[m.get()[0], round(float(m.get()[1]), 4)] for m in ms]
OUT['train'] = mv(est.train_metrics)
OUT['val'] = mv(est.val_metrics)
OUT['files'] = sorted(f for f in os.listdir(d))
OUT['ck'] = [ck.current_batch, ck.current_epoch]
OUT['es'] = [es.current_epoch, es.stopped_epoch, es.wait]
est.evaluate(dl)
OUT['eval'] = mv(est.val_metrics)
handlers = est._prepare_default_handlers(val_data=dl, event_handlers=[es])
OUT['order'] = [type(h).__name__ for h in handlers]
'''


def test_estimator_training_matches_reference(compare):
    compare(EST_CODE, rtol=1e-5, atol=1e-6)


def _data(n=16, batch=4):
    x = nd.ones((n, 6))
    y = nd.zeros((n,))
    return gluon.data.DataLoader(gluon.data.ArrayDataset(x, y), batch_size=batch)


def _net():
    net = gluon.nn.Sequential()
    net.add(gluon.nn.Dense(3))
    return net


def test_errors_and_defaults():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        est = Estimator(_net(), loss=gluon.loss.L2Loss())
    assert any('No trainer specified' in str(x.message) for x in w)
    assert [m.name for m in est.train_metrics] == ['training l2loss']
    assert [m.name for m in est.val_metrics] == ['validation l2loss']
    assert est.context == [mx.cpu()]
    with pytest.raises(ValueError):
        Estimator(_net(), loss='mse')
    with pytest.raises(ValueError):
        Estimator(_net(), loss=gluon.loss.L2Loss(), train_metrics='acc')
    with pytest.raises(ValueError):
        Estimator(_net(), loss=gluon.loss.L2Loss(), context='cpu')
    with pytest.raises(AssertionError):
        Estimator(_net(), loss=gluon.loss.L2Loss(), context=[mx.gpu(100)])
    with pytest.raises(ValueError):
        Estimator(_net(), loss=gluon.loss.L2Loss(), trainer='sgd')
    with pytest.raises(ValueError):
        Estimator(_net(), loss=gluon.loss.L2Loss(), batch_processor=object())
    with pytest.raises(ValueError):
        est.fit(_data(), epochs=1, batches=2)
    with pytest.raises(ValueError):
        est.fit(mx.io.NDArrayIter(nd.ones((4, 6))), epochs=1)
    with pytest.raises(ValueError):   # a handler holding a metric the estimator does not know
        est.fit(_data(), epochs=1, event_handlers=[LoggingHandler(metrics=[mx.metric.RMSE()])])
    with pytest.raises(ValueError):
        LoggingHandler(log_interval='batch')
    with pytest.raises(ValueError):
        EarlyStoppingHandler(monitor='acc')
    with pytest.raises(ValueError):
        CheckpointHandler('/tmp', save_best=True)


def test_handlers_logging_stop_and_resume(tmp_path, capsys):
    class Stop(EpochEnd):
        def __init__(self):
            self.n = 0

        def epoch_end(self, estimator, *args, **kwargs):
            self.n += 1
            return self.n == 2
    acc = mx.metric.Accuracy()
    est = Estimator(_net(), loss=gluon.loss.SoftmaxCrossEntropyLoss(), train_metrics=acc)
    log = LoggingHandler(metrics=[acc], log_interval=2)
    stop = Stop()
    est.fit(_data(), epochs=5, event_handlers=[log, stop])
    out = capsys.readouterr().out.splitlines()
    assert stop.n == 2 and log.current_epoch == 2
    assert out[0] == 'Training begin: using optimizer SGD with current learning rate 0.0010 '
    assert out[1] == 'Train for 5 epochs.'
    pat = r'\[Epoch \d+\]\[Batch \d+\]\[Samples \d+\] time/interval: \d+\.\d+s training ' \
          r'accuracy: \d+\.\d+$'
    assert sum(bool(re.match(pat, l)) for l in out) == 4     # batches 0 and 2 of 2 epochs
    assert re.match(r'Train finished using total \d+s with 2 epochs\. training accuracy: '
                    r'\d\.\d{4}$', out[-1])
    # checkpoints: periodic files (oldest removed), symbol only for hybridized nets, resume
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(3))
    net.hybridize()
    est = Estimator(net, loss=gluon.loss.SoftmaxCrossEntropyLoss(), train_metrics=acc)
    ck = CheckpointHandler(str(tmp_path), model_prefix='n', max_checkpoints=2)
    est.fit(_data(), epochs=3, event_handlers=[ck])
    files = sorted(os.listdir(tmp_path))
    assert files == ['n-epoch1batch8.params', 'n-epoch1batch8.states', 'n-epoch2batch12.params',
                     'n-epoch2batch12.states', 'n-symbol.json']
    ck = CheckpointHandler(str(tmp_path), model_prefix='n', max_checkpoints=2,
                           resume_from_checkpoint=True)
    est.fit(_data(), epochs=5, event_handlers=[ck])
    assert est.max_epoch == 2
    assert 'n-epoch4batch20.params' in os.listdir(tmp_path)
    with pytest.raises(ValueError):
        est.fit(_data(), epochs=3, event_handlers=[CheckpointHandler(
            str(tmp_path), model_prefix='n', resume_from_checkpoint=True)])
    # a custom batch processor
    calls = []

    class BP(BatchProcessor):
        def fit_batch(self, estimator, batch, batch_axis=0):
            calls.append(batch[0].shape)
            return super().fit_batch(estimator, batch, batch_axis)
    est = Estimator(_net(), loss=gluon.loss.SoftmaxCrossEntropyLoss(), batch_processor=BP())
    est.fit(_data(8), batches=3)
    assert calls == [(4, 6)] * 3
