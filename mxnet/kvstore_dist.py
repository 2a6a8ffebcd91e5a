"""Multi-process KVStores (``dist_sync``, ``dist_device_sync``, ``dist_async``) on
torch.distributed.

The process group comes from the environment MXNet's launcher sets (``DMLC_ROLE``,
``DMLC_NUM_WORKER``, ``DMLC_NUM_SERVER``, ``DMLC_PS_ROOT_URI``, ``DMLC_PS_ROOT_PORT``,
``DMLC_WORKER_ID`` / ``DMLC_SERVER_ID``; ``python -m mxnet.tools.launch`` sets them all) or
from torchrun's (``RANK``, ``WORLD_SIZE``, ``MASTER_ADDR``, ``MASTER_PORT``). Without either
a store is a one-worker job. Workers have ranks ``0..W-1``, servers ``W..W+S-1``; rank 0
hosts the rendezvous (a ``TCPStore`` at ROOT_URI:ROOT_PORT). The backend is gloo, with NCCL
for CUDA tensors when CUDA is present.

``dist_sync``: every worker keeps a replica of the store. ``init`` broadcasts rank 0's value,
``push`` sums the values of the devices locally, then over the workers with ``all_reduce``;
with an optimizer every worker applies the same update to the summed gradient (what MXNet's
servers computed), so the replicas stay equal and ``pull`` reads the local one. 2-bit
compression quantizes each worker's merged gradient with a residual per key before the sum.

``dist_async``: the values live on server processes (``python -m mxnet.kvstore_dist``, which
the launcher starts for ``-s N``); a worker's ``push`` is sent to the key's server
(point-to-point gloo messages) and applied there as it arrives, with no wait for the other
workers; ``pull`` asks the server for the current value.

Failures: every collective runs under the process group's timeout, ``MXNET_KVSTORE_TIMEOUT``
seconds (default 300); a dead or stuck peer turns into an MXNetError naming the operation and
the key, never a hang.
"""
import atexit
import datetime
import os
import pickle
import sys

import torch
import torch.distributed as dist

from .base import MXNetError
from . import engine as _engine
from .context import cpu_pinned
from .kvstore import KVStore, _flatten, _group, _stype, KVStoreAssertionError

__all__ = ['DistSyncKVStore', 'DistAsyncKVStore', 'KVStoreServer', 'run_server',
           'job_environment']

_OP_STOP, _OP_INIT, _OP_PUSH, _OP_PULL, _OP_OPT = 1, 2, 3, 4, 5
_TAG_HDR, _TAG_DATA, _TAG_REPLY = 11, 12, 13
_HDR = 16
_DTYPES = [torch.float32, torch.float64, torch.float16, torch.uint8, torch.int32, torch.int8,
           torch.int64, torch.bfloat16, torch.bool]


def _timeout():
    try:
        return float(os.environ.get('MXNET_KVSTORE_TIMEOUT', '300'))
    except ValueError:
        raise MXNetError('MXNET_KVSTORE_TIMEOUT must be a number of seconds, got %r'
                         % os.environ['MXNET_KVSTORE_TIMEOUT']) from None


def job_environment():
    """The job this process belongs to, from the launcher's or torchrun's environment:
    a dict with role ('worker' or 'server'), rank (in the whole group), num_workers,
    num_servers, addr, port."""
    env = os.environ
    if env.get('DMLC_ROLE'):
        role = env['DMLC_ROLE']
        if role not in ('worker', 'server'):
            raise MXNetError("DMLC_ROLE=%r: remx runs 'worker' and 'server' roles (no ps-lite "
                             "scheduler is needed)" % role)
        try:
            nw = int(env.get('DMLC_NUM_WORKER', '1'))
            ns = int(env.get('DMLC_NUM_SERVER', '0'))
            port = int(env['DMLC_PS_ROOT_PORT'])
        except KeyError as e:
            raise MXNetError('distributed kvstore: %s is not set (start the job with '
                             'python -m mxnet.tools.launch)' % e) from None
        except ValueError as e:
            raise MXNetError('distributed kvstore: bad DMLC_* value: %s' % e) from None
        addr = env.get('DMLC_PS_ROOT_URI', '127.0.0.1')
        if role == 'worker':
            rid = env.get('DMLC_WORKER_ID') or env.get('RANK')
            if not rid:
                raise MXNetError('distributed kvstore: DMLC_WORKER_ID (or RANK) must give this '
                                 "worker's rank; start the job with python -m "
                                 'mxnet.tools.launch')
            rank = int(rid)
        else:
            rank = nw + int(env.get('DMLC_SERVER_ID', '0'))
        return dict(role=role, rank=rank, num_workers=nw, num_servers=ns, addr=addr,
                    port=port)
    if env.get('RANK') and env.get('WORLD_SIZE'):
        return dict(role='worker', rank=int(env['RANK']), num_workers=int(env['WORLD_SIZE']),
                    num_servers=0, addr=env.get('MASTER_ADDR', '127.0.0.1'),
                    port=int(env.get('MASTER_PORT', '29500')))
    return dict(role='worker', rank=0, num_workers=1, num_servers=0, addr=None, port=None)


class _Job:
    """The process group of this job (created once per process)."""
    inst = None

    def __init__(self):
        e = job_environment()
        self.role = e['role']
        self.rank = e['rank']
        self.num_workers = e['num_workers']
        self.num_servers = e['num_servers']
        self.timeout = _timeout()
        self.world = self.num_workers + self.num_servers
        self.workers = None     # group of the workers (None: the default group)
        self.ps = None          # group for server messages (long timeout)
        self.stopped = False
        if self.role == 'worker' and not 0 <= self.rank < self.num_workers:
            raise MXNetError('distributed kvstore: worker rank %d is outside [0, %d)'
                             % (self.rank, self.num_workers))
        if self.world == 1:
            return
        if not dist.is_initialized():
            backend = 'gloo'
            if torch.cuda.is_available() and dist.is_nccl_available():
                torch.cuda.set_device(self.rank % torch.cuda.device_count())
                backend = 'cpu:gloo,cuda:nccl'
            try:
                dist.init_process_group(
                    backend, init_method='tcp://%s:%d' % (e['addr'], e['port']),
                    rank=self.rank, world_size=self.world,
                    timeout=datetime.timedelta(seconds=self.timeout))
            except Exception as err:   # noqa: BLE001 (torch raises several kinds)
                raise MXNetError('distributed kvstore: rank %d could not join the job at %s:%d '
                                 'within %gs (MXNET_KVSTORE_TIMEOUT): %s'
                                 % (self.rank, e['addr'], e['port'], self.timeout, err)) \
                    from None
        elif dist.get_world_size() != self.world or dist.get_rank() != self.rank:
            raise MXNetError('distributed kvstore: torch.distributed is initialized with rank '
                             '%d of %d, the environment says rank %d of %d'
                             % (dist.get_rank(), dist.get_world_size(), self.rank, self.world))
        if self.num_servers:
            self.workers = dist.new_group(list(range(self.num_workers)))
            self.ps = dist.new_group(list(range(self.world)), backend='gloo',
                                     timeout=datetime.timedelta(days=1))
        if self.role == 'worker':
            atexit.register(self.close)

    @classmethod
    def get(cls):
        if cls.inst is None:
            cls.inst = cls()
        return cls.inst

    def comm(self, what, key, fn, *args, **kwargs):
        """Run a torch.distributed call; failures become MXNetError naming what and key."""
        try:
            return fn(*args, **kwargs)
        except MXNetError:
            raise
        except Exception as err:   # noqa: BLE001
            raise MXNetError('distributed kvstore (rank %d of %d workers): %s%s failed: another '
                             'process died or did not answer within %gs '
                             '(MXNET_KVSTORE_TIMEOUT): %s'
                             % (self.rank, self.num_workers, what,
                                '' if key is None else ' of key %r' % (key,), self.timeout,
                                str(err).splitlines()[0] if str(err) else type(err).__name__)) \
                from None

    def close(self):
        """Tell the servers this worker is done (at exit)."""
        if self.stopped or self.world == 1:
            return
        self.stopped = True
        if self.num_servers:
            for s in range(self.num_servers):
                try:
                    _send_header(self, self.num_workers + s, _OP_STOP, 0)
                except Exception:   # noqa: BLE001 (the job is ending anyway)
                    pass
        try:
            # ends gloo's threads before the interpreter does (else: abort at exit)
            dist.destroy_process_group()
        except Exception:   # noqa: BLE001
            pass


def _send_header(job, dst, op, code, numel=0, dtype=0, shape=()):
    hdr = torch.zeros(_HDR, dtype=torch.int64)
    hdr[0], hdr[1], hdr[2], hdr[3], hdr[4] = op, code, numel, dtype, len(shape)
    for i, d in enumerate(shape):
        hdr[5 + i] = d
    dist.send(hdr, dst, group=job.ps, tag=_TAG_HDR)


def _dtype_code(t):
    try:
        return _DTYPES.index(t.dtype)
    except ValueError:
        raise MXNetError('distributed kvstore: dtype %s cannot be sent' % t.dtype) from None


class _DistBase(KVStore):
    """What the dist stores share: the job, key ids, the checks across workers."""

    def __init__(self, name):
        super().__init__(name)
        self._job = _Job.get()
        if self._job.role != 'worker':
            raise MXNetError('mx.kv.create(%r) in a server process: servers run '
                             'python -m mxnet.kvstore_dist' % name)
        self._ids = {}
        self._bufs = {}

    @property
    def rank(self):
        """This worker's rank, in ``[0, num_workers)``."""
        return self._job.rank

    @property
    def num_workers(self):
        """The number of worker processes of the job."""
        return self._job.num_workers

    def _updater_key(self, key):
        # MXNet's dist stores turn str keys into ints in the order they are inited, and the
        # updater (on the servers) sees those ints
        return self._ids[key] if isinstance(key, str) else key

    def _code(self, key):
        return self._ids[key] if isinstance(key, str) else key

    def _barrier(self):
        """Wait until every worker reaches this barrier (bounded by MXNET_KVSTORE_TIMEOUT)."""
        job = self._job
        if job.world > 1:
            job.comm('barrier', None, dist.barrier, group=job.workers)

    barrier = _barrier

    def _merge_checked(self, groups):
        super()._merge_checked(groups)
        for key, vals in groups.items():
            stored = self._store[key]
            if tuple(vals[0].shape) != tuple(stored.shape):
                raise MXNetError('KVStore.push: key %r was inited with shape %s, but a value of '
                                 'shape %s is pushed' % (key, tuple(stored.shape),
                                                         tuple(vals[0].shape)))

    def _check_same_keys(self, pairs, what):
        """Every worker must init the same keys with the same shapes and dtypes."""
        job = self._job
        sig = [(k, tuple(v.shape), str(v.dtype), _stype(v)) for k, v in pairs]
        if job.world == 1:
            return
        allsig = [None] * job.num_workers
        job.comm(what, pairs[0][0] if pairs else None, dist.all_gather_object, allsig, sig,
                 group=job.workers)
        for r, s in enumerate(allsig):
            if s != sig:
                for mine, theirs in zip(sig, s):
                    if mine != theirs:
                        raise MXNetError('KVStore.%s: workers disagree on key %r: rank %d has '
                                         '%s, rank %d has %s' % (what, mine[0], self.rank,
                                                                 mine[1:], r, theirs[1:]))
                raise MXNetError('KVStore.%s: rank %d inits %d keys, rank %d inits %d'
                                 % (what, self.rank, len(sig), r, len(s)))

    def _broadcast_stored(self, keys):
        job = self._job
        for k in keys:
            stored = self._store[k]
            if job.world == 1:
                continue
            if _stype(stored) == 'row_sparse':
                dense = stored.tostype('default')
                job.comm('init (broadcast)', k, dist.broadcast, dense._data, 0,
                         group=job.workers)
                if self.rank != 0:
                    self._store[k] = dense.tostype('row_sparse')
            else:
                t = stored._data
                if t.requires_grad:
                    t = t.detach()
                job.comm('init (broadcast)', k, dist.broadcast, t, 0, group=job.workers)

    def init(self, key, value):
        """Initialize keys: rank 0's values are the initial values on every worker (every
        worker must init the same keys, shapes and dtypes)."""
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        pairs, _ = _flatten(key, value, 'init')
        super().init(key, value)
        for k, _ in pairs:
            if isinstance(k, str) and k not in self._ids:
                self._ids[k] = len(self._ids)
        self._check_same_keys(pairs, 'init')
        self._broadcast_stored([k for k, _ in pairs])

    def broadcast(self, key, value, out, priority=0):
        """Initialize ``key`` with rank 0's ``value`` and copy it into every ``out``."""
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        if self.rank == 0:
            return super().broadcast(key, value, out, priority)
        opairs, _ = _flatten(key, out, 'broadcast')
        super().broadcast(key, value, out, priority)
        for k, o in opairs:
            self._store[k].copyto(o)
        return None

    def _quantize(self, key, merged):
        """2-bit compression of this worker's merged gradient (residual kept per key)."""
        comp = self._compression
        t = merged._data
        res = self._residuals.get((key, 'dist'))
        if res is None or res.shape != t.shape or res.dtype != t.dtype:
            res = torch.zeros_like(t)
            self._residuals[(key, 'dist')] = res
        thr = comp['threshold']
        with torch.no_grad():
            res += t
            q = torch.where(res >= thr, thr, torch.where(res <= -thr, -thr, 0.0)).to(t.dtype)
            res -= q
            t.copy_(q)

    def _merge_buffer(self, key, vals):
        """A reusable buffer for the merged value of key (two per key, used in turn, so that
        the one the store may hold as its value is never overwritten): a fresh array per push
        would cost more than the copy itself (page faults on every new allocation)."""
        bufs = self._bufs.setdefault(key, [])
        v0 = vals[0]
        for b in bufs:
            if b is not self._store.get(key) and b.shape == v0.shape and \
                    b._data.dtype == v0._data.dtype:
                return b, False
        ctx = cpu_pinned(0) if self._on_cpu else v0.context
        b = v0.copyto(ctx)
        if len(bufs) >= 2:
            bufs.pop(0)
        bufs.append(b)
        return b, True

    def _local_merge(self, key, vals, stored):
        comp = self._compression
        if all(_stype(v) == 'default' for v in vals):
            merged, fresh = self._merge_buffer(key, vals)
            acc = merged._data
            dev = acc.device
            with torch.no_grad():
                if not fresh:
                    acc.copy_(vals[0]._data.detach())
                for v in vals[1:]:
                    acc.add_(v._data.detach().to(dev))
            if comp is not None:
                self._quantize(key, merged)
            return merged
        self._compression = None
        try:
            merged = KVStore._reduce(self, key, vals, stored)
        finally:
            self._compression = comp
        if comp is not None and _stype(merged) == 'default':
            self._quantize(key, merged)
        return merged

    def save_optimizer_states(self, fname, dump_optimizer=False):
        if self._updater is None:
            raise KVStoreAssertionError('Cannot save states for distributed training: no '
                                        'optimizer is set on this %s store' % self._type)
        super().save_optimizer_states(fname, dump_optimizer)

    def load_optimizer_states(self, fname):
        if self._updater is None:
            raise KVStoreAssertionError('Cannot load states for distributed training: no '
                                        'optimizer is set on this %s store' % self._type)
        super().load_optimizer_states(fname)


class DistSyncKVStore(_DistBase):
    """``dist_sync`` / ``dist_device_sync``: gradients are summed over all workers
    (all_reduce) on every push; every worker applies the same update."""

    def _reduce(self, key, vals, stored):
        merged = self._local_merge(key, vals, stored)
        job = self._job
        if job.world == 1:
            return merged
        if _stype(merged) == 'row_sparse':
            # dense all-reduce of the rows, plus a row mask so the result keeps every row
            # any worker pushed
            from .ndarray import sparse as _sparse
            dense = merged.tostype('default')._data.detach()
            nrow = dense.shape[0]
            mask = torch.zeros((nrow,), dtype=dense.dtype, device=dense.device)
            idx = merged.indices._data.to(torch.int64)
            if idx.numel():
                mask[idx.to(mask.device)] = 1
            buf = torch.cat([dense.reshape(-1), mask])
            job.comm('push (all_reduce)', key, dist.all_reduce, buf, group=job.workers)
            rows = torch.nonzero(buf[dense.numel():] > 0).reshape(-1)
            data = buf[:dense.numel()].reshape(dense.shape).index_select(0, rows)
            return _sparse.row_sparse_array((data.cpu().numpy(), rows.cpu().numpy()),
                                            shape=merged.shape, ctx=merged.context,
                                            dtype=merged.dtype)
        t = merged._data
        if t.requires_grad:
            t = t.detach()
        job.comm('push (all_reduce)', key, dist.all_reduce, t, group=job.workers)
        return merged


def _key_server(job, code):
    return job.num_workers + (int(code) % job.num_servers)


class DistAsyncKVStore(_DistBase):
    """``dist_async``: values live on the server processes; each push is applied there as
    it arrives, pull fetches the server's current value."""

    def __init__(self, name):
        super().__init__(name)
        if self._job.num_servers < 1:
            raise MXNetError("kvstore '%s' needs server processes: start the job with "
                             "python -m mxnet.tools.launch -n WORKERS -s SERVERS ..." % name)

    def _server(self, key):
        return _key_server(self._job, self._code(key))

    def init(self, key, value):
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        pairs, _ = _flatten(key, value, 'init')
        super().init(key, value)
        job = self._job
        if self.rank == 0:
            for k, _ in pairs:
                t = self._dense(self._store[k])
                job.comm('init', k, self._send, self._server(k), _OP_INIT, self._code(k), t)
        self._barrier()

    @staticmethod
    def _dense(arr):
        if _stype(arr) != 'default':
            arr = arr.tostype('default')
        t = arr._data.detach()
        return t.cpu().contiguous()

    def _send(self, dst, op, code, t):
        _send_header(self._job, dst, op, code, t.numel(), _dtype_code(t), tuple(t.shape))
        dist.send(t, dst, group=self._job.ps, tag=_TAG_DATA)

    def _push_groups(self, groups):
        job = self._job
        for key, vals in groups.items():
            stored = self._store[key]
            merged = self._local_merge(key, vals, stored)
            t = self._dense(merged)
            job.comm('push', key, self._send, self._server(key), _OP_PUSH, self._code(key), t)

    def _fetch(self, key):
        job = self._job
        stored = self._store[key]
        t = torch.empty(tuple(stored.shape), dtype=stored._data.dtype)

        def ask():
            dst = self._server(key)
            _send_header(job, dst, _OP_PULL, self._code(key))
            dist.recv(t, dst, group=job.ps, tag=_TAG_REPLY)
        job.comm('pull', key, ask)
        if _stype(stored) == 'row_sparse':
            from .ndarray import array
            self._store[key] = array(t.numpy()).tostype('row_sparse')
        else:
            with torch.no_grad():
                stored._data.copy_(t.to(stored._data.device))

    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        if out is not None:
            pairs, _ = _flatten(key, out, 'pull')
            for k in dict.fromkeys(k for k, _ in pairs):
                self._stored(k)
                self._fetch(k)
        return super().pull(key, out, priority, ignore_sparse)

    def pushpull(self, key, value, out=None, priority=0):
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        self.push(key, value, priority)
        self.pull(key, value if out is None else out, priority)

    def row_sparse_pull(self, key, out=None, priority=0, row_ids=None):
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        for k in dict.fromkeys(key if isinstance(key, (list, tuple)) else [key]):
            if isinstance(k, (int, str)) and k in self._store:
                self._fetch(k)
        return super().row_sparse_pull(key, out, priority, row_ids)

    def set_optimizer(self, optimizer):
        """Send the optimizer to the servers, which then update the values on each push."""
        from . import optimizer as opt
        if not isinstance(optimizer, opt.Optimizer):
            raise MXNetError('set_optimizer expects an mx.optimizer.Optimizer, got %s'
                             % type(optimizer).__name__)
        job = self._job
        if self.rank == 0:
            blob = torch.frombuffer(bytearray(pickle.dumps(optimizer)), dtype=torch.uint8)
            for s in range(job.num_servers):
                job.comm('set_optimizer', None, self._send, job.num_workers + s, _OP_OPT, 0,
                         blob)
        self._barrier()

    def _set_updater(self, updater):
        raise MXNetError('dist_async runs the updates on the servers: use set_optimizer '
                         '(a worker-side updater is not supported)')

    def save_optimizer_states(self, fname, dump_optimizer=False):
        raise KVStoreAssertionError('Cannot save states for distributed training: dist_async '
                                    'keeps the optimizer states on the servers')

    def load_optimizer_states(self, fname):
        raise KVStoreAssertionError('Cannot load states for distributed training: dist_async '
                                    'keeps the optimizer states on the servers')


class KVStoreServer:
    """The server side of ``dist_async`` (and the idle servers of a ``dist_sync`` job):
    receives init / push / pull / optimizer messages from the workers until all of them
    have finished."""

    def __init__(self, kvstore=None):
        self.job = _Job.get()
        if self.job.role != 'server':
            raise MXNetError('KVStoreServer runs in a process with DMLC_ROLE=server')
        self.store = {}
        self.updater = None

    def run(self):
        """Serve until every worker has sent its stop message."""
        from .ndarray import NDArray
        from . import optimizer as opt
        job = self.job
        hdr = torch.zeros(_HDR, dtype=torch.int64)
        stops = 0
        while stops < job.num_workers:
            src = dist.recv(hdr, None, group=job.ps, tag=_TAG_HDR)
            op, code, numel, dcode, ndim = (int(x) for x in hdr[:5])
            shape = tuple(int(x) for x in hdr[5:5 + ndim])
            if op == _OP_STOP:
                stops += 1
                continue
            if op == _OP_PULL:
                if code not in self.store:
                    raise MXNetError('kvstore server: key %d pulled before init' % code)
                dist.send(self.store[code]._data.contiguous(), src, group=job.ps,
                          tag=_TAG_REPLY)
                continue
            buf = torch.empty(shape if op != _OP_OPT else (numel,), dtype=_DTYPES[dcode])
            dist.recv(buf, src, group=job.ps, tag=_TAG_DATA)
            if op == _OP_OPT:
                # the optimizer object comes from this job's rank-0 worker, as in MXNet; read
                # with the allow-listed unpickler of optimizer-state files (optimizers, LR
                # schedulers, NDArrays, plain data), never a plain pickle.loads
                self.updater = opt.get_updater(
                    opt.optimizer._load_states(buf.numpy().tobytes()))
            elif op == _OP_INIT:
                self.store[code] = NDArray(buf)
            elif op == _OP_PUSH:
                if code not in self.store:
                    raise MXNetError('kvstore server: key %d pushed before init' % code)
                if self.updater is not None:
                    self.updater(code, NDArray(buf), self.store[code])
                else:
                    self.store[code]._data.copy_(buf)
            else:
                raise MXNetError('kvstore server: unknown message %d from rank %d' % (op, src))


def run_server():
    """Run this process as a kvstore server (the launcher starts servers so)."""
    KVStoreServer().run()
    if dist.is_initialized():
        dist.destroy_process_group()


if __name__ == '__main__':
    try:
        run_server()
    except MXNetError as e:
        sys.stderr.write('mxnet.kvstore_dist server: MXNetError: %s\n' % e)
        sys.exit(1)
