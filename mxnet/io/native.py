"""The iterators MXNet implements in C++ (CSVIter, MNISTIter, LibSVMIter, ImageRecordIter,
ImageRecordUInt8Iter), written in Python with MXNet 1.9.1's parameters and batching rules.

All take keyword arguments only and return an :class:`~mxnet.io.MXDataIter`: one data and one
label array per batch, the first batch read at construction.

Batching (CSVIter, LibSVMIter, ImageRecordIter) follows MXNet's batch loader: with
``round_batch=True`` (default) a last, incomplete batch is completed with examples from the start
of the data and ``pad`` says how many; the next epoch then continues after those examples
(``reset()`` does not rewind). With ``round_batch=False`` the unfilled rows keep the previous
batch's content and ``pad`` says how many there are.
"""
import collections
import os

import numpy as np

from ..base import MXNetError
from .. import ndarray as _nd
from .io import MXDataIter

__all__ = ['CSVIter', 'MNISTIter', 'LibSVMIter', 'ImageRecordIter', 'ImageRecordUInt8Iter',
           'ImageRecordIter_v1', 'ImageRecordUInt8Iter_v1', 'ImageRecordInt8Iter',
           'ImageDetRecordIter']


def _only_kwargs(name, args):
    if args:
        raise TypeError('%s can only accept keyword arguments' % name)


def _shape(name, key, v, required=True):
    if v is None:
        if required:
            raise MXNetError('%s: Required parameter %s is missing' % (name, key))
        return None
    if isinstance(v, str):
        v = v.strip().strip('()[]')
        v = tuple(int(x) for x in v.split(',') if x.strip())
    elif isinstance(v, (int, np.integer)):
        v = (int(v),)
    try:
        v = tuple(int(x) for x in v)
    except (TypeError, ValueError):
        raise MXNetError('%s: invalid %s %r' % (name, key, v)) from None
    if any(x <= 0 for x in v) or not v:
        raise MXNetError('%s: invalid %s %r' % (name, key, v))
    return v


def _bool(v):
    if isinstance(v, str):
        return v.strip().lower() in ('1', 'true')
    return bool(v)


def _int(name, key, v):
    try:
        return int(v)
    except (TypeError, ValueError):
        raise MXNetError('%s: invalid value %r for %s' % (name, v, key)) from None


def _files(name, path):
    """A file, or every file in a directory (sorted), as dmlc's input splits list them."""
    if os.path.isdir(path):
        out = sorted(os.path.join(path, f) for f in os.listdir(path)
                     if os.path.isfile(os.path.join(path, f)))
        if not out:
            raise MXNetError('%s: directory %s holds no files' % (name, path))
        return out
    if not os.path.isfile(path):
        raise MXNetError('%s: cannot open %s: no such file; put the data file there or pass '
                         'its path' % (name, path))
    return [path]


def _batch_shape(bs, shape):
    return (bs,) if tuple(shape) == (1,) else (bs,) + tuple(shape)


def _part(n, num_parts, part_index):
    return n * part_index // num_parts, n * (part_index + 1) // num_parts


_READ_AHEAD = 16


class _BatchLoaderIter(MXDataIter):
    """MXNet's batch loader over an instance source.

    Subclasses set ``_n`` (instances) and implement ``_instance(k)`` -> (index, data, label)
    for the k-th instance of the epoch order (numpy arrays), and optionally ``_epoch_order()``.
    """

    _pad_when_not_round = True

    def _init_loader(self, batch_size, round_batch, data_shape, label_shape, data_dtype,
                     label_dtype, data_name, label_name, index_zero=False, prefetch_buffer=4):
        if batch_size <= 0:
            raise MXNetError('%s: batch_size must be positive, got %d'
                             % (type(self).__name__, batch_size))
        self._bs = batch_size
        self._round = round_batch
        self._dshape = _batch_shape(batch_size, data_shape)
        self._lshape = _batch_shape(batch_size, label_shape)
        try:
            self._dbuf = np.zeros(self._dshape, data_dtype)
            self._lbuf = np.zeros(self._lshape, label_dtype)
            self._ibuf = np.zeros(batch_size, np.uint64)
        except (MemoryError, ValueError) as e:  # a batch too large for memory
            from .._alloc import alloc_error
            raise alloc_error('%s (batch buffer)' % type(self).__name__, self._dshape,
                              data_dtype, e) from None
        self._index_zero = index_zero
        self._pos = 0            # next instance of the source
        self._overflow = 0       # examples wrapped into the last batch
        self._order = self._epoch_order()
        self._queue = collections.deque()
        self._ended = False
        self._ahead = _READ_AHEAD
        MXDataIter.__init__(self, data_name=data_name, label_name=label_name)

    def _epoch_order(self):
        return None

    def _base_reset(self):
        self._pos = 0
        self._order = self._epoch_order()

    def _base_next(self):
        if self._pos >= self._n:
            return None
        k = self._pos if self._order is None else int(self._order[self._pos])
        self._pos += 1
        return self._instance(k)

    def _put(self, top, inst):
        idx, d, l = inst
        self._ibuf[top] = 0 if self._index_zero else idx
        self._dbuf[top] = np.reshape(d, self._dshape[1:])
        self._lbuf[top] = np.reshape(l, self._lshape[1:])

    # MXNet runs the batch loader in a prefetch thread that stays up to 16 batches ahead of
    # the consumer (whatever prefetch_buffer says); what reset() does with round_batch depends
    # on how far the loader got, so the read-ahead is reproduced (deterministically, full).
    def _reset(self):
        self._queue.clear()
        self._ended = False
        self._loader_reset()

    def _next(self):
        q = self._queue
        while len(q) < self._ahead + 1 and not self._ended:
            b = self._produce()
            if b is None:
                self._ended = True
            else:
                q.append(b)
        return q.popleft() if q else None

    def _loader_reset(self):
        if not self._round or self._overflow == 0:
            self._base_reset()
        else:
            self._overflow = 0

    def _produce(self):
        if self._overflow:
            return None
        top = 0
        while top < self._bs:
            inst = self._base_next()
            if inst is None:
                break
            self._put(top, inst)
            top += 1
        if top == 0:
            return None
        pad = 0
        if top < self._bs:
            if self._round:
                self._base_reset()
                while top < self._bs:
                    inst = self._base_next()
                    if inst is None:
                        raise MXNetError('%s: number of input must be bigger than batch size'
                                         % type(self).__name__)
                    self._put(top, inst)
                    top += 1
                    self._overflow += 1
                pad = self._overflow
            elif self._pad_when_not_round:
                pad = self._bs - top
        data = _nd.array(self._dbuf.copy(), dtype=self._dbuf.dtype)
        label = _nd.array(self._lbuf.copy(), dtype=self._lbuf.dtype)
        return data, label, pad, self._ibuf.copy()


# -- CSVIter ---------------------------------------------------------------------------------------
def _read_csv(name, path, shape, dtype):
    size = int(np.prod(shape))
    rows = []
    for fn in _files(name, path):
        with open(fn, 'rb') as f:
            for ln, line in enumerate(f.read().decode('utf-8', 'replace').splitlines()):
                line = line.strip()
                if not line:
                    continue
                toks = line.split(',')
                if len(toks) != size:
                    raise MXNetError('%s: The data size in CSV do not match size of shape: '
                                     'specified shape=%s, the csv row-length=%d (%s line %d)'
                                     % (name, shape, len(toks), fn, ln + 1))
                rows.append([_parse_num(name, t, dtype, fn, ln) for t in toks])
    return np.asarray(rows, dtype=dtype).reshape((len(rows),) + tuple(shape))


def _parse_num(name, tok, dtype, fn, ln):
    tok = tok.strip()
    try:
        if dtype == np.float32:
            return float(tok) if tok else 0.0
        # integer parsing stops at the first non-digit (strtol): '1.5' -> 1
        j = 1 if tok[:1] in '+-' else 0
        while j < len(tok) and tok[j].isdigit():
            j += 1
        return int(tok[:j]) if j and tok[:j] not in '+-' else 0
    except ValueError:
        raise MXNetError('%s: cannot parse %r as a number (%s line %d)'
                         % (name, tok, fn, ln + 1)) from None


class CSVIter(_BatchLoaderIter):
    """Iterate over rows of CSV files in batches.

    Parameters (keyword only)
    -------------------------
    data_csv : str, required
        A CSV file, or a directory whose files are all read.
    data_shape : tuple, required
        Shape of one example; each row holds ``prod(data_shape)`` values.
    label_csv : str, default 'NULL'
        CSV file of labels; without one every label is 0.
    label_shape : tuple, default (1,)
    batch_size : int, required
    round_batch : bool, default True
        Complete the last batch from the start of the data (see the module doc).
    dtype : {None, 'float32', 'int32', 'int64'}, default None (float32)
        Type the values are parsed as (int parsing truncates '1.5' to 1).
    prefetch_buffer, ctx : accepted.

    As in MXNet, the loader reads ahead of the consumer (16 batches, measured on MXNet 1.9.1's
    prefetching loader): a ``reset()`` in mid-epoch within 16 batches of the end finds the
    wrapped-around last batch already read and does not rewind.
    data_name, label_name : str, default 'data' / 'softmax_label'

    Data batches have shape ``(batch_size,) + data_shape`` and labels
    ``(batch_size,) + label_shape`` (``(batch_size,)`` when label_shape is (1,)).
    """

    def __init__(self, *args, data_csv=None, data_shape=None, label_csv='NULL',
                 label_shape=(1,), batch_size=None, round_batch=True, dtype=None,
                 prefetch_buffer=4, data_name='data', label_name='softmax_label', **kwargs):
        _only_kwargs('CSVIter', args)
        name = 'CSVIter'
        if data_csv is None:
            raise MXNetError('CSVIter: Required parameter data_csv is missing')
        if batch_size is None:
            raise MXNetError('CSVIter: Required parameter batch_size is missing')
        dshape = _shape(name, 'data_shape', data_shape)
        lshape = _shape(name, 'label_shape', label_shape)
        dt = 'float32' if dtype in (None, 'None') else str(np.dtype(dtype).name
                                                             if not isinstance(dtype, str)
                                                             else dtype)
        if dt not in ('float32', 'int32', 'int64'):
            raise MXNetError('CSVIter: %s is not supported for CSVIter' % dt)
        dt = np.dtype(dt).type
        self._data = _read_csv(name, str(data_csv), dshape, dt)
        if str(label_csv) != 'NULL':
            self._label = _read_csv(name, str(label_csv), lshape, dt)
            if len(self._label) != len(self._data):
                raise MXNetError('CSVIter: %s has %d rows but %s has %d'
                                 % (label_csv, len(self._label), data_csv, len(self._data)))
        else:
            self._label = np.zeros((len(self._data),) + lshape, dt)
        self._n = len(self._data)
        if self._n == 0:
            raise MXNetError('CSVIter: %s holds no rows' % data_csv)
        self._init_loader(_int(name, 'batch_size', batch_size), _bool(round_batch), dshape,
                          lshape, dt, dt, data_name, label_name,
                          prefetch_buffer=_int(name, 'prefetch_buffer', prefetch_buffer))

    def _instance(self, k):
        return k, self._data[k], self._label[k]


# -- LibSVMIter ------------------------------------------------------------------------------------
class LibSVMIter(_BatchLoaderIter):
    """Iterate over a LibSVM file (zero-based feature indices) in batches.

    Departure from MXNet: MXNet returns the data (and labels read from ``label_libsvm``) as
    CSRNDArray; remx has no sparse storage, so they are returned as dense NDArrays with the same
    values (``batch.data[0].asnumpy()`` is identical).

    Parameters (keyword only)
    -------------------------
    data_libsvm : str, required
        Lines ``label idx:value idx:value ...``; a file or a directory.
    data_shape : tuple, required
        ``(num_features,)``.
    label_libsvm : str, default 'NULL'
        A LibSVM file of labels (``label_shape`` wide); without it the first column of
        ``data_libsvm`` is the label.
    label_shape : tuple, default (1,)
    batch_size : int, required
    round_batch : bool, default True
    num_parts, part_index : int, default 1 / 0
        Read only the ``part_index``-th of ``num_parts`` contiguous parts.
    """

    def __init__(self, *args, data_libsvm=None, data_shape=None, label_libsvm='NULL',
                 label_shape=(1,), batch_size=None, round_batch=True, num_parts=1,
                 part_index=0, dtype=None, prefetch_buffer=4, data_name='data',
                 label_name='softmax_label', **kwargs):
        _only_kwargs('LibSVMIter', args)
        name = 'LibSVMIter'
        if data_libsvm is None:
            raise MXNetError('LibSVMIter: Required parameter data_libsvm is missing')
        if batch_size is None:
            raise MXNetError('LibSVMIter: Required parameter batch_size is missing')
        dshape = _shape(name, 'data_shape', data_shape)
        lshape = _shape(name, 'label_shape', label_shape)
        if len(dshape) != 1:
            raise MXNetError('LibSVMIter: data_shape must be 1-D, got %s' % (dshape,))
        num_parts, part_index = _int(name, 'num_parts', num_parts), _int(name, 'part_index',
                                                                        part_index)
        if not 0 <= part_index < num_parts:
            raise MXNetError('LibSVMIter: part_index %d out of range for num_parts %d'
                             % (part_index, num_parts))
        if not _bool(round_batch):
            raise MXNetError("LibSVMIter: sparse batch loader doesn't support round_batch == "
                             "false yet")
        labels, data, starts, total = self._read(name, str(data_libsvm), dshape[0])
        if str(label_libsvm) != 'NULL':
            if len(lshape) != 1:
                raise MXNetError('LibSVMIter: label_shape must be 1-D, got %s' % (lshape,))
            lab = self._read(name, str(label_libsvm), lshape[0])[1]
            if len(lab) != len(data):
                raise MXNetError('LibSVMIter: %s has %d rows but %s has %d'
                                 % (label_libsvm, len(lab), data_libsvm, len(data)))
        else:
            if lshape != (1,):
                raise MXNetError('LibSVMIter: label_shape must be (1,) without label_libsvm')
            lab = labels.reshape(-1, 1)
        # dmlc's text split: part r holds the lines starting in (step*r, step*(r+1)]
        step = -(-total // num_parts)
        keep = np.ones(len(starts), bool)
        if part_index > 0:
            keep &= starts > step * part_index
        if part_index < num_parts - 1:
            keep &= starts <= step * (part_index + 1)
        self._data, self._label = data[keep], lab[keep]
        self._n = int(keep.sum())
        if self._n == 0:
            raise MXNetError('LibSVMIter: %s holds no rows' % data_libsvm)
        self._init_loader(_int(name, 'batch_size', batch_size), _bool(round_batch), dshape,
                          lshape, np.float32, np.float32, data_name, label_name,
                          prefetch_buffer=_int(name, 'prefetch_buffer', prefetch_buffer))

    @staticmethod
    def _read(name, path, width):
        labels, rows, starts = [], [], []
        base = 0
        for fn in _files(name, path):
            with open(fn, 'rb') as f:
                raw = f.read()
            off = base
            base += len(raw)
            for ln, bline in enumerate(raw.splitlines(keepends=True)):
                start, off = off, off + len(bline)
                line = bline.decode('utf-8', 'replace')
                toks = line.split()
                if not toks:
                    continue
                row = np.zeros(width, np.float32)
                try:
                    labels.append(float(toks[0]))
                    for t in toks[1:]:
                        i, v = t.split(':')
                        i = int(i)
                        if not 0 <= i < width:
                            raise MXNetError('LibSVMIter: feature index %d out of range '
                                             'for data_shape (%d,) (%s line %d)'
                                             % (i, width, fn, ln + 1))
                        row[i] = float(v)
                except ValueError:
                    raise MXNetError('LibSVMIter: cannot parse line %d of %s: %r'
                                     % (ln + 1, fn, line[:80])) from None
                rows.append(row)
                starts.append(start)
        return (np.asarray(labels, np.float32),
                np.stack(rows) if rows else np.zeros((0, width), np.float32),
                np.asarray(starts, np.int64), base)

    def _instance(self, k):
        return k, self._data[k], self._label[k]


# -- MNISTIter -------------------------------------------------------------------------------------
def _mt_shuffle(n, seed):
    """The permutation std::shuffle (libstdc++, one swap per step) makes with std::mt19937(seed),
    as MXNet's MNISTIter draws it."""
    bg = np.random.MT19937()
    bg._legacy_seeding(seed & 0xffffffff)  # init_genrand(seed), as std::mt19937(seed)
    raw = bg.random_raw(n + 64).tolist()
    ri = 0
    inst = list(range(n))
    full = 0xffffffff
    for i in range(1, n):
        scaling = full // (i + 1)
        past = (i + 1) * scaling
        while True:
            if ri >= len(raw):
                raw = bg.random_raw(n).tolist()
                ri = 0
            r = raw[ri]
            ri += 1
            if r < past:
                break
        j = r // scaling
        inst[i], inst[j] = inst[j], inst[i]
    return np.asarray(inst, np.int64)


def _read_idx(name, path, magic, ndim):
    if not os.path.isfile(path):
        raise MXNetError('%s: cannot open %s: no such file; download the MNIST idx files '
                         '(train-images-idx3-ubyte, train-labels-idx1-ubyte) and pass their '
                         'paths as image= and label=' % (name, path))
    with open(path, 'rb') as f:
        buf = f.read()
    head = 4 * (1 + ndim)
    if len(buf) < head:
        raise MXNetError('%s: %s is too short for an idx header' % (name, path))
    hdr = np.frombuffer(buf[:head], '>i4')
    if int(hdr[0]) != magic:
        raise MXNetError('%s: %s is not an idx%d file (magic %d, expected %d)'
                         % (name, path, ndim, int(hdr[0]), magic))
    dims = [int(x) for x in hdr[1:]]
    size = int(np.prod(dims))
    if len(buf) < head + size:
        raise MXNetError('%s: %s is truncated (%d of %d bytes of data)'
                         % (name, path, len(buf) - head, size))
    return np.frombuffer(buf, np.uint8, size, head).reshape(dims)


class MNISTIter(MXDataIter):
    """Iterate over MNIST idx files.

    Parameters (keyword only)
    -------------------------
    image : str, default './train-images-idx3-ubyte'
    label : str, default './train-labels-idx1-ubyte'
    batch_size : int, default 128
    shuffle : bool, default True
        Shuffle once, at creation, in the same order as MXNet for the same ``seed``.
    flat : bool, default False
        Batches of shape (batch_size, rows*cols) instead of (batch_size, 1, rows, cols).
    seed : int, default 0
    silent : bool, default False
        When False, log how many images were loaded.
    num_parts, part_index : int, default 1 / 0
        Read only the ``part_index``-th of ``num_parts`` contiguous parts.
    dtype : None or 'float32' (MXNet 1.9.1 fails with any other type)

    Pixels are scaled to ``value / 256``; labels are float32 of shape (batch_size,). A last,
    incomplete batch is dropped; ``reset()`` goes back to the start (the order stays).
    """

    def __init__(self, *args, image='./train-images-idx3-ubyte',
                 label='./train-labels-idx1-ubyte', batch_size=128, shuffle=True, flat=False,
                 seed=0, silent=False, num_parts=1, part_index=0, dtype=None, data_name='data',
                 label_name='softmax_label', **kwargs):
        _only_kwargs('MNISTIter', args)
        name = 'MNISTIter'
        bs = _int(name, 'batch_size', batch_size)
        if bs <= 0:
            raise MXNetError('MNISTIter: batch_size must be positive, got %d' % bs)
        if dtype not in (None, 'None') and np.dtype(dtype) != np.float32:
            raise MXNetError('MNISTIter: dtype=%s is not supported, MNISTIter produces float32 '
                             '(MXNet 1.9.1 fails the same way)' % (dtype,))
        num_parts, part_index = _int(name, 'num_parts', num_parts), _int(name, 'part_index',
                                                                        part_index)
        if not 0 <= part_index < num_parts:
            raise MXNetError('MNISTIter: part_index %d out of range for num_parts %d'
                             % (part_index, num_parts))
        img = _read_idx(name, str(image), 2051, 3)
        lab = _read_idx(name, str(label), 2049, 1)
        s, e = _part(img.shape[0], num_parts, part_index)
        img = img[s:e]
        lab = lab[s:e]
        if len(lab) < len(img):
            raise MXNetError('MNISTIter: %s has %d labels for %d images'
                             % (label, len(lab), len(img)))
        lab = lab[:len(img)]
        if _bool(shuffle):
            order = _mt_shuffle(len(img), _int(name, 'seed', seed))
            img, lab = img[order], lab[order]
        self._img = img.astype(np.float32) * np.float32(1.0 / 256.0)
        if _bool(flat):
            self._img = self._img.reshape(len(img), -1)
        else:
            self._img = self._img.reshape(len(img), 1, img.shape[1], img.shape[2])
        self._lab = lab.astype(np.float32)
        self._bs = bs
        self._loc = 0
        if not _bool(silent):
            import logging
            logging.info('MNISTIter: load %d images, shuffle=%d, shape=%s', len(img),
                         int(_bool(shuffle)), ((bs,) + self._img.shape[1:]))
        super().__init__(data_name=data_name, label_name=label_name)

    def _reset(self):
        self._loc = 0

    def _next(self):
        if self._loc + self._bs > self._img.shape[0]:
            return None
        sl = slice(self._loc, self._loc + self._bs)
        self._loc += self._bs
        d = self._img[sl]
        return (_nd.array(d, dtype=d.dtype), _nd.array(self._lab[sl], dtype=np.float32), 0,
                np.zeros(self._bs, np.uint64))



# -- ImageRecordIter -------------------------------------------------------------------------------
# augmentation parameters remx does not implement, with the value that means "off"
def _read_imglist(name, path, label_width):
    """.lst file: ``index<TAB>label...<TAB>path`` per line -> {index: labels}."""
    if not os.path.isfile(path):
        raise MXNetError('%s: cannot open image list %s: no such file' % (name, path))
    out = {}
    with open(path, 'rb') as f:
        for ln, raw in enumerate(f):
            try:
                line = raw.decode('utf-8')
            except UnicodeDecodeError as e:
                raise MXNetError('%s: image list %s line %d: byte %d is not UTF-8 (not a .lst '
                                 'file?)' % (name, path, ln + 1, e.start)) from None
            toks = line.strip().split('\t')
            if not toks or not toks[0]:
                continue
            if len(toks) < label_width + 1:
                raise MXNetError('%s: %s line %d has fewer than %d labels'
                                 % (name, path, ln + 1, label_width))
            try:
                out[int(float(toks[0]))] = np.asarray([float(t) for t in toks[1:1 + label_width]],
                                                      np.float32)
            except (ValueError, OverflowError):  # OverflowError: an index of inf
                raise MXNetError('%s: cannot parse %s line %d: the index must be an integer and '
                                 'the labels numbers' % (name, path, ln + 1)) from None
    return out


class _ImageRecordBase(_BatchLoaderIter):
    _name = 'ImageRecordIter'
    _uint8 = False
    _int8 = False
    _pad_when_not_round = False  # MXNet's ImageRecordIter reports pad 0 then

    def __init__(self, *args, path_imgrec='', path_imglist='', path_imgidx='', data_shape=None,
                 batch_size=None, label_width=1, preprocess_threads=4, verbose=True,
                 num_parts=1, part_index=0, shuffle=False, seed=0, round_batch=True,
                 dtype=None, resize=-1, rand_crop=False, inter_method=1, pad=0,
                 fill_value=255, mirror=False, rand_mirror=False, mean_img='', mean_r=0.0,
                 mean_g=0.0, mean_b=0.0, mean_a=0.0, std_r=1.0, std_g=1.0, std_b=1.0, std_a=1.0,
                 scale=1.0, prefetch_buffer=4, data_name='data', label_name='softmax_label',
                 **kwargs):
        name = self._name
        _only_kwargs(name, args)
        if not path_imgrec:
            raise MXNetError('%s: path_imgrec is required (the .rec file to read)' % name)
        if batch_size is None:
            raise MXNetError('%s: Required parameter batch_size is missing' % name)
        dshape = _shape(name, 'data_shape', data_shape)
        if len(dshape) != 3 or dshape[0] not in (1, 3, 4):
            raise MXNetError('%s: data_shape must be (channels, height, width) with 1, 3 or 4 '
                             'channels, got %s' % (name, dshape))
        self._c, self._h, self._w = dshape
        self._label_width = _int(name, 'label_width', label_width)
        from ._augment import DefaultAugmenter
        aug_kw = {k: kwargs[k] for k in DefaultAugmenter._AUG_KEYS if k in kwargs}
        self._aug = DefaultAugmenter(name, dshape, resize=resize, rand_crop=rand_crop,
                                     fill_value=fill_value, inter_method=inter_method, pad=pad,
                                     **aug_kw)
        self._mirror = _bool(mirror)
        self._rand_mirror = _bool(rand_mirror)
        self._shuffle = _bool(shuffle)
        self._rng = np.random.RandomState(_int(name, 'seed', seed) & 0xffffffff)
        # augmentations draw from their own stream when seed_aug is given (the same seed_aug
        # gives the same augmented images), otherwise from the shuffle stream
        seed_aug = kwargs.get('seed_aug')
        self._aug_rng = (self._rng if seed_aug is None or str(seed_aug) == 'None' else
                         np.random.RandomState(_int(name, 'seed_aug', seed_aug) & 0xffffffff))
        # per-image contrast / illumination of the normalisation (float outputs only)
        self._max_contrast = float(kwargs.get('max_random_contrast', 0) or 0)
        self._max_illum = float(kwargs.get('max_random_illumination', 0) or 0)
        self._mean_img = None
        create_mean = bool(mean_img) and not os.path.isfile(str(mean_img))
        if mean_img and not create_mean:
            loaded = _nd.load(str(mean_img))
            if not loaded:
                raise MXNetError('%s: mean_img %s holds no array' % (name, mean_img))
            arr = loaded['mean_img'] if isinstance(loaded, dict) and 'mean_img' in loaded \
                else (list(loaded.values())[0] if isinstance(loaded, dict) else loaded[0])
            self._mean_img = arr.asnumpy().astype(np.float32)
            if self._mean_img.shape != dshape:
                raise MXNetError('%s: mean_img shape %s does not match data_shape %s'
                                 % (name, self._mean_img.shape, dshape))
        self._mean = np.asarray([mean_r, mean_g, mean_b, mean_a][:self._c] if self._c != 1
                                else [mean_r], np.float32).reshape(-1, 1, 1)
        self._std = np.asarray([std_r, std_g, std_b, std_a][:self._c] if self._c != 1
                               else [std_r], np.float32).reshape(-1, 1, 1)
        self._scale = np.float32(scale)
        self._mul = (self._scale / self._std).astype(np.float32)  # MXNet: (x - mean) * (s / std)
        self._labels = (_read_imglist(name, str(path_imglist), self._label_width)
                        if path_imglist else None)
        # record offsets: one scan of the file
        from ..recordio import MXRecordIO
        self._rec = MXRecordIO(str(path_imgrec), 'r')
        offsets = []
        while True:
            pos = self._rec._f.tell()
            if self._rec.read() is None:
                break
            offsets.append(pos)
        num_parts, part_index = _int(name, 'num_parts', num_parts), _int(name, 'part_index',
                                                                        part_index)
        if not 0 <= part_index < num_parts:
            raise MXNetError('%s: part_index %d out of range for num_parts %d'
                             % (name, part_index, num_parts))
        # dmlc's RecordIO split: part r holds the records starting in [step*r, step*(r+1)),
        # step = ceil(file size / num_parts) rounded up to 4 bytes
        total = os.path.getsize(str(path_imgrec))
        step = (-(-total // num_parts) + 3) // 4 * 4
        lo, hi = step * part_index, step * (part_index + 1)
        self._offsets = [o for o in offsets if lo <= o < hi or
                         (part_index == num_parts - 1 and o >= lo)]
        self._n = len(self._offsets)
        if self._n == 0:
            raise MXNetError('%s: %s holds no records' % (name, path_imgrec))
        dts = None if dtype in (None, 'None') else np.dtype(dtype).name
        if dts == 'uint8':
            self._uint8 = True  # raw pixels, as ImageRecordUInt8Iter
        elif dts == 'int8':
            self._int8 = True   # as ImageRecordInt8Iter
        elif dts not in (None, 'float32'):
            raise MXNetError('%s: unknown dtype %s for ImageRecordIter2 (float32, uint8 or int8)'
                             % (name, dts))
        ddt = np.uint8 if self._uint8 else np.int8 if self._int8 else np.float32
        if create_mean and not self._uint8 and not self._int8:
            self._create_mean_img(str(mean_img))
        lshape = (self._label_width,)
        self._init_loader(_int(name, 'batch_size', batch_size), _bool(round_batch), dshape,
                          lshape, ddt, np.float32, data_name, label_name, index_zero=True,
                          prefetch_buffer=_int(name, 'prefetch_buffer', prefetch_buffer))

    def _epoch_order(self):
        if not self._shuffle:
            return None
        return self._rng.permutation(self._n)

    def _create_mean_img(self, path):
        """MXNet's mean image when mean_img names no file: the mean of every image of this
        part as the iterator outputs it without a mean image (augmented, mirrored and
        normalised with mean_r/g/b, std and scale, as MXNet 1.9.1 computes it), saved to
        ``path`` as {'mean_img': array}."""
        import logging
        logging.info('Cannot find %s: create mean image, this will take some time...', path)
        total = np.zeros((self._c, self._h, self._w), np.float64)
        for k in range(self._n):
            total += self._instance(k)[1]
        mean = (total / self._n).astype(np.float32)
        _nd.save(path, {'mean_img': _nd.array(mean)})
        logging.info('Save mean image to %s..', path)
        self._mean_img = mean

    def _augmented(self, k):
        """(index, augmented uint8 CHW RGB image, label, mirrored) of the k-th record."""
        from ..recordio import unpack
        from .._imcodec import decode_bgr, CodecMissingError
        name = self._name
        self._rec._f.seek(self._offsets[k])
        flag = {1: 0, 3: 1, 4: -1}[self._c]
        try:
            header, payload = unpack(self._rec.read())
            img = decode_bgr(payload, flag)
        except CodecMissingError:
            raise
        except MXNetError as e:  # say which file and record
            raise MXNetError('%s: %s, record at offset %d: %s'
                             % (name, self._rec.uri, self._offsets[k], e)) from None
        if img.ndim == 2:
            img = img[:, :, None]
        if self._c == 4 and img.shape[2] != 4:
            raise MXNetError('%s: Invalid image with index %d. Expected 4 channels, got %d'
                             % (name, header.id, img.shape[2]))
        # label
        if self._labels is not None:
            if header.id not in self._labels:
                raise MXNetError('%s: image index %d is not in path_imglist' % (name, header.id))
            label = self._labels[header.id]
        elif header.flag > 0:
            if header.flag != self._label_width:
                raise MXNetError('%s: rec file provide %d-dimensional label but label_width is '
                                 'set to %d' % (name, header.flag, self._label_width))
            label = np.asarray(header.label, np.float32)
        else:
            if self._label_width != 1:
                raise MXNetError('%s: label_width must be 1 unless an imglist is provided or '
                                 'the rec file is packed with multi dimensional label' % name)
            label = np.asarray([header.label], np.float32)
        img = self._aug.process(img, self._aug_rng)
        mirrored = bool(self._mirror or (self._rand_mirror and self._aug_rng.randint(0, 2)))
        if mirrored:
            img = img[:, ::-1]
        if img.shape[2] >= 3:  # BGR(A) -> RGB(A)
            img = img[:, :, [2, 1, 0] + ([3] if img.shape[2] == 4 else [])]
        chw = np.ascontiguousarray(img.transpose(2, 0, 1))
        return header.id, chw, label, mirrored

    def _instance(self, k):
        idx, chw, label, mirrored = self._augmented(k)
        if self._uint8:
            return idx, chw, label
        mean = self._mean
        if self._mean_img is not None:
            # MXNet subtracts the mean image at the source pixel: mirrored with the image
            mean = self._mean_img[:, :, ::-1] if mirrored else self._mean_img
        if self._int8:
            # int8 data: floor(pixel - mean), saturated (no std / scale, as MXNet)
            return idx, np.clip(np.floor(chw.astype(np.float32) - mean), -128, 127), label
        # MXNet: ((pixel - mean) * contrast + illumination) * scale / std, with a random
        # contrast in [1 - c, 1 + c] and illumination in [-i, i] per image
        contrast, illum = np.float32(1), np.float32(0)
        if self._max_contrast > 0:
            contrast = np.float32(self._aug_rng.uniform(-self._max_contrast, self._max_contrast)
                                  + 1)
        if self._max_illum > 0:
            illum = np.float32(self._aug_rng.uniform(-self._max_illum, self._max_illum))
        chw = chw.astype(np.float32)
        if contrast == 1 and illum == 0:
            chw = (chw - mean) * self._mul
        else:
            chw = ((chw - mean) * contrast + illum) * self._mul
        return idx, chw, label


class ImageRecordIter(_ImageRecordBase):
    """Iterate over images packed in a RecordIO file (as made by im2rec or mx.recordio), in
    batches of float32 ``(batch_size, channels, height, width)`` in RGB order.

    Per image, MXNet 1.9.1's default augmenter (``mxnet/io/_augment.py``): decode (gray when
    data_shape has 1 channel, BGRA when 4), resize the short edge to ``resize``, the affine warp
    (``rotate`` / ``rotate_list`` / ``max_rotate_angle``, ``max_shear_ratio``,
    ``min/max_random_scale``, ``min/max_aspect_ratio``, ``min/max_img_size``; borders of
    ``fill_value``), pad by ``pad`` pixels of ``fill_value``, ``random_resized_crop``
    (``min/max_random_area``, aspect ratio) or a crop of ``min/max_crop_size`` resized to
    data_shape, or a crop of data_shape (centre, or random with ``rand_crop``; smaller images
    are enlarged first), the HLS shift ``random_h/s/l``, ``brightness`` / ``contrast`` /
    ``saturation``, ``pca_noise``; then mirror (``mirror`` always, ``rand_mirror`` with
    probability 0.5), then ``((pixel - mean) * contrast + illumination) * scale / std`` per
    channel (``mean_r/g/b/a`` or the mean image, ``std_r/g/b/a``; contrast in
    ``1 +- max_random_contrast``, illumination in ``+-max_random_illumination``).
    ``inter_method``: 0 nearest, 1 bilinear, 2 bicubic, 3 area, 4 Lanczos, 9 auto, 10 random.
    A ``mean_img`` naming no file is computed over the data (MXNet's way: the mean of the
    outputs normalised without it) and saved there.

    Parameters (keyword only)
    -------------------------
    path_imgrec : str, required
    path_imglist : str, optional
        .lst file giving the labels by image index (instead of the record headers).
    path_imgidx : str, optional (accepted; the record file is scanned directly)
    data_shape : (channels, height, width), required
    batch_size : int, required
    label_width : int, default 1
        Labels have shape (batch_size,) when 1, else (batch_size, label_width).
    shuffle : bool, default False
    seed : int, default 0
    seed_aug : int, optional
        Seed of the augmentations' random stream (else they share the shuffle stream).
    round_batch : bool, default True
        With False, a last, incomplete batch keeps the previous batch's rows in its unfilled
        part and reports ``pad`` 0, as MXNet 1.9.1's ImageRecordIter does.
    augmentation and normalisation parameters : as described above, MXNet's defaults.
    num_parts, part_index : read only one part of the file (split by bytes, as dmlc does).
    dtype : None / 'float32' (normalised floats), 'uint8' (raw pixels) or 'int8' (as
        ImageRecordInt8Iter).
    preprocess_threads, prefetch_buffer, verbose, ctx, shuffle_chunk_* : accepted.
    data_name, label_name : default 'data' / 'softmax_label'

    Departures: random draws (crops, mirrors, angles, colours, shuffles) come from remx's own
    numpy stream, so the same seed does not give MXNet's choices; with fixed settings the
    pixels are MXNet's (OpenCV's fixed-point warps and resizes are reproduced). Where MXNet 1.9.1
    reads past a 3-channel buffer (4-channel images with random_h/s/l or pca_noise) remx keeps
    the alpha channel; where it crashes (a negative min_random_area) remx raises MXNetError.
    JPEG decoding through Pillow may differ from OpenCV's by a grey level (PNG is exact).
    """


class ImageRecordUInt8Iter(_ImageRecordBase):
    """Like :class:`ImageRecordIter`, but the data is the augmented uint8 pixels (no mean/std/
    scale normalisation), shape ``(batch_size, channels, height, width)``, RGB order."""
    _name = 'ImageRecordUInt8Iter'
    _uint8 = True


class ImageRecordInt8Iter(_ImageRecordBase):
    """Like :class:`ImageRecordIter`, but the data is int8: floor(augmented pixel - mean)
    (``mean_r/g/b`` or ``mean_img``), saturated to [-128, 127]; std and scale are not applied,
    as in MXNet 1.9.1."""
    _name = 'ImageRecordInt8Iter'
    _int8 = True


class ImageRecordIter_v1(_ImageRecordBase):
    """MXNet's pre-1.0 image RecordIO iterator: as :class:`ImageRecordIter`, except that with
    ``round_batch=False`` a last, incomplete batch reports its ``pad``."""
    _name = 'ImageRecordIter_v1'
    _pad_when_not_round = True


class ImageRecordUInt8Iter_v1(_ImageRecordBase):
    """MXNet's pre-1.0 uint8 image RecordIO iterator: as :class:`ImageRecordUInt8Iter`, except
    that with ``round_batch=False`` a last, incomplete batch reports its ``pad``."""
    _name = 'ImageRecordUInt8Iter_v1'
    _uint8 = True
    _pad_when_not_round = True


def _not_implemented(name, what):
    def creator(*args, **kwargs):
        raise MXNetError('%s (%s) is not implemented in remx' % (name, what))
    creator.__name__ = name
    creator.__doc__ = '%s: %s. Not implemented in remx; raises MXNetError.' % (name, what)
    return creator


ImageDetRecordIter = _not_implemented('ImageDetRecordIter', 'object-detection RecordIO iterator')
