"""``mx.nd.random``: sampling functions. Scalar distribution parameters draw ``shape`` samples
(``_random_*`` ops); NDArray parameters draw ``shape`` samples per element (``_sample_*``)."""
from ..base import numeric_types, _Null, MXNetError
from ..context import current_context
from . import _internal
from .ndarray import NDArray

__all__ = ['uniform', 'normal', 'randn', 'poisson', 'exponential', 'gamma', 'multinomial',
           'negative_binomial', 'generalized_negative_binomial', 'shuffle', 'randint',
           'uniform_like', 'normal_like', 'poisson_like', 'exponential_like', 'gamma_like',
           'negative_binomial_like', 'generalized_negative_binomial_like']


def _helper(random, sampler, params, shape, dtype, ctx, out, kwargs):
    if out is not None:
        if shape is _Null or shape is None:
            shape = out.shape
        if dtype is _Null or dtype is None:
            dtype = out.dtype
    if dtype is not _Null and dtype is not None and not isinstance(dtype, str):
        import numpy as np
        dtype = np.dtype(dtype).name
    if isinstance(params[0], NDArray):
        for p in params[1:]:
            if not isinstance(p, NDArray):
                raise MXNetError('Distribution parameters must all have the same type, but got '
                                 'both %s and %s.' % (type(params[0]), type(p)))
        if sampler is None:
            raise MXNetError('this distribution does not take NDArray parameters')
        return sampler(*params, shape=shape, dtype=dtype, out=out, **kwargs)
    if isinstance(params[0], numeric_types):
        if ctx is None:
            ctx = current_context()
        if (shape is _Null or shape is None) and out is None:
            shape = 1
        for p in params[1:]:
            if not isinstance(p, numeric_types):
                raise MXNetError('Distribution parameters must all have the same type, but got '
                                 'both %s and %s.' % (type(params[0]), type(p)))
        return random(*params, shape=shape, dtype=dtype, ctx=ctx, out=out, **kwargs)
    raise MXNetError('Distribution parameters must be either NDArray or numbers, but got %s.'
                     % type(params[0]))


def uniform(low=0, high=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from U[low, high)."""
    return _helper(_internal._random_uniform, _internal._sample_uniform, [low, high], shape,
                   dtype, ctx, out, kwargs)


def normal(loc=0, scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Samples from N(loc, scale^2)."""
    return _helper(_internal._random_normal, _internal._sample_normal, [loc, scale], shape,
                   dtype, ctx, out, kwargs)


def randn(*shape, **kwargs):
    """Normal samples with the given shape: ``randn(2, 3, loc=0, scale=1)``."""
    loc = kwargs.pop('loc', 0)
    scale = kwargs.pop('scale', 1)
    dtype = kwargs.pop('dtype', _Null)
    ctx = kwargs.pop('ctx', None)
    out = kwargs.pop('out', None)
    return _helper(_internal._random_normal, _internal._sample_normal, [loc, scale], shape,
                   dtype, ctx, out, kwargs)


def poisson(lam=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _helper(_internal._random_poisson, _internal._sample_poisson, [lam], shape, dtype,
                   ctx, out, kwargs)


def exponential(scale=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Exponential samples with the given scale (= 1 / rate)."""
    lam = 1.0 / scale if not isinstance(scale, NDArray) else 1.0 / scale
    return _helper(_internal._random_exponential, _internal._sample_exponential, [lam], shape,
                   dtype, ctx, out, kwargs)


def gamma(alpha=1, beta=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Gamma samples with shape alpha and scale beta."""
    return _helper(_internal._random_gamma, _internal._sample_gamma, [alpha, beta], shape,
                   dtype, ctx, out, kwargs)


def negative_binomial(k=1, p=1, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    return _helper(_internal._random_negative_binomial, _internal._sample_negative_binomial,
                   [k, p], shape, dtype, ctx, out, kwargs)


def generalized_negative_binomial(mu=1, alpha=1, shape=_Null, dtype=_Null, ctx=None, out=None,
                                  **kwargs):
    return _helper(_internal._random_generalized_negative_binomial,
                   _internal._sample_generalized_negative_binomial, [mu, alpha], shape, dtype,
                   ctx, out, kwargs)


def multinomial(data, shape=_Null, get_prob=False, out=None, dtype='int32', **kwargs):
    """Sample category indices from the probability vectors in data's last axis."""
    if shape is _Null:
        shape = ()
    return _internal._sample_multinomial(data, shape=shape, get_prob=get_prob, out=out,
                                         dtype=dtype, **kwargs)


def shuffle(data, **kwargs):
    """A copy of data shuffled along the first axis."""
    return _internal._shuffle(data, **kwargs)


def randint(low, high, shape=_Null, dtype=_Null, ctx=None, out=None, **kwargs):
    """Integers drawn uniformly from [low, high)."""
    return _helper(_internal._random_randint, None, [low, high], shape, dtype, ctx, out, kwargs)


def uniform_like(data=None, low=0, high=1, out=None, **kwargs):
    return _internal._random_uniform_like(data, low=low, high=high, out=out, **kwargs)


def normal_like(data=None, loc=0, scale=1, out=None, **kwargs):
    return _internal._random_normal_like(data, loc=loc, scale=scale, out=out, **kwargs)


def poisson_like(data=None, lam=1, out=None, **kwargs):
    return _internal._random_poisson_like(data, lam=lam, out=out, **kwargs)


def exponential_like(data=None, lam=1, out=None, **kwargs):
    return _internal._random_exponential_like(data, lam=lam, out=out, **kwargs)


def gamma_like(data=None, alpha=1, beta=1, out=None, **kwargs):
    return _internal._random_gamma_like(data, alpha=alpha, beta=beta, out=out, **kwargs)


def negative_binomial_like(data=None, k=1, p=1, out=None, **kwargs):
    return _internal._random_negative_binomial_like(data, k=k, p=p, out=out, **kwargs)


def generalized_negative_binomial_like(data=None, mu=1, alpha=1, out=None, **kwargs):
    return _internal._random_generalized_negative_binomial_like(data, mu=mu, alpha=alpha,
                                                                out=out, **kwargs)
