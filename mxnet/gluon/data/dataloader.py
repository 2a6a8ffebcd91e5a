"""DataLoader: batches from a Dataset, optionally built in worker processes or threads.

Workers (``num_workers > 0``) are forked processes of a ``multiprocessing.Pool`` (or a thread
pool with ``thread_pool=True``); they build whole batches and the main process turns them into
NDArrays. While waiting for a batch the loader watches its workers: one that dies raises an
MXNetError naming its pid and exit code, and no batch arriving within ``timeout`` seconds
raises too, so a broken worker never hangs training.
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


def default_batchify_fn(data):
    """Stack samples into a batch: NDArrays with nd.stack, tuples element-wise, else numpy."""
    if isinstance(data[0], nd.NDArray):
        return nd.stack(*data)
    if isinstance(data[0], tuple):
        return [default_batchify_fn(list(i)) for i in zip(*data)]
    data = np.asarray(data)
    return nd.array(data, dtype=data.dtype)


def _np_batchify(data):
    """Worker-side batchify producing numpy arrays (cheap to send between processes)."""
    if isinstance(data[0], nd.NDArray):
        return np.stack([d.asnumpy() for d in data])
    if isinstance(data[0], tuple):
        return [_np_batchify(list(i)) for i in zip(*data)]
    return np.asarray(data)


default_mp_batchify_fn = default_batchify_fn


def _to_nd(batch, ctx):
    if isinstance(batch, np.ndarray):
        return nd.array(batch, dtype=batch.dtype, ctx=ctx)
    if isinstance(batch, nd.NDArray):
        return batch.as_in_context(ctx)
    if isinstance(batch, (list, tuple)):
        return [_to_nd(b, ctx) for b in batch]
    return batch


_worker_dataset = None
_worker_batchify = None


def _worker_init(dataset, batchify_fn):
    global _worker_dataset, _worker_batchify
    _worker_dataset = dataset
    _worker_batchify = batchify_fn


def _worker_fn(samples):
    fn = _worker_batchify or _np_batchify
    return fn([_worker_dataset[i] for i in samples])


def _thread_worker_fn(samples, dataset, batchify_fn):
    return batchify_fn([dataset[i] for i in samples])


class _MultiWorkerIter:
    def __init__(self, pool, worker_fn, batch_sampler, dataset, batchify_fn, pin_memory,
                 pin_device_id, prefetch, timeout, thread_pool):
        self._pool = pool
        self._worker_fn = worker_fn
        self._batch_sampler = batch_sampler
        self._dataset = dataset
        self._batchify_fn = batchify_fn
        self._data_buffer = {}
        self._rcvd_idx = 0
        self._sent_idx = 0
        self._iter = iter(batch_sampler)
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._timeout = timeout
        self._thread_pool = thread_pool
        for _ in range(prefetch):
            self._push_next()

    def __len__(self):
        return len(self._batch_sampler)

    def _push_next(self):
        r = next(self._iter, None)
        if r is None:
            return
        if self._thread_pool:
            async_ret = self._pool.apply_async(self._worker_fn,
                                               (r, self._dataset, self._batchify_fn))
        else:
            async_ret = self._pool.apply_async(self._worker_fn, (r,))
        self._data_buffer[self._sent_idx] = async_ret
        self._sent_idx += 1

    def _check_workers(self):
        procs = getattr(self._pool, '_pool', None) or []
        for p in procs:
            code = getattr(p, 'exitcode', None)
            if code is not None and code != 0:
                raise MXNetError('DataLoader worker (pid %s) exited unexpectedly with exit code '
                                 '%s (killed or crashed); the batch it was building is lost. '
                                 'Check the dataset/transform code for crashes or memory '
                                 'exhaustion, or use num_workers=0 to debug.'
                                 % (p.pid, code))

    def __next__(self):
        if self._rcvd_idx == self._sent_idx:
            if self._data_buffer:
                raise MXNetError('DataLoader: data buffer should be empty at this moment')
            raise StopIteration
        ret = self._data_buffer.pop(self._rcvd_idx)
        deadline = time.time() + self._timeout
        while True:
            try:
                batch = ret.get(min(0.5, max(0.0, deadline - time.time())))
                break
            except multiprocessing.TimeoutError:
                if not self._thread_pool:
                    self._check_workers()
                if time.time() >= deadline:
                    raise MXNetError('DataLoader: no batch arrived within timeout=%s seconds; '
                                     'a worker may be stuck' % self._timeout) from None
        self._push_next()
        self._rcvd_idx += 1
        if self._thread_pool:
            return batch if not self._pin_memory else _to_nd(batch, context.cpu_pinned(
                self._pin_device_id))
        ctx = context.cpu_pinned(self._pin_device_id) if self._pin_memory else context.cpu()
        return _to_nd(batch, ctx)

    next = __next__

    def __iter__(self):
        return self


class DataLoader:
    """Loads batches from a Dataset.

    batch_size, shuffle, sampler, last_batch ('keep' | 'discard' | 'rollover'), batch_sampler,
    batchify_fn, num_workers (processes; 0 loads in the main process), pin_memory,
    pin_device_id, prefetch (batches in flight, default 2 * num_workers), thread_pool (threads
    instead of processes), timeout (seconds to wait for a batch).
    """

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None,
                 batch_sampler=None, batchify_fn=None, num_workers=0, pin_memory=False,
                 pin_device_id=0, prefetch=None, thread_pool=False, timeout=120):
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._thread_pool = thread_pool
        self._timeout = timeout
        if batch_sampler is None:
            if batch_size is None:
                raise MXNetError('batch_size must be specified unless batch_sampler is '
                                 'specified')
            if sampler is None:
                sampler = _sampler.RandomSampler(len(dataset)) if shuffle else \
                    _sampler.SequentialSampler(len(dataset))
            elif shuffle:
                raise MXNetError('shuffle must not be specified if sampler is specified')
            batch_sampler = _sampler.BatchSampler(sampler, batch_size,
                                                  last_batch if last_batch else 'keep')
        elif batch_size is not None or shuffle or sampler is not None or \
                last_batch is not None:
            raise MXNetError('batch_size, shuffle, sampler and last_batch must not be specified '
                             'if batch_sampler is specified.')
        self._batch_sampler = batch_sampler
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._worker_pool = None
        self._prefetch = max(0, int(prefetch) if prefetch is not None else
                             2 * self._num_workers)
        self._user_batchify = batchify_fn
        self._batchify_fn = batchify_fn or default_batchify_fn
        if self._num_workers > 0:
            if self._thread_pool:
                self._worker_pool = multiprocessing.pool.ThreadPool(self._num_workers)
            else:
                mp = multiprocessing.get_context('fork')
                self._worker_pool = mp.Pool(self._num_workers, initializer=_worker_init,
                                            initargs=(self._dataset, batchify_fn))

    def __iter__(self):
        if self._num_workers == 0:
            def same_process_iter():
                for batch in self._batch_sampler:
                    ret = self._batchify_fn([self._dataset[idx] for idx in batch])
                    if self._pin_memory:
                        ret = _to_nd(ret, context.cpu_pinned(self._pin_device_id))
                    yield ret
            return same_process_iter()
        if self._thread_pool:
            worker_fn = _thread_worker_fn
        else:
            worker_fn = _worker_fn
        return _MultiWorkerIter(self._worker_pool, worker_fn, self._batch_sampler,
                                self._dataset, self._batchify_fn, self._pin_memory,
                                self._pin_device_id, max(1, self._prefetch), self._timeout,
                                self._thread_pool)

    def __len__(self):
        return len(self._batch_sampler)

    def __del__(self):
        pool = getattr(self, '_worker_pool', None)
        if pool is not None:
            try:
                pool.terminate()
            except Exception:  # interpreter shutdown
                pass
            self._worker_pool = None
