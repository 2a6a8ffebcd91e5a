"""mx.recordio: byte compatibility with files written by MXNet 1.9.1, headers, errors."""
import os
import struct

import numpy as np
import pytest

import mxnet as mx

FIX = os.path.join(os.path.dirname(__file__), 'fixtures')
MAGIC = struct.pack('<I', 0xced7230a)
PAYLOADS = [b'hello', b'', b'abcd' * 3, MAGIC + b'xyz', b'ab' + MAGIC + b'cd',
            b'abcd' + MAGIC + b'efgh' + MAGIC, MAGIC * 3 + b'q']


def _write(idx, rec):
    w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
    for i, p in enumerate(PAYLOADS):
        w.write_idx(i, p)
    w.write_idx(100, mx.recordio.pack(mx.recordio.IRHeader(0, 3.5, 7, 0), b'payload'))
    w.write_idx(101, mx.recordio.pack(mx.recordio.IRHeader(0, [1.0, 2.0, 3.0], 8, 0), b'multi'))
    w.close()


def test_writer_is_byte_identical(tmp_path):
    idx, rec = str(tmp_path / 'a.idx'), str(tmp_path / 'a.rec')
    _write(idx, rec)
    for ours, ref in ((rec, 'rec_ref.rec'), (idx, 'rec_ref.idx')):
        with open(ours, 'rb') as a, open(os.path.join(FIX, ref), 'rb') as b:
            assert a.read() == b.read()


def test_reader_on_reference_file():
    r = mx.recordio.MXIndexedRecordIO(os.path.join(FIX, 'rec_ref.idx'),
                                      os.path.join(FIX, 'rec_ref.rec'), 'r')
    assert r.keys == list(range(7)) + [100, 101]
    for i, p in enumerate(PAYLOADS):
        assert r.read_idx(i) == p
    h, s = mx.recordio.unpack(r.read_idx(100))
    assert (h.flag, h.label, h.id, h.id2, s) == (0, 3.5, 7, 0, b'payload')
    h, s = mx.recordio.unpack(r.read_idx(101))
    assert h.flag == 3 and h.label.tolist() == [1.0, 2.0, 3.0] and s == b'multi'
    seq = mx.recordio.MXRecordIO(os.path.join(FIX, 'rec_ref.rec'), 'r')
    got = []
    while True:
        b = seq.read()
        if b is None:
            break
        got.append(b)
    assert got[:7] == PAYLOADS and len(got) == 9
    seq.reset()
    assert seq.read() == PAYLOADS[0]


def test_corrupt_and_misuse(tmp_path):
    with open(os.path.join(FIX, 'rec_ref.rec'), 'rb') as f:
        good = f.read()
    bad = tmp_path / 'bad.rec'
    bad.write_bytes(good[:30])
    r = mx.recordio.MXRecordIO(str(bad), 'r')
    with pytest.raises(mx.MXNetError):
        while r.read() is not None:
            pass
    bad.write_bytes(b'\x01\x02\x03\x04\x05\x06\x07\x08')
    with pytest.raises(mx.MXNetError):
        mx.recordio.MXRecordIO(str(bad), 'r').read()
    with pytest.raises(mx.MXNetError):
        mx.recordio.MXRecordIO(str(tmp_path / 'missing.rec'), 'r')
    with pytest.raises(mx.MXNetError):
        mx.recordio.MXRecordIO(str(tmp_path / 'x.rec'), 'q')
    with pytest.raises(mx.MXNetError):
        mx.recordio.unpack(b'short')
