"""Optimizers (``mx.optimizer``) with MXNet 1.9.1's update rules, learning-rate/weight-decay
multipliers and update counting.

SGD, NAG, Adam, RMSProp, Ftrl, FTML, Signum, LAMB call the registry's update operators (the
same formulas as ``mx.nd.sgd_mom_update`` etc.); the others (AdaGrad, AdaDelta, Adamax, Nadam,
SGLD, DCASGD, LBSGD) are written with in-place torch arithmetic.
"""
import logging
import math
import os
import pickle
import types
import warnings

import numpy
import torch

from ..base import MXNetError
from .. import ndarray as nd
from ..ndarray import NDArray, zeros
from .._ops import registry as _op_registry

__all__ = ['AdaDelta', 'AdaGrad', 'Adam', 'Adamax', 'DCASGD', 'FTML', 'Ftrl', 'LARS', 'LBSGD',
           'NAG', 'NDabs', 'Nadam', 'Optimizer', 'RMSProp', 'SGD', 'SGLD', 'Signum', 'LAMB',
           'Test', 'Updater', 'ccSGD', 'create', 'get_updater', 'register']


def NDabs(x, *args, **kwargs):
    """Element-wise absolute value (MXNet exports nd.abs under this name here)."""
    return nd.abs(x, *args, **kwargs)


class _NotFound(MXNetError, ValueError):
    """Unknown optimizer name: an MXNetError that is also the ValueError MXNet 1.9.1 raised."""


def _flatten_list(nested):
    return [item for sub in nested for item in sub]


def _t(x):
    return x._data


def _stype(x):
    return getattr(x, 'stype', 'default')


# attributes for calling an operator's forward directly (plain fields, as OpDef attrs have)
_OpAttrs = types.SimpleNamespace
_ADAM_FWD = _op_registry.get('adam_update').fn


class Optimizer:
    """Base class of optimizers.

    rescale_grad, param_idx2name, wd, clip_gradient, learning_rate (default 0.01),
    lr_scheduler, sym, begin_num_update, multi_precision, param_dict (index -> gluon
    Parameter whose lr_mult / wd_mult apply).
    """
    opt_registry = {}

    def __init__(self, rescale_grad=1.0, param_idx2name=None, wd=0.0, clip_gradient=None,
                 learning_rate=None, lr_scheduler=None, sym=None, begin_num_update=0,
                 multi_precision=False, param_dict=None):
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if self.lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if self.lr_scheduler is not None and learning_rate is not None:
            if self.lr_scheduler.base_lr != learning_rate:
                print(UserWarning('learning rate from ``lr_scheduler`` has been overwritten by '
                                  '``learning_rate`` in optimizer.'))
                self.lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.lr_mult = {}
        self.wd_mult = {}
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._all_index_update_counts = {0: {}}
        self._index_update_count = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise MXNetError('param_idx2name should be a dict of param indexes to names.')
        self.idx2name = param_idx2name.copy()
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        self.allow_np_array = False
        self.set_lr_mult({})
        self.set_wd_mult({})

    @staticmethod
    def register(klass):
        """Register an Optimizer subclass under its lower-cased name (for create())."""
        if not isinstance(klass, type):
            raise MXNetError('register expects a class')
        name = klass.__name__.lower()
        if name in Optimizer.opt_registry:
            warnings.warn('WARNING: New optimizer %s.%s is overriding existing optimizer %s.%s'
                          % (klass.__module__, klass.__name__,
                             Optimizer.opt_registry[name].__module__,
                             Optimizer.opt_registry[name].__name__))
        Optimizer.opt_registry[name] = klass
        return klass

    @staticmethod
    def create_optimizer(name, **kwargs):
        """Instantiate a registered optimizer by (case-insensitive) name."""
        if name.lower() in Optimizer.opt_registry:
            return Optimizer.opt_registry[name.lower()](**kwargs)
        raise _NotFound('Cannot find optimizer %s' % name)

    @property
    def learning_rate(self):
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    def create_state(self, index, weight):
        """Per-weight optimizer state (None when stateless)."""
        return None

    def create_state_multi_precision(self, index, weight):
        if self.multi_precision and weight.dtype == numpy.float16:
            master = weight.astype(numpy.float32)
            return (master,) + (self.create_state(index, master),)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn('Accumulating with float16 in optimizer can lead to poor accuracy or '
                          'slow convergence. Consider using multi_precision=True option of the '
                          'optimizer')
        return self.create_state(index, weight)

    def update(self, index, weight, grad, state):
        raise NotImplementedError()

    def update_multi_precision(self, index, weight, grad, state):
        if self.multi_precision and weight.dtype == numpy.float16:
            master, original_state = state[0], state[1]
            self.update(index, master, grad.astype(numpy.float32), original_state)
            nd.cast(master, dtype=weight.dtype, out=weight)
        else:
            self.update(index, weight, grad, state)

    def set_learning_rate(self, lr):
        if self.lr_scheduler is not None:
            raise UserWarning('LRScheduler of the optimizer has already been defined. Note that '
                              'set_learning_rate can mutate the value of the learning rate of '
                              'the optimizer only when the LRScheduler of the optimizer is '
                              'undefined.')
        self.lr = lr

    def set_lr_scale(self, args_lrscale):
        raise DeprecationWarning

    def set_lr_mult(self, args_lr_mult):
        """Per-name learning-rate multipliers (symbol attrs __lr_mult__ are read too)."""
        self.lr_mult = {}
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and '__lr_mult__' in attr[name]:
                    self.lr_mult[name] = float(attr[name]['__lr_mult__'])
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult):
        """Per-name weight-decay multipliers; names not ending in _weight/_gamma get 0."""
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not (n.endswith('_weight') or n.endswith('_gamma')):
                self.wd_mult[n] = 0.0
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and '__wd_mult__' in attr[name]:
                    self.wd_mult[name] = float(attr[name]['__wd_mult__'])
        self.wd_mult.update(args_wd_mult)

    def _set_current_context(self, device_id):
        if device_id not in self._all_index_update_counts:
            self._all_index_update_counts[device_id] = {}
        self._index_update_count = self._all_index_update_counts[device_id]

    def _update_count(self, index):
        if not isinstance(index, (list, tuple)):
            index = [index]
        for idx in index:
            if idx not in self._index_update_count:
                self._index_update_count[idx] = self.begin_num_update
            self._index_update_count[idx] += 1
            self.num_update = max(self._index_update_count[idx], self.num_update)

    def _get_lrs(self, indices):
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        lrs = [lr for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                lrs[i] *= self.param_dict[index].lr_mult
            elif index in self.lr_mult:
                lrs[i] *= self.lr_mult[index]
            elif index in self.idx2name:
                lrs[i] *= self.lr_mult.get(self.idx2name[index], 1.0)
        return lrs

    def _get_lr(self, index):
        return self._get_lrs([index])[0]

    def _get_wds(self, indices):
        wds = [self.wd for _ in indices]
        for i, index in enumerate(indices):
            if index in self.param_dict:
                wds[i] *= self.param_dict[index].wd_mult
            elif index in self.wd_mult:
                wds[i] *= self.wd_mult[index]
            elif index in self.idx2name:
                wds[i] *= self.wd_mult.get(self.idx2name[index], 1.0)
        return wds

    def _get_wd(self, index):
        return self._get_wds([index])[0]

    def _common_kwargs(self):
        kw = {'rescale_grad': self.rescale_grad}
        if self.clip_gradient:
            kw['clip_gradient'] = self.clip_gradient
        return kw

    def _prep_grad(self, grad):
        """torch tensor of clip(rescale_grad * grad) (the pure-python optimizers' first step)."""
        g = _t(grad) * self.rescale_grad
        if self.clip_gradient is not None:
            g = torch.clamp(g, -self.clip_gradient, self.clip_gradient)
        return g

    def __getstate__(self):
        ret = self.__dict__.copy()
        ret.pop('param_dict', None)
        return ret

    def __setstate__(self, state):
        self.__dict__ = state
        self.param_dict = {}


register = Optimizer.register
create = Optimizer.create_optimizer


class _SGDBase(Optimizer):
    """Shared SGD machinery (aggregated multi-tensor updates)."""

    def create_state_multi_precision(self, index, weight):
        if self.multi_precision and weight.dtype == numpy.float16:
            master = weight.astype(numpy.float32)
            return (self.create_state(index, master), master)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn('Accumulating with float16 in optimizer can lead to poor accuracy or '
                          'slow convergence. Consider using multi_precision=True option of the '
                          'SGD optimizer')
        return self.create_state(index, weight)

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            stype = _stype(weight) if self.lazy_update else 'default'
            return zeros(weight.shape, weight.context, dtype=weight.dtype, stype=stype)
        return None

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        w0 = weight[0] if isinstance(index, (tuple, list)) else weight
        self._update_impl(index, weight, grad, state,
                          multi_precision=self.multi_precision and w0.dtype == numpy.float16)


@register
class SGD(_SGDBase):
    """SGD with optional momentum: ``mom = momentum*mom - lr*(grad + wd*weight); w += mom``."""

    def __init__(self, momentum=0.0, lazy_update=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update
        self.aggregate_num = int(os.getenv('MXNET_OPTIMIZER_AGGREGATION_SIZE', '4'))

    def _update_impl(self, indices, weights, grads, states, multi_precision=False):
        if not isinstance(indices, (tuple, list)):
            indices, weights, grads, states = [indices], [weights], [grads], [states]
        for w, g in zip(weights, grads):
            if not isinstance(w, NDArray) or not isinstance(g, NDArray):
                raise MXNetError('SGD.update expects NDArrays')
        self._update_count(indices)
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        kwargs = self._common_kwargs()
        if self.momentum > 0:
            kwargs['momentum'] = self.momentum
        n = len(weights)
        if any(_stype(w) != 'default' or _stype(g) != 'default' for w, g in zip(weights, grads)):
            # sparse weights or gradients: one update per weight, lazy (only the gradient's
            # rows) for row_sparse gradients unless lazy_update=False, as MXNet
            for w, g, st, lr, wd in zip(weights, grads, states, lrs, wds):
                if not multi_precision:
                    if st is not None:
                        nd.sgd_mom_update(w, g, st, out=w, lazy_update=self.lazy_update, lr=lr,
                                          wd=wd, **kwargs)
                    else:
                        nd.sgd_update(w, g, out=w, lazy_update=self.lazy_update, lr=lr, wd=wd,
                                      **kwargs)
                elif st[0] is not None:
                    nd.mp_sgd_mom_update(w, g, st[0], st[1], out=w, lr=lr, wd=wd, **kwargs)
                else:
                    nd.mp_sgd_update(w, g, st[1], out=w, lr=lr, wd=wd,
                                     **{k: v for k, v in kwargs.items() if k != 'momentum'})
            return
        if not multi_precision:
            if self.momentum > 0:
                nd.multi_sgd_mom_update(*_flatten_list(zip(weights, grads, states)), out=weights,
                                        num_weights=n, lrs=lrs, wds=wds, **kwargs)
            else:
                nd.multi_sgd_update(*_flatten_list(zip(weights, grads)), out=weights,
                                    num_weights=n, lrs=lrs, wds=wds, **kwargs)
        elif self.momentum > 0:
            nd.multi_mp_sgd_mom_update(*_flatten_list(zip(weights, grads, *zip(*states))),
                                       out=weights, num_weights=n, lrs=lrs, wds=wds, **kwargs)
        else:
            nd.multi_mp_sgd_update(*_flatten_list(zip(weights, grads, list(zip(*states))[1])),
                                   out=weights, num_weights=n, lrs=lrs, wds=wds, **kwargs)


@register
class ccSGD(SGD):
    """[Deprecated] Same as SGD."""


@register
class LARS(_SGDBase):
    """SGD with layer-wise adaptive rate scaling (You et al. 2017)."""

    def __init__(self, momentum=0.0, lazy_update=True, eta=0.001, eps=0,
                 momentum_correction=True, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.aggregate_num = int(os.getenv('MXNET_OPTIMIZER_AGGREGATION_SIZE', '4'))
        self.eta = eta
        self.eps = eps
        self.skip = 0
        self.last_lr = None
        self.cur_lr = None

    def _get_lrs(self, indices):
        if self.cur_lr is not None:
            self.last_lr = self.cur_lr
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr
        return [l for l in Optimizer._get_lrs(self, indices)]

    def set_wd_mult(self, args_wd_mult):
        self.wd_mult = {}
        for n in self.idx2name.values():
            if not n.endswith('_weight'):
                self.wd_mult[n] = 0.0
        if self.sym_info:
            attr, arg_names = self.sym_info
            for name in arg_names:
                if name in attr and '__wd_mult__' in attr[name]:
                    self.wd_mult[name] = float(attr[name]['__wd_mult__'])
        self.wd_mult.update(args_wd_mult)

    def _lars_lr(self, index, weight, grad, lr, wd):
        name = self.idx2name.get(index, str(index))
        if name.endswith(('gamma', 'beta', 'bias')):
            return lr
        w_norm = float(torch.linalg.vector_norm(_t(weight).float()))
        g_norm = float(torch.linalg.vector_norm(_t(grad).float() * self.rescale_grad))
        if w_norm > 0.0 and g_norm > 0.0:
            return self.eta * w_norm / (g_norm + wd * w_norm + self.eps) * lr
        return lr

    def _update_impl(self, indices, weights, grads, states, multi_precision=False):
        if not isinstance(indices, (tuple, list)):
            indices, weights, grads, states = [indices], [weights], [grads], [states]
        self._update_count(indices)
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        lrs = [self._lars_lr(i, w, g, lr, wd)
               for i, w, g, lr, wd in zip(indices, weights, grads, lrs, wds)]
        kwargs = self._common_kwargs()
        if self.momentum > 0:
            kwargs['momentum'] = self.momentum * (self.cur_lr / self.last_lr) \
                if self.momentum_correction and self.last_lr != 0 else self.momentum
        for weight, grad, state, lr, wd in zip(weights, grads, states, lrs, wds):
            if not multi_precision:
                if state is not None:
                    nd.sgd_mom_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
                else:
                    nd.sgd_update(weight, grad, out=weight, lr=lr, wd=wd,
                                  **{k: v for k, v in kwargs.items() if k != 'momentum'})
            elif state[0] is not None:
                nd.mp_sgd_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr, wd=wd,
                                     **kwargs)
            else:
                nd.mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd,
                                 **{k: v for k, v in kwargs.items() if k != 'momentum'})


@register
class Signum(Optimizer):
    """Sign of momentum (Bernstein et al. 2018); signSGD when momentum is 0."""

    def __init__(self, learning_rate=0.01, momentum=0.9, wd_lh=0.0, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            return zeros(weight.shape, weight.context, dtype=weight.dtype)
        return None

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        kwargs = self._common_kwargs()
        if self.momentum > 0:
            kwargs['momentum'] = self.momentum
        if self.wd_lh:
            kwargs['wd_lh'] = self.wd_lh
        if state is not None:
            nd.signum_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
        else:
            kwargs.pop('wd_lh', None)
            nd.signsgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)


@register
class FTML(Optimizer):
    """Follow the Moving Leader (Zheng & Kwok 2017)."""

    def __init__(self, beta1=0.6, beta2=0.999, epsilon=1e-8, **kwargs):
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return tuple(zeros(weight.shape, weight.context, dtype=weight.dtype) for _ in range(3))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        t = self._index_update_count[index]
        kwargs = {'beta1': self.beta1, 'beta2': self.beta2, 'epsilon': self.epsilon,
                  'rescale_grad': self.rescale_grad, 't': t}
        if self.clip_gradient:
            kwargs['clip_grad'] = self.clip_gradient
        d, v, z = state
        nd.ftml_update(weight, grad, d, v, z, out=weight, lr=lr, wd=wd, **kwargs)


@register
class LBSGD(Optimizer):
    """Large-batch SGD with warm-up strategies ('linear', 'power2', 'sqrt', 'lars')."""

    def __init__(self, momentum=0.0, multi_precision=False, warmup_strategy='linear',
                 warmup_epochs=5, batch_scale=1, updates_per_epoch=32, begin_epoch=0,
                 num_epochs=60, **kwargs):
        super().__init__(**kwargs)
        logging.info('Running Large-Batch SGD Algorithm')
        self.momentum = momentum
        self.multi_precision = multi_precision
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index, weight):
        if self.multi_precision and weight.dtype == numpy.float16:
            master = weight.astype(numpy.float32)
            mom = zeros(weight.shape, weight.context, dtype=numpy.float32) \
                if self.momentum != 0.0 else None
            return (mom, master)
        if self.momentum != 0.0:
            return zeros(weight.shape, weight.context, dtype=weight.dtype)
        return None

    def _get_lbmult(self, nup):
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        if self.warmup_strategy == 'linear':
            return 1.0 + (maxmult - 1) * nup / nwup
        if self.warmup_strategy == 'power2':
            return 1.0 + (maxmult - 1) * (nup * nup) / (nwup * nwup)
        if self.warmup_strategy == 'sqrt':
            return 1.0 + (maxmult - 1) * math.sqrt(float(nup) / nwup)
        return 1.0

    def _get_lars(self, weight, g, wd):
        w2 = float((_t(weight) * _t(weight)).sum())
        g2 = float((_t(g) * _t(g)).sum())
        lars = math.sqrt(w2 / (g2 + wd * w2 + 1e-18))
        return min(max(lars, 0.01), 100)

    def update(self, index, weight, grad, state):
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        self._update_count(index)
        cg = self.cumgrads.get(index)
        if cg and cg['num_cums'] > 0:
            cum_grad = cg['cum_grad'] + grad
            num_cums = cg['num_cums'] + 1
        else:
            cum_grad = grad
            num_cums = self.init_updates + 1
        self.cumgrads[index] = {'cum_grad': cum_grad, 'num_cums': num_cums}
        if num_cums % self.batch_scale == 0:
            grad = cum_grad / self.batch_scale
            mult = self._get_lars(weight, grad, wd) if self.warmup_strategy == 'lars' \
                else self._get_lbmult(num_cums)
            lr = lr * mult
            kwargs = self._common_kwargs()
            if self.momentum > 0:
                kwargs['momentum'] = self.momentum
            if not isinstance(state, (list, tuple)):
                if state is not None:
                    nd.sgd_mom_update(weight, grad, state, out=weight, lr=lr, wd=wd, **kwargs)
                else:
                    nd.sgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)
            elif state[0] is not None:
                nd.mp_sgd_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr,
                                     wd=wd, **kwargs)
            else:
                nd.mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd, **kwargs)
            self.cumgrads[index]['cum_grad'] = 0
        else:
            nd.sgd_update(weight, grad, out=weight, lr=0.0, wd=wd)


@register
class LAMB(Optimizer):
    """Layer-wise adaptive moments (You et al. 2019)."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-6,
                 lower_bound=None, upper_bound=None, bias_correction=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction
        self.aggregate_num = max(1, min(45, int(os.getenv('MXNET_OPTIMIZER_AGGREGATION_SIZE',
                                                          '45'))))

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),
                zeros(weight.shape, weight.context, dtype=weight.dtype))

    def _lamb_one(self, weight, grad, state, t, lr, wd, multi_precision):
        kwargs = {'beta1': self.beta1, 'beta2': self.beta2, 'epsilon': self.epsilon,
                  'bias_correction': self.bias_correction, 'rescale_grad': self.rescale_grad,
                  't': t}
        if self.clip_gradient:
            kwargs['clip_gradient'] = self.clip_gradient
        bounds = {}
        if self.lower_bound:
            bounds['lower_bound'] = self.lower_bound
        if self.upper_bound:
            bounds['upper_bound'] = self.upper_bound
        if multi_precision:
            weight32 = state[0]
            mean, var = state[1]
            g = nd.mp_lamb_update_phase1(weight, grad, mean, var, weight32, wd=wd, **kwargs)
            r1 = nd.NDArray(torch.linalg.vector_norm(_t(weight32)).reshape(1))
            r2 = nd.NDArray(torch.linalg.vector_norm(_t(g)).reshape(1))
            nd.mp_lamb_update_phase2(weight, g, r1, r2, weight32, lr=lr, out=weight, **bounds)
        else:
            mean, var = state
            g = nd.lamb_update_phase1(weight, grad, mean, var, wd=wd, **kwargs)
            r1 = nd.NDArray(torch.linalg.vector_norm(_t(weight)).reshape(1))
            r2 = nd.NDArray(torch.linalg.vector_norm(_t(g)).reshape(1))
            nd.lamb_update_phase2(weight, g, r1, r2, lr=lr, out=weight, **bounds)

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        if self.aggregate_num <= 1 or not isinstance(index, (tuple, list)):
            if isinstance(index, (tuple, list)):
                assert len(index) == self.aggregate_num
                index, weight, grad, state = index[0], weight[0], grad[0], state[0]
            assert isinstance(weight, NDArray)
            assert isinstance(grad, NDArray)
            self._update_count(index)
            self._lamb_one(weight, grad, state, self._index_update_count[index],
                           self._get_lr(index), self._get_wd(index), multi_precision)
            return
        # a list of indices: MXNet's multi-tensor LAMB counts every index first, then updates
        # each tensor with its own step count, learning rate and weight decay
        steps, lrs, wds = [], [], []
        for i, w, g in zip(index, weight, grad):
            assert isinstance(w, NDArray)
            assert isinstance(g, NDArray)
            self._update_count(i)
            steps.append(self._index_update_count[i])
            lrs.append(self._get_lr(i))
            wds.append(self._get_wd(i))
        for w, g, st, t, lr, wd in zip(weight, grad, state, steps, lrs, wds):
            self._lamb_one(w, g, st, t, lr, wd, multi_precision)

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        w0 = weight[0] if isinstance(index, (tuple, list)) else weight
        self._update_impl(index, weight, grad, state,
                          multi_precision=self.multi_precision and w0.dtype == numpy.float16)


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD (Zheng et al. 2016)."""

    def __init__(self, momentum=0.0, lamda=0.04, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous = {}
        self.lamda = lamda

    def create_state(self, index, weight):
        if self.momentum == 0.0:
            return (None, weight.copy())
        return (zeros(weight.shape, weight.context, dtype=weight.dtype), weight.copy())

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        g = self._prep_grad(grad)
        mom, prev = state
        w = _t(weight)
        with torch.no_grad():
            step = -lr * (g + wd * w + self.lamda * g * g * (w - _t(prev)))
            if mom is not None:
                _t(mom).mul_(self.momentum).add_(step)
                step = _t(mom)
            _t(prev).copy_(w)
            w.add_(step)


@register
class NAG(Optimizer):
    """Nesterov accelerated gradient."""

    def __init__(self, momentum=0.0, **kwargs):
        super().__init__(**kwargs)
        self.momentum = momentum

    def create_state_multi_precision(self, index, weight):
        if self.multi_precision and weight.dtype == numpy.float16:
            master = weight.astype(numpy.float32)
            return (self.create_state(index, master), master)
        if weight.dtype == numpy.float16 and not self.multi_precision:
            warnings.warn('Accumulating with float16 in optimizer can lead to poor accuracy or '
                          'slow convergence. Consider using multi_precision=True option of the '
                          'NAG optimizer')
        return self.create_state(index, weight)

    def create_state(self, index, weight):
        if self.momentum != 0.0:
            return zeros(weight.shape, weight.context, dtype=weight.dtype)
        return None

    def _update_impl(self, index, weight, grad, state, multi_precision=False):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        kwargs = self._common_kwargs()
        mkw = dict(kwargs, momentum=self.momentum) if self.momentum > 0 else kwargs
        if not multi_precision:
            if state is not None:
                nd.nag_mom_update(weight, grad, state, out=weight, lr=lr, wd=wd, **mkw)
            else:
                nd.sgd_update(weight, grad, out=weight, lr=lr, wd=wd, **kwargs)
        elif state[0] is not None:
            nd.mp_nag_mom_update(weight, grad, state[0], state[1], out=weight, lr=lr, wd=wd,
                                 **mkw)
        else:
            nd.mp_sgd_update(weight, grad, state[1], out=weight, lr=lr, wd=wd, **kwargs)

    def update(self, index, weight, grad, state):
        self._update_impl(index, weight, grad, state, multi_precision=False)

    def update_multi_precision(self, index, weight, grad, state):
        use_mp = self.multi_precision and weight.dtype == numpy.float16 and \
            isinstance(state, (tuple, list))
        self._update_impl(index, weight, grad, state, multi_precision=use_mp)


@register
class SGLD(Optimizer):
    """Stochastic gradient Langevin dynamics: half an SGD step plus N(0, lr) noise."""

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        g = self._prep_grad(grad)
        w = _t(weight)
        with torch.no_grad():
            w.add_(-lr / 2 * (g + wd * w))
            w.add_(torch.randn_like(w) * math.sqrt(lr))


@register
class Adam(Optimizer):
    """Adam (Kingma & Ba 2014) with bias correction folded into the learning rate."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 lazy_update=True, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def create_state(self, index, weight):
        stype = _stype(weight) if self.lazy_update else 'default'
        return (zeros(weight.shape, weight.context, dtype=weight.dtype, stype=stype),
                zeros(weight.shape, weight.context, dtype=weight.dtype, stype=stype))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        t = self._index_update_count[index]
        lr *= math.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)
        if any(_stype(x) != 'default' for x in (weight, grad) + tuple(state)):
            # sparse arrays go through the operator (lazy for a row_sparse gradient)
            kwargs = dict(self._common_kwargs(), beta1=self.beta1, beta2=self.beta2,
                          epsilon=self.epsilon)
            nd.adam_update(weight, grad, state[0], state[1], out=weight,
                           lazy_update=self.lazy_update, lr=lr, wd=wd, **kwargs)
            return
        # the adam_update operator's forward, called without the registry: the learning rate
        # changes every step, so nd.adam_update would parse fresh attributes for each weight
        c = self.clip_gradient
        a = _OpAttrs(lr=lr, wd=wd, beta1=self.beta1, beta2=self.beta2, epsilon=self.epsilon,
                     rescale_grad=self.rescale_grad, clip_gradient=c if c else -1.0)
        w = weight._data
        res = _ADAM_FWD(a, w, grad._data, state[0]._data, state[1]._data)
        with torch.no_grad():
            w.copy_(res)

    def _foreach_update(self, indices, weights, grads, states):
        """``update`` for many weights at once with torch's multi-tensor (_foreach) kernels: the
        same arithmetic in the same order, one dispatch per step instead of one per weight.
        Returns False (nothing done) unless every weight is a dense float32 array on one
        device, as the Trainer's usually are."""
        if any(_stype(x) != 'default' for x in list(weights) + list(grads) +
               [s for st in states for s in st]):
            return False
        ws = [w._data for w in weights]
        dev = ws[0].device
        for w, g in zip(ws, grads):
            if w.dtype is not torch.float32 or w.device != dev or g._data.dtype is not w.dtype:
                return False
        lrs, wds = [], []
        for index in indices:  # step counts, then lr/wd, index by index as update() does
            self._update_count(index)
            t = self._index_update_count[index]
            lrs.append(self._get_lr(index) * math.sqrt(1.0 - self.beta2 ** t) /
                       (1.0 - self.beta1 ** t))
            wds.append(self._get_wd(index))
        gs = [g._data for g in grads]
        ms = [st[0]._data for st in states]
        vs = [st[1]._data for st in states]
        c = self.clip_gradient
        fe = torch
        with torch.no_grad():
            g = fe._foreach_add(fe._foreach_mul(gs, self.rescale_grad), fe._foreach_mul(ws, wds))
            if c and c > 0:
                fe._foreach_clamp_min_(g, -c)
                fe._foreach_clamp_max_(g, c)
            fe._foreach_mul_(ms, self.beta1)
            fe._foreach_add_(ms, fe._foreach_mul(g, 1 - self.beta1))
            fe._foreach_mul_(vs, self.beta2)
            fe._foreach_add_(vs, fe._foreach_mul(fe._foreach_mul(g, 1 - self.beta2), g))
            den = fe._foreach_sqrt(vs)
            fe._foreach_add_(den, self.epsilon)
            fe._foreach_sub_(ws, fe._foreach_div(fe._foreach_mul(ms, lrs), den))
        return True


@register
class AdaGrad(Optimizer):
    """AdaGrad: history += g^2; weight -= lr * (g / sqrt(history + eps) + wd * weight)."""

    def __init__(self, eps=1e-7, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        return zeros(weight.shape, weight.context)

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        g = self._prep_grad(grad)
        h = _t(state)
        w = _t(weight)
        with torch.no_grad():
            h.add_(g * g)
            w.add_((g / torch.sqrt(h + self.float_stable_eps) + w * wd) * -lr)


@register
class RMSProp(Optimizer):
    """RMSProp (Tieleman & Hinton) or, with centered=True, Graves' centered variant."""

    def __init__(self, learning_rate=0.001, gamma1=0.9, gamma2=0.9, epsilon=1e-8,
                 centered=False, clip_weights=None, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def create_state(self, index, weight):
        n = 3 if self.centered else 1
        return tuple(zeros(weight.shape, weight.context) for _ in range(n))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        kwargs = dict(self._common_kwargs(), gamma1=self.gamma1, epsilon=self.epsilon)
        if self.centered:
            kwargs['gamma2'] = self.gamma2
        if self.clip_weights:
            kwargs['clip_weights'] = self.clip_weights
        if not self.centered:
            nd.rmsprop_update(weight, grad, state[0], out=weight, lr=lr, wd=wd, **kwargs)
        else:
            n, g, delta = state
            nd.rmspropalex_update(weight, grad, n, g, delta, out=weight, lr=lr, wd=wd, **kwargs)


@register
class AdaDelta(Optimizer):
    """AdaDelta (Zeiler 2012)."""

    def __init__(self, rho=0.90, epsilon=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context), zeros(weight.shape, weight.context))

    def update(self, index, weight, grad, state):
        wd = self._get_wd(index)
        self._update_count(index)
        g = self._prep_grad(grad)
        acc_g, acc_delta = _t(state[0]), _t(state[1])
        w = _t(weight)
        with torch.no_grad():
            acc_g.mul_(self.rho).add_((1.0 - self.rho) * g * g)
            delta = torch.sqrt(acc_delta + self.epsilon) / torch.sqrt(acc_g + self.epsilon) * g
            acc_delta.mul_(self.rho).add_((1.0 - self.rho) * delta * delta)
            w.sub_(delta + wd * w)


@register
class Ftrl(Optimizer):
    """FTRL-proximal (McMahan et al. 2013)."""

    def __init__(self, lamda1=0.01, learning_rate=0.1, beta=1, **kwargs):
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, stype=_stype(weight)),
                zeros(weight.shape, weight.context, stype=_stype(weight)))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        wd = self._get_wd(index)
        lr = self._get_lr(index)
        kwargs = dict(self._common_kwargs(), lamda1=self.lamda1, beta=self.beta)
        z, n = state
        nd.ftrl_update(weight, grad, z, n, out=weight, lr=lr, wd=wd, **kwargs)


@register
class Adamax(Optimizer):
    """AdaMax, Adam's infinity-norm variant."""

    def __init__(self, learning_rate=0.002, beta1=0.9, beta2=0.999, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),
                zeros(weight.shape, weight.context, dtype=weight.dtype))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        t = self._index_update_count[index]
        lr /= (1.0 - self.beta1 ** t)
        w = _t(weight)
        g = _t(grad) * self.rescale_grad + wd * w
        if self.clip_gradient is not None:
            g = torch.clamp(g, -self.clip_gradient, self.clip_gradient)
        m_t, u_t = _t(state[0]), _t(state[1])
        with torch.no_grad():
            m_t.mul_(self.beta1).add_((1.0 - self.beta1) * g)
            u_t.copy_(torch.maximum(self.beta2 * u_t, torch.abs(g)))
            w.sub_(lr * m_t / u_t)


@register
class Nadam(Optimizer):
    """Nesterov-accelerated Adam (Dozat 2016) with momentum schedule."""

    def __init__(self, learning_rate=0.001, beta1=0.9, beta2=0.999, epsilon=1e-8,
                 schedule_decay=0.004, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.

    def create_state(self, index, weight):
        return (zeros(weight.shape, weight.context, dtype=weight.dtype),
                zeros(weight.shape, weight.context, dtype=weight.dtype))

    def update(self, index, weight, grad, state):
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        t = self._index_update_count[index]
        w = _t(weight)
        g = _t(grad) * self.rescale_grad + wd * w
        if self.clip_gradient is not None:
            g = torch.clamp(g, -self.clip_gradient, self.clip_gradient)
        momentum_t = self.beta1 * (1. - 0.5 * (pow(0.96, t * self.schedule_decay)))
        momentum_t_1 = self.beta1 * (1. - 0.5 * (pow(0.96, (t + 1) * self.schedule_decay)))
        self.m_schedule = self.m_schedule * momentum_t
        m_schedule_next = self.m_schedule * momentum_t_1
        m_t, v_t = _t(state[0]), _t(state[1])
        with torch.no_grad():
            m_t.mul_(self.beta1).add_((1. - self.beta1) * g)
            v_t.mul_(self.beta2).add_((1. - self.beta2) * g * g)
            g_prime = g / (1. - self.m_schedule)
            m_t_prime = m_t / (1. - m_schedule_next)
            v_t_prime = v_t / (1. - pow(self.beta2, t))
            m_t_bar = (1. - momentum_t) * g_prime + momentum_t_1 * m_t_prime
            w.sub_(lr * m_t_bar / (torch.sqrt(v_t_prime) + self.epsilon))


@register
class Test(Optimizer):
    """Test optimizer: weight += grad * rescale_grad; state mirrors weight."""

    def create_state(self, index, weight):
        return zeros(weight.shape, weight.context)

    def update(self, index, weight, grad, state):
        weight[:] += grad * self.rescale_grad
        state[:] = weight


# ----------------------------------------------------------------------------------------------
class _Refused(MXNetError):
    """A states file asks for something the loader refuses (never raised for a sound file)."""


class _Sized:
    """A builtin constructor whose result may be large (bytes, list, set, ...), callable only
    with arguments no bigger than the file: ``bytes(10**12)`` or ``list(range(10**12))`` in a
    pickle of a few bytes is an allocation bomb, refused before anything is allocated."""
    __slots__ = ('cls', 'limit')

    def __init__(self, cls, limit):
        self.cls = cls
        self.limit = limit

    def __call__(self, *args):
        _check_sizes(self.cls.__name__, args, self.limit)
        return self.cls(*args)


def _check_sizes(what, args, limit):
    for a in args:
        if isinstance(a, range):
            n = max(0, -(-(a.stop - a.start) // a.step))  # len() overflows past sys.maxsize
        elif isinstance(a, int) and not isinstance(a, bool):
            n = a
        else:
            continue
        if n > limit:
            raise _Refused('optimizer states: refusing %s(%s): a file of %d bytes cannot hold '
                           'that much (corrupt file or allocation bomb)'
                           % (what, 'range of %d items' % n if isinstance(a, range) else n,
                              limit))


def _unwrap(c):
    return c.cls if isinstance(c, _Sized) else c


class _StatesUnpickler(pickle.Unpickler):
    """Unpickler for optimizer-state files that only admits what such a file holds: NDArrays
    (rebuilt from MXNet's binary format), plain containers, numbers, and registered Optimizer /
    LRScheduler classes. Anything else (e.g. os.system) is refused, and so are constructor calls
    asking for more memory than the file's size justifies."""
    _BUILTINS = {'dict', 'list', 'tuple', 'set', 'frozenset', 'bytearray', 'bytes', 'int',
                 'float', 'complex', 'bool', 'str', 'object', 'slice', 'range'}
    _SIZED = {'bytearray', 'bytes', 'list', 'tuple', 'set', 'frozenset'}

    def __init__(self, file, limit):
        super().__init__(file)
        self._limit = limit

    def find_class(self, module, name):
        if module == 'builtins' and name in self._BUILTINS:
            cls = getattr(__import__('builtins'), name)
            return _Sized(cls, self._limit) if name in self._SIZED else cls
        if module in ('mxnet.ndarray.ndarray', 'mxnet.ndarray') and name == 'NDArray':
            return NDArray
        if module in ('mxnet.ndarray.sparse', 'mxnet.ndarray') and \
                name in ('RowSparseNDArray', 'CSRNDArray'):
            # sparse states (momentum of a row_sparse weight): rebuilt from the binary format
            from ..ndarray import sparse as _sparse
            return getattr(_sparse, name)
        if module == 'copyreg' and name in ('_reconstructor', '__newobj__'):
            import copyreg
            fn, limit = getattr(copyreg, name), self._limit

            def guarded(cls, *args):
                _check_sizes(name, args[1:] if fn is copyreg._reconstructor else args, limit)
                return fn(_unwrap(cls), *[_unwrap(a) for a in args])
            return guarded
        if module == 'collections' and name in ('OrderedDict', 'defaultdict'):
            import collections
            return getattr(collections, name)
        if module == 'numpy' and name == 'dtype' or \
                module in ('numpy.core.multiarray', 'numpy._core.multiarray') and \
                name == 'scalar':
            import numpy.core.multiarray as _ma
            return numpy.dtype if name == 'dtype' else _ma.scalar
        if module.startswith('mxnet.optimizer'):
            klass = Optimizer.opt_registry.get(name.lower())
            if klass is not None and klass.__name__ == name:
                return klass
        if module == 'mxnet.lr_scheduler':
            from .. import lr_scheduler
            klass = getattr(lr_scheduler, name, None)
            if isinstance(klass, type) and issubclass(klass, lr_scheduler.LRScheduler):
                return klass
        raise _Refused('optimizer states: refusing to load %s.%s (not a class such a file '
                       'may contain)' % (module, name))


_MEMO_OPS = ('PUT', 'BINPUT', 'LONG_BINPUT')


def _prescan(data):
    """Check a pickle's opcodes before unpickling: every length must fit in the bytes present
    and memo indices must be small (the C unpickler allocates a length's bytes, or a memo table
    as large as the index, before reading), so a corrupt size field cannot allocate."""
    import io
    import pickletools
    n = 0
    try:
        for op, arg, pos in pickletools.genops(io.BytesIO(data)):
            n += 1
            if op.name in _MEMO_OPS and isinstance(arg, int) and arg > n:
                raise _Refused('optimizer states: corrupt data (memo index %d at byte %d, after '
                               'only %d opcodes)' % (arg, pos, n))
            if op.name == 'FRAME' and arg > len(data):
                raise _Refused('optimizer states: corrupt data (a frame of %d bytes at byte %d, '
                               'in %d bytes)' % (arg, pos, len(data)))
    except MXNetError:
        raise
    except Exception as e:  # noqa: BLE001 - pickletools: ValueError for truncated data etc.
        raise MXNetError('cannot load optimizer states: corrupt data (%s)'
                         % (str(e).split('\n')[0] or type(e).__name__)) from None


def _load_states(data):
    import io
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise MXNetError('optimizer states must be bytes, got %s' % type(data).__name__)
    data = bytes(data)
    _prescan(data)
    try:
        return _StatesUnpickler(io.BytesIO(data), len(data)).load()
    except MXNetError:
        raise
    except MemoryError:
        raise MXNetError('cannot load optimizer states: corrupt data (it asks for more memory '
                         'than is available; %d bytes of input)' % len(data)) from None
    except RecursionError:
        raise MXNetError('cannot load optimizer states: corrupt data (nested too deeply)') \
            from None
    except Exception as e:  # corrupt data: many error types are possible
        raise MXNetError('cannot load optimizer states: corrupt data (%s: %s)'
                         % (type(e).__name__, str(e).split('\n')[0])) from None


def _check_state_value(v, where, depth=0):
    if v is None or isinstance(v, NDArray) or \
            isinstance(v, (int, float)) and not isinstance(v, bool):
        return
    if isinstance(v, (tuple, list)) and depth < 4:
        for x in v:
            _check_state_value(x, where, depth + 1)
        return
    raise MXNetError('optimizer states: the state of %s is %s, not NDArrays (or None) as '
                     'optimizer states are' % (where, _op_registry._brief(v, 60)
                                               if depth < 4 else 'nested too deeply'))


def _check_states(states):
    """What the unpickler built must be states (a dict index -> NDArray, None or tuples of
    them), optionally with an Optimizer whose basic settings are numbers."""
    opt = None
    if isinstance(states, tuple) and len(states) == 2 and isinstance(states[1], Optimizer):
        states, opt = states
    if not isinstance(states, dict):
        raise MXNetError('optimizer states: unexpected content %s (expected a dict of states, '
                         'or (states, optimizer))' % type(states).__name__)
    for k, v in states.items():
        if not (isinstance(k, (int, str)) and not isinstance(k, bool)):
            raise MXNetError('optimizer states: key %s is not a parameter index or name'
                             % _op_registry._brief(k, 60))
        _check_state_value(v, 'parameter %r' % (k,))
    if opt is not None:
        _check_optimizer(opt)


def _check_optimizer(opt):
    """The settings of an unpickled Optimizer must have the types a new one of its class has
    (numbers where it has numbers, dicts where it has dicts); settings the file lacks (older
    MXNet versions) get the class's defaults."""
    try:
        fresh = type(opt)()
    except Exception:  # noqa: BLE001 - a class that needs arguments: nothing to compare with
        return
    d = opt.__dict__
    for attr, default in vars(fresh).items():
        if attr not in d:
            d[attr] = default
            continue
        v = d[attr]
        if isinstance(default, bool):
            ok = isinstance(v, (bool, int))
        elif isinstance(default, (int, float)):
            ok = isinstance(v, (int, float)) and not isinstance(v, bool) or \
                isinstance(default, float) and isinstance(v, bool) or \
                v is None and attr == 'lr'   # None when an lr_scheduler gives the rate
        elif isinstance(default, dict):
            ok = isinstance(v, dict)
        elif isinstance(default, (tuple, list)):
            ok = isinstance(v, (tuple, list))
        else:
            ok = True
        if not ok:
            raise MXNetError('optimizer states: the %s optimizer\'s %s is %s, where %s is '
                             'expected' % (type(opt).__name__, attr,
                                           _op_registry._brief(v, 60), type(default).__name__))
    for attr in ('clip_gradient', 'lr_scheduler'):
        v = d.get(attr)
        if attr == 'clip_gradient' and v is not None and not isinstance(v, (int, float)):
            raise MXNetError('optimizer states: the optimizer\'s clip_gradient is %s, not a '
                             'number' % _op_registry._brief(v, 60))
        if attr == 'lr_scheduler' and v is not None:
            from .. import lr_scheduler
            if not isinstance(v, lr_scheduler.LRScheduler):
                raise MXNetError('optimizer states: the optimizer\'s lr_scheduler is %s, not an '
                                 'LRScheduler' % type(v).__name__)


class StatesFileNotFoundError(MXNetError, FileNotFoundError):
    """A missing optimizer-states file (MXNet raised FileNotFoundError)."""


class StatesFileError(MXNetError, OSError):
    """An optimizer-states file that cannot be read (MXNet raised the OSError)."""


def _read_states_file(fname):
    """Bytes of an optimizer-states file, MXNetError naming it when it cannot be read."""
    try:
        with open(fname, 'rb') as f:
            return f.read()
    except OSError as e:
        cls = StatesFileNotFoundError if isinstance(e, FileNotFoundError) else StatesFileError
        raise cls('cannot read optimizer states file %s: %s' % (fname, e.strerror or e)) \
            from None
    except TypeError as e:
        raise MXNetError('cannot read optimizer states file %r: %s' % (fname, e)) from None


def _set_states_from_file(updater, data, fname):
    """updater.set_states(data), errors naming the file."""
    try:
        updater.set_states(data)
    except MXNetError as e:
        raise MXNetError('optimizer states file %s: %s' % (fname, e)) from None


class Updater:
    """Applies an optimizer, creating each weight's state on first use (``get_updater``)."""

    def __init__(self, optimizer):
        self.optimizer = optimizer
        self.states = {}
        self.states_synced = {}
        self.aggregate_updates = optimizer.aggregate_num > 0

    def __call__(self, index, grad, weight):
        if not isinstance(index, (list, tuple)):
            indices, grads, weights = [index], [grad], [weight]
        else:
            indices, grads, weights = list(index), list(grad), list(weight)
        if weights:
            self.optimizer._set_current_context(weights[0].context.device_id)
        for i, idx in enumerate(indices):
            if isinstance(idx, bytes):
                indices[i] = idx = idx.decode()
            if idx not in self.states:
                self.states[idx] = self.optimizer.create_state_multi_precision(idx, weights[i])
                self.states_synced[idx] = True
            elif not self.states_synced[idx]:
                self.states[idx] = self.sync_state_context(self.states[idx], weights[i].context)
                self.states_synced[idx] = True
        if self.aggregate_updates:
            by_type = {}
            for i, w, g in zip(indices, weights, grads):
                by_type.setdefault(w.dtype, []).append((i, w, g))
            agg = self.optimizer.aggregate_num
            for group in by_type.values():
                idxs, ws, gs = zip(*group)
                for s in range(0, len(idxs), agg):
                    states = [self.states[i] for i in idxs[s:s + agg]]
                    self.optimizer.update_multi_precision(list(idxs[s:s + agg]),
                                                          list(ws[s:s + agg]),
                                                          list(gs[s:s + agg]), states)
        else:
            fe = getattr(self.optimizer, '_foreach_update', None)
            if fe is not None and len(indices) > 1 and \
                    fe(indices, weights, grads, [self.states[i] for i in indices]):
                return
            for i, w, g in zip(indices, weights, grads):
                self.optimizer.update_multi_precision(i, w, g, self.states[i])

    def sync_state_context(self, state, context):
        if isinstance(state, NDArray):
            return state.as_in_context(context)
        if isinstance(state, (tuple, list)):
            synced = [self.sync_state_context(i, context) for i in state]
            return tuple(synced) if isinstance(state, tuple) else synced
        return state

    def set_states(self, states):
        """Load states written by get_states (remx's or MXNet 1.x's), safely."""
        states = _load_states(states)
        _check_states(states)  # before anything changes
        if isinstance(states, tuple) and len(states) == 2 and isinstance(states[1], Optimizer):
            self.states, self.optimizer = states
            # aggregate only for the classes that take lists of indices (SGD, LARS, LAMB), as
            # a pickle could carry aggregate_num for any class
            self.aggregate_updates = (self.optimizer.aggregate_num > 0 and
                                      type(self.optimizer).__name__ in ('SGD', 'LARS', 'LAMB'))
        elif isinstance(states, dict):
            self.states = states
        else:
            raise MXNetError('optimizer states: unexpected content %s' % type(states).__name__)
        self.states_synced = dict.fromkeys(self.states.keys(), False)

    def get_states(self, dump_optimizer=False):
        """Pickled states (with the optimizer when dump_optimizer), as MXNet writes them."""
        return pickle.dumps((self.states, self.optimizer) if dump_optimizer else self.states)


def get_updater(optimizer):
    """An Updater for optimizer."""
    return Updater(optimizer)
