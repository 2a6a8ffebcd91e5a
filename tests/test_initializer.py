"""mx.init / mx.initializer against MXNet 1.9.1: dumps(), registry names, deterministic
initializers, name-suffix dispatch (new InitDesc and legacy string paths), Load / Mixed,
FusedRNN's packed layout, Gluon's default init; statistics of the random initializers."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd

INIT_CODE = r'''
I = mx.init
OUT['dumps'] = [I.Zero().dumps(), I.One().dumps(), I.Constant(0.5).dumps(), I.Constant(2).dumps(),
    I.Uniform().dumps(), I.Uniform(0.3).dumps(), I.Normal().dumps(), I.Normal(sigma=2.0).dumps(),
    I.Orthogonal().dumps(), I.Orthogonal(scale=2, rand_type='normal').dumps(),
    I.Xavier().dumps(), I.Xavier(rnd_type='gaussian', factor_type='in', magnitude=2).dumps(),
    I.MSRAPrelu().dumps(), I.MSRAPrelu('in', 0.1).dumps(), I.Bilinear().dumps(),
    I.LSTMBias().dumps(), I.LSTMBias(forget_bias=2.0).dumps(),
    I.FusedRNN(I.Uniform(0.1), 4, 2, 'lstm').dumps(), I.FusedRNN(None, 3, 1, 'gru', True, 0.5).dumps(),
    I.Constant(np.array([1.0, 2.0])).dumps(),
    repr(I.Xavier()).startswith('<mxnet.initializer.Xavier object at 0x')]
_c = I.Constant(nd.ones((2, 2)))
OUT['dumps_nd'] = [_c.dumps(), str(_c._kwargs)]
OUT['create'] = [type(mx.init.create(n)).__name__ for n in ['zeros', 'ones', 'zero', 'one', 'uniform', 'normal', 'xavier', 'msraprelu', 'orthogonal', 'bilinear', 'lstmbias']]
OUT['create_json'] = [mx.init.create(I.Xavier(magnitude=2.5).dumps()).dumps(), mx.init.create(I.Constant(3.0).dumps()).dumps()]
OUT['create_kw'] = mx.init.create('uniform', scale=0.2).dumps()
def fill(init, name, shape, attrs=None):
    a = nd.full(shape, -7.0)
    init(I.InitDesc(name, attrs=attrs), a)
    return a
OUT['zero_w'] = fill(I.Zero(), 'fc_weight', (2, 3))
OUT['one_w'] = fill(I.One(), 'fc_weight', (2, 3))
OUT['const_w'] = fill(I.Constant(0.25), 'fc_weight', (2, 3))
OUT['const_arr'] = fill(I.Constant(nd.array([1.0, 2.0, 3.0])), 'fc_weight', (2, 3))
OUT['bil'] = fill(I.Bilinear(), 'up_weight', (2, 1, 4, 4))
OUT['bil3'] = fill(I.Bilinear(), 'up_weight', (1, 2, 3, 5))
OUT['lstmb'] = fill(I.LSTMBias(2.5), 'lstm_i2h_bias', (8,))
for n in ['fc_bias', 'bn_gamma', 'bn_beta', 'q_min', 'q_max', 'fc_weight']:
    OUT['sfx_' + n] = fill(I.One() if n != 'fc_weight' else I.Constant(3.0), n, (3,))
    OUT['sfxz_' + n] = fill(I.Constant(5.0), n, (3,))
OUT['attr_init'] = fill(I.Uniform(), 'fc_bias', (3,), attrs={'__init__': I.Constant(4.0).dumps()})
OUT['attr_init2'] = fill(I.Zero(), 'anything', (3,), attrs={'__init__': '["one", {}]'})
# unknown suffix
try:
    fill(I.Uniform(), 'foo_running_mean', (3,)); OUT['unknown'] = 'ok'
except ValueError as e:
    OUT['unknown'] = 'ValueError'
# legacy string names
import warnings
warnings.simplefilter('ignore')
for n in ['upsampling0_weight', 'stn_loc_weight', 'stn_loc_bias', 'x_bias', 'x_gamma', 'x_beta', 'x_weight',
          'bn_moving_mean', 'bn_moving_var', 'bn_moving_inv_var', 'bn_moving_avg', 'q_min', 'q_max']:
    a = nd.full((6, 1, 2, 2) if 'upsampling' in n else (6,), -7.0)
    try:
        I.Constant(3.0)(n, a); OUT['leg_' + n] = a
    except Exception as e:
        OUT['leg_' + n] = type(e).__name__
# Load and Mixed
ld = I.Load({'arg:fc_weight': nd.ones((2, 3)) * 2, 'aux:bn_moving_var': nd.ones((3,)) * 3, 'fc_bias': nd.ones((2,))},
            default_init=I.Constant(9.0))
for n, s in [('fc_weight', (2, 3)), ('bn_moving_var', (3,)), ('fc_bias', (2,)), ('other_weight', (2,))]:
    a = nd.zeros(s); ld(n, a); OUT['load_' + n] = a
OUT['load_keys'] = sorted(ld.param)
mixed = I.Mixed(['.*bias', '.*'], [I.Constant(1.5), I.Constant(-1.0)])
for n in ['fc_bias', 'fc_weight']:
    a = nd.zeros((3,)); mixed(n, a); OUT['mixed_' + n] = a
# FusedRNN with deterministic inner initializers
for mode, L, bi, H, nin in [('lstm', 2, False, 3, 4), ('gru', 1, True, 2, 3), ('rnn_tanh', 2, True, 2, 2)]:
    G = {'lstm': 4, 'gru': 3, 'rnn_tanh': 1}[mode]
    D = 2 if bi else 1
    size = 0
    for l in range(L):
        ins = nin if l == 0 else D * H
        size += D * G * H * (ins + H + 2)
    a = nd.zeros((size,))
    I.FusedRNN(I.One(), H, L, mode, bi, forget_bias=3.0)(I.InitDesc('rnn_weight'), a)
    OUT['fused_%s' % mode] = a
    a = nd.zeros((size,))
    I.FusedRNN(None, H, L, mode, bi)(I.InitDesc('rnn_weight', global_init=I.Constant(0.5)), a)
    OUT['fusedg_%s' % mode] = a
# gluon default init by name
from mxnet.gluon import nn
net = nn.HybridSequential()
with net.name_scope():
    net.add(nn.Dense(3, in_units=2), nn.BatchNorm(in_channels=3), nn.Dense(2, in_units=3, use_bias=False))
net.initialize(I.Constant(0.7))
for k, p in net.collect_params().items():
    OUT['gluon_' + k] = p.data()
net2 = nn.Dense(3, in_units=2, weight_initializer=I.One(), bias_initializer='ones')
net2.initialize(I.Constant(0.7))
OUT['gluon_wi_w'] = net2.weight.data(); OUT['gluon_wi_b'] = net2.bias.data()
# Orthogonal: properties of the result
for rt in ['uniform', 'normal']:
    a = nd.zeros((4, 6)); I.Orthogonal(scale=1.0, rand_type=rt)(I.InitDesc('w_weight'), a)
    OUT['orth_rows_' + rt] = np.round(a.asnumpy() @ a.asnumpy().T, 4)
    a = nd.zeros((6, 2, 2)); I.Orthogonal(scale=2.0, rand_type=rt)(I.InitDesc('w_weight'), a)
    m = a.asnumpy().reshape(6, 4)
    OUT['orth_cols_' + rt] = np.round(m.T @ m, 4)
errs = {}
for n, f in [('xavier_vec', lambda: I.Xavier()(I.InitDesc('w_weight'), nd.zeros((3,)))),
             ('xavier_rnd', lambda: I.Xavier(rnd_type='bad')(I.InitDesc('w_weight'), nd.zeros((3, 3)))),
             ('xavier_fac', lambda: I.Xavier(factor_type='bad')(I.InitDesc('w_weight'), nd.zeros((3, 3)))),
             ('load_shape', lambda: I.Load({'w': nd.ones((2,))})('w', nd.zeros((3,)))),
             ('load_missing', lambda: I.Load({'w': nd.ones((2,))})('v', nd.zeros((3,)))),
             ('mixed_nomatch', lambda: I.Mixed(['a.*'], [I.One()])('b', nd.zeros((1,)))),
             ('create_bad', lambda: I.create('nonexistent_init')),
             ('base_weight', lambda: I.Initializer()(I.InitDesc('w_weight'), nd.zeros((2,)))),
            ]:
    try:
        f(); errs[n] = 'ok'
    except Exception as e:
        errs[n] = 'err'
OUT['errs'] = errs
'''


def test_initializers_match_reference(compare):
    compare(INIT_CODE, rtol=1e-6, atol=1e-6, check_dtype=True)


def _stats(init, shape, name='x_weight'):
    a = nd.zeros(shape)
    init(mx.init.InitDesc(name), a)
    return a.asnumpy()


@pytest.mark.parametrize('seed', [0])
def test_random_statistics(seed):
    mx.random.seed(seed)
    a = _stats(mx.init.Uniform(0.3), (200, 300))
    assert a.min() >= -0.3 and a.max() <= 0.3 and abs(a.mean()) < 0.005
    assert abs(a.std() - 0.3 / np.sqrt(3)) < 0.003
    a = _stats(mx.init.Normal(0.5), (200, 300))
    assert abs(a.mean()) < 0.005 and abs(a.std() - 0.5) < 0.005
    # Xavier: scale = sqrt(magnitude / factor); conv shape (out, in, kh, kw)
    shape = (64, 32, 3, 3)
    fan_in, fan_out = 32 * 9, 64 * 9
    for rnd, ft, mag in [('uniform', 'avg', 3), ('gaussian', 'in', 2), ('uniform', 'out', 6),
                         ('gaussian', 'avg', 1.5)]:
        factor = {'avg': (fan_in + fan_out) / 2., 'in': fan_in, 'out': fan_out}[ft]
        scale = np.sqrt(mag / factor)
        a = _stats(mx.init.Xavier(rnd_type=rnd, factor_type=ft, magnitude=mag), shape)
        expect_std = scale / np.sqrt(3) if rnd == 'uniform' else scale
        assert abs(a.std() / expect_std - 1) < 0.03, (rnd, ft, mag)
        assert abs(a.mean()) < 0.05 * expect_std
        if rnd == 'uniform':
            assert np.abs(a).max() <= scale
    a = _stats(mx.init.MSRAPrelu(factor_type='in', slope=0.25), shape)
    assert abs(a.std() / np.sqrt(2. / (1 + 0.25 ** 2) / fan_in) - 1) < 0.03
    # Orthogonal scale
    a = _stats(mx.init.Orthogonal(scale=1.414), (50, 80))
    np.testing.assert_allclose(a @ a.T, 1.414 ** 2 * np.eye(50), atol=1e-4)
    # bias/gamma/beta untouched by randomness
    np.testing.assert_array_equal(_stats(mx.init.Xavier(), (5,), 'fc_bias'), np.zeros(5))
    np.testing.assert_array_equal(_stats(mx.init.Normal(), (5,), 'bn_gamma'), np.ones(5))


def test_register_custom():
    @mx.init.register
    class MyInit(mx.init.Initializer):
        def __init__(self, v=1.5):
            super().__init__(v=v)
            self.v = v

        def _init_weight(self, name, arr):
            arr[:] = self.v
    assert mx.init.create('myinit', v=2.0).dumps() == '["myinit", {"v": 2.0}]'
    a = nd.zeros((2,))
    mx.init.create(MyInit(3.0).dumps())(mx.init.InitDesc('w_weight'), a)
    np.testing.assert_array_equal(a.asnumpy(), [3.0, 3.0])
    net = mx.gluon.nn.Dense(2, in_units=2)
    net.initialize(MyInit(0.5))
    np.testing.assert_array_equal(net.weight.data().asnumpy(), np.full((2, 2), 0.5))


def test_equality_and_shared_parameter_lookup():
    """Initializers compare by class and arguments (MXNet 1.9.1), so a block sharing another's
    parameters may declare the same initializer again."""
    I = mx.init
    assert I.Constant(-10.0) == I.Constant(-10.0) and I.Constant(1) == I.Constant(1.0)
    assert I.Constant(1) != I.Constant(2) and I.Xavier() == I.Xavier()
    assert I.Xavier() != I.Xavier(magnitude=2) and I.One() != I.Zero() and I.One() != 'one'
    with pytest.raises(TypeError):
        hash(I.One())

    class B(mx.gluon.HybridBlock):
        def __init__(self, **kw):
            super().__init__(**kw)
            with self.name_scope():
                self.p = self.params.get('p', shape=(1,), init=I.Constant(-10.0))
    b1 = B()
    b2 = B(params=b1.collect_params())
    assert b1.p is b2.p and b1.p.init == B().p.init
    with pytest.raises(AssertionError, match='desired attribute'):
        b1.collect_params().get('p', init=I.Constant(3.0))


def test_composition_sets_variable_initializers():
    """Composing LeakyReLU(prelu) / BatchNorm gives their gamma / moving stats MXNet's
    initializer attribute (auto-created or user variables without one), so Module.init_params
    fills PReLU's gamma with 0.25."""
    d = mx.sym.var('data')
    s = mx.sym.LeakyReLU(data=d, act_type='prelu', name='lr')
    assert s.attr_dict()['lr_gamma']['__init__'] == '["Constant", {"value": 0.25}]'
    g = mx.sym.var('g')
    mx.sym.LeakyReLU(data=d, gamma=g, act_type='prelu')
    assert g.attr('__init__') == '["Constant", {"value": 0.25}]'
    g1 = mx.sym.var('g1', init=mx.init.One())
    mx.sym.LeakyReLU(data=d, gamma=g1, act_type='prelu')
    assert g1.attr('__init__') == '["one", {}]'
    mm = mx.sym.var('mm')
    b = mx.sym.BatchNorm(data=d, moving_mean=mm, gamma=mx.sym.var('bg'), name='bn')
    assert mm.attr('__init__') == '["zero", {}]'
    assert b.attr_dict()['bn_moving_var']['__init__'] == '["one", {}]'
    assert '__init__' not in b.attr_dict().get('bg', {})
    mod = mx.mod.Module(s, label_names=None)
    mod.bind(data_shapes=[('data', (4, 3))])
    mod.init_params()
    np.testing.assert_array_equal(mod.get_params()[0]['lr_gamma'].asnumpy(), np.full(3, 0.25))
