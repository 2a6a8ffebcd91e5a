"""mx.nd.contrib: MXNet's Python-level contrib functions (below) and the contrib operators
generated from the registry (``_contrib_X`` becomes ``contrib.X``, see register.py)."""
import math

import numpy as np

from .. import _nested

# the operator functions (mxnet.ndarray.op, above this module; installed by op.py when it loads)
_op = None

__all__ = ['rand_zipfian', 'foreach', 'while_loop', 'cond', 'isinf', 'isfinite', 'isnan']


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


# -- control flow (imperative: the loops run in Python, each step's operators as usual, so
# autograd records them like any other code) ------------------------------------------------------

def _flatten(args, what):
    """(flat list of NDArrays, layout) of an NDArray or a nested list of them
    (mxnet/_nested.py)."""
    from .ndarray import NDArray

    def fail(v):
        raise AssertionError('%s must be (nested) list of NDArray, but got %s of type %s'
                             % (what, str(v), str(type(v))))
    return _nested.flatten(args, lambda v: 0 if isinstance(v, NDArray) else None, fail)


def _regroup(flat, layout):
    """Inverse of ``_flatten``: (nested structure, items left over)."""
    return _nested.regroup(flat, layout)


def _check_arrays(items, msg):
    from .ndarray import NDArray
    if not all(isinstance(x, NDArray) for x in items):
        raise AssertionError(msg)


def foreach(body, data, init_states):
    """Run ``body(data[i], states) -> (outputs, states)`` for each ``i`` along axis 0 of
    ``data`` (an NDArray, or a nested list of NDArrays sliced alike); returns the step
    outputs stacked along a new axis 0 (in the structure ``body`` returns) and the last
    states. MXNet's ``mx.nd.contrib.foreach``."""
    from .ndarray import NDArray
    flat_data, _ = _flatten(data, 'foreach input')
    _check_arrays(flat_data, 'data should be an NDArray or a nested list of NDArrays')
    flat_states, _ = _flatten(init_states, 'foreach states')
    _check_arrays(flat_states, 'init_states should be an NDArray or a nested list of NDArrays')
    single = isinstance(data, NDArray)
    num_iters = data.shape[0] if single else data[0].shape[0]
    states = init_states
    steps = []
    out_fmt = None
    for i in range(num_iters):
        eles = data[i] if single else [d[i] for d in data]
        outs, states = body(eles, states)
        outs, out_fmt = _flatten(outs, 'foreach output')
        steps.append(outs)
    if out_fmt is None:        # no step ran (MXNet fails here; there is nothing to stack)
        return [], states
    outputs, _ = _regroup([_op.stack(*items) for items in zip(*steps)], out_fmt)
    return outputs, states


def _to_scalar(value, kind, what):
    """A Python bool/int from a number or a one-element NDArray (MXNet reads the array)."""
    from .ndarray import NDArray
    if isinstance(value, NDArray):
        if value.size != 1:
            raise ValueError('%s should be a scalar or an NDArray of one element' % what)
        value = value.asscalar()
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError('Cannot convert %s to python %s' % (what, kind.__name__)) from None


def while_loop(cond, func, loop_vars, max_iterations=None):
    """``while cond(*loop_vars)`` (at most ``max_iterations`` times, which is required):
    ``step_output, loop_vars = func(*loop_vars)``. Returns the step outputs stacked along a
    new axis 0 and padded to ``max_iterations`` rows (the padding is zeros; MXNet leaves it
    uninitialised), and the final loop variables. MXNet's ``mx.nd.contrib.while_loop``."""
    from .ndarray import NDArray
    from ._creation import zeros
    if max_iterations is None:
        raise ValueError('max_iterations should be specified')
    max_iterations = _to_scalar(max_iterations, int, 'max_iteration')
    single = isinstance(loop_vars, NDArray)
    loop_vars = [loop_vars] if single else list(loop_vars)
    if not loop_vars:
        raise ValueError('loop_vars should contain at least one element')
    steps = []
    out_fmt = None
    while len(steps) < max_iterations and \
            _to_scalar(cond(*loop_vars), bool, 'Return value of cond'):
        step_output, new_vars = func(*loop_vars)
        step_output = [] if step_output is None else step_output
        new_vars = [] if new_vars is None else new_vars
        if isinstance(step_output, tuple):
            step_output = list(step_output)
        new_vars = [new_vars] if isinstance(new_vars, NDArray) else list(new_vars)
        if len(new_vars) != len(loop_vars):
            raise ValueError('The length of loop_vars should be consistent during the loop')
        loop_vars = new_vars
        flat, out_fmt = _flatten(step_output, 'while output')
        if steps and len(flat) != len(steps[0]):
            raise ValueError('Number of elements in step_output should be the same in each '
                             'step')
        steps.append(flat)
    stacked = []
    for k, items in enumerate(zip(*steps), 1):
        shapes = {x.shape for x in items}
        if len(shapes) != 1:
            raise ValueError('\n'.join(
                ['Shapes of %d-th elements in step_outputs are inconsistent, which are:' % k] +
                ['  Step %d, shape is %s' % (i, str(x.shape)) for i, x in enumerate(items)]))
        rows = [x.expand_dims(0) for x in items]
        if len(steps) != max_iterations:
            rows.append(zeros((max_iterations - len(steps),) + items[0].shape,
                              ctx=items[0].context, dtype=items[0].dtype))
        stacked.append(_op.concat(*rows, dim=0))
    if out_fmt is not None:
        stacked, _ = _regroup(stacked, out_fmt)
    return stacked, (loop_vars[0] if single else loop_vars)


def cond(pred, then_func, else_func):
    """``then_func()`` if ``pred`` (a number or a one-element NDArray) is true, else
    ``else_func()``. MXNet's ``mx.nd.contrib.cond``."""
    branch = _to_scalar(pred, bool, 'pred')
    return then_func() if branch else else_func()
