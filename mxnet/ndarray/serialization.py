"""MXNet's binary NDArray file format (``nd.save`` / ``nd.load``), byte-compatible with MXNet 1.x.

File layout (little-endian)::

    uint64 0x112 (list magic), uint64 0 (reserved)
    uint64 n, then n arrays
    uint64 m, then m names (uint64 length + utf-8 bytes); m is 0 for a list, n for a dict

One array (MXNet's NDArray::Save, V2; V3 under ``mx.np_shape`` semantics)::

    uint32 0xF993FAC9 (V2) or 0xF993FACA (V3), int32 storage type (0 = dense)
    int32 ndim, int64 dims[ndim]
    int32 dev_type, int32 dev_id, int32 type flag, raw data (C order)

In V2, ndim 0 means "no array" (MXNet 1.x has no 0-d arrays) and nothing follows when MXNet
reads it; in V3, ndim 0 is a 0-d array and ndim -1 (or a dim -1) "no array". As in MXNet, V3
arrays load only with np_shape on and all other versions only with it off (MXNetError
otherwise). The loader also reads V1 (0xF993FAC8, no storage type) and the pre-V1 layout
(uint32 ndim, uint32 dims). It never unpickles anything and checks every length against the
bytes present, so a corrupt file raises MXNetError.

Pickling an NDArray stores these bytes (MXNet's ``__getstate__``): ``_install()`` (at the end)
sets ``__getstate__`` / ``__setstate__`` on ``NDArray`` and ``BaseSparseNDArray``, which sit below
this module (``_handle.py``, ``sparse.py``).
"""
import os
import struct

import numpy as np
import torch

from ..base import MXNetError, _atomic_write, _DTYPE_NP_TO_MX, _DTYPE_MX_TO_NP, _NP_TO_TORCH, np_dtype
from ..context import Context
from ..util import _flags
from .ndarray import NDArray, _wrap
from .sparse import _make, BaseSparseNDArray, CSRNDArray, RowSparseNDArray

__all__ = ['save', 'load', 'load_frombuffer', 'dumps_array', 'loads_array']

LIST_MAGIC = 0x112
V1_MAGIC = 0xF993FAC8
V2_MAGIC = 0xF993FAC9
V3_MAGIC = 0xF993FACA
_DEV_TYPES = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared'}


# ---------------------------------------------------------------------------------------------
# writing
def _array_bytes(arr, parts):
    if not isinstance(arr, NDArray):
        raise MXNetError('save only accepts NDArrays, got %s' % type(arr).__name__)
    if type(arr) is not NDArray and arr.stype != 'default':
        return _sparse_array_bytes(arr, parts)
    t = arr._data.detach()
    a = t.cpu().numpy() if t.device.type != 'cpu' else t.numpy()
    flag = _DTYPE_NP_TO_MX.get(a.dtype)
    if flag is None:
        raise MXNetError('save: dtype %s has no MXNet type flag' % a.dtype)
    shape = a.shape
    # MXNet writes V3 under np_shape semantics (0-d and zero-size arrays are real) and V2
    # otherwise. Every array that holds memory has its context, type flag and data written, a
    # 0-d one too (in a V2 file its ndim 0 reads back as "no array", as in MXNet)
    parts.append(struct.pack('<Ii', V3_MAGIC if _flags.np_shape else V2_MAGIC, 0))
    parts.append(struct.pack('<i%dq' % len(shape), len(shape), *shape))
    ctx = arr.context
    parts.append(struct.pack('<iii', ctx.device_typeid, ctx.device_id, flag))
    parts.append(np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<'), copy=False).tobytes())


def _np_le(t):
    a = t.detach()
    a = a.cpu().numpy() if a.device.type != 'cpu' else a.numpy()
    return np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<'), copy=False)


def _sparse_array_bytes(arr, parts):
    """One csr / row_sparse array as MXNet's NDArray::Save writes it: magic, storage type,
    storage shape (of the values), shape, context, type flag, (aux type flag, aux shape) per
    aux array (csr: indptr, indices; row_sparse: indices), the values, the aux arrays."""
    arr._comp()
    vals = _np_le(arr._sv)
    aux = [_np_le(x) for x in arr._saux]
    flag = _DTYPE_NP_TO_MX.get(vals.dtype.newbyteorder('='))
    if flag is None:
        raise MXNetError('save: dtype %s has no MXNet type flag' % vals.dtype)
    stype = 2 if arr.stype == 'csr' else 1
    parts.append(struct.pack('<Ii', V3_MAGIC if _flags.np_shape else V2_MAGIC, stype))
    sshape = (0,) if getattr(arr, '_castq', False) else vals.shape
    parts.append(struct.pack('<i%dq' % len(sshape), len(sshape), *sshape))
    shape = arr.shape
    parts.append(struct.pack('<i%dq' % len(shape), len(shape), *shape))
    ctx = arr.context
    parts.append(struct.pack('<iii', ctx.device_typeid, ctx.device_id, flag))
    for x in aux:
        parts.append(struct.pack('<ii%dq' % x.ndim, _DTYPE_NP_TO_MX[np.dtype(np.int64)], x.ndim,
                                 *x.shape))
    parts.append(vals.tobytes())
    for x in aux:
        parts.append(x.tobytes())


def _read_sparse(r, stype, np_shape_ver):
    """The rest of a csr (stype 2) / row_sparse (1) array after its storage type."""

    def shape_():
        (nd,) = r.unpack('<i')
        if not 0 <= nd <= 32:
            raise MXNetError('%s: corrupt sparse NDArray header (ndim=%d)' % (r.what, nd))
        dims = r.unpack('<%dq' % nd)
        if any(d < 0 for d in dims):
            raise MXNetError('%s: corrupt sparse NDArray shape %s' % (r.what, dims))
        return tuple(dims)
    sshape = shape_()
    shape = shape_()
    dev_type, dev_id, flag = r.unpack('<iii')
    if dev_type not in _DEV_TYPES:
        raise MXNetError('%s: corrupt NDArray context (device type %d)' % (r.what, dev_type))
    npd = _DTYPE_MX_TO_NP.get(flag)
    if npd is None:
        raise MXNetError('%s: unsupported or corrupt dtype flag %d' % (r.what, flag))
    nad = 2 if stype == 2 else 1
    aux_meta = []
    for _ in range(nad):
        (aflag,) = r.unpack('<i')
        adt = _DTYPE_MX_TO_NP.get(aflag)
        if adt is None or adt.kind not in 'iu':
            raise MXNetError('%s: corrupt sparse NDArray aux type flag %d' % (r.what, aflag))
        aux_meta.append((adt, shape_()))
    if 0 in sshape and len(shape) >= 1:  # storage shape unset when saved: the aux arrays say it
        sshape = aux_meta[1][1] if stype == 2 else aux_meta[0][1][:1] + tuple(shape[1:])
    if stype == 2:
        ok = len(shape) == 2 and len(sshape) == 1 and aux_meta[0][1] == (shape[0] + 1,) and \
            aux_meta[1][1] == sshape
    else:
        ok = len(shape) >= 1 and len(sshape) == len(shape) and sshape[1:] == shape[1:] and \
            aux_meta[0][1] == sshape[:1]
    if not ok:
        raise MXNetError('%s: corrupt sparse NDArray (shape %s, storage shape %s, aux shapes '
                         '%s)' % (r.what, shape, sshape, [m[1] for m in aux_meta]))

    def read(dt, dims):
        count = 1
        for d in dims:
            count *= d
        nbytes = count * dt.itemsize
        if nbytes > r.remaining():
            raise MXNetError('%s: corrupt NDArray: shape %s of %s needs %d bytes of data, %d '
                             'left (truncated file or wrong shape)'
                             % (r.what, dims, dt.name, nbytes, r.remaining()))
        a = np.frombuffer(r.take(nbytes), dtype=dt.newbyteorder('<'), count=count)
        if dt == np.bool_:
            a = a.view(np.uint8) != 0
        return torch.from_numpy(a.astype(dt).reshape(dims))
    vals = read(npd, sshape)
    aux = [read(adt, dims).to(torch.int64) for adt, dims in aux_meta]
    cls = CSRNDArray if stype == 2 else RowSparseNDArray
    return _make(cls, vals, aux, shape)


def dumps_array(arr):
    """Bytes of one NDArray in MXNet's format (what MXNet's pickling stores as 'handle')."""
    parts = []
    _array_bytes(arr, parts)
    return b''.join(parts)


def _dumps(data):
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
    _atomic_write(fname, _dumps(data))


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


_V3_NEEDS_NP_SHAPE = ('ndarray was saved in np shape semantics, must be loaded in the same '
                      'semantics. Please turn on np shape semantics in Python using `with '
                      'np_shape(True)` or decorator `use_np_shape` to scope the code of loading '
                      'the ndarray.')
_NP_SHAPE_NEEDS_V3 = ('ndarray was not saved in np shape semantics, but being loaded in np shape '
                      'semantics. Please turn off np shape semantics in Python using `with '
                      'np_shape(False)` to scope the code of loading the ndarray.')


def _read_array(r, ctx=None):
    (magic,) = r.unpack('<I')
    np_shape = _flags.np_shape
    # as MXNet's NDArray::Load: V3 arrays load only under np_shape, the others only without it
    if magic == V3_MAGIC:
        if not np_shape:
            raise MXNetError('%s: %s' % (r.what, _V3_NEEDS_NP_SHAPE))
    elif np_shape:
        raise MXNetError('%s: %s' % (r.what, _NP_SHAPE_NEEDS_V3))
    if magic in (V2_MAGIC, V3_MAGIC):
        (stype,) = r.unpack('<i')
        if stype in (1, 2):  # row_sparse, csr
            return _read_sparse(r, stype, magic == V3_MAGIC)
        if stype != 0:
            raise MXNetError('%s: corrupt NDArray header (storage type %d)' % (r.what, stype))
        (ndim,) = r.unpack('<i')
        if magic == V3_MAGIC and ndim == -1:
            return _wrap(torch.empty((0,)))  # an unknown shape: MXNet's empty NDArray
        if not 0 <= ndim <= 32:
            raise MXNetError('%s: corrupt NDArray header (ndim=%d)' % (r.what, ndim))
        shape = r.unpack('<%dq' % ndim)
        if magic == V3_MAGIC and -1 in shape:
            return _wrap(torch.empty((0,)))
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
    if ndim == 0 and magic != V3_MAGIC:
        return _wrap(torch.empty((0,)))  # no array (a V3 ndim 0 is a real 0-d array)
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
    if count == 0:  # no data follows, whatever the other dims claim (MXNet loads these)
        t = _zero_size(shape, npd)
        return _wrap(t if ctx is None else t.to(ctx.torch_device))
    nbytes = count * npd.itemsize
    if nbytes > r.remaining():  # refused before anything is allocated
        raise MXNetError('%s: corrupt NDArray: shape %s of %s needs %d bytes of data, %d left '
                         '(truncated file or wrong shape)'
                         % (r.what, tuple(shape), npd.name, nbytes, r.remaining()))
    raw = r.take(nbytes)
    a = np.frombuffer(raw, dtype=npd.newbyteorder('<'), count=count)
    if npd == np.bool_:
        a = a.view(np.uint8) != 0  # any non-zero byte is True (torch wants 0/1 bytes)
    t = torch.from_numpy(a.astype(npd).reshape(shape))
    if ctx is not None:
        t = t.to(ctx.torch_device)
    return _wrap(t)


def _zero_size(shape, npd):
    """An empty tensor of ``shape`` (which has a 0 dim). Dims of 2**31 or more are read as MXNet
    1.9.1's Python API reports them, truncated to int32 (a negative result counting as 0): torch
    and numpy often cannot describe such shapes (strides or byte counts overflow int64)."""
    td = _NP_TO_TORCH[npd]
    if max(shape) >= 1 << 31:
        shape = tuple(max((d + (1 << 31)) % (1 << 32) - (1 << 31), 0) for d in shape)
    try:
        np.empty(shape, npd)  # asnumpy() must work too; neither allocates anything
        return torch.empty(shape, dtype=td)
    except (RuntimeError, ValueError):  # still too large to describe
        return torch.empty((0,) * len(shape), dtype=td)


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
    if n > r.remaining() // 4:  # an array takes 4 bytes at least
        raise MXNetError('%s: corrupt NDArray file (claims %d arrays in %d bytes)'
                         % (what, n, r.remaining()))
    arrays = []
    for i in range(n):
        r.what = '%s: array %d of %d' % (what, i, n)  # errors say which array
        arrays.append(_read_array(r))
    r.what = what
    (m,) = r.unpack('<Q')
    if m not in (0, n):
        raise MXNetError('%s: corrupt NDArray file (%d names for %d arrays)' % (what, m, n))
    if m > r.remaining() // 8:  # a name takes 8 bytes at least
        raise MXNetError('%s: corrupt NDArray file (claims %d names in %d bytes)'
                         % (what, m, r.remaining()))
    names = []
    for _ in range(m):
        (ln,) = r.unpack('<Q')
        raw = r.take(ln)
        try:
            names.append(bytes(raw).decode('utf-8'))
        except UnicodeDecodeError:
            raise MXNetError('%s: corrupt NDArray file (name %d is not UTF-8)'
                             % (what, len(names))) from None
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


# ---------------------------------------------------------------------------------------------
# pickling (MXNet's reduce tuple: the class, (None,), {'handle': the bytes of dumps_array})
def _getstate(self):
    return {'handle': bytearray(dumps_array(self))}


def _setstate(self, state):
    h = state['handle']
    if h is None:
        t = torch.empty((0,))
    else:
        t = loads_array(h)._data
    self._data = t
    self._grad = None
    self._grad_req = 'null'
    self._ctx = None


def _sparse_setstate(self, state):
    h = state['handle']
    BaseSparseNDArray.__init__(self)
    if h is not None:
        src = loads_array(h)
        if not isinstance(src, type(self)):
            raise MXNetError('unpickling a %s from a %s' % (type(self).__name__,
                                                              type(src).__name__))
        self._set_components(src._sv, src._saux, src._sshape)


def _install():
    """The pickling methods: these functions themselves, set on the classes."""
    NDArray.__getstate__ = _getstate
    NDArray.__setstate__ = _setstate
    BaseSparseNDArray.__getstate__ = _getstate
    BaseSparseNDArray.__setstate__ = _sparse_setstate


_install()
