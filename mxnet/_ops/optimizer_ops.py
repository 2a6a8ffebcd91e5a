"""Optimizer update operators (sgd_update, adam_update, ...), MXNet's formulas step for step.

Each returns the new weight (callers pass ``out=weight``) and updates its state inputs (mom,
mean, var, n, z, weight32, ...) in place, as MXNet does. ``rescale_grad`` multiplies the
gradient first; ``clip_gradient <= 0`` means no clipping.
"""
import math

import torch

from .registry import register, Param, OpError
from .params import Float, Int, Bool, FloatTuple

__all__ = []


def _prep(grad, rescale, clip):
    g = grad * rescale
    if clip is not None and clip > 0:
        g = torch.clamp(g, -clip, clip)
    return g


def _clip(x, c):
    return torch.clamp(x, -c, c) if c is not None and c > 0 else x


_COMMON = dict(rescale_grad=Param(Float, 1.0, 'Rescale gradient to grad = rescale_grad*grad.'),
               clip_gradient=Param(Float, -1.0, 'Clip gradient to the range of [-clip_gradient, '
                                   'clip_gradient]; <= 0 turns clipping off.'))
_LR = Param(Float, doc='Learning rate')
_WD = Param(Float, 0.0, 'Weight decay')
_MOMENTUM = Param(Float, 0.0, 'The decay rate of momentum estimates at each epoch.')
_LAZY = Param(Bool, True, "Lazy updates for row_sparse gradients (dense here: no effect).")


def _nograd(fn):
    def wrapped(a, *tensors):
        with torch.no_grad():
            return fn(a, *tensors)
    wrapped.__doc__ = fn.__doc__
    wrapped.__name__ = fn.__name__
    return wrapped


# -- SGD family ------------------------------------------------------------------------------------
def _sgd(w, g, lr, wd, rescale, clip):
    return w * (1 - lr * wd) - lr * _prep(g, rescale, clip)


def _sgd_mom(w, g, mom, lr, momentum, wd, rescale, clip):
    mom.mul_(momentum).add_(w * (-lr * wd) - lr * _prep(g, rescale, clip))
    return w + mom


@register('sgd_update', no_cse=True, inputs=('weight', 'grad'), lr=_LR, wd=_WD, **_COMMON,
          lazy_update=_LAZY)
@_nograd
def sgd_update(a, weight, grad):
    """weight = weight - lr * (clip(rescale_grad * grad) + wd * weight)."""
    return _sgd(weight, grad, a.lr, a.wd, a.rescale_grad, a.clip_gradient).to(weight.dtype)


@register('sgd_mom_update', no_cse=True, inputs=('weight', 'grad', 'mom'), lr=_LR,
          momentum=_MOMENTUM, wd=_WD, **_COMMON, lazy_update=_LAZY)
@_nograd
def sgd_mom_update(a, weight, grad, mom):
    """mom = momentum * mom - lr * (clip(rescale_grad * grad) + wd * weight); weight += mom."""
    return _sgd_mom(weight, grad, mom, a.lr, a.momentum, a.wd, a.rescale_grad,
                    a.clip_gradient).to(weight.dtype)


@register('mp_sgd_update', no_cse=True, inputs=('weight', 'grad', 'weight32'), lr=_LR, wd=_WD,
          **_COMMON, lazy_update=_LAZY)
@_nograd
def mp_sgd_update(a, weight, grad, weight32):
    """SGD on the float32 master copy weight32; returns it cast to weight's dtype."""
    weight32.copy_(_sgd(weight32, grad.float(), a.lr, a.wd, a.rescale_grad, a.clip_gradient))
    return weight32.to(weight.dtype)


@register('mp_sgd_mom_update', no_cse=True, inputs=('weight', 'grad', 'mom', 'weight32'), lr=_LR,
          momentum=_MOMENTUM, wd=_WD, **_COMMON, lazy_update=_LAZY)
@_nograd
def mp_sgd_mom_update(a, weight, grad, mom, weight32):
    """Momentum SGD on the float32 master copy weight32."""
    weight32.copy_(_sgd_mom(weight32, grad.float(), mom, a.lr, a.momentum, a.wd, a.rescale_grad,
                            a.clip_gradient))
    return weight32.to(weight.dtype)


def _nag(w, g, mom, lr, momentum, wd, rescale, clip):
    g = _prep(g, rescale, clip)
    m_old = mom.clone()
    step = momentum * (momentum * m_old - lr * wd * w - lr * g) - lr * wd * w - lr * g
    w_new = w + step
    # MXNet 1.9.1's kernel, run as its optimizer runs it (out=weight), reads the already
    # updated weight when it stores the momentum; reproduce that observable state.
    mom.copy_(momentum * m_old - lr * wd * w_new - lr * g)
    return w_new


@register('nag_mom_update', no_cse=True, inputs=('weight', 'grad', 'mom'), lr=_LR,
          momentum=_MOMENTUM, wd=_WD, **_COMMON)
@_nograd
def nag_mom_update(a, weight, grad, mom):
    """Nesterov momentum: m = momentum*mom - lr*(g + wd*weight);
    weight += momentum*m - lr*(g + wd*weight), g = clip(rescale_grad * grad)."""
    return _nag(weight, grad, mom, a.lr, a.momentum, a.wd, a.rescale_grad,
                a.clip_gradient).to(weight.dtype)


@register('mp_nag_mom_update', no_cse=True, inputs=('weight', 'grad', 'mom', 'weight32'), lr=_LR,
          momentum=_MOMENTUM, wd=_WD, **_COMMON)
@_nograd
def mp_nag_mom_update(a, weight, grad, mom, weight32):
    """Nesterov momentum on the float32 master copy weight32."""
    weight32.copy_(_nag(weight32, grad.float(), mom, a.lr, a.momentum, a.wd, a.rescale_grad,
                        a.clip_gradient))
    return weight32.to(weight.dtype)


# -- multi-tensor SGD ----------------------------------------------------------------------------
def _multi_sgd(name, per, lrs_in_inputs, mp, momentum):
    """Register a multi_* / preloaded_multi_* SGD op; `per` = arrays per weight."""
    params = dict(rescale_grad=_COMMON['rescale_grad'], clip_gradient=_COMMON['clip_gradient'],
                  num_weights=Param(Int, 1, 'Number of updated weights.'))
    if not lrs_in_inputs:
        params['lrs'] = Param(FloatTuple, doc='Learning rates.')
        params['wds'] = Param(FloatTuple, doc='Weight decay augments the objective function '
                              'with a regularization term.')
    if momentum:
        params['momentum'] = _MOMENTUM

    def n_out(a):
        return a.num_weights

    @register(name, variadic=True, num_outputs=n_out, no_cse=True, **params)
    @_nograd
    def op(a, *data):
        n = a.num_weights
        need = n * per + (2 if lrs_in_inputs else 0)
        if len(data) != need:
            raise OpError('Error in operator %s: expected %d inputs for num_weights=%d, got %d'
                          % (name, need, n, len(data)))
        if lrs_in_inputs:
            lrs = data[-2].tolist()
            wds = data[-1].tolist()
        else:
            lrs, wds = a.lrs, a.wds
        if len(lrs) < n or len(wds) < n:
            raise OpError('Error in operator %s: need %d learning rates and weight decays'
                          % (name, n))
        outs = []
        for i in range(n):
            group = data[i * per:(i + 1) * per]
            w, g = group[0], group[1]
            if mp:
                w32 = group[-1]
                src = w32
                g = g.float()
            else:
                src = w
            if momentum:
                new = _sgd_mom(src, g, group[2], lrs[i], a.momentum, wds[i], a.rescale_grad,
                               a.clip_gradient)
            else:
                new = _sgd(src, g, lrs[i], wds[i], a.rescale_grad, a.clip_gradient)
            if mp:
                w32.copy_(new)
            outs.append(new.to(w.dtype))
        return outs[0] if n == 1 else tuple(outs)
    op.opdef.doc = ('%s update of num_weights weights at once (inputs: weight, grad%s%s per '
                    'weight%s).' % ('Momentum SGD' if momentum else 'SGD',
                                    ', mom' if momentum else '', ', weight32' if mp else '',
                                    '; then lrs and wds arrays' if lrs_in_inputs else ''))


_multi_sgd('multi_sgd_update', 2, False, False, False)
_multi_sgd('multi_sgd_mom_update', 3, False, False, True)
_multi_sgd('multi_mp_sgd_update', 3, False, True, False)
_multi_sgd('multi_mp_sgd_mom_update', 4, False, True, True)
_multi_sgd('preloaded_multi_sgd_update', 2, True, False, False)
_multi_sgd('preloaded_multi_sgd_mom_update', 3, True, False, True)
_multi_sgd('preloaded_multi_mp_sgd_update', 3, True, True, False)
_multi_sgd('preloaded_multi_mp_sgd_mom_update', 4, True, True, True)


# -- adaptive methods ------------------------------------------------------------------------------
@register('adam_update', no_cse=True, inputs=('weight', 'grad', 'mean', 'var'), lr=_LR,
          beta1=Param(Float, 0.9, 'The decay rate for the 1st moment estimates.'),
          beta2=Param(Float, 0.999, 'The decay rate for the 2nd moment estimates.'),
          epsilon=Param(Float, 1e-8, 'A small constant for numerical stability.'),
          wd=_WD, **_COMMON, lazy_update=_LAZY)
@_nograd
def adam_update(a, weight, grad, mean, var):
    """mean = beta1*mean + (1-beta1)*g; var = beta2*var + (1-beta2)*g^2;
    weight -= lr * mean / (sqrt(var) + epsilon), g = clip(rescale_grad*grad + wd*weight)."""
    g = _clip(grad * a.rescale_grad + a.wd * weight, a.clip_gradient)
    mean.mul_(a.beta1).add_((1 - a.beta1) * g)
    var.mul_(a.beta2).add_((1 - a.beta2) * g * g)
    return (weight - a.lr * mean / (torch.sqrt(var) + a.epsilon)).to(weight.dtype)


@register('rmsprop_update', no_cse=True, inputs=('weight', 'grad', 'n'), lr=_LR,
          gamma1=Param(Float, 0.95, 'The decay rate of momentum estimates.'),
          epsilon=Param(Float, 1e-8, 'A small constant for numerical stability.'), wd=_WD,
          **_COMMON,
          clip_weights=Param(Float, -1.0, 'Clip weights to [-clip_weights, clip_weights].'))
@_nograd
def rmsprop_update(a, weight, grad, n):
    """n = (1-gamma1)*g^2 + gamma1*n; weight -= lr * g / sqrt(n + epsilon)."""
    g = _clip(grad * a.rescale_grad + a.wd * weight, a.clip_gradient)
    n.mul_(a.gamma1).add_((1 - a.gamma1) * g * g)
    w = weight - a.lr * g / torch.sqrt(n + a.epsilon)
    return _clip(w, a.clip_weights).to(weight.dtype)


@register('rmspropalex_update', no_cse=True, inputs=('weight', 'grad', 'n', 'g', 'delta'), lr=_LR,
          gamma1=Param(Float, 0.95, 'Decay rate.'), gamma2=Param(Float, 0.9, 'Decay rate.'),
          epsilon=Param(Float, 1e-8, 'A small constant for numerical stability.'), wd=_WD,
          **_COMMON,
          clip_weights=Param(Float, -1.0, 'Clip weights to [-clip_weights, clip_weights].'))
@_nograd
def rmspropalex_update(a, weight, grad, n, g_state, delta):
    """Centered RMSProp (Graves 2013): delta = gamma2*delta - lr*g/sqrt(n - g_avg^2 + eps)."""
    g = _clip(grad * a.rescale_grad + a.wd * weight, a.clip_gradient)
    n.mul_(a.gamma1).add_((1 - a.gamma1) * g * g)
    g_state.mul_(a.gamma1).add_((1 - a.gamma1) * g)
    delta.mul_(a.gamma2).add_(-a.lr * g / torch.sqrt(n - g_state * g_state + a.epsilon))
    return _clip(weight + delta, a.clip_weights).to(weight.dtype)


@register('ftrl_update', no_cse=True, inputs=('weight', 'grad', 'z', 'n'), lr=_LR,
          lamda1=Param(Float, 0.01, 'The L1 regularization coefficient.'),
          beta=Param(Float, 1.0, 'Per-Coordinate Learning Rate beta.'), wd=_WD, **_COMMON)
@_nograd
def ftrl_update(a, weight, grad, z, n):
    """FTRL-proximal (McMahan et al.)."""
    g = _prep(grad, a.rescale_grad, a.clip_gradient)
    z.add_(g - (torch.sqrt(n + g * g) - torch.sqrt(n)) * weight / a.lr)
    n.add_(g * g)
    w = (torch.sign(z) * a.lamda1 - z) / ((a.beta + torch.sqrt(n)) / a.lr + a.wd) * \
        (torch.abs(z) > a.lamda1).to(z.dtype)
    return w.to(weight.dtype)


@register('ftml_update', no_cse=True, inputs=('weight', 'grad', 'd', 'v', 'z'), lr=_LR,
          beta1=Param(Float, 0.6, 'Generally close to 0.5.'),
          beta2=Param(Float, 0.999, 'Generally close to 1.'),
          epsilon=Param(Float, 1e-8, 'Epsilon to prevent div 0.'),
          t=Param(Int, doc='Number of update.'), wd=_WD,
          rescale_grad=_COMMON['rescale_grad'],
          clip_grad=Param(Float, -1.0, 'Clip gradient; <= 0 turns clipping off.'))
@_nograd
def ftml_update(a, weight, grad, d, v, z):
    """FTML (Zheng & Kwok 2017)."""
    g = _clip(grad * a.rescale_grad + a.wd * weight, a.clip_grad)
    t = a.t
    v.mul_(a.beta2).add_((1 - a.beta2) * g * g)
    d_t = (1 - a.beta1 ** t) / a.lr * (torch.sqrt(v / (1 - a.beta2 ** t)) + a.epsilon)
    sigma = d_t - a.beta1 * d
    z.mul_(a.beta1).add_((1 - a.beta1) * g - sigma * weight)
    d.copy_(d_t)
    return (-z / d_t).to(weight.dtype)


@register('signsgd_update', no_cse=True, inputs=('weight', 'grad'), lr=_LR, wd=_WD, **_COMMON)
@_nograd
def signsgd_update(a, weight, grad):
    """weight = (1 - lr*wd) * weight - lr * sign(grad)."""
    g = _prep(grad, a.rescale_grad, a.clip_gradient)
    return ((1 - a.lr * a.wd) * weight - a.lr * torch.sign(g)).to(weight.dtype)


@register('signum_update', no_cse=True, inputs=('weight', 'grad', 'mom'), lr=_LR,
          momentum=_MOMENTUM, wd=_WD, **_COMMON,
          wd_lh=Param(Float, 0.0, 'The amount of weight decay that does not go into '
                      'gradient/momentum calculations otherwise do weight decay '
                      'algorithmically only.'))
@_nograd
def signum_update(a, weight, grad, mom):
    """mom = momentum*mom - (1-momentum)*(g + wd*weight); weight = (1-lr*wd_lh)*weight +
    lr*sign(mom)."""
    g = _prep(grad, a.rescale_grad, a.clip_gradient)
    mom.mul_(a.momentum).add_(-(1 - a.momentum) * (g + a.wd * weight))
    return ((1 - a.lr * a.wd_lh) * weight + a.lr * torch.sign(mom)).to(weight.dtype)


def _lamb1(weight, grad, mean, var, a):
    g = _prep(grad, a.rescale_grad, a.clip_gradient)
    mean.mul_(a.beta1).add_((1 - a.beta1) * g)
    var.mul_(a.beta2).add_((1 - a.beta2) * g * g)
    if a.bias_correction:
        m_hat = mean / (1 - a.beta1 ** a.t)
        v_hat = var / (1 - a.beta2 ** a.t)
    else:
        m_hat, v_hat = mean, var
    return m_hat / (torch.sqrt(v_hat) + a.epsilon) + a.wd * weight


_LAMB1 = dict(beta1=Param(Float, 0.9, 'The decay rate for the 1st moment estimates.'),
              beta2=Param(Float, 0.999, 'The decay rate for the 2nd moment estimates.'),
              epsilon=Param(Float, 1e-6, 'A small constant for numerical stability.'),
              t=Param(Int, doc='Index update count.'),
              bias_correction=Param(Bool, True, 'Whether to use bias correction.'),
              wd=Param(Float, doc='Weight decay'), **_COMMON)


@register('lamb_update_phase1', inputs=('weight', 'grad', 'mean', 'var'), **_LAMB1)
@_nograd
def lamb_update_phase1(a, weight, grad, mean, var):
    """LAMB phase 1: update moments, return g = m_hat / (sqrt(v_hat) + eps) + wd * weight."""
    return _lamb1(weight, grad, mean, var, a).to(weight.dtype)


@register('mp_lamb_update_phase1', inputs=('weight', 'grad', 'mean', 'var', 'weight32'),
          **_LAMB1)
@_nograd
def mp_lamb_update_phase1(a, weight, grad, mean, var, weight32):
    """LAMB phase 1 on the float32 master copy weight32."""
    return _lamb1(weight32, grad.float(), mean, var, a)


def _lamb2(weight, g, r1, r2, a):
    r1 = r1.clone()
    if a.lower_bound >= 0:
        r1 = torch.clamp(r1, min=a.lower_bound)
    if a.upper_bound >= 0:
        r1 = torch.clamp(r1, max=a.upper_bound)
    ratio = torch.where((r1 == 0) | (r2 == 0), torch.ones_like(r1), r1 / r2)
    return weight - a.lr * ratio * g


_LAMB2 = dict(lr=_LR, lower_bound=Param(Float, -1.0, 'Lower limit of norm of weight.'),
              upper_bound=Param(Float, -1.0, 'Upper limit of norm of weight.'))


@register('lamb_update_phase2', inputs=('weight', 'g', 'r1', 'r2'), **_LAMB2)
@_nograd
def lamb_update_phase2(a, weight, g, r1, r2):
    """LAMB phase 2: weight -= lr * (r1 / r2) * g (ratio 1 when a norm is 0)."""
    return _lamb2(weight, g, r1, r2, a).to(weight.dtype)


@register('mp_lamb_update_phase2', inputs=('weight', 'g', 'r1', 'r2', 'weight32'), **_LAMB2)
@_nograd
def mp_lamb_update_phase2(a, weight, g, r1, r2, weight32):
    """LAMB phase 2 on the float32 master copy weight32."""
    weight32.copy_(_lamb2(weight32, g, r1, r2, a))
    return weight32.to(weight.dtype)


def _adamw(weight, grad, mean, var, rescale, a):
    g = _clip(grad * rescale, a.clip_gradient)
    mean.mul_(a.beta1).add_((1 - a.beta1) * g)
    var.mul_(a.beta2).add_((1 - a.beta2) * g * g)
    return weight - a.eta * (a.lr * mean / (torch.sqrt(var) + a.epsilon) + a.wd * weight)


_ADAMW = dict(lr=_LR, beta1=Param(Float, 0.9), beta2=Param(Float, 0.999),
              epsilon=Param(Float, 1e-8), wd=_WD,
              eta=Param(Float, doc='Learning rate schedule multiplier'),
              clip_gradient=_COMMON['clip_gradient'])


@register('_adamw_update', no_cse=True, inputs=('weight', 'grad', 'mean', 'var', 'rescale_grad'),
          aliases=('_contrib_adamw_update',), **_ADAMW)
@_nograd
def _adamw_update(a, weight, grad, mean, var, rescale_grad):
    """AdamW (decoupled weight decay); skipped when rescale_grad is not finite."""
    r = float(rescale_grad.reshape(-1)[0])
    if not math.isfinite(r):
        return weight.clone()
    return _adamw(weight, grad, mean, var, r, a).to(weight.dtype)


@register('_mp_adamw_update', no_cse=True, inputs=('weight', 'grad', 'mean', 'var', 'weight32',
                                      'rescale_grad'),
          aliases=('_contrib_mp_adamw_update',), **_ADAMW)
@_nograd
def _mp_adamw_update(a, weight, grad, mean, var, weight32, rescale_grad):
    """AdamW on the float32 master copy weight32."""
    r = float(rescale_grad.reshape(-1)[0])
    if not math.isfinite(r):
        return weight.clone()
    weight32.copy_(_adamw(weight32, grad.float(), mean, var, r, a))
    return weight32.to(weight.dtype)
