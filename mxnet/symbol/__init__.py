"""``mx.sym``: the Symbol graph API, with one function per registry operator.

Namespaces as in MXNet: ``mx.sym.X`` (public ops), ``mx.sym._internal``, ``mx.sym.linalg``,
``mx.sym.contrib``, ``mx.sym.image``, ``mx.sym.sparse``, ``mx.sym.random``.
"""
import sys as _sys
import types as _types

from ..base import _Null, numeric_types as _numeric, MXNetError as _MXNetError
from .. import _ops as _operator  # noqa: F401  (registers every op)
from .symbol import Symbol, Variable, var, Group, load, load_json, split_v2  # noqa: F401
from . import register as _register
from . import contrib  # mx.sym.contrib: control flow; the contrib operators are added below


def _submodule(name, doc):
    full = __name__ + '.' + name
    mod = _sys.modules.get(full)
    if mod is None:
        mod = _types.ModuleType(full, doc)
        _sys.modules[full] = mod
    return mod


op = _submodule('op', 'Operator functions of mx.sym, generated from the registry.')
_internal = _submodule('_internal', 'mx.sym._internal: operators whose names start with _.')
linalg = _submodule('linalg', 'mx.sym.linalg: linear-algebra operators.')
image = _submodule('image', 'mx.sym.image: image operators.')
sparse = _submodule('sparse', 'mx.sym.sparse: sparse operators.')
random = _submodule('random', 'mx.sym.random: sampling operators.')

_register.populate(op, _internal, {'linalg': linalg, 'contrib': contrib, 'image': image,
                                   'sparse': sparse})
for _k, _v in vars(op).items():
    if not _k.startswith('__'):
        globals()[_k] = _v
del _k, _v


# -- creation functions ----------------------------------------------------------------------
def zeros(shape, dtype=None, **kwargs):
    """A symbol of the given shape filled with zeros (``_zeros``)."""
    return _internal._zeros(shape=shape, dtype='float32' if dtype is None else _dt(dtype),
                            **kwargs)


def ones(shape, dtype=None, **kwargs):
    """A symbol of the given shape filled with ones (``_ones``)."""
    return _internal._ones(shape=shape, dtype='float32' if dtype is None else _dt(dtype),
                           **kwargs)


def full(shape, val, dtype=None, **kwargs):
    """A symbol of the given shape filled with ``val`` (``_full``)."""
    return _internal._full(shape=shape, value=float(val),
                           dtype='float32' if dtype is None else _dt(dtype), **kwargs)


def arange(start, stop=None, step=1.0, repeat=1, infer_range=False, name=None, dtype=None):
    """Evenly spaced values in [start, stop) (``_arange``)."""
    return _internal._arange(start=start, stop=stop, step=step, repeat=repeat,
                             infer_range=infer_range, name=name,
                             dtype='float32' if dtype is None else _dt(dtype))


def linspace(start, stop, num, endpoint=True, name=None, dtype=None):
    """``num`` evenly spaced values from start to stop (``_linspace``)."""
    return _internal._linspace(start=start, stop=stop, num=num, endpoint=endpoint, name=name,
                               dtype='float32' if dtype is None else _dt(dtype))


def eye(N, M=0, k=0, dtype=None, **kwargs):
    """A 2-D symbol with ones on the k-th diagonal (``_eye``)."""
    return _internal._eye(N=N, M=M, k=k, dtype='float32' if dtype is None else _dt(dtype),
                          **kwargs)


def _dt(dtype):
    import numpy as np
    return dtype if isinstance(dtype, str) else np.dtype(dtype).name


def _ufunc(a, b, fn, lfn_scalar, rfn_scalar, py):
    if isinstance(a, Symbol):
        if isinstance(b, Symbol):
            return fn(a, b)
        if isinstance(b, _numeric):
            return lfn_scalar(a, scalar=float(b))
    elif isinstance(a, _numeric):
        if isinstance(b, Symbol):
            return rfn_scalar(b, scalar=float(a))
        if isinstance(b, _numeric):
            return py(a, b)
    raise TypeError('types (%s, %s) not supported' % (type(a), type(b)))


def pow(base, exp):  # noqa: A001 (MXNet's name)
    """``base ** exp`` for symbols and/or scalars."""
    return _ufunc(base, exp, _internal._Power, _internal._PowerScalar,
                  _internal._RPowerScalar, lambda x, y: x ** y)


power = pow


def maximum(left, right):
    """Elementwise maximum of symbols and/or scalars."""
    return _ufunc(left, right, _internal._Maximum, _internal._MaximumScalar,
                  _internal._MaximumScalar, lambda x, y: x if x > y else y)


def minimum(left, right):
    """Elementwise minimum of symbols and/or scalars."""
    return _ufunc(left, right, _internal._Minimum, _internal._MinimumScalar,
                  _internal._MinimumScalar, lambda x, y: x if x < y else y)


def hypot(left, right):
    """Elementwise sqrt(left**2 + right**2) of symbols and/or scalars."""
    return _ufunc(left, right, _internal._Hypot, _internal._HypotScalar,
                  _internal._HypotScalar, lambda x, y: (x * x + y * y) ** 0.5)


def histogram(a, bins=10, range=None, **kwargs):  # noqa: A002 (MXNet's name)
    """Histogram of the flattened ``a``: ``bins`` equal-width bins over ``range`` (required
    here), or bin edges given as a Symbol. Outputs the counts and the bin edges."""
    if isinstance(bins, Symbol):
        return _internal._histogram(data=a, bins=bins, **kwargs)
    if isinstance(bins, int):
        if range is None:
            raise ValueError('null range is not supported in symbol mode')
        return _internal._histogram(data=a, bin_cnt=bins, range=range, **kwargs)
    raise ValueError('bins argument should be either an integer or an NDArray')


# -- mx.sym.random ---------------------------------------------------------------------------
def _rand(scalar_op, sample_op, params, names, shape, dtype, kwargs):
    if isinstance(params[0], Symbol):
        if not all(isinstance(p, Symbol) for p in params):
            raise _MXNetError('Distribution parameters must all have the same type')
        if sample_op is None:
            raise _MXNetError('this distribution does not take Symbol parameters')
        return getattr(_internal, sample_op)(*params, shape=shape, dtype=dtype, **kwargs)
    if not all(isinstance(p, _numeric) for p in params):
        raise _MXNetError('Distribution parameters must be either Symbol or numbers, but got '
                          '%s.' % type(params[0]))
    kw = dict(zip(names, params))
    return getattr(_internal, scalar_op)(shape=shape, dtype=dtype, **kw, **kwargs)


def _mk_random(dist, names, defaults, sample=True, doc=''):
    def f(*args, shape=_Null, dtype=_Null, **kwargs):
        # MXNet's signature: (<params>, shape=_Null, dtype=_Null, **kwargs), by position too
        extra = args[len(names):]
        if len(extra) > 2:
            raise TypeError('%s() takes at most %d positional arguments (%d given)'
                            % (dist, len(names) + 2, len(args)))
        if extra:
            shape = extra[0]
            if len(extra) > 1:
                dtype = extra[1]
        vals = list(defaults)
        for i, a in enumerate(args[:len(names)]):
            vals[i] = a
        for i, nm in enumerate(names):
            if nm in kwargs:
                vals[i] = kwargs.pop(nm)
        return _rand('_random_' + dist, ('_sample_' + dist) if sample else None, vals, names,
                     shape, dtype, kwargs)
    f.__name__ = dist
    f.__doc__ = doc or ('Draw samples from the %s distribution: scalar parameters draw a '
                        'symbol of ``shape``; Symbol parameters draw ``shape`` samples per '
                        'element.' % dist)
    return f


random.uniform = _mk_random('uniform', ('low', 'high'), (0, 1))
random.normal = _mk_random('normal', ('loc', 'scale'), (0, 1))
random.poisson = _mk_random('poisson', ('lam',), (1,))


def _exponential(scale=1, shape=_Null, dtype=_Null, **kwargs):
    """Exponential samples with the given scale (= 1 / rate): a scalar scale draws a symbol of
    ``shape``, a Symbol scale ``shape`` samples per element (as mx.nd.random.exponential)."""
    return _rand('_random_exponential', '_sample_exponential', [1.0 / scale], ('lam',), shape,
                 dtype, kwargs)


_exponential.__name__ = 'exponential'
random.exponential = _exponential
random.gamma = _mk_random('gamma', ('alpha', 'beta'), (1, 1))
random.negative_binomial = _mk_random('negative_binomial', ('k', 'p'), (1, 1))
random.generalized_negative_binomial = _mk_random('generalized_negative_binomial',
                                                  ('mu', 'alpha'), (1, 1))
random.randint = _mk_random('randint', ('low', 'high'), (0, 1), sample=False)


def _multinomial(data, shape=_Null, get_prob=True, dtype='int32', **kwargs):
    """Sample category indices from the probability vectors in data's last axis (with their
    log-probabilities as a second output unless ``get_prob=False``, MXNet's symbol default)."""
    return _internal._sample_multinomial(data, shape=shape, get_prob=get_prob, dtype=dtype,
                                         **kwargs)


def _shuffle(data, **kwargs):
    """``data`` shuffled along its first axis."""
    return _internal._shuffle(data, **kwargs)


def _randn(*shape, **kwargs):
    """Normal samples of the given shape: ``randn(2, 3, loc=0, scale=1)``."""
    loc = kwargs.pop('loc', 0)
    scale = kwargs.pop('scale', 1)
    dtype = kwargs.pop('dtype', _Null)
    return random.normal(loc, scale, shape=shape, dtype=dtype, **kwargs)


_randn.__name__ = 'randn'
random.randn = _randn
random.multinomial = _multinomial
random.shuffle = _shuffle
for _k in dir(_internal):
    if _k.startswith('_random_') and _k.endswith('_like'):
        setattr(random, _k[len('_random_'):], getattr(_internal, _k))
del _k


# -- fluent methods ------------------------------------------------------------------------
def _install_fluent():
    from ..ndarray.fluent import FLUENT
    extra = ('reshape', 'reshape_like', 'broadcast_to', 'broadcast_like', 'expand_dims',
             'flatten', 'split', 'squeeze', 'transpose', 'swapaxes', 'one_hot', 'softmax')

    def method(fn, nm):
        def m(self, *args, **kwargs):
            return fn(self, *args, **kwargs)
        m.__name__ = nm
        m.__doc__ = 'Convenience fluent method for :py:func:`%s`.' % nm
        return m
    for nm in tuple(FLUENT) + extra:
        fn = getattr(op, nm, None)
        if fn is not None and nm not in Symbol.__dict__:
            setattr(Symbol, nm, method(fn, nm))


_install_fluent()


def _rand_zipfian(true_classes, num_sampled, range_max):
    """Draw ``num_sampled`` classes in [0, range_max) from the approximately log-uniform
    (Zipfian) distribution, with replacement; returns the sampled classes (int64) and the
    expected counts of ``true_classes`` and of the samples (float64), as
    ``mx.nd.contrib.rand_zipfian``."""
    import math as _math
    from ..ndarray.contrib import zipfian_from_uniform
    if not isinstance(true_classes, Symbol):
        raise TypeError('unexpected type %s' % type(true_classes))
    rand = _internal._random_uniform(low=0.0, high=_math.log(range_max + 1),
                                     shape=(num_sampled,), dtype='float64')
    return zipfian_from_uniform(rand, true_classes, num_sampled, range_max)


_rand_zipfian.__name__ = 'rand_zipfian'
contrib.rand_zipfian = _rand_zipfian
