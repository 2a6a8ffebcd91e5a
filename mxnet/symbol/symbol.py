"""The Symbol graph (``mx.sym.Symbol``).

A :class:`Symbol` is a list of ``(node, output_index)`` entries, its heads, over the graph
nodes of :mod:`mxnet._graph` (``Node``: the registry ``OpDef`` or None for a variable, a name,
the parsed attributes, the string attribute dict MXNet shows, the inputs). This module is the
user-facing side: naming, composition, attributes, listing, the argument handling of
``infer_shape``/``infer_type`` (the fixed-point inference itself is the graph module's),
``eval`` (the graph's interpreter), bind/simple_bind and the constructors.
"""
import warnings

import numpy as np

from ..base import (MXNetError, NotImplementedForSymbol, _Null, _DTYPE_NP_TO_MX, _DTYPE_MX_TO_NP,
                    numeric_types)
from .. import attribute as _attribute
from .._ops.params import Shape as _parse_shape, attr_string as _attr_string
from .._ops.registry import get as _get_op
from .._ops.binder import split_call, input_slots
from .. import name as _name
from .json_io import (to_json, write_file, read_file, from_json, HIDDEN_KEYS, _hidden_key,
                      _AUX_VAR_INIT)
from .._graph import (Node, topo, aux_ids, clone_heads, infer_shapes, infer_types, shape_known,
                      interpret, dynamic_nodes, concrete_attrs)

__all__ = ['Symbol', 'Variable', 'var', 'Group', 'load', 'load_json']

_STYPE_ID = {'undefined': -1, 'default': 0, 'row_sparse': 1, 'csr': 2}


def _print_infer_args(what, args, kwargs):
    """MXNet prints the arguments of a failed infer_shape/infer_type before raising."""
    print('%s error. Arguments:' % what)
    for i, arg in enumerate(args):
        print('  #%d: %s' % (i, arg))
    for k, v in kwargs.items():
        print('  %s: %s' % (k, v))


class Symbol:
    """A symbolic graph: one or more outputs of operator and variable nodes.

    Symbols are built with :func:`Variable` and the operator functions of ``mx.sym``, composed
    with arithmetic (``a + b``, ``x * 2``) and with ``__call__``; they describe a computation
    whose shapes and dtypes can be inferred and which can be saved as MXNet JSON.
    """
    __slots__ = ('_heads',)

    def __init__(self, heads):
        self._heads = list(heads)

    # -- structure --------------------------------------------------------------------------
    def _order(self):
        return topo(self._heads)

    @property
    def name(self):
        """The name of the single output's node (None for a group)."""
        if len(self._heads) != 1:
            return None
        return self._heads[0][0].name

    def __repr__(self):
        if len(self._heads) == 1:
            return '<Symbol %s>' % self._heads[0][0].name
        return '<Symbol group [%s]>' % ', '.join(n.name for n, _ in self._heads)

    def __len__(self):
        return len(self._heads)

    def __iter__(self):
        return (Symbol([h]) for h in self._heads)

    def __getitem__(self, index):
        if isinstance(index, str):
            names = self.list_outputs()
            idx = None
            for i, nm in enumerate(names):
                if nm == index:
                    if idx is not None:
                        raise ValueError('There are multiple outputs with name "%s"' % index)
                    idx = i
            if idx is None:
                raise ValueError('Cannot find output that matches name "%s"' % index)
            index = idx
        if isinstance(index, slice):
            return Symbol(self._heads[index])
        if not isinstance(index, int):
            raise TypeError('Symbol only support integer index to fetch i-th output')
        if not -len(self._heads) <= index < len(self._heads):
            raise IndexError('Symbol index %d out of range (%d outputs)'
                             % (index, len(self._heads)))
        return Symbol([self._heads[index]])

    def __copy__(self):
        return Symbol(self._heads)

    def __deepcopy__(self, memo=None):
        return Symbol(clone_heads(self._heads, {}))

    def __getstate__(self):
        return {'handle': self.tojson()}

    def __setstate__(self, state):
        self._heads = load_json(state['handle'])._heads

    def get_internals(self):
        """A group of every output of every node in the graph, in topological order."""
        heads = []
        for n in self._order():
            heads.extend((n, i) for i in range(n.num_outputs()))
        return Symbol(heads)

    def get_children(self):
        """A group of the inputs of the head nodes (each node once, as MXNet's GetChildren);
        None for a variable."""
        ins = []
        seen = set()
        for n, _ in self._heads:
            if id(n) not in seen:
                seen.add(id(n))
                ins.extend(n.inputs)
        return Symbol(ins) if ins else None

    def list_outputs(self):
        """Output names: ``<node>_output`` for operators, the name itself for variables."""
        return [n.output_names()[i] for n, i in self._heads]

    def list_arguments(self):
        """Names of the variables that are not auxiliary states, in topological order."""
        order = self._order()
        aux = aux_ids(order)
        return [n.name for n in order if n.op is None and id(n) not in aux]

    def list_auxiliary_states(self):
        """Names of auxiliary-state variables (e.g. BatchNorm's moving_mean, moving_var)."""
        order = self._order()
        aux = aux_ids(order)
        return [n.name for n in order if n.op is None and id(n) in aux]

    def list_inputs(self):
        """Names of every variable (arguments and auxiliary states), in topological order."""
        return [n.name for n in self._order() if n.op is None]

    # -- attributes -------------------------------------------------------------------------
    def attr(self, key):
        """The string attribute ``key`` of the single head node, or None."""
        if len(self._heads) != 1:
            return None
        d = self._heads[0][0].dict
        return d.get(_hidden_key(key))

    def list_attr(self, recursive=False):
        """The (first) head node's attributes as a dict of strings; hidden keys such as
        ``__lr_mult__`` also appear as ``lr_mult``. ``recursive=True`` is deprecated."""
        if recursive:
            raise DeprecationWarning('Symbol.list_attr with recursive=True has been deprecated. '
                                     'Please use attr_dict instead.')
        return _listed(self._heads[0][0].dict)

    def attr_dict(self):
        """{node name: {attribute: value}} for every node with attributes."""
        ret = {}
        for n in self._order():
            if n.dict:
                ret[n.name] = _listed(n.dict)
        return ret

    def _set_attr(self, **kwargs):
        for k, v in kwargs.items():
            if not isinstance(v, str):
                raise ValueError('Set Attr only accepts string values')
        if len(set(id(n) for n, _ in self._heads)) != 1:
            raise MXNetError('Symbol.SetAttrs only works for non-grouped symbol')
        for n, _ in self._heads[:1]:
            for k, v in kwargs.items():
                n.dict[_hidden_key(k)] = v
                if n.op is not None and not k.startswith('__') and k not in HIDDEN_KEYS:
                    n.attrs = n.op.parse_attrs(_params_of(n))

    # -- composition ------------------------------------------------------------------------
    def __call__(self, *args, **kwargs):
        """A copy of this symbol with its free variables replaced (see :meth:`_compose`)."""
        s = self.__deepcopy__()
        s._compose(*args, **kwargs)
        return s

    def _compose(self, *args, **kwargs):
        """Replace the variables named in kwargs by the given symbols, in place; ``name``
        renames the head node."""
        name = kwargs.pop('name', None)
        if name is not None and not isinstance(name, str):
            raise TypeError('name must be a string')
        if args and kwargs:
            raise TypeError('compose only accept input Symbols either as positional or keyword '
                            'arguments, not both')
        for v in list(args) + list(kwargs.values()):
            if not isinstance(v, Symbol):
                raise TypeError('Compose expect `Symbol` as arguments')
            if len(v._heads) != 1:
                raise MXNetError('Composing with a symbol of %d outputs: each argument must '
                                 'have a single output' % len(v._heads))
        order = self._order()
        if len(order) == 1 and order[0].op is not None and not order[0].inputs and \
                order[0].op.list_inputs(order[0].attrs, len(args) or None):
            self._compose_atomic(order[0], name, args, kwargs)
            return
        if args:
            # NNVM composes positionally only atomic symbols (see _gen_atomic_symbol)
            raise MXNetError('General composition only support kwargs for now')
        by_name = {n.name: n for n in order if n.op is None}
        repl = {}
        for k, s in kwargs.items():
            if k not in by_name:
                cands = '\n'.join('\t[%d]%s' % (i, nm) for i, nm in enumerate(by_name))
                raise MXNetError('Symbol.ComposeKeyword argument name %s not found.\nCandidate '
                                 'arguments:\n%s' % (k, cands))
            repl[id(by_name[k])] = s._heads[0]
        if repl:
            for n in order:
                if n.inputs:
                    n.inputs = [repl.get(id(c), (c, i)) if c.op is None else (c, i)
                                for c, i in n.inputs]
            self._heads = [repl.get(id(n), (n, i)) if n.op is None else (n, i)
                           for n, i in self._heads]
        if name is not None and len(self._heads) == 1 and self._heads[0][0].op is not None:
            self._heads[0][0].name = name

    def _compose_atomic(self, node, name, args, kwargs):
        """Give an atomic symbol's node its inputs: positional ones in order, keyword ones by
        input name, the others new variables ``<name>_<input>``."""
        from .. import name as _name
        op = node.op
        in_names = op.list_inputs(node.attrs, len(args) or None)
        if len(args) > len(in_names):
            raise MXNetError('%s takes %d inputs (%s) but %d were given'
                             % (op.name, len(in_names), ', '.join(in_names), len(args)))
        slots = dict(zip(in_names, (a._heads[0] for a in args)))
        for k, v in kwargs.items():
            if k not in in_names:
                raise MXNetError('Symbol.ComposeKeyword argument name %s not found.\nCandidate '
                                 'arguments:\n%s' % (k, '\n'.join(
                                     '\t[%d]%s' % (i, nm) for i, nm in enumerate(in_names))))
            slots[k] = v._heads[0]
        node.name = name if name is not None else (node.name or
                                                   _name.current().get(None, op.name.lower()))
        node.inputs = [slots[nm] if nm in slots else
                       (Node(None, '%s_%s' % (node.name, nm), None, {}, []), 0)
                       for nm in in_names]

    def _gen_atomic_symbol(self):
        """The head operator alone, without inputs and unnamed: composing it (calling it with
        input symbols) makes a new node with the same parameters."""
        n = self._heads[0][0]
        if n.op is None:
            raise MXNetError('Cannot generate an atomic symbol from a variable')
        node = Node(n.op, '', n.attrs, dict(n.dict), [])
        return Symbol([(node, i) for i in range(node.num_outputs())])

    # -- arithmetic -------------------------------------------------------------------------
    def _binary(self, other, op, scalar_op, rscalar_op=None, reverse=False):
        if isinstance(other, Symbol):
            a, b = (other, self) if reverse else (self, other)
            return create(op, a, b)
        if isinstance(other, numeric_types):
            return create(rscalar_op if reverse else scalar_op, self, scalar=other)
        raise TypeError('type %s not supported' % str(type(other)))

    def __add__(self, other):
        return self._binary(other, '_Plus', '_PlusScalar')

    __radd__ = __add__

    def __sub__(self, other):
        return self._binary(other, '_Minus', '_MinusScalar')

    def __rsub__(self, other):
        return self._binary(other, '_Minus', '_MinusScalar', '_RMinusScalar', reverse=True)

    def __mul__(self, other):
        return self._binary(other, '_Mul', '_MulScalar')

    __rmul__ = __mul__

    def __truediv__(self, other):
        return self._binary(other, '_Div', '_DivScalar')

    def __rtruediv__(self, other):
        return self._binary(other, '_Div', '_DivScalar', '_RDivScalar', reverse=True)

    __div__ = __truediv__
    __rdiv__ = __rtruediv__

    def __mod__(self, other):
        return self._binary(other, '_Mod', '_ModScalar')

    def __rmod__(self, other):
        return self._binary(other, '_Mod', '_ModScalar', '_RModScalar', reverse=True)

    def __pow__(self, other):
        return self._binary(other, '_Power', '_PowerScalar')

    def __rpow__(self, other):
        return self._binary(other, '_Power', '_PowerScalar', '_rpower_scalar', reverse=True)

    def __neg__(self):
        return self.__mul__(-1.0)

    def __abs__(self):
        return create('abs', self)

    def __eq__(self, other):
        return self._binary(other, '_equal', '_equal_scalar')

    def __ne__(self, other):
        return self._binary(other, '_not_equal', '_not_equal_scalar')

    def __gt__(self, other):
        return self._binary(other, '_greater', '_greater_scalar')

    def __ge__(self, other):
        return self._binary(other, '_greater_equal', '_greater_equal_scalar')

    def __lt__(self, other):
        return self._binary(other, '_lesser', '_lesser_scalar')

    def __le__(self, other):
        return self._binary(other, '_lesser_equal', '_lesser_equal_scalar')

    __hash__ = object.__hash__

    def __bool__(self):
        raise NotImplementedForSymbol(self.__bool__, 'bool')

    def astype(self, dtype):
        """Cast to ``dtype`` (the ``Cast`` operator)."""
        return create('Cast', self, dtype=dtype)

    # -- inference --------------------------------------------------------------------------
    def infer_shape(self, *args, **kwargs):
        """Infer argument, output and auxiliary shapes from the given input shapes.

        Shapes are given positionally (in ``list_arguments()`` order) or by name. Returns
        ``(arg_shapes, out_shapes, aux_shapes)``, lists of tuples, or ``(None, None, None)``
        (with a warning naming the undecided arguments) when some shape stays unknown.
        Inconsistent shapes raise MXNetError.
        """
        try:
            res = self._infer_shape_impl(False, *args, **kwargs)
        except MXNetError:
            _print_infer_args('infer_shape', args, kwargs)
            raise
        if res[1] is None:
            arg_shapes, _, _ = self._infer_shape_impl(True, *args, **kwargs)
            unknowns = ['%s: %s' % (n, s) for n, s in zip(self.list_arguments(), arg_shapes)
                        if not s or not shape_known(s)]
            warnings.warn('Cannot decide shape for the following arguments (0s in shape means '
                          'unknown dimensions). Consider providing them as input:\n\t'
                          + '\n\t'.join(unknowns), stacklevel=2)
        return res

    def infer_shape_partial(self, *args, **kwargs):
        """Like :meth:`infer_shape`, but unknown shapes come back as ``()`` instead of None."""
        return self._infer_shape_impl(True, *args, **kwargs)

    def _infer_shape_impl(self, partial, *args, **kwargs):
        order = self._order()
        given = _given_values(self, order, args, kwargs, 'shape')
        shapes = infer_shapes(order, given, {})
        return _collect(self, order, shapes, partial, shape_known, ())

    def infer_type(self, *args, **kwargs):
        """Infer argument, output and auxiliary dtypes from the given input dtypes.

        Returns ``(arg_types, out_types, aux_types)`` as numpy type objects (``np.float32``),
        or ``(None, None, None)`` with a warning when some dtype stays unknown.
        """
        try:
            res = self._infer_type_impl(False, *args, **kwargs)
        except MXNetError:
            _print_infer_args('infer_type', args, kwargs)
            raise
        if res[1] is None:
            arg_types, _, _ = self._infer_type_impl(True, *args, **kwargs)
            unknowns = ['%s: %s' % (n, t) for n, t in zip(self.list_arguments(), arg_types)
                        if t is None]
            warnings.warn('Cannot decide type for the following arguments. Consider providing '
                          'them as input:\n\t' + '\n\t'.join(unknowns), stacklevel=2)
        return res

    def infer_type_partial(self, *args, **kwargs):
        """Like :meth:`infer_type`, with None for the dtypes that stay unknown."""
        return self._infer_type_impl(True, *args, **kwargs)

    def _infer_type_impl(self, partial, *args, **kwargs):
        order = self._order()
        given = _given_values(self, order, args, kwargs, 'type')
        shapes = infer_shapes(order, _given_values(self, order, (), {}, 'shape'), {},
                               quiet=True)
        types = infer_types(order, given, shapes)
        res = _collect(self, order, types, partial, lambda t: t is not None, None)
        if res[0] is None:
            return res
        return tuple([None if t is None else np.dtype(t).type for t in lst] for lst in res)

    # -- serialization ----------------------------------------------------------------------
    def tojson(self, remove_amp_cast=True):
        """The graph as MXNet 1.x JSON (nodes, arg_nodes, node_row_ptr, heads, attrs)."""
        return to_json(self, remove_amp_cast)

    def save(self, fname, remove_amp_cast=True):
        """Write :meth:`tojson` to ``fname`` (e.g. ``prefix-symbol.json``)."""
        if not isinstance(fname, str):
            raise TypeError('fname need to be string')
        write_file(fname, self.tojson(remove_amp_cast))

    def debug_str(self):
        """A text listing of the graph's outputs, variables and operator nodes."""
        order = self._order()
        aux = aux_ids(order)
        lines = ['Symbol Outputs:']
        for i, (n, j) in enumerate(self._heads):
            lines.append('\toutput[%d]=%s(%d)' % (i, n.name, j))
        for n in order:
            if n.op is None:
                lines.append('Variable:%s' % n.name)
                continue
            lines.append('--------------------')
            lines.append('Op:%s, Name=%s' % (n.op.name, n.name))
            lines.append('Inputs:')
            for k, (c, i) in enumerate(n.inputs):
                if c.op is None:
                    ver = 1 if id(c) in aux and n.input_names()[k] in n.op.aux_names(n.attrs) \
                        else 0
                    lines.append('\targ[%d]=%s(%d) version=%d' % (k, c.name, i, ver))
                else:
                    lines.append('\targ[%d]=%s(%d)' % (k, c.name, i))
            if n.dict:
                lines.append('Attrs:')
                for k in sorted(n.dict):
                    lines.append('\t%s=%s' % (k, n.dict[k]))
        return '\n'.join(lines) + '\n'

    # -- evaluation -------------------------------------------------------------------------
    def eval(self, ctx=None, **kwargs):
        """Evaluate the graph on NDArrays given by variable name; returns a list of NDArrays.

        Runs each operator imperatively through the registry, in topological order, in
        predict mode. As in MXNet, a graph with auxiliary states (BatchNorm) cannot be
        evaluated this way (ValueError); bind an executor instead.
        """
        order = self._order()
        if aux_ids(order):
            # eval binds kwargs as arguments only, so MXNet cannot evaluate graphs with aux states
            raise ValueError('Length of aux_states does not match the number of arguments')
        return self._run(order, kwargs, ctx)

    def _run(self, order, kwargs, ctx=None):
        """Evaluate with every input (arguments and aux states) given by name in kwargs."""
        from ..ndarray.ndarray import NDArray, _wrap
        from .. import _state
        dev = None
        if ctx is not None:
            from ..context import Context
            if not isinstance(ctx, Context):
                raise TypeError('ctx must be a Context, got %s' % type(ctx).__name__)
            dev = ctx.torch_device
        variables = [n for n in order if n.op is None]
        tensors = []
        for n in variables:
            if n.name not in kwargs:
                raise ValueError('key `%s` is missing in `args`' % n.name)
            a = kwargs[n.name]
            if not isinstance(a, NDArray):
                raise TypeError('Only accept list of NDArrays or dict of str to NDArray')
            tensors.append(a._data if dev is None else a._data.to(dev))
        dyn = dynamic_nodes(order)
        # creation nodes with 0s in their shape (the legacy RNN cells' begin_state
        # zeros((0, H))) take their size from shape inference, as when MXNet binds
        override = concrete_attrs(order, dyn, [t.shape for t in tensors], 'eval') if dyn \
            else None
        prev = _state.state.training
        _state.state.training = False
        try:
            res = interpret(order, self._heads, tensors, override)
        finally:
            _state.state.training = prev
        in_ptrs = {t.untyped_storage().data_ptr() for t in tensors}
        outs = []
        for t in res:
            if t.untyped_storage().data_ptr() in in_ptrs:
                t = t.clone()
            outs.append(_wrap(t, None if ctx is None else ctx._tag))
        return outs

    def copy(self):
        """A shallow copy (the same graph nodes)."""
        return self.__copy__()

    def split_v2(self, *args, **kwargs):
        """Convenience fluent method for :py:func:`split_v2`."""
        return split_v2(self, *args, **kwargs)

    # NDArray-only methods: MXNet raises NotImplementedForSymbol
    def asnumpy(self):
        raise NotImplementedForSymbol(self.asnumpy, None)

    def asscalar(self):
        raise NotImplementedForSymbol(self.asscalar, None)

    def wait_to_read(self):
        raise NotImplementedForSymbol(self.wait_to_read, None)

    def as_in_context(self, *args, **kwargs):
        raise NotImplementedForSymbol(self.as_in_context, None)

    def detach(self):
        raise NotImplementedForSymbol(self.detach, None)

    def backward(self, *args, **kwargs):
        raise NotImplementedForSymbol(self.backward, None)

    def __iadd__(self, other):
        raise NotImplementedForSymbol(self.__iadd__, '+=', other, 1)

    def __isub__(self, other):
        raise NotImplementedForSymbol(self.__isub__, '-=', other, 1)

    def __imul__(self, other):
        raise NotImplementedForSymbol(self.__imul__, '*=', other)

    def __itruediv__(self, other):
        raise NotImplementedForSymbol(self.__itruediv__, '/=', other)

    def bind(self, ctx, args, args_grad=None, grad_req='write', aux_states=None,
             group2ctx=None, shared_exec=None):
        """Bind the arguments (and gradient and auxiliary arrays) to get an Executor.

        Parameters
        ----------
        ctx : Context
            The device to run on.
        args : list of NDArray or dict of str to NDArray
            Input arrays, in ``list_arguments()`` order or by name; the executor uses these
            very arrays.
        args_grad : list of NDArray or dict of str to NDArray, optional
            Arrays receiving the gradients (missing entries / None: no gradient).
        grad_req : {'write', 'add', 'null'}, list of str or dict of str to str
            How gradients are stored: overwrite, accumulate or skip (dict: missing = 'null').
        aux_states : list of NDArray or dict of str to NDArray, optional
            Auxiliary-state arrays (BatchNorm moving statistics).
        group2ctx : dict of str to Context, optional
            Accepted for compatibility; every node runs on ``ctx``.
        shared_exec : Executor, optional
            Accepted for compatibility (memory is managed by torch).

        Returns
        -------
        Executor
        """
        from ..executor import bind as _bind
        return _bind(self, ctx, args, args_grad, grad_req, aux_states, group2ctx, shared_exec)

    def simple_bind(self, ctx, grad_req='write', type_dict=None, stype_dict=None,
                    group2ctx=None, shared_arg_names=None, shared_exec=None,
                    shared_buffer=None, **kwargs):
        """Bind with zero-filled argument, gradient and auxiliary arrays allocated from the
        shapes given as keyword arguments (``data=(32, 784)``) and inferred from them.

        Parameters
        ----------
        ctx : Context
            The device to run on.
        grad_req : {'write', 'add', 'null'}, list of str or dict of str to str
            Gradient requirement per argument (dict: missing = 'null').
        type_dict : dict of str to dtype, optional
            Input dtypes (others inferred; float32 by default).
        stype_dict : dict of str to str, optional
            Storage types; only 'default' (dense) is supported in remx.
        group2ctx : dict of str to Context, optional
            Accepted for compatibility; every node runs on ``ctx``.
        shared_arg_names : list of str, optional
            Arguments whose arrays are taken from ``shared_exec`` when shapes and dtypes match.
        shared_exec : Executor, optional
            Executor to share arrays with (also its auxiliary states).
        shared_buffer : dict of str to NDArray, optional
            Arrays for the other arguments, reused when they fit and filled with new ones.
        **kwargs : tuple of int
            Input shapes by argument name.

        Returns
        -------
        Executor
        """
        from ..executor import simple_bind as _simple_bind
        return _simple_bind(self, ctx, grad_req, type_dict, stype_dict, group2ctx,
                            shared_arg_names, shared_exec, shared_buffer, **kwargs)

    def gradient(self, wrt):
        raise MXNetError('Symbol.gradient is not implemented in remx')


def _listed(d):
    out = {}
    for k, v in d.items():
        out[k] = v
        if k.startswith('__') and k.endswith('__') and k[2:-2] in HIDDEN_KEYS:
            out[k[2:-2]] = v
    return out


def _params_of(node):
    return {k: v for k, v in node.dict.items() if k in node.op.params}


# -- inference helpers ----------------------------------------------------------------------
def _given_values(sym, order, args, kwargs, kind):
    """{id(var node): value} from positional args, keyword args and the vars' attributes."""
    variables = [n for n in order if n.op is None]
    aux = aux_ids(order)
    arg_vars = [n for n in variables if id(n) not in aux]
    given = {}
    for n in variables:
        if kind == 'shape' and '__shape__' in n.dict:
            try:
                given[id(n)] = _parse_shape(n.dict['__shape__'])
            except (ValueError, TypeError):
                pass
        if kind == 'type' and '__dtype__' in n.dict:
            try:
                given[id(n)] = np.dtype(_DTYPE_MX_TO_NP[int(n.dict['__dtype__'])])
            except (KeyError, ValueError, TypeError):
                pass
    if args and kwargs:
        raise ValueError('Can only specify known argument %ss either by positional or kwargs '
                         'way.' % kind)
    conv = _to_shape if kind == 'shape' else _to_dtype
    for n, v in zip(arg_vars, args):
        if v is not None:
            given[id(n)] = conv(v)
    if kwargs:
        by_name = {n.name: n for n in variables}
        for k, v in kwargs.items():
            if k not in by_name:
                cands = '\n'.join('\t[%d]%s' % (i, n.name) for i, n in enumerate(arg_vars))
                raise MXNetError('InferShapeKeyword argument name %s not found.\nCandidate '
                                 'arguments:\n%s' % (k, cands) if kind == 'shape' else
                                 'InferTypeKeyword argument name %s not found.\nCandidate '
                                 'arguments:\n%s' % (k, cands))
            if v is not None:
                given[id(by_name[k])] = conv(v)
    return given


def _to_shape(v):
    if isinstance(v, (int, np.integer)):
        return (int(v),)
    try:
        return tuple(int(d) for d in v)
    except TypeError:
        raise ValueError('shape must be a tuple of ints, got %r' % (v,)) from None


def _to_dtype(v):
    try:
        return np.dtype(v)
    except TypeError:
        raise MXNetError('invalid dtype %r' % (v,)) from None


def _collect(sym, order, vals, partial, known, empty):
    aux = aux_ids(order)
    variables = [n for n in order if n.op is None]
    arg = [vals.get((id(n), 0)) for n in variables if id(n) not in aux]
    auxv = [vals.get((id(n), 0)) for n in variables if id(n) in aux]
    out = [vals.get((id(n), i)) for n, i in sym._heads]
    if not partial:
        if not all(known(v) for v in arg + auxv + out):
            return (None, None, None)
    fix = (lambda v: empty if v is None else v)
    return ([fix(v) for v in arg], [fix(v) for v in out], [fix(v) for v in auxv])


# -- composition: the node an operator function makes -------------------------------------
def _single(s, opname):
    if len(s._heads) != 1:
        raise MXNetError('%s: argument %s has %d outputs; operator inputs must be single-output '
                         'symbols' % (opname, s, len(s._heads)))
    return s._heads[0]


def _build(opdef, hint, name, attr, pos, named, params):
    """Create the op node; pos: list of Symbols, named: {input name: Symbol}."""
    attr = _attribute.current().get(attr)
    extra = {}
    for k, v in attr.items():
        if not isinstance(v, str):
            raise ValueError('Set Attr only accepts string values')
        if (k.startswith('__') and k.endswith('__')) or k in HIDDEN_KEYS:
            extra[_hidden_key(k)] = v
        else:
            params[k] = v
    for k in [k for k, v in params.items() if v is _Null]:
        del params[k]
    # keyword arguments starting with a hidden key (lr_mult=0, ctx_group='a') are node
    # attributes __lr_mult__ / __ctx_group__, copied onto the variables the op creates; one
    # ending with it (weight_lr_mult) is MXNet's deprecated form and an error
    for k in [k for k in params if not k.startswith('__')]:
        for hk in HIDDEN_KEYS:
            at = k.rfind(hk)
            if at == 0:
                v = params.pop(k)
                if v is not None:
                    extra['__%s__' % k] = _attr_string(v)
                break
            if at > 0 and at == len(k) - len(hk):
                raise MXNetError('setting variable attributes with %s is deprecated. please '
                                 'instead use\nw = Variable(%s=%s)\nsym = YourSymbolName(%s=w)'
                                 % (k, hk, _attr_string(params[k]), k[:at - 1]))
    # keyword arguments of the form __name__ (mx.sym.zeros(..., __layout__='LNC'), the RNN
    # layers' begin_state) are node attributes, not operator parameters, as in MXNet
    for k in [k for k in params if k.startswith('__') and k.endswith('__')]:
        v = params.pop(k)
        if v is not None:
            extra[_hidden_key(k)] = _attr_string(v)
    if opdef.variadic and not pos:
        raise MXNetError('%s: at least one input Symbol is required' % opdef.name)
    stray = [k for k, v in params.items() if isinstance(v, Symbol)]
    for k in stray:
        del params[k]
    attrs = opdef.parse_attrs(params)
    # a Symbol keyword that names no input: NNVM's Compose matches keywords only when the
    # positional Symbols do not fill every input, so with all of them given (an op without
    # inputs, such as _random_normal(..., data=s)) MXNet ignores it
    if stray and (opdef.variadic or len(pos) != len(opdef.list_inputs(attrs))):
        raise MXNetError('%s: %s is not an input of the operator (inputs: %s)'
                         % (opdef.name, stray[0], ', '.join(opdef.inputs)))
    name = _name.current().get(name, hint)
    # the attribute strings MXNet stores: str() of what the user passed, dtypes by name
    dct = {k: _attr_string(v) for k, v in params.items() if v is not None}
    dct.update(extra)
    if opdef.variadic:
        in_names = None
        inputs = [_single(s, opdef.name) for s in pos]
    else:
        in_names = opdef.list_inputs(attrs)
        slots = dict(zip(in_names, input_slots(opdef, attrs, pos, named)))
        inputs = []
        for nm in in_names:
            s = slots.get(nm)
            # MXNet's FSetInputVarAttrOnCompose: the initializer of a variable input (created
            # here or given) that has none, e.g. BatchNorm's moving_var, PReLU's gamma
            init = _AUX_VAR_INIT.get(nm) if nm in opdef.aux_names(attrs) else \
                _INPUT_VAR_INIT.get((opdef.name, nm))
            if s is None:
                vd = dict(dct)
                if init is not None:
                    vd['__init__'] = init
                inputs.append((Node(None, '%s_%s' % (name, nm), None, vd, []), 0))
            else:
                e = _single(s, opdef.name)
                if init is not None and e[0].op is None and '__init__' not in e[0].dict:
                    e[0].dict['__init__'] = init
                inputs.append(e)
    node = Node(opdef, name, attrs, dct, inputs)
    return Symbol([(node, i) for i in range(node.num_outputs())])


# initializers MXNet gives a non-auxiliary variable input when composing (LeakyReLU's gamma)
_INPUT_VAR_INIT = {('LeakyReLU', 'gamma'): '["Constant", {"value": 0.25}]'}


def _is_sym(v):
    return isinstance(v, Symbol)


def create(func_name, *syms, **params):
    """Create an op symbol by registry name, as the arithmetic operators of Symbol do."""
    opdef = _get_op(func_name)
    pos, named, params = split_call(opdef, syms, params, _is_sym)
    return _build(opdef, func_name.lower(), None, None, pos, named, params)


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split ``ary`` along ``axis`` into ``indices_or_sections`` equal parts (an int) or at
    the given indices (a tuple of ints); a symbol with one output per part."""
    if isinstance(indices_or_sections, int):
        return create('_split_v2', ary, indices=[], axis=axis, squeeze_axis=squeeze_axis,
                      sections=indices_or_sections)
    if isinstance(indices_or_sections, tuple):
        return create('_split_v2', ary, indices=[0] + list(indices_or_sections), axis=axis,
                      squeeze_axis=squeeze_axis, sections=0)
    raise ValueError('indices_or_sections must either int or tuple of ints')


# -- constructors ---------------------------------------------------------------------------
def Variable(name, attr=None, shape=None, lr_mult=None, wd_mult=None, dtype=None, init=None,
             stype=None, **kwargs):
    """Create a symbolic variable (a graph input) called ``name``.

    Parameters
    ----------
    name : str
        The variable's name.
    attr : dict of str to str, optional
        Extra attributes (merged over the current ``mx.AttrScope``).
    shape : tuple, optional
        The shape, used by shape inference (stored as ``__shape__``).
    lr_mult, wd_mult : float, optional
        Learning-rate and weight-decay multipliers (``__lr_mult__``, ``__wd_mult__``).
    dtype : str or numpy dtype, optional
        The dtype, used by type inference (``__dtype__``, MXNet's type flag).
    init : Initializer or str, optional
        Initializer for the variable (``__init__``, the initializer's JSON).
    stype : str, optional
        Storage type: 'default', 'row_sparse' or 'csr' (``__storage_type__``).
    **kwargs
        More attributes, each named ``__name__``.
    """
    if not isinstance(name, str):
        raise TypeError('Expect a string for variable `name`')
    attr = dict(_attribute.current().get(attr))
    if shape is not None:
        attr['__shape__'] = str(shape)
    if lr_mult is not None:
        attr['__lr_mult__'] = str(lr_mult)
    if wd_mult is not None:
        attr['__wd_mult__'] = str(wd_mult)
    if dtype is not None:
        try:
            attr['__dtype__'] = str(_DTYPE_NP_TO_MX[np.dtype(dtype)])
        except (KeyError, TypeError):
            raise MXNetError('Variable %s: unsupported dtype %r' % (name, dtype)) from None
    if init is not None:
        if not isinstance(init, str):
            init = init.dumps()
        attr['__init__'] = init
    if stype is not None:
        if stype not in _STYPE_ID:
            raise MXNetError('Variable %s: unknown storage type %r' % (name, stype))
        attr['__storage_type__'] = str(_STYPE_ID[stype])
    for k, v in kwargs.items():
        if k.startswith('__') and k.endswith('__'):
            attr[k] = str(v)
        else:
            raise ValueError('Attribute name=%s is not supported. Additional attributes must '
                             'start and end with double underscores, e.g, __yourattr__' % k)
    for v in attr.values():
        if not isinstance(v, str):
            raise ValueError('Set Attr only accepts string values')
    node = Node(None, name, None, {_hidden_key(k): v for k, v in attr.items()}, [])
    return Symbol([(node, 0)])


var = Variable


def Group(symbols):
    """One symbol whose outputs are the outputs of ``symbols``, in order."""
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError('Expected a list of symbols as input')
    heads = []
    for s in symbols:
        heads.extend(s._heads)
    return Symbol(heads)


def load(fname):
    """Load a symbol from an MXNet JSON file (``prefix-symbol.json``)."""
    if not isinstance(fname, str):
        raise TypeError('fname need to be string')
    text = read_file(fname)
    try:
        return load_json(text)
    except MXNetError as e:  # say which file is malformed
        raise MXNetError('Symbol file %s: %s' % (fname, e)) from None


def load_json(json_str):
    """Load a symbol from MXNet JSON text (any 1.x version)."""
    if not isinstance(json_str, str):
        raise TypeError('fname required to be string')
    return Symbol(from_json(json_str))
