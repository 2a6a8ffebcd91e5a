"""gluon.contrib.nn against MXNet 1.9.1: Concurrent, HybridConcurrent, Identity,
SparseEmbedding, SyncBatchNorm, PixelShuffle1D/2D/3D."""
import warnings

import numpy as np
import pytest

import mxnet as mx
from mxnet import nd, autograd
from mxnet.base import MXNetError
from mxnet.gluon import nn
from mxnet.gluon.contrib import nn as contrib_nn


CONTRIB_CODE = '''
import warnings
warnings.simplefilter('ignore')
from mxnet.gluon import nn
from mxnet.gluon.contrib import nn as contrib_nn
rs = np.random.RandomState(0)

# --- pixel shuffle: values, gradients, reprs, prefixes
for name, layer, shp in [('ps1', contrib_nn.PixelShuffle1D(3), (2, 6, 5)),
                         ('ps2', contrib_nn.PixelShuffle2D((2, 3)), (2, 12, 3, 4)),
                         ('ps2i', contrib_nn.PixelShuffle2D(2), (1, 8, 2, 3)),
                         ('ps3', contrib_nn.PixelShuffle3D((2, 1, 3)), (1, 12, 2, 3, 2)),
                         ('ps3i', contrib_nn.PixelShuffle3D(2), (2, 8, 1, 2, 3))]:
    x = nd.array(rs.randn(*shp))
    x.attach_grad()
    w = nd.array(rs.randn(*layer(x).shape))
    layer.hybridize()
    with autograd.record():
        y = layer(x)
        l = (y * w).sum()
    l.backward()
    OUT[name] = y
    OUT[name + '_grad'] = x.grad
    OUT[name + '_repr'] = repr(layer)
    OUT[name + '_prefix'] = layer.prefix

# --- Identity
i = contrib_nn.Identity()
x = nd.array(rs.randn(3, 4))
OUT['id'] = i(x)
OUT['id_repr'] = repr(i)
OUT['id_prefix'] = i.prefix

# --- HybridConcurrent / Concurrent: names, shapes, values, gradients, repr
for cls, key in [(contrib_nn.HybridConcurrent, 'hc'), (contrib_nn.Concurrent, 'cc')]:
    net = cls(axis=1)
    with net.name_scope():
        net.add(nn.Dense(3, activation='relu'))
        net.add(nn.Dense(2))
        net.add(contrib_nn.Identity())
    OUT[key + '_repr0'] = repr(net)
    net.initialize()
    x = nd.array(rs.randn(4, 5))
    net(x)
    params = net.collect_params()
    OUT[key + '_names'] = list(params.keys())
    OUT[key + '_shapes'] = [list(p.shape) for p in params.values()]
    for p in params.values():
        p.set_data(nd.array(rs.randn(*p.shape)))
    x.attach_grad()
    with autograd.record():
        y = net(x)
        l = (y * y).sum()
    l.backward()
    OUT[key + '_out'] = y
    OUT[key + '_xgrad'] = x.grad
    for n, p in params.items():
        OUT[key + '_g_' + n] = p.grad()
    OUT[key + '_repr'] = repr(net)
    OUT[key + '_prefix'] = net.prefix
    OUT[key + '_axis'] = net.axis
    OUT[key + '_len'] = len(net)

# default axis -1, nested in a HybridSequential
seq = nn.HybridSequential()
with seq.name_scope():
    seq.add(nn.Dense(4))
    b = contrib_nn.HybridConcurrent()
    with b.name_scope():
        b.add(nn.Dense(2))
        b.add(nn.Dense(3))
    seq.add(b)
seq.initialize()
seq(nd.ones((2, 3)))
OUT['nest_names'] = list(seq.collect_params().keys())
OUT['nest_repr'] = repr(seq)

# --- SparseEmbedding
e = contrib_nn.SparseEmbedding(10, 4)
OUT['se_repr'] = repr(e)
OUT['se_names'] = list(e.collect_params().keys())
e.initialize()
e.weight.set_data(nd.array(rs.randn(10, 4)))
try:
    e(nd.array([1]))
except RuntimeError as err:
    OUT['se_notrainer'] = str(err)
tr = mx.gluon.Trainer(e.collect_params(), 'sgd', {'learning_rate': 0.1})
idx = nd.array([[1, 3, 3], [0, 9, 1]])
with autograd.record():
    y = e(idx)
    l = (y * nd.array(rs.randn(2, 3, 4))).sum()
l.backward()
OUT['se_out'] = y
OUT['se_grad'] = e.weight.grad().asnumpy()
e16 = contrib_nn.SparseEmbedding(5, 2, dtype='float64')
OUT['se64_repr'] = repr(e16)

# --- SyncBatchNorm: training (batch statistics), running stats, inference, gradients
for key, kw in [('sbn', {}), ('sbn_ns', {'scale': False, 'momentum': 0.8}),
                ('sbn_g', {'use_global_stats': True, 'epsilon': 1e-3})]:
    s = contrib_nn.SyncBatchNorm(num_devices=1, **kw)
    OUT[key + '_repr0'] = repr(s)
    OUT[key + '_names'] = list(s.collect_params().keys())
    s.initialize()
    x = nd.array(rs.randn(4, 3, 2, 5))
    s(x)
    OUT[key + '_shapes'] = [list(p.shape) for p in s.collect_params().values()]
    for n in ['gamma', 'beta']:
        getattr(s, n).set_data(nd.array(rs.rand(3) + 0.5))
    s.running_mean.set_data(nd.array(rs.randn(3) * 0.1))
    s.running_var.set_data(nd.array(rs.rand(3) + 0.5))
    x.attach_grad()
    w = nd.array(rs.randn(4, 3, 2, 5))
    with autograd.record():
        y = s(x)
        l = (y * w).sum()
    l.backward()
    OUT[key + '_out'] = y
    OUT[key + '_xgrad'] = x.grad
    OUT[key + '_beta_grad'] = s.beta.grad()
    if kw.get('scale', True):
        OUT[key + '_gamma_grad'] = s.gamma.grad()
    OUT[key + '_rm'] = s.running_mean.data()
    OUT[key + '_rv'] = s.running_var.data()
    OUT[key + '_pred'] = s(x)
    OUT[key + '_repr'] = repr(s)
s = contrib_nn.SyncBatchNorm(in_channels=4, num_devices=3, prefix='sync_')
OUT['sbn3_repr'] = repr(s)
OUT['sbn3_names'] = list(s.collect_params().keys())
OUT['sbn3_shapes'] = [list(p.shape) for p in s.collect_params().values()]
'''


def test_contrib_layers_match_mxnet(compare):
    compare(CONTRIB_CODE, rtol=1e-4, atol=1e-5)


def test_sync_batchnorm_default_devices_warns():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        s = contrib_nn.SyncBatchNorm()
    assert any('SyncBatchNorm' in str(x.message) for x in w)
    assert s._kwargs['ndev'] == max(mx.context.num_gpus(), 1)
    assert isinstance(s, nn.BatchNorm)


def test_sync_batchnorm_equals_batchnorm():
    rs = np.random.RandomState(1)
    x = nd.array(rs.randn(6, 4, 3))
    s = contrib_nn.SyncBatchNorm(num_devices=2)
    b = nn.BatchNorm()
    s.initialize()
    b.initialize()
    with autograd.record():
        ys = s(x)
        yb = b(x)
    np.testing.assert_allclose(ys.asnumpy(), yb.asnumpy(), rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(s.running_mean.data().asnumpy(),
                               b.running_mean.data().asnumpy(), rtol=1e-6, atol=1e-7)


def test_errors():
    with pytest.raises(MXNetError):
        contrib_nn.PixelShuffle2D((2, 2, 2))
    with pytest.raises(MXNetError):
        contrib_nn.PixelShuffle3D((2, 2))
    with pytest.raises(MXNetError):
        contrib_nn.PixelShuffle1D('a')
    with pytest.raises(MXNetError):
        contrib_nn.PixelShuffle2D(0)
    with pytest.raises(MXNetError):
        contrib_nn.SyncBatchNorm(num_devices=0)
    # channels not divisible by the factors
    with pytest.raises(MXNetError):
        contrib_nn.PixelShuffle2D(2)(nd.ones((1, 6, 2, 2)))
    with pytest.raises(MXNetError):
        contrib_nn.PixelShuffle1D(4)(nd.ones((1, 6, 2)))
    # HybridConcurrent only takes HybridBlocks
    hc = contrib_nn.HybridConcurrent()
    with pytest.raises(ValueError):
        hc.add(nn.Lambda(lambda x: x))
    # concatenating outputs that disagree off the concat axis
    cc = contrib_nn.Concurrent(axis=0)
    cc.add(nn.Dense(2), nn.Flatten())
    cc.initialize()
    with pytest.raises(MXNetError):
        cc(nd.ones((2, 3, 4)))


def test_sparse_embedding_dense_grad_doc():
    assert 'dense' in contrib_nn.SparseEmbedding.__doc__
    e = contrib_nn.SparseEmbedding(4, 2)
    e.initialize()
    mx.gluon.Trainer(e.collect_params(), 'sgd')
    with autograd.record():
        y = e(nd.array([1]))
    y.backward()
    g = e.weight.grad().asnumpy()
    assert g.shape == (4, 2)
    assert (g[[0, 2, 3]] == 0).all() and (g[1] == 1).all()


def test_contrib_namespace():
    assert sorted(contrib_nn.__all__) == sorted(
        ['Concurrent', 'HybridConcurrent', 'Identity', 'SparseEmbedding', 'SyncBatchNorm',
         'PixelShuffle1D', 'PixelShuffle2D', 'PixelShuffle3D'])
    assert issubclass(contrib_nn.Concurrent, nn.Sequential)
    assert issubclass(contrib_nn.HybridConcurrent, nn.HybridSequential)
