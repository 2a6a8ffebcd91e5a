"""Autograd with MXNet's surface on top of torch.autograd.

* Recording happens only inside ``record()``; outside it operators run under ``torch.no_grad``
  whenever an input requires grad, so arrays computed outside stay constants.
* ``x.attach_grad(req)`` turns x's tensor into a torch leaf that requires grad and allocates
  ``x.grad``; a post-accumulate hook moves torch's gradient into ``x.grad`` by MXNet's grad_req
  ('write' overwrites, 'add' accumulates), so ``x.grad`` is the same handle across steps.
* ``grad(..., create_graph=True)`` returns new arrays that are themselves differentiable.
"""
import itertools
import weakref

import torch

from .base import MXNetError
from ._state import state as _state
from .ndarray import ndarray as _nd_mod
from .ndarray.ndarray import NDArray, array, _wrap, _opctx, _GNode

# MXNet's autograd module has no __all__, so ``from mxnet.autograd import *`` also gives the
# NDArray class and the array function it imports; code written against MXNet relies on that
__all__ = ['record', 'pause', 'train_mode', 'predict_mode', 'is_recording', 'is_training',
           'set_recording', 'set_training', 'mark_variables', 'backward', 'grad', 'Function',
           'get_symbol', 'NDArray', 'array']

_GRAD_REQS = ('write', 'add', 'null')


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


class _RecordingStateScope:
    __slots__ = ('_enter_is_record', '_enter_train_mode', '_prev_is_record', '_prev_train_mode')

    def __init__(self, is_record, train_mode):
        self._enter_is_record = is_record
        self._enter_train_mode = train_mode
        self._prev_is_record = None
        self._prev_train_mode = None

    def __enter__(self):
        if self._enter_is_record is not None:
            self._prev_is_record = _state.recording
            _state.recording = self._enter_is_record
        if self._enter_train_mode is not None:
            self._prev_train_mode = _state.training
            _state.training = self._enter_train_mode
        return self

    def __exit__(self, ptype, value, trace):
        if self._enter_is_record is not None:
            _state.recording = self._prev_is_record
        if self._enter_train_mode is not None:
            _state.training = self._prev_train_mode
        return False


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
def _grad_hook(ref):
    def hook(t):
        g = t.grad
        t.grad = None
        arr = ref()
        if arr is None or g is None or arr._grad is None:
            return
        req = arr._grad_req
        buf = arr._grad
        arr._fresh = True
        if req == 'write':
            if g.shape == buf._data.shape and g.dtype == buf._data.dtype and \
                    g.device == buf._data.device and g.is_contiguous():
                buf._data = g.detach()
            else:
                with torch.no_grad():
                    buf._data.copy_(g)
        elif req == 'add':
            with torch.no_grad():
                # an integer variable's float64 proxy gradient is cast to the buffer's dtype
                buf._data.add_(g if g.dtype is buf._data.dtype else g.to(buf._data.dtype))
    return hook


def _make_variable(arr, grad_buf, grad_req):
    """Make arr's tensor a grad-requiring torch leaf whose gradient lands in grad_buf."""
    if grad_req not in _GRAD_REQS:
        raise MXNetError("grad_req must be one of %s, got '%s'" % (_GRAD_REQS, grad_req))
    t = arr._data
    if grad_req == 'null':
        if t.requires_grad:
            arr._data = t.detach()
        if getattr(arr, '_ip', None) is not None:
            arr._ip = None
        arr._grad = None
        arr._grad_req = 'null'
        return
    if not t.is_leaf:
        t = t.detach()
    if not (t.is_floating_point() or t.is_complex()):
        if t.dtype is torch.bool:
            raise MXNetError('attach_grad: boolean arrays cannot have gradients')
        # an integer variable: a float64 proxy carries it in torch's graph (ndarray.py,
        # "integer autograd"); its gradient is cast to the array's dtype
        arr._data = t
        p = t.to(torch.float64).requires_grad_(True)
        p._mx_version = t._version
        ref = weakref.ref(arr)
        p._mx_hook_owner = (ref, p.register_post_accumulate_grad_hook(_grad_hook(ref)))
        arr._ip = p
        _nd_mod._INT_GRAD[0] = True
        arr._grad = grad_buf
        arr._grad_req = grad_req
        arr._node = (_GNode(None, 'var%d' % next(_nd_mod._VAR_COUNT), None, ()), 0)
        return
    if getattr(arr, '_ip', None) is not None:
        arr._ip = None
    if not t.requires_grad:
        t.requires_grad_(True)
    handles = getattr(t, '_mx_hook_owner', None)
    if handles is None or handles[0]() is not arr:
        if handles is not None:
            handles[1].remove()
        ref = weakref.ref(arr)
        h = t.register_post_accumulate_grad_hook(_grad_hook(ref))
        t._mx_hook_owner = (ref, h)
    arr._data = t
    arr._grad = grad_buf
    arr._grad_req = grad_req
    # MXNet names a marked variable varN (one counter with the nullN of unmarked leaves)
    arr._node = (_GNode(None, 'var%d' % next(_nd_mod._VAR_COUNT), None, ()), 0)


def _attach_grad(arr, grad_req='write', stype=None):
    if grad_req not in _GRAD_REQS:
        raise MXNetError("grad_req must be one of %s, got '%s'" % (_GRAD_REQS, grad_req))
    if stype is None:
        stype = arr.stype  # MXNet: the gradient's storage type defaults to the array's
    if grad_req == 'null':
        buf = None
    elif stype == 'default':
        buf = _wrap(torch.zeros_like(arr._data, requires_grad=False), _opctx(arr))
    elif stype in ('csr', 'row_sparse'):
        from .ndarray import sparse
        buf = sparse.zeros(stype, arr.shape, ctx=arr.context, dtype=arr.dtype)
    else:
        raise MXNetError("attach_grad: unknown storage type '%s'" % stype)
    _make_variable(arr, buf, grad_req)


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
        _make_variable(v, g, r)


def _parse_heads(heads, head_grads):
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
    ts, gs = [], []
    for h, g in zip(heads, head_grads):
        t = h._data
        if not t.requires_grad and _nd_mod._INT_GRAD[0]:
            p = _nd_mod._proxy(h)  # an integer head: differentiate its float proxy
            if p is not None:
                t = p
        if not t.requires_grad:
            raise MXNetError('Cannot differentiate node because it is not in a computational '
                             'graph. You need to set is_recording to true or use '
                             'autograd.record() to save computational graphs for backward. If '
                             'you want to differentiate the same graph twice, you need to pass '
                             'retain_graph=True to backward.')
        ts.append(t)
        if g is None:
            gs.append(torch.ones_like(t))
        else:
            gt = g._data
            if tuple(gt.shape) != tuple(t.shape):
                raise MXNetError('head gradient shape %s does not match head shape %s'
                                 % (tuple(gt.shape), tuple(t.shape)))
            gs.append(gt.to(t.dtype))
    return ts, gs


def _torch_error(e):
    msg = str(e).split('\n')[0]
    if 'second time' in msg or 'freed' in msg:
        return MXNetError('Cannot differentiate the same graph twice: pass retain_graph=True to '
                          'the first backward (%s)' % msg)
    return MXNetError('backward failed: %s' % msg)


# torch's C++ autograd engine. torch.autograd.backward/grad validate head gradients in Python,
# and the first call with explicit head gradients imports torch's symbolic-shape machinery
# (sympy: ~0.5 s inside a user's first training step). Our heads and head gradients are
# already checked (_parse_heads), so the engine is called directly where it exists.
_ENGINE = getattr(getattr(torch.autograd, 'Variable', None), '_execution_engine', None)


def _run_backward(ts, gs, retain_graph):
    """Accumulate d(sum ts*gs)/d(leaf) into the leaves' .grad (torch.autograd.backward)."""
    if _ENGINE is None:
        torch.autograd.backward(ts, gs, retain_graph=retain_graph)
    else:
        _ENGINE.run_backward(tuple(ts), tuple(gs), bool(retain_graph), False, (), True, True)


def _run_grad(ts, inputs, gs, retain_graph, create_graph=False):
    """Gradients of ts (weighted by gs) w.r.t. inputs, None where unused (torch.autograd.grad
    with allow_unused=True)."""
    if _ENGINE is None:
        return torch.autograd.grad(ts, inputs, gs, retain_graph=retain_graph,
                                   create_graph=create_graph, allow_unused=True)
    if retain_graph is None:
        retain_graph = create_graph
    return _ENGINE.run_backward(tuple(ts), tuple(gs), bool(retain_graph), bool(create_graph),
                                tuple(inputs), True, False)


def backward(heads, head_grads=None, retain_graph=False, train_mode=True):
    """Compute gradients of heads w.r.t. variables marked with attach_grad/mark_variables."""
    ts, gs = _parse_heads(heads, head_grads)
    prev = _state.training
    _state.training = train_mode
    try:
        _run_backward(ts, gs, retain_graph)
    except RuntimeError as e:
        raise _torch_error(e) from None
    finally:
        _state.training = prev
    if not retain_graph:
        _clear_heads(heads)


def _clear_heads(heads):
    """After a backward that does not retain the graph, MXNet clears the heads' history: they
    are no longer in a computational graph, so a second backward from them fails (torch would
    let it through for graphs that saved no tensors) and they may be assigned to again."""
    heads = [heads] if isinstance(heads, NDArray) else list(heads)
    entries = [getattr(h, '_node', None) for h in heads]
    for h in heads:
        t = h._data
        if t.requires_grad and not t.is_leaf:
            h._data = t.detach()
            if getattr(h, '_node', None) is not None:
                h._node = None
        p = getattr(h, '_ip', None)  # an integer head's proxy (ndarray.py, integer autograd)
        if p is not None and not p.is_leaf:
            h._ip = None
    _clear_history(entries)


def _clear_history(entries):
    """MXNet clears every node of the graph a backward went through (the history of every
    array computed in it, not only the heads'): such an array used in a later recording is a
    constant there, so a new graph built on, say, an RNN's last state does not reach into the
    freed one (which torch would refuse: "backward through the graph a second time").
    Marked variables keep their gradients."""
    stack = [e[0] for e in entries if e is not None]
    while stack:
        node = stack.pop()
        if node.op is None:
            continue
        inputs, outs = node.inputs, node.outs
        node.inputs, node.outs = (), ()
        for r in outs:
            a = r()
            if a is None:
                continue
            e = getattr(a, '_node', None)
            if e is None or e[0] is not node:
                continue  # assigned to since: another history
            t = a._data
            if t.requires_grad and not t.is_leaf:
                a._data = t.detach()
            a._node = None
        stack.extend(c for c, _ in inputs)


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
        p = _nd_mod._proxy(v) if _nd_mod._INT_GRAD[0] else None
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
        res = _run_grad(ts, vts, gs, retain_graph, create_graph)
    except RuntimeError as e:
        raise _torch_error(e) from None
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
# graph leaves a light record on its outputs (NDArray._node = (_GNode, output index)); marked
# variables carry one from attach_grad/mark_variables. Nothing is kept when not recording.
def _reset_names():
    """Restart the varN / node_N counters (as in a fresh process; for tests)."""
    _nd_mod._VAR_COUNT = itertools.count()
    _nd_mod._NODE_COUNT = itertools.count()


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
    from .symbol.symbol import Symbol, _Node
    from ._ops.registry import get as _get_op
    memo = {}

    def convert(g):
        done = memo.get(id(g))
        if done is not None:
            return done
        stack = [g]
        while stack:
            n = stack[-1]
            pending = [c for c, _ in n.inputs if id(c) not in memo]
            if pending:
                stack.extend(pending)
                continue
            stack.pop()
            if id(n) in memo:
                continue
            if n.op is None:
                memo[id(n)] = _Node(None, n.name, None, {}, [])
            else:
                # a str names a registry op; a hybridized block's call records its own OpDef
                op = _get_op(n.op) if isinstance(n.op, str) else n.op
                attrs = n.attrs
                if attrs is None or isinstance(attrs, dict):
                    attrs = op.parse_attrs(dict(attrs or {}))
                memo[id(n)] = _Node(op, 'node_%d' % n.name, attrs, attrs.given(),
                                    [(memo[id(c)], i) for c, i in n.inputs])
        return memo[id(g)]
    return Symbol([(convert(entry[0]), entry[1])])


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
