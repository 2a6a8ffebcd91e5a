"""DataLoader: batches from a Dataset, optionally built in worker processes or threads.

Workers (``num_workers > 0``) are forked processes of a ``multiprocessing.Pool`` (or a thread
pool with ``thread_pool=True``); they build whole batches and the main process turns them into
NDArrays. While waiting for a batch the loader watches its worker processes: one that dies
raises an MXNetError naming its pid and exit code, and no batch arriving within ``timeout``
seconds raises too, so a broken worker never hangs training. An exception raised by the
dataset or the batchify function inside a worker is re-raised in the main process.
"""
import multiprocessing
import multiprocessing.pool
import time

import numpy as np

from ...base import MXNetError
from ... import ndarray as nd
from ... import context
from . import sampler as _sampler

__all__ = ['DataLoader', 'default_batchify_fn', 'default_mp_batchify_fn']


class _LoaderValueError(MXNetError, ValueError):
    """Bad DataLoader argument (an MXNetError that code catching ValueError also sees)."""


class _LoaderAssertionError(MXNetError, AssertionError):
    """Bad DataLoader argument (also an AssertionError, as MXNet raises)."""


class _LoaderTimeoutError(MXNetError, multiprocessing.TimeoutError):
    """No batch arrived in time (also a multiprocessing.TimeoutError, as MXNet raises)."""


def default_batchify_fn(data):
    """Collate a list of samples into a batch.

    NDArray samples are stacked along a new first axis; tuple samples are collated
    element-wise into a list of batches; anything else (numbers, lists, numpy arrays) goes
    through ``numpy.asarray`` and becomes an NDArray of the same dtype (Python ints give int64,
    Python floats float64).
    """
    first = data[0]
    if isinstance(first, nd.NDArray):
        return nd.stack(*data)
    if isinstance(first, tuple):
        return [default_batchify_fn(list(col)) for col in zip(*data)]
    arr = np.asarray(data)
    return nd.array(arr, dtype=arr.dtype)


def default_mp_batchify_fn(data):
    """Collate a list of samples into a batch (the variant MXNet runs inside worker
    processes; same result as :func:`default_batchify_fn`)."""
    return default_batchify_fn(data)


def _np_batchify(data):
    """Worker-side default collation into numpy arrays (cheap to send between processes)."""
    first = data[0]
    if isinstance(first, nd.NDArray):
        return np.stack([d.asnumpy() for d in data])
    if isinstance(first, tuple):
        return [_np_batchify(list(col)) for col in zip(*data)]
    return np.asarray(data)


def _to_nd(batch, ctx):
    """numpy arrays -> NDArrays on ctx; NDArrays moved to ctx; lists recursively."""
    if isinstance(batch, np.ndarray):
        return nd.array(batch, dtype=batch.dtype, ctx=ctx)
    if isinstance(batch, nd.NDArray):
        return batch.as_in_context(ctx)
    if isinstance(batch, (list, tuple)):
        return [_to_nd(b, ctx) for b in batch]
    return batch


def _as_in_context(batch, ctx):
    if isinstance(batch, nd.NDArray):
        return batch.as_in_context(ctx)
    if isinstance(batch, (list, tuple)):
        return [_as_in_context(b, ctx) for b in batch]
    return batch


# state of a forked worker process
_worker_dataset = None
_worker_batchify = None


def _worker_init(dataset, batchify_fn):
    global _worker_dataset, _worker_batchify  # pylint: disable=global-statement
    _worker_dataset = dataset
    _worker_batchify = batchify_fn
    try:  # one torch thread per worker: the workers already run in parallel
        import torch
        torch.set_num_threads(1)
    except Exception:  # pylint: disable=broad-except
        pass


def _worker_fn(samples):
    fn = _worker_batchify if _worker_batchify is not None else _np_batchify
    return fn([_worker_dataset[i] for i in samples])


def _thread_worker_fn(samples, dataset, batchify_fn):
    return batchify_fn([dataset[i] for i in samples])


class _MultiWorkerIter:
    """Iterator over batches built by a worker pool, in sampler order."""

    def __init__(self, loader, prefetch):
        self._loader = loader  # keeps the loader (and its pool) alive while iterating
        self._pool = loader._worker_pool
        self._thread_pool = loader._thread_pool
        self._timeout = loader._timeout
        self._batch_sampler = loader._batch_sampler
        self._data_buffer = {}
        self._rcvd_idx = 0
        self._sent_idx = 0
        self._iter = iter(self._batch_sampler)
        if loader._pin_memory:
            self._ctx = context.cpu_pinned(loader._pin_device_id)
        else:
            self._ctx = None if self._thread_pool else context.cpu()
        for _ in range(prefetch):
            self._push_next()

    def __len__(self):
        return len(self._batch_sampler)

    def _push_next(self):
        indices = next(self._iter, None)
        if indices is None:
            return
        if self._thread_pool:
            res = self._pool.apply_async(_thread_worker_fn, (indices, self._loader._dataset,
                                                             self._loader._batchify_fn))
        else:
            res = self._pool.apply_async(_worker_fn, (indices,))
        self._data_buffer[self._sent_idx] = res
        self._sent_idx += 1

    def __next__(self):
        self._push_next()
        if self._rcvd_idx == self._sent_idx:
            if self._data_buffer:
                raise MXNetError('DataLoader: data buffer should be empty at this moment')
            raise StopIteration
        res = self._data_buffer.pop(self._rcvd_idx)
        deadline = time.time() + self._timeout
        while True:
            try:
                batch = res.get(min(0.25, max(0.0, deadline - time.time())))
                break
            except multiprocessing.TimeoutError:
                if not self._thread_pool:
                    self._loader._check_workers()
                if time.time() >= deadline:
                    self._loader._shutdown()
                    raise _LoaderTimeoutError(
                        'DataLoader: worker timed out after %s seconds without delivering a '
                        'batch. The transform may be slow (increase `timeout`) or a worker may '
                        'be stuck.' % self._timeout) from None
            except Exception:
                self._loader._shutdown()
                raise
        self._rcvd_idx += 1
        if self._ctx is not None:
            batch = _to_nd(batch, self._ctx)
        return batch

    next = __next__

    def __iter__(self):
        return self


class DataLoader:
    """Loads data from a dataset and returns mini-batches of data.

    Parameters
    ----------
    dataset : Dataset
        Source dataset (anything with ``__getitem__`` and ``__len__``).
    batch_size : int
        Size of a mini-batch (required unless ``batch_sampler`` is given).
    shuffle : bool
        Whether to shuffle the samples each epoch (numpy's global random state).
    sampler : Sampler
        The sampler to use; mutually exclusive with ``shuffle``.
    last_batch : {'keep', 'discard', 'rollover'}
        What to do with the last batch when the number of samples is not a multiple of
        ``batch_size``: keep it short, discard it, or roll the remainder into the next epoch.
    batch_sampler : Sampler
        Yields lists of indices; mutually exclusive with ``batch_size``, ``shuffle``,
        ``sampler`` and ``last_batch``.
    batchify_fn : callable
        Merges a list of samples into a batch (default: :func:`default_batchify_fn`).
    num_workers : int, default 0
        Worker processes (threads with ``thread_pool=True``) that build batches; 0 loads in
        the main process.
    pin_memory : bool
        Return batches in pinned (page-locked) CPU memory, ``cpu_pinned(pin_device_id)``.
    pin_device_id : int
        The GPU id the pinned memory is meant for.
    prefetch : int
        Batches requested in advance from the workers (default ``2 * num_workers``).
    thread_pool : bool
        Use a pool of threads instead of processes.
    timeout : int, default 120
        Seconds to wait for a worker to deliver a batch before raising.
    auto_reload : bool, default False
        Start prefetching the next epoch as soon as an epoch ends (and at construction).
    """

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None,
                 batch_sampler=None, batchify_fn=None, num_workers=0, pin_memory=False,
                 pin_device_id=0, prefetch=None, thread_pool=False, timeout=120,
                 auto_reload=False):
        self._worker_pool = None
        self._worker_procs = []
        if not timeout > 0:
            raise _LoaderAssertionError('timeout must be positive, given {}'.format(timeout))
        if batch_sampler is None:
            if batch_size is None:
                raise _LoaderValueError('batch_size must be specified unless batch_sampler is '
                                        'specified')
            if sampler is None:
                sampler = _sampler.RandomSampler(len(dataset)) if shuffle else \
                    _sampler.SequentialSampler(len(dataset))
            elif shuffle:
                raise _LoaderValueError('shuffle must not be specified if sampler is specified')
            batch_sampler = _sampler.BatchSampler(sampler, batch_size,
                                                  last_batch if last_batch else 'keep')
        elif batch_size is not None or shuffle or sampler is not None or \
                last_batch is not None:
            raise _LoaderValueError('batch_size, shuffle, sampler and last_batch must not be '
                                    'specified if batch_sampler is specified.')
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._thread_pool = thread_pool
        self._timeout = timeout
        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._prefetch = max(0, int(prefetch) if prefetch is not None else
                             2 * self._num_workers)
        self._batchify_fn = batchify_fn if batchify_fn is not None else (
            default_mp_batchify_fn if self._num_workers > 0 else default_batchify_fn)
        if self._num_workers > 0:
            if thread_pool:
                self._worker_pool = multiprocessing.pool.ThreadPool(self._num_workers)
            else:
                mp = multiprocessing.get_context('fork')
                self._worker_pool = mp.Pool(self._num_workers, initializer=_worker_init,
                                            initargs=(dataset, batchify_fn))
                self._worker_procs = list(self._worker_pool._pool)
        self.auto_reload = auto_reload
        self._iter = None
        if auto_reload:
            self.refresh()

    # -- workers -------------------------------------------------------------------------
    def _check_workers(self):
        """Raise if a worker process died (the pool would silently replace it and the batch it
        was building would never arrive)."""
        pool = self._worker_pool
        if pool is None:
            raise MXNetError('DataLoader: the worker pool was shut down after an earlier error; '
                             'create a new DataLoader')
        for p in list(pool._pool):
            if p not in self._worker_procs:
                self._worker_procs.append(p)
        for p in self._worker_procs:
            code = p.exitcode
            if code is not None:
                self._shutdown()
                raise MXNetError('DataLoader worker (pid %s) exited unexpectedly with exit code '
                                 '%s (killed or crashed); the batch it was building is lost. '
                                 'Check the dataset/transform code for crashes or memory '
                                 'exhaustion, or use num_workers=0 to debug.' % (p.pid, code))

    def _shutdown(self):
        pool = self._worker_pool
        self._worker_pool = None
        if pool is not None:
            try:
                pool.terminate()
            except Exception:  # pylint: disable=broad-except
                pass

    # -- iteration -----------------------------------------------------------------------
    def _prefetch_iter(self):
        if self._num_workers == 0:
            return self._same_process_iter()
        if self._worker_pool is None:
            raise MXNetError('DataLoader: the worker pool was shut down after an earlier error; '
                             'create a new DataLoader')
        return _MultiWorkerIter(self, self._prefetch)

    def _same_process_iter(self):
        dataset, batchify = self._dataset, self._batchify_fn
        ctx = context.cpu_pinned(self._pin_device_id) if self._pin_memory else None
        for indices in self._batch_sampler:
            ret = batchify([dataset[i] for i in indices])
            if ctx is not None:
                ret = _as_in_context(ret, ctx)
            yield ret

    def __iter__(self):
        if self._iter is None:
            self.refresh()
        it = self._iter
        self._iter = None
        for batch in it:
            yield batch
        if self._iter is None and self.auto_reload:
            self.refresh()

    def refresh(self):
        """Start a new epoch's iterator now (prefetching begins at once with workers)."""
        self._iter = self._prefetch_iter()

    def clean(self):
        """Drop the prefetched iterator; the next ``iter()`` starts a fresh one."""
        self._iter = None

    def __len__(self):
        return len(self._batch_sampler)

    def __del__(self):
        self._shutdown()
