"""``gluon.Trainer``: applies an Optimizer to a set of Parameters.

Parameters are ordered by name (as MXNet does) and indexed 0..n-1 for the optimizer (and as
kvstore keys). With several contexts (or a ``KVStore`` object passed in) the replicas'
gradients are reduced through an ``mx.kv`` store; the update then runs either on the store
(``update_on_kvstore``, the new weight is pulled into every replica) or on each replica.

Sparse parameters follow MXNet 1.9.1: a row_sparse weight always lives in a kvstore (even with
one context) and is updated there, its replicas filled by ``row_sparse_pull``; dense weights
with row_sparse gradients push the gradients and pull them back (or, updated on the store, the
weights), and with one context and no store are updated locally.
"""

from ..base import MXNetError, _atomic_write
from .parameter import ParameterDict, Parameter, GluonAssertionError, GluonValueError

__all__ = ['Trainer']


class _TrainerAttributeError(MXNetError, AttributeError):
    """A Trainer setting MXNet 1.9.1 rejected with AttributeError."""


class Trainer:
    """Applies an Optimizer on a set of Parameters (use it with ``autograd``).

    ``trainer.step(batch_size)`` rescales gradients by 1/batch_size, sums them across
    contexts and updates every Parameter whose gradient backward has refreshed since the last
    step (a stale gradient raises unless ``ignore_stale_grad=True``).

    Parameters
    ----------
    params : ParameterDict, dict or list of Parameter
        The parameters to optimize (a dict is ordered by name).
    optimizer : str or Optimizer
        The optimizer, by name (with ``optimizer_params``) or as an instance.
    optimizer_params : dict
        Keyword arguments of the optimizer, e.g. ``{'learning_rate': 0.1}``.
    kvstore : str, KVStore or None, default 'device'
        How replicas are reduced (see ``mx.kv.create``). A name is only used with several
        contexts; a ``KVStore`` object is always used.
    compression_params : dict
        Gradient compression for the store, e.g. ``{'type': '2bit', 'threshold': 0.5}``.
    update_on_kvstore : bool, default None
        Whether the update runs on the kvstore; None lets the Trainer choose (and then the
        environment variable MXNET_UPDATE_ON_KVSTORE counts).
    """

    def __init__(self, params, optimizer, optimizer_params=None, kvstore='device',
                 compression_params=None, update_on_kvstore=None):
        if isinstance(params, (dict, ParameterDict)):
            params = [params[k] for k in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise GluonValueError('First argument must be a list or dict of Parameters, got %s.'
                             % type(params))
        self._params = []
        self._param2idx = {}
        self._contains_sparse_weight = False
        self._contains_sparse_grad = False
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise GluonValueError(
                    'First argument must be a list or dict of Parameters, got list '
                                 'of %s.' % type(param))
            self._param2idx[param.name] = i
            self._params.append(param)
            param._set_trainer(self)
            if param._stype != 'default':
                self._contains_sparse_weight = True
            if param._grad_stype != 'default':
                self._contains_sparse_grad = True
        self._compression_params = compression_params
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params or {})
        self._scale = self._optimizer.rescale_grad
        self._kvstore_params = {'kvstore': kvstore, 'update_on_kvstore': update_on_kvstore}
        self._kv_initialized = False
        self._kvstore = None
        self._update_on_kvstore = None
        self._distributed = None
        self._params_to_init = []
        self._reset_kvstore()

    def _check_contexts(self):
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            if contexts is not None and contexts != ctx:
                raise GluonAssertionError(
                    'All Parameters must be initialized on the same set of contexts, '
                                 'but Parameter %s is initialized on %s while previous Parameters '
                                 'are initialized on %s.' % (param.name, ctx, contexts))
            contexts = ctx
        return contexts or []

    def _init_optimizer(self, optimizer, optimizer_params):
        from .. import optimizer as opt
        param_dict = {i: param for i, param in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise GluonAssertionError(
                    'optimizer_params must be None if optimizer is an instance of '
                                 'Optimizer instead of str')
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updaters = [opt.get_updater(self._optimizer) for _ in self._contexts]

    def _reset_kvstore(self):
        if self._kvstore and 'dist' in self._kvstore.type:
            raise MXNetError('Cannot reset distributed KVStore.')
        self._kv_initialized = False
        self._kvstore = None
        self._distributed = None
        self._update_on_kvstore = None
        self._params_to_init = list(self._params)

    def _init_kvstore(self):
        """Create the kvstore as MXNet 1.9.1 does.

        Sparse weights: always a store (``_create_sparse_kvstore``), updated on it
        (``update_on_kvstore=False`` is a ValueError). Dense weights with sparse gradients: a
        store as for dense training, but the update runs on it only for distributed stores
        or when ``update_on_kvstore=True``. Dense training: one context with a kvstore name
        (and no distributed store) gives no kvstore, the Trainer updates every parameter
        itself; a ``KVStore`` object is always used. With a store, updates run on it unless
        ``update_on_kvstore=False``, the environment variable MXNET_UPDATE_ON_KVSTORE=0, a
        'local' store with a parameter of more than 16M elements, or a store without the
        optimizer capability.
        """
        from ..kvstore import _create_kvstore, _create_sparse_kvstore, KVStore
        config = self._kvstore_params
        if self._contains_sparse_weight:
            kvstore, update_on_kvstore = _create_sparse_kvstore(config['kvstore'])
            self._distributed = 'dist' in kvstore.type
            if config['update_on_kvstore'] is False:
                raise GluonValueError('Cannot set update_on_kvstore=False when sparse weights '
                                      'are present.')
        elif self._contains_sparse_grad:
            ctx0 = self._contexts[0] if self._contexts else None
            arg_arrays = {param.name: param.data(ctx0) for param in self._params}
            kvstore, _ = _create_kvstore(config['kvstore'], len(self._contexts), arg_arrays)
            self._distributed = 'dist' in kvstore.type if kvstore else False
            # kv.row_sparse_pull of gradients does not exist: distributed stores update
            update_on_kvstore = self._distributed
            if config['update_on_kvstore'] is not None:
                if config['update_on_kvstore'] is False and self._distributed:
                    raise GluonValueError('Cannot set update_on_kvstore=False on dist kvstore '
                                          'when sparse gradients are present.')
                update_on_kvstore = config['update_on_kvstore']
            if kvstore is not None and not isinstance(kvstore, KVStore):
                raise GluonValueError('Cannot use {} for multi-device training with sparse '
                                      'gradients'.format(type(kvstore)))
        else:
            # reading every parameter raises DeferredInitializationError for deferred ones
            ctx0 = self._contexts[0] if self._contexts else None
            arg_arrays = {param.name: param.data(ctx0) for param in self._params}
            kvstore, update_on_kvstore = _create_kvstore(config['kvstore'], len(self._contexts),
                                                         arg_arrays)
            self._distributed = 'dist' in kvstore.type if kvstore else False
            if self._distributed and 'async' in kvstore.type:
                update_on_kvstore = True
                if config['update_on_kvstore'] is False:
                    raise GluonValueError('Please set update_on_kvstore=True when training in '
                                          'async mode.')
            if config['update_on_kvstore'] is not None:
                update_on_kvstore = config['update_on_kvstore']
            if update_on_kvstore:
                if kvstore is None:
                    raise _TrainerAttributeError(
                        'update_on_kvstore=True needs a kvstore, but none is used with %d '
                        'context(s) and kvstore=%r (MXNet 1.9.1 fails here with "\'NoneType\' '
                        'object has no attribute \'is_capable\'")'
                        % (len(self._contexts), config['kvstore']))
                if not kvstore.is_capable('optimizer'):
                    if config['update_on_kvstore']:
                        raise GluonValueError('Please set update_on_kvstore=False when '
                                              'training with {}'.format(type(kvstore)))
                    update_on_kvstore = False
        if kvstore:
            if self._compression_params:
                kvstore.set_gradient_compression(self._compression_params)
            if update_on_kvstore:
                kvstore.set_optimizer(self._optimizer)
            self._kvstore = kvstore
            self._update_on_kvstore = update_on_kvstore
        else:
            self._kvstore = None
            self._update_on_kvstore = None
        self._kv_initialized = True

    def _init_params(self):
        """Initialize the parameters in the kvstore (broadcast context 0's value to every
        replica; a sparse weight is only stored, its replicas get rows when pulled);
        parameters still waiting for deferred initialization stay pending."""
        pending = []
        if self._kvstore:
            for param in self._params_to_init:
                if param._deferred_init:
                    pending.append(param)
                    continue
                arrays = param._check_and_get(param._data, list)
                idx = self._param2idx[param.name]
                if param._stype != 'default':
                    self._kvstore.init(idx, arrays[0])
                else:
                    self._kvstore.broadcast(idx, arrays[0], arrays)
        self._params_to_init = pending

    @property
    def learning_rate(self):
        return self._optimizer.learning_rate

    @property
    def optimizer(self):
        return self._optimizer

    def set_learning_rate(self, lr):
        """Set the optimizer's learning rate (fails when an lr_scheduler is set)."""
        self._optimizer.set_learning_rate(lr)

    def _row_sparse_pull(self, parameter, out, row_id, full_idx=False):
        """Pull the rows ``row_id`` of ``parameter`` from the kvstore into ``out`` (an array
        or a list); ``full_idx`` (every row) pulls the whole value from a local store."""
        self._prepare()
        idx = self._param2idx[parameter.name]
        if full_idx and 'dist' not in self._kvstore.type:
            if row_id.size != out.shape[0]:
                raise GluonAssertionError('full_idx pull needs every row id: %d given for %d '
                                          'rows' % (row_id.size, out.shape[0]))
            self._kvstore.pull(idx, out=out, priority=-idx, ignore_sparse=False)
        else:
            self._kvstore.row_sparse_pull(idx, out=out, row_ids=row_id, priority=-idx)

    def _check_and_rescale_grad(self, scale):
        # with a distributed store updating, the optimizer was sent to the store (MXNet's
        # servers) at the first step: a later batch size cannot change it there
        if self._update_on_kvstore and self._distributed and self._kv_initialized:
            if self._optimizer.rescale_grad != scale:
                raise UserWarning('Possible change in the `batch_size` from previous `step` '
                                  'detected. Optimizer gradient normalizing factor will not '
                                  'change w.r.t new batch_size when update_on_kvstore=True and '
                                  'when distributed kvstore is used.')
        self._optimizer.rescale_grad = scale

    def _prepare(self):
        if not self._kv_initialized:
            self._init_kvstore()
        if self._params_to_init:
            self._init_params()

    def step(self, batch_size, ignore_stale_grad=False):
        """Make one parameter update: ``allreduce_grads()`` then ``update()``.

        batch_size: gradients are scaled by 1/batch_size (use 1 when the loss is already a
        mean). ignore_stale_grad: skip Parameters whose gradient backward has not refreshed
        since the last step instead of raising (MXNet raises ``UserWarning`` for them).
        """
        self._check_and_rescale_grad(self._scale / batch_size)
        self._prepare()
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self):
        """Sum gradients across contexts, so that they can be transformed (e.g. clipped)
        before ``update``. Not available when updates run on the kvstore."""
        self._prepare()
        if self._kvstore and self._update_on_kvstore:
            raise GluonAssertionError('allreduce_grads() when parameters are updated on kvstore '
                                      'is not supported. Try setting `update_on_kvstore` to '
                                      'False when creating trainer.')
        self._allreduce_grads()

    def _allreduce_grads(self):
        kv = self._kvstore
        if not kv:
            return
        on_kv = self._update_on_kvstore
        for i, param in enumerate(self._params):
            if param.grad_req == 'null':
                continue
            grads = param.list_grad()
            if grads[0].stype != 'default':
                # sparse gradients: push (the store sums them and, updating on it, updates
                # its weight), then pull dense weights or the summed gradients back; a
                # sparse weight's replicas are refilled by row_sparse_pull
                kv.push(i, grads, priority=-i)
                if param._stype == 'default':
                    pull = param.list_data() if on_kv else grads
                    kv.pull(i, pull, priority=-i, ignore_sparse=self._distributed)
                continue
            if on_kv:
                # the store sums the replicas' gradients, updates its copy of the weight
                # and writes the new weight into every replica
                kv.pushpull(i, param.list_grad(), out=param.list_data(), priority=-i)
            else:
                kv.pushpull(i, param.list_grad(), priority=-i)

    def update(self, batch_size, ignore_stale_grad=False):
        """Make one parameter update from gradients already reduced by
        ``allreduce_grads`` (scaled by 1/batch_size)."""
        self._prepare()
        if self._kvstore and self._update_on_kvstore:
            raise GluonAssertionError('update() when parameters are updated on kvstore is not '
                                      'supported. Try setting `update_on_kvstore` to False when '
                                      'creating trainer.')
        self._check_and_rescale_grad(self._scale / batch_size)
        self._update(ignore_stale_grad)

    def _update(self, ignore_stale_grad=False):
        updates = [[] for _ in self._updaters]
        for i, param in enumerate(self._params):
            if param.grad_req == 'null':
                continue
            datas = param._check_and_get(param._data, list)
            if not ignore_stale_grad:
                for data in datas:
                    if not getattr(data, '_fresh_grad', False):
                        raise UserWarning(
                            'Gradient of Parameter `%s` on context %s has not been updated by '
                            'backward since last `step`. This could mean a bug in your model '
                            'that made it only use a subset of the Parameters (Blocks) for this '
                            'iteration. If you are intentionally only using a subset, call step '
                            'with ignore_stale_grad=True to suppress this warning and skip '
                            'updating of Parameters with stale gradient'
                            % (param.name, str(data.context)))
            if self._kvstore and self._update_on_kvstore:
                continue
            for upd, arr, grad in zip(updates, datas, param.list_grad()):
                if not ignore_stale_grad or getattr(arr, '_fresh_grad', False):
                    upd.append((i, grad, arr))
                    arr._fresh_grad = False
        for updater, upd in zip(self._updaters, updates):
            if upd:
                idx, grads, weights = zip(*upd)
                updater(list(idx), list(grads), list(weights))

    def save_states(self, fname):
        """Save the optimizer states (momentum, ...) and the optimizer to ``fname``, in
        MXNet's Updater format; through the kvstore when updates run on it.

        ``optimizer.param_dict`` (lr_mult, wd_mult) is not saved.
        """
        self._prepare()
        if self._update_on_kvstore:
            if self._params_to_init:
                raise GluonAssertionError('Cannot save trainer states when some parameters are '
                                          'not yet initialized in kvstore.')
            self._kvstore.save_optimizer_states(fname, dump_optimizer=True)
            return
        _atomic_write(fname, self._updaters[0].get_states(dump_optimizer=True))

    def load_states(self, fname):
        """Load optimizer states written by ``save_states`` (by remx or MXNet 1.x; read
        without running code from the file). ``optimizer.param_dict`` is set from this
        Trainer's parameters."""
        self._prepare()
        if self._update_on_kvstore:
            self._kvstore.load_optimizer_states(fname)
            self._optimizer = self._kvstore._updater.optimizer
        else:
            from ..optimizer.optimizer import _read_states_file, _set_states_from_file
            states = _read_states_file(fname)
            for updater in self._updaters:
                _set_states_from_file(updater, states, fname)
                updater.optimizer = self._updaters[0].optimizer
            self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = {i: p for i, p in enumerate(self._params)}
