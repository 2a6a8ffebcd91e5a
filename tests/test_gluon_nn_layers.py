"""Differential audit of the gluon.nn layers against MXNet 1.9.1: parameter names and shapes
after deferred initialization, outputs and gradients for the same explicit weights, reprs."""
import numpy as np
import pytest

from mxnet import nd
from mxnet.base import MXNetError
from mxnet.gluon import nn

LAYERS_CODE = '''
import warnings
warnings.simplefilter('ignore')
from mxnet.gluon import nn
rs = np.random.RandomState(0)

def run(key, layer, shape, train=True, int_input=None):
    OUT[key + '_repr0'] = repr(layer)
    OUT[key + '_prefix'] = layer.prefix
    layer.initialize()
    if int_input is not None:
        x = nd.array(rs.randint(0, int_input, size=shape))
    else:
        x = nd.array(rs.randn(*shape))
    layer(x)
    params = layer.collect_params()
    OUT[key + '_names'] = list(params.keys())
    OUT[key + '_shapes'] = [list(p.shape) for p in params.values()]
    for n, p in params.items():
        if n.endswith('running_var') or n.endswith('gamma'):
            p.set_data(nd.array(rs.rand(*p.shape) + 0.5))
        else:
            p.set_data(nd.array(rs.randn(*p.shape) * 0.5))
    if int_input is None:
        x.attach_grad()
    with autograd.record(train_mode=train):
        y = layer(x)
        w = nd.array(np.random.RandomState(1).randn(*y.shape), dtype=y.dtype)
        l = (y * w).sum()
    l.backward()
    OUT[key + '_out'] = y
    if int_input is None:
        OUT[key + '_xgrad'] = x.grad
    for n, p in params.items():
        if p.grad_req != 'null':
            OUT[key + '_g_' + n] = p.grad()
        else:
            OUT[key + '_v_' + n] = p.data()
    OUT[key + '_repr'] = repr(layer)

run('dense', nn.Dense(4, activation='tanh'), (3, 2, 3))
run('dense_nf', nn.Dense(4, flatten=False, use_bias=False), (3, 2, 3))
run('dense_in', nn.Dense(5, in_units=3), (2, 3))
run('conv1', nn.Conv1D(4, 3, strides=2, padding=1), (2, 3, 9))
run('conv2', nn.Conv2D(4, (3, 2), strides=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2,
                       activation='relu'), (2, 4, 7, 6))
run('conv2nb', nn.Conv2D(3, 3, use_bias=False, in_channels=2), (1, 2, 5, 5))
run('conv3', nn.Conv3D(2, 2, padding=1), (1, 3, 3, 4, 3))
run('dconv1', nn.Conv1DTranspose(3, 3, strides=2, padding=1, output_padding=1), (2, 2, 5))
run('dconv2', nn.Conv2DTranspose(4, (3, 2), strides=2, padding=1, groups=2, in_channels=4), (1, 4, 3, 4))
run('dconv3', nn.Conv3DTranspose(2, 2, strides=2), (1, 3, 2, 2, 2))
run('maxp1', nn.MaxPool1D(3, 2, 1), (2, 3, 9))
run('maxp2', nn.MaxPool2D((2, 3), ceil_mode=True), (2, 3, 7, 8))
run('maxp3', nn.MaxPool3D(2), (1, 2, 4, 4, 4))
run('avgp1', nn.AvgPool1D(2), (2, 3, 9))
run('avgp2', nn.AvgPool2D(3, 2, 1, count_include_pad=False), (2, 3, 7, 8))
run('avgp2b', nn.AvgPool2D(3, 2, 1), (2, 3, 7, 8))
run('avgp3', nn.AvgPool3D(2, ceil_mode=True), (1, 2, 5, 4, 3))
run('gmax1', nn.GlobalMaxPool1D(), (2, 3, 5))
run('gmax2', nn.GlobalMaxPool2D(), (2, 3, 5, 4))
run('gmax3', nn.GlobalMaxPool3D(), (2, 3, 2, 3, 2))
run('gavg1', nn.GlobalAvgPool1D(), (2, 3, 5))
run('gavg2', nn.GlobalAvgPool2D(), (2, 3, 5, 4))
run('gavg3', nn.GlobalAvgPool3D(), (2, 3, 2, 3, 2))
run('rpad', nn.ReflectionPad2D(2), (2, 3, 4, 5))
run('bn', nn.BatchNorm(), (4, 3, 2, 2))
run('bn_eval', nn.BatchNorm(), (4, 3, 2, 2), train=False)
run('bn_ax', nn.BatchNorm(axis=-1, momentum=0.7, epsilon=1e-3, scale=False), (4, 2, 3))
run('bn_glob', nn.BatchNorm(use_global_stats=True, center=False), (4, 3, 5))
run('ln', nn.LayerNorm(), (3, 4, 5))
run('ln_ax', nn.LayerNorm(axis=1, epsilon=1e-3, center=False), (3, 4, 5))
run('in', nn.InstanceNorm(), (2, 3, 4, 5))
run('in_sc', nn.InstanceNorm(scale=True, epsilon=1e-3), (2, 3, 6))
run('gn', nn.GroupNorm(num_groups=2), (2, 4, 3, 3))
run('gn_nc', nn.GroupNorm(num_groups=3, center=False, scale=False), (2, 6, 5))
run('drop0', nn.Dropout(0.5), (3, 4), train=False)
run('drop_none', nn.Dropout(0.0), (3, 4))
run('emb', nn.Embedding(10, 3), (2, 4), int_input=10)
run('emb64', nn.Embedding(6, 2, dtype='float64'), (3,), int_input=6)
run('flat', nn.Flatten(), (2, 3, 4))
run('act_relu', nn.Activation('relu'), (3, 4))
run('act_sig', nn.Activation('sigmoid'), (3, 4))
run('act_tanh', nn.Activation('tanh'), (3, 4))
run('act_softrelu', nn.Activation('softrelu'), (3, 4))
run('act_softsign', nn.Activation('softsign'), (3, 4))
run('lrelu', nn.LeakyReLU(0.1), (3, 4))
run('prelu', nn.PReLU(), (3, 4))
run('prelu_c', nn.PReLU(in_channels=3), (2, 3, 4))
run('elu', nn.ELU(), (3, 4))
run('elu_a', nn.ELU(alpha=0.5), (3, 4))
run('selu', nn.SELU(), (3, 4))
run('gelu', nn.GELU(), (3, 4))
run('swish', nn.Swish(), (3, 4))
run('swish_b', nn.Swish(beta=2.0), (3, 4))
run('hlam', nn.HybridLambda(lambda F, x: F.relu(x) * 2), (3, 4))
run('hlam_s', nn.HybridLambda('tanh'), (3, 4))

def myfun(x):
    return x * 3
lam = nn.Lambda(myfun)
OUT['lam_repr'] = repr(lam)
OUT['lam_prefix'] = lam.prefix
OUT['lam_out'] = lam(nd.array([1, 2]))
lam2 = nn.Lambda('exp')
OUT['lam2_repr'] = repr(lam2)
OUT['lam2_out'] = lam2(nd.array([1, 2]))

# dropout in training: only statistics can be compared
d = nn.Dropout(0.5, axes=(1,))
OUT['drop_axes_repr'] = repr(d)
with autograd.record():
    y = d(nd.ones((4, 50, 3)))
ya = y.asnumpy()
OUT['drop_axes_shared'] = bool((ya == ya[:, :1, :]).all())
OUT['drop_values'] = sorted(set(np.unique(ya).tolist()))

# Dense with explicit dtype, conv layouts
dd = nn.Dense(3, dtype='float64', in_units=2)
dd.initialize()
dd.weight.set_data(nd.array(rs.randn(3, 2), dtype='float64'))
OUT['dense64'] = dd(nd.ones((1, 2), dtype='float64'))
OUT['c2_nhwc_repr'] = repr(nn.Conv2D(3, 3, layout='NHWC', in_channels=2))
OUT['mp_nhwc_repr'] = repr(nn.MaxPool2D(layout='NHWC'))
OUT['sequential_repr'] = repr(nn.HybridSequential())
# checked separately in test_known_discrepancies (conv_layers.py repr bug)
'''


def test_layers_match_mxnet(compare):
    compare(LAYERS_CODE, rtol=1e-4, atol=1e-5)


def test_layer_errors():
    with pytest.raises(MXNetError):
        nn.LeakyReLU(-0.1)
    with pytest.raises(MXNetError):
        nn.Conv2D(3, (3, 3, 3))
    with pytest.raises(MXNetError):
        nn.Conv2D(3, 3, layout='NCW')
    with pytest.raises(MXNetError):
        nn.Lambda('no_such_function')
    with pytest.raises(MXNetError):
        nn.HybridLambda(3)
    d = nn.Dense(3, in_units=4)
    d.initialize()
    with pytest.raises(MXNetError):
        d(nd.ones((2, 5)))

MORE_CODE = '''
import warnings
warnings.simplefilter('ignore')
from mxnet.gluon import nn
rs = np.random.RandomState(3)

# hybridized nets give the same values and gradients as MXNet's
net = nn.HybridSequential()
with net.name_scope():
    net.add(nn.Conv2D(4, 3, padding=1, activation='relu'), nn.BatchNorm(),
            nn.MaxPool2D(), nn.Conv2D(2, 1), nn.GlobalAvgPool2D(), nn.Flatten(),
            nn.Dense(3), nn.LayerNorm(), nn.Dense(2, in_units=3))
net.initialize()
net.hybridize()
x = nd.array(rs.randn(2, 3, 6, 6))
net(x)
params = net.collect_params()
OUT['hnet_names'] = list(params.keys())
for n, p in params.items():
    p.set_data(nd.array(rs.rand(*p.shape) + 0.5 if 'var' in n or 'gamma' in n
                        else rs.randn(*p.shape) * 0.3))
with autograd.record():
    y = net(x)
y.backward()
OUT['hnet_out'] = y
for n, p in params.items():
    OUT['hnet_g_' + n] = p.grad() if p.grad_req != 'null' else p.data()
OUT['hnet_repr'] = repr(net)

# InstanceNorm over another axis, LayerNorm with in_channels
inn = nn.InstanceNorm(axis=2, scale=True, in_channels=4)
inn.initialize()
inn.gamma.set_data(nd.array(rs.rand(4) + 0.5))
inn.beta.set_data(nd.array(rs.randn(4)))
x = nd.array(rs.randn(2, 3, 4, 5))
OUT['in_ax2'] = inn(x)
OUT['in_ax2_repr'] = repr(inn)
ln = nn.LayerNorm(in_channels=5)
OUT['ln_in_repr'] = repr(ln)

# BatchNorm keeps float32 parameters when cast to float16; Dense casts
bn = nn.BatchNorm(in_channels=3)
bn.initialize()
bn.cast('float16')
OUT['bn16'] = [str(p.dtype) for p in bn.collect_params().values()]
d = nn.Dense(2, in_units=3)
d.initialize()
d.cast('float64')
d.weight.set_data(nd.array(rs.randn(2, 3), dtype='float64'))
OUT['dense_cast'] = [str(p.dtype) for p in d.collect_params().values()]
OUT['dense_cast_out'] = d(nd.ones((1, 3), dtype='float64'))

# lambdas and reprs
OUT['lam_l'] = repr(nn.Lambda(lambda x: x))
OUT['hlam_l'] = repr(nn.HybridLambda(lambda F, x: x))
OUT['emb_repr'] = repr(nn.Embedding(4, 3, dtype='float16'))
OUT['prelu_repr'] = repr(nn.PReLU())
OUT['bnrelu'] = hasattr(nn, 'BatchNormReLU')

# errors: uninitialized use, wrong input size after init
errs = {}
for key, fn in [('uninit', lambda: nn.Dense(2)(nd.ones((1, 3)))),
                ('badin', lambda: (lambda d: (d.initialize(), d(nd.ones((2, 4)))))(
                    nn.Dense(2, in_units=3))),
                ('badconv', lambda: (lambda c: (c.initialize(), c(nd.ones((1, 2, 4, 4)))))(
                    nn.Conv2D(2, 3, in_channels=3)))]:
    try:
        fn()
        errs[key] = 'ok'
    except RuntimeError as e:
        # for 'uninit' MXNet raises a plain RuntimeError; remx's MXNetError subclasses it
        errs[key] = 'RuntimeError'
        if key == 'uninit':
            errs[key + '_msg'] = str(e)
        else:
            errs[key + '_is_mxneterror'] = isinstance(e, mx.base.MXNetError)
OUT['errs'] = errs
'''


def test_more_layers_match_mxnet(compare):
    compare(MORE_CODE, rtol=1e-4, atol=1e-5)


KNOWN_CODE = '''
import warnings
warnings.simplefilter('ignore')
from mxnet.gluon import nn
# MXNet prints weight.shape[1] -> weight.shape[0] for every conv layer, whatever the layout
# (so NHWC shows the kernel width) and for transposed convs (channels/groups -> in_channels)
OUT['c2_nhwc_repr'] = repr(nn.Conv2D(3, 3, layout='NHWC', in_channels=2))
OUT['c3_ndhwc_repr'] = repr(nn.Conv3D(3, (1, 2, 3), layout='NDHWC'))
OUT['dconv1_repr0'] = repr(nn.Conv1DTranspose(3, 3, strides=2, padding=1, output_padding=1))
OUT['dconv2_repr0'] = repr(nn.Conv2DTranspose(4, (3, 2), groups=2, in_channels=4))
d = nn.Conv2DTranspose(5, 3, in_channels=2, use_bias=False, activation='relu')
OUT['dconv2b_repr'] = repr(d)
d = nn.Conv3DTranspose(2, 2, strides=2)
d.initialize()
d(nd.ones((1, 3, 2, 2, 2)))
OUT['dconv3_repr'] = repr(d)
# positional arguments: AvgPool2D/3D and MaxPool3D take ceil_mode before layout
p = nn.AvgPool2D(3, 2, 1, True)
OUT['avg2_pos'] = p(nd.ones((1, 1, 6, 6)))
OUT['avg2_pos_repr'] = repr(p)
p = nn.AvgPool3D(2, None, 0, True)
OUT['avg3_pos'] = p(nd.ones((1, 1, 3, 3, 3)))
p = nn.MaxPool3D(2, None, 0, True)
OUT['max3_pos'] = p(nd.ones((1, 1, 3, 3, 3)))
'''


def test_conv_repr_mapping_and_pool_positional_order(compare):
    compare(KNOWN_CODE)


DEFORM_CODE = r'''
from mxnet.gluon.contrib.cnn import DeformableConvolution, ModulatedDeformableConvolution
rs = np.random.RandomState(0)
x = nd.array(rs.uniform(-1, 1, (2, 3, 7, 6)))
for name, kw in [('a', dict(kernel_size=(3, 3))),
                 ('b', dict(kernel_size=(3, 2), padding=1, strides=2, activation='relu',
                            offset_use_bias=False, use_bias=False, num_deformable_group=1)),
                 ('c', dict(kernel_size=3, dilation=2, num_deformable_group=3))]:
    net = DeformableConvolution(6, prefix=name + '_', **kw)
    net.initialize()
    net(x)
    for k, p in sorted(net.collect_params().items()):
        p.set_data(nd.array(rs.uniform(-0.2, 0.2, p.shape)))
    xx = x.copy()
    xx.attach_grad()
    with autograd.record():
        y = net(xx)
    y.backward()
    OUT[name] = y
    OUT[name + '_g'] = xx.grad
    OUT[name + '_params'] = [[k, list(p.shape)] for k, p in net.collect_params().items()]
    OUT[name + '_repr'] = repr(net)
    net.hybridize()
    OUT[name + '_h'] = net(x)
m = ModulatedDeformableConvolution(4, kernel_size=3, prefix='m_')
OUT['m_params'] = [[k, list(p.shape)] for k, p in m.collect_params().items()]
OUT['m_repr'] = repr(m)
'''


def test_deformable_convolution_matches_reference(compare):
    compare(DEFORM_CODE, rtol=1e-4, atol=1e-5)
