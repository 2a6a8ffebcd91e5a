"""Autograd with MXNet's surface on top of torch.autograd.

* Recording happens only inside ``record()``; outside it operators run under ``torch.no_grad``
  whenever an input requires grad, so arrays computed outside stay constants.
* ``x.attach_grad(req)`` turns x's tensor into a torch leaf that requires grad and allocates
  ``x.grad``; a post-accumulate hook moves torch's gradient into ``x.grad`` by MXNet's grad_req
  ('write' overwrites, 'add' accumulates), so ``x.grad`` is the same handle across steps.
* ``grad(..., create_graph=True)`` returns new arrays that are themselves differentiable.

This module is the public API; the tape (recorded history, variables and their gradient
hooks, integer autograd, the calls into torch's engine) is ``mxnet/_tape.py``.
"""

import torch

from .base import MXNetError
from ._state import state as _state
from . import _state as _state_mod
from . import _tape
from .ndarray.ndarray import NDArray, array, _wrap, _opctx

# MXNet's autograd module has no __all__, so ``from mxnet.autograd import *`` also gives the
# NDArray class and the array function it imports; code written against MXNet relies on that
__all__ = ['record', 'pause', 'train_mode', 'predict_mode', 'is_recording', 'is_training',
           'set_recording', 'set_training', 'mark_variables', 'backward', 'grad', 'Function',
           'get_symbol', 'NDArray', 'array']

_GRAD_REQS = _tape.GRAD_REQS


def set_recording(is_recording):
    """Set recording on/off; returns the previous state."""
    prev = _state.recording
    _state.recording = bool(is_recording)
    return prev


def set_training(train_mode):
    """Set training on/off (affects Dropout, BatchNorm); returns the previous state."""
    prev = _state.training
    _state.training = bool(train_mode)
    return prev


def is_recording():
    return _state.recording


def is_training():
    return _state.training


_RecordingStateScope = _state_mod.Scope   # MXNet's name


def record(train_mode=True):
    """Scope in which operations are recorded for gradient computation."""
    return _RecordingStateScope(True, train_mode)


def pause(train_mode=False):
    """Scope in which recording is suspended."""
    return _RecordingStateScope(False, train_mode)


def train_mode():
    """Scope with training mode on (recording unchanged)."""
    return _RecordingStateScope(None, True)


def predict_mode():
    """Scope with training mode off (recording unchanged)."""
    return _RecordingStateScope(None, False)


# ----------------------------------------------------------------------------------------------
def mark_variables(variables, gradients, grad_reqs='write'):
    """Mark NDArrays as variables whose gradients are written into ``gradients``."""
    if isinstance(variables, NDArray):
        variables, gradients = [variables], [gradients]
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    if not (len(variables) == len(gradients) == len(grad_reqs)):
        raise MXNetError('mark_variables: variables, gradients and grad_reqs differ in length')
    for v, g, r in zip(variables, gradients, grad_reqs):
        if g is not None and g.shape != v.shape:
            raise MXNetError('mark_variables: gradient shape %s does not match variable %s'
                             % (g.shape, v.shape))
        _tape.make_variable(v, g, r)


def _head_lists(heads, head_grads):
    """heads and head_grads as two lists of one length (MXNetError if they differ)."""
    if isinstance(heads, NDArray):
        heads = [heads]
        if head_grads is not None and not isinstance(head_grads, (list, tuple)):
            head_grads = [head_grads]
    heads = list(heads)
    if head_grads is None:
        head_grads = [None] * len(heads)
    elif isinstance(head_grads, NDArray):
        head_grads = [head_grads]
    if len(head_grads) != len(heads):
        raise MXNetError('heads and head_grads must have the same length (%d vs %d)'
                         % (len(heads), len(head_grads)))
    return heads, head_grads


def _parse_heads(heads, head_grads):
    return _tape.head_tensors(*_head_lists(heads, head_grads))


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Compute gradients of heads w.r.t. variables marked with attach_grad/mark_variables."""
    heads, head_grads = _head_lists(heads, head_grads)
    _tape.backward(heads, head_grads, retain_graph, train_mode)


def _clear_heads(heads):
    _tape.clear_heads([heads] if isinstance(heads, NDArray) else list(heads))


def grad(heads, variables, head_grads=None, retain_graph=None, create_graph=False,
         train_mode=True):
    """Gradients of heads w.r.t. variables, returned as new NDArrays (x.grad is untouched).

    With ``create_graph=True`` the results are recorded, so higher-order gradients work.
    """
    ts, gs = _parse_heads(heads, head_grads)
    single = isinstance(variables, NDArray)
    if single:
        variables = [variables]
    vts = []
    for v in variables:
        p = _tape.proxy(v) if _tape.INT_GRAD[0] else None
        if p is not None:
            vts.append(p)
            continue
        if not v._data.requires_grad:
            raise MXNetError('autograd.grad: a variable has no gradient attached; call '
                             'attach_grad() on it before recording')
        vts.append(v._data)
    if retain_graph is None:
        retain_graph = create_graph
    prev = _state.training
    _state.training = train_mode
    try:
        res = _tape.run_grad(ts, vts, gs, retain_graph, create_graph)
    except RuntimeError as e:
        raise _tape.torch_error(e) from None
    finally:
        _state.training = prev
    if not retain_graph:
        _clear_heads(heads)
    out = []
    for g, v, arr in zip(res, vts, variables):
        if g is None:
            g = torch.zeros_like(v, requires_grad=False)
        elif not create_graph:
            g = g.detach()
        if g.dtype is not arr._data.dtype:  # an integer variable's gradient
            g = g.detach().to(arr._data.dtype)
        out.append(_wrap(g, _opctx(arr)))
    return out


# ----------------------------------------------------------------------------------------------
# recorded history (autograd.get_symbol). While recording, every operator with an input in the
# graph leaves a light record on its outputs (NDArray._node = (_graph.Node, index)); marked
# variables carry one from attach_grad/mark_variables. Nothing is kept when not recording.
def _reset_names():
    """Restart the varN / node_N counters (as in a fresh process; for tests)."""
    _tape.NAMES.reset()


def get_symbol(x):
    """The recorded computation history of ``x`` as a Symbol.

    Parameters
    ----------
    x : NDArray
        An array computed inside ``autograd.record()`` from arrays with gradients attached.

    Returns
    -------
    Symbol
        Marked variables become arguments named ``var0``, ``var1``, ...; other leaves
        ``nullN``; recorded operators are named ``node_0``, ``node_1``, ... in recording
        order. Binding the arguments to the recorded values reproduces ``x``.
    """
    if not isinstance(x, NDArray):
        raise MXNetError('get_symbol expects an NDArray, got %s' % type(x).__name__)
    entry = getattr(x, '_node', None)
    if entry is None:
        raise MXNetError('Check failed: !Imperative::AGInfo::IsNone(*this): NDArray is not part '
                         'of a computation graph. Did you forget to turn on recording?')
    from .symbol.symbol import Symbol
    # the recorded nodes are graph nodes: resolve each (registry name -> OpDef, attribute
    # strings -> parsed attrs) in place, and the Symbol is over the recorded heads
    stack, seen = [entry[0]], set()
    while stack:
        n = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        n.resolve()
        stack.extend(c for c, _ in n.inputs)
    return Symbol([entry])


# ----------------------------------------------------------------------------------------------
class _Bridge(torch.autograd.Function):
    """Runs an mx.autograd.Function inside torch's graph."""

    @staticmethod
    def forward(ctx, fobj, *tensors):
        ctx.fobj = fobj
        prev = set_recording(False)
        try:
            outs = fobj.forward(*[_wrap(t) for t in tensors])
        finally:
            set_recording(prev)
        single = isinstance(outs, NDArray)
        fobj._single = single
        outs = [outs] if single else list(outs)
        # an output that is an input unchanged must be a new tensor for torch.autograd
        return tuple(o._data.clone() if any(o._data is x for x in tensors) else o._data
                     for o in outs)

    @staticmethod
    def backward(ctx, *grads):
        fobj = ctx.fobj
        prev = set_recording(False)
        try:
            igrads = fobj.backward(*[_wrap(g) for g in grads])
        finally:
            set_recording(prev)
        if isinstance(igrads, NDArray):
            igrads = [igrads]
        return (None,) + tuple(None if g is None else g._data for g in igrads)


class Function:
    """Customize differentiation in autograd (MXNet's ``mx.autograd.Function``).

    Subclass it and define ``forward(self, *inputs)`` and ``backward(self, *output_grads)``
    on NDArrays; ``save_for_backward`` keeps arrays for backward. Example::

        class sigmoid(mx.autograd.Function):
            def forward(self, x):
                y = 1 / (1 + mx.nd.exp(-x))
                self.save_for_backward(y)
                return y
            def backward(self, dy):
                y, = self.saved_tensors
                return dy * y * (1 - y)
    """

    def __init__(self):
        self._used = False
        self.saved_tensors = ()
        self._single = True

    def save_for_backward(self, *args):
        self.saved_tensors = args

    def forward(self, *inputs):
        raise NotImplementedError

    def backward(self, *output_grads):
        raise NotImplementedError

    def __call__(self, *inputs):
        if self._used:
            raise MXNetError('Each Function instance can only be called once. Please create '
                             'another instance.')
        self._used = True
        for x in inputs:
            if not isinstance(x, NDArray):
                raise MXNetError('Function inputs must be NDArrays, got %s' % type(x).__name__)
        if not _state.recording:
            with pause(_state.training):
                return self.forward(*inputs)
        outs = _Bridge.apply(self, *[x._data for x in inputs])
        c = _opctx(inputs[0]) if inputs else None
        res = [_wrap(t, c) for t in outs]
        return res[0] if self._single else res
