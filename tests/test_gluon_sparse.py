"""Sparse storage in Gluon: row_sparse Parameters (stype / grad_stype), row_sparse_data,
Embedding(sparse_grad=True), and the Trainer's kvstore rules for sparse weights and gradients.

Expected numbers marked "oracle" were printed by real MXNet 1.9.1 (.refmx) running the same
snippet.
"""

import numpy as np
import pytest

import mxnet as mx
from mxnet import autograd, gluon
from mxnet.base import MXNetError


def _rsp_param(name='w', shape=(4, 2), ctx=None, init=None, **kw):
    p = gluon.Parameter(name, shape=shape, stype='row_sparse', grad_stype='row_sparse',
                        init=init or mx.init.One(), **kw)
    p.initialize(ctx=ctx or [mx.cpu(0)])
    return p


def test_embedding_sparse_grad_rows_and_values():
    layer = gluon.nn.Embedding(6, 2, sparse_grad=True)
    assert layer.weight._grad_stype == 'row_sparse'
    layer.initialize(mx.init.One())
    with autograd.record():
        y = layer(mx.nd.array([3, 3, 1])) * mx.nd.array([[1, 2], [3, 4], [5, 6]])
    y.backward()
    g = layer.weight.grad()
    # oracle: row_sparse [1, 3] [[5, 6], [4, 6]]
    assert g.stype == 'row_sparse'
    assert g.indices.asnumpy().tolist() == [1, 3]
    assert g.data.asnumpy().tolist() == [[5, 6], [4, 6]]
    layer.collect_params().zero_grad()
    g = layer.weight.grad()
    assert g.stype == 'row_sparse' and g.indices.asnumpy().tolist() == []  # oracle: []
    assert g.asnumpy().sum() == 0


def test_hybridized_embedding_sparse_grad():
    layer = gluon.nn.Embedding(10, 1, sparse_grad=True)
    layer.initialize()
    layer.hybridize()
    with autograd.record():
        loss = layer(mx.nd.ones((50,))).sum()
    loss.backward()
    g = layer.weight.grad()
    assert g.stype == 'row_sparse'
    assert g.indices.asnumpy().tolist() == [1]
    assert g.data.sum().asscalar() == 50


def test_sparse_grad_lazy_sgd_single_context():
    layer = gluon.nn.Embedding(5, 2, sparse_grad=True)
    layer.initialize(mx.init.One())
    tr = gluon.Trainer(layer.collect_params(), 'sgd',
                       {'learning_rate': 0.5, 'momentum': 0.9, 'wd': 0.1})
    for xs in ([0, 2, 2], [2, 4]):
        with autograd.record():
            out = (layer(mx.nd.array(xs)) * 2).sum()
        out.backward()
        tr.step(1)
    # one context, dense weight, sparse gradient: no kvstore (oracle: None None)
    assert tr._kvstore is None and tr._update_on_kvstore is None
    # oracle: rows 1 and 3 untouched (lazy update), the others as below
    expected = [[-0.04999995231628418] * 2, [1.0] * 2, [-3.8424999713897705] * 2, [1.0] * 2,
                [-0.04999995231628418] * 2]
    np.testing.assert_allclose(layer.weight.data().asnumpy(), expected, rtol=1e-5, atol=1e-6)


def test_parameter_access_rules():
    p = gluon.Parameter('w', shape=(4, 2), stype='row_sparse', grad_stype='row_sparse')
    p.initialize(init='xavier', ctx=[mx.cpu(0), mx.cpu(1)])
    with pytest.raises(RuntimeError, match='row_sparse_data'):
        p.data()
    with pytest.raises(RuntimeError):
        p.list_data()
    with pytest.raises(RuntimeError, match='no Trainer'):
        p.row_sparse_data(mx.nd.array([0]))
    gluon.Trainer([p], 'sgd')
    with pytest.raises(TypeError, match='row_id must have NDArray type'):
        p.list_row_sparse_data([0])
    assert p.grad(mx.cpu(1)).stype == 'row_sparse'
    assert p.var().attr('__storage_type__') == '1'
    dense = gluon.Parameter('d', shape=(4, 2))
    dense.initialize()
    with pytest.raises(RuntimeError, match='use data'):
        dense.row_sparse_data(mx.nd.array([0]))
    # a sparse parameter belongs to one Trainer
    with pytest.raises(MXNetError, match='More than one trainers'):
        gluon.Trainer([p], 'sgd')
    with pytest.raises(AssertionError):
        gluon.Parameter('x', shape=(2,), stype='sparse')


def test_row_sparse_data_keeps_requested_rows():
    p = _rsp_param(ctx=[mx.cpu(0), mx.cpu(1)])
    gluon.Trainer([p], 'sgd')
    part = p.row_sparse_data(mx.nd.array([3, 0, 3], ctx=mx.cpu(1)))
    assert part.context == mx.cpu(1) and part.stype == 'row_sparse'
    assert part is p._data[1]  # the Parameter's own array (the variable gradients reach)
    assert part.indices.asnumpy().tolist() == [0, 3]
    assert part.asnumpy().tolist() == [[1, 1], [0, 0], [0, 0], [1, 1]]
    parts = p.list_row_sparse_data(mx.nd.array([1]))
    assert [a.indices.asnumpy().tolist() for a in parts] == [[1], [1]]


def test_sparse_weight_trainer_two_contexts_sgd():
    p = _rsp_param(ctx=[mx.cpu(0), mx.cpu(1)])
    tr = gluon.Trainer([p], 'sgd', {'learning_rate': 0.1, 'momentum': 0.5, 'wd': 0.2})
    for rows in ([0, 1], [1, 3]):
        ws = p.list_row_sparse_data(mx.nd.array(rows))
        with autograd.record():
            ls = [(w * mx.nd.array([[1, 2]] * 4, ctx=w.context)).sum() for w in ws]
        autograd.backward(ls)
        tr.step(1)
    # a sparse weight always lives in (and is updated on) a kvstore (oracle: device True)
    assert tr._kvstore.type == 'device' and tr._update_on_kvstore is True
    full = p.row_sparse_data(mx.nd.arange(0, 4))
    # oracle
    expected = [[0.454399973154068, -0.041600048542022705]] * 4
    np.testing.assert_allclose(full.asnumpy(), expected, rtol=1e-5, atol=1e-6)


class _SparseEmbed(gluon.Block):
    def __init__(self, **kw):
        super().__init__(**kw)
        with self.name_scope():
            self.w = self.params.get('w', stype='row_sparse', grad_stype='row_sparse',
                                     shape=(5, 2))

    def forward(self, x):
        w = self.w.row_sparse_data(x)
        return mx.nd.Embedding(x, w, input_dim=5, output_dim=2, sparse_grad=True)


def test_sparse_weight_embedding_adam_two_contexts(tmp_path):
    ctxs = [mx.cpu(0), mx.cpu(1)]
    net = _SparseEmbed(prefix='h_')
    net.initialize(mx.init.Constant(0.5), ctx=ctxs)
    tr = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.1, 'wd': 0.1})
    for batch in ([[0, 2], [2, 2]], [[4, 4], [1, 2]]):
        xs = [mx.nd.array(b, ctx=c) for b, c in zip(batch, ctxs)]
        with autograd.record():
            ls = [(net(x) * mx.nd.array([[1., -2.]], ctx=x.context)).sum() for x in xs]
        autograd.backward(ls)
        tr.step(2)
    # oracle (row 3 never looked up: untouched by the lazy update)
    expected = [[0.39999938011169434, 0.6000006198883057],
                [0.42558586597442627, 0.5744141340255737],
                [0.31223398447036743, 0.6864438056945801], [0.5, 0.5],
                [0.4255858361721039, 0.5744141340255737]]
    got = net.w.row_sparse_data(mx.nd.arange(0, 5)).asnumpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-5)
    # save pulls every row from the kvstore and writes a row_sparse array
    f = str(tmp_path / 'h.params')
    net.save_parameters(f)
    loaded = mx.nd.load(f)
    assert loaded['w'].stype == 'row_sparse'
    np.testing.assert_allclose(loaded['w'].asnumpy(), got)
    # a dense Parameter loads it densely
    pd = gluon.ParameterDict('h_')
    pd.get('w', shape=(5, 2))
    pd.load(f, restore_prefix='h_')
    assert pd['h_w'].data().stype == 'default'
    np.testing.assert_allclose(pd['h_w'].data().asnumpy(), got)


@pytest.mark.parametrize('kv', ['local', 'device'])
@pytest.mark.parametrize('stype,grad_stype,update_on_kv,expected', [
    ('default', 'row_sparse', None, False),
    ('default', 'row_sparse', True, True),
    ('default', 'row_sparse', False, False),
    ('row_sparse', 'row_sparse', None, True),
])
def test_trainer_sparse_update_on_kvstore_rules(kv, stype, grad_stype, update_on_kv, expected):
    params = gluon.ParameterDict()
    x = params.get('x', shape=(10, 1), stype=stype, grad_stype=grad_stype)
    params.initialize(ctx=[mx.cpu(0), mx.cpu(1)], init='zeros')
    tr = gluon.Trainer(params, 'sgd', {'learning_rate': 0.1}, kvstore=kv,
                       update_on_kvstore=update_on_kv)
    rows = mx.nd.arange(0, 10)
    ws = x.list_data() if stype == 'default' else x.list_row_sparse_data(rows)
    with autograd.record():
        for w in ws:
            (w + 1).backward()
    tr.step(1)
    assert tr._kvstore.type == kv and tr._update_on_kvstore is expected
    w = x.data(mx.cpu(0)) if stype == 'default' else x.row_sparse_data(rows)
    np.testing.assert_allclose(w.asnumpy(), -0.2, rtol=1e-6)


def test_trainer_sparse_weight_refuses_local_update():
    x = _rsp_param(ctx=[mx.cpu(0)])
    tr = gluon.Trainer([x], 'sgd', update_on_kvstore=False)
    with pytest.raises(ValueError, match='sparse weights'):
        x.row_sparse_data(mx.nd.array([0]))
    assert not tr._kv_initialized


def test_sparse_trainer_states_round_trip(tmp_path):
    x = _rsp_param(shape=(10, 1), init=mx.init.Zero())
    tr = gluon.Trainer([x], 'sgd', {'learning_rate': 0.1})
    with autograd.record():
        for w in x.list_row_sparse_data(mx.nd.arange(0, 10)):
            (w * 1).backward()
    tr.step(1)
    f = str(tmp_path / 's.states')
    tr.save_states(f)
    tr.load_states(f)
    x.lr_mult = 2.0
    assert tr._kvstore._updater.optimizer._get_lr(0) == pytest.approx(0.2)


def test_sparse_parameter_reset_ctx_keeps_value():
    p = _rsp_param(init=mx.init.Constant(3.0), ctx=[mx.cpu(0)])
    gluon.Trainer([p], 'sgd')
    p.reset_ctx([mx.cpu(1), mx.cpu(2)])
    assert p.list_ctx() == [mx.cpu(1), mx.cpu(2)]
    assert all(d.stype == 'row_sparse' for d in p._data)
    assert (p._data[1].asnumpy() == 3).all()


def test_load_dtype_source_saved_casts_initialized(tmp_path):
    f = str(tmp_path / 'p.params')
    pd = gluon.ParameterDict('')
    pd.get('w0', shape=(2, 2), dtype='int8')
    pd.initialize(mx.init.One())
    pd.save(f)
    pd1 = gluon.ParameterDict('')
    pd1.get('w0', shape=(2, 2), dtype='float64')
    pd1.load(f, cast_dtype=True, dtype_source='current')
    assert pd1['w0'].data().dtype == np.float64
    pd1.load(f, cast_dtype=True, dtype_source='saved')
    assert pd1['w0'].data().dtype == np.int8 and pd1['w0'].dtype == np.int8


@pytest.mark.parametrize('kv,update_on_kv,expected', [('device', None, False),
                                                      ('local', True, True)])
def test_dense_weight_sparse_grad_two_contexts_three_steps(kv, update_on_kv, expected):
    ctxs = [mx.cpu(0), mx.cpu(1)]
    layer = gluon.nn.Embedding(5, 2, sparse_grad=True)
    layer.initialize(mx.init.Constant(0.5), ctx=ctxs)
    tr = gluon.Trainer(layer.collect_params(), 'sgd',
                       {'learning_rate': 0.5, 'momentum': 0.9, 'wd': 0.1}, kvstore=kv,
                       update_on_kvstore=update_on_kv)
    for batch in ([[0, 2], [2, 2]], [[4, 4], [1, 2]], [[0, 0], [3, 1]]):
        xs = [mx.nd.array(b, ctx=c) for b, c in zip(batch, ctxs)]
        with autograd.record():
            ls = [(layer(x) * mx.nd.array([[1., -2.]], ctx=x.context)).sum() for x in xs]
        autograd.backward(ls)
        tr.step(2)
    assert tr._update_on_kvstore is expected
    # oracle (both store kinds, both contexts)
    want = [[-0.5337499976158142, 2.353749990463257], [-0.2837499976158142, 1.8537499904632568],
            [-1.2087500095367432, 3.703749895095825], [0.22499999403953552, 0.9750000238418579],
            [-0.02500000037252903, 1.475000023841858]]
    for w in layer.weight.list_data():
        np.testing.assert_allclose(w.asnumpy(), want, rtol=1e-5, atol=1e-6)


def test_sparse_momentum_states_save_and_load(tmp_path):
    # SGD momentum of a row_sparse weight is a row_sparse state: the states file round-trips
    p = gluon.Parameter('w', shape=(4, 2), stype='row_sparse', grad_stype='row_sparse')
    p.initialize(ctx=mx.cpu(), init=mx.init.One())
    t = gluon.Trainer([p], 'sgd', {'learning_rate': 0.1, 'momentum': 0.9})
    x = p.row_sparse_data(mx.nd.array([0, 2]))
    with mx.autograd.record():
        y = (x * 2).sum()
    y.backward()
    t.step(1)
    f = str(tmp_path / 'sgd.states')
    t.save_states(f)
    t.load_states(f)
    x = p.row_sparse_data(mx.nd.array([0, 1, 2, 3]))
    # MXNet 1.9.1 prints 0.8 everywhere (the dense fallback's gradient covers every row)
    np.testing.assert_allclose(x.asnumpy(), np.full((4, 2), 0.8), rtol=1e-6)
