"""nd.save / nd.load: byte compatibility with MXNet 1.9.1 both ways, corrupt-file handling."""
import os
import pickle

import numpy as np
import pytest

import mxnet as mx
from mxnet import nd

FIX = os.path.join(os.path.dirname(__file__), 'fixtures')


def _golden_values():
    rng = np.random.RandomState(0)  # same draws, same order as make_nd_golden.py
    single = rng.rand(3, 4).astype(np.float32)
    lst = [rng.rand(2, 3, 4).astype(np.float32), np.arange(5, dtype=np.int32),
           rng.rand(7).astype(np.float64), np.array([1, 2, 250], dtype=np.uint8),
           rng.rand(2, 2).astype(np.float16), np.array([-5, 6], dtype=np.int64),
           np.array([1, -2], dtype=np.int8)]
    dct = {'arg:fc1_weight': rng.rand(4, 3).astype(np.float32),
           'aux:bn_moving_var': np.ones((4,), np.float32),
           'unicode_\u00e9': np.array([1.5], np.float32)}
    return single, lst, dct


def test_load_reference_files():
    single, lst, dct = _golden_values()
    got = nd.load(os.path.join(FIX, 'nd_single.nd'))
    assert isinstance(got, list) and len(got) == 1
    np.testing.assert_array_equal(got[0].asnumpy(), single)
    got = nd.load(os.path.join(FIX, 'nd_list.nd'))
    assert [g.dtype for g in got] == [a.dtype.type for a in lst]
    for g, a in zip(got, lst):
        np.testing.assert_array_equal(g.asnumpy(), a)
    got = nd.load(os.path.join(FIX, 'nd_dict.nd'))
    assert set(got) == set(dct)
    for k in dct:
        np.testing.assert_array_equal(got[k].asnumpy(), dct[k])
    assert nd.load(os.path.join(FIX, 'nd_empty_list.nd')) == []


def test_save_is_byte_identical(tmp_path):
    single, lst, dct = _golden_values()
    cases = [('nd_single.nd', nd.array(single)),
             ('nd_list.nd', [nd.array(a, dtype=a.dtype) for a in lst]),
             ('nd_dict.nd', {k: nd.array(v) for k, v in dct.items()}),
             ('nd_empty_list.nd', [])]
    for name, data in cases:
        out = tmp_path / name
        nd.save(str(out), data)
        with open(os.path.join(FIX, name), 'rb') as f:
            assert out.read_bytes() == f.read(), name


def test_load_frombuffer_and_pickle():
    with open(os.path.join(FIX, 'nd_dict.nd'), 'rb') as f:
        got = nd.load_frombuffer(f.read())
    assert 'aux:bn_moving_var' in got
    with open(os.path.join(FIX, 'nd_pickle.pkl'), 'rb') as f:
        x = pickle.load(f)  # a pickle made by MXNet 1.9.1 (test fixture)
    assert isinstance(x, nd.NDArray) and x.asnumpy().tolist() == [[1, 2], [3, 4]]
    y = pickle.loads(pickle.dumps(nd.array([[1, 2], [3, 5]], dtype='int64')))
    assert y.dtype == np.int64 and y.asnumpy().tolist() == [[1, 2], [3, 5]]


def test_reference_loads_our_files(tmp_path, reference):
    fname = str(tmp_path / 'ours.nd')
    data = {'a': nd.array(np.arange(12).reshape(3, 4)), 'b': nd.array([1, 2], dtype='int32'),
            'c': nd.array([0.5], dtype='float16')}
    nd.save(fname, data)
    out = reference('''
d = mx.nd.load(%r)
for k, v in d.items():
    OUT[k] = v
OUT['dtypes'] = {k: str(v.dtype) for k, v in d.items()}
''' % fname)
    for k, v in data.items():
        np.testing.assert_array_equal(out[k], v.asnumpy())
    assert out['dtypes'] == {'a': "<class 'numpy.float32'>", 'b': "<class 'numpy.int32'>",
                             'c': "<class 'numpy.float16'>"}


def test_corrupt_files_raise_mxneterror(tmp_path):
    with open(os.path.join(FIX, 'nd_list.nd'), 'rb') as f:
        good = f.read()
    for n in range(0, len(good) - 1, 7):  # every truncation point (stride 7)
        with pytest.raises(mx.MXNetError):
            nd.load_frombuffer(good[:n])
    rng = np.random.RandomState(1)
    for _ in range(300):  # random byte corruption: either loads or raises MXNetError
        b = bytearray(good)
        for i in rng.randint(0, len(b), size=rng.randint(1, 4)):
            b[i] = rng.randint(0, 256)
        try:
            nd.load_frombuffer(bytes(b))
        except mx.MXNetError:
            pass
    with pytest.raises(mx.MXNetError):
        nd.load(str(tmp_path / 'missing.nd'))
    with pytest.raises(mx.MXNetError):
        nd.load_frombuffer(b'\x00' * 64)


def test_save_atomic_keeps_old_file_on_error(tmp_path):
    fname = str(tmp_path / 'w.nd')
    nd.save(fname, [nd.ones((2,))])
    before = open(fname, 'rb').read()
    with pytest.raises(mx.MXNetError):
        nd.save(fname, [nd.ones((2,)), 'not an array'])
    assert open(fname, 'rb').read() == before
    assert os.listdir(str(tmp_path)) == ['w.nd']


def test_np_shape_decides_the_format_version(tmp_path, reference):
    # under np_shape MXNet writes V3 arrays (0-d arrays are real) and reads only V3; without it
    # V2 and only non-V3. 0-d arrays save in both modes but read back only under np_shape
    fname = str(tmp_path / 'f')
    shapes = [(2, 0, 1), (0,), (0, 4), (2, 1)]
    arrays = [nd.array(np.arange(int(np.prod(s))).reshape(s)) for s in shapes]
    for save_np in (False, True):
        with mx.np_shape(save_np):
            nd.save(fname, arrays)
        with open(fname, 'rb') as f:
            blob = f.read()
        magic = int.from_bytes(blob[24:28], 'little')
        assert magic == (0xF993FACA if save_np else 0xF993FAC9)
        for load_np in (False, True):
            with mx.np_shape(load_np):
                if load_np != save_np:
                    with pytest.raises(mx.MXNetError, match='np shape semantics'):
                        nd.load(fname)
                else:
                    got = nd.load(fname)
                    assert [a.shape for a in got] == shapes
        ref = reference('''
import os
with mx.np_shape(%r):
    mx.nd.save('f', [mx.nd.array(np.arange(int(np.prod(s))).reshape(s)) for s in %r])
OUT['blob'] = np.frombuffer(open('f', 'rb').read(), dtype=np.uint8)
''' % (save_np, shapes))
        assert bytes(ref['blob']) == blob
    with mx.np_shape(True):
        nd.save(fname, {'s': nd.array(np.array(3.5)), 'v': nd.ones((2,))})
        got = nd.load(fname)
        assert got['s'].shape == () and float(got['s'].asnumpy()) == 3.5
        blob = open(fname, 'rb').read()
    ref = reference('''
with mx.np_shape(True):
    mx.nd.save('f', {'s': mx.nd.array(np.array(3.5)), 'v': mx.nd.ones((2,))})
OUT['blob'] = np.frombuffer(open('f', 'rb').read(), dtype=np.uint8)
''')
    assert bytes(ref['blob']) == blob
    nd.save(fname, [nd.array(np.array(1.0))])  # V2 with ndim 0 and data, as MXNet writes it
    with pytest.raises(mx.MXNetError):
        nd.load(fname)                         # ... and cannot read back


def test_atomic_write_keeps_the_old_file_on_failure(tmp_path, monkeypatch):
    # every file remx writes goes through base._atomic_write: a failure mid-write leaves the
    # previous file and no temporary file behind
    import os
    from mxnet import base
    f = tmp_path / 'a.params'
    mx.nd.save(str(f), {'x': mx.nd.ones((2,))})
    before = f.read_bytes()

    def boom(src, dst):
        raise OSError('disk full')
    monkeypatch.setattr(os, 'replace', boom)
    with pytest.raises(OSError, match='disk full'):
        mx.nd.save(str(f), {'x': mx.nd.zeros((3,))})
    with pytest.raises(OSError):
        base._atomic_write(str(tmp_path / 'b.json'), '{}')
    monkeypatch.undo()
    assert f.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == ['a.params']
    assert (os.stat(f).st_mode & 0o777) == 0o666 & ~_current_umask()


def _current_umask():
    import os
    m = os.umask(0)
    os.umask(m)
    return m
