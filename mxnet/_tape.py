"""The autograd tape and gradient plumbing under ``mx.autograd`` (which is the public API).

torch's autograd graph carries the gradients; this module keeps what MXNet has on top of it:

* history: while recording, each operator with an input in the graph leaves a light record on
  its outputs (``NDArray._node = (graph Node, output index)``, with the registry name and
  unparsed attrs until ``autograd.get_symbol`` resolves it), marked variables carry one from
  ``attach_grad``/``mark_variables``; ``autograd.get_symbol`` turns it into a Symbol, and a
  backward that frees the graph clears it (``clear_history``). Names follow MXNet: ``varN`` for
  marked variables and ``nullN`` for other leaves (one counter), ``node_N`` for operators.
* variables: a grad-requiring torch leaf per marked array, with a post-accumulate hook moving
  torch's gradient into the array's ``grad`` buffer by MXNet's grad_req (``write``/``add``).
* integer autograd: MXNet differentiates integer arrays too (gradients in the array's dtype);
  torch's graph holds floating tensors only. An integer variable gets a float64 leaf with its
  values, its proxy (``_ip``); while recording, an operation on integer arrays with proxies is
  replayed on the proxies (``replay``/``set_proxy``), and backward runs from the heads' proxies.
  Until the first integer variable exists (``INT_GRAD[0]``) this costs one list lookup per op.
* backward: torch's C++ engine called directly, and torch's errors in MXNet's words;
  ``backward`` is ``autograd.backward`` on a list of heads (``NDArray.backward`` calls it).

It sits below ``ndarray`` and ``autograd`` and imports neither: arrays are used through their
slots (``_data``, ``_grad``, ``_grad_req``, ``_node``, ``_ip``).
"""
import itertools
import weakref

import torch

from .base import MXNetError
from ._state import state as _STATE
from . import engine as _engine
from ._graph import Node

GRAD_REQS = ('write', 'add', 'null')


# ---------------------------------------------------------------------------------------------
# history
class _Names:
    """The varN/nullN and node_N counters."""

    def __init__(self):
        self.reset()

    def reset(self):
        self._leaf = itertools.count()
        self._node = itertools.count()

    def leaf(self, prefix):
        return '%s%d' % (prefix, next(self._leaf))

    def node(self):
        return 'node_%d' % next(self._node)


NAMES = _Names()


def leaf_entry(prefix='null'):
    """A new leaf's history entry: 'var' for a marked variable, 'null' for another leaf."""
    return (Node(None, NAMES.leaf(prefix), None, None, []), 0)


def record(op, attrs, inputs, outputs):
    """Note that arrays ``outputs`` came from op ``op`` (attributes ``attrs``) applied to
    ``inputs`` (arrays; None for an absent optional input)."""
    entries = []
    for a in inputs:
        if a is None:
            continue
        e = getattr(a, '_node', None)
        if e is None:
            e = a._node = leaf_entry()   # a leaf that is not a marked variable: nullN
        entries.append(e)
    node = Node(op, NAMES.node(), attrs, None, entries)
    i = 0
    refs = []
    for o in outputs:
        o._node = (node, i)
        refs.append(weakref.ref(o))
        i += 1
    node.outs = refs


def clear_history(entries):
    """MXNet clears every node of the graph a backward went through (the history of every
    array computed in it, not only the heads'): such an array used in a later recording is a
    constant there, so a new graph built on, say, an RNN's last state does not reach into the
    freed one (which torch would refuse: "backward through the graph a second time").
    Marked variables keep their gradients. The nodes themselves are left as they are: a
    Symbol taken from them by ``autograd.get_symbol`` before the backward stays whole."""
    stack = [e[0] for e in entries if e is not None]
    seen = set()
    while stack:
        node = stack.pop()
        if node.op is None or id(node) in seen:
            continue
        seen.add(id(node))
        outs = node.outs
        node.outs = ()
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
        stack.extend(c for c, _ in node.inputs)


def clear_heads(heads):
    """After a backward that does not retain the graph, MXNet clears the heads' history: they
    are no longer in a computational graph, so a second backward from them fails (torch would
    let it through for graphs that saved no tensors) and they may be assigned to again."""
    entries = [getattr(h, '_node', None) for h in heads]
    for h in heads:
        t = h._data
        if t.requires_grad and not t.is_leaf:
            h._data = t.detach()
            if getattr(h, '_node', None) is not None:
                h._node = None
        p = getattr(h, '_ip', None)  # an integer head's proxy
        if p is not None and not p.is_leaf:
            h._ip = None
    clear_history(entries)


# ---------------------------------------------------------------------------------------------
# integer autograd
INT_GRAD = [False]


def proxy(a):
    """The float64 tensor standing for integer array ``a`` in torch's graph, or None."""
    p = getattr(a, '_ip', None)
    if p is not None and p.is_leaf:
        v = a._data._version
        if p._mx_version != v:  # the variable was written to since: its proxy follows
            with torch.no_grad():
                p.copy_(a._data)
            p._mx_version = v
    return p


def in_graph(a):
    """Whether array ``a`` is part of the recorded graph (a variable or a recorded result)."""
    return a._data.requires_grad or (INT_GRAD[0] and getattr(a, '_ip', None) is not None)


def set_proxy(out, pt):
    """Attach ``pt`` (an operation replayed on proxies) to the operation's output ``out``."""
    if not isinstance(pt, torch.Tensor) or not pt.requires_grad:
        return
    t = out._data
    if t.is_floating_point():
        out._data = pt if pt.dtype is t.dtype else pt.to(t.dtype)
    elif t.dtype is not torch.bool and tuple(pt.shape) == tuple(t.shape):
        out._ip = pt


def replay(out, fn, x):
    """Replay a one-input operation ``fn`` (on tensors) on ``x``'s proxy, if it has one."""
    p = proxy(x)
    if p is not None:
        set_proxy(out, fn(p))


# ---------------------------------------------------------------------------------------------
# variables
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


def check_grad_req(grad_req):
    """MXNetError unless ``grad_req`` is one of :data:`GRAD_REQS`."""
    if grad_req not in GRAD_REQS:
        raise MXNetError("grad_req must be one of %s, got '%s'" % (GRAD_REQS, grad_req))


def make_variable(arr, grad_buf, grad_req):
    """Make arr's tensor a grad-requiring torch leaf whose gradient lands in grad_buf."""
    check_grad_req(grad_req)
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
        # an integer variable: a float64 proxy carries it in torch's graph; its gradient is
        # cast to the array's dtype
        arr._data = t
        p = t.to(torch.float64).requires_grad_(True)
        p._mx_version = t._version
        ref = weakref.ref(arr)
        p._mx_hook_owner = (ref, p.register_post_accumulate_grad_hook(_grad_hook(ref)))
        arr._ip = p
        INT_GRAD[0] = True
        arr._grad = grad_buf
        arr._grad_req = grad_req
        arr._node = leaf_entry('var')
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
    arr._node = leaf_entry('var')


# ---------------------------------------------------------------------------------------------
# backward
def head_tensors(heads, head_grads):
    """(tensors, gradient tensors) to differentiate for head arrays and their gradients
    (None: ones); MXNetError for a head outside the graph or a mismatched gradient."""
    ts, gs = [], []
    for h, g in zip(heads, head_grads):
        t = h._data
        if not t.requires_grad and INT_GRAD[0]:
            p = proxy(h)  # an integer head: differentiate its float proxy
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


def torch_error(e):
    """torch's backward RuntimeError in MXNet's words."""
    msg = str(e).split('\n')[0]
    if 'second time' in msg or 'freed' in msg:
        return MXNetError('Cannot differentiate the same graph twice: pass retain_graph=True to '
                          'the first backward (%s)' % msg)
    return MXNetError('backward failed: %s' % msg)


# torch's C++ autograd engine. torch.autograd.backward/grad validate head gradients in Python,
# and the first call with explicit head gradients imports torch's symbolic-shape machinery
# (sympy: ~0.5 s inside a user's first training step). Our heads and head gradients are
# already checked (head_tensors), so the engine is called directly where it exists.
_ENGINE = getattr(getattr(torch.autograd, 'Variable', None), '_execution_engine', None)


def run_backward(ts, gs, retain_graph):
    """Accumulate d(sum ts*gs)/d(leaf) into the leaves' .grad (torch.autograd.backward)."""
    if _ENGINE is None:
        torch.autograd.backward(ts, gs, retain_graph=retain_graph)
    else:
        _ENGINE.run_backward(tuple(ts), tuple(gs), bool(retain_graph), False, (), True, True)


def backward(heads, head_grads, retain_graph, train_mode):
    """``autograd.backward`` on a list of head arrays and a list of their gradients (arrays, or
    None for ones; None: all ones): accumulate into the variables' gradient buffers, then
    clear the heads' history unless ``retain_graph``."""
    if head_grads is None:
        head_grads = [None] * len(heads)
    if _engine.E.inflight:   # backward writes gradient buffers that pending ops may read
        _engine.drain()
    ts, gs = head_tensors(heads, head_grads)
    prev = _STATE.training
    _STATE.training = train_mode
    try:
        run_backward(ts, gs, retain_graph)
    except RuntimeError as e:
        raise torch_error(e) from None
    finally:
        _STATE.training = prev
    if not retain_graph:
        clear_heads(heads)


def run_grad(ts, inputs, gs, retain_graph, create_graph=False):
    """Gradients of ts (weighted by gs) w.r.t. inputs, None where unused (torch.autograd.grad
    with allow_unused=True)."""
    if _ENGINE is None:
        return torch.autograd.grad(ts, inputs, gs, retain_graph=retain_graph,
                                   create_graph=create_graph, allow_unused=True)
    if retain_graph is None:
        retain_graph = create_graph
    return _ENGINE.run_backward(tuple(ts), tuple(gs), bool(retain_graph), bool(create_graph),
                                tuple(inputs), True, False)
