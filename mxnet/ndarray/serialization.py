"""MXNet's binary NDArray file format (``nd.save`` / ``nd.load``), byte-compatible with MXNet 1.x.

File layout (little-endian)::

    uint64 0x112 (list magic), uint64 0 (reserved)
    uint64 n, then n arrays
    uint64 m, then m names (uint64 length + utf-8 bytes); m is 0 for a list, n for a dict

One array (MXNet's NDArray::Save, V2)::

    uint32 0xF993FAC9, int32 storage type (0 = dense)
    int32 ndim, int64 dims[ndim]          (ndim 0: an empty array, nothing follows)
    int32 dev_type, int32 dev_id, int32 type flag, raw data (C order)

The loader also reads V1 (0xF993FAC8, no storage type), V3 (0xF993FACA, numpy shape
semantics) and the pre-V1 layout (uint32 ndim, uint32 dims). It never unpickles anything and
checks every length against the bytes present, so a corrupt file raises MXNetError.
"""
import os
import struct
import tempfile

import numpy as np
import torch

from ..base import MXNetError, _DTYPE_NP_TO_MX, _DTYPE_MX_TO_NP, np_dtype
from ..context import Context

__all__ = ['save', 'load', 'load_frombuffer', 'dumps_array', 'loads_array']

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA
_DEV_TYPES = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared'}


def _umask():
    m = os.umask(0)
    os.umask(m)
    return m


# ---------------------------------------------------------------------------------------------
# writing
def _array_bytes(arr, parts):
    from .ndarray import NDArray
    if not isinstance(arr, NDArray):
        raise MXNetError('save only accepts NDArrays, got %s' % type(arr).__name__)
    t = arr._data.detach()
    a = t.cpu().numpy() if t.device.type != 'cpu' else t.numpy()
    flag = _DTYPE_NP_TO_MX.get(a.dtype)
    if flag is None:
        raise MXNetError('save: dtype %s has no MXNet type flag' % a.dtype)
    shape = a.shape
    parts.append(struct.pack('<Ii', V2_MAGIC, 0))
    parts.append(struct.pack('<i%dq' % len(shape), len(shape), *shape))
    if len(shape) == 0:
        return
    ctx = arr.context
    parts.append(struct.pack('<iii', ctx.device_typeid, ctx.device_id, flag))
    parts.append(np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<'), copy=False).tobytes())


def dumps_array(arr):
    """Bytes of one NDArray in MXNet's format (what MXNet's pickling stores as 'handle')."""
    parts = []
    _array_bytes(arr, parts)
    return b''.join(parts)


def _dumps(data):
    from .ndarray import NDArray
    if isinstance(data, NDArray):
        data = [data]
    if isinstance(data, dict):
        names = list(data.keys())
        for k in names:
            if not isinstance(k, str):
                raise MXNetError('save: dict keys must be str, got %s' % type(k).__name__)
        arrays = [data[k] for k in names]
    elif isinstance(data, (list, tuple)):
        names = []
        arrays = list(data)
    else:
        raise MXNetError('save: data must be an NDArray, a list or a dict of NDArrays, got %s'
                         % type(data).__name__)
    parts = [struct.pack('<QQQ', LIST_MAGIC, 0, len(arrays))]
    for a in arrays:
        _array_bytes(a, parts)
    parts.append(struct.pack('<Q', len(names)))
    for k in names:
        b = k.encode('utf-8')
        parts.append(struct.pack('<Q', len(b)))
        parts.append(b)
    return b''.join(parts)


def save(fname, data):
    """Save an NDArray, a list of NDArrays or a dict of str -> NDArray to ``fname``.

    The file is written to a temporary name beside ``fname`` and renamed into place, so a crash
    mid-save leaves any previous file intact.
    """
    if not isinstance(fname, (str, os.PathLike)):
        raise MXNetError('save: fname must be a path, got %s' % type(fname).__name__)
    blob = _dumps(data)
    fname = os.fspath(fname)
    d = os.path.dirname(os.path.abspath(fname))
    fd, tmp = tempfile.mkstemp(prefix='.' + os.path.basename(fname) + '.', dir=d)
    try:
        with os.fdopen(fd, 'wb') as f:
            f.write(blob)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; MXNet's files get the umask's
        os.replace(tmp, fname)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


# ---------------------------------------------------------------------------------------------
# reading
class _Reader:
    __slots__ = ('buf', 'pos', 'what')

    def __init__(self, buf, what):
        self.buf = memoryview(buf).cast('B')
        self.pos = 0
        self.what = what

    def remaining(self):
        return len(self.buf) - self.pos

    def take(self, n):
        if n < 0 or self.pos + n > len(self.buf):
            raise MXNetError('%s: truncated or corrupt NDArray data (needed %d bytes at offset '
                             '%d, %d available)' % (self.what, n, self.pos, self.remaining()))
        b = self.buf[self.pos:self.pos + n]
        self.pos += n
        return b

    def unpack(self, fmt):
        size = struct.calcsize(fmt)
        return struct.unpack(fmt, self.take(size))


def _read_array(r, ctx=None):
    from .ndarray import _wrap
    (magic,) = r.unpack('<I')
    if magic in (V2_MAGIC, V3_MAGIC):
        (stype,) = r.unpack('<i')
        if stype != 0:
            raise MXNetError('%s: sparse storage type %d is not implemented in remx (dense '
                             'arrays only)' % (r.what, stype))
        (ndim,) = r.unpack('<i')
        if magic == V3_MAGIC and ndim == -1:
            return _wrap(torch.empty((0,)))
        if not 0 <= ndim <= 32:
            raise MXNetError('%s: corrupt NDArray header (ndim=%d)' % (r.what, ndim))
        shape = r.unpack('<%dq' % ndim)
    elif magic == V1_MAGIC:
        (ndim,) = r.unpack('<i')
        if not 0 <= ndim <= 32:
            raise MXNetError('%s: corrupt NDArray header (ndim=%d)' % (r.what, ndim))
        shape = r.unpack('<%dq' % ndim)
    else:
        # pre-V1 layout: the first word was ndim, dims are uint32
        ndim = magic
        if ndim > 32:
            raise MXNetError('%s: not an MXNet NDArray file (bad magic 0x%x)' % (r.what, magic))
        shape = r.unpack('<%dI' % ndim)
    if ndim == 0:
        return _wrap(torch.empty((0,)))
    if any(d < 0 for d in shape):
        raise MXNetError('%s: corrupt NDArray shape %s' % (r.what, shape))
    dev_type, dev_id, flag = r.unpack('<iii')
    if dev_type not in _DEV_TYPES:
        raise MXNetError('%s: corrupt NDArray context (device type %d)' % (r.what, dev_type))
    npd = _DTYPE_MX_TO_NP.get(flag)
    if npd is None:
        raise MXNetError('%s: unsupported or corrupt dtype flag %d' % (r.what, flag))
    count = 1
    for d in shape:
        count *= d
    nbytes = count * npd.itemsize
    raw = r.take(nbytes)
    a = np.frombuffer(raw, dtype=npd.newbyteorder('<'), count=count).astype(npd).reshape(shape)
    t = torch.from_numpy(a.copy())
    if ctx is not None:
        t = t.to(ctx.torch_device)
    return _wrap(t)


def loads_array(buf):
    """Inverse of :func:`dumps_array`."""
    r = _Reader(bytes(buf), 'NDArray')
    return _read_array(r)


def _loads(buf, what):
    r = _Reader(buf, what)
    magic, _reserved = r.unpack('<QQ')
    if magic != LIST_MAGIC:
        raise MXNetError('%s: not an MXNet NDArray file (bad magic 0x%x)' % (what, magic))
    (n,) = r.unpack('<Q')
    if n > r.remaining() // 8:
        raise MXNetError('%s: corrupt NDArray file (claims %d arrays)' % (what, n))
    arrays = [_read_array(r) for _ in range(n)]
    (m,) = r.unpack('<Q')
    if m not in (0, n):
        raise MXNetError('%s: corrupt NDArray file (%d names for %d arrays)' % (what, m, n))
    names = []
    for _ in range(m):
        (ln,) = r.unpack('<Q')
        raw = r.take(ln)
        try:
            names.append(bytes(raw).decode('utf-8'))
        except UnicodeDecodeError:
            raise MXNetError('%s: corrupt NDArray file (bad name bytes)' % what) from None
    if m == 0:
        return arrays
    return dict(zip(names, arrays))


def load(fname):
    """Load what :func:`save` (or MXNet 1.x's ``nd.save``) wrote: a list or a dict of NDArrays."""
    if not isinstance(fname, (str, os.PathLike)):
        raise MXNetError('load: fname must be a path, got %s' % type(fname).__name__)
    try:
        with open(fname, 'rb') as f:
            buf = f.read()
    except OSError as e:
        raise MXNetError('load: cannot read %s: %s' % (fname, e.strerror or e)) from None
    return _loads(buf, os.fspath(fname))


def load_frombuffer(buf):
    """Load a list or dict of NDArrays from bytes in MXNet's format."""
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise MXNetError('load_frombuffer: buf must be bytes, got %s' % type(buf).__name__)
    return _loads(bytes(buf), 'buffer')
