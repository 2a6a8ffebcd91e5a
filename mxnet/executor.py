"""The Executor: a Symbol bound to arrays (``Symbol.bind`` / ``Symbol.simple_bind``).

An executor owns, for every argument of its symbol, an input array (``arg_arrays``), an
optional gradient array (``grad_arrays``) and for every auxiliary state an array
(``aux_arrays``). These NDArray handles stay the same for the executor's life: write a batch
with ``exe.arg_dict['data'][:] = batch``, call :meth:`Executor.forward`, read
:attr:`Executor.outputs`, call :meth:`Executor.backward` and read the gradients from
``grad_arrays`` / ``grad_dict``.

The graph is turned once into straight-line Python source (one registry call per node, no
per-node interpretation at run time), compiled, and run on the arrays' torch tensors; backward
goes through torch.autograd from the graph recorded by a training forward.
"""
import os

import numpy as np
import torch

from .base import MXNetError
from . import _state, engine as _engine
from ._tape import run_grad as _run_grad
from ._graph import (Node, aux_ids, dynamic_nodes, compile_graph, concrete_attrs, interpret,
                     profile_hooks)
from .ndarray import _GRAD_REQ_MAP

__all__ = ['Executor']

_GRAD_REQS = ('null', 'write', 'add')
_STATE = _state.state


_MON_CLS = []


def _mon_array(t):
    """What a monitor callback receives for tensor ``t``: an NDArray that also passes as
    MXNet's C handle, since MXNet's callbacks get an ``NDArrayHandle`` and wrap it themselves
    (``NDArray(ctypes.cast(arr, NDArrayHandle))``); remx's Monitor uses it as it is."""
    if not _MON_CLS:
        import ctypes
        from .ndarray.ndarray import NDArray

        class MonitorNDArray(NDArray):
            __slots__ = ()

            @property
            def _as_parameter_(self):
                from .ndarray._capi import new_handle
                return ctypes.c_void_p(new_handle(self._data))
        _MON_CLS.append(MonitorNDArray)
    return _MON_CLS[0](t.detach())


class Executor:
    """A symbol bound to input, gradient and auxiliary arrays; made by ``Symbol.bind`` and
    ``Symbol.simple_bind``, not directly.

    Attributes
    ----------
    arg_arrays : list of NDArray
        The argument arrays, in ``symbol.list_arguments()`` order.
    grad_arrays : list of NDArray (or None entries), or None
        The gradient arrays, one per argument (None where no gradient is kept).
    aux_arrays : list of NDArray
        The auxiliary-state arrays, in ``symbol.list_auxiliary_states()`` order.
    outputs : list of NDArray
        The outputs of the last :meth:`forward`.
    """

    def __init__(self, symbol, ctx, grad_req, group2ctx, arg_arrays, grad_arrays, aux_arrays,
                 reqs, out_shapes=None, out_types=None, out_arrays=None):
        self._symbol = symbol
        self._ctx = ctx
        self._grad_req = grad_req
        self._group2ctx = group2ctx
        self.arg_arrays = arg_arrays
        self.grad_arrays = grad_arrays
        self.aux_arrays = aux_arrays
        self._reqs = reqs                      # per argument: 'null' / 'write' / 'add'
        self._arg_dict = self._grad_dict = self._aux_dict = self._output_dict = None
        self._monitor_callback = None
        self._monitor_all = False
        # MXNet's graph passes read their switches when binding
        self._cse = os.environ.get('MXNET_ELIMINATE_COMMON_EXPR', '1').strip().lower() not in \
            ('0', 'false', 'off', '')
        order = symbol._order()
        self._order = order
        aux = aux_ids(order)
        self._aux_var_ids = aux
        self._mon_edges = None     # (node name, per-input edge tensors) of a monitored forward
        # where each graph variable's tensor comes from: ('arg', i) or ('aux', j)
        src = []
        ai = xi = 0
        for n in order:
            if n.op is None:
                if id(n) in aux:
                    src.append((1, xi))
                    xi += 1
                else:
                    src.append((0, ai))
                    ai += 1
        self._src = src
        dyn = dynamic_nodes(order)
        override = None
        if dyn:  # e.g. an RNN's begin_state zeros((L, 0, H)): sizes come from the bound shapes
            shapes = [(arg_arrays if kind == 0 else aux_arrays)[i].shape for kind, i in src]
            override = concrete_attrs(order, dyn, shapes, 'bind')
        # every op through OpDef.compute (non-differentiable ones get a zero-gradient link);
        # forward() itself copies outputs that alias bound inputs
        self._override = override
        self._run = compile_graph(order, symbol._heads, override, via_compute=True,
                                  clone_inputs=False, filename='<remx executor graph>')
        # heads whose gradient ignores the head gradient: backward() needs no out_grads
        self._loss_heads = [n.op is not None and not n.op.needs_top_grad(n.attrs)
                            for n, _ in symbol._heads]
        self._grad_idx = [i for i, r in enumerate(reqs) if r != 'null']
        self._leaves = None
        self._heads = None
        _, self._out_ctxs = _group_contexts(symbol, group2ctx, ctx)
        # inputs on another torch device than ctx's (group2ctx, arrays bound from elsewhere)
        # are moved to ctx's device for the computation, recorded so gradients flow back
        dev = ctx.torch_device
        self._dev = dev
        self._move = [(arg_arrays if kind == 0 else aux_arrays)[i]._data.device != dev
                      for kind, i in src]
        if not any(self._move):
            self._move = None
        if out_shapes is None:
            self.outputs = []
        else:
            from .ndarray.ndarray import zeros
            given = out_arrays or [None] * len(out_shapes)
            self.outputs = [zeros(s, ctx=c, dtype=t) if o is None else o
                            for s, t, o, c in zip(out_shapes, out_types, given,
                                                  self._out_ctxs)]
        self._out_bufs = [o._data for o in self.outputs]

    # -- dictionaries -----------------------------------------------------------------------
    @staticmethod
    def _get_dict(names, arrays):
        if len(set(names)) != len(names):
            raise ValueError('Duplicate names detected, %s' % str(names))
        return dict(zip(names, arrays))

    @property
    def arg_dict(self):
        """{argument name: input NDArray}."""
        if self._arg_dict is None:
            self._arg_dict = self._get_dict(self._symbol.list_arguments(), self.arg_arrays)
        return self._arg_dict

    @property
    def grad_dict(self):
        """{argument name: gradient NDArray (or None)}."""
        if self._grad_dict is None:
            self._grad_dict = self._get_dict(self._symbol.list_arguments(),
                                             self.grad_arrays or [])
        return self._grad_dict

    @property
    def aux_dict(self):
        """{auxiliary state name: NDArray}."""
        if self._aux_dict is None:
            self._aux_dict = self._get_dict(self._symbol.list_auxiliary_states(),
                                            self.aux_arrays)
        return self._aux_dict

    @property
    def output_dict(self):
        """{output name: NDArray} for the outputs of the last forward."""
        if self._output_dict is None:
            self._output_dict = self._get_dict(self._symbol.list_outputs(), self.outputs)
        return self._output_dict

    # -- running ----------------------------------------------------------------------------
    def forward(self, is_train=False, **kwargs):
        """Compute the outputs; returns (and stores in :attr:`outputs`) a list of NDArrays.

        Parameters
        ----------
        is_train : bool, default False
            Training mode (Dropout drops, BatchNorm uses batch statistics); a following
            :meth:`backward` needs a training forward.
        **kwargs
            New values (NDArray or numpy array, of the bound shape) copied into the named
            argument arrays before running.
        """
        from .ndarray.ndarray import NDArray, _wrap
        if kwargs:
            arg_dict = self.arg_dict
            for name, array in kwargs.items():
                if not isinstance(array, (NDArray, np.ndarray)):
                    raise ValueError('only accept keyword argument of NDArrays and numpy.ndarray')
                if name not in arg_dict:
                    raise TypeError('Unknown argument %s' % name)
                if arg_dict[name].shape != array.shape:
                    raise ValueError('Shape not match! Argument %s, need: %s, received: %s'
                                     % (name, str(arg_dict[name].shape), str(array.shape)))
            for name, array in kwargs.items():
                arg_dict[name][:] = array
        args = self.arg_arrays
        auxs = self.aux_arrays
        # MXNet lets backward follow a predict-mode forward too (the seed tutorial does it), so
        # an executor with gradients records its graph on every forward
        record = bool(self._grad_idx)
        leaves = None
        targs = []
        for a in args:
            t = a._data
            targs.append(t.detach() if t.requires_grad else t)
        if record:
            leaves = []
            for i in self._grad_idx:
                t = targs[i]
                if not (t.is_floating_point() or t.is_complex()):
                    leaves.append(None)     # torch has no integer gradients: written as 0
                    continue
                t = t.requires_grad_(True) if t is not args[i]._data else \
                    t.detach().requires_grad_(True)
                targs[i] = t
                leaves.append(t)
        srcs = (targs, [a._data for a in auxs])
        V = [srcs[k][j] for k, j in self._src]
        if self._move is not None:
            dev = self._dev
            V = [v.to(dev) if m else v for v, m in zip(V, self._move)]
        prev_train, prev_rec = _STATE.training, _STATE.recording
        _STATE.training = bool(is_train)
        _STATE.recording = record
        self._failure = None
        try:
            with torch.enable_grad() if record else torch.no_grad():
                if self._monitor_callback is None:
                    self._mon_edges = None
                    if _engine.E.profile is None:
                        outs = self._run(V)
                    else:       # node by node, each operator reported to mx.profiler
                        before, after = profile_hooks()
                        outs = interpret(self._order, self._symbol._heads, V, self._override,
                                         before, after)
                else:
                    outs = self._run_monitored(V)
        except _engine.KernelFailure as e:
            if not _engine.E.threaded:
                raise
            return self._failed_forward(e)
        finally:
            _STATE.training, _STATE.recording = prev_train, prev_rec
        self._leaves = leaves
        self._heads = outs if record else None
        ptrs = None
        res = []
        bufs = self._out_bufs
        out_ctxs = self._out_ctxs
        with torch.no_grad():
            for k, t in enumerate(outs):
                if t.requires_grad:
                    t = t.detach()
                if ptrs is None:
                    ptrs = {v.untyped_storage().data_ptr() for v in V}
                if t.untyped_storage().data_ptr() in ptrs:
                    t = t.clone()       # outputs never alias the bound input arrays
                # as in MXNet, every forward's outputs live in the same buffers: earlier output
                # handles, and executors made by reshape() that share them, see the new values
                b = bufs[k] if k < len(bufs) else None
                if b is not None and b.dtype == t.dtype and b.shape == t.shape:
                    b.copy_(t)
                elif b is not None and b.dtype == t.dtype and b.device == t.device:
                    b.set_(t)
                elif b is None:
                    bufs.append(t)
                    b = t
                else:
                    bufs[k] = b = t
                c = out_ctxs[k] if k < len(out_ctxs) else self._ctx
                res.append(_wrap(b, c._tag))
        self.outputs = res
        self._output_dict = None
        return res

    def _run_monitored(self, V):
        """Interpreted run that shows every node output (and input, with monitor_all) to the
        monitor callback as ``callback(name, NDArray)``."""
        cb = self._monitor_callback
        monitor_all = self._monitor_all
        record = _STATE.recording and not monitor_all
        edges = [] if record else None
        aux = self._aux_var_ids

        def before(n, ins):
            if record and not n.op.no_backward_node:
                # one alias per edge, so backward can report each node's input gradients
                ins = [t.view_as(t) if t.requires_grad else t for t in ins]
                ts = [t for (c, _), t in zip(n.inputs, ins)
                      if not (c.op is None and id(c) in aux)]
                if n.op.backward_named_by_input:
                    names = ['%s_backward_%s' % (n.name, nm) for nm in n.input_names()]
                elif len(ts) == 1:
                    names = ['%s_backward_output' % n.name]
                else:
                    names = ['%s_backward_output%d' % (n.name, i) for i in range(len(ts))]
                edges.append((names, ts))
            if monitor_all:
                # as MXNet: a variable input is shown under its own name first, then every
                # input as NODE_INPUTNAME (input0.. for ops registered without input names)
                in_names = n.input_names() if not n.op.unnamed_inputs \
                    else ['input%d' % i for i in range(len(ins))]
                for (c, _), nm, t in zip(n.inputs, in_names, ins):
                    if c.op is None:
                        cb(c.name, _mon_array(t))
                    cb('%s_%s' % (n.name, nm), _mon_array(t))
            return ins

        def after(n, outs):
            for nm, t in zip(n.output_names(), outs):
                cb(nm, _mon_array(t))
        outs = interpret(self._order, self._symbol._heads, V, before=before, after=after)
        self._mon_edges = edges
        return outs

    def _failed_forward(self, exc):
        """A kernel failed in the forward (threaded engines): the outputs, and the gradients of
        a following backward, carry the error to the next wait, as MXNet's engine does."""
        from .ndarray.ndarray import _wrap
        cell = _engine.Failure(exc)
        self._failure = cell
        self._leaves = None
        self._heads = None
        ctxs = self._out_ctxs
        res = [_wrap(b, (ctxs[k] if k < len(ctxs) else self._ctx)._tag)
               for k, b in enumerate(self._out_bufs)]
        _engine.mark_failed(res, cell, new=True)
        self.outputs = res
        self._output_dict = None
        return res

    def backward(self, out_grads=None, is_train=True):
        """Back-propagate from the outputs of the last forward into the gradient
        arrays ('write' overwrites, 'add' accumulates, 'null' skips).

        Parameters
        ----------
        out_grads : NDArray, list of NDArray or dict of str to NDArray, optional
            Gradients with respect to the outputs (ones when not given; loss operators such
            as SoftmaxOutput ignore them).
        is_train : bool, default True
            Training mode of the backward computation.
        """
        from .ndarray.ndarray import NDArray
        if out_grads is None:
            out_grads = []
        elif isinstance(out_grads, NDArray):
            out_grads = [out_grads]
        elif isinstance(out_grads, dict):
            out_grads = [out_grads[k] for k in self._symbol.list_outputs()]
        for g in out_grads:
            if not isinstance(g, NDArray):
                raise TypeError('inputs must be NDArray')
        if not self._grad_idx:
            return
        cell = getattr(self, '_failure', None)
        if cell is not None:   # the forward failed: the gradients carry its error
            _engine.mark_failed([self.grad_arrays[i] for i in self._grad_idx
                                 if self.grad_arrays[i] is not None], cell)
            return
        if self._heads is None:
            # MXNet runs backward on whatever its buffers hold; gradients that do not depend
            # on the forward values (repeat, tile, ...) come out right. Run the forward first.
            self.forward(is_train=True)
        heads, hgrads = [], []
        for k, h in enumerate(self._heads):
            if not h.requires_grad:
                continue
            if k >= len(out_grads) and not self._loss_heads[k]:
                raise MXNetError('Because the last operator is not Loss function, '
                                 'head_gradient is required when calling backward. If you are '
                                 'attempting to minimize the output as an objective, please '
                                 'modify your network and pass it through the make_loss symbol.')
        for k, h in enumerate(self._heads):
            if not h.requires_grad:
                continue
            if k < len(out_grads):
                g = out_grads[k]._data
                if tuple(g.shape) != tuple(h.shape):
                    hn = self._symbol._heads[k][0]
                    if hn.op is not None and not hn.op.differentiable:
                        # MXNet never reads the head gradient of an op without a gradient
                        # (argmax, MultiProposal, ...), whatever its shape
                        g = torch.zeros_like(h)
                    else:
                        raise MXNetError('Executor.backward: out_grads[%d] has shape %s, '
                                         'expected %s' % (k, tuple(g.shape), tuple(h.shape)))
                g = g.to(dtype=h.dtype, device=h.device)
            else:
                g = torch.ones_like(h)
            heads.append(h)
            hgrads.append(g)
        all_leaves = self._leaves
        leaves = [t for t in all_leaves if t is not None]
        # as MXNet, a monitor also sees every node's input gradients (NAME_backward_outputI);
        # with monitor_all, only the forward inputs and outputs are reported here
        edges = self._mon_edges if (self._monitor_callback is not None and
                                    not self._monitor_all) else None
        mon_ts = []
        if edges:
            mon_ts = [t for _, ts in edges for t in ts if t.requires_grad]
        if heads:
            prev = _STATE.training
            _STATE.training = bool(is_train)
            try:
                grads = _run_grad(heads, list(leaves) + mon_ts, hgrads, True)
                if mon_ts:
                    self._report_backward(edges, dict(zip(map(id, mon_ts),
                                                          grads[len(leaves):])))
                    grads = grads[:len(leaves)]
            except RuntimeError as e:
                raise MXNetError('Executor.backward: %s' % str(e).strip().split('\n')[0]) \
                    from None
            finally:
                _STATE.training = prev
        else:
            grads = [None] * len(leaves)
        if len(leaves) != len(all_leaves):
            it = iter(grads)
            grads = [None if t is None else next(it) for t in all_leaves]
        garrs = self.grad_arrays
        reqs = self._reqs
        with torch.no_grad():
            for i, g in zip(self._grad_idx, grads):
                dst = garrs[i]._data
                if reqs[i] == 'add':
                    if g is not None:
                        dst.add_(g.to(dst.dtype))
                elif g is None:
                    dst.zero_()
                else:
                    dst.copy_(g)

    def _report_backward(self, edges, grads):
        """Show the monitor callback each node's input gradients, in backward order, as
        ``NAME_backward_outputI`` (zeros where no gradient flows)."""
        cb = self._monitor_callback
        for names, ts in reversed(edges):
            for name, t in zip(names, ts):
                g = grads.get(id(t))
                g = torch.zeros_like(t) if g is None else g.detach()
                cb(name, _mon_array(g))

    # -- parameters -------------------------------------------------------------------------
    def copy_params_from(self, arg_params, aux_params=None, allow_extra_params=False):
        """Copy values from ``arg_params`` (and ``aux_params``), dicts of name to NDArray, into
        the bound arrays (cast to their dtypes). A name the executor does not have raises
        ValueError unless ``allow_extra_params``."""
        arg_dict = self.arg_dict
        for name, array in arg_params.items():
            if name in arg_dict:
                dst = arg_dict[name]
                array.astype(dst.dtype).copyto(dst)
            elif not allow_extra_params:
                raise ValueError('Find name "%s" that is not in the arguments' % name)
        if aux_params is None:
            return
        aux_dict = self.aux_dict
        for name, array in aux_params.items():
            if name in aux_dict:
                dst = aux_dict[name]
                array.astype(dst.dtype).copyto(dst)
            elif not allow_extra_params:
                raise ValueError('Find name %s that is not in the auxiliary states' % name)

    def reshape(self, partial_shaping=False, allow_up_sizing=False, **kwargs):
        """A new executor for new input shapes, sharing memory with this one.

        Arrays whose shape is unchanged are the same NDArrays; smaller ones are views of this
        executor's memory; larger ones need ``allow_up_sizing=True``. An argument not named in
        kwargs whose shape changes needs ``partial_shaping=True``.

        Parameters
        ----------
        partial_shaping : bool
            Allow the shapes of unnamed arguments to change.
        allow_up_sizing : bool
            Allow allocating arrays larger than the current ones.
        **kwargs : tuple of int
            New shapes by argument name.
        """
        from .ndarray.ndarray import zeros, _wrap
        sym = self._symbol
        shapes = {k: v for k, v in kwargs.items() if isinstance(v, tuple)}
        arg_shapes, out_shapes, aux_shapes = _infer_or_raise(sym, 'reshape', shapes)
        names = sym.list_arguments()

        def remap(old, new_shape, name, kind, specified):
            if old is None:
                return None
            new_shape = tuple(new_shape)
            if tuple(old.shape) == new_shape:
                return _wrap(old._data)     # a new handle on the same memory, as in MXNet
            if not specified and not partial_shaping:
                raise MXNetError('Shape of unspecified %s: %s changed. This can cause the new '
                                 'executor to not share parameters with the old one. Please '
                                 'check for error in network. If this is intended, set '
                                 'partial_shaping=True to suppress this warning.' % (kind, name))
            n = int(np.prod(new_shape, dtype=np.int64))
            t = old._data
            if n <= t.numel() and t.is_contiguous():
                return _wrap(t.view(-1)[:n].view(new_shape))
            if not allow_up_sizing:
                raise MXNetError('New shape of %s: %s is larger than original. First making a '
                                 'big executor and then down sizing it is more efficient than '
                                 'the reverse. If you really want to up size, set '
                                 'allow_up_sizing=True to enable allocation of new arrays.'
                                 % (kind, name))
            return zeros(new_shape, ctx=self._ctx, dtype=old.dtype)

        args = [remap(a, s, nm, 'arg', nm in shapes)
                for a, s, nm in zip(self.arg_arrays, arg_shapes, names)]
        grads = None
        if self.grad_arrays is not None:
            grads = [remap(g, s, nm, 'arg', nm in shapes)
                     for g, s, nm in zip(self.grad_arrays, arg_shapes, names)]
        aux = [remap(a, s, nm, 'aux', False)
               for a, s, nm in zip(self.aux_arrays, aux_shapes, sym.list_auxiliary_states())]
        _, out_types, _ = sym._infer_type_impl(False, **{nm: a.dtype for nm, a in zip(names, args)})
        if out_types is None:
            out_types = [np.float32] * len(out_shapes)
        # outputs that fit in this executor's output buffers share their memory, as MXNet's
        # reshaped executors share the memory pool
        outs = []
        for k, (s, t) in enumerate(zip(out_shapes, out_types)):
            buf = self._out_bufs[k] if k < len(self._out_bufs) else None
            n = int(np.prod(s, dtype=np.int64))
            if buf is not None and buf.is_contiguous() and n <= buf.numel() and \
                    np.dtype(t) == np.dtype(_wrap(buf).dtype):
                outs.append(_wrap(buf.view(-1)[:n].view(tuple(s)), self._ctx._tag))
            else:
                outs.append(None)
        exe = Executor(sym, self._ctx, self._grad_req, self._group2ctx, args, grads, aux,
                       self._reqs, out_shapes, out_types, outs)
        if self._monitor_callback is not None:
            exe.set_monitor_callback(self._monitor_callback, self._monitor_all)
        return exe

    # -- inspection -------------------------------------------------------------------------
    def set_monitor_callback(self, callback, monitor_all=False):
        """Call ``callback(name, NDArray)`` with every operator output (and, with
        ``monitor_all``, every operator input) during each forward."""
        self._monitor_callback = callback
        self._monitor_all = bool(monitor_all)

    def debug_str(self):
        """A text description of the bound graph, ending with MXNet's estimate of the memory
        its plan allocates (``Total N MB allocated``)."""
        nbytes = _planned_bytes(self._symbol, self._order, self._reqs,
                                [a.shape for a in self.arg_arrays],
                                [a.dtype for a in self.arg_arrays])
        return self._symbol.debug_str() + 'Total %d MB allocated\n' % (nbytes >> 20)

    def get_optimized_symbol(self):
        """The graph after MXNet's passes: with ``MXNET_ELIMINATE_COMMON_EXPR`` (default on)
        identical operator nodes on the same inputs are merged (remx runs the graph as
        bound; the results are the same)."""
        if not self._cse:
            return self._symbol.__copy__()
        return _eliminate_common_expr(self._symbol)


def _backward_nodes(order, heads, reqs):
    """The ids of the operator nodes a backward pass runs: those on a path from an argument
    with a gradient to an output that no zero-gradient operator (``blocks_grad``: BlockGrad)
    cuts."""
    aux = aux_ids(order)
    fwd = set()
    ai = 0
    for n in order:
        if n.op is None:
            if id(n) not in aux:
                if reqs[ai] != 'null':
                    fwd.add(id(n))
                ai += 1
        elif any(id(c) in fwd for c, _ in n.inputs):
            fwd.add(id(n))
    bwd = set(id(n) for n, _ in heads)
    for n in reversed(order):
        if id(n) in bwd and n.op is not None and not n.op.blocks_grad and \
                getattr(n.op, 'differentiable', True) is not False:
            bwd.update(id(c) for c, _ in n.inputs)
    return {id(n) for n in order if n.op is not None and id(n) in fwd and id(n) in bwd and
            not n.op.blocks_grad}


def _check_differentiable(sym, reqs):
    """MXNetError when the gradients asked for must pass through an operator without one
    (``no_gradient``: MXNet registers it without FGradient)."""
    order = sym._order()
    need = _backward_nodes(order, sym._heads, reqs)
    for n in order:
        if id(n) in need and n.op.no_gradient:
            raise MXNetError('Operator %s is non-differentiable because it didn\'t register '
                             'FGradient attribute.' % n.op.name)


def _planned_bytes(sym, order, reqs, arg_shapes, arg_types):
    """Bytes of MXNet's memory plan for the bound graph, estimated the way its planner
    shares storage: without backward, an operator output's storage is reused once its last
    reader ran; with backward, forward outputs are kept for it and the gradient buffers are
    reused the same way. Arguments, gradients and in-place operators take no plan memory."""
    try:
        names = sym.list_arguments()
        internals = sym.get_internals()
        kw = dict(zip(names, (tuple(s) for s in arg_shapes)))
        _, shapes, _ = internals._infer_shape_impl(True, **kw)
        _, types, _ = internals._infer_type_impl(True, **dict(zip(names, arg_types)))
    except MXNetError:
        return 0
    size = {}
    k = 0
    for n in order:
        for i in range(n.num_outputs()):
            t = types[k] if types and types[k] is not None else np.float32
            size[(id(n), i)] = int(np.prod(shapes[k], dtype=np.int64)) * np.dtype(t).itemsize \
                if shapes and shapes[k] else 0
            k += 1
    need = _backward_nodes(order, sym._heads, reqs)
    ops = [n for n in order if n.op is not None]
    head_keys = {(id(n), i) for n, i in sym._heads}

    def plan(steps, keep):
        """steps: (entries made, entries read) per step; the bytes of a best-fit shared
        pool, where an entry's block is free after its last reader unless kept."""
        last = {}
        for t, (_, reads) in enumerate(steps):
            for e in reads:
                last[e] = t
        free, live, total = [], {}, 0
        for t, (made, reads) in enumerate(steps):
            for e, nb in made:
                fit = [b for b in free if b >= nb]
                if fit:
                    b = min(fit)
                    free.remove(b)
                else:
                    b = nb
                    total += nb
                live[e] = b
            for e in set(reads):
                if last.get(e) == t and e in live and e not in keep:
                    free.append(live.pop(e))
            for e, _ in made:
                if e not in last and e not in keep and e in live:
                    free.append(live.pop(e))
        return total

    def fwd_steps():
        steps = []
        for n in ops:
            if n.op.in_place:
                continue
            made = [((id(n), i), size[(id(n), i)]) for i in range(n.num_outputs())]
            steps.append((made, [(id(c), i) for c, i in n.inputs]))
        return steps

    if not need:
        return plan(fwd_steps(), head_keys)
    total = plan(fwd_steps(), {(id(n), i) for n in ops for i in range(n.num_outputs())})
    # backward: each node (in reverse) reads its output gradients and makes its inputs'
    steps = []
    for n in reversed(ops):
        if id(n) not in need:
            continue
        reads = [('g', id(n), i) for i in range(n.num_outputs())]
        made = [(('g', id(c), i), size[(id(c), i)]) for c, i in dict.fromkeys(n.inputs)
                if c.op is not None and id(c) in need and not c.op.in_place]
        steps.append((made, reads))
    return total + plan(steps, set())


def _eliminate_common_expr(sym):
    """MXNet's common-subexpression elimination: operator nodes with the same operator,
    attributes and inputs become one (not random, stateful or input-mutating ones); outputs
    that end up identical get a ``_copy`` node each after the first."""
    from ._ops.registry import get as _get_op
    memo = {}
    canon = {}

    def key_of(n):
        return (n.op.name, tuple(sorted(n.dict.items())),
                tuple((id(canon.get(id(c), c)), i) for c, i in n.inputs))
    new_nodes = {}

    def clone(n):
        c = canon.get(id(n), n)
        got = new_nodes.get(id(c))
        if got is not None:
            return got
        if c.op is None:
            m = c
        else:
            m = Node(c.op, c.name, c.attrs, c.dict,
                      [(clone(x), i) for x, i in c.inputs], c.versions)
        new_nodes[id(c)] = m
        return m
    for n in sym._order():
        if n.op is None or not _cse_candidate(n):
            continue
        k = key_of(n)
        if k in memo:
            canon[id(n)] = memo[k]
        else:
            memo[k] = n
    heads = []
    seen = {}
    copy_op = _get_op('_copy')
    for n, i in sym._heads:
        m = clone(n)
        e = (id(m), i)
        if e in seen:
            cnt = seen[e]
            seen[e] += 1
            cp = Node(copy_op, '%s_%d_copy' % (m.name, cnt), copy_op.parse_attrs({}), {},
                       [(m, i)])
            heads.append((cp, 0))
        else:
            seen[e] = 0
            heads.append((m, i))
    return type(sym)(heads)


def _cse_candidate(n):
    """Whether CSE may merge node n with an equal one (ops with aux states or ``no_cse``:
    random, stateful, input-mutating, never)."""
    return not (n.op.aux or n.op.no_cse)


def _infer_or_raise(sym, what, shapes, types=None):
    """(arg_shapes, out_shapes, aux_shapes) for given shapes; MXNetError when undecidable."""
    try:
        arg_shapes, out_shapes, aux_shapes = sym._infer_shape_impl(False, **shapes)
    except MXNetError as e:
        raise MXNetError('%s error. Arguments:\n%s\n%s' % (
            what, '\n'.join('%s: %s' % kv for kv in shapes.items()), e)) from None
    if out_shapes is None:
        arg_shapes, _, _ = sym._infer_shape_impl(True, **shapes)
        unknown = ', '.join('%s: %s' % (n, s or None)
                            for n, s in zip(sym.list_arguments(), arg_shapes)
                            if not s or not all(d > 0 for d in s))
        raise MXNetError('%s error. Arguments:\n%s\nInferShape pass cannot decide shapes for '
                         'the following arguments (-1 means unknown dimensions). Please '
                         'consider providing them as inputs:\n%s, ' % (
                             what, '\n'.join('%s: %s' % kv for kv in shapes.items()), unknown))
    return arg_shapes, out_shapes, aux_shapes


def _group_contexts(sym, group2ctx, ctx):
    """({variable name: Context}, [Context per output]) for ``group2ctx``: a node runs on the
    context of its ``ctx_group`` attribute; a variable without one goes with its first
    consumer (MXNet's device placement), everything else on ``ctx``."""
    order = sym._order()
    if not group2ctx:
        return {}, [ctx] * len(sym._heads)

    def node_ctx(n):
        g = n.dict.get('__ctx_group__') if n.dict else None
        return group2ctx.get(g) if g is not None else None
    consumer = {}
    for n in order:
        if n.op is not None:
            c = node_ctx(n)
            if c is not None:
                for src, _ in n.inputs:
                    consumer.setdefault(id(src), c)
    var_ctx = {}
    for n in order:
        if n.op is None:
            var_ctx[n.name] = node_ctx(n) or consumer.get(id(n)) or ctx
    heads = [(node_ctx(n) or (var_ctx.get(n.name) if n.op is None else None) or ctx)
             for n, _ in sym._heads]
    return var_ctx, heads


def _norm_reqs(grad_req, names):
    if isinstance(grad_req, str):
        if grad_req not in _GRAD_REQS:
            raise ValueError('grad_req must be in %s' % str(_GRAD_REQ_MAP))
        return [grad_req] * len(names)
    if isinstance(grad_req, (list, tuple)):
        if len(grad_req) != len(names):
            raise MXNetError('grad_req has %d entries but the symbol has %d arguments'
                             % (len(grad_req), len(names)))
        reqs = list(grad_req)
    elif isinstance(grad_req, dict):
        reqs = [grad_req.get(n, 'null') for n in names]
    else:
        raise TypeError('grad_req must be a str, a list of str or a dict of str to str')
    for r in reqs:
        if r not in _GRAD_REQS:
            raise MXNetError("grad_req=%s is not a valid input; only 'null', 'write', and 'add' "
                             "are supported" % (r,))
    return reqs


def _check_ctx(ctx):
    from .context import Context
    if not isinstance(ctx, Context):
        raise TypeError('Context type error')


def _ndarray_inputs(key, args, names, allow_missing):
    from .ndarray.ndarray import NDArray
    if isinstance(args, list):
        if len(args) != len(names):
            raise ValueError('Length of %s does not match the number of arguments' % key)
        for a in args:
            if a is None and allow_missing:
                continue
            if not isinstance(a, NDArray):
                raise TypeError('Only accept list of NDArrays or dict of str to NDArray')
        return list(args)
    if isinstance(args, dict):
        out = []
        for n in names:
            if n in args:
                if not isinstance(args[n], NDArray):
                    raise TypeError('Only accept list of NDArrays or dict of str to NDArray')
                out.append(args[n])
            elif allow_missing:
                out.append(None)
            else:
                raise ValueError('key `%s` is missing in `%s`' % (n, key))
        return out
    raise TypeError('Only accept list of NDArrays or dict of str to NDArray')


def bind(sym, ctx, args, args_grad=None, grad_req='write', aux_states=None, group2ctx=None,
         shared_exec=None):
    """Implementation of ``Symbol.bind`` (see there)."""
    _check_ctx(ctx)
    names = sym.list_arguments()
    aux_names = sym.list_auxiliary_states()
    args = _ndarray_inputs('args', args, names, False)
    if args_grad is not None:
        args_grad = _ndarray_inputs('args_grad', args_grad, names, True)
    aux_states = _ndarray_inputs('aux_states', [] if aux_states is None else aux_states,
                                 aux_names, False)
    reqs = _norm_reqs(grad_req, names)
    reqs = [r if args_grad is not None and args_grad[i] is not None else 'null'
            for i, r in enumerate(reqs)]
    shapes = dict(zip(names, (tuple(a.shape) for a in args)))
    arg_shapes, out_shapes, aux_shapes = _infer_or_raise(sym, 'bind', shapes)
    _check_differentiable(sym, reqs)
    for kind, nms, arrs, want in (('args_grad', names, args_grad or [], arg_shapes),
                                  ('aux_states', aux_names, aux_states, aux_shapes)):
        for n, a, s in zip(nms, arrs, want):
            if a is not None and tuple(a.shape) != tuple(s):
                raise MXNetError('bind: %s %s has shape %s, but the graph needs %s'
                                 % (kind, n, tuple(a.shape), tuple(s)))
    try:
        _, out_types, _ = sym._infer_type_impl(False, **{n: a.dtype for n, a in zip(names, args)})
    except MXNetError:
        out_types = None
    if out_types is None:
        out_types = [np.float32] * len(out_shapes)
    return Executor(sym, ctx, grad_req, group2ctx, args, args_grad, aux_states, reqs,
                    out_shapes, out_types)


def simple_bind(sym, ctx, grad_req='write', type_dict=None, stype_dict=None, group2ctx=None,
                shared_arg_names=None, shared_exec=None, shared_buffer=None, **kwargs):
    """Implementation of ``Symbol.simple_bind`` (see there)."""
    from .ndarray.ndarray import zeros
    _check_ctx(ctx)
    # MXNet reads only the shape tuples among the keyword arguments (others are ignored)
    kwargs = {k: v for k, v in kwargs.items() if isinstance(v, (tuple, list))}
    if stype_dict:
        for n, st in stype_dict.items():
            if st not in ('default', None):
                raise MXNetError('simple_bind: storage type %r for %s is not implemented in '
                                 'remx (dense arrays only)' % (st, n))
    names = sym.list_arguments()
    aux_names = sym.list_auxiliary_states()
    try:
        reqs = _norm_reqs(grad_req, names)
        arg_shapes, out_shapes, aux_shapes = _infer_or_raise(sym, 'simple_bind', kwargs)
        try:
            _check_differentiable(sym, reqs)
        except MXNetError as e:
            raise MXNetError('simple_bind error. Arguments:\n%s\n%s' % (
                '\n'.join('%s: %s' % kv for kv in kwargs.items()), e)) from None
    except (MXNetError, ValueError) as e:
        # MXNet's simple_bind reports its failures as RuntimeError
        raise RuntimeError(str(e)) from None
    if type_dict is None:
        # arguments without a __dtype__ attribute default to float32, as in MXNet
        attrs = sym.attr_dict()
        type_dict = {n: np.float32 for n in names if '__dtype__' not in attrs.get(n, {})}
    tdict = {k: v for k, v in type_dict.items() if k in names or k in aux_names}
    try:
        arg_types, out_types, aux_types = sym._infer_type_impl(False, **tdict)
    except MXNetError as e:
        raise MXNetError('simple_bind error: %s' % e) from None
    if arg_types is None:
        arg_types, out_types, aux_types = sym._infer_type_impl(True, **tdict)
        arg_types = [np.float32 if t is None else t for t in arg_types]
        out_types = [np.float32 if t is None else t for t in out_types]
        aux_types = [np.float32 if t is None else t for t in aux_types]
    shared_names = set(shared_arg_names or ())
    s_args = shared_exec.arg_dict if shared_exec is not None else {}
    s_grads = shared_exec.grad_dict if shared_exec is not None else {}
    s_aux = shared_exec.aux_dict if shared_exec is not None else {}

    var_ctx, out_ctxs = _group_contexts(sym, group2ctx, ctx)

    def fits(a, s, t):
        return a is not None and tuple(a.shape) == tuple(s) and np.dtype(a.dtype) == np.dtype(t)

    args, grads, aux = [], [], []
    for n, s, t, r in zip(names, arg_shapes, arg_types, reqs):
        a = None
        if n in shared_names and fits(s_args.get(n), s, t):
            a = s_args[n]
        elif shared_buffer is not None and n not in shared_names:
            b = shared_buffer.get(n)
            a = b if fits(b, s, t) else None
        vctx = var_ctx.get(n, ctx)
        if a is None:
            a = zeros(s, ctx=vctx, dtype=t)
            if shared_buffer is not None and n not in shared_names:
                shared_buffer[n] = a
        args.append(a)
        g = None
        if r != 'null':
            if n in shared_names and fits(s_grads.get(n), s, t):
                g = s_grads[n]
            else:
                g = zeros(s, ctx=vctx, dtype=t)
        grads.append(g)
    for n, s, t in zip(aux_names, aux_shapes, aux_types):
        a = s_aux.get(n)
        aux.append(a if fits(a, s, t) else zeros(s, ctx=var_ctx.get(n, ctx), dtype=t))
    return Executor(sym, ctx, grad_req, group2ctx, args, grads, aux, reqs, out_shapes,
                    out_types)
