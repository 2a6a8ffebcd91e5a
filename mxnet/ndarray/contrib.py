"""mx.nd.contrib: MXNet's Python-level contrib functions (below) and the contrib operators
generated from the registry (``_contrib_X`` becomes ``contrib.X``, see register.py)."""
import math

import numpy as np

__all__ = ['rand_zipfian', 'isinf', 'isfinite', 'isnan']


def rand_zipfian(true_classes, num_sampled, range_max, ctx=None):
    """Draw ``num_sampled`` classes in [0, range_max) from the approximately log-uniform
    (Zipfian) distribution P(class) = (log(class + 2) - log(class + 1)) / log(range_max + 1),
    with replacement.

    Returns ``(samples, expected_count_true, expected_count_sampled)``: the sampled classes
    (int64), and how often each of ``true_classes`` and of the samples is expected to occur
    in ``num_sampled`` draws (float64).
    """
    from ..context import current_context
    from .random import uniform
    if ctx is None:
        ctx = current_context()
    log_range = math.log(range_max + 1)
    rand = uniform(0, log_range, shape=(num_sampled,), dtype='float64', ctx=ctx)
    return zipfian_from_uniform(rand, true_classes.as_in_context(ctx), num_sampled, range_max)


def zipfian_from_uniform(rand, true_classes, num_sampled, range_max):
    """rand_zipfian's arithmetic on ``rand`` (uniform in [0, log(range_max + 1)), float64),
    for NDArrays and Symbols alike (``mx.sym.contrib.rand_zipfian`` uses it too)."""
    log_range = math.log(range_max + 1)
    # exp(u) - 1 for such u is Zipfian; the modulo keeps the classes in range
    sampled_classes = (rand.exp() - 1).astype('int64') % range_max
    true_cls = true_classes.astype('float64')
    expected_count_true = ((true_cls + 2.0) / (true_cls + 1.0)).log() / log_range * num_sampled
    sampled_cls = sampled_classes.astype('float64')  # float, so the division is not integral
    expected_prob_sampled = ((sampled_cls + 2.0) / (sampled_cls + 1.0)).log() / log_range
    return sampled_classes, expected_count_true, expected_prob_sampled * num_sampled


def isinf(data):
    """1 where ``data`` is +inf or -inf, 0 elsewhere (same shape and dtype)."""
    return data.abs() == np.inf


def isfinite(data):
    """1 where ``data`` is neither infinite nor NaN, 0 elsewhere (same shape and dtype)."""
    from .ndarray import logical_and
    return logical_and(data.abs() != np.inf, data == data)  # pylint: disable=comparison-with-itself


def isnan(data):
    """1 where ``data`` is NaN, 0 elsewhere (same shape and dtype)."""
    return data != data  # pylint: disable=comparison-with-itself
