"""``gluon.Trainer``: applies an Optimizer to a set of Parameters.

Parameters are ordered by name (as MXNet does) and indexed 0..n-1 for the optimizer. With
several contexts, gradients are summed across the replicas before the update (the local
equivalent of kvstore 'device'); every replica then applies the same update.
"""
import os

from ..base import MXNetError
from .parameter import ParameterDict, Parameter, GluonAssertionError, GluonValueError

__all__ = ['Trainer']


class Trainer:
    """Applies an Optimizer on a set of Parameters.

    ``trainer.step(batch_size)`` rescales gradients by 1/batch_size, sums them across
    contexts and updates every Parameter whose gradient backward has refreshed since the last
    step (a stale gradient raises unless ``ignore_stale_grad=True``).
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
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise GluonValueError(
                    'First argument must be a list or dict of Parameters, got list '
                                 'of %s.' % type(param))
            self._param2idx[param.name] = i
            self._params.append(param)
            param._set_trainer(self)
        self._compression_params = compression_params
        self._contexts = self._check_contexts()
        self._init_optimizer(optimizer, optimizer_params or {})
        self._scale = self._optimizer.rescale_grad
        self._kvstore_params = {'kvstore': kvstore, 'update_on_kvstore': update_on_kvstore}
        self._kv_initialized = False
        self._kvstore = None
        self._kv_updater = None
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
        self._kv_initialized = False
        self._kvstore = None
        self._kv_updater = None
        self._distributed = None
        self._update_on_kvstore = None
        self._params_to_init = list(self._params)

    def _init_kvstore(self):
        """Decide how replicas are reduced, as MXNet's kvstore selection does.

        One context (and no distributed store): no kvstore, the Trainer updates locally.
        Several contexts with a local kvstore name ('device', 'local', ...): gradients are
        summed across replicas and, unless ``update_on_kvstore=False`` (or the environment
        variable MXNET_UPDATE_ON_KVSTORE=0), the update runs once "on the kvstore" and the
        new weight is copied to every replica, as MXNet's default does.
        """
        from .. import optimizer as opt
        kv = self._kvstore_params['kvstore']
        if kv is not None and not isinstance(kv, str):
            if type(kv).__name__ in ('KVStore', 'KVStoreBase', 'KVStoreServer', 'Horovod',
                                     'BytePS'):
                raise MXNetError('Trainer: KVStore objects are not implemented in remx yet; '
                                 "use a kvstore name such as 'device' or 'local'")
            raise TypeError('kvstore must be KVStore, str or None')
        if isinstance(kv, str) and 'dist' in kv:
            raise MXNetError("Trainer: distributed kvstore '%s' is not implemented in remx yet"
                             % kv)
        # MXNet reads every parameter here: deferred ones raise DeferredInitializationError
        for param in self._params:
            param.data(self._contexts[0] if self._contexts else None)
        config = self._kvstore_params
        if kv is None or len(self._contexts) <= 1:
            self._kvstore = None
            update_on_kvstore = False if config['update_on_kvstore'] is None \
                else bool(config['update_on_kvstore'])
        else:
            self._kvstore = kv
            update_on_kvstore = bool(int(os.getenv('MXNET_UPDATE_ON_KVSTORE', '1')))
            if kv == 'local' and max(p.data().size for p in self._params) > 1024 * 1024 * 16:
                update_on_kvstore = False
            if config['update_on_kvstore'] is not None:
                update_on_kvstore = bool(config['update_on_kvstore'])
        if self._kvstore is None and update_on_kvstore:
            raise MXNetError('Trainer: update_on_kvstore=True needs a kvstore, but none is used '
                             'with %d context(s) and kvstore=%r'
                             % (len(self._contexts), kv))
        if self._kvstore is not None and update_on_kvstore:
            self._update_on_kvstore = True
            self._kv_updater = opt.get_updater(self._optimizer)
        else:
            self._update_on_kvstore = None if self._kvstore is None else False
            self._kv_updater = None
        self._distributed = False
        self._kv_initialized = True

    def _init_params(self):
        # replicas start equal: copy context 0's value to the others
        pending = []
        for param in self._params_to_init:
            if param._deferred_init:
                pending.append(param)
                continue
            arrays = param.list_data()
            for a in arrays[1:]:
                arrays[0].copyto(a)
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

    def _check_and_rescale_grad(self, scale):
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
        if not self._kvstore:
            return
        for i, param in enumerate(self._params):
            if param.grad_req == 'null':
                continue
            grads = param.list_grad()
            total = grads[0].copy()
            for g in grads[1:]:
                total += g.as_in_context(total.context)
            if self._update_on_kvstore:
                # the kvstore's updater applies the summed gradient once, every replica
                # receives the result; the per-replica gradients stay as they are
                datas = param.list_data()
                self._kv_updater(i, total, datas[0])
                for d in datas[1:]:
                    datas[0].copyto(d)
            else:
                for g in grads:
                    total.copyto(g)

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
            datas = param.list_data()
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
            if self._update_on_kvstore:
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
        """Save optimizer states (MXNet's Updater format) to fname."""
        self._prepare()
        if self._update_on_kvstore:
            if self._params_to_init:
                raise GluonAssertionError('Cannot save trainer states when some parameters are '
                                          'not yet initialized in kvstore.')
            data = self._kv_updater.get_states(dump_optimizer=True)
        else:
            data = self._updaters[0].get_states(dump_optimizer=True)
        tmp = fname + '.tmp'
        with open(tmp, 'wb') as fout:
            fout.write(data)
        os.replace(tmp, fname)

    def load_states(self, fname):
        """Load optimizer states saved by save_states (remx or MXNet 1.x files)."""
        self._prepare()
        with open(fname, 'rb') as f:
            states = f.read()
        if self._update_on_kvstore:
            self._kv_updater.set_states(states)
            self._optimizer = self._kv_updater.optimizer
        else:
            for updater in self._updaters:
                updater.set_states(states)
                updater.optimizer = self._updaters[0].optimizer
            self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = {i: p for i, p in enumerate(self._params)}
