"""``mx.contrib.autograd``: MXNet's first, experimental autograd API (kept in 1.9.1).

The same engine as :mod:`mxnet.autograd`; the differences are MXNet's: ``train_section`` turns
recording *and* training on together (``test_section`` both off), and ``backward`` takes a list
of outputs.
"""
import functools

from .. import autograd as _ag
from ..base import string_types
from ..ndarray import NDArray, zeros_like

__all__ = ['set_is_training', 'TrainingStateScope', 'train_section', 'test_section',
           'mark_variables', 'backward', 'compute_gradient', 'grad_and_loss', 'grad']


def set_is_training(is_train):
    """Turn training and recording on or off together; returns the previous training state."""
    prev = _ag.set_training(is_train)
    _ag.set_recording(is_train)
    return prev


class TrainingStateScope(object):
    """``with TrainingStateScope(state):`` sets training and recording to ``state``."""

    def __init__(self, enter_state):
        self._enter_state = enter_state
        self._prev = None

    def __enter__(self):
        self._prev = set_is_training(self._enter_state)

    def __exit__(self, ptype, value, trace):
        if self._prev != self._enter_state:
            set_is_training(self._prev)


def train_section():
    """Scope that records and trains (``with autograd.train_section(): y = model(x)``)."""
    return TrainingStateScope(True)


def test_section():
    """Scope that neither records nor trains."""
    return TrainingStateScope(False)


def mark_variables(variables, gradients, grad_reqs='write'):
    """Mark NDArrays as variables whose gradients are written into ``gradients``."""
    if not isinstance(grad_reqs, string_types):
        grad_reqs = list(grad_reqs)
    _ag.mark_variables(variables, gradients, grad_reqs)


def backward(outputs, out_grads=None, retain_graph=False):
    """Compute the gradients of ``outputs`` (a list or tuple of NDArrays) w.r.t. the marked
    variables; ``out_grads`` holds their head gradients (None for ones)."""
    assert isinstance(outputs, (list, tuple)), 'outputs must be a list or tuple of NDArrays'
    if out_grads is not None:
        assert len(out_grads) == len(outputs), 'outputs and out_grads must have the same length'
    _ag.backward(list(outputs), None if out_grads is None else list(out_grads),
                 retain_graph=retain_graph)


def compute_gradient(outputs):
    """Deprecated. Please use backward"""
    backward(outputs)


def grad_and_loss(func, argnum=None):
    """A function computing both the gradients of ``func``'s arguments (those ``argnum`` picks,
    default all) and its value: ``grads, loss = grad_and_loss(f)(x, y)``."""
    @functools.wraps(func)
    def wrapped(*args):
        variables = args
        if argnum is not None:
            argnum_ = argnum if isinstance(argnum, list) else [argnum]
            variables = [args[i] for i in argnum_]
        for x in variables:
            assert isinstance(x, NDArray), 'type of autograd input should NDArray.'
        grads = [zeros_like(x) for x in variables]
        mark_variables(variables, grads)
        with train_section():
            outputs = func(*args)
        compute_gradient([outputs] if isinstance(outputs, NDArray) else outputs)
        return grads, outputs
    return wrapped


def grad(func, argnum=None):
    """A function computing the gradients of ``func``'s arguments: ``grad(f)(x)``."""
    grad_with_loss_func = grad_and_loss(func, argnum)

    @functools.wraps(grad_with_loss_func)
    def wrapped(*args):
        return grad_with_loss_func(*args)[0]
    return wrapped
