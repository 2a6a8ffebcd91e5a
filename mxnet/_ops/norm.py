"""Normalization operators: BatchNorm, BatchNorm_v1, LayerNorm, InstanceNorm, GroupNorm,
L2Normalization, LRN.

MXNet 1.9.1 (CPU) semantics reproduced here, some of them surprising:

* BatchNorm uses the biased batch variance. The moving statistics are NOT updated by the forward
  pass: MXNet's CPU kernel folds ``moving = moving * momentum + batch * (1 - momentum)`` into
  the *backward* pass of a training-mode forward (so a forward without ``backward()`` leaves them
  untouched, and predict-mode or ``use_global_stats`` graphs never update them).
* ``fix_gamma=True`` overwrites the ``gamma`` input with ones (in place), and gamma's gradient
  is 0.
* ``output_mean_var`` yields the mean and the *inverse* standard deviation ``1/sqrt(var+eps)``
  (BatchNorm_v1: the variance itself); in predict mode these are the moving statistics.
* A backward through a predict-mode BatchNorm (``autograd.record(train_mode=False)``) without
  ``use_global_stats`` uses the training-mode data gradient with the moving statistics put in
  place of the batch statistics; ``use_global_stats`` gives the plain scale-shift gradient.
* float16 data take float32 gamma/beta/moving statistics (and give float32 mean/var outputs).
* GroupNorm's gamma and beta have one entry per *group* (shape ``(num_groups,)``).
* LRN with an even ``nsize`` sums a symmetric window of ``nsize - 1`` channels (oneDNN's
  convention) but still divides ``alpha`` by ``nsize``. LRN and InstanceNorm compute in float32
  only; LRN needs 4-D input.
"""
import numpy as np
import torch
import torch.nn.functional as F

from .registry import register, Param, OpError, dtype_name, check_same_dtype
from .params import Float, Bool, Int, OptFloat, Str, REQUIRED
from .. import _state
from .reduce import _safe_accumulation

__all__ = []

_STATE = _state.state
_HALF = (torch.float16, torch.bfloat16)
_FLOATS = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def Float32(v):
    """A float stored with float32 precision (MXNet's ``float`` parameters)."""
    return float(np.float32(Float(v)))


Float32.__name__ = 'float'



def _need_float(name, x):
    if x.dtype not in _FLOATS:
        raise OpError('Error in operator %s: This operation only support floating point types, '
                      'not %s' % (name, dtype_name(x)))


def _need_inputs(name, tensors, n):
    got = sum(1 for t in tensors if t is not None)
    if got != n or len(tensors) < n:
        raise OpError('Error in operator %s: Operator %s expects %d inputs, but got %d instead.'
                      % (name, name, n, got))


def _check_vec(name, what, t, n, dtype):
    if t.dim() != 1 or t.shape[0] != n:
        raise OpError('Error in operator %s: %s has shape %s, expected (%d,)'
                      % (name, what, tuple(t.shape), n))
    if t.dtype != dtype:
        raise OpError("Error in operator %s: This layer requires uniform type. Expected '%s' "
                      "v.s. given '%s' at '%s'" % (name, dtype_name(dtype),
                                                   dtype_name(t), what))


# ---------------------------------------------------------------------------------------------
# BatchNorm
_RED = {}   # (ndim, channel axis) -> the other axes (reduction dims)


def _red_dims(ndim, axis):
    key = (ndim, axis)
    r = _RED.get(key)
    if r is None:
        r = tuple(d for d in range(ndim) if d != axis)
        _RED[key] = r
    return r


def _rsum(t, red):
    return t.sum(red) if red else t


_MODE_BATCH, _MODE_MOVING, _MODE_GLOBAL = 0, 1, 2
_native_bn = torch.native_batch_norm
_native_bn_backward = torch.ops.aten.native_batch_norm_backward


def _bn_core(x, gamma, beta, mm, mv, ax, eps, mode, want_stats):
    """Forward of BatchNorm: (out, mean, inv_std); mean/inv_std None unless wanted or batch."""
    if ax == 1 and x.dim() >= 2:
        if mode == _MODE_BATCH:
            return _native_bn(x, gamma, beta, None, None, True, 0.0, eps)
        out = _native_bn(x, gamma, beta, mm, mv, False, 0.0, eps)[0]
        if want_stats:
            return out, mm.detach().clone(), torch.rsqrt(mv + eps)
        return out, None, None
    red = _red_dims(x.dim(), ax)
    bshape = [1] * x.dim()
    bshape[ax] = x.shape[ax]
    xf = x.float() if x.dtype in _HALF else x
    if mode == _MODE_BATCH:
        if red:
            var, mean = torch.var_mean(xf, dim=red, unbiased=False)
        else:           # 1-D data along its channel axis: one value per channel
            mean, var = xf.detach().clone(), torch.zeros_like(xf)
    else:
        mean = mm.detach().clone()
        var = mv
    inv = torch.rsqrt(var + eps)
    scale = inv * gamma
    out = torch.addcmul((beta - mean * scale).view(bshape), xf, scale.view(bshape))
    if out.dtype != x.dtype:
        out = out.to(x.dtype)
    return out, mean, inv


class _BatchNormFn(torch.autograd.Function):
    """Batch normalization with MXNet's gradients and its moving-average update in backward.

    cfg = (axis, eps, momentum, fix_gamma, mode, v1). Returns (out, mean, inv_std or var).
    gamma already holds ones when fix_gamma is set (the op overwrites it, as MXNet does).
    """

    @staticmethod
    def forward(ctx, x, gamma, beta, mmean, mvar, cfg):
        axis, eps, momentum, fix_gamma, mode, v1 = cfg
        out, mean, inv = _bn_core(x, gamma, beta, mmean, mvar, axis, eps, mode, True)
        if v1:
            stat = mvar.detach().clone() if mode != _MODE_BATCH else inv.pow(-2) - eps
        else:
            stat = inv
        ctx.cfg = cfg
        ctx.aux = (mmean, mvar) if mode == _MODE_BATCH else None
        ctx.save_for_backward(x, gamma, mean, inv)
        ctx.mark_non_differentiable(mean, stat)
        return out, mean, stat

    @staticmethod
    def backward(ctx, dy, _dmean, _dstat):
        axis, eps, momentum, fix_gamma, mode, v1 = ctx.cfg
        x, g, mean, inv = ctx.saved_tensors
        if ctx.aux is not None:
            mm, mv = ctx.aux
            with torch.no_grad():
                var = inv.pow(-2).sub_(eps)
                mm.mul_(momentum).add_(mean.to(mm.dtype), alpha=1.0 - momentum)
                mv.mul_(momentum).add_(var.to(mv.dtype), alpha=1.0 - momentum)
        need_x, need_g, need_b = ctx.needs_input_grad[:3]
        if axis == 1 and x.dim() >= 2 and not (v1 and mode == _MODE_MOVING):
            if dy.dtype != x.dtype:
                dy = dy.to(x.dtype)
            if mode == _MODE_GLOBAL:
                var = inv.pow(-2).sub_(eps)
                dx, dg, db = _native_bn_backward(dy.contiguous(), x, g, mean, var, None, None,
                                                 False, eps, [need_x, need_g, need_b])
            else:
                dx, dg, db = _native_bn_backward(dy.contiguous(), x, g, None, None, mean, inv,
                                                 True, eps, [need_x, need_g, need_b])
            if fix_gamma and need_g:
                dg = torch.zeros_like(g)
            return dx, dg, db, None, None, None
        red = _red_dims(x.dim(), axis)
        bshape = [1] * x.dim()
        bshape[axis] = x.shape[axis]
        xf = x.float() if x.dtype in _HALF else x
        dyf = dy.float() if dy.dtype in _HALF else dy
        xc = xf - mean.view(bshape)
        sdy = _rsum(dyf, red)
        sdyxc = _rsum(dyf * xc, red) if (need_g or (need_x and mode != _MODE_GLOBAL)) else None
        dx = dg = db = None
        if need_x:
            if mode == _MODE_GLOBAL:
                dx = dyf * (g * inv).view(bshape)
            else:
                m = x.numel() // max(x.shape[axis], 1)
                inv3 = inv * inv * inv
                gvar = sdyxc * g * inv3 * -0.5
                gmean = -sdy * g * inv
                if v1 and mode == _MODE_MOVING:
                    gmean = gmean - 2.0 * gvar * _rsum(xc, red) / m
                dx = torch.addcmul((gmean / m).view(bshape), dyf, (g * inv).view(bshape))
                dx = dx.addcmul_(xc, (gvar * (2.0 / m)).view(bshape))
            if dx.dtype != x.dtype:
                dx = dx.to(x.dtype)
        if need_g:
            dg = torch.zeros_like(g) if fix_gamma else sdyxc * inv
        if need_b:
            db = sdy.to(g.dtype)
        return dx, dg, db, None, None, None


def _bn_run(name, a, tensors, axis, v1):
    _need_inputs(name, tensors, 5)
    x, gamma, beta, mm, mv = tensors
    _need_float(name, x)
    nd_ = x.dim()
    ax = axis + nd_ if axis < 0 else axis
    if not 0 <= ax < nd_:
        raise OpError('Error in operator %s: Channel axis out of range: %d (data shape %s)'
                      % (name, axis, tuple(x.shape)))
    c = x.shape[ax]
    pdt = torch.float32 if x.dtype in _HALF else x.dtype
    _check_vec(name, 'gamma', gamma, c, pdt)
    _check_vec(name, 'beta', beta, c, pdt)
    _check_vec(name, 'moving_mean', mm, c, pdt)
    _check_vec(name, 'moving_var', mv, c, pdt)
    if a.use_global_stats:
        mode = _MODE_GLOBAL
    elif _STATE.training:
        mode = _MODE_BATCH
    else:
        mode = _MODE_MOVING
    if a.fix_gamma and gamma.device.type != 'meta':
        with torch.no_grad():
            gamma.fill_(1)
    if torch.is_grad_enabled() and (x.requires_grad or gamma.requires_grad
                                    or beta.requires_grad):
        out, mean, stat = _BatchNormFn.apply(
            x, gamma, beta, mm, mv, (ax, a.eps, a.momentum, a.fix_gamma, mode, v1))
        return (out, mean, stat) if a.output_mean_var else out
    omv = a.output_mean_var
    out, mean, inv = _bn_core(x, gamma, beta, mm, mv, ax, a.eps, mode, omv)
    if not omv:
        return out
    if v1:
        return out, mean, (mv.clone() if mode != _MODE_BATCH else inv.pow(-2) - a.eps)
    return out, mean, inv


def _bn_infer_shape(a, shapes):
    shapes = list(shapes) + [None] * (5 - len(shapes))
    data = shapes[0]
    if data is not None:
        axis = getattr(a, 'axis', 1)
        nd_ = len(data)
        ax = axis + nd_ if axis < 0 else axis
        if 0 <= ax < nd_:
            c = (data[ax],)
            shapes = [data] + [s if s is not None else c for s in shapes[1:5]]
    return shapes


def _bn_outputs(a):
    return 3 if a.output_mean_var else 1


def _bn_names(a):
    return ['output', 'mean', 'var'] if a.output_mean_var else ['output']


_BN_INPUTS = ('data', 'gamma', 'beta', 'moving_mean', 'moving_var')
_BN_AUX = ('moving_mean', 'moving_var')


def _bn_input_dtypes(attrs, dtype, n):
    """input_dtypes: float16 data takes float32 parameters and moving statistics."""
    p = np.dtype(np.float32) if dtype == np.float16 else dtype
    return [dtype] + [p] * (n - 1)


@register('BatchNorm', inputs=_BN_INPUTS, aux=_BN_AUX, num_outputs=_bn_outputs,
          output_names=_bn_names, infer_shape=_bn_infer_shape, input_dtypes=_bn_input_dtypes,
          shape_rule='like_data', total_outputs=3,
          eps=Param(Float, 0.0010000000474974513,
                    'Epsilon to prevent div 0. Must be no less than CUDNN_BN_MIN_EPSILON defined '
                    'in cudnn.h when using cudnn (usually 1e-5)'),
          momentum=Param(Float32, Float32(0.9), 'Momentum for moving average'),
          fix_gamma=Param(Bool, True, 'Fix gamma while training'),
          use_global_stats=Param(Bool, False,
                                 'Whether use global moving statistics instead of local '
                                 'batch-norm. This will force change batch-norm into a scale '
                                 'shift operator.'),
          output_mean_var=Param(Bool, False, 'Output the mean and inverse std '),
          axis=Param(Int, 1, 'Specify which shape axis the channel is specified'),
          cudnn_off=Param(Bool, False, 'Do not select CUDNN operator, if available'),
          min_calib_range=Param(OptFloat, None,
                                'The minimum scalar value obtained through calibration '
                                '(quantized batch norm only).'),
          max_calib_range=Param(OptFloat, None,
                                'The maximum scalar value obtained through calibration '
                                '(quantized batch norm only).'))
def batch_norm(a, *tensors):
    """Batch normalization.

    Normalizes each channel of ``data`` (the channels run along ``axis``, 1 by default) by a
    mean and variance, then scales by ``gamma`` and shifts by ``beta``::

      out[:, i, ...] = (data[:, i, ...] - mean[i]) / sqrt(var[i] + eps) * gamma[i] + beta[i]

    In training mode (``autograd.record()`` / ``autograd.train_mode()``) mean and var are the
    statistics of the batch (biased variance, over every axis but the channel axis); in
    predict mode, or with ``use_global_stats=True``, they are the auxiliary states
    ``moving_mean`` and ``moving_var``. ``gamma``, ``beta``, ``moving_mean`` and ``moving_var``
    all have shape ``(k,)`` for ``k`` channels.

    The moving statistics are updated in place, when the gradient of a training-mode call is
    computed (``backward()``), as::

      moving_mean = moving_mean * momentum + batch_mean * (1 - momentum)
      moving_var  = moving_var * momentum + batch_var * (1 - momentum)

    With ``fix_gamma=True`` (the default) gamma is set to 1 (the input array is overwritten with
    ones) and its gradient is 0. With ``output_mean_var=True`` the operator also returns the
    mean and the inverse standard deviation ``1 / sqrt(var + eps)`` it used; no gradient flows
    through those two outputs.

    Example::

      x = mx.nd.array([[1., 2.], [3., 6.]])
      g, b = mx.nd.ones(2), mx.nd.zeros(2)
      mm, mv = mx.nd.zeros(2), mx.nd.ones(2)
      mx.nd.BatchNorm(x, g, b, mm, mv)          # predict mode: x / sqrt(1 + eps)
      with mx.autograd.train_mode():
          mx.nd.BatchNorm(x, g, b, mm, mv)      # [[-1, -1], [1, 1]] (approximately)
    """
    return _bn_run('BatchNorm', a, tensors, a.axis, False)


@register('BatchNorm_v1', inputs=_BN_INPUTS, aux=_BN_AUX, num_outputs=_bn_outputs,
          output_names=_bn_names, infer_shape=_bn_infer_shape, input_dtypes=_bn_input_dtypes,
          shape_rule='like_data', total_outputs=3,
          eps=Param(Float32, Float32(1e-3), 'Epsilon to prevent div 0'),
          momentum=Param(Float32, Float32(0.9), 'Momentum for moving average'),
          fix_gamma=Param(Bool, True, 'Fix gamma while training'),
          use_global_stats=Param(Bool, False,
                                 'Whether use global moving statistics instead of local '
                                 'batch-norm. This will force change batch-norm into a scale '
                                 'shift operator.'),
          output_mean_var=Param(Bool, False, 'Output All,normal mean and var'))
def batch_norm_v1(a, *tensors):
    """Batch normalization (deprecated first version; use BatchNorm).

    Same computation as ``BatchNorm`` with the channel axis fixed to 1, except that
    ``output_mean_var=True`` returns the mean and the *variance* (not its inverse square
    root), and that the data gradient of a predict-mode call also follows the variance path.
    Inputs: data, gamma, beta and the auxiliary states moving_mean, moving_var (all ``(k,)``
    for ``k`` channels).
    """
    return _bn_run('BatchNorm_v1', a, tensors, 1, True)


@register('_contrib_SyncBatchNorm', inputs=_BN_INPUTS, aux=_BN_AUX, num_outputs=_bn_outputs,
          output_names=_bn_names, infer_shape=_bn_infer_shape, input_dtypes=_bn_input_dtypes,
          eps=Param(Float32, Float32(1e-3), 'Epsilon to prevent div 0'),
          momentum=Param(Float32, Float32(0.9), 'Momentum for moving average'),
          fix_gamma=Param(Bool, True, 'Fix gamma while training'),
          use_global_stats=Param(Bool, False,
                                 'Whether use global moving statistics instead of local '
                                 'batch-norm. This will force change batch-norm into a scale '
                                 'shift operator.'),
          output_mean_var=Param(Bool, False, 'Output All,normal mean and var'),
          ndev=Param(Int, 1, 'The count of GPU devices'),
          key=Param(Str, REQUIRED, 'Hash key for synchronization, please set the same hash key '
                                   'for same layer, Block.prefix is typically used as in '
                                   ':class:`gluon.nn.contrib.SyncBatchNorm`.'))
def sync_batch_norm(a, *tensors):
    """Batch normalization synchronized across devices (``mx.nd.contrib.SyncBatchNorm``).

    In one process every device's batch is the whole batch, so this is BatchNorm over channel
    axis 1; as in MXNet, ``output_mean_var=True`` returns the mean and the *variance*.
    """
    return _bn_run('SyncBatchNorm', a, tensors, 1, True)


# ---------------------------------------------------------------------------------------------
# LayerNorm, InstanceNorm, GroupNorm


def _ln_infer_shape(a, shapes):
    shapes = list(shapes) + [None] * (3 - len(shapes))
    data = shapes[0]
    if data is not None:
        nd_ = len(data)
        ax = a.axis + nd_ if a.axis < 0 else a.axis
        if 0 <= ax < nd_:
            c = (data[ax],)
            shapes = [data, shapes[1] or c, shapes[2] or c]
    return shapes


def _mv_outputs(a):
    return 3 if a.output_mean_var else 1


def _ln_names(a):
    return ['output', 'mean', 'std'] if a.output_mean_var else ['output']


class _Affine(torch.autograd.Function):
    """``xhat * gamma + beta`` (gamma, beta broadcast along ``bshape``) whose gamma / beta
    gradients, sums over every other axis, accumulate in float64: MXNet's reductions are
    compensated (Kahan) sums, and a float32 sum over thousands of rows is not that exact."""

    @staticmethod
    def forward(ctx, xhat, g, b, bshape, red):
        ctx.save_for_backward(xhat, g)
        ctx.bshape, ctx.red = bshape, red
        return torch.addcmul(b.view(bshape), xhat, g.view(bshape))

    @staticmethod
    def backward(ctx, dy):
        xhat, g = ctx.saved_tensors
        dx = dg = db = None
        if ctx.needs_input_grad[0]:
            dx = dy * g.view(ctx.bshape)
        d64 = dy.double()
        if ctx.needs_input_grad[1]:
            dg = (d64 * xhat.double()).sum(ctx.red).to(g.dtype) if ctx.red else \
                (d64 * xhat.double()).to(g.dtype).reshape(g.shape)
        if ctx.needs_input_grad[2]:
            db = (d64.sum(ctx.red) if ctx.red else d64).to(g.dtype).reshape(g.shape)
        if dg is not None:
            dg = dg.reshape(g.shape)
        return dx, dg, db, None, None


@register('LayerNorm', inputs=('data', 'gamma', 'beta'), num_outputs=_mv_outputs,
          output_names=_ln_names, infer_shape=_ln_infer_shape, shape_rule='like_data',
          total_outputs=3,
          axis=Param(Int, -1, 'The axis to perform layer normalization. Usually, this should be '
                     'be axis of the channel dimension. Negative values means indexing from '
                     'right to left.'),
          eps=Param(Float32, Float32(1e-5), 'An `epsilon` parameter to prevent division by 0.'),
          output_mean_var=Param(Bool, False,
                                'Output the mean and std calculated along the given axis.'))
def layer_norm(a, *tensors):
    """Layer normalization.

    Normalizes ``data`` along one axis (``axis``, the last by default), then scales by
    ``gamma`` and shifts by ``beta``, both of shape ``(k,)`` where ``k = data.shape[axis]``::

      out = (data - mean(data, axis)) / sqrt(var(data, axis) + eps) * gamma + beta

    The statistics are per sample (unlike BatchNorm) and the same in training and predict mode.
    With ``output_mean_var=True`` the mean and the standard deviation ``sqrt(var + eps)`` are
    returned too, with ``axis`` kept as a size-1 dimension; no gradient flows through them.

    Example::

      x = mx.nd.array([[1., 2., 3.], [2., 2., 8.]])
      mx.nd.LayerNorm(x, mx.nd.ones(3), mx.nd.zeros(3))
      # [[-1.2247, 0., 1.2247], [-0.7071, -0.7071, 1.4142]]
    """
    _need_inputs('LayerNorm', tensors, 3)
    x, gamma, beta = tensors
    nd_ = x.dim()
    ax = a.axis + nd_ if a.axis < 0 else a.axis
    if not 0 <= ax < nd_:
        raise OpError('Error in operator LayerNorm: Channel axis out of range: axis=%d '
                      '(data shape %s)' % (a.axis, tuple(x.shape)))
    _need_float('LayerNorm', x)
    c = x.shape[ax]
    for nm, t in (('gamma', gamma), ('beta', beta)):
        if tuple(t.shape) != (c,):
            raise OpError('Error in operator LayerNorm: Shape inconsistent, Provided = %s for '
                          '%s, inferred shape=(%d,) from data %s axis %d'
                          % (tuple(t.shape), nm, c, tuple(x.shape), a.axis))
    check_same_dtype('LayerNorm', x, (gamma, beta))
    if x.dtype == torch.float32 and _safe_accumulation() and x.device.type != 'meta':
        # MXNET_SAFE_ACCUMULATION=1: MXNet accumulates float32 statistics and the gamma / beta
        # gradient sums in float64
        res = layer_norm.opdef.fn(a, x.double(), gamma.double(), beta.double())
        if isinstance(res, tuple):
            return tuple(t.float() for t in res)
        return res.float()
    half = x.dtype in _HALF
    bshape = [1] * nd_
    bshape[ax] = c
    red = tuple(i for i in range(nd_) if i != ax)
    if not a.output_mean_var and ax == nd_ - 1 and not half:
        if not (gamma.requires_grad or beta.requires_grad):
            return F.layer_norm(x, (c,), gamma, beta, a.eps)
        return _Affine.apply(F.layer_norm(x, (c,), None, None, a.eps), gamma, beta,
                             tuple(bshape), red)
    xf, gf, bf = (x.float(), gamma.float(), beta.float()) if half else (x, gamma, beta)
    var, mean = torch.var_mean(xf, dim=ax, keepdim=True, unbiased=False)
    inv = torch.rsqrt(var + a.eps)
    out = _Affine.apply((xf - mean) * inv, gf, bf, tuple(bshape), red)
    if half:
        out = out.to(x.dtype)
    if not a.output_mean_var:
        return out
    with torch.no_grad():
        std = torch.sqrt(var + a.eps)
    return out, mean.detach().to(x.dtype), std.to(x.dtype)


def _in_infer_shape(a, shapes):
    shapes = list(shapes) + [None] * (3 - len(shapes))
    data = shapes[0]
    if data is not None and len(data) >= 2:
        c = (data[1],)
        shapes = [data, shapes[1] or c, shapes[2] or c]
    return shapes


@register('InstanceNorm', inputs=('data', 'gamma', 'beta'), infer_shape=_in_infer_shape,
          shape_rule='like_data', total_outputs=3,
          eps=Param(Float32, Float32(1e-3), 'An `epsilon` parameter to prevent division by 0.'))
def instance_norm(a, *tensors):
    """Instance normalization of an n-dimensional array (n >= 3).

    For data of shape ``(batch, channel, spatial...)`` each (sample, channel) slice is
    normalized by its own mean and (biased) variance over the spatial axes, then scaled by
    ``gamma`` and shifted by ``beta`` (both of shape ``(channel,)``)::

      out = (data - mean) / sqrt(var + eps) * gamma + beta

    The same computation is used in training and predict mode (Ulyanov et al., 2016,
    "Instance Normalization: The Missing Ingredient for Fast Stylization"). float32 only.

    Example::

      x = mx.nd.array([[[1.1, 2.2]], [[3.3, 4.4]]])     # shape (2, 1, 2)
      mx.nd.InstanceNorm(x, mx.nd.array([1.5]), mx.nd.array([0.5]))
      # [[[-0.9975, 1.9975]], [[-0.9975, 1.9975]]]
    """
    _need_inputs('InstanceNorm', tensors, 3)
    x, gamma, beta = tensors
    if x.dim() < 3:
        raise OpError('Error in operator InstanceNorm: InstanceNorm only supports input tensors '
                      'of rank >= 3, got data of shape %s' % (tuple(x.shape),))
    for t in (x, gamma, beta):
        if t.dtype != torch.float32:
            raise OpError('Error in operator InstanceNorm: Unsupported data type %s (only '
                          'float32 is supported)' % dtype_name(t))
    c = x.shape[1]
    for nm, t in (('gamma', gamma), ('beta', beta)):
        if tuple(t.shape) != (c,):
            raise OpError('Error in operator InstanceNorm: %s has shape %s, expected (%d,) for '
                          'data of shape %s' % (nm, tuple(t.shape), c, tuple(x.shape)))
    if x[0, 0].numel() > 1:
        return F.instance_norm(x, weight=gamma, bias=beta, eps=a.eps)
    # torch refuses one spatial element in training; MXNet normalizes it to beta
    red = tuple(range(2, x.dim()))
    var, mean = torch.var_mean(x, dim=red, keepdim=True, unbiased=False)
    bshape = (1, c) + (1,) * (x.dim() - 2)
    return (x - mean) * torch.rsqrt(var + a.eps) * gamma.view(bshape) + beta.view(bshape)


def _gn_infer_shape(a, shapes):
    shapes = list(shapes) + [None] * (3 - len(shapes))
    g = (a.num_groups,)
    return [shapes[0], shapes[1] or g, shapes[2] or g]


@register('GroupNorm', inputs=('data', 'gamma', 'beta'), num_outputs=_mv_outputs,
          output_names=_ln_names, infer_shape=_gn_infer_shape, shape_rule='like_data',
          total_outputs=3,
          num_groups=Param(Int, 1, 'Total number of groups.'),
          eps=Param(Float32, Float32(1e-5), 'An `epsilon` parameter to prevent division by 0.'),
          output_mean_var=Param(Bool, False,
                                'Output the mean and std calculated along the given axis.'))
def group_norm(a, *tensors):
    """Group normalization.

    The channels (axis 1) of ``data`` (n >= 3 dimensions) are split into ``num_groups``
    groups of ``C // num_groups`` consecutive channels; each (sample, group) block is
    normalized by its own mean and (biased) variance::

      x = data.reshape((N, num_groups, -1))
      out = (x - mean(x, axis=2)) / sqrt(var(x, axis=2) + eps) * gamma + beta

    As in MXNet 1.9.1, ``gamma`` and ``beta`` have one value per *group*: shape
    ``(num_groups,)``. With ``output_mean_var=True`` the per-(sample, group) mean and standard
    deviation ``sqrt(var + eps)`` (shape ``(N, num_groups)``) are returned too.

    Example::

      x = mx.nd.arange(8).reshape((1, 4, 2))
      mx.nd.GroupNorm(x, mx.nd.ones(2), mx.nd.zeros(2), num_groups=2)
    """
    _need_inputs('GroupNorm', tensors, 3)
    x, gamma, beta = tensors
    G = a.num_groups
    if x.dim() < 3:
        raise OpError('Error in operator GroupNorm: data must have at least 3 dimensions, got '
                      'shape %s' % (tuple(x.shape),))
    if G <= 0 or x.shape[1] % G:
        raise OpError('Error in operator GroupNorm: # of channels must be divisible by # of '
                      'groups (channels=%d, num_groups=%d)' % (x.shape[1], G))
    _need_float('GroupNorm', x)
    for nm, t in (('gamma', gamma), ('beta', beta)):
        if tuple(t.shape) != (G,):
            raise OpError('Error in operator GroupNorm: %s has shape %s, expected (%d,) '
                          '(one value per group)' % (nm, tuple(t.shape), G))
    check_same_dtype('GroupNorm', x, (gamma, beta))
    half = x.dtype in _HALF
    xf, gf, bf = (x.float(), gamma.float(), beta.float()) if half else (x, gamma, beta)
    n = x.shape[0]
    xr = xf.reshape(n, G, -1)
    var, mean = torch.var_mean(xr, dim=2, keepdim=True, unbiased=False)
    y = (xr - mean) * torch.rsqrt(var + a.eps)
    y = torch.addcmul(bf.view(1, G, 1), y, gf.view(1, G, 1)).reshape(x.shape)
    if half:
        y = y.to(x.dtype)
    if not a.output_mean_var:
        return y
    with torch.no_grad():
        std = torch.sqrt(var + a.eps).reshape(n, G).to(x.dtype)
        mean = mean.reshape(n, G).to(x.dtype)
    return y, mean, std


# ---------------------------------------------------------------------------------------------
# L2Normalization, LRN
@register('L2Normalization', total_outputs=2,
          eps=Param(Float32, Float32(1e-10), 'A small constant for numerical stability.'),
          mode=Param(Str, 'instance', 'Specify the dimension along which to compute L2 norm.',
                     choices=('channel', 'instance', 'spatial')))
def l2_normalization(a, x):
    """Normalize the input array by its L2 norm.

    ``mode`` picks the axes the norm runs over (``out = data / sqrt(sum(data ** 2) + eps)``):

    * ``instance`` (default): every axis but the first; each sample ``data[i]`` is normalized
      (for 1-D data every element is its own sample).
    * ``channel``: axis 1; each position ``data[i, :, j, ...]`` across channels (n >= 3).
    * ``spatial``: axes 2 and up; each ``data[i, c]`` slice (n >= 3).

    Example::

      x = mx.nd.array([[[1, 2], [3, 4]], [[2, 2], [5, 6]]])
      mx.nd.L2Normalization(x, mode='channel')
      # [[[0.3162, 0.4472], [0.9487, 0.8944]], [[0.3714, 0.3162], [0.9285, 0.9487]]]
    """
    _need_float('L2Normalization', x)
    nd_ = x.dim()
    mode = a.mode
    if mode == 'instance':
        dims = tuple(range(1, nd_))
    else:
        if nd_ < 3:
            raise OpError('Error in operator L2Normalization: At least 3 dimensions required in '
                          '%s mode, got data of shape %s' % (mode, tuple(x.shape)))
        dims = (1,) if mode == 'channel' else tuple(range(2, nd_))
    if dims:
        ss = (x * x).sum(dims, keepdim=True)
    else:
        ss = x * x
    return x * torch.rsqrt(ss + a.eps)


@register('LRN', total_outputs=2,
          alpha=Param(Float32, Float32(1e-4),
                      'The variance scaling parameter alpha in the LRN expression.'),
          beta=Param(Float32, 0.75, 'The power parameter beta in the LRN expression.'),
          knorm=Param(Float32, 2.0, 'The parameter k in the LRN expression.'),
          nsize=Param(Int, doc='normalization window width in elements.'))
def lrn(a, x):
    """Local response normalization across channels (4-D ``(N, C, H, W)`` float32 input).

    Each activation is divided by a power of the summed squares of its neighbours along the
    channel axis::

      out[n, c, h, w] = data[n, c, h, w] /
          (knorm + alpha / nsize * sum(data[n, c', h, w] ** 2 for c' in window(c))) ** beta

    where ``window(c)`` is ``c - (nsize-1)//2 ... c + (nsize-1)//2``, clipped to the valid
    channels (an even ``nsize`` therefore sums ``nsize - 1`` channels, as MXNet does).

    Example::

      x = mx.nd.ones((1, 3, 1, 1))
      mx.nd.LRN(x, nsize=3, alpha=0.3)   # [1/(2+0.2)**0.75, 1/(2+0.3)**0.75, 1/(2+0.2)**0.75]
    """
    if x.dim() != 4:
        raise OpError('Error in operator LRN: data must be 4-D (N, C, H, W), got shape %s'
                      % (tuple(x.shape),))
    if x.dtype != torch.float32:
        raise OpError('Error in operator LRN: data type %s is not supported (float32 only)'
                      % dtype_name(x))
    n = a.nsize
    if n < 0:       # MXNet accepts it: an empty window
        return x * (a.knorm ** -a.beta)
    h = max((n - 1) // 2, 0)
    sq = (x * x).unsqueeze(1)
    if h:
        sq = F.pad(sq, (0, 0, 0, 0, h, h))
        s = F.avg_pool3d(sq, (2 * h + 1, 1, 1), stride=1) * (2 * h + 1)
    else:
        s = sq
    salpha = a.alpha / n if n else float('inf')
    return x * torch.pow(s.squeeze(1) * salpha + a.knorm, -a.beta)
