"""``CachedOp``: a Symbol compiled once into a straight-line function and called on NDArrays.

This is what a hybridized Gluon block runs (MXNet exposes it as ``mx.nd.CachedOp``). The graph
is turned into Python source once: every operator node becomes one direct call of its registry
forward with attributes parsed ahead of time, so a call costs no per-node interpretation, no
attribute parsing and no NDArray wrapping between nodes. Recording is torch.autograd's: inside
``autograd.record()`` the outputs are linked to the inputs (parameters included) that require
gradients, so ``backward`` fills their ``.grad`` as the imperative run would.
"""
import weakref

import torch

from .base import MXNetError
from . import _state, engine as _engine
from . import _tape
from ._ops.registry import OpError, _clean
from ._graph import (Node, compile_graph, concrete_attrs, dynamic_nodes, interpret,
                     monitor_input_names, monitor_output_names, profile_hooks)

__all__ = ['CachedOp']

_STATE = _state.state
_grad_enabled = torch.is_grad_enabled
_set_grad = torch._C._set_grad_enabled
# flags MXNet's CachedOp accepts (anything else is an error there too)
_KNOWN_FLAGS = frozenset(['static_alloc', 'static_shape', 'inline_limit', 'forward_bulk_size',
                          'backward_bulk_size', 'data_indices', 'param_indices', 'is_dynamic'])


class CachedOp:
    """A Symbol compiled once and run on NDArrays (``mx.nd.CachedOp``).

    Parameters
    ----------
    sym : Symbol
        The graph. Its inputs are all its variables (arguments and auxiliary states) in
        ``sym.list_inputs()`` order.
    flags : list of (str, value) pairs or dict
        MXNet's CachedOp flags (``static_alloc``, ``static_shape``, ``inline_limit``,
        ``forward_bulk_size``, ``backward_bulk_size``, ``data_indices``, ``param_indices``);
        accepted and recorded, they do not change results.

    Calling ``op(*inputs, out=None)`` with one NDArray per input returns the output NDArray
    (or a list of NDArrays when the graph has several outputs). Inside ``autograd.record()``
    the call is recorded, so gradients reach every input that has one attached.
    """

    def __init__(self, sym, flags=()):
        from .symbol.symbol import Symbol
        if not isinstance(sym, Symbol):
            raise TypeError('CachedOp expects a Symbol, got %s' % type(sym).__name__)
        if isinstance(flags, dict):
            flags = list(flags.items())
        fl = {}
        for item in flags:
            try:
                k, v = item
            except (TypeError, ValueError):
                raise MXNetError('CachedOp flags must be (name, value) pairs, got %r'
                                 % (item,)) from None
            if k not in _KNOWN_FLAGS:
                raise MXNetError('Cannot find argument \'%s\' of CachedOp. Possible arguments: '
                                 '%s' % (k, ', '.join(sorted(_KNOWN_FLAGS))))
            fl[k] = v
        self._flags = fl
        self._symbol = sym
        self._order = sym._order()
        self._heads = list(sym._heads)
        self._num_inputs = sum(1 for n in self._order if n.op is None)
        self._input_names = [n.name for n in self._order if n.op is None]
        self._dyn = dynamic_nodes(self._order)
        self._runs = {}   # input shapes -> compiled run, when creation nodes need inference
        self._run = None if self._dyn else compile_graph(self._order, self._heads)
        self._num_outputs = len(self._heads)
        self._monitor = None

    @property
    def handle(self):
        return self

    def _register_op_hook(self, callback, monitor_all=False):
        """Call ``callback(name, op_name, array)`` after every operator (names as bytes, as
        MXNet passes them; ``array`` is an NDArray where MXNet passes a raw handle); with
        ``monitor_all`` also for every operator input."""
        self._monitor = (callback, bool(monitor_all))

    def _call_tensors(self, tensors):
        """Run on torch tensors; returns a tuple of output tensors."""
        grad_on = bool(_STATE.recording)
        prev = _grad_enabled()
        try:
            if prev is not grad_on:
                _set_grad(grad_on)
            if self._monitor is not None:
                return self._run_monitored(tensors)
            if _engine.E.profile is not None:   # node by node, reported to mx.profiler
                over = None if self._run is not None else concrete_attrs(
                    self._order, self._dyn, tuple(t.shape for t in tensors))
                before, after = profile_hooks()
                return interpret(self._order, self._heads, tensors, over, before, after)
            if self._run is None:
                return self._run_for(tensors)(tensors)
            return self._run(tensors)
        except MXNetError:
            raise
        except Exception as e:  # noqa: BLE001 (re-run node by node to name the operator)
            with torch.no_grad():
                interpret(self._order, self._heads, tensors)
            raise OpError('Error in CachedOp: %s' % _clean(e)) from None
        finally:
            if prev is not grad_on:
                _set_grad(prev)

    def _run_for(self, tensors):
        sig = tuple(t.shape for t in tensors)
        run = self._runs.get(sig)
        if run is None:
            over = concrete_attrs(self._order, self._dyn, sig)
            run = self._runs[sig] = compile_graph(self._order, self._heads, over)
        return run

    def _run_monitored(self, tensors):
        from .ndarray.ndarray import _wrap
        cb, monitor_all = self._monitor

        def before(n, ins):
            for nm, t in zip(monitor_input_names(n), ins):
                cb(('%s_%s' % (n.name, nm)).encode(), n.op.name.encode(), _wrap(t.detach()))

        def after(n, outs):
            for nm, t in zip(monitor_output_names(n), outs):
                cb(nm.encode(), n.op.name.encode(), _wrap(t.detach()))
        return interpret(self._order, self._heads, tensors,
                         before=before if monitor_all else None, after=after)

    def __call__(self, *args, out=None, **kwargs):
        from .ndarray.ndarray import NDArray, _wrap, _assign
        if kwargs:
            if set(kwargs) - {'default_ctx'}:
                raise TypeError('CachedOp.__call__ got unexpected keyword argument(s): %s'
                                % ', '.join(sorted(set(kwargs) - {'default_ctx'})))
        if len(args) != self._num_inputs:
            raise MXNetError('CachedOp requires %d inputs but %d were given (inputs: %s)'
                             % (self._num_inputs, len(args), ', '.join(self._input_names)))
        try:
            tensors = [a._data for a in args]
        except AttributeError:
            raise TypeError('CachedOp only accepts NDArray inputs, got %s' % ', '.join(
                type(a).__name__ for a in args if not isinstance(a, NDArray))) from None
        res = self._call_tensors(tensors)
        if _STATE.recording and out is None:
            outs = [_wrap(r) for r in res]
            self._maybe_record(args, outs)
            return outs[0] if len(outs) == 1 else outs
        if out is not None:
            outs = [out] if isinstance(out, NDArray) else list(out)
            if len(outs) != len(res):
                raise MXNetError('CachedOp: out has %d arrays but the graph has %d outputs'
                                 % (len(outs), len(res)))
            for o, r in zip(outs, res):
                if tuple(o.shape) != tuple(r.shape):
                    raise MXNetError('CachedOp: out has shape %s but the output has shape %s'
                                     % (o.shape, tuple(r.shape)))
            for o, r in zip(outs, res):
                _assign(o, r)
            return out
        if len(res) == 1:
            return _wrap(res[0])
        return [_wrap(r) for r in res]

    # -- recorded history (autograd.get_symbol) ---------------------------------------------
    def _inlined(self):
        """MXNet records the operators of a small graph one by one instead of one _CachedOp
        node: at most ``inline_limit`` operators (default 2) and no ``static_alloc``."""
        fl = self._flags
        if str(fl.get('static_alloc', False)).lower() in ('true', '1'):
            return False
        limit = int(fl.get('inline_limit', 2))
        return sum(1 for n in self._order if n.op is not None) <= limit

    def _history_op(self):
        op = getattr(self, '_hop', None)
        if op is None:
            from ._ops.registry import OpDef

            def run(_attrs, *tensors):
                r = self._call_tensors(list(tensors))
                return r[0] if len(r) == 1 else r
            def infer(_attrs, in_shapes):
                known = {nm: tuple(shp) for nm, shp in zip(self._input_names, in_shapes)
                         if shp is not None}
                args, _, aux = self._symbol.infer_shape_partial(**known)
                got = dict(zip(self._symbol.list_arguments(), args or ()))
                got.update(zip(self._symbol.list_auxiliary_states(), aux or ()))
                return [shp if shp is not None else got.get(nm)
                        for nm, shp in zip(self._input_names, in_shapes)]
            onames = self._symbol.list_outputs()
            op = self._hop = OpDef('_CachedOp', run, self._input_names, {},
                                   num_outputs=len(self._heads), output_names=onames,
                                   infer_shape=infer)
        return op

    def _maybe_record(self, args, outs):
        """While recording, note this call in the outputs' history when an input is part of
        the graph (autograd.get_symbol), as MXNet records it."""
        if _STATE.recording:
            for a in args:
                if a._data.requires_grad:
                    self._record(args, outs)
                    return

    def _record(self, args, outs):
        if not self._inlined():
            _tape.record(self._history_op(), None, args, outs)
            return
        k = 0
        ents = {}
        for n in self._order:
            if n.op is None:
                a = args[k]
                k += 1
                e = getattr(a, '_node', None)
                if e is None:
                    # a leaf that is not a marked variable: MXNet names it nullN
                    e = a._node = _tape.leaf_entry()
                ents[(id(n), 0)] = e
                continue
            node = Node(n.op, _tape.NAMES.node(), n.attrs, None,
                        [ents[(id(c), j)] for c, j in n.inputs])
            for i in range(n.total_outputs()):
                ents[(id(n), i)] = (node, i)
        for o, (n, i) in zip(outs, self._heads):
            e = o._node = ents[(id(n), i)]
            if e[0].op is not None:  # so a backward that frees the graph takes o out of it
                e[0].outs = list(e[0].outs) + [weakref.ref(o)]

    def __repr__(self):
        return '<CachedOp %s>' % self._symbol.name if self._symbol.name else '<CachedOp group>'
