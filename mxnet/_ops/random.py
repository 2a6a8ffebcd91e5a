"""Random sampling operators: _random_* (scalar parameters), _random_*_like, _sample_*
(NDArray parameters, one draw set per parameter element), _shuffle, _random_pdf_*.

All draws come from torch's generators, which ``mx.random.seed`` seeds. Distributions follow
MXNet's parameterisation: gamma(alpha=shape, beta=scale), exponential(lam=rate),
negative_binomial(k successes, p success probability; counts failures),
generalized_negative_binomial(mu=mean, alpha=dispersion).
"""
import math

import torch

from .registry import register, Param, OpError, KernelError
from .params import Float, Int, Shape, Ctx, Dtype, Bool, REQUIRED
from ..base import torch_dtype
from ..context import current_context

_FLOAT_DTYPES = (None, 'float16', 'float32', 'float64')


def _dev(a):
    return (a.ctx or current_context()).torch_device


def _fdtype(a, default=torch.float32):
    return default if a.dtype is None else torch_dtype(a.dtype)


def _shape(a):
    return tuple(a.shape) if a.shape is not None else ()


def _creation(**extra):
    d = dict(extra)
    d['shape'] = Param(Shape, None, 'Shape of the output.')
    d['ctx'] = Param(Ctx, None, 'Context of output, in format [cpu|gpu|cpu_pinned](n).')
    d['dtype'] = Param(Dtype, None, "DType of the output (float32 when None).",
                       choices=_FLOAT_DTYPES)
    return d


# -- samplers on tensors (shared by _random_*, _random_*_like and _sample_*) ----------------------
def _uniform(low, high, shape, dtype, dev):
    u = torch.rand(shape, dtype=torch.float64 if dtype == torch.float64 else torch.float32,
                   device=dev)
    return (low + (high - low) * u).to(dtype)


def _normal(loc, scale, shape, dtype, dev):
    z = torch.randn(shape, dtype=torch.float64 if dtype == torch.float64 else torch.float32,
                    device=dev)
    return (loc + scale * z).to(dtype)


def _gamma(alpha, beta, shape, dtype, dev):
    a = torch.as_tensor(alpha, dtype=torch.float32, device=dev).expand(shape).contiguous()
    return (torch._standard_gamma(a) * beta).to(dtype)


def _exponential(lam, shape, dtype, dev):
    e = torch.empty(shape, dtype=torch.float32, device=dev).exponential_()
    return (e / lam).to(dtype)


def _poisson(lam, shape, dtype, dev):
    rate = torch.as_tensor(lam, dtype=torch.float32, device=dev).expand(shape).contiguous()
    return torch.poisson(rate).to(dtype)


def _neg_binomial(k, p, shape, dtype, dev):
    k = torch.as_tensor(k, dtype=torch.float32, device=dev).expand(shape).contiguous()
    p = torch.as_tensor(p, dtype=torch.float32, device=dev).expand(shape)
    lam = torch._standard_gamma(k) * (1 - p) / p
    return torch.poisson(lam).to(dtype)


def _gen_neg_binomial(mu, alpha, shape, dtype, dev):
    mu = torch.as_tensor(mu, dtype=torch.float32, device=dev).expand(shape).contiguous()
    alpha = torch.as_tensor(alpha, dtype=torch.float32, device=dev).expand(shape).contiguous()
    safe = torch.where(alpha > 0, alpha, torch.ones_like(alpha))
    lam = torch.where(alpha > 0, torch._standard_gamma(1.0 / safe) * mu * safe, mu)
    return torch.poisson(lam).to(dtype)


def _check_range(name, cond, msg, a, dtype=None):
    """MXNet checks a sampler's parameters in its kernel: the error comes at the next wait on
    the output (a KernelError, carrying the output's shape for its placeholder)."""
    if not cond:
        raise KernelError('Error in operator %s: %s' % (name, msg),
                          [(_shape(a), dtype or _fdtype(a), _dev(a))])


# -- _random_* -------------------------------------------------------------------------------------
@register('_random_uniform', inputs=(), aliases=('random_uniform', 'uniform'), creation=True,
          no_cse=True, dynamic_shape=True,
          **_creation(low=Param(Float, 0.0, 'Lower bound of the distribution.'),
                      high=Param(Float, 1.0, 'Upper bound of the distribution.')))
def _random_uniform(a):
    """Draw samples from a uniform distribution on [low, high)."""
    _check_range('_random_uniform', a.low <= a.high, 'low (%s) > high (%s)' % (a.low, a.high),
                 a)
    return _uniform(a.low, a.high, _shape(a), _fdtype(a), _dev(a))


@register('_random_normal', inputs=(), aliases=('random_normal', 'normal'), creation=True,
          no_cse=True, dynamic_shape=True,
          **_creation(loc=Param(Float, 0.0, 'Mean of the distribution.'),
                      scale=Param(Float, 1.0, 'Standard deviation of the distribution.')))
def _random_normal(a):
    """Draw samples from a normal (Gaussian) distribution."""
    _check_range('_random_normal', a.scale >= 0, 'scale must be >= 0, got %s' % a.scale, a)
    return _normal(a.loc, a.scale, _shape(a), _fdtype(a), _dev(a))


@register('_random_gamma', inputs=(), aliases=('random_gamma',), creation=True,
          no_cse=True, dynamic_shape=True, monitor_indexed_inputs=True,
          monitor_indexed_outputs=True,
          **_creation(alpha=Param(Float, 1.0, 'Alpha parameter (shape) of the gamma distribution.'),
                      beta=Param(Float, 1.0, 'Beta parameter (scale) of the distribution.')))
def _random_gamma(a):
    """Draw samples from a gamma distribution (alpha = shape, beta = scale)."""
    _check_range('_random_gamma', a.alpha > 0 and a.beta > 0, 'alpha and beta must be > 0', a)
    return _gamma(a.alpha, a.beta, _shape(a), _fdtype(a), _dev(a))


@register('_random_exponential', inputs=(), aliases=('random_exponential',), creation=True,
          no_cse=True, dynamic_shape=True,
          **_creation(lam=Param(Float, 1.0, 'Lambda parameter (rate) of the exponential '
                                'distribution.')))
def _random_exponential(a):
    """Draw samples from an exponential distribution with rate lam."""
    _check_range('_random_exponential', a.lam > 0, 'lam must be > 0, got %s' % a.lam, a)
    return _exponential(a.lam, _shape(a), _fdtype(a), _dev(a))


@register('_random_poisson', inputs=(), aliases=('random_poisson',), creation=True,
          no_cse=True, dynamic_shape=True,
          **_creation(lam=Param(Float, 1.0, 'Lambda parameter (rate) of the Poisson '
                                'distribution.')))
def _random_poisson(a):
    """Draw samples from a Poisson distribution (values are returned as floats)."""
    _check_range('_random_poisson', a.lam >= 0, 'lam must be >= 0, got %s' % a.lam, a)
    return _poisson(a.lam, _shape(a), _fdtype(a), _dev(a))


@register('_random_negative_binomial', inputs=(), aliases=('random_negative_binomial',),
          no_cse=True, dynamic_shape=True,
          creation=True, **_creation(k=Param(Int, 1, 'Limit of unsuccessful experiments.'),
                                     p=Param(Float, 1.0, 'Failure probability in each '
                                             'experiment.')))
def _random_negative_binomial(a):
    """Number of failures before k successes, success probability p."""
    _check_range('_random_negative_binomial', a.k > 0 and 0 < a.p <= 1,
                 'need k > 0 and 0 < p <= 1', a)
    return _neg_binomial(float(a.k), a.p, _shape(a), _fdtype(a), _dev(a))


@register('_random_generalized_negative_binomial', inputs=(),
          no_cse=True, dynamic_shape=True,
          aliases=('random_generalized_negative_binomial',), creation=True,
          **_creation(mu=Param(Float, 1.0, 'Mean of the negative binomial distribution.'),
                      alpha=Param(Float, 1.0, 'Alpha (dispersion) parameter of the negative '
                                  'binomial distribution.')))
def _random_generalized_negative_binomial(a):
    """Negative binomial parameterised by mean mu and dispersion alpha (Poisson when 0)."""
    _check_range('_random_generalized_negative_binomial', a.mu >= 0 and a.alpha >= 0,
                 'mu and alpha must be >= 0', a)
    return _gen_neg_binomial(a.mu, a.alpha, _shape(a), _fdtype(a), _dev(a))


@register('_random_randint', inputs=(), aliases=('random_randint',), creation=True,
          no_cse=True, dynamic_shape=True,
          low=Param(Int, doc='Lower bound of the distribution.'),
          high=Param(Int, doc='Upper bound of the distribution.'),
          shape=Param(Shape, None, 'Shape of the output.'),
          ctx=Param(Ctx, None, 'Context of output.'),
          dtype=Param(Dtype, None, 'DType of the output (int32 when None).',
                      choices=(None, 'int32', 'int64')))
def _random_randint(a):
    """Draw integers uniformly from [low, high)."""
    _check_range('_random_randint', a.low < a.high, 'low (%d) must be < high (%d)'
                 % (a.low, a.high), a,
                 torch.int32 if a.dtype is None else torch_dtype(a.dtype))
    td = torch.int32 if a.dtype is None else torch_dtype(a.dtype)
    return torch.randint(a.low, a.high, _shape(a), dtype=torch.int64,
                         device=_dev(a)).to(td)


# -- _random_*_like ------------------------------------------------------------------------------
def _like(name, alias, sampler, params, doc):
    @register(name, aliases=(alias,), no_cse=True, monitor_indexed_inputs=True,
              monitor_indexed_outputs=True, **params)
    def op(a, data):
        kw = {k: getattr(a, k) for k in params}
        return sampler(*kw.values(), tuple(data.shape), data.dtype, data.device)
    op.opdef.doc = doc


_like('_random_uniform_like', 'random_uniform_like', _uniform,
      {'low': Param(Float, 0.0), 'high': Param(Float, 1.0)},
      'Uniform samples with the shape and dtype of data.')
_like('_random_normal_like', 'random_normal_like', _normal,
      {'loc': Param(Float, 0.0), 'scale': Param(Float, 1.0)},
      'Normal samples with the shape and dtype of data.')
_like('_random_gamma_like', 'random_gamma_like', _gamma,
      {'alpha': Param(Float, 1.0), 'beta': Param(Float, 1.0)},
      'Gamma samples with the shape and dtype of data.')
_like('_random_exponential_like', 'random_exponential_like', _exponential,
      {'lam': Param(Float, 1.0)}, 'Exponential samples with the shape and dtype of data.')
_like('_random_poisson_like', 'random_poisson_like', _poisson,
      {'lam': Param(Float, 1.0)}, 'Poisson samples with the shape and dtype of data.')
_like('_random_negative_binomial_like', 'random_negative_binomial_like',
      lambda k, p, s, d, dev: _neg_binomial(float(k), p, s, d, dev),
      {'k': Param(Int, 1), 'p': Param(Float, 1.0)},
      'Negative binomial samples with the shape and dtype of data.')
_like('_random_generalized_negative_binomial_like', 'random_generalized_negative_binomial_like',
      _gen_neg_binomial, {'mu': Param(Float, 1.0), 'alpha': Param(Float, 1.0)},
      'Generalized negative binomial samples with the shape and dtype of data.')


# -- _sample_* ---------------------------------------------------------------------------------------
def _sample(name, alias, inputs, sampler, doc):
    @register(name, inputs=inputs, aliases=(alias,), no_cse=True, monitor_indexed_outputs=True,
              shape=Param(Shape, (), 'Shape to be sampled from each random distribution.'),
              dtype=Param(Dtype, None, 'DType of the output (float32 when None).',
                          choices=_FLOAT_DTYPES))
    def op(a, *params):
        first = params[0]
        for p in params[1:]:
            if p.shape != first.shape:
                raise OpError('Error in operator %s: parameter shapes differ: %s' % (
                    name, [list(x.shape) for x in params]))
        extra = tuple(a.shape or ())
        out_shape = tuple(first.shape) + extra
        exp = [p.reshape(tuple(p.shape) + (1,) * len(extra)).expand(out_shape) for p in params]
        dt = _fdtype(a)
        with torch.no_grad():
            return sampler(*exp, out_shape, dt, first.device)
    op.opdef.doc = doc


_sample('_sample_uniform', 'sample_uniform', ('low', 'high'), _uniform,
        'Uniform samples for each (low, high) pair; output shape = param shape + shape.')
_sample('_sample_normal', 'sample_normal', ('mu', 'sigma'), _normal,
        'Normal samples for each (mu, sigma) pair.')
_sample('_sample_gamma', 'sample_gamma', ('alpha', 'beta'), _gamma,
        'Gamma samples for each (alpha, beta) pair.')
_sample('_sample_exponential', 'sample_exponential', ('lam',), _exponential,
        'Exponential samples for each rate lam.')
_sample('_sample_poisson', 'sample_poisson', ('lam',), _poisson,
        'Poisson samples for each rate lam.')
_sample('_sample_negative_binomial', 'sample_negative_binomial', ('k', 'p'), _neg_binomial,
        'Negative binomial samples for each (k, p) pair.')
_sample('_sample_generalized_negative_binomial', 'sample_generalized_negative_binomial',
        ('mu', 'alpha'), _gen_neg_binomial,
        'Generalized negative binomial samples for each (mu, alpha) pair.')


def _multinomial_outputs(a):
    return 2 if a.get_prob else 1


@register('_sample_multinomial', aliases=('sample_multinomial',),
          num_outputs=_multinomial_outputs, no_cse=True, monitor_indexed_inputs=True,
          monitor_indexed_outputs=True,
          shape=Param(Shape, (), 'Shape to be sampled from each random distribution.'),
          get_prob=Param(Bool, False, 'Whether to also return the log probability of sampled '
                         'results.'),
          dtype=Param(Dtype, 'int32', 'DType of the output.',
                      choices=('float16', 'float32', 'float64', 'int32', 'uint8')))
def _sample_multinomial(a, data):
    """Sample category indices from the distributions in the last axis of data."""
    k = data.shape[-1]
    batch = tuple(data.shape[:-1])
    extra = tuple(a.shape or ())
    n = 1
    for d in extra:
        n *= d
    if data.device.type == 'meta':  # shape inference: shapes and dtypes only
        out = torch.empty(batch + extra, dtype=torch_dtype(a.dtype), device='meta')
        return (out, torch.empty(batch + extra, dtype=data.dtype, device='meta')) \
            if a.get_prob else out
    probs = data.detach().reshape(-1, k).float()
    if (probs < 0).any():
        raise OpError('Error in operator _sample_multinomial: probabilities must be >= 0')
    idx = torch.multinomial(probs, n, replacement=True) if probs.shape[0] else \
        torch.zeros((0, n), dtype=torch.int64, device=data.device)
    out_shape = batch + extra
    samples = idx.reshape(out_shape).to(torch_dtype(a.dtype))
    if not a.get_prob:
        return samples
    logp = torch.log(data.reshape(-1, k)).gather(1, idx).reshape(out_shape)
    return samples, logp


@register('_shuffle', aliases=('shuffle',), no_cse=True)
def _shuffle(a, data):
    """Randomly shuffle the elements along the first axis."""
    if data.dim() == 0 or data.shape[0] <= 1:
        return data.clone()
    perm = torch.randperm(data.shape[0], device=data.device)
    return data.detach()[perm]


@register('_sample_unique_zipfian', inputs=(), creation=True, num_outputs=2, no_cse=True,
          range_max=Param(Int, REQUIRED, 'The number of possible classes.'),
          shape=Param(Shape, None, '2-D shape of the output, where shape[0] is the batch size, '
                      'and shape[1] is the number of candidates to sample for each batch.'))
def _sample_unique_zipfian(a):
    """Draw random samples from an approximately log-uniform or Zipfian distribution without
    replacement.

    For a 2-D shape (batch_size, num_sampled), each row holds num_sampled distinct classes
    from [0, range_max), drawn from P(class) = (log(class + 2) - log(class + 1)) /
    log(range_max + 1) and kept in the order first drawn; the second output (int64, one per
    row) counts the draws each row took. As MXNet's CPU kernel: a draw is
    round(exp(u * log(range_max))) - 1 for u uniform in [0, 1).
    """
    shape = tuple(a.shape or ())
    if len(shape) != 2:
        raise OpError('Error in operator _sample_unique_zipfian: Check failed: '
                      'param.shape.ndim() == 2U (%d vs. 2)' % len(shape))
    batch, num_sampled = shape
    if num_sampled > a.range_max:
        raise OpError('Error in operator _sample_unique_zipfian: cannot draw %d distinct '
                      'classes out of range_max=%d' % (num_sampled, a.range_max))
    log_range = math.log(a.range_max)
    out = torch.empty(shape, dtype=torch.int64)
    trials = torch.empty((batch,), dtype=torch.int64)
    for b in range(batch):
        draws = torch.empty((0,), dtype=torch.int64)
        chunk = max(2 * num_sampled, 16)
        while True:
            u = torch.rand(chunk, dtype=torch.float64)
            new = torch.floor(torch.exp(u * log_range) + 0.5).to(torch.int64) - 1  # lround
            draws = torch.cat([draws, new])
            uniq, inverse = torch.unique(draws, return_inverse=True)
            if uniq.numel() >= num_sampled:
                break
            chunk *= 2
        # the position where each distinct class was first drawn, in drawing order
        pos = torch.arange(draws.numel(), dtype=torch.int64)
        first = torch.full((uniq.numel(),), draws.numel(), dtype=torch.int64)
        first.scatter_reduce_(0, inverse, pos, reduce='amin')
        first = first.sort().values[:num_sampled]
        out[b] = draws[first]
        trials[b] = first[-1] + 1 if num_sampled else 0
    return out, trials


# -- _random_pdf_* -----------------------------------------------------------------------------------
def _pdf(name, inputs, logpdf, doc):
    @register(name, inputs=('sample',) + inputs, aliases=(name[1:],), no_cse=True,
              monitor_indexed_outputs=True,
              is_log=Param(Bool, False, 'If set, compute the density of the log-probability '
                           'instead of the probability.'))
    def op(a, sample, *params):
        first = params[0]
        for p in params[1:]:
            if p.shape != first.shape:
                raise OpError('Error in operator %s: parameter shapes differ' % name)
        dirichlet = name == '_random_pdf_dirichlet'
        ps = tuple(first.shape[:-1]) if dirichlet else tuple(first.shape)
        if tuple(sample.shape[:len(ps)]) != ps:
            raise OpError('Error in operator %s: sample shape %s must start with the parameter '
                          'shape %s' % (name, list(sample.shape), list(ps)))
        extra = sample.dim() - len(ps) - (1 if dirichlet else 0)
        exp = [p.reshape(tuple(p.shape[:-1]) + (1,) * extra + (p.shape[-1],)) if dirichlet
               else p.reshape(tuple(p.shape) + (1,) * extra) for p in params]
        lp = logpdf(sample, *exp)
        return lp if a.is_log else torch.exp(lp)
    op.opdef.doc = doc


def _lp_uniform(x, low, high):
    inside = (x >= low) & (x <= high)
    return torch.where(inside, -torch.log(high - low) + 0 * x, torch.full_like(x, -math.inf))


def _lp_normal(x, mu, sigma):
    return -0.5 * ((x - mu) / sigma) ** 2 - torch.log(sigma) - 0.5 * math.log(2 * math.pi)


def _lp_gamma(x, alpha, beta):
    # MXNet's pdf op takes beta as the rate (its samplers take beta as the scale)
    return (alpha - 1) * torch.log(x) - x * beta - torch.lgamma(alpha) + alpha * torch.log(beta)


def _lp_exponential(x, lam):
    return torch.log(lam) - lam * x


def _lp_poisson(x, lam):
    return x * torch.log(lam) - lam - torch.lgamma(x + 1)


def _lp_negbin(x, k, p):
    return (torch.lgamma(x + k) - torch.lgamma(x + 1) - torch.lgamma(k) + k * torch.log(p)
            + x * torch.log1p(-p))


def _lp_gen_negbin(x, mu, alpha):
    k = 1.0 / alpha
    p = 1.0 / (1.0 + alpha * mu)
    return _lp_negbin(x, k, p)


def _lp_dirichlet(x, alpha):
    return (torch.lgamma(alpha.sum(-1)) - torch.lgamma(alpha).sum(-1)
            + ((alpha - 1) * torch.log(x)).sum(-1))


_pdf('_random_pdf_uniform', ('low', 'high'), _lp_uniform,
     'PDF of samples under uniform distributions [low, high].')
_pdf('_random_pdf_normal', ('mu', 'sigma'), _lp_normal,
     'PDF of samples under normal distributions (mu, sigma).')
_pdf('_random_pdf_gamma', ('alpha', 'beta'), _lp_gamma,
     'PDF of samples under gamma distributions (alpha shape, beta rate).')
_pdf('_random_pdf_exponential', ('lam',), _lp_exponential,
     'PDF of samples under exponential distributions with rate lam.')
_pdf('_random_pdf_poisson', ('lam',), _lp_poisson,
     'PMF of samples under Poisson distributions with rate lam.')
_pdf('_random_pdf_negative_binomial', ('k', 'p'), _lp_negbin,
     'PMF of samples under negative binomial distributions (k, p).')
_pdf('_random_pdf_generalized_negative_binomial', ('mu', 'alpha'), _lp_gen_negbin,
     'PMF of samples under generalized negative binomial distributions (mu, alpha).')
_pdf('_random_pdf_dirichlet', ('alpha',), _lp_dirichlet,
     'PDF of samples (last axis) under Dirichlet distributions with concentration alpha.')
