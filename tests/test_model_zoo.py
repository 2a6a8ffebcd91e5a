"""gluon.model_zoo.vision against MXNet 1.9.1: parameter names/shapes of every model, reprs,
.params files moving both ways with identical outputs, and the local pretrained-file store."""
import hashlib
import os

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError
from mxnet.gluon.model_zoo import model_store, vision


@pytest.fixture(autouse=True, scope='module')
def _one_torch_thread():
    # On this shared 2-core machine torch's intra-op threads oversubscribe the CPU and small
    # convolutions run ~10x slower; one thread keeps the file fast. Restored afterwards.
    import torch
    n = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(n)

ALL_NAMES = ['resnet18_v1', 'resnet34_v1', 'resnet50_v1', 'resnet101_v1', 'resnet152_v1',
             'resnet18_v2', 'resnet34_v2', 'resnet50_v2', 'resnet101_v2', 'resnet152_v2',
             'vgg11', 'vgg13', 'vgg16', 'vgg19', 'vgg11_bn', 'vgg13_bn', 'vgg16_bn', 'vgg19_bn',
             'alexnet', 'densenet121', 'densenet161', 'densenet169', 'densenet201',
             'squeezenet1.0', 'squeezenet1.1', 'inceptionv3',
             'mobilenet1.0', 'mobilenet0.75', 'mobilenet0.5', 'mobilenet0.25',
             'mobilenetv2_1.0', 'mobilenetv2_0.75', 'mobilenetv2_0.5', 'mobilenetv2_0.25']

# Every model is listed twice: right after construction (names and declared shapes, 0 where
# deferred) and after one forward on a small input (every shape inferred).
LISTING = '''
from mxnet.gluon.model_zoo import vision
NAMES = %r
def size(n):
    if n.startswith('inception'):
        return 299
    if n.startswith('densenet') or n.startswith('squeezenet'):
        return 224
    return 64 if n == 'alexnet' else 32
def listing(net):
    return [[k, list(v.shape), str(np.dtype(v.dtype))]
            for k, v in sorted(net.collect_params().items())]
declared, inferred = {}, {}
with mx.name.NameManager():
    for n in NAMES:
        net = vision.get_model(n)
        declared[n] = listing(net)
        net.initialize()
        s = size(n)
        y = net(mx.nd.ones((1, 3, s, s)))
        inferred[n] = listing(net) + [['__output__', list(y.shape)]]
    for tag, version, kw in [('r18v1_thumb', 1, dict(thumbnail=True, classes=10)),
                             ('r18v2_thumb', 2, dict(thumbnail=True, classes=7, prefix='net_'))]:
        net = vision.get_resnet(version, 18, **kw)
        net.initialize()
        y = net(mx.nd.ones((1, 3, 8, 8)))
        inferred[tag] = listing(net) + [['__output__', list(y.shape)]]
    net = vision.get_model('ResNet18_V1', classes=5)
    net.initialize()
    inferred['upper'] = listing(net) + [['__output__', list(net(mx.nd.ones((1, 3, 32, 32))).shape)]]
    OUT['repr_squeeze'] = repr(vision.squeezenet1_1())
    OUT['repr_mbv2'] = repr(vision.mobilenet_v2_0_25())
    OUT['repr_r18v2'] = repr(vision.resnet18_v2())
    OUT['repr_dense'] = repr(vision.densenet121())
    OUT['repr_incep'] = repr(vision.inception_v3())
    OUT['repr_alex'] = repr(vision.alexnet())
    OUT['repr_vggbn'] = repr(vision.vgg11_bn())
OUT['declared'] = declared
OUT['inferred'] = inferred
''' % (ALL_NAMES,)


def test_parameter_names_shapes_and_reprs(compare):
    compare(LISTING)


# Makes BatchNorm statistics/affine parameters non-trivial (the same code runs in both).
RANDOMIZE_BN = '''
def randomize_bn(net, seed):
    rs = np.random.RandomState(seed)
    for k, p in sorted(net.collect_params().items()):
        if k.endswith('running_var') or k.endswith('gamma'):
            p.set_data(mx.nd.array(rs.uniform(0.5, 1.5, p.shape).astype('float32')))
        elif k.endswith('running_mean') or k.endswith('beta'):
            p.set_data(mx.nd.array(rs.normal(0, 0.1, p.shape).astype('float32')))
'''

# name, input size, whether a training-mode forward is deterministic (no dropout)
# (training-mode batch norm over 2 samples of a 1x1 map is ill-conditioned: use 64x64 there)
MXNET_SAVED = [('resnet18_v1', 64, True), ('mobilenet0.25', 64, True),
               ('squeezenet1.1', 224, False), ('densenet121', 224, True)]
REMX_SAVED = [('resnet18_v2', 32), ('mobilenetv2_0.25', 32), ('vgg11_bn', 32)]


def _inputs(size, seed):
    return np.random.RandomState(seed).uniform(-1, 1, (2, 3, size, size)).astype('float32')


def _close(a, b, what, atol=1e-5):
    np.testing.assert_allclose(a, b, rtol=1e-4, atol=atol, err_msg=what)


def test_params_files_both_ways(reference, tmp_path):
    from mxnet import autograd
    ns = {'mx': mx, 'np': np}
    exec(RANDOMIZE_BN, ns)
    # remx writes files real MXNet must read
    ours = {}
    for i, (name, size) in enumerate(REMX_SAVED):
        net = vision.get_model(name)
        net.initialize(mx.init.Xavier())
        x = mx.nd.array(_inputs(size, 100 + i))
        net(x)
        ns['randomize_bn'](net, 200 + i)
        net.save_parameters(str(tmp_path / ('remx_%s.params' % name)))
        ours[name] = net(x).asnumpy()

    code = RANDOMIZE_BN + '''
from mxnet.gluon.model_zoo import vision
d = %r
for i, (name, size, train) in enumerate(%r):
    net = vision.get_model(name)
    net.initialize(mx.init.Xavier())
    x = mx.nd.array(np.random.RandomState(i).uniform(-1, 1, (2, 3, size, size)).astype('float32'))
    net(x)
    randomize_bn(net, 50 + i)
    net.save_parameters('%%s/mx_%%s.params' %% (d, name))
    OUT['pred_' + name] = net(x)
    if train:
        with autograd.record():
            OUT['train_' + name] = net(x)
        k = sorted(p for p in net.collect_params() if p.endswith('running_mean'))[0]
        OUT['rmean_' + name] = net.collect_params()[k].data()
# the layout of the older pretrained files: full names with the model prefix stripped
net = vision.mobilenet_v2_0_5(prefix='legacy_')
net.initialize(mx.init.Xavier())
x = mx.nd.array(np.random.RandomState(9).uniform(-1, 1, (1, 3, 32, 32)).astype('float32'))
net(x)
randomize_bn(net, 9)
net.collect_params().save('%%s/legacy.params' %% d, strip_prefix=net.prefix)
OUT['legacy_keys'] = sorted(mx.nd.load('%%s/legacy.params' %% d))[:3]
OUT['legacy'] = net(x)
for i, (name, size) in enumerate(%r):
    net = vision.get_model(name)
    net.load_parameters('%%s/remx_%%s.params' %% (d, name))
    x = np.random.RandomState(100 + i).uniform(-1, 1, (2, 3, size, size))
    x = mx.nd.array(x.astype('float32'))
    OUT['remx_' + name] = net(x)
''' % (str(tmp_path), MXNET_SAVED, REMX_SAVED)
    ref = reference(code)

    for name, size in REMX_SAVED:
        _close(ours[name], ref['remx_' + name], 'MXNet loading remx file: ' + name)
    assert ref['legacy_keys'][0].startswith('features_')
    net = vision.mobilenet_v2_0_5()
    net.load_parameters(str(tmp_path / 'legacy.params'))
    x = mx.nd.array(np.random.RandomState(9).uniform(-1, 1, (1, 3, 32, 32)).astype('float32'))
    _close(net(x).asnumpy(), ref['legacy'], 'legacy-layout file')
    for i, (name, size, train) in enumerate(MXNET_SAVED):
        net = vision.get_model(name)
        net.load_parameters(str(tmp_path / ('mx_%s.params' % name)))
        x = mx.nd.array(_inputs(size, i))
        _close(net(x).asnumpy(), ref['pred_' + name], 'prediction ' + name)
        net.hybridize()
        _close(net(x).asnumpy(), ref['pred_' + name], 'hybridized prediction ' + name)
        if train:
            with autograd.record():
                y = net(x)
            # batch statistics over a few values per channel, through up to 120 BatchNorms:
            # float32 summation order shows at ~4e-5 on outputs of magnitude ~0.4
            _close(y.asnumpy(), ref['train_' + name], 'training-mode output ' + name, 1e-4)
            k = sorted(p for p in net.collect_params() if p.endswith('running_mean'))[0]
            _close(net.collect_params()[k].data().asnumpy(), ref['rmean_' + name],
                   'running mean after training forward ' + name)


def test_pretrained_store(tmp_path, monkeypatch):
    # missing file: MXNetError naming the expected path, no network access attempted
    with pytest.raises(MXNetError) as e:
        vision.get_model('squeezenet1.1', pretrained=True, root=str(tmp_path))
    expected = os.path.join(str(tmp_path), 'squeezenet1.1-33ba0f93.params')
    assert expected in str(e.value) and 'not present' in str(e.value)
    with pytest.raises(MXNetError):
        vision.resnet18_v1(pretrained=True, root=str(tmp_path))
    # default root is $MXNET_HOME/models (~/.mxnet/models)
    assert vision.resnet.get_resnet.__defaults__[2].endswith(os.path.join('.mxnet', 'models')) \
        or 'MXNET_HOME' in os.environ

    # a file present under root with the right SHA-1 is loaded
    src = vision.squeezenet1_1(prefix='src_')
    src.initialize(mx.init.Xavier())
    x = mx.nd.array(_inputs(224, 7)[:1])
    want = src(x).asnumpy()
    f = tmp_path / 'staged.params'
    src.save_parameters(str(f))
    sha1 = hashlib.sha1(f.read_bytes()).hexdigest()
    monkeypatch.setitem(model_store._model_sha1, 'squeezenet1.1', sha1)
    target = tmp_path / ('squeezenet1.1-%s.params' % sha1[:8])
    os.replace(str(f), str(target))
    assert model_store.get_model_file('squeezenet1.1', root=str(tmp_path)) == str(target)
    net = vision.get_model('squeezenet1.1', pretrained=True, root=str(tmp_path), ctx=mx.cpu())
    _close(net(x).asnumpy(), want, 'pretrained squeezenet1.1')

    # a file whose content does not match the checksum is rejected
    target.write_bytes(target.read_bytes()[:-4] + b'\0\0\0\0')
    with pytest.raises(MXNetError) as e:
        model_store.get_model_file('squeezenet1.1', root=str(tmp_path))
    assert 'does not match' in str(e.value)

    # purge removes .params files only
    (tmp_path / 'keep.txt').write_text('x')
    model_store.purge(str(tmp_path))
    assert sorted(os.listdir(str(tmp_path))) == ['keep.txt']


def test_bad_arguments(reference):
    ref = reference('''
from mxnet.gluon.model_zoo import vision, model_store
def err(f):
    try:
        f()
    except Exception as e:
        return type(e).__name__
    return None
OUT['unknown'] = err(lambda: vision.get_model('resnet19_v1'))
OUT['short_hash'] = err(lambda: model_store.short_hash('resnet19_v1'))
OUT['resnet_layers'] = err(lambda: vision.get_resnet(1, 19))
OUT['resnet_version'] = err(lambda: vision.get_resnet(3, 18))
OUT['vgg_layers'] = err(lambda: vision.get_vgg(12))
OUT['squeeze_version'] = err(lambda: vision.SqueezeNet('1.2'))
OUT['hash'] = model_store.short_hash('mobilenetv2_0.5')
''')
    assert ref == {'unknown': 'ValueError', 'short_hash': 'ValueError',
                   'resnet_layers': 'AssertionError', 'resnet_version': 'AssertionError',
                   'vgg_layers': 'KeyError', 'squeeze_version': 'AssertionError',
                   'hash': 'aabd26cd'}
    # remx raises MXNetError that is also the Python type MXNet raised
    cases = [(lambda: vision.get_model('resnet19_v1'), ValueError),
             (lambda: model_store.short_hash('resnet19_v1'), ValueError),
             (lambda: vision.get_resnet(1, 19), AssertionError),
             (lambda: vision.get_resnet(3, 18), AssertionError),
             (lambda: vision.get_vgg(12), KeyError),
             (lambda: vision.SqueezeNet('1.2'), AssertionError),
             (lambda: vision.densenet.get_densenet(122), KeyError)]
    for fn, pytype in cases:
        with pytest.raises(MXNetError) as e:
            fn()
        assert isinstance(e.value, pytype)
    with pytest.raises(MXNetError) as e:
        vision.get_model('resnet19_v1')
    assert 'resnet18_v1' in str(e.value)  # the available options are listed
    assert model_store.short_hash('mobilenetv2_0.5') == ref['hash']
    with pytest.raises(ValueError):
        model_store.get_model_file('nosuchmodel', root='/nonexistent')


def test_public_names(reference):
    ref = reference('''
from mxnet.gluon.model_zoo import vision
from mxnet.gluon.model_zoo.vision import (resnet, vgg, alexnet, densenet, squeezenet,
                                          inception, mobilenet)
import sys
mods = ['resnet', 'vgg', 'alexnet', 'densenet', 'squeezenet', 'inception', 'mobilenet']
OUT['all'] = {m: sorted(sys.modules['mxnet.gluon.model_zoo.vision.' + m].__all__) for m in mods}
OUT['store'] = sorted(sys.modules['mxnet.gluon.model_zoo.model_store'].__all__)
import inspect
OUT['sigs'] = {n: str(inspect.signature(getattr(vision, n)))
               for m in mods for n in sys.modules['mxnet.gluon.model_zoo.vision.' + m].__all__}
OUT['sigs']['get_model'] = str(inspect.signature(vision.get_model))
ms = sys.modules['mxnet.gluon.model_zoo.model_store']
OUT['store_sigs'] = [str(inspect.signature(ms.get_model_file)), str(inspect.signature(ms.purge))]
''')
    import inspect
    import sys
    for m, names in ref['all'].items():
        mod = sys.modules['mxnet.gluon.model_zoo.vision.' + m]
        assert sorted(mod.__all__) == names, m
        for n in names:
            assert hasattr(vision, n), n
    assert sorted(model_store.__all__) == ref['store']
    sigs = {n: str(inspect.signature(getattr(vision, n))) for n in ref['sigs']}
    assert sigs == ref['sigs']
    assert [str(inspect.signature(model_store.get_model_file)),
            str(inspect.signature(model_store.purge))] == ref['store_sigs']
