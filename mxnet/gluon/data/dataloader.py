"""DataLoader: batches from a Dataset, optionally built in worker processes or threads.

Workers (``num_workers > 0``) are forked processes (or threads with ``thread_pool=True``) that
build whole batches; the main process turns them into NDArrays, in sampler order.

The process workers are not a ``multiprocessing.Pool``: each worker has a pipe of its own for
tasks and one for results, so no lock or semaphore is shared between processes, and a worker can
be killed at any moment (mid-batch, mid-write) without leaving anything locked behind. That is
what makes shutdown safe however a loader ends (exhausted, broken off mid-epoch, deleted,
garbage-collected, or at interpreter exit): the workers get SIGTERM (SIGKILL if they linger),
every pipe is closed and every child reaped, with a bounded wait. The workers live as long as
the loader or one of its iterators does; a ``weakref.finalize`` ends them when the last goes.

While waiting for a batch the loader watches the worker that builds it: one that dies raises an
MXNetError naming its pid and exit code, and no batch arriving within ``timeout`` seconds raises
too, so a broken worker never hangs training. An exception raised by the dataset or the
batchify function inside a worker is re-raised in the main process.
"""
import collections
import gc
import io
import itertools
import os
import pickle
import queue
import signal
import sys
import threading
import time
import weakref
import multiprocessing
import multiprocessing.connection
import multiprocessing.pool
import multiprocessing.queues
from multiprocessing.reduction import ForkingPickler
from multiprocessing.pool import ThreadPool

import numpy as np

from ...base import MXNetError
from ... import ndarray as nd
from ... import context
from ...util import is_np_shape, is_np_array, set_np, set_np_shape
from . import sampler as _sampler

__all__ = ['DataLoader']


class _LoaderValueError(MXNetError, ValueError):
    """Bad DataLoader argument (an MXNetError that code catching ValueError also sees)."""


class _LoaderAssertionError(MXNetError, AssertionError):
    """Bad DataLoader argument (also an AssertionError, as MXNet raises)."""


class _LoaderTimeoutError(MXNetError, multiprocessing.TimeoutError):
    """No batch arrived in time (also a multiprocessing.TimeoutError, as MXNet raises)."""


# ---------------------------------------------------------------------------------------------
# NDArrays through multiprocessing connections and queues (MXNet registers the same names).
def rebuild_ndarray(data, dtype=None):
    """Rebuild an NDArray sent through a multiprocessing connection (see reduce_ndarray)."""
    return nd.array(data, dtype=dtype if dtype is not None else data.dtype)


def reduce_ndarray(data):
    """Reduce an NDArray to its values for sending between processes."""
    arr = data.asnumpy()
    return rebuild_ndarray, (arr, arr.dtype)


ForkingPickler.register(nd.NDArray, reduce_ndarray)

# MXNet's mx.np variants; remx has no mx.np arrays, so these are the same functions.
rebuild_np_ndarray = rebuild_ndarray
reduce_np_ndarray = reduce_ndarray


class ConnectionWrapper:
    """A multiprocessing connection whose send/recv pickle with ForkingPickler (so NDArrays go
    through ``reduce_ndarray``); every other attribute is the wrapped connection's."""

    def __init__(self, conn):
        self._conn = conn

    def send(self, obj):
        """Send a picklable object."""
        buf = io.BytesIO()
        ForkingPickler(buf, pickle.HIGHEST_PROTOCOL).dump(obj)
        self.send_bytes(buf.getvalue())

    def recv(self):
        """Receive an object sent with ``send``."""
        return pickle.loads(self.recv_bytes())

    def __getattr__(self, name):
        conn = self.__dict__.get('_conn', None)
        return getattr(conn, name)


class Queue(multiprocessing.queues.Queue):
    """A multiprocessing Queue whose pipe ends are ConnectionWrappers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, ctx=multiprocessing.get_context(), **kwargs)
        self._reader = ConnectionWrapper(self._reader)
        self._writer = ConnectionWrapper(self._writer)
        self._send = self._writer.send
        self._recv = self._reader.recv


class SimpleQueue(multiprocessing.queues.SimpleQueue):
    """A multiprocessing SimpleQueue (no feeder thread) whose pipe ends are ConnectionWrappers."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, ctx=multiprocessing.get_context(), **kwargs)
        self._reader = ConnectionWrapper(self._reader)
        self._writer = ConnectionWrapper(self._writer)
        self._send = self._writer.send
        self._recv = self._reader.recv


# ---------------------------------------------------------------------------------------------
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


def _as_in_context(data, ctx):
    """Move NDArrays (in nested lists) to ctx."""
    if isinstance(data, nd.NDArray):
        return data.as_in_context(ctx)
    if isinstance(data, (list, tuple)):
        return [_as_in_context(d, ctx) for d in data]
    return data


# ---------------------------------------------------------------------------------------------
# worker processes
_worker_dataset = None
# the parent-side pipe ends of every live process worker: a newly forked worker closes its
# inherited copies, so pipes end when their owners close them
_PARENT_CONNS = weakref.WeakSet()
_LIVE_PROCESS_POOLS = weakref.WeakSet()


def _set_np_flags(active_shape, active_array):
    set_np_shape(active_shape)
    if active_array:
        set_np(shape=active_shape, array=active_array)


def _worker_initializer(dataset, active_shape, active_array):
    """Set up a worker process: the dataset (a per-process global, as MXNet keeps it), the
    NumPy-semantics flags of the parent, and one torch thread (the workers run in parallel)."""
    global _worker_dataset  # pylint: disable=global-statement
    _worker_dataset = dataset
    _set_np_flags(active_shape, active_array)
    try:
        import torch
        torch.set_num_threads(1)
    except Exception:  # pylint: disable=broad-except
        pass


def _thread_worker_initializer(active_shape, active_array):
    """Set up a worker thread (the NumPy-semantics flags are per thread)."""
    _set_np_flags(active_shape, active_array)


def _worker_fn(samples, batchify_fn, dataset=None):
    """Build one batch in a worker process; returns it pickled (ForkingPickler)."""
    # pylint: disable=unused-argument
    fn = batchify_fn if batchify_fn is not None else _np_batchify
    batch = fn([_worker_dataset[i] for i in samples])
    buf = io.BytesIO()
    ForkingPickler(buf, pickle.HIGHEST_PROTOCOL).dump(batch)
    return buf.getvalue()


def _thread_worker_fn(samples, batchify_fn, dataset):
    """Build one batch in a worker thread."""
    return batchify_fn([dataset[i] for i in samples])


def _dumps(obj):
    buf = io.BytesIO()
    ForkingPickler(buf, pickle.HIGHEST_PROTOCOL).dump(obj)
    return buf.getvalue()


def _error_payload(seq, exc):
    """Pickle an exception raised in a worker, with its traceback (as multiprocessing.Pool
    does); one that cannot be pickled is sent as an MXNetError holding its text."""
    import traceback
    text = ''.join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    try:
        return _dumps((seq, False, multiprocessing.pool.ExceptionWithTraceback(
            exc, exc.__traceback__)))
    except Exception:  # pylint: disable=broad-except
        return _dumps((seq, False, MXNetError('DataLoader worker raised an exception that '
                                              'cannot be pickled:\n' + text)))


def _worker_loop(dataset, batchify_fn, task_conn, result_conn, own_parent_ends, np_flags):
    """Main loop of a worker process: receive (seq, indices), send back (seq, ok, batch)."""
    for c in list(_PARENT_CONNS) + list(own_parent_ends):
        try:
            c.close()
        except Exception:  # pylint: disable=broad-except
            pass
    try:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C goes to the main process
    except (ValueError, OSError):
        pass
    _worker_initializer(dataset, *np_flags)
    fn = batchify_fn if batchify_fn is not None else _np_batchify
    while True:
        try:
            msg = task_conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        seq, samples = msg
        try:
            payload = _dumps((seq, True, fn([dataset[i] for i in samples])))
        except Exception as e:  # pylint: disable=broad-except
            payload = _error_payload(seq, e)
        try:
            result_conn.send_bytes(payload)
        except (OSError, ValueError):
            return


def _end_processes(owner_pid, procs, conns):
    """Stop worker processes and release their pipes; never waits for long. Safe to call from a
    finalizer in any thread, and more than once."""
    if os.getpid() != owner_pid:  # a forked copy of the owner: these are not its children
        return
    for p in procs:
        try:
            if p.exitcode is None:
                p.terminate()
        except Exception:  # pylint: disable=broad-except
            pass
    for c in conns:
        try:
            c.close()
        except Exception:  # pylint: disable=broad-except
            pass
    deadline = time.monotonic() + 2.0
    for p in procs:
        try:
            p.join(max(0.0, deadline - time.monotonic()))
            if p.exitcode is None:
                p.kill()
                p.join(0.5)
        except Exception:  # pylint: disable=broad-except
            pass


class _ProcessWorkers:
    """Forked worker processes, each with its own task pipe and result pipe.

    A task is written to a worker's pipe only while that worker has fewer than two tasks whose
    result has not been read (one when the task is large), so writing a task never blocks on a
    worker that is itself blocked writing a result; the rest wait in ``_queued``.
    """

    _SMALL_TASK = 16384

    def __init__(self, num_workers, dataset, batchify_fn):
        mp = multiprocessing.get_context('fork')
        self._procs, self._task_conns, self._result_conns = [], [], []
        self._seq = itertools.count()
        self._queued = collections.deque()     # (seq, pickled task) not yet sent
        self._owner_of = {}                    # seq -> worker index, sent and not yet read
        self._load = [0] * num_workers         # per worker: tasks sent, result not yet read
        self._dead = set()                     # workers known to have exited
        self._results = {}                     # seq -> (ok, batch) read ahead of need
        self._abandoned = set()                # seqs whose iterator is gone
        self._closed = False
        conns = []
        np_flags = (is_np_shape(), is_np_array())
        # ends the workers when this object goes (loader and iterators gone) or at exit
        self._finalizer = weakref.finalize(self, _end_processes, os.getpid(), self._procs,
                                           conns)
        try:
            for _ in range(num_workers):
                task_r, task_w = mp.Pipe(duplex=False)
                res_r, res_w = mp.Pipe(duplex=False)
                conns.extend((task_w, res_r))
                p = mp.Process(target=_worker_loop, daemon=True,
                               args=(dataset, batchify_fn, task_r, res_w, (task_w, res_r),
                                     np_flags))
                try:
                    p.start()
                finally:
                    task_r.close()
                    res_w.close()
                self._procs.append(p)
                self._task_conns.append(task_w)
                self._result_conns.append(res_r)
                _PARENT_CONNS.add(task_w)
                _PARENT_CONNS.add(res_r)
        except BaseException:
            self.shutdown()
            raise
        self._live_conns = list(self._result_conns)

    @property
    def closed(self):
        return self._closed

    def _check_open(self):
        if self._closed:
            raise MXNetError('DataLoader: the worker pool was shut down after an earlier error; '
                             'create a new DataLoader')

    def submit(self, samples):
        """Queue a batch's indices for the workers; returns its sequence number."""
        self._check_open()
        seq = next(self._seq)
        msg = _dumps((seq, list(samples)))
        self._queued.append((seq, msg))
        self._dispatch()
        return seq

    def _dispatch(self):
        """Send queued tasks to the least busy live workers that have room."""
        while self._queued:
            seq, msg = self._queued[0]
            cap = 2 if len(msg) <= self._SMALL_TASK else 1
            best = None
            for i, p in enumerate(self._procs):
                if i in self._dead:
                    continue
                if p.exitcode is not None:
                    self._dead.add(i)
                    continue
                if self._load[i] < cap and (best is None or self._load[i] < self._load[best]):
                    best = i
            if best is None:
                return
            self._queued.popleft()
            self._owner_of[seq] = best
            self._load[best] += 1
            try:
                self._task_conns[best].send_bytes(msg)
            except (OSError, ValueError):
                self._dead.add(best)  # fetch reports the lost batch

    def abandon(self, seqs):
        """Drop the results of these sequence numbers (their iterator is gone)."""
        seqs = set(seqs)
        if self._queued:
            self._queued = collections.deque(t for t in self._queued if t[0] not in seqs)
        for s in seqs:
            if self._results.pop(s, None) is None and s in self._owner_of:
                self._abandoned.add(s)

    def _read(self, conn):
        """Read one result from conn into the read-ahead table; False at end of pipe."""
        try:
            data = conn.recv_bytes()
        except (EOFError, OSError):
            if conn in self._live_conns:
                self._live_conns.remove(conn)
            return False
        seq, ok, obj = pickle.loads(data)
        w = self._owner_of.pop(seq, None)
        if w is not None:
            self._load[w] -= 1
        if seq in self._abandoned:
            self._abandoned.discard(seq)
        else:
            self._results[seq] = (ok, obj)
        return True

    def _died(self, w, seq):
        """Worker w has exited: keep what it sent before; raise if seq was its."""
        conn = self._result_conns[w]
        while conn in self._live_conns and conn.poll(0):
            self._read(conn)
        self._dead.add(w)
        if seq not in self._results and self._owner_of.get(seq) == w:
            proc = self._procs[w]
            proc.join(1.0)
            pid, code = proc.pid, proc.exitcode
            self.shutdown()
            raise MXNetError(
                'DataLoader worker (pid %s) exited unexpectedly with exit code %s (killed or '
                'crashed); the batch it was building is lost. Check the dataset/transform code '
                'for crashes or memory exhaustion, or use num_workers=0 to debug.' % (pid, code))

    def fetch(self, seq, timeout):
        """(ok, batch) of seq: the batch, or the exception its worker raised. Raises
        MXNetError when the worker building it dies or it does not arrive within timeout."""
        deadline = time.monotonic() + timeout
        while seq not in self._results:
            self._check_open()
            self._dispatch()
            w = self._owner_of.get(seq)
            watch = [i for i in range(len(self._procs)) if i not in self._dead and
                     (i == w or (w is None and self._load[i] > 0))]
            if w is not None and w in self._dead:
                self._died(w, seq)  # raises unless its batch came before it exited
                continue
            if not watch:  # queued, and every worker has exited
                w = self._owner_of[seq] = min(self._dead)
                self._died(w, seq)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.shutdown()
                raise _LoaderTimeoutError(
                    'DataLoader: worker timed out after %s seconds without delivering a batch. '
                    'The transform may be slow (increase `timeout`) or a worker may be stuck.'
                    % timeout)
            sentinels = {self._procs[i].sentinel: i for i in watch}
            ready = multiprocessing.connection.wait(self._live_conns + list(sentinels),
                                                    min(remaining, 1.0))
            for r in ready:
                if r not in sentinels:
                    self._read(r)
            for r in ready:
                if r in sentinels:
                    self._died(sentinels[r], seq)
        return self._results.pop(seq)

    def shutdown(self):
        """Stop the workers now (idempotent)."""
        self._closed = True
        self._queued.clear()
        self._results.clear()
        self._finalizer()


def _thread_loop(tasks, results, cond, abandoned, dataset, batchify_fn, np_flags):
    _thread_worker_initializer(*np_flags)
    while True:
        msg = tasks.get()
        if msg is None:
            return
        seq, samples = msg
        with cond:
            skip = seq in abandoned
        if skip:
            with cond:
                abandoned.discard(seq)
            continue
        try:
            res = (True, _thread_worker_fn(samples, batchify_fn, dataset))
        except Exception as e:  # pylint: disable=broad-except
            res = (False, e)
        with cond:
            if seq in abandoned:
                abandoned.discard(seq)
            else:
                results[seq] = res
                cond.notify_all()
        del res, msg, samples


def _end_threads(tasks, n):
    for _ in range(n):
        tasks.put(None)


class _ThreadWorkers:
    """Daemon worker threads sharing one task queue."""

    def __init__(self, num_workers, dataset, batchify_fn):
        self._tasks = queue.SimpleQueue()
        self._cond = threading.Condition()     # an RLock: finalizers may run inside it
        self._results = {}
        self._abandoned = set()
        self._pending = set()
        self._seq = itertools.count()
        self._closed = False
        np_flags = (is_np_shape(), is_np_array())
        for _ in range(num_workers):
            t = threading.Thread(target=_thread_loop, daemon=True,
                                 args=(self._tasks, self._results, self._cond, self._abandoned,
                                       dataset, batchify_fn, np_flags))
            t.start()
        self._finalizer = weakref.finalize(self, _end_threads, self._tasks, num_workers)

    @property
    def closed(self):
        return self._closed

    def submit(self, samples):
        if self._closed:
            raise MXNetError('DataLoader: the worker pool was shut down after an earlier error; '
                             'create a new DataLoader')
        seq = next(self._seq)
        self._pending.add(seq)
        self._tasks.put((seq, list(samples)))
        return seq

    def abandon(self, seqs):
        with self._cond:
            for s in list(seqs):
                if self._results.pop(s, None) is None and s in self._pending:
                    self._abandoned.add(s)
                self._pending.discard(s)

    def fetch(self, seq, timeout):
        deadline = time.monotonic() + timeout
        with self._cond:
            while seq not in self._results:
                if self._closed:
                    raise MXNetError('DataLoader: the worker pool was shut down after an '
                                     'earlier error; create a new DataLoader')
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    self.shutdown()
                    raise _LoaderTimeoutError(
                        'DataLoader: worker timed out after %s seconds without delivering a '
                        'batch. The transform may be slow (increase `timeout`).' % timeout)
                self._cond.wait(remaining)
            self._pending.discard(seq)
            return self._results.pop(seq)

    def shutdown(self):
        with self._cond:
            self._closed = True
            self._abandoned.update(self._pending)
            self._results.clear()
        self._finalizer()


class _MultiWorkerIter:
    """Iterator over batches built by workers, in sampler order."""

    def __init__(self, workers, batch_sampler, ctx=None, prefetch=0, timeout=120):
        self._workers = workers  # keeps the workers alive while iterating
        self._batch_sampler = batch_sampler
        self._ctx = ctx
        self._timeout = timeout
        self._iter = iter(batch_sampler)
        self._sent = collections.deque()
        self._outstanding = set()
        # a dropped iterator's batches still in flight are discarded when they arrive
        weakref.finalize(self, workers.abandon, self._outstanding)
        for _ in range(prefetch):
            self._push_next()

    def __len__(self):
        return len(self._batch_sampler)

    def _push_next(self):
        indices = next(self._iter, None)
        if indices is None:
            return
        seq = self._workers.submit(indices)
        self._sent.append(seq)
        self._outstanding.add(seq)

    def __next__(self):
        self._push_next()
        if not self._sent:
            raise StopIteration
        seq = self._sent.popleft()
        try:
            ok, batch = self._workers.fetch(seq, self._timeout)
        except BaseException:  # e.g. KeyboardInterrupt: its batch, when it comes, is dropped
            self._workers.abandon((seq,))
            raise
        finally:
            self._outstanding.discard(seq)
        if not ok:
            self._workers.shutdown()
            raise batch
        if self._ctx is not None:
            batch = _to_nd(batch, self._ctx)
        return batch

    next = __next__

    def __iter__(self):
        return self


def _make_workers(num_workers, thread_pool, dataset, batchify_fn):
    if thread_pool:
        return _ThreadWorkers(num_workers, dataset, batchify_fn)
    if any(not p.closed for p in list(_LIVE_PROCESS_POOLS)):
        # free unreachable loaders (reference cycles) first, so their workers end before more
        # fork (a full collection takes a while, so only when some workers are still running)
        gc.collect()
    pool = _ProcessWorkers(num_workers, dataset, batchify_fn)
    _LIVE_PROCESS_POOLS.add(pool)
    return pool


def _make_batch_sampler(dataset, batch_size, shuffle, sampler, last_batch, batch_sampler):
    if batch_sampler is None:
        if batch_size is None:
            raise _LoaderValueError('batch_size must be specified unless batch_sampler is '
                                    'specified')
        if sampler is None:
            sampler = _sampler.RandomSampler(len(dataset)) if shuffle else \
                _sampler.SequentialSampler(len(dataset))
        elif shuffle:
            raise _LoaderValueError('shuffle must not be specified if sampler is specified')
        return _sampler.BatchSampler(sampler, batch_size, last_batch if last_batch else 'keep')
    if batch_size is not None or shuffle or sampler is not None or last_batch is not None:
        raise _LoaderValueError('batch_size, shuffle, sampler and last_batch must not be '
                                'specified if batch_sampler is specified.')
    return batch_sampler


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
        self._iter = None
        if not timeout > 0:
            raise _LoaderAssertionError('timeout must be positive, given {}'.format(timeout))
        self._batch_sampler = _make_batch_sampler(dataset, batch_size, shuffle, sampler,
                                                  last_batch, batch_sampler)
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._thread_pool = thread_pool
        self._timeout = timeout
        self._num_workers = num_workers if num_workers >= 0 else 0
        self._prefetch = max(0, int(prefetch) if prefetch is not None else
                             2 * self._num_workers)
        self._batchify_fn = batchify_fn if batchify_fn is not None else (
            default_mp_batchify_fn if self._num_workers > 0 else default_batchify_fn)
        if self._num_workers > 0:
            # process workers collate into numpy by default (cheap to send), the main
            # process makes the NDArrays
            self._worker_pool = _make_workers(
                self._num_workers, thread_pool, dataset,
                self._batchify_fn if thread_pool else batchify_fn)
        self.auto_reload = auto_reload
        if auto_reload:
            self.refresh()

    def _shutdown(self):
        """Stop the workers now (a later iteration raises)."""
        pool = self._worker_pool
        if pool is not None:
            pool.shutdown()

    # -- iteration -----------------------------------------------------------------------
    def _prefetch_iter(self):
        if self._num_workers == 0:
            return self._same_process_iter()
        if self._worker_pool.closed:
            raise MXNetError('DataLoader: the worker pool was shut down after an earlier error; '
                             'create a new DataLoader')
        if self._pin_memory:
            ctx = context.cpu_pinned(self._pin_device_id)
        else:
            ctx = None if self._thread_pool else context.cpu()
        return _MultiWorkerIter(self._worker_pool, self._batch_sampler, ctx=ctx,
                                prefetch=self._prefetch, timeout=self._timeout)

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


# ---------------------------------------------------------------------------------------------
# MXNet's first DataLoader (workers started per iterator), kept in 1.9.1 as DataLoaderV1
def worker_loop_v1(dataset, key_queue, data_queue, batchify_fn):
    """Worker loop of DataLoaderV1 over queues: (idx, samples) in, (idx, batch) out; an idx of
    None ends it."""
    while True:
        idx, samples = key_queue.get()
        if idx is None:
            return
        data_queue.put((idx, batchify_fn([dataset[i] for i in samples])))


def fetcher_loop_v1(data_queue, data_buffer, pin_memory=False, pin_device_id=0,
                    data_buffer_lock=None):
    """Fetcher loop of DataLoaderV1: move (idx, batch) from data_queue into data_buffer[idx]
    (on cpu, or pinned memory); an idx of None ends it."""
    ctx = context.cpu_pinned(pin_device_id) if pin_memory else context.cpu()
    while True:
        idx, batch = data_queue.get()
        if idx is None:
            return
        batch = _as_in_context(batch, ctx)
        if data_buffer_lock is not None:
            with data_buffer_lock:
                data_buffer[idx] = batch
        else:
            data_buffer[idx] = batch


class _MultiWorkerIterV1(_MultiWorkerIter):
    """DataLoaderV1's iterator: its own worker processes, ended when it is exhausted or
    dropped."""

    def __init__(self, num_workers, dataset, batchify_fn, batch_sampler, pin_memory=False,
                 pin_device_id=0):
        if not num_workers > 0:
            raise _LoaderAssertionError('_MultiWorkerIter is not for {} workers'
                                        .format(num_workers))
        workers = _ProcessWorkers(num_workers, dataset, batchify_fn)
        ctx = context.cpu_pinned(pin_device_id) if pin_memory else context.cpu()
        super().__init__(workers, batch_sampler, ctx=ctx, prefetch=2 * num_workers,
                         timeout=120)

    def __next__(self):
        try:
            return super().__next__()
        except StopIteration:
            self.shutdown()
            raise

    next = __next__

    def shutdown(self):
        """End the worker processes."""
        self._workers.shutdown()


class DataLoaderV1:
    """Loads data from a dataset and returns mini-batches (MXNet's earlier DataLoader, which
    starts its worker processes for each iteration). Parameters as :class:`DataLoader`'s
    first ten."""

    def __init__(self, dataset, batch_size=None, shuffle=False, sampler=None, last_batch=None,
                 batch_sampler=None, batchify_fn=None, num_workers=0, pin_memory=False,
                 pin_device_id=0):
        self._dataset = dataset
        self._pin_memory = pin_memory
        self._pin_device_id = pin_device_id
        self._batch_sampler = _make_batch_sampler(dataset, batch_size, shuffle, sampler,
                                                  last_batch, batch_sampler)
        self._num_workers = num_workers if num_workers >= 0 else 0
        if batchify_fn is None:
            batchify_fn = default_mp_batchify_fn if num_workers > 0 else default_batchify_fn
        self._batchify_fn = batchify_fn

    def __iter__(self):
        if self._num_workers == 0:
            return self._same_process_iter()
        return _MultiWorkerIterV1(self._num_workers, self._dataset, self._batchify_fn,
                                  self._batch_sampler, self._pin_memory, self._pin_device_id)

    def _same_process_iter(self):
        ctx = context.cpu_pinned(self._pin_device_id) if self._pin_memory else None
        for indices in self._batch_sampler:
            ret = self._batchify_fn([self._dataset[i] for i in indices])
            if ctx is not None:
                ret = _as_in_context(ret, ctx)
            yield ret

    def __len__(self):
        return len(self._batch_sampler)
