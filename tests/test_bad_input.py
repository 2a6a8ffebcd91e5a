"""Bad input raises MXNetError with a message naming what was wrong, and changes nothing.

One test per case of the "bad input gets MXNetError everywhere" work item: every loader
(nd.load, symbol JSON, .params, .states, checkpoints, RecordIO + .idx, ImageRecordIter,
imdecode, the optimizer-states unpickler), allocations that cannot be met, and the message for
a missing image codec. The fuzzing of the same loaders is in test_fuzz_loaders.py.
"""
import json
import os
import struct
import tracemalloc
import zlib

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

MB = 1 << 20
V2 = 0xF993FAC9


def _nd_file(shape, flag=0, data=b'', names=()):
    b = struct.pack('<QQQ', 0x112, 0, 1)
    b += struct.pack('<Ii', V2, 0) + struct.pack('<i%dq' % len(shape), len(shape), *shape)
    b += struct.pack('<iii', 1, 0, flag) + data
    b += struct.pack('<Q', len(names))
    for n in names:
        b += struct.pack('<Q', len(n)) + n
    return b


def _peak(fn):
    """(result or exception, peak bytes Python/numpy allocated while fn ran)."""
    tracemalloc.start()
    try:
        try:
            out = fn()
        except Exception as e:  # noqa: BLE001
            out = e
        return out, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


# -- nd.load / nd.load_frombuffer ------------------------------------------------------------------
def test_nd_load_names_file_and_field(tmp_path):
    f = str(tmp_path / 'bad.nd')
    with open(f, 'wb') as fh:
        fh.write(_nd_file((2, 3), data=b'\x00' * 8))  # 24 bytes of data needed, 8 there
    with pytest.raises(MXNetError) as e:
        mx.nd.load(f)
    msg = str(e.value)
    assert f in msg and 'array 0' in msg and 'shape (2, 3)' in msg and '24 bytes' in msg
    with open(f, 'wb') as fh:
        fh.write(b'\x13\x01' + b'\x00' * 30)
    with pytest.raises(MXNetError, match='bad magic'):
        mx.nd.load(f)
    with pytest.raises(MXNetError, match='cannot read'):
        mx.nd.load(str(tmp_path / 'missing.nd'))


def test_nd_load_refuses_huge_claims_before_allocating():
    # a shape claiming 2**62 elements, and a count of 2**60 arrays, in a few dozen bytes
    for buf in (_nd_file((1 << 31, 1 << 31)), struct.pack('<QQQ', 0x112, 0, 1 << 60)):
        out, peak = _peak(lambda: mx.nd.load_frombuffer(buf))
        assert isinstance(out, MXNetError), out
        assert peak < MB
    with pytest.raises(MXNetError, match='ndim'):
        mx.nd.load_frombuffer(struct.pack('<QQQ', 0x112, 0, 1) + struct.pack('<Iii', V2, 0, 99))
    with pytest.raises(MXNetError, match='dtype flag'):
        mx.nd.load_frombuffer(_nd_file((1,), flag=77, data=b'\x00' * 8))
    with pytest.raises(MXNetError, match='names for'):
        mx.nd.load_frombuffer(_nd_file((1,), data=b'\x00' * 4, names=(b'a', b'b')))
    with pytest.raises(MXNetError, match='UTF-8'):
        mx.nd.load_frombuffer(_nd_file((1,), data=b'\x00' * 4, names=(b'\xff',)))
    with pytest.raises(MXNetError, match='must be bytes'):
        mx.nd.load_frombuffer('not bytes')


def test_nd_load_zero_size_with_huge_dims_loads_as_mxnet(reference):
    shapes = [(0, 1 << 40, 1 << 40), (1 << 62, 1 << 62, 0), (0, 1 << 62), (0, 5), (3, 0)]
    ref = reference('''
import struct
shapes = %r
for i, s in enumerate(shapes):
    b = struct.pack('<QQQ', 0x112, 0, 1) + struct.pack('<Ii', 0xF993FAC9, 0)
    b += struct.pack('<i%%dq' %% len(s), len(s), *s) + struct.pack('<iiiQ', 1, 0, 0, 0)
    a = mx.nd.load_frombuffer(b)[0]
    OUT['shape%%d' %% i] = list(a.shape)
    OUT['size%%d' %% i] = int(a.size)
''' % (shapes,))
    for i, s in enumerate(shapes):
        a = mx.nd.load_frombuffer(_nd_file(s))[0]   # ValueError "array is too big" before
        assert list(a.shape) == ref['shape%d' % i], (s, a.shape, ref['shape%d' % i])
        assert a.size == ref['size%d' % i] == 0
        assert a.asnumpy().size == 0
        assert a.dtype == np.float32


# -- symbol JSON -----------------------------------------------------------------------------------
def _mlp_doc():
    x = mx.sym.var('x')
    return json.loads(mx.sym.FullyConnected(x, num_hidden=3, name='fc').tojson())


def _load_doc(doc):
    return mx.sym.load_json(json.dumps(doc))


def test_symbol_json_heads_past_node_list():
    d = _mlp_doc()
    d['heads'] = [[7, 0, 0]]
    with pytest.raises(MXNetError, match=r'head \[7, 0, 0\] refers to node 7, but only nodes '
                                         r'0..3 exist'):
        _load_doc(d)
    d['heads'] = [[3, 5, 0]]   # an output the node does not have (IndexError before)
    with pytest.raises(MXNetError, match='refers to output 5 of node fc, which has 1'):
        _load_doc(d)


def test_symbol_json_inputs_not_a_list():
    d = _mlp_doc()
    d['nodes'][3]['inputs'] = 'abc'
    with pytest.raises(MXNetError, match=r'node 3 \(fc\): "inputs" must be a list, got a string'):
        _load_doc(d)
    d['nodes'][3]['inputs'] = 5   # TypeError before
    with pytest.raises(MXNetError, match='"inputs" must be a list'):
        _load_doc(d)
    d['nodes'][3]['inputs'] = [[0, 0, 0], [1, 0, 0], [9, 0, 0]]
    with pytest.raises(MXNetError, match='refers to node 9, but only nodes 0..2 come before'):
        _load_doc(d)


def test_symbol_json_nested_100000_deep():
    text = json.dumps(_mlp_doc()).replace('"inputs": []', '"inputs": ' + '[' * 100000 +
                                          ']' * 100000, 1)
    with pytest.raises(MXNetError, match='nests too deeply'):   # RecursionError before
        mx.sym.load_json(text)


def test_symbol_json_wrong_field_types():
    cases = [
        (lambda d: d['nodes'][0].__setitem__('name', 5), 'node 0: "name" must be a string'),
        (lambda d: d['nodes'][3].__setitem__('op', 3), 'node 3: "op" must be a string'),
        (lambda d: d['nodes'][3]['attrs'].__setitem__('num_hidden', 3),
         'attribute "num_hidden" must be a string'),
        (lambda d: d['nodes'][3].__setitem__('attrs', [1]), '"attrs" must be an object'),
        (lambda d: d['nodes'][3]['inputs'][0].__setitem__(1, 0.0), 'input must be'),
        (lambda d: d['nodes'][3]['inputs'][0].__setitem__(1, False), 'input must be'),
        (lambda d: d.__setitem__('nodes', {}), '"nodes" must be a list'),
        (lambda d: d.__setitem__('heads', [[3]]), 'head must be'),
        (lambda d: d.__setitem__('arg_nodes', 'x'), '"arg_nodes" must be a list of integers'),
        (lambda d: d.__setitem__('attrs', {'mxnet_version': ['int', 'x']}), 'mxnet_version'),
        (lambda d: d['nodes'][3]['attrs'].__setitem__('num_hidden', '(' * 5000),
         'node 3 \\(fc\\)'),
        (lambda d: d['nodes'][3].__setitem__('op', 'NoSuchOp'), 'node 3 \\(fc\\).*NoSuchOp'),
    ]
    for mutate, msg in cases:
        d = _mlp_doc()
        mutate(d)
        with pytest.raises(MXNetError, match=msg):
            _load_doc(d)
    with pytest.raises(MXNetError, match='not valid JSON'):
        mx.sym.load_json('{"nodes": [')


def test_symbol_load_names_the_file(tmp_path):
    f = str(tmp_path / 'net-symbol.json')
    d = _mlp_doc()
    d['heads'] = [[3, 2, 0]]
    with open(f, 'w') as fh:
        json.dump(d, fh)
    with pytest.raises(MXNetError) as e:
        mx.sym.load(f)
    assert f in str(e.value) and 'head' in str(e.value)
    with open(f, 'wb') as fh:
        fh.write(b'\xff\xfe{')
    with pytest.raises(MXNetError, match='not a text'):
        mx.sym.load(f)


# -- .params (gluon) -------------------------------------------------------------------------------
def _net():
    net = mx.gluon.nn.Dense(2, in_units=3, prefix='d_')
    net.initialize()
    return net


def test_gluon_params_corrupt_file(tmp_path):
    net = _net()
    f = str(tmp_path / 'net.params')
    net.save_parameters(f)
    with open(f, 'rb') as fh:
        good = fh.read()
    before = net.weight.data().asnumpy().copy()
    with open(f, 'wb') as fh:
        fh.write(good[:len(good) - 10])
    with pytest.raises(MXNetError) as e:
        net.load_parameters(f)
    assert f in str(e.value)
    np.testing.assert_array_equal(net.weight.data().asnumpy(), before)  # unchanged
    mx.nd.save(f, [mx.nd.ones((2, 3))])   # a list file: no names to load by (ValueError before)
    with pytest.raises(MXNetError, match='list'):
        net.collect_params().load(f)
    with pytest.raises(MXNetError, match='list'):
        net.load_parameters(f)


# -- .states (optimizer, kvstore, Trainer) -------------------------------------------------------
def _updater_with_state():
    u = mx.optimizer.get_updater(mx.optimizer.create('sgd', momentum=0.9))
    w, g = mx.nd.ones((2,)), mx.nd.ones((2,))
    u(0, g, w)
    return u


def test_states_corrupt_data_leaves_state_unchanged():
    u = _updater_with_state()
    good = u.get_states(dump_optimizer=True)
    states, opt = u.states, u.optimizer
    for bad in (good[:len(good) // 2], b'garbage', good[:-1] + b'\x00', b''):
        with pytest.raises(MXNetError, match='optimizer states'):
            u.set_states(bad)
        assert u.states is states and u.optimizer is opt
    # a well-formed pickle holding the wrong things
    import pickle
    with pytest.raises(MXNetError, match='not NDArrays'):
        u.set_states(pickle.dumps({0: 'a string'}))
    with pytest.raises(MXNetError, match='unexpected content'):
        u.set_states(pickle.dumps([1, 2]))
    u.set_states(good)  # and the good one still loads


def test_states_unpickler_allocation_bombs_have_messages():
    u = _updater_with_state()
    bombs = {
        # a bytes8 opcode claiming 1 TiB (the C unpickler allocates the claimed size first)
        'bytes8': b'\x80\x04\x8e' + struct.pack('<Q', 1 << 40) + b'xx.',
        # allow-listed constructors asked for 10**12 items
        'bytes(n)': b'cbuiltins\nbytes\n(I1000000000000\ntR.',
        'list(range)': b'cbuiltins\nlist\n(cbuiltins\nrange\n(I1000000000000\ntRtR.',
        'newobj': b'\x80\x02ccopyreg\n__newobj__\n(cbuiltins\nbytes\nI1000000000000\ntR.',
        # a memo index of 2**32 (the C unpickler grows its memo table to it)
        'memo': b'\x80\x04N' + b'r' + struct.pack('<I', (1 << 32) - 1) + b'.',
    }
    for name, bomb in bombs.items():
        out, peak = _peak(lambda: u.set_states(bomb))
        assert isinstance(out, MXNetError), (name, out)
        assert 'corrupt' in str(out) or 'refusing' in str(out), (name, out)
        assert not str(out).rstrip().endswith(':'), (name, out)   # it used to end in ": "
        assert peak < MB, (name, peak)
    with pytest.raises(MXNetError, match='refusing to load os.system'):
        u.set_states(b'cos\nsystem\n(S"echo hi"\ntR.')


def test_kvstore_and_trainer_states_files_named(tmp_path):
    kv = mx.kv.create('local')
    kv.set_optimizer(mx.optimizer.create('sgd'))
    missing = str(tmp_path / 'missing.states')
    with pytest.raises(MXNetError, match='missing.states'):  # FileNotFoundError before
        kv.load_optimizer_states(missing)
    f = str(tmp_path / 'bad.states')
    with open(f, 'wb') as fh:
        fh.write(b'\x80\x04\x95garbage')
    with pytest.raises(MXNetError) as e:
        kv.load_optimizer_states(f)
    assert f in str(e.value)
    net = _net()
    trainer = mx.gluon.Trainer(net.collect_params(), 'sgd', kvstore=None)
    with pytest.raises(MXNetError) as e:
        trainer.load_states(f)
    assert f in str(e.value)


# -- mx.model.load_checkpoint -------------------------------------------------------------------
def test_load_checkpoint_names_the_bad_file(tmp_path):
    prefix = str(tmp_path / 'ck')
    s = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2, name='fc')
    mx.model.save_checkpoint(prefix, 3, s, {'fc_weight': mx.nd.ones((2, 2)),
                                            'fc_bias': mx.nd.zeros((2,))}, {})
    mx.model.load_checkpoint(prefix, 3)
    with open(prefix + '-symbol.json') as fh:
        d = json.load(fh)
    d['nodes'][-1]['inputs'] = {'a': 1}
    with open(prefix + '-symbol.json', 'w') as fh:
        json.dump(d, fh)
    with pytest.raises(MXNetError) as e:
        mx.model.load_checkpoint(prefix, 3)
    assert prefix + '-symbol.json' in str(e.value) and '"inputs" must be a list' in str(e.value)
    mx.model.save_checkpoint(prefix, 3, s, {'fc_weight': mx.nd.ones((2, 2))}, {})
    with open(prefix + '-0003.params', 'r+b') as fh:
        fh.truncate(40)
    with pytest.raises(MXNetError) as e:
        mx.model.load_checkpoint(prefix, 3)
    assert prefix + '-0003.params' in str(e.value)
    with pytest.raises(MXNetError, match='epoch must be an integer'):
        mx.model.load_checkpoint(prefix, 'x')


# -- mx.recordio with .idx ----------------------------------------------------------------------
def _rec(tmp_path):
    idx, rec = str(tmp_path / 'r.idx'), str(tmp_path / 'r.rec')
    w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
    for i in range(3):
        w.write_idx(i, b'record%d' % i)
    w.close()
    return idx, rec


@pytest.mark.parametrize('line, msg', [
    ('0\t-8\n', "position -8 of key '0' is outside the record file"),      # OSError before
    ('0\t99999999\n', "position 99999999 of key '0' is outside"),
    ('0\t%d\n' % (1 << 64), 'outside the record file'),                       # OverflowError
    ('0\tabc\n', "position 'abc' is not an integer"),                        # ValueError
    ('x\t0\n', "key 'x' is not a valid int"),
    ('0 16\n', 'expected "key<TAB>position"'),
])
def test_recordio_idx_bad_lines(tmp_path, line, msg):
    idx, rec = _rec(tmp_path)
    with open(idx, 'a') as fh:
        fh.write(line)
    with pytest.raises(MXNetError, match=msg) as e:
        mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
    assert 'line 4' in str(e.value) and idx in str(e.value)


def test_recordio_idx_not_text_and_bad_records(tmp_path):
    idx, rec = _rec(tmp_path)
    with open(idx, 'ab') as fh:
        fh.write(b'\xff\xfe\t3\n')
    with pytest.raises(MXNetError, match='not UTF-8'):   # UnicodeDecodeError before
        mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
    idx, rec = _rec(tmp_path)
    r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
    with pytest.raises(MXNetError, match='has no key'):
        r.read_idx(42)
    r.close()
    # a record header claiming 512 MiB is refused before anything is read or allocated
    with open(rec, 'r+b') as fh:
        fh.seek(4)
        fh.write(struct.pack('<I', (1 << 29) - 1))
    r = mx.recordio.MXIndexedRecordIO(idx, rec, 'r')
    out, peak = _peak(lambda: r.read_idx(0))
    assert isinstance(out, MXNetError) and 'claims 536870911 bytes' in str(out), out
    assert peak < MB
    r.close()


# -- ImageRecordIter ---------------------------------------------------------------------------
def _png_bytes(w, h):
    from mxnet import _imcodec
    return _imcodec.encode_bgr(np.full((h, w, 3), 100, np.uint8), 3, '.png')


def test_image_record_iter_bad_inputs(tmp_path):
    pytest.importorskip('PIL')
    rec = str(tmp_path / 'img.rec')
    w = mx.recordio.MXRecordIO(rec, 'w')
    w.write(mx.recordio.pack(mx.recordio.IRHeader(0, 1.0, 0, 0), _png_bytes(8, 8)))
    w.write(mx.recordio.pack(mx.recordio.IRHeader(0, 1.0, 1, 0), b'not an image at all'))
    w.close()
    with pytest.raises(MXNetError) as e:
        for _ in mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=1):
            pass
    assert rec in str(e.value) and 'record at offset' in str(e.value)
    lst = str(tmp_path / 'img.lst')
    with open(lst, 'w') as fh:
        fh.write('inf\t1.0\ta.png\n')             # OverflowError before
    with pytest.raises(MXNetError, match='line 1'):
        mx.io.ImageRecordIter(path_imgrec=rec, path_imglist=lst, data_shape=(3, 8, 8),
                              batch_size=1)
    with open(lst, 'wb') as fh:
        fh.write(b'0\t\xff\xfe\ta.png\n')          # UnicodeDecodeError before
    with pytest.raises(MXNetError, match='not UTF-8'):
        mx.io.ImageRecordIter(path_imgrec=rec, path_imglist=lst, data_shape=(3, 8, 8),
                              batch_size=1)
    mean = str(tmp_path / 'mean.nd')
    mx.nd.save(mean, [])                          # IndexError before
    with pytest.raises(MXNetError, match='holds no array'):
        mx.io.ImageRecordIter(path_imgrec=rec, mean_img=mean, data_shape=(3, 8, 8),
                              batch_size=1)


# -- mx.image.imdecode ----------------------------------------------------------------------------
def _png_claiming(w, h):
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
    return (b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) +
            chunk(b'IDAT', zlib.compress(b'\x00' * 16)) + chunk(b'IEND', b''))


def test_imdecode_bad_data():
    pytest.importorskip('PIL')
    with pytest.raises(MXNetError, match='Invalid image file'):
        mx.image.imdecode(b'definitely not an image')
    with pytest.raises(MXNetError, match='cannot be empty'):
        mx.image.imdecode(b'')
    with pytest.raises(ValueError):   # MXNet's type for a buf that is not bytes (kept)
        mx.image.imdecode('a str')
    # a 68-byte PNG claiming 8000x8000 pixels is refused before a pixel is allocated (and one
    # claiming more than 178M pixels by Pillow's own decompression-bomb check)
    for w, h, msg in ((8000, 8000, '8000x8000'), (30000, 30000, 'pixels')):
        out, peak = _peak(lambda: mx.image.imdecode(_png_claiming(w, h)))
        assert isinstance(out, MXNetError) and msg in str(out), out
        assert peak < 4 * MB


def test_imdecode_without_codec_says_what_to_install(monkeypatch):
    from mxnet import _imcodec
    png = _png_bytes(4, 4)   # a valid PNG (made before the codecs go away)
    monkeypatch.setattr(_imcodec, '_cv2', lambda: None)
    monkeypatch.setattr(_imcodec, '_pil', lambda: None)
    with pytest.raises(MXNetError) as e:
        mx.image.imdecode(png)
    msg = str(e.value)
    assert 'Invalid image file' not in msg          # what it said before
    assert 'OpenCV' in msg and 'Pillow' in msg
    assert "pip install 'remx[image]'" in msg and 'pip install Pillow' in msg
    with pytest.raises(MXNetError, match='Pillow'):
        _imcodec.encode_bgr(np.zeros((2, 2, 3), np.uint8))


# -- allocations that cannot be met ---------------------------------------------------------------
_NO_OVERCOMMIT = open('/proc/sys/vm/overcommit_memory').read().strip() != '1' \
    if os.path.exists('/proc/sys/vm/overcommit_memory') else False


def _alloc_msg(fn):
    with pytest.raises(MXNetError) as e:
        fn()
    return str(e.value)


@pytest.mark.skipif(not _NO_OVERCOMMIT, reason='with overcommit, 4 TB may be handed out')
def test_zeros_terabytes():
    msg = _alloc_msg(lambda: mx.nd.zeros((10 ** 12,)))
    assert 'zeros' in msg and '(1000000000000,)' in msg and '4000000000000 bytes' in msg


def test_allocation_failures_name_op_shape_bytes():
    # beyond any address space, so the request fails on every machine
    msg = _alloc_msg(lambda: mx.nd.zeros((1 << 58,)))
    assert 'zeros' in msg and str(1 << 58) in msg and '%d bytes' % (4 << 58) in msg
    msg = _alloc_msg(lambda: mx.nd.ones((1 << 62, 1 << 62)))   # "Storage size ... overflowed"
    assert 'ones' in msg and str(1 << 62) in msg and 'more than any array can hold' in msg
    msg = _alloc_msg(lambda: mx.nd.arange(0, 1e17))
    assert 'arange' in msg and '(100000000000000000,)' in msg and 'bytes' in msg
    msg = _alloc_msg(lambda: mx.nd.empty((1 << 40, 1 << 20)))
    assert 'empty' in msg and 'bytes' in msg
    msg = _alloc_msg(lambda: mx.nd.full((1 << 60,), 2.0))
    assert 'full' in msg and 'bytes' in msg
    # registry ops (the same failure, wrapped by the registry's torch-error mapping)
    msg = _alloc_msg(lambda: mx.nd._internal._zeros(shape=(1 << 58,)))
    assert '_zeros' in msg and str(1 << 58) in msg and 'bytes' in msg
    msg = _alloc_msg(lambda: mx.nd.broadcast_to(mx.nd.ones((1,)), shape=(1 << 58,)))
    assert 'broadcast_to' in msg and str(1 << 58) in msg and 'bytes' in msg
    a, b = mx.nd.ones((1 << 23, 1)), mx.nd.ones((1, 1 << 23))
    msg = _alloc_msg(lambda: a + b)    # the arithmetic fast path
    assert 'broadcast_add' in msg and '(8388608, 8388608)' in msg and 'bytes' in msg
    msg = _alloc_msg(lambda: mx.nd.broadcast_mul(a, b))
    assert 'broadcast_mul' in msg and '(8388608, 8388608)' in msg and 'bytes' in msg
    del a, b
    msg = _alloc_msg(lambda: mx.nd.array(np.broadcast_to(np.float32(1), (1 << 50,))))
    assert 'array' in msg and 'bytes' in msg


@pytest.mark.parametrize('shape, what', [((float('nan'),), 'nan'), ((float('inf'), 2), 'inf'),
                                         ((-3,), 'negative'), (('x',), 'not an integer')])
def test_impossible_shapes(shape, what):
    with pytest.raises(MXNetError, match=what):    # ValueError / OverflowError before
        mx.nd.zeros(shape)
    with pytest.raises(MXNetError):
        mx.nd._internal._zeros(shape=shape)


def test_arange_of_infinite_length():
    for stop in (float('inf'), float('nan')):
        with pytest.raises(MXNetError, match='finite number of values'):
            mx.nd.arange(0, stop)


def test_huge_gluon_layers_initialise_with_mxnet_error():
    dense = mx.gluon.nn.Dense(10 ** 7, in_units=10 ** 7)   # 400 TB of weight
    msg = _alloc_msg(dense.initialize)
    assert '(10000000, 10000000)' in msg and '400000000000000 bytes' in msg
    conv = mx.gluon.nn.Conv2D(10 ** 5, kernel_size=(100, 100), in_channels=10 ** 5)
    msg = _alloc_msg(lambda: conv.initialize(mx.init.Xavier()))
    assert '(100000, 100000, 100, 100)' in msg and 'bytes' in msg
    deferred = mx.gluon.nn.Dense(10 ** 7)
    deferred.initialize()
    msg = _alloc_msg(lambda: deferred(mx.nd.ones((1, 10 ** 7))))
    assert '(10000000, 10000000)' in msg
