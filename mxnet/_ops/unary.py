"""Unary and miscellaneous element-wise operators: math functions, rounding, casts, clip,
the AMP helpers (amp_cast, amp_multicast), finiteness checks and the multi-tensor helpers
(multi_sum_sq, multi_lars, reset_arrays).

MXNet 1.9.1 semantics kept here:

* Outputs keep the input dtype. Integer inputs are accepted by every math function: the
  value is computed in float32 (a few functions - abs and the rounding family - in float64)
  and converted back like C's float->int conversion (truncation; NaN, inf and out-of-range
  values become INT_MIN; int8/uint8 go through int32 and wrap). Exact integer ops (negative,
  sign, relu, identity, logical_not) stay exact. Boolean inputs are rejected except by the
  copies and casts.
* ``round`` rounds half away from zero, ``rint`` rounds half toward -inf (MXNet picks floor on
  ties), ``fix``/``trunc`` round toward zero.
* ``degrees`` and ``radians`` use MXNet's float32 constants (57.2957763671875 and
  float32(pi/180)) even for float64 data.
* Gradients: zero for the rounding family, sign and logical_not; ``clip`` passes where
  a_min <= x <= a_max; ``hard_sigmoid`` passes where 0 < alpha*x+beta < 1 (strict);
  ``gammaln``/``gamma`` use a digamma that is +inf at the non-positive integers (as MXNet);
  ``cbrt``/``rcbrt`` are +-inf at 0.
"""
import math

import numpy as np
import torch

from .registry import register, Param, OpError
from .params import Float, Bool, Int, Dtype, Str

__all__ = []

_FLOATS = (torch.float16, torch.float32, torch.float64, torch.bfloat16)
_INT_MIN = {torch.int64: -(2 ** 63)}
_DEG = 57.2957763671875                # MXNet's 180/pi constant (as float32 arithmetic gives)
_RAD = float(np.float32(math.pi / 180))  # MXNet's pi/180 (a float32)
_TNAME = {torch.float16: 'float16', torch.float32: 'float32', torch.float64: 'float64',
          torch.bfloat16: 'bfloat16', torch.int8: 'int8', torch.uint8: 'uint8',
          torch.int32: 'int32', torch.int64: 'int64', torch.bool: 'bool'}
_TORCH = {v: k for k, v in _TNAME.items()}


def _f32(v):
    """A float parameter as MXNet stores it (float32)."""
    return float(np.float32(v))


def _to_int(r, dt):
    """Convert float tensor r to integer dtype dt as C's (x86) float->int conversion does."""
    if dt is torch.int64:
        lim, tgt, fill = 9.223372036854775807e18, torch.int64, -(2 ** 63)
    else:
        lim, tgt, fill = 2147483648.0, torch.int32, -(2 ** 31)
    bad = ~torch.isfinite(r) | (r >= lim) | (r < -lim)
    out = r.masked_fill(bad, 0).to(tgt).masked_fill_(bad, fill)
    return out if dt is tgt else out.to(dt)


def _dtname(t):
    return _TNAME.get(t.dtype, str(t.dtype).replace('torch.', ''))


def _bool_error(name):
    raise OpError('Error in operator %s: bool (type flag 7) input is not supported' % name)


def _float_only(name, t, i=None):
    if t.dtype not in _FLOATS:
        raise OpError('Error in operator %s: This operation only support floating point types, '
                      'not %s%s' % (name, _dtname(t), '' if i is None else ' (input %d)' % i))


# -- custom gradients ----------------------------------------------------------------------------
def _digamma(x):
    """digamma with MXNet's +inf at the non-positive integers (torch gives -inf / nan)."""
    d = torch.digamma(x)
    return torch.where((x <= 0) & (x == torch.floor(x)), torch.full_like(d, math.inf), d)


class _Gammaln(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.lgamma(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * _digamma(x)


def _gamma_value(x):
    # Gamma(x) = sign * exp(lgamma(x)); negative for x < 0 with odd floor(x); nan at the
    # negative integers, +inf at 0 (as tgamma).
    xd = x.double() if x.dtype is not torch.float64 else x
    y = torch.exp(torch.lgamma(xd))
    fl = torch.floor(xd)
    neg = (xd < 0) & (torch.remainder(fl, 2) == 1)
    y = torch.where(neg, -y, y)
    y = torch.where((xd < 0) & (xd == fl), torch.full_like(y, math.nan), y)
    y = torch.where(xd == 0, torch.copysign(torch.full_like(y, math.inf), xd), y)
    return y.to(x.dtype)


class _Gamma(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = _gamma_value(x)
        ctx.save_for_backward(x, y)
        return y

    @staticmethod
    def backward(ctx, g):
        x, y = ctx.saved_tensors
        return g * y * _digamma(x)


def _cbrt_value(x):
    return torch.sign(x) * torch.abs(x).pow(1.0 / 3.0)


class _Cbrt(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = _cbrt_value(x)
        ctx.save_for_backward(y)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g / (3 * y * y)


class _Rcbrt(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        c = _cbrt_value(x)
        ctx.save_for_backward(x, c)
        return 1 / c

    @staticmethod
    def backward(ctx, g):
        x, c = ctx.saved_tensors
        return -g / (3 * x * c)


class _ZeroGrad(torch.autograd.Function):
    """Returns a precomputed value; gradient zero (MXNet's logical_not)."""
    @staticmethod
    def forward(ctx, x, value):
        return value

    @staticmethod
    def backward(ctx, g):
        return torch.zeros_like(g), None


def _round(x):
    t = torch.trunc(x)
    return torch.where(torch.abs(x - t) >= 0.5, t + torch.sign(x), t)


def _rint(x):
    fl = torch.floor(x)
    ce = torch.ceil(x)
    return torch.where((x - fl) > (ce - x), ce, fl)


def _logical_not(x):
    v = (x == 0).to(x.dtype)
    if x.requires_grad and x.is_floating_point():
        return _ZeroGrad.apply(x, v)
    return v


def _softsign(x):
    return x / (1 + torch.abs(x))


class _Relu(torch.autograd.Function):
    """relu whose gradient is NaN where the input is NaN (MXNet's relu_grad keeps the NaN;
    torch's gives 1 there)."""
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return torch.relu(x)

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return g * torch.where(torch.isnan(x), x, (x > 0).to(g.dtype))


def _relu(x):
    if x.requires_grad and torch.is_grad_enabled():
        return _Relu.apply(x)
    return torch.relu(x)


# name -> (float function, integer mode, aliases, doc)
# integer modes: 'exact' (the function itself on the int tensor), 'f64' (via float64),
# 'f32' (via float32, C conversion back)
_SP = ('_sparse_',)
_UNARY = {
    'abs': (torch.abs, 'f64', _SP, 'absolute value', 'abs(x) = |x|', '[-2, 3] -> [2, 3]'),
    'sign': (torch.sign, 'exact', _SP, 'sign (-1, 0 or 1; 0 for NaN)', 'sign(x)',
             '[-2, 0, 3] -> [-1, 0, 1]'),
    'round': (_round, 'f64', _SP, 'rounding to the nearest integer, halves away from zero',
              'round(x)', '[-2.5, -0.4, 1.5] -> [-3, -0, 2]'),
    'rint': (_rint, 'f64', _SP, 'rounding to the nearest integer, halves toward -inf '
             '(MXNet picks the floor on ties)', 'rint(x)', '[-2.5, 0.5, 1.5, 1.7] -> [-3, 0, 1, 2]'),
    'ceil': (torch.ceil, 'f64', _SP, 'ceiling (smallest integer >= x)', 'ceil(x)',
             '[-2.1, 1.2] -> [-2, 2]'),
    'floor': (torch.floor, 'f64', _SP, 'floor (largest integer <= x)', 'floor(x)',
              '[-2.1, 1.7] -> [-3, 1]'),
    'trunc': (torch.trunc, 'f64', _SP, 'truncation toward zero', 'trunc(x)',
              '[-2.7, 1.7] -> [-2, 1]'),
    'fix': (torch.trunc, 'f64', _SP, 'rounding toward zero', 'fix(x)',
            '[-2.7, 1.7] -> [-2, 1]'),
    'square': (torch.square, 'f32', _SP, 'square', 'square(x) = x^2', '[2, 3] -> [4, 9]'),
    'sqrt': (torch.sqrt, 'f64', _SP, 'square root', 'sqrt(x) = x^(1/2)', '[4, 9] -> [2, 3]'),
    'rsqrt': (torch.rsqrt, 'f32', _SP, 'reciprocal square root', 'rsqrt(x) = 1/sqrt(x)',
              '[4, 16] -> [0.5, 0.25]'),
    'cbrt': (_Cbrt.apply, 'f32', _SP, 'cube root', 'cbrt(x) = x^(1/3)', '[8, -27] -> [2, -3]'),
    'rcbrt': (_Rcbrt.apply, 'f32', (), 'reciprocal cube root', 'rcbrt(x) = 1/cbrt(x)',
              '[8, 27] -> [0.5, 0.3333]'),
    'exp': (torch.exp, 'f32', _SP, 'natural exponential', 'exp(x) = e^x',
            '[0, 1] -> [1, 2.71828]'),
    'log': (torch.log, 'f32', _SP, 'natural logarithm', 'log(x) = ln(x)', '[1, e] -> [0, 1]'),
    'log10': (torch.log10, 'f32', _SP, 'base-10 logarithm', 'log10(x)',
              '[1, 100] -> [0, 2]'),
    'log2': (torch.log2, 'f32', _SP, 'base-2 logarithm', 'log2(x)', '[1, 8] -> [0, 3]'),
    'log1p': (torch.log1p, 'f32', _SP, 'log(1 + x), accurate for small x', 'log1p(x)',
              '[0, 1e-10] -> [0, 1e-10]'),
    'expm1': (torch.expm1, 'f32', _SP, 'exp(x) - 1, accurate for small x', 'expm1(x)',
              '[0, 1e-10] -> [0, 1e-10]'),
    'reciprocal': (torch.reciprocal, 'f32', (), 'reciprocal', 'reciprocal(x) = 1/x',
                   '[2, -4] -> [0.5, -0.25]'),
    'sin': (torch.sin, 'f32', _SP, 'sine (radians)', 'sin(x)', '[0, pi/2] -> [0, 1]'),
    'cos': (torch.cos, 'f32', _SP, 'cosine (radians)', 'cos(x)', '[0, pi] -> [1, -1]'),
    'tan': (torch.tan, 'f32', _SP, 'tangent (radians)', 'tan(x)', '[0, pi/4] -> [0, 1]'),
    'arcsin': (torch.asin, 'f32', _SP, 'inverse sine, in [-pi/2, pi/2]', 'arcsin(x)',
               '[0, 1] -> [0, 1.5708]'),
    'arccos': (torch.acos, 'f32', _SP, 'inverse cosine, in [0, pi]', 'arccos(x)',
               '[1, -1] -> [0, 3.14159]'),
    'arctan': (torch.atan, 'f32', _SP, 'inverse tangent, in (-pi/2, pi/2)', 'arctan(x)',
               '[0, 1] -> [0, 0.7854]'),
    'sinh': (torch.sinh, 'f32', _SP, 'hyperbolic sine', 'sinh(x) = (e^x - e^-x)/2',
             '[0, 1] -> [0, 1.1752]'),
    'cosh': (torch.cosh, 'f32', _SP, 'hyperbolic cosine', 'cosh(x) = (e^x + e^-x)/2',
             '[0, 1] -> [1, 1.5431]'),
    'tanh': (torch.tanh, 'f32', _SP, 'hyperbolic tangent', 'tanh(x) = sinh(x)/cosh(x)',
             '[0, 1] -> [0, 0.76159]'),
    'arcsinh': (torch.asinh, 'f32', _SP, 'inverse hyperbolic sine', 'arcsinh(x)',
                '[0, 1] -> [0, 0.88137]'),
    'arccosh': (torch.acosh, 'f32', _SP, 'inverse hyperbolic cosine (x >= 1)', 'arccosh(x)',
                '[1, 2] -> [0, 1.31696]'),
    'arctanh': (torch.atanh, 'f32', _SP, 'inverse hyperbolic tangent (|x| < 1)', 'arctanh(x)',
                '[0, 0.5] -> [0, 0.54931]'),
    'degrees': (lambda x: x * _DEG, 'f32', _SP, 'conversion from radians to degrees',
                'degrees(x) = x * 180/pi', '[0, pi/2] -> [0, 90]'),
    'radians': (lambda x: x * _RAD, 'f32', _SP, 'conversion from degrees to radians',
                'radians(x) = x * pi/180', '[0, 90] -> [0, 1.5708]'),
    'gamma': (_Gamma.apply, 'f32', _SP, 'gamma function',
              'gamma(x) = Gamma(x), gamma(n) = (n-1)!', '[1, 5] -> [1, 24]'),
    'gammaln': (_Gammaln.apply, 'f32', _SP,
                'log of the absolute value of the gamma function', 'gammaln(x) = log|Gamma(x)|',
                '[1, 5] -> [0, 3.17805]'),
    'erf': (torch.special.erf, 'f64', (), 'Gauss error function',
            'erf(x) = 2/sqrt(pi) * integral_0^x exp(-t^2) dt', '[0, 1] -> [0, 0.8427]'),
    'erfinv': (torch.special.erfinv, 'f32z', (), 'inverse Gauss error function',
               'erfinv(erf(x)) = x', '[0, 0.5] -> [0, 0.4769]'),
    'sigmoid': (torch.sigmoid, 'f32', _SP, 'logistic sigmoid', 'sigmoid(x) = 1/(1 + e^-x)',
                '[0, 2] -> [0.5, 0.8808]'),
    'softsign': (_softsign, 'f32', (), 'softsign', 'softsign(x) = x/(1 + |x|)',
                 '[1, -3] -> [0.5, -0.75]'),
    'relu': (_relu, 'exact', _SP, 'rectified linear unit', 'relu(x) = max(x, 0)',
             '[-1, 2] -> [0, 2]'),
    'logical_not': (_logical_not, 'exact', (), 'logical NOT (1 where x == 0, else 0; same '
                    'dtype)', 'logical_not(x) = !x', '[0, 2, -1] -> [1, 0, 0]'),
    'negative': (torch.neg, 'exact', _SP, 'numerical negative', 'negative(x) = -x',
                 '[1, -2] -> [-1, 2]'),
}


def _make_unary(name, ffn, mode, doc):
    if mode == 'exact':
        def fn(a, data):
            if data.dtype is torch.bool:
                _bool_error(name)
            return ffn(data)
    elif mode == 'f64':
        def fn(a, data):
            if data.is_floating_point():
                return ffn(data)
            dt = data.dtype
            if dt is torch.bool:
                _bool_error(name)
            with torch.no_grad():
                return _to_int(ffn(data.double()), dt)
    else:
        def fn(a, data):
            if data.is_floating_point():
                return ffn(data)
            if data.dtype is torch.bool:
                _bool_error(name)
            with torch.no_grad():
                return _to_int(ffn(data.float()), data.dtype)
        if mode == 'f32z':      # MXNet's integer erfinv gives 0 outside [-1, 1]
            def fn(a, data, _f=fn):
                if data.is_floating_point():
                    return ffn(data)
                if data.dtype is torch.bool:
                    _bool_error(name)
                with torch.no_grad():
                    return _to_int(ffn(data.float()).nan_to_num(nan=0.0, posinf=math.inf,
                                                                neginf=-math.inf), data.dtype)
    fn.__name__ = name
    fn.__doc__ = doc
    return fn


# shape rules of the _UNARY ops other than 'unary' (output shape = data shape both ways)
_UNARY_SHAPE_RULE = {'relu': 'like_data', 'sigmoid': 'like_data', 'tanh': 'like_data',
                     'logical_not': None}


def _define_unary():
    for name, (ffn, mode, aliases, what, formula, example) in _UNARY.items():
        aliases = tuple(p + name if p.endswith('_') else p for p in aliases)
        arg, res = example.split(' -> ')
        doc = ('Returns element-wise %s of the input.\n\n    %s\n\nThe output has the input\'s '
               'shape and dtype.\n\nExample::\n\n    %s(%s) = %s\n' % (what, formula, name, arg, res))
        register(name, aliases=aliases, shape_rule=_UNARY_SHAPE_RULE.get(name, 'unary'),
                 monitor_indexed_inputs=True, monitor_indexed_outputs=True)(
            _make_unary(name, ffn, mode, doc))


_define_unary()


# -- copies ------------------------------------------------------------------------------------
@register('_copy', aliases=('identity',), shape_rule='like_data', in_place=True,
          monitor_indexed_inputs=True, monitor_indexed_outputs=True)
def _copy(a, data):
    """Returns a copy of the input.

    identity(x) = x (a new array; gradient 1).

    Example::

        identity([1, 2]) = [1, 2]
    """
    return data.clone()


@register('_copyto')
def _copyto(a, data):
    """Copies the input into ``out`` (converting to out's dtype), as NDArray.copyto.

    _copyto(x, out=y): y[:] = x

    Example::

        _copyto([1.7, 2], out=int32 array) -> [1, 2]
    """
    return data.clone()


@register('_identity_with_attr_like_rhs', inputs=('lhs', 'rhs'), monitor_indexed_outputs=True)
def _identity_with_attr_like_rhs(a, lhs, rhs):
    """Returns a copy of lhs; rhs must have the same shape and dtype (its attributes are
    copied in graph inference). Gradient flows to lhs only.

    out = lhs

    Example::

        _identity_with_attr_like_rhs([1, 2], [5, 6]) = [1, 2]
    """
    if rhs is None:
        raise OpError('Error in operator _identity_with_attr_like_rhs: expects 2 inputs '
                      '(lhs, rhs), but got 1')
    if tuple(lhs.shape) != tuple(rhs.shape):
        raise OpError('Error in operator _identity_with_attr_like_rhs: Incompatible attr at '
                      '1-th input: expected %s, got %s' % (list(lhs.shape), list(rhs.shape)))
    if lhs.dtype != rhs.dtype:
        raise OpError('Error in operator _identity_with_attr_like_rhs: Incompatible attr at '
                      '1-th input: expected %s, got %s' % (_dtname(lhs), _dtname(rhs)))
    return lhs.clone()


# -- hard_sigmoid ------------------------------------------------------------------------------
@register('hard_sigmoid', shape_rule='unary', monitor_indexed_inputs=True,
          monitor_indexed_outputs=True, alpha=Param(Float, 0.2, 'Slope of hard sigmoid'),
          beta=Param(Float, 0.5, 'Bias of hard sigmoid.'))
def hard_sigmoid(a, data):
    """Computes the hard sigmoid of the input element-wise.

    y = max(0, min(1, alpha * x + beta)); the gradient is alpha where 0 < alpha*x + beta < 1
    and 0 elsewhere (including the two corners). Floating-point inputs only.

    Example::

        hard_sigmoid([-3, 0, 1]) = [0, 0.5, 0.7]
    """
    if not data.is_floating_point():
        _float_only('hard_sigmoid', data)
    y = data * _f32(a.alpha) + _f32(a.beta)
    inside = (y > 0) & (y < 1)
    return torch.where(inside, y, torch.clamp(y, 0, 1).detach())


# -- clip --------------------------------------------------------------------------------------
@register('clip', aliases=('_sparse_clip',), shape_rule='unary', monitor_indexed_inputs=True,
          monitor_indexed_outputs=True,
          a_min=Param(Float, doc='Minimum value'), a_max=Param(Float, doc='Maximum value'))
def clip(a, data):
    """Clips (limits) the values of an array.

    clip(x) = a_max if x > a_max; else a_min if x < a_min; else x (tested in that order, as
    MXNet, which matters when a_min > a_max). The gradient passes where
    a_min <= x <= a_max. Integer arrays get the bounds truncated to their dtype.

    Example::

        clip([0, 1, 2, 3, 4], a_min=1, a_max=3) = [1, 1, 2, 3, 3]
    """
    lo, hi = _f32(a.a_min), _f32(a.a_max)
    dt = data.dtype
    if data.is_floating_point():
        if lo <= hi:
            return torch.clamp(data, lo, hi)
        return torch.where(data > hi, hi, torch.where(data < lo, lo, data))
    if dt is torch.bool:
        _bool_error('clip')
    clo = _to_int(torch.tensor(lo, device=data.device), dt)
    chi = _to_int(torch.tensor(hi, device=data.device), dt)
    xf = data.float() if dt is not torch.int64 else data.double()
    return torch.where(xf > hi, chi, torch.where(xf < lo, clo, data))


# -- casts -------------------------------------------------------------------------------------
_CAST_TYPES = ('bfloat16', 'bool', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8',
               'uint8')


def _torch_dtype(name, opname):
    t = _TORCH.get(name)
    if t is None or t is torch.bfloat16:
        raise OpError('Error in operator %s: dtype %s is not supported by remx NDArray'
                      % (opname, name))
    return t


def _cast(data, t):
    if data.dtype is t:
        return data.clone()
    if data.is_floating_point():
        if t is torch.bool:
            return data != 0
        if not t.is_floating_point:
            with torch.no_grad():
                return _to_int(data, t)
    return data.to(t)


@register('cast_storage', stype=Param(Str, doc='Output storage type.',
                                      choices=('default', 'csr', 'row_sparse')))
def cast_storage(a, data):
    """Casts an array to another storage type.

    remx stores every array densely: casting to ``'default'`` returns a dense copy; ``'csr'``
    and ``'row_sparse'`` storage are not implemented and raise MXNetError.
    """
    if a.stype != 'default':
        raise OpError("Error in operator cast_storage: storage type '%s' is not implemented in "
                      "remx (arrays are dense)" % a.stype)
    return data.clone()


@register('Cast', aliases=('cast',), shape_rule='unary', output_dtype='param',
          monitor_indexed_inputs=True, monitor_indexed_outputs=True,
          dtype=Param(Dtype, doc='Output data type.', choices=_CAST_TYPES))
def Cast(a, data):
    """Casts all elements of the input to a new type.

    out = dtype(x). Float -> int truncates toward zero (NaN/inf/out of range become INT_MIN;
    int8/uint8 wrap around through int32); float -> bool is x != 0. The gradient is cast back
    to the input's dtype.

    Example::

        cast([0.9, 1.3], dtype='int32') = [0, 1]
        cast([1e20, 11.1], dtype='float16') = [inf, 11.09375]
    """
    return _cast(data, _torch_dtype(a.dtype, 'Cast'))


_AMP_TYPES = ('bfloat16', 'float16', 'float32', 'float64', 'int32', 'int64', 'int8', 'uint8')
_INT_RANGE = {torch.int8: (-128, 127), torch.uint8: (0, 255),
              torch.int32: (-(2 ** 31), 2 ** 31 - 1)}


@register('amp_cast', shape_rule='unary', output_dtype='param', monitor_indexed_inputs=True,
          monitor_indexed_outputs=True,
          dtype=Param(Dtype, doc='Output data type.', choices=_AMP_TYPES))
def amp_cast(a, data):
    """Cast function between low precision float/FP32 used by AMP.

    Floating-point inputs are cast to ``dtype`` (to integer types by rounding to nearest-even
    and saturating, as MXNet's MKLDNN path does); integer and boolean inputs are returned
    unchanged. The gradient is cast back to the input's dtype.

    Example::

        amp_cast([1.5, 2.0], dtype='float16') = [1.5, 2.0] (float16)
    """
    if not data.is_floating_point():
        return data.clone()
    t = _torch_dtype(a.dtype, 'amp_cast')
    if t.is_floating_point:
        return data.clone() if t is data.dtype else data.to(t)
    with torch.no_grad():
        rng = _INT_RANGE.get(t)
        if rng is None:
            return _to_int(data, t)
        r = torch.round(data).clamp(rng[0], rng[1])
        return r.nan_to_num(0.0).to(t)


@register('amp_multicast', variadic=True, monitor_indexed_outputs=True,
          num_outputs=Param(Int, doc='Number of input/output pairs to be casted to the widest '
                            'type.'),
          cast_narrow=Param(Bool, False, 'Whether to cast to the narrowest type'))
def amp_multicast(a, *data):
    """Cast function used by AMP, that casts its inputs to the common widest type.

    Among the float16/float32 inputs, all are cast to float32 if any is float32 (or, with
    ``cast_narrow=True``, to float16 if any is float16). Inputs of other dtypes pass through
    unchanged. Returns ``num_outputs`` arrays (one per input).

    Example::

        amp_multicast(float16 [1, 2], float32 [3], num_outputs=2) -> float32 [1, 2], [3]
    """
    if len(data) != a.num_outputs:
        raise OpError('Error in operator amp_multicast: Operator amp_multicast expects %d '
                      'inputs, but got %d instead.' % (a.num_outputs, len(data)))
    kinds = {t.dtype for t in data}
    if a.cast_narrow:
        target = torch.float16 if torch.float16 in kinds else torch.float32
    else:
        target = torch.float32 if torch.float32 in kinds else torch.float16
    outs = tuple(t.to(target) if t.dtype in (torch.float16, torch.float32) and t.dtype != target
                 else t.clone() for t in data)
    return outs[0] if len(outs) == 1 else outs


# -- finiteness and multi-tensor helpers ------------------------------------------------------
def _check_count(name, key, n, data):
    if len(data) != n:
        raise OpError('Error in operator %s: Operator %s expects %d inputs (%s=%d), but got %d '
                      'instead.' % (name, name, n, key, n, len(data)))


@register('all_finite', inputs=('data',), differentiable=False, no_gradient=True,
          init_output=Param(Bool, True, 'Initialize output to 1.'))
def all_finite(a, data):
    """Checks whether all elements of the array are finite.

    out = [1.0] if every element is finite (no inf/NaN), else [0.0]; float32, shape (1,).
    Floating-point inputs only.

    Example::

        all_finite([1, inf]) = [0]
    """
    _float_only('all_finite', data)
    return torch.isfinite(data).all().to(torch.float32).reshape(1)


@register('multi_all_finite', variadic=True, differentiable=False, no_gradient=True,
          num_arrays=Param(Int, 1, 'Number of arrays.'),
          init_output=Param(Bool, True, 'Initialize output to 1.'))
def multi_all_finite(a, *data):
    """Checks whether all elements of all the input arrays are finite.

    out = [1.0] if every element of every array is finite, else [0.0]; float32, shape (1,).
    ``num_arrays`` must equal the number of inputs.

    Example::

        multi_all_finite([1, 2], [3, nan], num_arrays=2) = [0]
    """
    _check_count('multi_all_finite', 'num_arrays', a.num_arrays, data)
    ok = None
    for i, t in enumerate(data):
        _float_only('multi_all_finite', t, i)
        f = torch.isfinite(t).all()
        ok = f if ok is None else ok & f
    if ok is None:
        raise OpError('Error in operator multi_all_finite: needs at least one input')
    return ok.to(torch.float32).reshape(1)


@register('multi_sum_sq', variadic=True, differentiable=False, no_gradient=True,
          num_arrays=Param(Int, doc='number of input arrays.'))
def multi_sum_sq(a, *data):
    """Computes the sum of squares of each input array.

    out[i] = sum(data[i] ** 2); float32, shape (num_arrays,). All inputs must share one
    floating-point dtype; squares are formed in that dtype (float16 squares may overflow to
    inf, as in MXNet) and summed in float32.

    Example::

        multi_sum_sq([1, 2], [[1, 2], [3, 4]], num_arrays=2) = [5, 30]
    """
    _check_count('multi_sum_sq', 'num_arrays', a.num_arrays, data)
    if not data:
        raise OpError('Error in operator multi_sum_sq: needs at least one input')
    dt = data[0].dtype
    outs = []
    for i, t in enumerate(data):
        _float_only('multi_sum_sq', t, i)
        if t.dtype != dt:
            raise OpError("Error in operator multi_sum_sq: This layer requires uniform type. "
                          "Expected '%s' v.s. given '%s' at 'array_%d'"
                          % (_dtname(data[0]), _dtname(t), i))
        sq = t * t
        if dt is torch.float64:
            outs.append(sq.sum().to(torch.float32))
        else:
            outs.append(sq.sum(dtype=torch.float32))
    return torch.stack(outs)


@register('multi_lars', inputs=('lrs', 'weights_sum_sq', 'grads_sum_sq', 'wds'),
          differentiable=False, no_gradient=True,
          eta=Param(Float, doc='LARS eta'), eps=Param(Float, doc='LARS eps'),
          rescale_grad=Param(Float, 1.0, 'Gradient rescaling factor'))
def multi_lars(a, lrs, weights_sum_sq, grads_sum_sq, wds):
    """Computes the LARS learning rates of several weights at once.

    w = sqrt(weights_sum_sq), g = sqrt(grads_sum_sq) * rescale_grad;
    out[i] = lrs[i] * eta * w[i] / (g[i] + wds[i] * w[i] + eps) where w[i] > 0 and g[i] > 0,
    else lrs[i]. All four inputs are 1-D of the same shape and dtype.

    Example::

        multi_lars([0.1], [4], [1], [0.01], eta=0.5, eps=0.001) = [0.09794]
    """
    ins = (lrs, weights_sum_sq, grads_sum_sq, wds)
    for i, t in enumerate(ins):
        if t is None:
            raise OpError('Error in operator multi_lars: expects 4 inputs (lrs, weights_sum_sq, '
                          'grads_sum_sq, wds), got %d' % i)
        if tuple(t.shape) != tuple(lrs.shape):
            raise OpError('Error in operator multi_lars: Incompatible attr at %d-th input: '
                          'expected %s, got %s' % (i, list(lrs.shape), list(t.shape)))
        if t.dtype != lrs.dtype:
            raise OpError('Error in operator multi_lars: Incompatible attr at %d-th input: '
                          'expected %s, got %s' % (i, _dtname(lrs), _dtname(t)))
    _float_only('multi_lars', lrs)
    w = torch.sqrt(weights_sum_sq)
    g = torch.sqrt(grads_sum_sq) * _f32(a.rescale_grad)
    new = lrs * _f32(a.eta) * w / (g + wds * w + _f32(a.eps))
    return torch.where((w > 0) & (g > 0), new, lrs)


@register('reset_arrays', variadic=True, num_outputs=0, differentiable=False, no_gradient=True,
          num_arrays=Param(Int, doc='number of input arrays.'))
def reset_arrays(a, *data):
    """Sets every input array to zero, in place. Returns nothing (an empty list).

    data[i][:] = 0 for each input; floating-point arrays only; ``num_arrays`` must equal the
    number of inputs.

    Example::

        reset_arrays(w, g, num_arrays=2)   # w and g are now all zeros
    """
    _check_count('reset_arrays', 'num_arrays', a.num_arrays, data)
    for i, t in enumerate(data):
        _float_only('reset_arrays', t, i)
    with torch.no_grad():
        for t in data:
            t.zero_()
    return ()
