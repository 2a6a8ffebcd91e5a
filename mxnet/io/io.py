"""Data iterators: the batch/descriptor records, the iterator protocol and the Python iterators
(NDArrayIter, ResizeIter, PrefetchingIter), as in MXNet 1.9.1's ``mx.io``.

Every iterator yields :class:`DataBatch` objects (``data`` and ``label`` lists of NDArrays plus
``pad``, the number of filler examples at the end of the batch) and describes its outputs with
:class:`DataDesc` lists (``provide_data`` / ``provide_label``).
"""
import threading
from collections import OrderedDict, namedtuple

import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .. import ndarray as _nd

__all__ = ['DataDesc', 'DataBatch', 'DataIter', 'ResizeIter', 'PrefetchingIter', 'NDArrayIter',
           'MXDataIter']

_real_t = np.float32


class DataDesc(namedtuple('DataDesc', ['name', 'shape'])):
    """Name, shape, dtype and layout of one data or label input.

    A ``(name, shape)`` namedtuple with two more attributes: ``dtype`` (default float32) and
    ``layout`` (default ``'NCHW'``; the position of ``N`` is the batch axis).

    Parameters
    ----------
    name : str
        Input name, e.g. ``'data'`` or ``'softmax_label'``.
    shape : tuple of int
        Shape of one batch of this input.
    dtype : numpy dtype, optional
    layout : str, optional
    """

    def __new__(cls, name, shape, dtype=_real_t, layout='NCHW'):
        ret = super(DataDesc, cls).__new__(cls, name, shape)
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self):
        return 'DataDesc[%s,%s,%s,%s]' % (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout):
        """Index of ``'N'`` in ``layout`` (0 when layout is None, -1 when there is no N)."""
        if layout is None:
            return 0
        return layout.find('N')

    @staticmethod
    def get_list(shapes, types):
        """DataDesc list from ``[(name, shape)]`` and optional ``[(name, dtype)]``."""
        if types is not None:
            tmap = dict(types)
            return [DataDesc(s[0], s[1], tmap[s[0]]) for s in shapes]
        return [DataDesc(s[0], s[1]) for s in shapes]


class DataBatch:
    """One batch from a data iterator.

    Parameters
    ----------
    data : list of NDArray
        The inputs; each holds ``batch_size`` examples along its batch axis.
    label : list of NDArray, optional
        The labels.
    pad : int, optional
        How many examples at the end of the batch are filler (ignored when predicting).
    index : numpy.ndarray, optional
        Indices of the examples in this batch.
    bucket_key : optional
        Bucket key, for the bucketing module.
    provide_data, provide_label : list of DataDesc, optional
        Descriptions of ``data`` and ``label``.
    """

    def __init__(self, data, label=None, pad=None, index=None, bucket_key=None,
                 provide_data=None, provide_label=None):
        if data is not None:
            assert isinstance(data, (list, tuple)), 'Data must be list of NDArrays'
        if label is not None:
            assert isinstance(label, (list, tuple)), 'Label must be list of NDArrays'
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self):
        dshapes = [d.shape for d in self.data]
        lshapes = [l.shape for l in self.label] if self.label else None
        return '{}: data shapes: {} label shapes: {}'.format(type(self).__name__, dshapes,
                                                            lshapes)


class DataIter:
    """Base class of data iterators.

    ``next()`` returns a :class:`DataBatch` and raises ``StopIteration`` at the end of the data;
    ``reset()`` goes back to the beginning. Subclasses implement ``iter_next`` (advance, returning
    whether a batch is available), ``getdata``, ``getlabel``, ``getpad`` and optionally
    ``getindex``; the default ``next`` combines them.

    Parameters
    ----------
    batch_size : int, optional
    """

    def __init__(self, batch_size=0):
        self.batch_size = batch_size

    def __iter__(self):
        return self

    def reset(self):
        """Go back to the beginning of the data."""

    def next(self):
        """The next :class:`DataBatch`; raises StopIteration at the end."""
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(),
                             index=self.getindex())
        raise StopIteration

    def __next__(self):
        return self.next()

    def iter_next(self):
        """Advance to the next batch; return whether there is one."""

    def getdata(self):
        """Data of the current batch (list of NDArray)."""

    def getlabel(self):
        """Labels of the current batch (list of NDArray)."""

    def getindex(self):
        """Indices of the examples in the current batch, or None."""
        return None

    def getpad(self):
        """Number of filler examples at the end of the current batch."""


class ResizeIter(DataIter):
    """Make an iterator yield exactly ``size`` batches per epoch.

    When the wrapped iterator runs out early it is reset and reading goes on; when it has more
    batches, the epoch ends after ``size`` of them.

    Parameters
    ----------
    data_iter : DataIter
        The iterator to wrap.
    size : int
        Batches per epoch.
    reset_internal : bool, default True
        Whether ``reset()`` also resets the wrapped iterator.
    """

    def __init__(self, data_iter, size, reset_internal=True):
        super().__init__()
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        self.batch_size = data_iter.batch_size
        if hasattr(data_iter, 'default_bucket_key'):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self):
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self):
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad


def _renamed(descs, renames, iters):
    if renames is None:
        return sum([list(getattr(it, descs)) for it in iters], [])
    out = []
    for r, it in zip(renames, iters):
        for x in getattr(it, descs):
            if isinstance(x, DataDesc):
                out.append(DataDesc(r[x.name], x.shape, x.dtype))
            else:
                out.append(DataDesc(*x))
    return out


class PrefetchingIter(DataIter):
    """Read batches of one or more iterators ahead, in background threads.

    Each ``next()`` returns one batch combining the current batch of every wrapped iterator
    (their data lists concatenated, then their label lists); the pad and index come from the
    first iterator.

    Parameters
    ----------
    iters : DataIter or list of DataIter
        The iterators to read from. They must yield the same number of batches.
    rename_data : list of dict, optional
        For the i-th iterator, a map ``{'old_name': 'new_name'}`` applied to its provide_data.
    rename_label : list of dict, optional
        The same for provide_label.
    """

    def __init__(self, iters, rename_data=None, rename_label=None):
        super().__init__()
        if not isinstance(iters, list):
            iters = [iters]
        if not iters:
            raise MXNetError('PrefetchingIter needs at least one iterator')
        self.n_iter = len(iters)
        self.iters = iters
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0][1][0]
        self.data_ready = [threading.Event() for _ in range(self.n_iter)]
        self.data_taken = [threading.Event() for _ in range(self.n_iter)]
        for e in self.data_taken:
            e.set()
        self.started = True
        self.current_batch = [None] * self.n_iter
        self.next_batch = [None] * self.n_iter
        self._errors = [None] * self.n_iter
        self.prefetch_threads = [threading.Thread(target=self._worker, args=(i,), daemon=True)
                                 for i in range(self.n_iter)]
        for t in self.prefetch_threads:
            t.start()

    def _worker(self, i):
        while True:
            self.data_taken[i].wait()
            if not self.started:
                break
            try:
                self.next_batch[i] = self.iters[i].next()
                self._errors[i] = None
            except StopIteration:
                self.next_batch[i] = None
            except Exception as e:  # surfaced in iter_next, in the caller's thread
                self.next_batch[i] = None
                self._errors[i] = e
            self.data_taken[i].clear()
            self.data_ready[i].set()

    def __del__(self):
        self.started = False
        for e in getattr(self, 'data_taken', ()):
            e.set()
        for t in getattr(self, 'prefetch_threads', ()):
            t.join(timeout=5)

    @property
    def provide_data(self):
        return _renamed('provide_data', self.rename_data, self.iters)

    @property
    def provide_label(self):
        return _renamed('provide_label', self.rename_label, self.iters)

    def reset(self):
        for e in self.data_ready:
            e.wait()
        for it in self.iters:
            it.reset()
        for e in self.data_ready:
            e.clear()
        for e in self.data_taken:
            e.set()

    def iter_next(self):
        for e in self.data_ready:
            e.wait()
        for err in self._errors:
            if err is not None:
                raise err
        if self.next_batch[0] is None:
            for b in self.next_batch:
                assert b is None, 'Number of entry mismatches between iterators'
            return False
        for b in self.next_batch:
            assert b.pad == self.next_batch[0].pad, 'Number of entry mismatches between iterators'
        self.current_batch = DataBatch(sum([list(b.data) for b in self.next_batch], []),
                                       sum([list(b.label) for b in self.next_batch], []),
                                       self.next_batch[0].pad, self.next_batch[0].index,
                                       provide_data=self.provide_data,
                                       provide_label=self.provide_label)
        for e in self.data_ready:
            e.clear()
        for e in self.data_taken:
            e.set()
        return True

    def next(self):
        if self.iter_next():
            return self.current_batch
        raise StopIteration

    def getdata(self):
        return self.current_batch.data

    def getlabel(self):
        return self.current_batch.label

    def getindex(self):
        return self.current_batch.index

    def getpad(self):
        return self.current_batch.pad


# -- NDArrayIter -----------------------------------------------------------------------------------
def _init_data(data, allow_empty, default_name):
    """Normalise array / list / dict input to a name-sorted list of (name, NDArray)."""
    if data is None:
        if not allow_empty:
            raise MXNetError('NDArrayIter: data must not be None')
        data = []
    if isinstance(data, (np.ndarray, NDArray)):
        data = [data]
    if isinstance(data, (list, tuple)):
        if not allow_empty and len(data) == 0:
            raise MXNetError('NDArrayIter: data must not be an empty list')
        if len(data) == 1:
            data = OrderedDict([(default_name, data[0])])
        else:
            data = OrderedDict([('_%d_%s' % (i, default_name), d) for i, d in enumerate(data)])
    if not isinstance(data, dict):
        raise TypeError('Input must be NDArray, numpy.ndarray, h5py.Dataset '
                        'a list of them or dict with them as values')
    out = {}
    for k, v in data.items():
        if not isinstance(v, NDArray):
            try:
                v = _nd.array(v)
            except Exception:
                raise TypeError("Invalid type '%s' for %s, should be NDArray, numpy.ndarray or "
                                "h5py.Dataset" % (type(v), k)) from None
        out[k] = v
    return sorted(out.items())


class NDArrayIter(DataIter):
    """Iterate over in-memory arrays (NDArray or numpy) in batches.

    Parameters
    ----------
    data : array, list of arrays, or dict of name -> array
        The inputs. One array is named ``data_name``; a list of several is named
        ``'_0_data'``, ``'_1_data'``, ...; a dict keeps its keys. Inputs are sorted by name.
    label : array, list of arrays, or dict, optional
        The labels, named like ``data`` from ``label_name``.
    batch_size : int, default 1
    shuffle : bool, default False
        Shuffle the examples (with numpy's global random state) at creation and every reset.
    last_batch_handle : {'pad', 'discard', 'roll_over'}, default 'pad'
        What to do with a last, incomplete batch: 'pad' fills it with examples from the start
        (``batch.pad`` says how many); 'discard' drops it; 'roll_over' keeps the remaining
        examples and puts them at the front of the first batch of the next epoch.
    data_name : str, default 'data'
    label_name : str, default 'softmax_label'
    layout : str, default 'NCHW'
        The position of ``N`` is the batch axis.

    Each batch's arrays have shape ``(batch_size,) + array.shape[1:]`` (batch axis per layout).
    """

    def __init__(self, data, label=None, batch_size=1, shuffle=False, last_batch_handle='pad',
                 data_name='data', label_name='softmax_label', layout='NCHW'):
        super().__init__(batch_size)
        if last_batch_handle not in ('pad', 'discard', 'roll_over'):
            raise MXNetError("NDArrayIter: last_batch_handle must be 'pad', 'discard' or "
                             "'roll_over', got %r" % (last_batch_handle,))
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        if (any(_is_csr(v) for _, v in self.data + self.label) and
                last_batch_handle != 'discard'):
            raise NotImplementedError("`NDArrayIter` only supports ``CSRNDArray`` with "
                                      "`last_batch_handle` set to `discard`.")
        # MXNet counts examples by the first data array only; longer labels are sliced
        n = self.data[0][1].shape[0]
        self.idx = np.arange(n)
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.batch_size = batch_size
        self.cursor = -self.batch_size
        self.num_data = n
        self.reset()
        self.data_list = [x[1] for x in self.data] + [x[1] for x in self.label]
        self.num_source = len(self.data_list)
        self._cache_data = None
        self._cache_label = None
        self.layout = layout

    def _descs(self, source):
        ax = self.layout.find('N')
        return [DataDesc(k, tuple(list(v.shape[:ax]) + [self.batch_size] +
                                  list(v.shape[ax + 1:])), v.dtype, layout=self.layout)
                for k, v in source]

    @property
    def provide_data(self):
        """DataDesc list of the data inputs."""
        return self._descs(self.data)

    @property
    def provide_label(self):
        """DataDesc list of the labels."""
        return self._descs(self.label)

    def hard_reset(self):
        """Go back to the start, dropping any rolled-over examples."""
        if self.shuffle:
            self._shuffle_data()
        self.cursor = -self.batch_size
        self._cache_data = None
        self._cache_label = None

    def reset(self):
        """Go back to the start (keeping rolled-over examples with 'roll_over')."""
        if self.shuffle:
            self._shuffle_data()
        if self.last_batch_handle == 'roll_over' and \
                self.num_data - self.batch_size < self.cursor < self.num_data:
            self.cursor = self.cursor - self.num_data - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self):
        self.cursor += self.batch_size
        return self.cursor < self.num_data

    def next(self):
        if not self.iter_next():
            raise StopIteration
        data = self.getdata()
        label = self.getlabel()
        if data[0].shape[self.layout.find('N')] != self.batch_size:
            self._cache_data = data
            self._cache_label = label
            raise StopIteration
        return DataBatch(data=data, label=label, pad=self.getpad(), index=None)

    def _getdata(self, source, start=None, end=None):
        start = 0 if start is None else start
        if end is None:
            end = source[0][1].shape[0] if source else 0
        ax = self.layout.find('N')
        # a CSRNDArray gives dense batches, as MXNet's slice_axis (storage fallback) does
        return [_nd.slice_axis(v, axis=ax, begin=start, end=end) for _, v in source]

    def _concat(self, first, second):
        if not first or not second:
            return first if first else second
        ax = self.layout.find('N')
        return [_nd.concat(a, b, dim=ax) for a, b in zip(first, second)]

    @staticmethod
    def _tile(data, repeats):
        out = []
        for d in data:
            reps = [1] * d.ndim
            reps[0] = repeats
            out.append(_nd.tile(d, reps=tuple(reps)))
        return out

    def _batchify(self, source):
        if self.cursor >= self.num_data:
            raise MXNetError('DataIter needs reset.')
        bs, n = self.batch_size, self.num_data
        if self.last_batch_handle == 'roll_over' and -bs < self.cursor < 0:
            if self._cache_data is None and self._cache_label is None:
                raise MXNetError('next epoch should have cached data')
            if self._cache_data is not None:
                cached, self._cache_data = self._cache_data, None
            else:
                cached, self._cache_label = self._cache_label, None
            return self._concat(cached, self._getdata(source, end=self.cursor + bs))
        if self.last_batch_handle == 'pad' and self.cursor + bs > n:
            pad = bs - n + self.cursor
            first = self._getdata(source, start=self.cursor)
            if pad > n:
                second = self._tile(self._getdata(source, end=n), pad // n)
                if pad % n:
                    second = self._concat(second, self._getdata(source, end=pad % n))
            else:
                second = self._getdata(source, end=pad)
            return self._concat(first, second)
        end = self.cursor + bs if self.cursor + bs < n else n
        return self._getdata(source, self.cursor, end)

    def getdata(self):
        return self._batchify(self.data)

    def getlabel(self):
        return self._batchify(self.label)

    def getpad(self):
        bs = self.batch_size
        if self.last_batch_handle == 'pad' and self.cursor + bs > self.num_data:
            return self.cursor + bs - self.num_data
        if self.last_batch_handle == 'roll_over' and -bs < self.cursor < 0:
            return -self.cursor
        return 0

    def _shuffle_data(self):
        np.random.shuffle(self.idx)
        self.data = [(k, _take_rows(v, self.idx)) for k, v in self.data]
        self.label = [(k, _take_rows(v, self.idx)) for k, v in self.label]


def _is_csr(v):
    return getattr(v, 'stype', 'default') == 'csr'


def _take_rows(v, idx):
    """The rows idx of an input (a CSRNDArray stays CSR, through scipy as in MXNet)."""
    if _is_csr(v):
        return _nd.array(v.asscipy()[idx], ctx=v.context, dtype=v.dtype)
    return _nd.array(v.asnumpy()[idx], v.context)


class MXDataIter(DataIter):
    """Base of the iterators MXNet implements natively (CSVIter, MNISTIter, ImageRecordIter,
    ...): one data and one label array per batch, the first batch read at construction to fill
    ``provide_data``/``provide_label``/``batch_size``.

    Subclasses implement ``_reset()`` and ``_next()`` (returning ``(data, label, pad, index)``
    or None at the end).
    """

    def __init__(self, data_name='data', label_name='softmax_label', **_):
        super().__init__()
        self._debug_skip_load = False
        self._debug_at_begin = True
        self._current = None
        self.first_batch = None
        self.first_batch = self.next()
        data = self.first_batch.data[0]
        label = self.first_batch.label[0]
        self.provide_data = [DataDesc(data_name, data.shape, data.dtype)]
        self.provide_label = [DataDesc(label_name, label.shape, label.dtype)]
        self.batch_size = data.shape[0]

    def debug_skip_load(self):
        """Keep returning the first batch (to time the rest of a pipeline without I/O)."""
        self._debug_skip_load = True

    def reset(self):
        self._debug_at_begin = True
        self.first_batch = None
        self._reset()

    def _advance(self):
        cur = self._next()
        if cur is None:
            return False
        self._current = cur
        return True

    def next(self):
        if self._debug_skip_load and not self._debug_at_begin:
            return DataBatch(data=[self.getdata()], label=[self.getlabel()], pad=self.getpad(),
                             index=self.getindex())
        if self.first_batch is not None:
            batch, self.first_batch = self.first_batch, None
            return batch
        self._debug_at_begin = False
        if self._advance():
            return DataBatch(data=[self.getdata()], label=[self.getlabel()], pad=self.getpad(),
                             index=self.getindex())
        raise StopIteration

    def iter_next(self):
        if self.first_batch is not None:
            return True
        return self._advance()

    def getdata(self):
        return self._current[0]

    def getlabel(self):
        return self._current[1]

    def getindex(self):
        return self._current[3]

    def getpad(self):
        return self._current[2]

    def _reset(self):
        raise NotImplementedError

    def _next(self):
        raise NotImplementedError
