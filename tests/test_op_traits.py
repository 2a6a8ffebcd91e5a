"""Operator traits: the register() keywords that carry operator knowledge on the OpDef
(shape rules, hidden outputs, loss-ness, monitor naming, ...), their validation, and spot
checks that the operators carry them."""
import itertools

import numpy as np
import pytest

import mxnet as mx
from mxnet._ops import registry as R
from mxnet._ops.registry import Param, register
from mxnet._ops.params import Float

_COUNTER = itertools.count()


def _fresh_name():
    return '_test_op_traits_%d' % next(_COUNTER)


@pytest.fixture
def scratch():
    """Names registered through it are removed from the registry afterwards."""
    names = []

    def reg(**kw):
        name = _fresh_name()
        names.append(name)

        def fn(attrs, data):
            return data.clone()
        return register(name, **kw)(fn).opdef
    yield reg
    for n in names:
        R._OPS.pop(n, None)
        R._CANONICAL.pop(n, None)


def _assert_unregistered(name):
    assert name not in R._OPS and name not in R._CANONICAL


def test_unknown_keyword_is_a_type_error():
    name = _fresh_name()
    with pytest.raises(TypeError, match='unknown keyword shape_rules'):
        register(name, shape_rules='same')
    with pytest.raises(TypeError, match='a parameter must be a Param'):
        register(name, scalar=1.0)
    _assert_unregistered(name)


@pytest.mark.parametrize('kw', [
    dict(shape_rule='elementwise'), dict(shape_rule=''), dict(loss='yes'), dict(loss=1),
    dict(in_place=None), dict(no_cse=0), dict(total_outputs=0), dict(total_outputs=True),
    dict(total_outputs='3'), dict(batch_from_output=-1), dict(shape_from_output=3),
    dict(input_dtypes='float32'), dict(output_dtype='no_such_dtype'),
    dict(output_dtype=True), dict(dynamic_shape='True'), dict(fill_only=None),
    dict(unnamed_inputs=1),
])
def test_bad_trait_value_is_a_type_error(kw):
    name = _fresh_name()
    with pytest.raises(TypeError, match='invalid value'):
        register(name, **kw)
    _assert_unregistered(name)


def test_param_named_like_a_trait_is_rejected():
    with pytest.raises(TypeError, match='operator trait'):
        register(_fresh_name(), loss=Param(Float, 1.0))


def test_traits_are_stored_and_default(scratch):
    op = scratch(shape_rule='unary', loss=True, total_outputs=3, output_dtype='int64',
                 batch_from_output=1, no_cse=True, shape_from_output=None,
                 scale=Param(Float, 1.0))
    assert op.shape_rule == 'unary' and op.loss is True and op.no_cse is True
    assert op.total_outputs == 3 and op.batch_from_output == 1
    assert op.output_dtype == np.dtype(np.int64)
    assert op.shape_from_output is None
    assert list(op.params) == ['scale']          # traits are not parameters
    assert not op.needs_top_grad(op.parse_attrs({}))
    assert op.n_total(op.parse_attrs({})) == 3
    plain = scratch()
    for k in R._TRAITS:
        assert getattr(plain, k) == getattr(R.OpDef, k)
    assert plain.needs_top_grad(plain.parse_attrs({}))
    assert plain.n_total(plain.parse_attrs({})) == 1
    cast_like = scratch(output_dtype='param', total_outputs=lambda a: 2)
    assert cast_like.output_dtype == 'param'
    assert cast_like.n_total(cast_like.parse_attrs({})) == 2


def _op(name):
    return R.get(name)


def test_shape_and_dtype_traits():
    assert _op('elemwise_add').shape_rule == 'same'
    assert _op('add_n').shape_rule == 'same'
    assert _op('broadcast_add').shape_rule is None
    assert _op('BatchNorm').shape_rule == 'like_data'
    assert _op('exp').shape_rule == 'unary'
    assert _op('_plus_scalar').shape_rule == 'unary'
    assert _op('_equal_scalar').shape_rule is None
    assert _op('where').shape_rule == 'where'
    assert _op('Cast').output_dtype == 'param'
    assert _op('shape_array').output_dtype == np.dtype(np.int64)
    fc = _op('FullyConnected')
    assert fc.batch_from_output(fc.parse_attrs({'num_hidden': 4}), (2, 4)) == 1
    assert fc.batch_from_output(fc.parse_attrs({'num_hidden': 4, 'flatten': False}),
                                (2, 3, 4)) == 2
    assert _op('Convolution').batch_from_output == 1
    rs = _op('Reshape')
    assert rs.shape_from_output(rs.parse_attrs({'shape': (-1,)}), (2, 0), (6,)) == (2, 3)
    tr = _op('transpose')
    assert tr.shape_from_output(tr.parse_attrs({}), (0, 0, 0), (4, 3, 2)) == (2, 3, 4)
    bn = _op('BatchNorm')
    assert bn.input_dtypes(bn.parse_attrs({}), np.dtype(np.float16), 5) == \
        [np.dtype(np.float16)] + [np.dtype(np.float32)] * 4
    emb = _op('Embedding')
    attrs = emb.parse_attrs({'input_dim': 10, 'output_dim': 3, 'dtype': 'float64'})
    assert emb.input_dtypes(attrs, np.dtype(np.int32), 2) == [None, np.dtype(np.float64)]


def test_output_traits():
    bn = _op('BatchNorm')
    assert bn.total_outputs == 3 and bn.n_total(bn.parse_attrs({})) == 3
    pool = _op('Pooling')
    assert pool.n_total(pool.parse_attrs({'kernel': (2, 2)})) == 2
    assert pool.n_total(pool.parse_attrs({'kernel': (2, 2), 'pool_type': 'avg'})) == 1
    assert _op('sort').indexed_output_name and _op('_linalg_det').indexed_output_name
    assert mx.sym.sort(mx.sym.var('x'), name='s').list_outputs() == ['s_output0']
    assert mx.sym.exp(mx.sym.var('x'), name='e').list_outputs() == ['e_output']


def test_gradient_and_executor_traits():
    for name in ('SoftmaxOutput', 'SVMOutput', 'MakeLoss', 'make_loss', 'BlockGrad',
                 'LinearRegressionOutput', 'LogisticRegressionOutput', 'MAERegressionOutput',
                 'IdentityAttachKLSparseReg'):
        op = _op(name)
        assert op.loss and not op.needs_top_grad(None), name
    assert _op('FullyConnected').needs_top_grad(None)
    # aliases are the same OpDef as their canonical op
    assert _op('stop_gradient') is _op('BlockGrad') and _op('stop_gradient').blocks_grad
    assert _op('_plus').no_backward_node and _op('elemwise_add').no_backward_node
    assert _op('split').backward_named_by_input
    assert _op('batch_take').no_gradient and not _op('take').no_gradient
    for name in ('Reshape', 'Flatten', 'expand_dims', 'squeeze', '_copy', 'reshape_like'):
        assert _op(name).in_place, name
    for name in ('_random_uniform', '_sample_normal', 'sgd_update', 'multi_sgd_update',
                 'Dropout', 'RNN', '_shuffle', 'Custom'):
        assert _op(name).no_cse, name
    assert not _op('exp').no_cse


def test_monitor_and_creation_traits():
    assert _op('Activation').unnamed_inputs and _op('Activation').monitor_indexed_inputs
    assert _op('abs').monitor_indexed_inputs and _op('abs').monitor_indexed_outputs
    assert not _op('FullyConnected').monitor_indexed_inputs
    assert _op('dot').monitor_indexed_outputs and not _op('dot').monitor_indexed_inputs
    assert not _op('elemwise_add').monitor_indexed_outputs
    for name in ('_zeros', '_ones', '_full', '_zeros_without_dtype', '_random_normal',
                 '_random_randint'):
        assert _op(name).dynamic_shape, name
    assert not _op('_arange').dynamic_shape


def test_custom_op_defaults():
    op = _op('Custom')
    assert op.fill_only and op.no_cse
    assert not op.loss and op.shape_rule is None and op.total_outputs is None
