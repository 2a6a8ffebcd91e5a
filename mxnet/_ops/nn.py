"""Core neural-network operators: FullyConnected, Activation, LeakyReLU, softmax, log_softmax,
softmin, SoftmaxActivation, Dropout, Embedding.

These sit on every training step, so the forwards call ``torch.nn.functional`` directly and do
only cheap tuple comparisons for validation. MXNet 1.9.1 semantics kept here:

* floating-point inputs only (integer inputs raise, as MXNet's type checks do); all inputs of
  one op share a dtype;
* ``FullyConnected(flatten=True)`` collapses every axis but the first (a 1-D input of length N
  becomes (N, 1)); ``flatten=False`` applies the layer to the last axis;
* ``LeakyReLU(act_type='gelu')`` is the exact (erf) GELU; ``prelu``'s gamma is matched against
  the data's first two axes from the right (usually the channel axis 1); ``rrelu`` has two
  outputs (output, mask): in training the mask holds the per-element random slopes drawn from
  U(lower_bound, upper_bound), in predict mode the slope is (lower_bound + upper_bound) / 2 and
  the mask is zeros;
* ``SoftmaxActivation(mode='instance')`` normalises over the *last* axis (MXNet flattens to
  2-D keeping the last axis), ``mode='channel'`` over axis 1 of an input with >= 3 axes;
* ``Dropout`` is active in training mode (or always with ``mode='always'``), keeps elements
  with probability 1-p and scales them by 1/(1-p); ``axes`` share one mask value along those
  axes; ``p=1`` in training gives NaN as in MXNet (0 * inf);
* ``Embedding`` truncates the indices toward zero and clips them to [0, input_dim-1]; its
  weight gradient accumulates over repeated indices.

Two gradients are MXNet 1.9.1's rather than the exact derivative (custom autograd Functions
below): ``LeakyReLU(act_type='selu')`` for negative inputs, and
``SoftmaxActivation(mode='instance')`` on inputs with more than two axes.
"""
import numpy as np
import torch
import torch.nn.functional as F

from .registry import register, Param, OpError, dtype_name
from .params import Int, Float, Bool, OptBool, OptFloat, Str, Shape, Dtype
from .. import _state

__all__ = []

_STATE = _state.state
_FLOATS = frozenset((torch.float16, torch.float32, torch.float64, torch.bfloat16))
_LENGTH_INTS = frozenset((torch.int8, torch.int32, torch.int64))



def _need_float(op, t):
    if t.dtype not in _FLOATS:
        raise OpError('Error in operator %s: This operation only support floating point types, '
                      'not %s' % (op, dtype_name(t.dtype)))


def _same_dtype(op, data, other, idx, what):
    if other.dtype is not data.dtype:
        raise OpError('Error in operator %s: Type inconsistent at %d-th input (%s): expected %s, '
                      'got %s' % (op, idx, what, dtype_name(data.dtype), dtype_name(other.dtype)))


def _shape(t):
    return list(t.shape)


def _probability(v):
    p = Float(v)
    if not 0.0 <= p <= 1.0:
        raise ValueError('value %s for Parameter p exceed bound [0,1]' % v)
    return p


_probability.__name__ = 'float'


def _positive_int(v):
    i = Int(v)
    if i < 1:
        raise ValueError('value %s should be greater equal to 1' % (v,))
    return i


_positive_int.__name__ = 'int'


# ---------------------------------------------------------------------------------------------
# FullyConnected
def _fc_inputs(a):
    return ('data', 'weight') if a.no_bias else ('data', 'weight', 'bias')


def _fc_infer_shape(a, shapes):
    shapes = list(shapes)
    data = shapes[0]
    nh = a.num_hidden
    if data is not None and len(data) > 0:
        if a.flatten:
            in_units = 1
            for d in data[1:]:
                in_units *= d
        else:
            in_units = data[-1]
        if len(shapes) > 1 and shapes[1] is None:
            shapes[1] = (nh, in_units)
    if len(shapes) > 2 and shapes[2] is None:
        shapes[2] = (nh,)
    return shapes


def _fc_batch_dims(attrs, out):
    """The data dims a known output gives (batch_from_output): the batch, or every dim but
    the last without flatten."""
    return 1 if attrs.flatten else len(out) - 1


@register('FullyConnected', inputs=('data', 'weight', 'bias'),
          aliases=('_sparse_FullyConnected',),
          inputs_fn=_fc_inputs, infer_shape=_fc_infer_shape, batch_from_output=_fc_batch_dims,
          num_hidden=Param(_positive_int, doc='Number of hidden nodes of the output.'),
          no_bias=Param(Bool, False, 'Whether to disable bias parameter.'),
          flatten=Param(Bool, True, 'Whether to collapse all but the first axis of the input '
                                    'data tensor.'))
def fully_connected(a, data, weight=None, bias=None):
    """Applies a linear transformation: :math:`Y = XW^T + b`.

    With ``flatten=True`` (the default) the input of shape (N, d1, ..., dk) is treated as a
    matrix (N, d1*...*dk); ``weight`` has shape (num_hidden, d1*...*dk), ``bias`` (num_hidden,)
    and the output is (N, num_hidden). With ``flatten=False`` the transformation applies to the
    last axis: input (x1, ..., xn, k), weight (num_hidden, k), output (x1, ..., xn, num_hidden).
    With ``no_bias=True`` the ``bias`` input is not given.

    Example::

        x = mx.nd.ones((2, 3, 4))
        w = mx.nd.ones((5, 12))
        b = mx.nd.zeros((5,))
        mx.nd.FullyConnected(x, w, b, num_hidden=5).shape           # (2, 5)
        mx.nd.FullyConnected(x, mx.nd.ones((5, 4)), b, num_hidden=5,
                             flatten=False).shape                   # (2, 3, 5)
    """
    nh = a.num_hidden
    if a.flatten and data.dim() != 2 and data.dim() != 0:
        data = data.reshape(data.shape[0], -1)
    dt = data.dtype
    # one combined check on the hot path; _fc_fail explains what went wrong
    if (weight is not None and weight.dtype is dt and dt in _FLOATS and data.dim()
            and weight.shape == (nh, data.shape[-1])
            and ((bias is None) if a.no_bias
                 else (bias is not None and bias.dtype is dt and bias.shape == (nh,)))):
        return F.linear(data, weight, bias)
    return _fc_fail(a, data, weight, bias)


def _fc_fail(a, data, weight, bias):
    nh = a.num_hidden
    if weight is None:
        raise OpError('Error in operator FullyConnected: expects %d inputs (data, weight%s), '
                      'but the weight was not given' % (2 if a.no_bias else 3,
                                                        '' if a.no_bias else ', bias'))
    if a.no_bias:
        if bias is not None:
            raise OpError('Error in operator FullyConnected: expects 2 inputs (no_bias=True), '
                          'but got 3 instead')
    elif bias is None:
        raise OpError('Error in operator FullyConnected: expects 3 inputs (data, weight, bias), '
                      'but got 2 instead; pass no_bias=True to go without bias')
    if data.dim() == 0:
        raise OpError('Error in operator FullyConnected: data must have at least 1 axis')
    ws = weight.shape
    if len(ws) != 2 or ws[0] != nh or (data.dim() and ws[1] != data.shape[-1]):
        raise OpError('Error in operator FullyConnected: Shape inconsistent, weight has shape '
                      '%s, expected (%d, %d) (num_hidden=%d, data shape %s, flatten=%s)'
                      % (_shape(weight), nh, data.shape[-1] if data.dim() else 0, nh,
                         _shape(data), a.flatten))
    if data.dtype is not weight.dtype:
        _same_dtype('FullyConnected', data, weight, 1, 'weight')
    if data.dtype not in _FLOATS:
        raise OpError('Error in operator FullyConnected: Unsupported type %s (only floating '
                      'point data)' % dtype_name(data.dtype))
    if bias is not None:
        if bias.dtype is not data.dtype:
            _same_dtype('FullyConnected', data, bias, 2, 'bias')
        if tuple(bias.shape) == (nh, 1):  # MXNet's shape inference accepts (num_hidden, 1)
            return F.linear(data, weight, bias.reshape(nh))
        if bias.dim() != 1 or bias.shape[0] != nh:
            raise OpError('Error in operator FullyConnected: Unexpected shape for bias %s, '
                          'expected (%d,)' % (_shape(bias), nh))
    raise OpError('Error in operator FullyConnected: invalid inputs (data %s, weight %s, bias %s)'
                  % (_shape(data), _shape(weight), None if bias is None else _shape(bias)))


# ---------------------------------------------------------------------------------------------
# Activation
_ACTIVATIONS = {
    'relu': torch.relu,
    'sigmoid': torch.sigmoid,
    'softrelu': F.softplus,
    'softsign': F.softsign,
    'tanh': torch.tanh,
}


@register('Activation', unnamed_inputs=True, shape_rule='like_data', monitor_indexed_inputs=True,
          act_type=Param(Str, doc='Activation function to be applied.',
                         choices=sorted(_ACTIVATIONS)))
def activation(a, data):
    """Applies an activation function element-wise to the input.

    ``act_type`` is one of

    - ``relu``: :math:`\\max(x, 0)`
    - ``sigmoid``: :math:`1 / (1 + \\exp(-x))`
    - ``tanh``: hyperbolic tangent
    - ``softrelu``: :math:`\\log(1 + \\exp(x))` (softplus)
    - ``softsign``: :math:`x / (1 + |x|)`

    The output has the input's shape and dtype (floating point only).

    Example::

        mx.nd.Activation(mx.nd.array([-1, 0, 2]), act_type='relu')   # [0, 0, 2]
    """
    if data.dtype not in _FLOATS:
        _need_float('Activation', data)
    return _ACTIVATIONS[a.act_type](data)


# ---------------------------------------------------------------------------------------------
# LeakyReLU
_LEAKY_TYPES = ('elu', 'gelu', 'leaky', 'prelu', 'rrelu', 'selu')


def _lrelu_inputs(a):
    return ('data', 'gamma') if a.act_type == 'prelu' else ('data',)


def _lrelu_infer_shape(a, shapes):
    shapes = list(shapes)
    if a.act_type == 'prelu' and len(shapes) > 1 and shapes[1] is None:
        d = shapes[0]
        if d is not None and len(d) >= 2:
            shapes[1] = (d[1],)
        elif d is not None:
            shapes[1] = (1,)
    return shapes


_GAMMA_VIEWS = {}


def _gamma_view(gshape, dshape):
    """Shape gamma takes to broadcast against data: its axes are matched from the right
    against the data's axes 1 and 0 only (equal size or 1), every other data axis gets 1."""
    key = (gshape, dshape)
    hit = _GAMMA_VIEWS.get(key)
    if hit is not None:
        return hit
    out = [1] * len(dshape)
    s = len(gshape) - 1
    for i in range(len(dshape) - 1, -1, -1):
        if s >= 0 and i <= 1 and (dshape[i] == gshape[s] or gshape[s] == 1):
            out[i] = gshape[s]
            s -= 1
    if s != -1:
        raise OpError('Error in operator LeakyReLU: Cannot broadcast gamma to data. gamma: %s, '
                      'data: %s' % (list(gshape), list(dshape)))
    out = tuple(out)
    if len(_GAMMA_VIEWS) > 1024:
        _GAMMA_VIEWS.clear()
    _GAMMA_VIEWS[key] = out
    return out


def _lrelu_outputs(a):
    return 2 if a.act_type == 'rrelu' else 1


def _lrelu_output_names(a):
    return ('output', 'mask') if a.act_type == 'rrelu' else ('output',)


@register('LeakyReLU', inputs=('data', 'gamma'), fill_only=True, shape_rule='like_data',
          inputs_fn=_lrelu_inputs, infer_shape=_lrelu_infer_shape,
          num_outputs=_lrelu_outputs, output_names=_lrelu_output_names,
          act_type=Param(Str, 'leaky', 'Activation function to be applied.',
                         choices=_LEAKY_TYPES),
          slope=Param(Float, 0.25, 'Init slope for the activation. (For leaky and elu only)'),
          lower_bound=Param(Float, 0.125, 'Lower bound of random slope. (For rrelu only)'),
          upper_bound=Param(Float, 0.334, 'Upper bound of random slope. (For rrelu only)'))
def leaky_relu(a, data, gamma=None):
    """Leaky rectified linear units and relatives, chosen by ``act_type``:

    - ``leaky``: :math:`x` for :math:`x > 0`, else :math:`slope \\cdot x`
    - ``prelu``: like leaky with a learned slope ``gamma`` (usually one per channel, axis 1)
    - ``rrelu``: like leaky with a slope drawn uniformly from [lower_bound, upper_bound] per
      element in training, and (lower_bound + upper_bound) / 2 in predict mode; returns
      (output, mask), the mask holding the drawn slopes (zeros in predict mode)
    - ``elu``: :math:`x` for :math:`x > 0`, else :math:`slope \\cdot (e^x - 1)`
    - ``selu``: :math:`\\lambda x` for :math:`x > 0`, else :math:`\\lambda\\alpha(e^x - 1)` with
      :math:`\\alpha = 1.6732632...`, :math:`\\lambda = 1.0507009...`; its gradient for
      :math:`x < 0` is MXNet 1.9.1's :math:`\\lambda(y + \\alpha)` (y the output), which is
      not the exact derivative
    - ``gelu``: :math:`0.5 x (1 + \\mathrm{erf}(x / \\sqrt{2}))`

    Only ``prelu`` takes the ``gamma`` input.

    Example::

        mx.nd.LeakyReLU(mx.nd.array([-2, 1]), slope=0.1)            # [-0.2, 1]
        mx.nd.LeakyReLU(x, mx.nd.array([0.1, 0.2, 0.3]), act_type='prelu')   # x: (N, 3, ...)
    """
    act = a.act_type
    if data.dtype not in _FLOATS:
        _need_float('LeakyReLU', data)
    if act == 'prelu':
        if gamma is None:
            raise OpError("Error in operator LeakyReLU: act_type='prelu' expects 2 inputs "
                          "(data, gamma), but got 1 instead")
        if gamma.dtype is not data.dtype:
            _same_dtype('LeakyReLU', data, gamma, 1, 'gamma')
        gs = gamma.shape
        if len(gs) == 1 and (gs[0] == 1 or (data.dim() >= 2 and gs[0] == data.shape[1])):
            return F.prelu(data, gamma)
        view = _gamma_view(tuple(gs), tuple(data.shape))
        return torch.where(data > 0, data, data * gamma.reshape(view))
    if gamma is not None:
        raise OpError("Error in operator LeakyReLU: act_type='%s' expects 1 input (data), but "
                      "got 2 instead (gamma is only for prelu)" % act)
    if act == 'leaky':
        return F.leaky_relu(data, a.slope)
    if act == 'elu':
        return F.elu(data, a.slope)
    if act == 'selu':
        return _SELU.apply(data)
    if act == 'gelu':
        return F.gelu(data)
    # rrelu
    lo, hi = a.lower_bound, a.upper_bound
    if _STATE.training:
        mask = torch.empty_like(data, requires_grad=False)
        with torch.no_grad():
            mask.uniform_(lo, hi) if hi > lo else mask.fill_(lo)
        return torch.where(data > 0, data, data * mask), mask
    return F.leaky_relu(data, (lo + hi) / 2.0), torch.zeros_like(data)


_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_LAMBDA = 1.0507009873554804934193349852946


class _SELU(torch.autograd.Function):
    """SELU with MXNet 1.9.1's gradient.

    MXNet differentiates from the output y: dy/dx = lambda for y > 0, else lambda * (y + alpha).
    Since y already carries the factor lambda, this differs from the true derivative
    lambda * alpha * exp(x) for x < 0 (they agree at x = 0); we reproduce MXNet's.
    """

    @staticmethod
    def forward(ctx, data):
        y = F.selu(data)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * torch.where(y > 0, _SELU_LAMBDA, (y + _SELU_ALPHA) * _SELU_LAMBDA)


# ---------------------------------------------------------------------------------------------
# softmax family
_SM_DTYPES = (None, 'float16', 'float32', 'float64')
_TORCH_FLOAT = {'float16': torch.float16, 'float32': torch.float32, 'float64': torch.float64}
_PRECISION = {torch.float16: 0, torch.bfloat16: 0, torch.float32: 1, torch.float64: 2}


def _sm_params(axis_doc='The axis along which to compute softmax.'):
    return dict(
        axis=Param(Int, -1, axis_doc),
        temperature=Param(OptFloat, None, 'Temperature parameter in softmax'),
        dtype=Param(Dtype, None, "DType of the output in case this can't be inferred. Defaults "
                                 "to the same as input's dtype if not defined (dtype=None).",
                    choices=_SM_DTYPES),
        use_length=Param(OptBool, False, 'Whether to use the length input as a mask over the '
                                         'data input.'))


def _sm_axis(op, a, data):
    nd = data.dim()
    ax = a.axis
    if not -nd <= ax < nd:
        raise OpError('Error in operator %s: axis %d exceeds the input dimension of %d (data '
                      'shape %s)' % (op, ax, nd, _shape(data)))
    return ax + nd if ax < 0 else ax


def _sm_prepare(op, a, data):
    """-> (input to normalise, axis, output dtype or None)."""
    if data.dtype not in _FLOATS:
        _need_float(op, data)
    ax = _sm_axis(op, a, data)
    odt = a.dtype
    out_dtype = None
    if odt is not None:
        out_dtype = _TORCH_FLOAT[odt]
        if out_dtype is data.dtype:
            out_dtype = None
        elif _PRECISION[out_dtype] > _PRECISION[data.dtype]:
            data = data.to(out_dtype)        # compute in the wider type
            out_dtype = None
    t = a.temperature
    if t is not None and t != 1.0:
        data = data / t
    return data, ax, out_dtype


def _no_length(op, a, length):
    if a.use_length:
        raise OpError('Error in operator %s: use_length=True is not supported by %s (it has no '
                      'length input)' % (op, op))
    if length is not None:
        raise OpError('Error in operator %s: expects 1 input, but got 2 instead' % op)


def _sm_infer_shape(a, shapes):
    shapes = list(shapes)
    if len(shapes) > 1 and shapes[1] is None and shapes[0] is not None:
        d = list(shapes[0])
        if d:
            ax = a.axis + len(d) if a.axis < 0 else a.axis
            if 0 <= ax < len(d):
                del d[ax]
            shapes[1] = tuple(d) or (1,)
    return shapes


def _sm_inputs(a):
    return ('data', 'length') if a.use_length else ('data',)


@register('softmax', inputs=('data', 'length'), shape_rule='like_data',
          inputs_fn=_sm_inputs, infer_shape=_sm_infer_shape, **_sm_params())
def softmax(a, data, length=None):
    """Applies the softmax function along an axis:

    .. math:: softmax(x)_i = \\frac{\\exp(x_i / T)}{\\sum_j \\exp(x_j / T)}

    ``temperature`` T defaults to 1. ``dtype`` sets the output dtype (float16/32/64). With
    ``use_length=True`` a second, integer input ``length`` (data's shape without ``axis``)
    limits each slice to its first ``length`` entries; the rest of the slice is 0.

    Example::

        mx.nd.softmax(mx.nd.array([[1, 1, 1]]))          # [[0.333, 0.333, 0.333]]
        mx.nd.softmax(mx.nd.array([[1, 2, 3]]), mx.nd.array([2], dtype='int32'),
                      use_length=True)                   # [[0.269, 0.731, 0]]
    """
    if (length is None and a.dtype is None and a.temperature is None and not a.use_length
            and data.dtype in _FLOATS and -data.dim() <= a.axis < data.dim()):
        return F.softmax(data, a.axis)      # the common case
    x, ax, out_dtype = _sm_prepare('softmax', a, data)
    if a.use_length:
        if length is None:
            raise OpError('Error in operator softmax: use_length=True expects 2 inputs (data, '
                          'length), but got 1 instead')
        if length.dtype not in _LENGTH_INTS:
            raise OpError('Error in operator softmax: the length input must be of an integer '
                          'type, not %s' % dtype_name(length.dtype))
        want = data.shape[:ax] + data.shape[ax + 1:]
        if length.shape != want and not (len(want) == 0 and length.numel() == 1):
            raise OpError('Error in operator softmax: Shape inconsistent, length has shape %s, '
                          'expected %s (data shape %s, axis=%d)'
                          % (_shape(length), list(want) or [1], _shape(data), a.axis))
        n = data.shape[ax]
        pos = torch.arange(n, device=data.device)
        if ax != data.dim() - 1:
            pos = pos.reshape((n,) + (1,) * (data.dim() - 1 - ax))
        mask = pos < length.reshape(want).unsqueeze(ax)
        # a very negative finite fill keeps fully masked slices finite (and their gradient 0)
        y = F.softmax(x.masked_fill(~mask, torch.finfo(x.dtype).min), ax)
        y = y.masked_fill(~mask, 0)
    else:
        if length is not None:
            raise OpError('Error in operator softmax: expects 1 input (use_length=False), but '
                          'got 2 instead')
        y = F.softmax(x, ax)
    return y if out_dtype is None else y.to(out_dtype)


@register('log_softmax', shape_rule='like_data', monitor_indexed_outputs=True, **_sm_params())
def log_softmax(a, data, length=None):
    """Computes the log of the softmax along an axis:

    .. math:: log\\_softmax(x)_i = x_i / T - \\log \\sum_j \\exp(x_j / T)

    Parameters as in :func:`softmax`; ``use_length`` is not supported here.

    Example::

        mx.nd.log_softmax(mx.nd.array([1, 2, 3]))   # [-2.4076, -1.4076, -0.4076]
    """
    if (length is None and a.dtype is None and a.temperature is None and not a.use_length
            and data.dtype in _FLOATS and -data.dim() <= a.axis < data.dim()):
        return F.log_softmax(data, a.axis)  # the common case
    _no_length('log_softmax', a, length)
    x, ax, out_dtype = _sm_prepare('log_softmax', a, data)
    y = F.log_softmax(x, ax)
    return y if out_dtype is None else y.to(out_dtype)


@register('softmin', monitor_indexed_inputs=True, **_sm_params())
def softmin(a, data, length=None):
    """Applies the softmin function along an axis (the softmax of the negated input):

    .. math:: softmin(x)_i = \\frac{\\exp(-x_i / T)}{\\sum_j \\exp(-x_j / T)}

    Parameters as in :func:`softmax`; ``use_length`` is not supported here.

    Example::

        mx.nd.softmin(mx.nd.array([1, 2, 3]))   # [0.6652, 0.2447, 0.0900]
    """
    _no_length('softmin', a, length)
    x, ax, out_dtype = _sm_prepare('softmin', a, data)
    y = F.softmax(-x, ax)
    return y if out_dtype is None else y.to(out_dtype)


@register('SoftmaxActivation', unnamed_inputs=True, shape_rule='like_data',
          monitor_indexed_inputs=True,
          mode=Param(Str, 'instance', 'Specifies how to compute the softmax. If set to '
                                      '``instance``, it computes softmax for each instance. If '
                                      'set to ``channel``, It computes cross channel softmax for '
                                      'each position of each instance.',
                     choices=('channel', 'instance')))
def softmax_activation(a, data):
    """Applies softmax to the input (deprecated: use :func:`softmax`).

    ``mode='instance'`` normalises over the last axis; ``mode='channel'`` normalises over
    axis 1 at each position and needs an input with at least 3 axes, e.g. (N, C, H, W).
    Only float32 input is supported, as in MXNet. As in MXNet 1.9.1, the gradient of
    ``mode='instance'`` on inputs with 3 or more axes is computed with the channel formula
    (sums over axis 1), which is not the derivative of the forward.

    Example::

        mx.nd.SoftmaxActivation(mx.nd.array([[1, 2, 3]]))   # [[0.0900, 0.2447, 0.6652]]
    """
    if data.dtype is not torch.float32:
        raise OpError('Error in operator SoftmaxActivation: only float32 input is supported, '
                      'got %s' % dtype_name(data.dtype))
    if a.mode == 'channel':
        if data.dim() < 3:
            raise OpError('Error in operator SoftmaxActivation: Input need to have a least 3 '
                          'dimensions when mode=channel, got shape %s' % _shape(data))
        return F.softmax(data, 1)
    if data.dim() == 0:
        raise OpError('Error in operator SoftmaxActivation: input must have at least 1 axis')
    if data.dim() <= 2:
        return F.softmax(data, -1)
    return _InstanceSoftmax.apply(data)


class _InstanceSoftmax(torch.autograd.Function):
    """SoftmaxActivation(mode='instance') on >= 3 axes, with MXNet 1.9.1's gradient.

    The forward normalises over the last axis, but MXNet's backward always views the arrays
    as (N, C, rest) and uses the channel-softmax formula dx = y * (dy - sum_axis1(dy * y)).
    That is not the derivative of the forward; it is what MXNet computes, so we match it.
    """

    @staticmethod
    def forward(ctx, data):
        y = F.softmax(data, -1)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, dy):
        y, = ctx.saved_tensors
        return y * (dy - (dy * y).sum(1, keepdim=True))


# ---------------------------------------------------------------------------------------------
# Dropout
@register('Dropout', shape_rule='like_data', total_outputs=2, no_cse=True,
          p=Param(_probability, 0.5, 'Fraction of the input that gets dropped out during '
                                     'training time.'),
          mode=Param(Str, 'training', 'Whether to only turn on dropout during training or to '
                                      'also turn on for inference.',
                     choices=('always', 'training')),
          axes=Param(Shape, (), 'Axes for variational dropout kernel.'),
          cudnn_off=Param(OptBool, False, 'Whether to turn off cudnn in dropout operator. This '
                                          'option is ignored if axes is specified.'))
def dropout(a, data):
    """Applies Dropout to the input.

    In training mode (``autograd.record()`` / ``autograd.train_mode()``), or always with
    ``mode='always'``, each element is zeroed with probability ``p`` and the kept elements
    are scaled by ``1/(1-p)``, so the expected value is unchanged. Otherwise the input is
    passed through unchanged. ``axes`` lists axes along which one mask value is shared
    (variational dropout): with ``axes=(1,)`` on an (N, T) input, each row keeps or drops
    all of its T entries together.
    The gradient applies the same mask and scale.

    Example::

        with mx.autograd.record():
            y = mx.nd.Dropout(mx.nd.ones((2, 4)), p=0.5)   # entries are 0 or 2
    """
    if data.dtype not in _FLOATS:
        _need_float('Dropout', data)
    axes = a.axes
    nd = data.dim()
    if axes:
        for ax in axes:
            if not 0 <= ax < nd:
                raise OpError('Error in operator Dropout: axis %d in axes=%s must be in range '
                              '[0, %d) (data shape %s)' % (ax, axes, nd, _shape(data)))
    p = a.p
    if (a.mode != 'always' and not _STATE.training) or p == 0.0:
        return data.clone()
    if not axes and p < 1.0:
        return F.dropout(data, p, True)
    shape = list(data.shape)
    for ax in axes:
        shape[ax] = 1
    with torch.no_grad():
        mask = torch.empty(shape, dtype=data.dtype, device=data.device).bernoulli_(1.0 - p)
        mask.div_(1.0 - p)
    return data * mask


# ---------------------------------------------------------------------------------------------
# Embedding
_EMB_DTYPES = ('bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8')


def _emb_infer_shape(a, shapes):
    shapes = list(shapes)
    if len(shapes) > 1 and shapes[1] is None:
        shapes[1] = (a.input_dim, a.output_dim)
    return shapes


def _emb_dtype(v):
    if isinstance(v, str) and v.strip().strip('\'"') == 'bfloat16':
        return 'bfloat16'
    return Dtype(v)


_emb_dtype.__name__ = 'Dtype'


def _emb_input_dtypes(attrs, dtype, n):
    """input_dtypes: the weight has the dtype parameter, the indices any dtype."""
    return [None] + [np.dtype(attrs.dtype)] * (n - 1)


@register('Embedding', inputs=('data', 'weight'),
          aliases=('_sparse_Embedding',),
          infer_shape=_emb_infer_shape, input_dtypes=_emb_input_dtypes,
          monitor_indexed_outputs=True,
          input_dim=Param(_positive_int, doc='Vocabulary size of the input indices.'),
          output_dim=Param(_positive_int, doc='Dimension of the embedding vectors.'),
          dtype=Param(_emb_dtype, 'float32', 'Data type of weight.', choices=_EMB_DTYPES),
          sparse_grad=Param(Bool, False, "Compute row sparse gradient in the backward "
                                         "calculation. If set to True, the grad's storage type "
                                         "is row_sparse."))
def embedding(a, data, weight=None):
    """Maps integer indices to vector representations (embeddings).

    ``weight`` is a (input_dim, output_dim) matrix; each index in ``data`` selects a row, so
    the output has shape ``data.shape + (output_dim,)`` and the weight's dtype. Indices are
    truncated to integers and clipped to [0, input_dim - 1]. The gradient w.r.t. ``weight``
    adds up the output gradients of repeated indices (there is no gradient w.r.t. ``data``).

    Example::

        w = mx.nd.array([[0, 1], [2, 3], [4, 5]])
        mx.nd.Embedding(mx.nd.array([[0, 2]]), w, input_dim=3, output_dim=2)
        # [[[0, 1], [4, 5]]]
    """
    n, d = a.input_dim, a.output_dim
    if weight is None:
        raise OpError('Error in operator Embedding: expects 2 inputs (data, weight), but got 1')
    ws = weight.shape
    if len(ws) != 2 or ws[0] != n or ws[1] != d:
        raise OpError('Error in operator Embedding: Shape inconsistent, weight has shape %s, '
                      'expected (%d, %d) (input_dim, output_dim)' % (_shape(weight), n, d))
    if data.dtype is torch.int64:
        idx = data.clamp(0, n - 1)
    else:
        if data.is_complex() or data.dtype is torch.bool:
            raise OpError('Error in operator Embedding: indices must be real numbers, got %s'
                          % dtype_name(data.dtype))
        idx = data.to(torch.int64).clamp_(0, n - 1)
    return F.embedding(idx, weight)
