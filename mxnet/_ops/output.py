"""Loss / output-layer operators: SoftmaxOutput, the regression outputs, SVMOutput, MakeLoss,
make_loss, BlockGrad, IdentityAttachKLSparseReg, smooth_l1, softmax_cross_entropy, CTCLoss.

Most of these ops have a backward that is *not* the derivative of their forward: the forward is
the network's prediction (softmax, identity, sigmoid) and the backward is the gradient of a loss
against the label, ignoring the incoming head gradient. Each such op runs a
``torch.autograd.Function`` when a gradient is needed and the plain forward otherwise.
"""
import torch
import torch.nn.functional as F

from .registry import register, Param, OpError, dtype_name
from .params import Float, Bool, Str

__all__ = []

_NORM = ('batch', 'null', 'valid')



def _shp(s):
    return '[' + ','.join(str(int(d)) for d in s) + ']'


def _need_grad(*ts):
    if not torch.is_grad_enabled():
        return False
    for t in ts:
        if t is not None and t.requires_grad:
            return True
    return False


def _float_only(name, t):
    if not t.is_floating_point():
        raise OpError('Error in operator %s: This operation only support floating point types, '
                      'not %s' % (name, dtype_name(t)))


def _same_type(name, data, label, what='label'):
    if label.dtype != data.dtype:
        raise OpError("Error in operator %s: This layer requires uniform type. Expected '%s' "
                      "v.s. given '%s' at '%s'" % (name, dtype_name(data), dtype_name(label), what))


def _zeros_for(ctx, i, t):
    return torch.zeros_like(t) if ctx.needs_input_grad[i] else None


# ---------------------------------------------------------------------------------------------
# SoftmaxOutput
def _so_layout(a, data, label):
    """Returns (mode, 2-D softmax view shape info). mode: 'prob', 'multi', 'rows'."""
    ds, ls = tuple(data.shape), tuple(label.shape)
    if ls == ds:
        return 'prob'
    if data.dim() < 2:
        raise OpError('Error in operator SoftmaxOutput: Shape inconsistent, Provided = %s, '
                      'inferred shape=[]' % _shp(ls))
    if a.multi_output:
        n = ds[0]
        s = 1
        for d in ds[2:]:
            s *= d
        ok = (ls == (n, s) or ls == (n,) + ds[2:] or ls == (n, 1) + ds[2:])
        if not ok:
            raise OpError('Error in operator SoftmaxOutput: Expecting %s or %s. But got %s'
                          % (_shp((n, s)), _shp((n,) + ds[2:]), _shp(ls)))
        return 'multi'
    if ls != ds[:-1]:
        raise OpError('Error in operator SoftmaxOutput: Shape inconsistent, Provided = %s, '
                      'inferred shape=%s' % (_shp(ls), _shp(ds[:-1])))
    return 'rows'


def _so_rows_view(a, data):
    if a.preserve_shape:
        return data.reshape(-1, data.shape[-1])
    return data.reshape(data.shape[0], -1)


def _so_forward(a, mode, data):
    if mode == 'multi' or (mode == 'prob' and a.multi_output and data.dim() >= 2):
        return torch.softmax(data, dim=1)
    if data.dim() == 1:
        return torch.softmax(data.reshape(-1, 1), dim=1).reshape(data.shape)
    return torch.softmax(_so_rows_view(a, data), dim=1).reshape(data.shape)


def _label_grad_rows(a, p2, lab, alpha):
    """(p - smoothed one-hot(label)) for rows p2 (R, K) and float labels lab (R,), with ignore."""
    k = p2.shape[1]
    li = lab.to(torch.int64)
    valid = (li >= 0) & (li < k)
    off = alpha / (k - 1) if (alpha and k > 1) else 0.0
    on = 1.0 - alpha
    target = torch.full_like(p2, off)
    onv = torch.where(valid, torch.tensor(on, dtype=p2.dtype, device=p2.device),
                      torch.tensor(off, dtype=p2.dtype, device=p2.device))
    target.scatter_(1, li.clamp(0, k - 1).unsqueeze(1), onv.unsqueeze(1))
    g = p2 - target
    if a.use_ignore:
        keep = li != int(a.ignore_label)
        g = g * keep.unsqueeze(1).to(g.dtype)
    return g


def _valid_count(a, lab):
    n = lab.numel() - int((lab.to(torch.int64) == int(a.ignore_label)).sum())
    return max(n, 1)


def _so_grad(a, mode, out, label):
    if mode == 'prob':
        g = (out - label) * a.grad_scale
    elif mode == 'multi':
        n, k = out.shape[0], out.shape[1]
        p3 = out.reshape(n, k, -1)
        s = p3.shape[2]
        lab = label.reshape(-1)
        # MXNet applies no label smoothing with multi_output
        g = _label_grad_rows(a, p3.transpose(1, 2).reshape(-1, k), lab, 0.0)
        g = g.reshape(n, s, k).transpose(1, 2).reshape(out.shape)
        if a.normalization == 'valid':
            scale = a.grad_scale / _valid_count(a, lab)
        elif a.normalization == 'batch':
            scale = a.grad_scale / s / n
        else:
            scale = a.grad_scale / s
        g = g * scale
    else:
        p2 = _so_rows_view(a, out)
        lab = label.reshape(-1)
        g = _label_grad_rows(a, p2, lab[:p2.shape[0]], a.smooth_alpha).reshape(out.shape)
        if a.normalization == 'valid':
            scale = a.grad_scale / _valid_count(a, lab)
        elif a.normalization == 'batch':
            scale = a.grad_scale / lab.numel()
        else:
            scale = a.grad_scale
        g = g * scale
    if a.out_grad:
        # MXNet 1.9.1 hands the op's own output (not the head gradient) to this product
        g = g * out
    return g


class _SoftmaxOutputFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, label, a, mode):
        out = _so_forward(a, mode, data)
        ctx.save_for_backward(out, label)
        ctx.a, ctx.mode = a, mode
        return out

    @staticmethod
    def backward(ctx, g):
        out, label = ctx.saved_tensors
        gd = _so_grad(ctx.a, ctx.mode, out, label) if ctx.needs_input_grad[0] else None
        return gd, _zeros_for(ctx, 1, label), None, None


def _so_infer(a, shapes):
    d, l = shapes
    if d is not None and l is None:
        d = tuple(d)
        if a.multi_output:
            s = 1
            for x in d[2:]:
                s *= x
            l = (d[0], s)
        else:
            l = d[:-1]
    return [d, l]


@register('SoftmaxOutput', inputs=('data', 'label'), aliases=('Softmax',), infer_shape=_so_infer,
          fill_only=True, shape_rule='like_data', loss=True,
          grad_scale=Param(Float, 1.0, 'Scales the gradient by a float factor.'),
          ignore_label=Param(Float, -1.0, 'The instances whose `labels` == `ignore_label` will be '
                             'ignored during backward, if `use_ignore` is set to ``true``).'),
          multi_output=Param(Bool, False, 'If set to ``true``, the softmax function will be '
                             'computed along axis ``1``.'),
          use_ignore=Param(Bool, False, 'If set to ``true``, the `ignore_label` value will not '
                           'contribute to the backward gradient.'),
          preserve_shape=Param(Bool, False, 'If set to ``true``, the softmax function will be '
                               'computed along the last axis (``-1``).'),
          normalization=Param(Str, 'null', 'Normalizes the gradient.', choices=_NORM),
          out_grad=Param(Bool, False, 'Multiplies gradient with output gradient element-wise.'),
          smooth_alpha=Param(Float, 0.0, 'Constant for computing a label smoothed version of '
                             'cross-entropy for the backwards pass.'))
def SoftmaxOutput(a, data, label):
    """Softmax in the forward pass; gradient of cross-entropy against ``label`` in the backward.

    The forward returns softmax probabilities of ``data``. By default ``data`` is viewed as
    ``(d1, size/d1)`` and each row is normalised; ``preserve_shape=True`` normalises along the
    last axis, ``multi_output=True`` along axis 1 (``label`` then has shape ``(d1, d3, ...)``).
    ``label`` holds class indices (shape of ``data`` without its softmax axis) or, when it has
    the same shape as ``data``, probabilities.

    The backward pass ignores the head gradient and yields ``grad_scale * (out - onehot(label))``
    (with ``smooth_alpha`` label smoothing, ``use_ignore``/``ignore_label`` masking and the
    ``normalization`` divisor 'null', 'batch' or 'valid').

    Example::

      x = [[1, 2, 3], [1, 1, 1]]
      SoftmaxOutput(x, label=[2, 0]) = [[0.0900, 0.2447, 0.6652], [0.3333, 0.3333, 0.3333]]
      gradient w.r.t. x              = [[0.0900, 0.2447, -0.3348], [-0.6667, 0.3333, 0.3333]]
    """
    _float_only('SoftmaxOutput', data)
    _same_type('SoftmaxOutput', data, label)
    mode = _so_layout(a, data, label)
    if _need_grad(data, label):
        return _SoftmaxOutputFn.apply(data, label, a, mode)
    return _so_forward(a, mode, data)


# ---------------------------------------------------------------------------------------------
# regression outputs
def _reg_check(name, data, label):
    _float_only(name, data)
    _same_type(name, data, label)
    ds, ls = tuple(data.shape), tuple(label.shape)
    if ls != ds:
        if (len(ls) == 0 or len(ds) == 0 or ls[0] != ds[0] or label.numel() != data.numel()):
            inferred = (ds[0],) if (len(ds) == 2 and ds[1] == 1) else ds
            raise OpError('Error in operator %s: Shape inconsistent, Provided=%s, inferred '
                          'shape=%s' % (name, _shp(ls), _shp(inferred)))


def _reg_grad(kind, a, out, label):
    lab = label.reshape(out.shape)
    m = out.numel() // out.shape[0] if out.dim() and out.shape[0] else 1
    diff = out - lab
    if kind == 'mae':
        diff = torch.sign(diff)
    return diff * (a.grad_scale / max(m, 1))


class _RegressionFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, label, a, kind):
        out = torch.sigmoid(data) if kind == 'logistic' else data.clone()
        ctx.save_for_backward(out, label)
        ctx.a, ctx.kind = a, kind
        return out

    @staticmethod
    def backward(ctx, g):
        out, label = ctx.saved_tensors
        gd = _reg_grad(ctx.kind, ctx.a, out, label) if ctx.needs_input_grad[0] else None
        return gd, _zeros_for(ctx, 1, label), None, None


def _reg_infer(a, shapes):
    d, l = shapes
    if d is not None and l is None:
        d = tuple(d)
        l = (d[0],) if (len(d) == 2 and d[1] == 1) else d
    return [d, l]


_REG_DOC = {
    'linear': ('LinearRegressionOutput', 'squared loss',
               'Forward returns ``data`` unchanged; backward gives '
               '``grad_scale / m * (data - label)``.'),
    'logistic': ('LogisticRegressionOutput', 'logistic (sigmoid cross-entropy) loss',
                 'Forward returns ``sigmoid(data)``; backward gives '
                 '``grad_scale / m * (sigmoid(data) - label)``.'),
    'mae': ('MAERegressionOutput', 'mean absolute error',
            'Forward returns ``data`` unchanged; backward gives '
            '``grad_scale / m * sign(data - label)``.'),
}


def _define_regression(kind):
    name, loss, how = _REG_DOC[kind]

    def fn(a, data, label):
        _reg_check(name, data, label)
        if _need_grad(data, label):
            return _RegressionFn.apply(data, label, a, kind)
        return torch.sigmoid(data) if kind == 'logistic' else data.clone()
    fn.__doc__ = ('Output layer optimising the %s in the backward pass.\n\n%s\n'
                  '``m`` is the number of outputs per example (``data.size / data.shape[0]``); '
                  'the head gradient is ignored. ``label`` must have the same size and first '
                  'dimension as ``data`` (it is reshaped to ``data``\'s shape).\n\n'
                  'Example::\n\n  %s(data=[[1, 2]], label=[[0, 4]]) = [[%s]]\n'
                  % (loss, how, name, '0.7311, 0.8808' if kind == 'logistic' else '1, 2'))
    fn.__name__ = name
    register(name, inputs=('data', 'label'), aliases=('_sparse_' + name,),
             infer_shape=_reg_infer, loss=True, monitor_indexed_outputs=True,
             grad_scale=Param(Float, 1.0, 'Scale the gradient by a float factor'))(fn)


for _k in ('linear', 'logistic', 'mae'):
    _define_regression(_k)


# ---------------------------------------------------------------------------------------------
# SVMOutput
def _svm_grad(a, data, label):
    k = data.shape[-1]
    x = data.reshape(-1, k)
    li = label.reshape(-1).to(torch.int64)
    is_lab = torch.arange(k, device=x.device).unsqueeze(0) == li.unsqueeze(1)
    m, c = a.margin, a.regularization_coefficient
    zero = torch.zeros((), dtype=x.dtype, device=x.device)
    if a.use_linear:
        g_lab = torch.where(m > x, -torch.ones_like(x), zero) * c
        g_oth = torch.where(m > -x, torch.ones_like(x), zero) * c
    else:
        g_lab = torch.where(m > x, 2 * (m - x), zero) * -c
        g_oth = torch.where(m > -x, 2 * (m + x), zero) * c
    return torch.where(is_lab, g_lab, g_oth).reshape(data.shape)


class _SVMFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, label, a):
        ctx.save_for_backward(data, label)
        ctx.a = a
        return data.clone()

    @staticmethod
    def backward(ctx, g):
        data, label = ctx.saved_tensors
        gd = _svm_grad(ctx.a, data, label) if ctx.needs_input_grad[0] else None
        return gd, _zeros_for(ctx, 1, label), None


def _svm_infer(a, shapes):
    d, l = shapes
    if d is not None and l is None:
        l = tuple(d)[:-1]
    return [d, l]


@register('SVMOutput', inputs=('data', 'label'), infer_shape=_svm_infer, loss=True,
          margin=Param(Float, 1.0, 'The loss function penalizes outputs that lie outside this '
                       'margin. Default margin is 1.'),
          regularization_coefficient=Param(Float, 1.0, 'Regularization parameter for the SVM. '
                                           'This balances the tradeoff between coefficient size '
                                           'and error.'),
          use_linear=Param(Bool, False, 'Whether to use L1-SVM objective. L2-SVM objective is '
                           'used by default.'))
def SVMOutput(a, data, label):
    """Support-vector-machine output layer.

    The forward returns ``data`` (class scores, classes on the last axis) unchanged. The
    backward ignores the head gradient and yields the gradient of the one-vs-all hinge loss
    (squared hinge by default, plain hinge with ``use_linear=True``) against the class indices
    in ``label`` (shape ``data.shape[:-1]``), scaled by ``regularization_coefficient``.

    Example::

      SVMOutput(data=[[0.5, -2.]], label=[0]) = [[0.5, -2.]]
      gradient w.r.t. data (L2-SVM)          = [[-1., 0.]]
    """
    _same_type('SVMOutput', data, label)
    if data.dim() < 2 or tuple(label.shape) != tuple(data.shape[:-1]):
        raise OpError('Error in operator SVMOutput: Shape inconsistent, Provided = %s, inferred '
                      'shape=%s' % (_shp(label.shape), _shp(data.shape[:-1])))
    if _need_grad(data, label):
        return _SVMFn.apply(data, label, a)
    return data.clone()


# ---------------------------------------------------------------------------------------------
# MakeLoss / make_loss / BlockGrad
class _MakeLossFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, a):
        ctx.a = a
        out = data.clone()
        ctx.save_for_backward(out)
        return out

    @staticmethod
    def backward(ctx, g):
        a = ctx.a
        (out,) = ctx.saved_tensors
        if a.normalization == 'valid':
            scale = a.grad_scale / max(int((out > a.valid_thresh).sum()), 1)
        elif a.normalization == 'batch':
            rows = out.numel() // out.shape[-1] if out.dim() > 1 and out.shape[-1] else 1
            scale = a.grad_scale / max(rows, 1)
        else:
            scale = a.grad_scale
        return torch.full_like(out, scale), None


@register('MakeLoss', shape_rule='like_data', loss=True, in_place=True,
          backward_named_by_input=True,
          grad_scale=Param(Float, 1.0, 'Gradient scale as a supplement to unary and binary '
                           'operators'),
          valid_thresh=Param(Float, 0.0, 'clip each element in the array to 0 when it is less '
                             'than ``valid_thresh``. This is used when ``normalization`` is set '
                             "to ``'valid'``."),
          normalization=Param(Str, 'null', 'If this is set to null, the output gradient will not '
                              'be normalized. If this is set to batch, the output gradient will '
                              'be divided by the batch size. If this is set to valid, the output '
                              'gradient will be divided by the number of valid input elements.',
                              choices=_NORM))
def MakeLoss(a, data):
    """Marks ``data`` as a loss: forward is the identity, backward ignores the head gradient.

    The gradient is ``grad_scale`` everywhere, divided by the number of rows
    (``data.size / data.shape[-1]``) for ``normalization='batch'`` or by the number of elements
    greater than ``valid_thresh`` for ``normalization='valid'``.

    Example::

      loss = MakeLoss(cross_entropy, grad_scale=2)   # d loss / d cross_entropy = 2
    """
    _float_only('MakeLoss', data)
    if _need_grad(data):
        return _MakeLossFn.apply(data, a)
    return data.clone()


class _OnesGradFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data):
        return data.clone()

    @staticmethod
    def backward(ctx, g):
        return torch.ones_like(g)


@register('make_loss', aliases=('_sparse_make_loss',), output_names=('loss',), loss=True,
          in_place=True, backward_named_by_input=True, monitor_indexed_inputs=True)
def make_loss(a, data):
    """Marks ``data`` as a loss: the output equals ``data`` and its gradient w.r.t. ``data`` is
    all ones, whatever the head gradient.

    Example::

      loss = make_loss(square(pred - label))   # d loss / d (square(...)) = 1
    """
    if _need_grad(data):
        return _OnesGradFn.apply(data)
    return data.clone()


class _ZeroGradFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data):
        return data.clone()

    @staticmethod
    def backward(ctx, g):
        return torch.zeros_like(g)


@register('BlockGrad', aliases=('stop_gradient', '_sparse_stop_gradient'), shape_rule='like_data',
          loss=True, blocks_grad=True, in_place=True, monitor_indexed_inputs=True,
          monitor_indexed_outputs=True)
def BlockGrad(a, data):
    """Stops gradient computation: the output equals ``data``; no gradient flows back through
    it (the input receives zeros).

    Example::

      v = [1, 2]
      y = stop_gradient(3 * v) + v     # y = [4, 8]; dy/dv = [1, 1]
    """
    if _need_grad(data):
        return _ZeroGradFn.apply(data)
    return data.clone()


# ---------------------------------------------------------------------------------------------
# IdentityAttachKLSparseReg
class _KLSparseFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, a, avg):
        ctx.a, ctx.avg = a, avg
        ctx.save_for_backward(data)
        return data.clone()

    @staticmethod
    def backward(ctx, g):
        a, avg = ctx.a, ctx.avg
        (data,) = ctx.saved_tensors
        with torch.no_grad():
            dims = [d for d in range(data.dim()) if d != 1]
            mean = data.mean(dim=dims) if dims else data
            avg.mul_(a.momentum).add_(mean.to(avg.dtype), alpha=1.0 - a.momentum)
            t = a.sparseness_target
            pen = (a.penalty * (-t / avg + (1.0 - t) / (1.0 - avg))).to(g.dtype)
            shape = [1] * data.dim()
            shape[1] = -1
            return g + pen.reshape(shape), None, None


def _kl_infer(a, shapes):
    d, m = shapes
    if d is not None and m is None and len(d) > 1:
        m = (d[1],)
    return [d, m]


@register('IdentityAttachKLSparseReg', inputs=('data', 'moving_avg'), aux=('moving_avg',),
          infer_shape=_kl_infer, loss=True,
          sparseness_target=Param(Float, 0.1, 'The sparseness target'),
          penalty=Param(Float, 0.001, 'The tradeoff parameter for the sparseness penalty'),
          momentum=Param(Float, 0.9, 'The momentum for running average'))
def IdentityAttachKLSparseReg(a, data, moving_avg):
    """Identity in the forward pass; adds a KL-divergence sparsity penalty on the mean
    activation of each unit (axis 1) to the gradient.

    ``data`` is usually the output of a sigmoid, of shape ``(batch, units)``. The auxiliary
    state ``moving_avg`` (shape ``(units,)``) is updated in the backward pass as
    ``avg = momentum * avg + (1 - momentum) * mean(data, axis=0)``, and the gradient becomes
    ``head_grad + penalty * (-sparseness_target / avg + (1 - sparseness_target) / (1 - avg))``.
    """
    if moving_avg is None:
        raise OpError('Error in operator IdentityAttachKLSparseReg: expects 2 inputs '
                      '(data, moving_avg), but got 1')
    if data.dim() < 2 or tuple(moving_avg.shape) != (data.shape[1],):
        raise OpError('Error in operator IdentityAttachKLSparseReg: moving_avg must have shape '
                      '(%s,) for data of shape %s, got %s'
                      % (data.shape[1] if data.dim() > 1 else '?', _shp(data.shape),
                         _shp(moving_avg.shape)))
    if _need_grad(data):
        return _KLSparseFn.apply(data, a, moving_avg)
    return data.clone()


# ---------------------------------------------------------------------------------------------
# smooth_l1
@register('smooth_l1', monitor_indexed_inputs=True, monitor_indexed_outputs=True,
          scalar=Param(Float, 1.0, 'scalar input'),
          is_int=Param(Bool, True, 'Indicate whether scalar input is int type'))
def smooth_l1(a, data):
    """Smooth L1 loss, element-wise, with ``sigma = scalar``::

      f(x) = 0.5 * (sigma * x)**2     if |x| < 1 / sigma**2
             |x| - 0.5 / sigma**2     otherwise

    Example::

      smooth_l1([1, 2, 3, 4]) = [0.5, 1.5, 2.5, 3.5]
      smooth_l1([1, 2, 3, 4], scalar=1) = [0.5, 1.5, 2.5, 3.5]
    """
    s2 = a.scalar * a.scalar
    x = data if data.is_floating_point() else data.to(torch.float64)
    ax = x.abs()
    y = torch.where(ax < 1.0 / s2, (0.5 * s2) * x * x, ax - 0.5 / s2)
    return y if y.dtype == data.dtype else y.to(data.dtype)


# ---------------------------------------------------------------------------------------------
# softmax_cross_entropy
class _SCEFn(torch.autograd.Function):
    @staticmethod
    def forward(ctx, data, label):
        p = torch.softmax(data, dim=1)
        loss = _sce_loss(p, label)
        ctx.save_for_backward(p, label)
        return loss

    @staticmethod
    def backward(ctx, g):
        p, label = ctx.saved_tensors
        if ctx.needs_input_grad[1]:
            raise OpError('Error in operator softmax_cross_entropy: Cannot take gradient wrt '
                          'label')
        k = p.shape[1]
        li = label.to(torch.int64)
        valid = (li >= 0) & (li < k)
        onehot = torch.zeros_like(p)
        onehot.scatter_(1, li.clamp(0, k - 1).unsqueeze(1), valid.to(p.dtype).unsqueeze(1))
        return (p - onehot) * g.reshape(()), None


def _sce_loss(p, label):
    k = p.shape[1]
    li = label.to(torch.int64)
    valid = (li >= 0) & (li < k)
    picked = p.gather(1, li.clamp(0, k - 1).unsqueeze(1)).squeeze(1)
    picked = torch.where(valid, picked, torch.zeros_like(picked))
    return -torch.log(picked.clamp_min(1e-8)).sum().reshape(1)


@register('softmax_cross_entropy', inputs=('data', 'label'), monitor_indexed_outputs=True)
def softmax_cross_entropy(a, data, label):
    """Cross-entropy of ``softmax(data)`` against integer class labels, summed over the batch.

    ``data`` has shape ``(batch, classes)``, ``label`` shape ``(batch,)``; the result has shape
    ``(1,)``: ``-sum_i log(softmax(data)[i, label[i]])``.

    Example::

      x = [[1, 2, 3], [11, 7, 5]]
      softmax_cross_entropy(x, label=[2, 0]) = [0.4281871]
    """
    if data.dim() != 2:
        raise OpError('Error in operator softmax_cross_entropy: SoftmaxCrossEntropy only accept '
                      '2D data, got shape %s' % _shp(data.shape))
    if label.dim() != 1:
        raise OpError('Error in operator softmax_cross_entropy: SoftmaxCrossEntropy only accept '
                      '1D label, got shape %s' % _shp(label.shape))
    if data.shape[0] != label.shape[0]:
        raise OpError('Error in operator softmax_cross_entropy: data label shape mismatch '
                      '(%d vs. %d)' % (data.shape[0], label.shape[0]))
    if label.dtype != data.dtype:
        raise OpError('Error in operator softmax_cross_entropy: Incompatible attr at 1-th input: '
                      'expected %s, got %s' % (dtype_name(data), dtype_name(label)))
    if _need_grad(data, label):
        return _SCEFn.apply(data, label)
    return _sce_loss(torch.softmax(data, dim=1), label)


# ---------------------------------------------------------------------------------------------
# CTCLoss
def _ctc_inputs(a):
    ins = ['data', 'label']
    if a.use_data_lengths:
        ins.append('data_lengths')
    if a.use_label_lengths:
        ins.append('label_lengths')
    return tuple(ins)


def _ctc_infer(a, shapes):
    shapes = list(shapes)
    d = shapes[0]
    if d is not None:
        for i in range(2, len(shapes)):
            if shapes[i] is None:
                shapes[i] = (d[1],)
    return shapes


def _ctc_err(msg):
    return OpError('Error in operator CTCLoss: ' + msg)


@register('CTCLoss', inputs=('data', 'label', 'data_lengths', 'label_lengths'),
          aliases=('ctc_loss', '_contrib_CTCLoss', '_contrib_ctc_loss'),
          inputs_fn=_ctc_inputs, infer_shape=_ctc_infer, output_names=('output0',),
          total_outputs=2, monitor_indexed_outputs=True,
          use_data_lengths=Param(Bool, False, 'Whether the data lenghts are decided by '
                                 '`data_lengths`. If false, the lengths are equal to the max '
                                 'sequence length.'),
          use_label_lengths=Param(Bool, False, 'Whether the label lenghts are decided by '
                                  '`label_lengths`, or derived from `padding_mask`.'),
          blank_label=Param(Str, 'first', 'Set the label that is reserved for blank label.',
                            choices=('first', 'last')))
def CTCLoss(a, data, label, data_lengths=None, label_lengths=None):
    """Connectionist Temporal Classification loss.

    ``data``: activations (before softmax) of shape ``(sequence_length, batch, alphabet_size)``;
    ``label``: ``(batch, label_sequence_length)`` class indices; the result has shape
    ``(batch,)``, one negative log-likelihood per example.

    With ``blank_label='first'`` channel 0 is the blank, labels are ``1..alphabet_size-1`` and
    shorter label sequences are padded with ``0``; with ``blank_label='last'`` channel
    ``alphabet_size-1`` is the blank, labels are ``0..alphabet_size-2`` and padding is ``-1``.
    Unless ``use_label_lengths`` is set (then ``label_lengths`` gives them), a label sequence
    ends at the first padding value. ``use_data_lengths`` with ``data_lengths`` gives each
    example's number of valid time steps (default: all of them).

    Example::

      data: (5, 2, 4) activations, label = [[1, 2, 0], [3, 3, 1]]
      CTCLoss(data, label) -> shape (2,)
    """
    # the nd front end fills inputs positionally: with only use_label_lengths, the third
    # array given is the label lengths (MXNet compacts the present inputs)
    if a.use_label_lengths and not a.use_data_lengths and label_lengths is None:
        data_lengths, label_lengths = None, data_lengths
    want = 2 + a.use_data_lengths + a.use_label_lengths
    got = 2 + (data_lengths is not None) + (label_lengths is not None)
    if label is None or got != want or (a.use_data_lengths and data_lengths is None):
        raise _ctc_err('expects %d inputs, but got %d instead' % (want, got - (label is None)))
    if data.dim() != 3:
        raise _ctc_err('The number of dimensions of data array must be 3, got shape %s'
                       % _shp(data.shape))
    if label.dim() != 2:
        raise _ctc_err('The number of dimensions of labels array must be 2, got shape %s'
                       % _shp(label.shape))
    T, N, C = data.shape
    if label.shape[0] != N:
        raise _ctc_err('The batch size for the labels and data arrays must be the same '
                       '(%d vs. %d)' % (N, label.shape[0]))
    L = label.shape[1]
    if L > T:
        raise _ctc_err('The max number of labels cannot exceed the maximum sequence length of '
                       'the data (%d vs. %d)' % (T, L))
    if not data.is_floating_point():
        raise _ctc_err('data must be floating point, got %s' % dtype_name(data))
    dev = data.device
    first = a.blank_label == 'first'
    blank = 0 if first else C - 1
    lab = label.to(torch.int64)
    if a.use_data_lengths:
        if tuple(data_lengths.shape) != (N,):
            raise _ctc_err('The batch size for the data and data lengths must be the same '
                           '(data_lengths shape %s, batch %d)' % (_shp(data_lengths.shape), N))
        dl = data_lengths.to(torch.int64)
    else:
        dl = torch.full((N,), T, dtype=torch.int64, device=dev)
    if a.use_label_lengths:
        if tuple(label_lengths.shape) != (N,):
            raise _ctc_err('The batch size for the labels and label lengths must be the same '
                           '(label_lengths shape %s, batch %d)' % (_shp(label_lengths.shape), N))
        ll = label_lengths.to(torch.int64)
    else:
        pad = lab == (0 if first else -1)
        pos = torch.arange(L, device=dev).expand(N, L)
        ll = torch.where(pad, pos, torch.full_like(pos, L)).amin(dim=1) if L else \
            torch.zeros(N, dtype=torch.int64, device=dev)
    if dev.type != 'meta':
        if bool(((dl < 0) | (dl > T)).any()):
            raise _ctc_err('data_lengths must lie in [0, %d], got %s' % (T, dl.tolist()))
        if bool(((ll < 0) | (ll > L)).any()):
            raise _ctc_err('label_lengths must lie in [0, %d], got %s' % (L, ll.tolist()))
        inside = torch.arange(L, device=dev).unsqueeze(0) < ll.unsqueeze(1)
        bad = inside & ((lab < 0) | (lab >= C))
        if bool(bad.any()):
            raise _ctc_err('label values must lie in [0, %d) for alphabet_size %d, got %s'
                           % (C, C, lab[bad].tolist()))
        lab = torch.where(inside, lab, torch.zeros_like(lab))
    else:
        return torch.empty((N,), dtype=data.dtype, device=dev)
    x = data if data.dtype in (torch.float32, torch.float64) else data.float()
    if a.use_data_lengths:
        # steps past an example's length are never read (their gradient is 0, even if NaN)
        valid = torch.arange(T, device=dev).view(T, 1) < dl.view(1, N)
        x = torch.where(valid.unsqueeze(-1), x, torch.zeros((), dtype=x.dtype, device=dev))
    logp = torch.log_softmax(x, dim=2)
    loss = F.ctc_loss(logp, lab, dl, ll, blank=blank, reduction='none', zero_infinity=True)
    return loss if loss.dtype == data.dtype else loss.to(data.dtype)
