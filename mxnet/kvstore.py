"""``mx.kv``: key-value stores that reduce values across devices (MXNet 1.9.1's KVStore API).

A store keeps one value per key. ``push`` sums the values given for a key (one per device,
for instance the gradients of every replica) and either replaces the stored value with the
sum or, when an updater (or an optimizer) is set, calls ``updater(key, merged, stored)``;
``pull`` copies the stored value into every output array. Gluon's ``Trainer`` and
``mx.mod.Module`` use a store to keep the replicas of a parameter in step.

Inside one process remx runs every store kind MXNet did on one machine: ``local`` (values are
summed and updated in CPU memory), ``device`` (summed and updated on the device of the
pushed values), ``local_allreduce_cpu``, ``local_allreduce_device``, ``local_update_cpu``,
and ``nccl`` where CUDA GPUs are present. The multi-process stores (``dist_sync``,
``dist_device_sync``, ``dist_async``) are in ``kvstore_dist`` (torch.distributed);
``horovod`` and ``byteps`` raise MXNetError. Values may be row_sparse: pushes sum them as
row_sparse, ``row_sparse_pull`` copies the requested rows, and ``pull`` skips row_sparse
outputs unless ``ignore_sparse=False``, as in MXNet.
"""
import os
import warnings

import torch

from .base import MXNetError, _atomic_write
from . import engine as _engine
from .context import cpu_pinned
from .ndarray import NDArray

__all__ = ['create', 'KVStoreBase', 'KVStore', 'KVStoreServer']


_STYPE_ID = {'undefined': -1, 'default': 0, 'row_sparse': 1, 'csr': 2}


def _stype(arr):
    return getattr(arr, 'stype', 'default')


class KVStoreAssertionError(MXNetError, AssertionError):
    """A failed KVStore check that MXNet reported as AssertionError."""


class KVStoreValueError(MXNetError, ValueError):
    """A bad KVStore argument that MXNet reported as ValueError."""


class KVStoreTypeError(MXNetError, TypeError):
    """A KVStore argument of the wrong type (MXNet raised TypeError)."""


_MULTI_MACHINE = ('horovod', 'byteps')


def _flatten(keys, vals, what):
    """Pairs (key, NDArray) from MXNet's key/value argument forms, and whether keys are str.

    keys: int or str, or a list of them; vals: an NDArray or a list of NDArrays per key (the
    key is repeated for each array), or, with a list of keys, one such entry per key.
    """
    if isinstance(keys, (tuple, list)):
        if not isinstance(vals, (tuple, list)) or len(keys) != len(vals):
            raise KVStoreAssertionError(
                'KVStore.%s: %d keys need a list of %d values (one NDArray or a list of '
                'NDArrays per key), got %s' % (what, len(keys), len(keys),
                                                 type(vals).__name__ if not isinstance(
                                                     vals, (tuple, list)) else len(vals)))
        pairs = []
        use_str = None
        for k, v in zip(keys, vals):
            sub, is_str = _flatten(k, v, what)
            if use_str is None:
                use_str = is_str
            elif use_str != is_str:
                raise KVStoreAssertionError('inconsistent types of keys detected.')
            pairs += sub
        return pairs, bool(use_str)
    if isinstance(keys, bool) or not isinstance(keys, (int, str)):
        raise KVStoreAssertionError('unexpected type for keys: ' + str(type(keys)))
    if isinstance(vals, NDArray):
        return [(keys, vals)], isinstance(keys, str)
    if not isinstance(vals, (tuple, list)):
        raise KVStoreAssertionError('KVStore.%s: the value of key %r must be an NDArray or a list '
                                    'of NDArrays, got %s' % (what, keys, type(vals).__name__))
    for v in vals:
        if not isinstance(v, NDArray):
            raise KVStoreAssertionError('KVStore.%s: the value of key %r must be an NDArray or a '
                                        'list of NDArrays, got a list holding %s'
                                        % (what, keys, type(v).__name__))
    return [(keys, v) for v in vals], isinstance(keys, str)


def _group(pairs):
    """{key: [arrays]} in the order keys first appear (MXNet merges repeated keys)."""
    groups = {}
    for k, v in pairs:
        groups.setdefault(k, []).append(v)
    return groups


def _shape_str(shape):
    return '[' + ','.join(str(d) for d in shape) + ']'


class KVStoreBase:
    """The interface every key-value store implements (MXNet's ``mx.kv.KVStoreBase``).

    ``KVStoreBase.register`` adds a subclass to the registry that ``mx.kv.create`` looks up
    by the lower-cased class name.
    """

    OPTIMIZER = 'optimizer'
    kv_registry = {}

    def broadcast(self, key, value, out, priority=0):
        """Broadcast ``value`` (rank 0's) for ``key`` into ``out``."""
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        raise NotImplementedError()

    def pushpull(self, key, value, out=None, priority=0):
        """Sum ``value`` for ``key`` and write the result to ``out`` (or into ``value``)."""
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        raise NotImplementedError()

    def set_optimizer(self, optimizer):
        """Register an optimizer that updates the stored values on push."""
        raise NotImplementedError()

    def is_capable(self, capability):
        """Whether the store supports ``capability`` (such as ``KVStoreBase.OPTIMIZER``)."""
        raise NotImplementedError()

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Save the optimizer (updater) states to ``fname``."""
        raise NotImplementedError()

    def load_optimizer_states(self, fname):
        """Load optimizer (updater) states from ``fname``."""
        raise NotImplementedError()

    @property
    def type(self):
        """The store's type name."""
        raise NotImplementedError()

    @property
    def rank(self):
        """This worker's rank, in ``[0, num_workers)``."""
        raise NotImplementedError()

    @property
    def num_workers(self):
        """The number of workers."""
        raise NotImplementedError()

    @staticmethod
    def register(klass):
        """Class decorator: register a KVStore class under its lower-cased name, so that
        ``mx.kv.create(name)`` builds it. A name registered twice warns and is replaced."""
        if not isinstance(klass, type):
            raise KVStoreAssertionError('KVStoreBase.register expects a class, got %s'
                                        % type(klass).__name__)
        name = klass.__name__.lower()
        if name in KVStoreBase.kv_registry:
            old = KVStoreBase.kv_registry[name]
            warnings.warn('WARNING: New kvstore %s.%s is overriding existing kvstore %s.%s'
                          % (klass.__module__, klass.__name__, old.__module__, old.__name__))
        KVStoreBase.kv_registry[name] = klass
        return klass


@KVStoreBase.register
class TestStore(KVStoreBase):
    """A minimal store for tests: ``pushpull`` sums, ``broadcast`` copies, no optimizer."""

    def broadcast(self, key, value, out, priority=0):
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        for o in (out if isinstance(out, list) else [out]):
            o[:] = value

    def pushpull(self, key, value, out=None, priority=0):
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        if isinstance(value, NDArray):
            if out is not None:
                for o in (out if isinstance(out, list) else [out]):
                    o[:] = value
            return
        ctx = value[0].context
        total = value[0].as_in_context(ctx).copy()
        for v in value[1:]:
            total += v.as_in_context(ctx)
        for o in (value if out is None else (out if isinstance(out, list) else [out])):
            o[:] = total

    @staticmethod
    def is_capable(capability):
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return False
        raise KVStoreValueError('Unknown capability: {}'.format(capability))

    @property
    def type(self):
        return 'teststore'

    @property
    def rank(self):
        return 0

    @property
    def num_workers(self):
        return 1

    def set_optimizer(self, optimizer):
        raise NotImplementedError()

    def save_optimizer_states(self, fname, dump_optimizer=False):
        raise NotImplementedError()

    def load_optimizer_states(self, fname):
        raise NotImplementedError()


class KVStore(KVStoreBase):
    """A key-value store that reduces values over the devices of one process.

    Create one with ``mx.kv.create(name)``. Keys are ints or strs (one kind per store);
    values are NDArrays. Every key must be ``init``-ed once before ``push``/``pull``.

    Examples
    --------
    >>> kv = mx.kv.create('local')
    >>> kv.init(3, mx.nd.ones((2, 3)) * 2)
    >>> kv.push(3, [mx.nd.ones((2, 3)), mx.nd.ones((2, 3))])   # stored value := 1 + 1
    >>> a = mx.nd.zeros((2, 3))
    >>> kv.pull(3, out=a)                                      # a is now all 2
    """

    def __init__(self, handle):
        """``handle``: the store's type name (``mx.kv.create`` passes it)."""
        if not isinstance(handle, str):
            raise KVStoreTypeError('KVStore(handle): remx expects the store type name; use '
                                   "mx.kv.create('local') to make a store")
        self.handle = handle
        self._type = handle
        # values are stored on cpu_pinned(0) as in MXNet (optimizer states are created there);
        # 'local'-like stores also sum there, 'device'-like ones sum on the values' device and
        # then keep the stored value (and run the updater) on that device
        self._on_cpu = 'device' not in handle and 'nccl' not in handle
        self._store = {}
        self._key_is_str = None
        self._updater = None
        self._compression = None
        self._residuals = {}

    # -- helpers -----------------------------------------------------------------------------
    def _check_key_type(self, is_str):
        if self._key_is_str is None:
            self._key_is_str = is_str
        elif self._key_is_str != is_str:
            raise MXNetError('Mixed key types are not allowed: this store uses %s keys'
                             % ('str' if self._key_is_str else 'int'))

    def _stored(self, key):
        val = self._store.get(key)
        if val is None:
            if isinstance(key, str):
                raise MXNetError("key %s doesn't exist. Did you init?" % key)
            raise MXNetError('key %d has not been inited' % key)
        return val

    @staticmethod
    def _check_out_shape(shape, out):
        if out.shape != shape:
            raise MXNetError('operands shape mismatch from.shape = %s to.shape=%s'
                             % (_shape_str(shape), _shape_str(out.shape)))

    def _merge_checked(self, groups):
        """Validate push groups (keys inited, equal shapes and storage types per key) before
        any change."""
        for key, vals in groups.items():
            self._stored(key)
            shape = vals[0].shape
            stypes = [_stype(v) for v in vals]
            for st in stypes:
                if st not in ('default', 'row_sparse'):
                    raise MXNetError('Unexpected storage type detected during kvstore push: %d'
                                     % _STYPE_ID[st])
            if any(st != stypes[0] for st in stypes):
                buf = _stype(self._store[key])
                src = next((st for st in stypes if st != buf), stypes[0])
                raise MXNetError('Storage type mismatch detected. %d(src) vs. %d(buf.copy_buf)'
                                 % (_STYPE_ID[src], _STYPE_ID[buf]))
            for v in vals[1:]:
                if v.shape != shape:
                    raise MXNetError('KVStore.push: the values pushed for key %r differ in '
                                     'shape: %s vs %s' % (key, shape, v.shape))

    def _reduce(self, key, vals, stored):
        """The sum of vals as a new NDArray, on cpu_pinned(0) ('local' types) or on the first
        value's device ('device' types)."""
        ctx = cpu_pinned(0) if self._on_cpu else vals[0].context
        if _stype(vals[0]) == 'row_sparse':
            out = vals[0].copyto(ctx)
            for v in vals[1:]:
                out = out + v.copyto(ctx)
            return out
        dev = ctx.torch_device
        comp = self._compression
        with torch.no_grad():
            if comp is not None:
                thr = comp['threshold']
                total = None
                for i, v in enumerate(vals):
                    t = v._data.detach().to(dev)
                    res = self._residuals.get((key, i))
                    if res is None or res.shape != t.shape or res.dtype != t.dtype:
                        res = torch.zeros_like(t)
                        self._residuals[(key, i)] = res
                    res += t
                    q = torch.where(res >= thr, thr,
                                    torch.where(res <= -thr, -thr, 0.0)).to(t.dtype)
                    res -= q
                    total = q if total is None else total.add_(q)
                out = vals[0].copyto(ctx)
                out._data.copy_(total)
                return out
            out = vals[0].copyto(ctx)
            if len(vals) > 1:
                acc = out._data
                if acc.requires_grad:
                    acc = acc.detach()
                for v in vals[1:]:
                    acc.add_(v._data.detach().to(dev))
            return out

    def _updater_key(self, key):
        # MXNet hands string keys to the Python updater as bytes
        return key.encode() if isinstance(key, str) else key

    def _push_groups(self, groups):
        for key, vals in groups.items():
            stored = self._store[key]
            merged = self._reduce(key, vals, stored)
            if self._updater is not None:
                if merged._data.device.type != 'cpu' and stored._data.device.type == 'cpu':
                    # as MXNet, the weight follows the gradients onto the device the first
                    # time they are merged there
                    stored = self._store[key] = stored.copyto(merged.context)
                self._updater(self._updater_key(key), merged, stored)
            else:
                self._store[key] = merged

    # -- the API -----------------------------------------------------------------------------
    def init(self, key, value):
        """Initialize one key or a list of keys with their values (copied into the store).

        key: int or str, or a list of them. value: an NDArray per key (a list of values for one
        key inits it more than once, which is an error). A key can be initialized only once.
        """
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        pairs, is_str = _flatten(key, value, 'init')
        self._check_key_type(is_str)
        seen = set()
        for k, _ in pairs:
            if k in self._store or k in seen:
                if isinstance(k, str):
                    raise MXNetError('duplicate init of key %s' % k)
                raise MXNetError('duplicate init of key %d. Please double check if you called '
                                 'kv.init or kv.broadcast with this key multiple times' % k)
            seen.add(k)
        for k, v in pairs:
            self._store[k] = v.copyto(cpu_pinned(0))

    def push(self, key, value, priority=0):
        """Push values: the values given for a key are summed; the sum replaces the stored
        value, or, with an updater set, ``updater(key, sum, stored)`` updates it in place.

        key: int or str, or a list of them. value: an NDArray or a list of NDArrays (one per
        device) per key. priority: accepted for compatibility (operations run in order).
        """
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        pairs, is_str = _flatten(key, value, 'push')
        self._check_key_type(is_str)
        groups = _group(pairs)
        self._merge_checked(groups)
        self._push_groups(groups)

    def pull(self, key, out=None, priority=0, ignore_sparse=True):
        """Copy the stored value of each key into every array of ``out``.

        key: int or str, or a list of them. out: an NDArray or a list of NDArrays per key
        (same shape as the stored value; the dtype is cast). ignore_sparse: accepted for
        ignore_sparse: skip row_sparse outputs (MXNet's default); with False they receive the
        whole stored value.
        """
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        if out is None:
            raise KVStoreAssertionError('KVStore.pull needs out= (the arrays to write into)')
        pairs, is_str = _flatten(key, out, 'pull')
        self._check_key_type(is_str)
        if ignore_sparse:
            pairs = [(k, o) for k, o in pairs if _stype(o) == 'default']
        for k, o in pairs:
            self._check_out_shape(self._stored(k).shape, o)
        for k, o in pairs:
            self._store[k].copyto(o)

    def pushpull(self, key, value, out=None, priority=0):
        """``push(key, value)`` then ``pull(key, out)``; without ``out`` the result is written
        back into ``value``."""
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        pairs, is_str = _flatten(key, value, 'pushpull')
        self._check_key_type(is_str)
        groups = _group(pairs)
        self._merge_checked(groups)
        opairs = pairs if out is None else _flatten(key, out, 'pushpull')[0]
        for k, o in opairs:
            if k not in groups:
                self._stored(k)
                shape = self._store[k].shape
            else:
                shape = self._store[k].shape if self._updater is not None else \
                    groups[k][0].shape
            self._check_out_shape(shape, o)
        self._push_groups(groups)
        for k, o in opairs:
            self._store[k].copyto(o)

    def broadcast(self, key, value, out, priority=0):
        """Initialize ``key`` with ``value`` and copy it into every array of ``out``
        (a key can be broadcast, like init-ed, only once)."""
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        vpairs, _ = _flatten(key, value, 'broadcast')
        opairs, _ = _flatten(key, out, 'broadcast')
        shapes = dict((k, v.shape) for k, v in vpairs)
        for k, o in opairs:
            if k in shapes:
                self._check_out_shape(shapes[k], o)
        self.init(key, value)
        for k, o in opairs:
            self._check_out_shape(self._stored(k).shape, o)
        values = [v for _, v in vpairs]
        for k, o in opairs:
            # the value itself already holds what it would receive: leaving it untouched
            # keeps it usable in a graph being recorded (Trainer initializes deferred
            # parameters from inside a forward, in row_sparse_pull)
            if not any(o is v for v in values):
                self._store[k].copyto(o)

    def row_sparse_pull(self, key, out=None, priority=0, row_ids=None):
        """Pull the rows ``row_ids`` of row_sparse values into row_sparse ``out`` arrays.

        key: int or str, or a list of them. out: a RowSparseNDArray or a list of them per key.
        row_ids: an NDArray of row indices (duplicates and any order allowed) per output, or
        one NDArray for all the outputs of a key. Each output holds exactly the requested rows
        (sorted, unique) of the stored value.
        """
        _engine.drain()  # the store reads and writes arrays in place: pending ops first
        if out is None:
            raise KVStoreAssertionError('KVStore.row_sparse_pull needs out=')
        if row_ids is None:
            raise KVStoreAssertionError('KVStore.row_sparse_pull needs row_ids=')
        if isinstance(row_ids, NDArray):
            row_ids = [row_ids]
        if not isinstance(row_ids, list):
            raise KVStoreAssertionError('row_ids should be NDArray or list of NDArray')
        first_out = out
        single_rowid = len(row_ids) == 1 and isinstance(out, list)
        if single_rowid:
            first_out = [out[0]]
        pairs, is_str = _flatten(key, first_out, 'row_sparse_pull')
        rpairs, _ = _flatten(key, row_ids, 'row_sparse_pull')
        if len(rpairs) != len(pairs):
            raise KVStoreAssertionError("the number of row_ids doesn't match the number of "
                                        "values")
        self._check_key_type(is_str)
        for k, o in pairs:
            st = _stype(o)
            if st != 'row_sparse':
                raise MXNetError('Check failed: val_stype == kRowSparseStorage (%d vs. 1) : '
                                 'Expected row_sparse storage type for row_sparse_pull values, '
                                 'but detected storage type %d' % (_STYPE_ID[st], _STYPE_ID[st]))
        for k, o in pairs:
            stored = self._stored(k)
            self._check_out_shape(stored.shape, o)
            if _stype(stored) != 'row_sparse':
                raise MXNetError('Check failed: local.storage_type() == kRowSparseStorage (%d '
                                 'vs. 1) : PullRowSparse expects row_sparse src NDArray'
                                 % _STYPE_ID[_stype(stored)])
        from .ndarray import sparse as _sparse
        for (k, o), (_, rid) in zip(pairs, rpairs):
            stored = self._store[k]
            rows = torch.unique(rid._data.detach().to('cpu').reshape(-1).to(torch.int64))
            if rows.numel() and (int(rows[0]) < 0 or int(rows[-1]) >= stored.shape[0]):
                raise MXNetError('KVStore.row_sparse_pull: row_ids out of range [0, %d)'
                                 % stored.shape[0])
            dense = stored._data.detach().to('cpu')
            data = dense.index_select(0, rows).to(dtype=o._data.dtype)
            res = _sparse.row_sparse_array((data.numpy(), rows.numpy()), shape=stored.shape,
                                           ctx=o.context, dtype=o.dtype)
            res.copyto(o)
        if single_rowid:
            for o in out[1:]:
                out[0].copyto(o)

    def is_capable(self, capability):
        """Whether this store supports ``capability``; ``KVStoreBase.OPTIMIZER`` (updates
        run in the store) is supported."""
        if capability.lower() == KVStoreBase.OPTIMIZER:
            return True
        raise KVStoreValueError('Unknown capability: {}'.format(capability))

    def set_gradient_compression(self, compression_params):
        """Set 2-bit gradient compression, e.g. ``{'type': '2bit', 'threshold': 0.5}``.

        Only ``device``-type stores (and MXNet's ``dist`` ones) accept it. Each pushed value
        is added to a residual kept per key and per position in the pushed list; the residual
        is quantized to ``+threshold``, ``-threshold`` or 0 (what is sent), and what was not
        sent stays in the residual for the next push. Across machines this saves bandwidth;
        inside one process it changes no traffic but gives MXNet's (quantized) results.
        """
        if 'device' not in self._type and 'dist' not in self._type and \
                'nccl' not in self._type:
            raise MXNetError('Gradient compression is not supported for this type of kvstore')
        if not isinstance(compression_params, dict):
            raise KVStoreAssertionError('unexpected type for param_dict: '
                                        + str(type(compression_params)))
        if 'type' not in compression_params:
            raise MXNetError('Required parameter type of string is not presented')
        kind = str(compression_params['type'])
        threshold = compression_params.get('threshold', 0.5)
        try:
            threshold = float(str(threshold))
        except ValueError:
            raise MXNetError("Invalid Parameter format for threshold expect float but "
                             "value='%s'" % threshold) from None
        if kind != '2bit':
            raise MXNetError('Unknown type for gradient compression %s' % kind)
        if not threshold > 0:
            raise MXNetError('threshold must be greater than 0 (got %s)' % threshold)
        self._compression = {'type': kind, 'threshold': threshold}
        self._residuals = {}

    def set_optimizer(self, optimizer):
        """Update stored values with ``optimizer`` on every push (the store's updater becomes
        ``mx.optimizer.get_updater(optimizer)``)."""
        from . import optimizer as opt
        if not isinstance(optimizer, opt.Optimizer):
            raise KVStoreTypeError('set_optimizer expects an mx.optimizer.Optimizer, got %s'
                                   % type(optimizer).__name__)
        self._set_updater(opt.get_updater(optimizer))

    @property
    def type(self):
        """The store's type name, e.g. ``'local'`` or ``'device'``."""
        return self._type

    @property
    def rank(self):
        """This worker's rank (always 0 in one process)."""
        return 0

    @property
    def num_workers(self):
        """The number of workers (always 1 in one process)."""
        return 1

    def save_optimizer_states(self, fname, dump_optimizer=False):
        """Write the updater's states to ``fname`` (``Updater.get_states``'s format, which
        MXNet 1.x reads); with ``dump_optimizer`` the optimizer itself is saved too."""
        if self._updater is None:
            raise KVStoreAssertionError('Cannot save states for distributed training')
        _atomic_write(fname, self._updater.get_states(dump_optimizer))

    def load_optimizer_states(self, fname):
        """Load updater states from ``fname`` (written by remx or MXNet 1.x; read without
        running code from the file)."""
        if self._updater is None:
            raise KVStoreAssertionError('Cannot load states for distributed training')
        from .optimizer.optimizer import _read_states_file, _set_states_from_file
        _set_states_from_file(self._updater, _read_states_file(fname), fname)

    def _set_updater(self, updater):
        """Set the function ``updater(key, merged, stored)`` that push applies (it updates
        ``stored`` in place; str keys reach it as bytes, as in MXNet). None removes it."""
        if updater is not None and not callable(updater):
            raise KVStoreTypeError('the updater must be callable, got %s'
                                   % type(updater).__name__)
        self._updater = updater

    def _barrier(self):
        """Wait for every worker: nothing to wait for in one process."""

    def _send_command_to_servers(self, head, body):
        """Send a command to the servers: a single-process store has none (no-op)."""


def KVStoreServer(kvstore=None):  # noqa: N802 (MXNet's class name)
    """The server side of a distributed store (``mxnet.kvstore_dist.KVStoreServer``);
    ``.run()`` serves until every worker is done."""
    from .kvstore_dist import KVStoreServer as _Server
    return _Server(kvstore)


def create(name='local'):
    """Create a key-value store.

    name: ``'local'`` (sum and update in CPU memory), ``'device'`` (sum and update on the
    device of each stored value), ``'local_allreduce_cpu'``, ``'local_allreduce_device'``,
    ``'local_update_cpu'``, ``'nccl'`` (needs CUDA GPUs), or a name registered with
    ``KVStoreBase.register``. ``'dist_sync'`` / ``'dist'`` / ``'dist_device_sync'`` /
    ``'dist_sync_device'`` and ``'dist_async'`` are the multi-process stores of
    ``mxnet.kvstore_dist`` (start the job with ``python -m mxnet.tools.launch``);
    ``'horovod'`` and ``'byteps'`` raise MXNetError.

    Returns a ``KVStoreBase`` (a ``KVStore`` for the built-in types).
    """
    if not isinstance(name, str):
        raise KVStoreTypeError('name must be a string')
    name = name.lower()
    if name in KVStoreBase.kv_registry:
        return KVStoreBase.kv_registry[name]()
    if name in _MULTI_MACHINE:
        import importlib.util
        if importlib.util.find_spec(name) is None:
            raise MXNetError("kvstore '%s' needs the %s package, which is not installed; use "
                             "'dist_sync' (torch.distributed) instead" % (name, name))
        raise MXNetError("kvstore '%s': remx has no binding to %s; use 'dist_sync' "
                         "(torch.distributed) instead" % (name, name))
    if 'dist' in name:
        from . import kvstore_dist
        if '_async' in name:
            return kvstore_dist.DistAsyncKVStore(name)
        return kvstore_dist.DistSyncKVStore(name)
    if 'nccl' in name and not torch.cuda.is_available():
        raise MXNetError("kvstore '%s' needs NVIDIA GPUs (NCCL) and none is available; use "
                         "'device' or 'local'" % name)
    return KVStore(name)


def _create_kvstore(kvstore, num_device, arg_params):
    """(kvstore or None, update_on_kvstore) as MXNet's training loops choose them.

    kvstore: a KVStoreBase (used as is), a type name (no store for one device and a
    non-distributed name) or None. arg_params: name -> NDArray, used by 'local' to turn
    updates on the store off for very large parameters. The environment variable
    MXNET_UPDATE_ON_KVSTORE (default 1) gives the default.
    """
    update_on_kvstore = bool(int(os.getenv('MXNET_UPDATE_ON_KVSTORE', '1')))
    if kvstore is None:
        kv = None
    elif isinstance(kvstore, KVStoreBase):
        kv = kvstore
    elif isinstance(kvstore, str):
        if num_device == 1 and 'dist' not in kvstore:
            kv = None
        else:
            kv = create(kvstore)
            if kvstore == 'local' and arg_params:
                max_size = max(int(p.size) for p in arg_params.values())
                if max_size > 1024 * 1024 * 16:
                    update_on_kvstore = False
    else:
        raise KVStoreTypeError('kvstore must be KVStore, str or None')
    if kv is None:
        update_on_kvstore = False
    else:
        update_on_kvstore &= kv.is_capable(KVStoreBase.OPTIMIZER)
    return kv, update_on_kvstore


def _create_sparse_kvstore(kvstore):
    """(kvstore, True) for training with row_sparse weights, as MXNet's
    ``model._create_sparse_kvstore``: a store always exists (even for one device) and the
    weights are always updated on it.

    kvstore: a KVStore (used as is) or a type name; the store must support optimizers.
    """
    if isinstance(kvstore, KVStore):
        kv = kvstore
    elif isinstance(kvstore, str):
        kv = create(kvstore)
    else:
        raise KVStoreTypeError("Cannot create '%s' KVStore with row_sparse parameters. The "
                               "type must be KVStore or str." % (kvstore,))
    if not kv.is_capable(KVStoreBase.OPTIMIZER):
        raise KVStoreAssertionError('KVStore with sparse weight requires optimizer support. '
                                    'However, type(kv) does not support optimizer. Please '
                                    'consider other kvstore backends (e.g. dist_device) '
                                    'instead.')
    return kv, True
