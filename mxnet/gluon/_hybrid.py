"""Gluon ``HybridBlock`` and the hybridization helpers.

``hybridize()`` makes the next call trace ``hybrid_forward`` with ``F = mx.sym`` into one graph
(children included), finish deferred initialization through the graph's shape inference and
compile the graph into a :class:`mxnet._cached_op.CachedOp` that every later call runs.
``export`` writes that graph and the parameters in MXNet's formats.

Imports ``_block`` (Block) and ``_deferred``; ``_symbol_block`` imports this module.
"""
import warnings

from ..base import MXNetError
from .. import ndarray as nd
from .. import _nested
from ..ndarray import NDArray
from ..ndarray.ndarray import _wrap, _opctx
from .parameter import DeferredInitializationError, GluonAssertionError, GluonValueError
from ._block import Block
from ._deferred import _Pending, _InferF

__all__ = ['HybridBlock']


def _width(x):
    """Layout number of a leaf of hybridize's nesting (mxnet/_nested.py): 0 for an array, n
    for a Symbol of n > 1 outputs, -1 for None; None for what is no leaf."""
    if isinstance(x, NDArray):
        return 0
    if isinstance(x, _Symbol):
        n = len(x.list_outputs())
        return n if n > 1 else 0
    return -1 if x is None else None


def _flatten(args, inout_str):
    """(flat list of NDArray/Symbol/None, format) for a nested list/tuple of them."""
    def fail(v):
        raise GluonValueError('When hybridized, the input of HybridBlock {} must be (nested) '
                              'list of Symbol or NDArray, but got {} of type {}'
                              .format(inout_str, str(v), str(type(v))))
    return _nested.flatten(args, _width, fail)


def _check_format(fmt, args):
    if isinstance(fmt, int):
        if fmt < -1:
            raise GluonValueError('Unsupported encoded format {}.'.format(fmt))
        if fmt == -1 and args[0] is not None:
            raise GluonValueError(
                'We do not support passing types that are not None when the initial '
                'HybridBlock has received NoneType and has been hybridized. Received '
                'arg = {}, fmt = {}.'.format(args[0], fmt))
    elif not isinstance(args, (list, tuple)):
        raise GluonValueError('When hybridized, the output of HybridBlock must be (nested) '
                              'list of Symbol or NDArray, but got {} of type {}'
                              .format(args, type(args)))


def _regroup(args, fmt):
    """Inverse of :func:`_flatten`: rebuild the nested structure described by fmt."""
    return _nested.regroup(args, fmt, _check_format)[0]


def _gather_type_ctx_info(args):
    """(has_symbol, has_ndarray, set of contexts, first context) over nested args."""
    if isinstance(args, NDArray):
        c = args.context
        return False, True, {c}, c
    if isinstance(args, _Symbol):
        return True, False, set(), None
    if isinstance(args, (list, tuple)):
        has_sym = has_nd = False
        ctxs = set()
        first = None
        for a in args:
            s, n, c, f = _gather_type_ctx_info(a)
            has_sym = has_sym or s
            has_nd = has_nd or n
            if first is None and f is not None:
                first = f
            ctxs |= c
            if has_sym and has_nd:
                break
        return has_sym, has_nd, ctxs, first
    return False, False, set(), None


def _lazy_symbol():
    from .. import symbol
    return symbol


class _SymbolType:
    """isinstance target for mx.sym.Symbol that does not import the symbol package early."""
    _cls = None

    @classmethod
    def get(cls):
        if cls._cls is None:
            cls._cls = _lazy_symbol().Symbol
        return cls._cls


class _SymMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, _SymbolType.get())


class _Symbol(metaclass=_SymMeta):
    """Stands for mx.sym.Symbol in isinstance checks."""



class HybridBlock(Block):
    """A Block whose computation is ``hybrid_forward(F, x, *args, **params)``, written once
    for both ``F = mx.nd`` (imperative) and ``F = mx.sym`` (symbolic).

    Before :meth:`hybridize` it runs imperatively. After it, the next call with NDArray inputs
    traces ``hybrid_forward`` (and the children's) with Symbol inputs named ``data`` (one
    input) or ``data0``, ``data1``, ... into one graph, finishes deferred parameter
    initialization through the graph's shape inference, compiles the graph into a CachedOp and
    runs that on every later call. Gradients and training-mode behaviour are the imperative
    run's; :meth:`export` writes the graph and parameters in MXNet's formats.
    """
    __module__ = 'mxnet.gluon.block'
    _is_hybrid_block = True

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._cached_graph = ()
        self._cached_op = None
        self._cached_op_args = []
        self._out_format = None
        self._in_format = None
        self._active = False
        self._flags = []
        self._callback = None
        self._monitor_all = False
        self._backend = None
        self._backend_opts = {}

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if isinstance(value, HybridBlock):
            self._clear_cached_op()

    def register_child(self, block, name=None):
        if not isinstance(block, HybridBlock):
            raise GluonValueError(
                'Children of HybridBlock must also be HybridBlock, but %s has type '
                '%s. If you are using Sequential, please try HybridSequential '
                'instead.' % (str(block), str(type(block))))
        super().register_child(block, name)
        self._clear_cached_op()

    def _clear_cached_op(self):
        self._cached_graph = ()
        self._cached_op = None
        self._cached_op_args = []

    def hybridize(self, active=True, backend=None, clear=True, static_alloc=False,
                  static_shape=False, inline_limit=2, forward_bulk_size=None,
                  backward_bulk_size=None, **kwargs):
        """Activate (or with ``active=False`` deactivate) hybrid execution, recursively.

        Parameters
        ----------
        active : bool, default True
            Whether to run through the cached graph.
        backend : str, optional
            A subgraph backend name; remx has none, so anything but None raises MXNetError.
        clear : bool, default True
            Drop the graph traced so far (the next call traces again).
        static_alloc, static_shape : bool, default False
            MXNet's memory-planning flags; recorded, results do not depend on them.
        inline_limit : int, default 2
            Recorded as MXNet records it.
        forward_bulk_size, backward_bulk_size : int, optional
            Recorded as MXNet records them.
        **kwargs
            Backend options.
        """
        if backend is not None:
            raise MXNetError("hybridize: subgraph backend '%s' is not implemented in remx"
                             % (backend,))
        if kwargs:
            self._backend_opts = kwargs
        self._backend = backend
        self._active = active
        self._flags = [('static_alloc', static_alloc), ('static_shape', static_shape),
                       ('inline_limit', inline_limit)]
        if forward_bulk_size is not None:
            self._flags.append(('forward_bulk_size', forward_bulk_size))
        if backward_bulk_size is not None:
            self._flags.append(('backward_bulk_size', backward_bulk_size))
        if clear:
            self._clear_cached_op()
        if active and self._forward_hooks or self._forward_pre_hooks:
            warnings.warn('"{block}" is being hybridized while still having forward hook/'
                          'pre-hook. If "{block}" is a child of HybridBlock, the hooks will not '
                          'take effect.'.format(block=self))
        for cld in self._children.values():
            cld.hybridize(active, static_alloc=static_alloc, static_shape=static_shape,
                          inline_limit=inline_limit, forward_bulk_size=forward_bulk_size,
                          backward_bulk_size=backward_bulk_size)

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)

    # -- the traced graph -------------------------------------------------------------------
    def _get_graph(self, *args):
        if not self._cached_graph:
            symbol = _lazy_symbol()
            flat, self._in_format = _flatten(args, 'input')
            n_real = sum(a is not None for a in flat)
            if n_real == 0:
                raise GluonValueError('All args are None and we do not support such a case. '
                                      'Received args={}'.format(args))
            inputs, sym_inputs = [], []
            cnt = 0
            for a in flat:
                if a is None:
                    inputs.append(None)
                    continue
                s = symbol.var('data%d' % cnt if n_real > 1 else 'data')
                cnt += 1
                inputs.append(s)
                sym_inputs.append(s)
            grouped = _regroup(inputs, self._in_format)
            params = {k: p.var() for k, p in self._reg_params.items()}
            with self.name_scope():
                out = self.hybrid_forward(symbol, *grouped, **params)
            out, self._out_format = _flatten(out, 'output')
            self._cached_graph = sym_inputs, symbol.Group(out)
        return self._cached_graph

    def _infer_attrs(self, infer_fn, attr, *args):
        inputs, out = self._get_graph(*args)
        flat = [a for a in _flatten(args, 'input')[0] if a is not None]
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            arg_attrs, _, aux_attrs = getattr(out, infer_fn)(
                **{i.name: getattr(j, attr) for i, j in zip(inputs, flat)})
        if arg_attrs is None:
            raise GluonValueError(str(w[0].message) if w else
                                  '%s could not decide every parameter' % infer_fn)
        sdict = dict(zip(out.list_arguments(), arg_attrs))
        sdict.update(zip(out.list_auxiliary_states(), aux_attrs))
        for p in self.collect_params().values():
            if p.name in sdict:
                setattr(p, attr, sdict[p.name])

    def infer_shape(self, *args):
        """Infer the shapes of this block's Parameters from input arrays (through the graph
        traced with Symbol inputs)."""
        self._infer_attrs('infer_shape', 'shape', *args)

    def infer_type(self, *args):
        """Infer the dtypes of this block's Parameters from input arrays."""
        self._infer_attrs('infer_type', 'dtype', *args)

    def _deferred_infer_shape(self, *args):
        try:
            self.infer_shape(*args)
        except Exception as e:  # noqa: BLE001 (MXNet reports every failure this way)
            raise GluonValueError('Deferred initialization failed because shape cannot be '
                                  'inferred. {}'.format(e)) from None

    def _build_cache(self, *args):
        from .._cached_op import CachedOp
        data, out = self._get_graph(*args)
        data_names = {d.name: i for i, d in enumerate(data)}
        input_names = out.list_inputs()
        expected = set(input_names)
        if self._cached_op_args:
            params = {p.name: p for is_arg, p in self._cached_op_args if not is_arg}
        else:
            params = self.collect_params()
        param_names = set(params.keys())
        for name in input_names:
            if name not in param_names and name not in data_names:
                raise GluonAssertionError('Unknown input to HybridBlock: %s' % name)
        if len([n for n in data_names if n in expected]) != len(data_names):
            unused = ', '.join('%d-th' % i for n, i in data_names.items() if n not in expected)
            warnings.warn('The %s input to HybridBlock is not used by any computation. Is this '
                          'intended?' % unused, stacklevel=4)
        unused = [n for n in param_names if n not in expected]
        if unused:
            warnings.warn('Parameter %s is not used by any computation. Is this intended?'
                          % ', '.join(unused), stacklevel=4)
        flat = [a for a in _flatten(args, 'input')[0] if a is not None]
        ctx = next((a.context for a in flat if isinstance(a, NDArray)), None)
        pending = [params[n] for n in input_names if n in params and
                   params[n]._data is None and params[n]._deferred_init]
        if pending:
            self._deferred_infer_shape(*args)
            for n in input_names:
                if n in params:
                    params[n]._finish_deferred_init()
        for n in input_names:
            if n in params:
                params[n].data(ctx)     # not initialized at all: the Parameter's own error
        cached_args = []
        data_indices, param_indices = [], []
        for i, name in enumerate(input_names):
            if name in data_names:
                data_indices.append(i)
                cached_args.append((True, data_names[name]))
            else:
                param_indices.append(i)
                cached_args.append((False, params[name]))
        self._cached_op_args = cached_args
        flags = [('data_indices', data_indices), ('param_indices', param_indices)] + \
            self._flags
        self._cached_op = CachedOp(out, flags)
        if self._callback is not None:
            self._cached_op._register_op_hook(self._callback, self._monitor_all)

    def _call_cached_op(self, *args):
        if self._cached_op is None:
            self._build_cache(*args)
        if self._callback is not None:
            # MXNet checks the flag pairs themselves, so it always warns here
            warnings.warn('register_op_hook is experimental when static_alloc=True / '
                          'static_shape=True  and may not work correctly')
        if len(args) == 1 and isinstance(args[0], NDArray) and self._in_format == [0]:
            flat = args
        else:
            flat, fmt = _flatten(args, 'input')
            if fmt != self._in_format:
                stored = self._in_format
                if len(stored) > len(fmt):
                    valid = all(stored[i] == -1 for i in range(len(fmt), len(stored))) and \
                        fmt == stored[:len(fmt)]
                elif len(stored) < len(fmt):
                    valid = all(fmt[i] == -1 for i in range(len(stored), len(fmt))) and \
                        fmt[:len(stored)] == stored
                else:
                    valid = False
                if not valid:
                    raise GluonValueError('The argument structure of HybridBlock does not match '
                                          'the cached version. Stored format = {}, input format '
                                          '= {}'.format(fmt, stored))
            flat = [a for a in flat if a is not None]
        ctx = flat[0].context
        arrays = []
        for is_arg, p in self._cached_op_args:
            if is_arg:
                arrays.append(flat[p])
            else:
                d = p._data
                arrays.append((d[0] if len(d) == 1 else p.data(ctx))
                              if d is not None else p.data(ctx))
        tensors = [a._data for a in arrays]
        res = self._cached_op._call_tensors(tensors)
        fmt = self._out_format
        c = _opctx(flat[0])  # outputs live on the first input's context (cpu(1) included)
        outs = [_wrap(r, c) for r in res]
        self._cached_op._maybe_record(arrays, outs)
        if fmt == 0:
            return outs[0]
        return _regroup(outs, fmt)

    # -- calling (Block.__call__ runs the hooks around forward) -----------------------------
    def forward(self, x, *args):
        """Run on NDArrays (through the cached graph when hybridized) or build the graph on
        Symbols."""
        if not args and isinstance(x, NDArray):
            has_symbol, has_ndarray, ctx_set, ctx = False, True, None, None
        else:
            has_symbol, has_ndarray, ctx_set, ctx = _gather_type_ctx_info([x] + list(args))
        if has_symbol and has_ndarray:
            raise GluonValueError('In HybridBlock, we do not support mixed NDArrays and Symbols'
                                  ' types for the input. Please check the type of the args.\n')
        if not has_symbol and not has_ndarray:
            raise GluonValueError('In HybridBlock, there must be one NDArray or one Symbol in '
                                  'the input. Please check the type of the args.\n')
        if has_ndarray:
            if self._active:
                if ctx_set is not None and len(ctx_set) > 1:
                    raise GluonValueError(
                        'Find multiple contexts in the input, After hybridized, the HybridBlock '
                        'only supports one input context. You can print the ele.ctx in the '
                        'input arguments to inspect their contexts. Find all contexts = {}'
                        .format(ctx_set))
                return self._call_cached_op(x, *args)
            if ctx is None:
                ctx = x.context
            return self._imperative(ctx, x, args)
        symbol = _lazy_symbol()
        params = {k: p.var() for k, p in self._reg_params.items()}
        with self.name_scope():
            return self.hybrid_forward(symbol, x, *args, **params)

    def _imperative(self, ctx, x, args):
        try:
            params = {k: v.data(ctx) for k, v in self._reg_params.items()}
        except DeferredInitializationError:
            pending = False
            params = {}
            for k, v in self._reg_params.items():
                if v._data is None and v._deferred_init:
                    params[k] = _Pending(v, ctx)
                    pending = True
                else:
                    params[k] = v.data(ctx)
            if pending:
                if not self._cached_graph:
                    # MXNet finishes deferred init by tracing the graph, which it then keeps
                    # (export and Block.save see it); trace it the same way
                    try:
                        self._get_graph(x, *args)
                    except Exception:  # noqa: BLE001 (a block that cannot be traced runs on)
                        self._cached_graph = ()
                out = self.hybrid_forward(_InferF(nd), x, *args, **params)
                for v in self._reg_params.values():
                    v._finish_deferred_init()
                return out
            raise
        return self.hybrid_forward(nd, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        """Override to construct the computation with F (mx.nd or mx.sym).

        x : Symbol or NDArray, the first input; args: more inputs; kwargs: this block's
        Parameters (as NDArrays or Symbol variables, by attribute name).
        """
        raise NotImplementedError

    def register_op_hook(self, callback, monitor_all=False):
        """Call ``callback(name, op_name, array)`` with every operator output (and input
        with ``monitor_all``) while running hybridized; set recursively on the children.
        Names come as bytes, as in MXNet; ``array`` is an NDArray (MXNet passes a raw
        NDArrayHandle, which remx does not have)."""
        self._callback = callback
        self._monitor_all = monitor_all
        if self._cached_op is not None:
            self._cached_op._register_op_hook(callback, monitor_all)
        for cld in self._children.values():
            cld._callback = callback
            cld._monitor_all = monitor_all

    def export(self, path, epoch=0, remove_amp_cast=True):
        """Write the traced graph to ``path-symbol.json`` and the parameters to
        ``path-%04d.params`` (keys ``arg:NAME`` and ``aux:NAME``), the files
        ``SymbolBlock.imports``, ``mx.model.load_checkpoint`` and ``mx.mod.Module`` read.
        A single input is named ``data``; several are ``data0``, ``data1``, ...

        Parameters
        ----------
        path : str
            Path prefix of the two files.
        epoch : int, default 0
            Epoch number in the parameter file's name.
        remove_amp_cast : bool, default True
            Leave AMP cast operators out of the saved graph.
        """
        if not self._cached_graph:
            raise MXNetError('Please first call block.hybridize() and then run forward with '
                             'this block at least once before calling export.')
        sym = self._cached_graph[1]
        arg_names = set(sym.list_arguments())
        aux_names = set(sym.list_auxiliary_states())
        arg_dict = {}
        # as in MXNet, the parameters written are those the cached op runs with: a graph traced
        # only for deferred initialization (never run hybridized) exports no parameters
        plist = [p for is_arg, p in self._cached_op_args if not is_arg]
        for param in plist:
            name = param.name
            if name in arg_names:
                arg_dict['arg:%s' % name] = param._reduce()
            elif name in aux_names:
                arg_dict['aux:%s' % name] = param._reduce()
            else:
                warnings.warn('Parameter "{name}" is not found in the graph. '
                              .format(name=name), stacklevel=3)
        sym.save('%s-symbol.json' % path, remove_amp_cast=remove_amp_cast)
        nd.save('%s-%04d.params' % (path, epoch), arg_dict)

    def optimize_for(self, x, *args, backend=None, clear=False, static_alloc=False,
                     static_shape=False, inline_limit=2, forward_bulk_size=None,
                     backward_bulk_size=None, **kwargs):
        if not backend:
            raise GluonValueError('Must specify "backend" to optimize_for')
        raise MXNetError("optimize_for: subgraph backend '%s' is not implemented in remx"
                         % (backend,))
