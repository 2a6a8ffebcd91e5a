"""``gluon.Trainer``: applies an Optimizer to a set of Parameters.

Parameters are ordered by name (as MXNet does) and indexed 0..n-1 for the optimizer. With
several contexts, gradients are summed across the replicas before the update (the local
equivalent of kvstore 'device'); every replica then applies the same update.
"""
import warnings

from ..base import MXNetError
from .parameter import ParameterDict, Parameter

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
            raise MXNetError('First argument must be a list or dict of Parameters, got %s.'
                             % type(params))
        self._params = []
        self._param2idx = {}
        for i, param in enumerate(params):
            if not isinstance(param, Parameter):
                raise MXNetError('First argument must be a list or dict of Parameters, got list '
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
        self._update_on_kvstore = None
        self._distributed = None
        self._params_to_init = []
        self._reset_kvstore()

    def _check_contexts(self):
        contexts = None
        for param in self._params:
            ctx = param.list_ctx()
            if contexts is not None and contexts != ctx:
                raise MXNetError('All Parameters must be initialized on the same set of contexts, '
                                 'but Parameter %s is initialized on %s while previous Parameters '
                                 'are initialized on %s.' % (param.name, ctx, contexts))
            contexts = ctx
        return contexts or []

    def _init_optimizer(self, optimizer, optimizer_params):
        from .. import optimizer as opt
        param_dict = {i: param for i, param in enumerate(self._params)}
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise MXNetError('optimizer_params must be None if optimizer is an instance of '
                                 'Optimizer instead of str')
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updaters = [opt.get_updater(self._optimizer) for _ in self._contexts]

    def _reset_kvstore(self):
        self._kv_initialized = False
        self._kvstore = None
        self._distributed = None
        self._update_on_kvstore = None
        self._params_to_init = list(self._params)

    def _init_kvstore(self):
        kv = self._kvstore_params['kvstore']
        if kv is not None and not isinstance(kv, str):
            raise MXNetError('Trainer: KVStore objects are not implemented in remx yet; use a '
                             "kvstore name such as 'device' or 'local'")
        if isinstance(kv, str) and kv.startswith('dist'):
            raise MXNetError("Trainer: distributed kvstore '%s' is not implemented in remx yet"
                             % kv)
        if self._kvstore_params['update_on_kvstore']:
            raise MXNetError('Trainer: update_on_kvstore=True is not implemented in remx yet')
        self._update_on_kvstore = False
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
        """One update: allreduce gradients across contexts, then update with 1/batch_size."""
        self._check_and_rescale_grad(self._scale / batch_size)
        self._prepare()
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self):
        """Sum gradients across contexts (for use with ``update``)."""
        self._prepare()
        self._allreduce_grads()

    def _allreduce_grads(self):
        if len(self._contexts) <= 1:
            return
        for param in self._params:
            if param.grad_req == 'null':
                continue
            grads = param.list_grad()
            total = grads[0].copy()
            for g in grads[1:]:
                total += g.as_in_context(total.context)
            for g in grads:
                total.copyto(g)

    def update(self, batch_size, ignore_stale_grad=False):
        """Update with already-reduced gradients (after ``allreduce_grads``)."""
        self._prepare()
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
        data = self._updaters[0].get_states(dump_optimizer=True)
        with open(fname, 'wb') as fout:
            fout.write(data)

    def load_states(self, fname):
        """Load optimizer states saved by save_states (remx or MXNet 1.x files)."""
        self._prepare()
        with open(fname, 'rb') as f:
            states = f.read()
        for updater in self._updaters:
            updater.set_states(states)
            updater.optimizer = self._updaters[0].optimizer
        self._optimizer = self._updaters[0].optimizer
        self._optimizer.param_dict = {i: p for i, p in enumerate(self._params)}
