"""The execution engine: the one place where operators run, in MXNet's dependency order.

MXNet pushes every operator to an engine with the arrays it reads and the arrays it writes,
returns at once, and runs the operator when those arrays are ready; ``wait_to_read``,
``asnumpy`` and ``waitall`` are where a program waits, and an error inside an operator is
raised there. remx keeps those semantics on top of torch:

* ``NaiveEngine`` (``MXNET_ENGINE_TYPE=NaiveEngine``): every operator runs when it is called,
  on the calling thread, and its errors are raised at the call (MXNet's debugging engine).
* ``ThreadedEnginePerDevice`` (the default, as in MXNet) and ``ThreadedEngine``: an operator
  whose inputs are ready and small runs at once on the calling thread (handing a few
  microseconds of work to a thread costs more than it overlaps); one whose inputs are large
  (``REMX_ENGINE_INLINE_SIZE`` elements, default 1048576) or still being computed is pushed to
  CPU worker threads (``MXNET_CPU_WORKER_NTHREADS``, default 1, or 2 for the pooled
  ``ThreadedEngine``) and the call returns a pending array. On a GPU the engine is CUDA's: torch
  launches kernels asynchronously on the current stream in program order, and the waits
  synchronise it, so GPU operators are never handed to a thread (``MXNET_GPU_WORKER_NTHREADS``
  and ``MXNET_GPU_COPY_NTHREADS`` have nothing to size and are ignored).

Under the threaded engines, errors an operator finds while it computes (:class:`KernelFailure`)
and any error of an operator that ran on a worker are kept on its outputs and raised at the
next wait on them, once.

Dependencies are tracked per array by a :class:`Var`: reads of an array run concurrently,
a write waits for the earlier reads and writes, so results are always those of program order.
A pending array (``ndarray._handle._Pending``) has no ``_data`` until its operator finished;
its ``__getattr__`` waits for the operator when code asks for it, so every reader of a tensor
waits for its writer.

Also here: ``mx.engine.bulk`` / ``set_bulk_size`` (MXNet's bulking controls; bulking groups
operators into one engine task, which an inline engine has no use for, so only the size is
kept), and the profiler's hook (:func:`set_profile_hook`, :func:`op_scope`): while
``mx.profiler`` runs, every operator the engine runs is reported with its MXNet name.
"""
import ctypes  # noqa: F401
import os
import queue
import threading
import time

from .base import MXNetError, _LIB, check_call  # noqa: F401

__all__ = ['set_bulk_size', 'bulk']

_ENGINE_TYPES = ('NaiveEngine', 'ThreadedEngine', 'ThreadedEnginePerDevice')


class KernelFailure(Exception):
    """Mixin of errors an operator raises while it computes (MXNet's kernel-time checks: a
    negative scale for a normal sampler, an index out of range with ``mode='raise'``...). The
    threaded engines keep them on the outputs and raise them at the wait; ``outputs`` lists
    ``(shape, torch dtype, torch device)`` of the op's outputs (for the placeholders), or None
    when the op cannot say, in which case the error is raised at the call."""
    outputs = None


class Failure:
    """The error of one failed operator, shared by every array it reached (its outputs and
    what was computed from them). Raised once: the first wait that sees it clears it."""
    __slots__ = ('exc',)

    def __init__(self, exc):
        self.exc = exc


class Var:
    """Dependency record of one array: the pending op writing it, the pending ops reading it,
    and the failure that reached it; ``meta``: a meta tensor of the shape and dtype a pending
    array will have (so ops on it can be checked and pushed without waiting)."""
    __slots__ = ('writer', 'readers', 'failure', 'meta')

    def __init__(self):
        self.writer = None
        self.readers = []
        self.failure = None
        self.meta = None


class _Op:
    __slots__ = ('fn', 'name', 'pool', 'waiting', 'dependents', 'done', 'event', 'reads',
                 'writes', 'claimed', 'deps')

    def __init__(self, fn, name, pool):
        self.fn = fn
        self.name = name
        self.pool = pool
        self.waiting = 0
        self.dependents = []
        self.done = False
        self.event = threading.Event()
        self.reads = ()
        self.writes = ()
        self.claimed = False   # a thread has taken it to run (a worker, or a waiting worker)
        self.deps = ()         # the ops it waits for


class _State:
    """The engine's switches, read by the operator front ends on every call."""
    __slots__ = ('kind', 'threaded', 'inline_size', 'slow', 'inflight', 'failures', 'profile',
                 'lock', 'idle', 'pools', 'cpu_threads', 'bulk_size')

    def __init__(self):
        self.kind = 'ThreadedEnginePerDevice'
        self.threaded = True
        # front ends push an op to the workers when its first input has this many elements
        # (0: never; the naive engine)
        self.inline_size = 1 << 20
        # True while anything needs the engine's slow path: ops in flight, a failure not yet
        # raised, the profiler recording
        self.slow = False
        self.inflight = 0
        self.failures = []
        self.profile = None
        self.lock = threading.Lock()
        self.idle = threading.Condition(self.lock)
        self.pools = {}
        self.cpu_threads = 1
        self.bulk_size = 0

    def update(self):
        self.slow = bool(self.inflight or self.failures or self.profile is not None)


E = _State()
# per thread: .worker (an engine worker thread), .name (the op_scope of custom ops)
_scope = threading.local()


def _env_int(name, default):
    v = os.environ.get(name)
    if v is None or v == '':
        return default
    try:
        return int(v)
    except ValueError:
        raise MXNetError('%s must be an integer, got %r' % (name, v)) from None


def set_engine(kind=None):
    """Select the engine (``MXNET_ENGINE_TYPE``'s names); waits for the running one first.
    Returns the previous kind. Called at import with the environment's choice."""
    if kind is None:
        kind = os.environ.get('MXNET_ENGINE_TYPE') or 'ThreadedEnginePerDevice'
    if kind not in _ENGINE_TYPES:
        raise MXNetError('Unknown engine type %r (MXNET_ENGINE_TYPE); choose one of %s'
                         % (kind, ', '.join(_ENGINE_TYPES)))
    drain()
    prev = E.kind
    E.kind = kind
    E.threaded = kind != 'NaiveEngine'
    E.inline_size = max(1, _env_int('REMX_ENGINE_INLINE_SIZE', 1 << 20)) if E.threaded else 0
    pooled = kind == 'ThreadedEngine'
    E.cpu_threads = max(1, _env_int('MXNET_CPU_WORKER_NTHREADS', 2 if pooled else 1))
    return prev


def engine_type():
    """The name of the engine in use (MXNet's MXNET_ENGINE_TYPE names)."""
    return E.kind


# -- worker pools ------------------------------------------------------------------------------
class _Pool:
    """Worker threads of the CPU device. (GPU operators are not pushed here: torch launches
    CUDA kernels asynchronously on the current stream, in program order, which is the engine
    MXNet's GPU workers were; the waits synchronise the stream.)"""

    def __init__(self, key, nthreads):
        self.q = queue.SimpleQueue()
        self.threads = []
        for i in range(nthreads):
            t = threading.Thread(target=self._work, name='remx-engine-%s-%d' % (key, i),
                                 daemon=True)
            t.start()
            self.threads.append(t)

    def _work(self):
        _scope.worker = True
        while True:
            op = self.q.get()
            if op is None:
                return
            if _claim(op):
                _run(op)
                _finish(op)


def _claim(op):
    with E.lock:
        if op.claimed:
            return False
        op.claimed = True
        return True


def _pool():
    """The CPU worker pool of the engine in use (made on first use)."""
    key = (E.kind, 'cpu')
    p = E.pools.get(key)
    if p is None:
        p = E.pools[key] = _Pool('cpu', E.cpu_threads)
    return p


def _run(op):
    try:
        op.fn()
    except BaseException as e:  # noqa: BLE001 - the op's error is raised at the wait
        cell = Failure(e if isinstance(e, Exception) else MXNetError(str(e)))
        for v in op.writes:
            v.failure = cell
        with E.lock:
            E.failures.append(cell)


def _finish(op):
    with E.lock:
        op.done = True
        op.fn = None        # free what the op held (its closure, the ops it waited for)
        op.deps = ()
        for v in op.writes:
            if v.writer is op:
                v.writer = None
        for v in op.reads:
            try:
                v.readers.remove(op)
            except ValueError:
                pass
        ready = []
        for d in op.dependents:
            d.waiting -= 1
            if d.waiting == 0:
                ready.append(d)
        op.dependents = []
        E.inflight -= 1
        E.update()
        if E.inflight == 0:
            E.idle.notify_all()
    op.event.set()
    for d in ready:
        d.pool.q.put(d)


def push(fn, reads=(), writes=(), name=''):
    """Run ``fn()`` once the ops writing ``reads`` and reading or writing ``writes`` (Vars)
    have finished: on a CPU worker (threaded engines) or at once (naive).
    An exception ``fn`` raises is kept on ``writes`` and raised at the next wait on them."""
    if not E.threaded:
        fn()
        return None
    op = _Op(fn, name, _pool())
    op.reads = tuple(reads)
    op.writes = tuple(writes)
    deps = set()
    with E.lock:
        for v in op.reads:
            w = v.writer
            if w is not None and not w.done:
                deps.add(w)
        for v in op.writes:
            w = v.writer
            if w is not None and not w.done:
                deps.add(w)
            for r in v.readers:
                if not r.done:
                    deps.add(r)
        deps.discard(op)
        op.deps = tuple(deps)
        for d in deps:
            d.dependents.append(op)
        op.waiting = len(deps)
        for v in op.reads:
            v.readers.append(op)
        for v in op.writes:
            v.writer = op
            v.readers = []
        E.inflight += 1
        E.slow = True
        run_now = op.waiting == 0
    if run_now:
        op.pool.q.put(op)
    return op


# -- waiting -----------------------------------------------------------------------------------
def var_of(arr):
    """The Var of an array (made on first use)."""
    v = getattr(arr, '_var', None)
    if v is None:
        v = arr._var = Var()
    return v


def _wait_op(op):
    if op is None or op.done:
        return
    if not getattr(_scope, 'worker', False):
        op.event.wait()
        return
    # a worker waiting (a custom op's Python code reading a pending array it was not given):
    # the op may be queued behind this very worker, so run it here once it can run
    while not op.done:
        if not _help(op):
            op.event.wait(0.005)


def _help(op):
    """Run, on this thread, one op that ``op`` waits for (or ``op`` itself) that can run now
    and no thread has taken; True if one ran."""
    stack, seen = [op], set()
    while stack:
        o = stack.pop()
        if o.done or id(o) in seen:
            continue
        seen.add(id(o))
        if o.waiting == 0:
            if _claim(o):
                _run(o)
                _finish(o)
                return True
            continue
        stack.extend(o.deps)
    return False


def wait_deps(v, write=False):
    """Wait until the array's pending writer (and, for a write, its readers) finished."""
    _wait_op(v.writer)
    if write:
        for r in list(v.readers):
            _wait_op(r)


def wait_var(v, write=False):
    """:func:`wait_deps`, then raise the failure that reached the array, if it was not raised
    yet."""
    wait_deps(v, write)
    cell = v.failure
    if cell is not None:
        raise_failure(cell)


def raise_failure(cell):
    """Raise a failure once: later waits on arrays it reached find it cleared."""
    exc = cell.exc
    if exc is None:
        return
    cell.exc = None
    with E.lock:
        try:
            E.failures.remove(cell)
        except ValueError:
            pass
        E.update()
    raise exc


def wait_array(arr, write=False):
    """``wait_to_read`` / ``wait_to_write`` of one array."""
    v = getattr(arr, '_var', None)
    if v is not None:
        wait_var(v, write)


def drain():
    """Wait until no pushed op is pending (failures stay where they are)."""
    if E.inflight:
        with E.lock:
            while E.inflight:
                E.idle.wait()


def wait_all():
    """``mx.nd.waitall()``: wait for every pushed op, then raise the first failure not raised
    yet (and forget the others, as MXNet's WaitForAll does)."""
    with E.lock:
        while E.inflight:
            E.idle.wait()
        cells, E.failures = E.failures, []
        E.update()
    for cell in cells:
        if cell.exc is not None:
            exc = cell.exc
            for c in cells:
                c.exc = None
            raise exc


def on_worker():
    """Whether this thread is one of the engine's workers (ops it calls run inline)."""
    return getattr(_scope, 'worker', False)


# MXNet's random operators all write one random-generator resource: after a sampler failed,
# the failure reaches every later random operator's outputs until it is raised
RANDOM = Var()


def failure_in(arrays):
    """The unraised failure that reached one of ``arrays`` (None if none)."""
    for a in arrays:
        v = getattr(a, '_var', None)
        if v is not None:
            cell = v.failure
            if cell is not None and cell.exc is not None:
                return cell
    return None


def mark_failed(arrays, cell, new=False):
    """Let a failure reach ``arrays`` (``new``: it is a fresh failure, to raise at waitall)."""
    for a in arrays:
        var_of(a).failure = cell
    if new:
        with E.lock:
            E.failures.append(cell)
            E.update()


# -- profiling hook ----------------------------------------------------------------------------


def set_profile_hook(fn):
    """``fn(category, name, start_ns, end_ns)`` is called for each operator the engine runs
    (None: stop). Times are ``time.perf_counter_ns()``."""
    with E.lock:
        E.profile = fn
        E.update()


class op_scope:
    """While active on this thread, operators are reported as category 'Custom Operator' and
    named ``'<name>::<op>'`` (the operators a custom operator's Python code calls)."""

    def __init__(self, name):
        self.name = name
        self.prev = None

    def __enter__(self):
        self.prev = getattr(_scope, 'name', None)
        _scope.name = self.name
        return self

    def __exit__(self, *exc):
        _scope.name = self.prev


def current_scope():
    """The op_scope name active on this thread (None: none)."""
    return getattr(_scope, 'name', None)


def set_scope(name):
    """Make ``name`` this thread's op_scope (a worker running an op pushed inside a scope)."""
    _scope.name = name


def report(name, start_ns, end_ns, category=None):
    """Give the profiler one operator's run (no-op when it is not recording)."""
    hook = E.profile
    if hook is None:
        return
    if category is None:
        scope = getattr(_scope, 'name', None)
        if scope is None:
            category = 'operator'
        else:
            category, name = 'Custom Operator', '%s::%s' % (scope, name)
    hook(category, name, start_ns, end_ns)


now_ns = time.perf_counter_ns


# -- bulking -----------------------------------------------------------------------------------
def set_bulk_size(size):
    """Set the maximum number of operators bulked together; returns the previous size."""
    prev, E.bulk_size = E.bulk_size, int(size)
    return prev


class _BulkScope:
    """``with mx.engine.bulk(size):`` bulks up to ``size`` operators inside the block."""

    def __init__(self, size):
        self._size = size
        self._old_size = None

    def __enter__(self):
        self._old_size = set_bulk_size(self._size)
        return self

    def __exit__(self, ptype, value, trace):
        set_bulk_size(self._old_size)


def bulk(size):
    """Scope in which operators are bulked in groups of ``size`` (see :func:`set_bulk_size`)."""
    return _BulkScope(size)


set_engine()
