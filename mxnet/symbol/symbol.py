"""The Symbol graph (``mx.sym.Symbol``).

A graph node is a :class:`_Node`: the registry ``OpDef`` (None for a variable), a name, the
parsed frozen attributes, the string attribute dict MXNet shows (operator parameters as the
user gave them plus ``__hidden__`` attributes such as ``__shape__`` or ``__ctx_group__``) and its
inputs as ``(node, output_index)`` pairs. A :class:`Symbol` is a list of such pairs, its heads.

Shape inference uses each operator's ``infer_shape`` hook for learnable inputs (weights,
moving statistics) and runs the forward on torch ``meta`` tensors for output shapes, repeating
to a fixed point; dtype inference works the same way.
"""
import warnings

import numpy as np
import torch

from ..base import (MXNetError, NotImplementedForSymbol, _DTYPE_NP_TO_MX, _DTYPE_MX_TO_NP,
                    numeric_types)
from .. import attribute as _attribute
from .._ops.params import Shape as _parse_shape

__all__ = ['Symbol', 'Variable', 'var', 'Group', 'load', 'load_json']

# attributes MXNet stores as __key__ and also lists under the plain key
HIDDEN_KEYS = ('ctx_group', 'lr_mult', 'wd_mult', 'force_mirroring', 'mirror_stage',
               'profiler_scope')
_STYPE_ID = {'undefined': -1, 'default': 0, 'row_sparse': 1, 'csr': 2}


# initializers MXNet attaches to auxiliary variables it creates
_AUX_VAR_INIT = {'moving_mean': '["zero", {}]', 'moving_var': '["one", {}]',
                 'moving_avg': '["zero", {}]'}


class _Node:
    """One graph node; ``op`` is None for a variable."""
    __slots__ = ('op', 'name', 'attrs', 'dict', 'inputs', 'versions')

    def __init__(self, op, name, attrs, dct, inputs, versions=None):
        self.op = op
        self.name = name
        self.attrs = attrs
        self.dict = dct
        self.inputs = inputs
        self.versions = versions   # input entry versions read from JSON (None: computed)

    def input_names(self):
        if self.op is None:
            return []
        return self.op.list_inputs(self.attrs, len(self.inputs))

    def output_names(self):
        if self.op is None:
            return [self.name]
        op = self.op
        names = op.list_outputs(self.attrs)
        if op.indexed_output_name and names == ['output']:
            names = ['output0']
        if not self.name:   # an atomic symbol's node
            return list(names)
        return ['%s_%s' % (self.name, o) for o in names]

    def num_outputs(self):
        return 1 if self.op is None else self.op.n_out(self.attrs)

    def total_outputs(self):
        """Outputs counted in JSON's node_row_ptr (hidden ones included)."""
        return 1 if self.op is None else self.op.n_total(self.attrs)


def _hidden_key(k):
    return '__%s__' % k if k in HIDDEN_KEYS else k


def _topo(heads):
    """Nodes reachable from heads in MXNet's DFS post-order (inputs first, in order)."""
    order, seen = [], set()
    for h, _ in heads:
        if id(h) in seen:
            continue
        seen.add(id(h))
        stack = [(h, iter(h.inputs))]
        while stack:
            n, it = stack[-1]
            for c, _ in it:
                if id(c) not in seen:
                    seen.add(id(c))
                    stack.append((c, iter(c.inputs)))
                    break
            else:
                stack.pop()
                order.append(n)
    return order


def _aux_ids(order):
    aux = set()
    for n in order:
        names = n.op.aux_names(n.attrs) if n.op is not None else ()
        if names:
            for nm, (c, _) in zip(n.input_names(), n.inputs):
                if nm in names and c.op is None:
                    aux.add(id(c))
    return aux


def _fmt_shape(s):
    return '[%s]' % ','.join(str(d) for d in s)


def _shape_known(s):
    return s is not None and all(d > 0 for d in s)


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
        return _topo(self._heads)

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
        return Symbol(_clone_heads(self._heads, {}))

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
        aux = _aux_ids(order)
        return [n.name for n in order if n.op is None and id(n) not in aux]

    def list_auxiliary_states(self):
        """Names of auxiliary-state variables (e.g. BatchNorm's moving_mean, moving_var)."""
        order = self._order()
        aux = _aux_ids(order)
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
                       (_Node(None, '%s_%s' % (node.name, nm), None, {}, []), 0)
                       for nm in in_names]

    def _gen_atomic_symbol(self):
        """The head operator alone, without inputs and unnamed: composing it (calling it with
        input symbols) makes a new node with the same parameters."""
        n = self._heads[0][0]
        if n.op is None:
            raise MXNetError('Cannot generate an atomic symbol from a variable')
        node = _Node(n.op, '', n.attrs, dict(n.dict), [])
        return Symbol([(node, i) for i in range(node.num_outputs())])

    # -- arithmetic -------------------------------------------------------------------------
    def _binary(self, other, op, scalar_op, rscalar_op=None, reverse=False):
        from . import register as _reg
        if isinstance(other, Symbol):
            a, b = (other, self) if reverse else (self, other)
            return _reg.create(op, a, b)
        if isinstance(other, numeric_types):
            return _reg.create(rscalar_op if reverse else scalar_op, self, scalar=other)
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
        from . import register as _reg
        return _reg.create('abs', self)

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
        from . import register as _reg
        return _reg.create('Cast', self, dtype=dtype)

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
                        if not s or not _shape_known(s)]
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
        shapes = _infer_shapes(order, given, {})
        return _collect(self, order, shapes, partial, _shape_known, ())

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
        shapes = _infer_shapes(order, _given_values(self, order, (), {}, 'shape'), {},
                               quiet=True)
        types = _infer_types(order, given, shapes)
        res = _collect(self, order, types, partial, lambda t: t is not None, None)
        if res[0] is None:
            return res
        return tuple([None if t is None else np.dtype(t).type for t in lst] for lst in res)

    # -- serialization ----------------------------------------------------------------------
    def tojson(self, remove_amp_cast=True):
        """The graph as MXNet 1.x JSON (nodes, arg_nodes, node_row_ptr, heads, attrs)."""
        from .json_io import to_json
        return to_json(self, remove_amp_cast)

    def save(self, fname, remove_amp_cast=True):
        """Write :meth:`tojson` to ``fname`` (e.g. ``prefix-symbol.json``)."""
        if not isinstance(fname, str):
            raise TypeError('fname need to be string')
        from .json_io import write_file
        write_file(fname, self.tojson(remove_amp_cast))

    def debug_str(self):
        """A text listing of the graph's outputs, variables and operator nodes."""
        order = self._order()
        aux = _aux_ids(order)
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
        if _aux_ids(order):
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
        vals = {}
        in_ptrs = set()
        prev = _state.state.training
        from .._cached_op import _dynamic_nodes, concrete_attrs
        dyn = _dynamic_nodes(order)
        override = {}
        variables = [n for n in order if n.op is None]
        if dyn and all(isinstance(kwargs.get(n.name), NDArray) for n in variables):
            # creation nodes with 0s in their shape (the legacy RNN cells' begin_state
            # zeros((0, H))) take their size from shape inference, as when MXNet binds
            override = concrete_attrs(order, dyn, [kwargs[n.name].shape for n in variables],
                                      'eval')
        for n in order:
            if n.op is None:
                if n.name not in kwargs:
                    raise ValueError('key `%s` is missing in `args`' % n.name)
                a = kwargs[n.name]
                if not isinstance(a, NDArray):
                    raise TypeError('Only accept list of NDArrays or dict of str to NDArray')
                t = a._data if dev is None else a._data.to(dev)
                in_ptrs.add(t.untyped_storage().data_ptr())
                vals[(id(n), 0)] = t
                continue
            tensors = [vals[(id(c), i)] for c, i in n.inputs]
            try:
                _state.state.training = False
                res = n.op.compute(override.get(id(n), n.attrs), tensors)
            finally:
                _state.state.training = prev
            if isinstance(res, torch.Tensor):
                res = (res,)
            for i, r in enumerate(res):
                vals[(id(n), i)] = r
        outs = []
        for n, i in self._heads:
            t = vals[(id(n), i)]
            if t.untyped_storage().data_ptr() in in_ptrs:
                t = t.clone()
            outs.append(_wrap(t, None if ctx is None else ctx._tag))
        return outs

    def copy(self):
        """A shallow copy (the same graph nodes)."""
        return self.__copy__()

    def split_v2(self, *args, **kwargs):
        """Convenience fluent method for :py:func:`split_v2`."""
        from . import split_v2
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


def _clone_heads(heads, memo):
    order = _topo(heads)
    for n in order:
        memo[id(n)] = _Node(n.op, n.name, n.attrs, dict(n.dict),
                            [(memo[id(c)], i) for c, i in n.inputs], n.versions)
    return [(memo[id(n)], i) for n, i in heads]


# -- inference helpers ----------------------------------------------------------------------
def _given_values(sym, order, args, kwargs, kind):
    """{id(var node): value} from positional args, keyword args and the vars' attributes."""
    variables = [n for n in order if n.op is None]
    aux = _aux_ids(order)
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
    aux = _aux_ids(order)
    variables = [n for n in order if n.op is None]
    arg = [vals.get((id(n), 0)) for n in variables if id(n) not in aux]
    auxv = [vals.get((id(n), 0)) for n in variables if id(n) in aux]
    out = [vals.get((id(n), i)) for n, i in sym._heads]
    if not partial:
        if not all(known(v) for v in arg + auxv + out):
            return (None, None, None)
    fix = (lambda v: empty if v is None else v)
    return ([fix(v) for v in arg], [fix(v) for v in out], [fix(v) for v in auxv])


def _meta_run(node, shapes, dtypes):
    """Run node's forward on meta tensors (real zeros when meta is unsupported).

    Small inputs (up to 2**20 elements in all) run on real zeros first: many of torch's meta
    kernels are Python registrations whose first use imports torch's symbolic-shape stack
    (sympy; about 0.5 s, e.g. in a hybridized network's first call), while a tiny real
    forward costs microseconds. Ops that fail on zeros (a Cholesky of zeros, ...) go on to
    meta; the RNG state is kept, so sampling ops do not move the random stream."""
    op = node.op
    if getattr(op, 'infer_outputs', None) is not None:   # the op knows (Custom's Prop)
        return op.infer_outputs(node.attrs, shapes, dtypes)
    total = sum(int(np.prod(s, dtype=np.int64)) for s in shapes)
    for device in (('cpu', 'meta') if total <= (1 << 20) else ('meta', 'cpu')):
        tensors = []
        for s, d in zip(shapes, dtypes):
            dt = torch.float32 if d is None else _torch_dtype(d)
            if device == 'cpu':
                if int(np.prod(s, dtype=np.int64)) > (1 << 22):
                    return None
                tensors.append(torch.zeros(s, dtype=dt))
            else:
                tensors.append(torch.empty(s, dtype=dt, device='meta'))
        try:
            if device == 'cpu':
                with torch.no_grad(), torch.random.fork_rng(devices=[]):
                    res = op.fn(node.attrs, *tensors)
            else:
                with torch.no_grad():
                    res = op.fn(node.attrs, *tensors)
        except MXNetError as e:
            err = e
            continue
        except Exception as e:  # noqa: BLE001 (torch raises many types on meta tensors)
            err = e
            continue
        if isinstance(res, torch.Tensor):
            res = (res,)
        return [(tuple(r.shape), np.dtype(str(r.dtype).replace('torch.', ''))
                 if r.dtype != torch.bool else np.dtype(np.bool_)) for r in res]
    if any(d is None for d in dtypes[1:]):
        # shapes do not depend on dtypes in MXNet: an op that wants integer indices
        # (batch_take) is tried again with int32 for the inputs of unknown dtype after the data
        again = _meta_run(node, shapes, [dtypes[0]] + [np.dtype(np.int32) if d is None else d
                                                       for d in dtypes[1:]])
        if not isinstance(again, Exception):
            return again
    return err


def _torch_dtype(d):
    return getattr(torch, np.dtype(d).name)


def _shape_error(node, msg):
    return MXNetError('Error in operator %s: %s' % (node.name, msg))


def _infer_shapes(order, given, dtypes, quiet=False):
    """{(id(node), out_index): shape} for every entry that can be inferred."""
    shp = {}
    ran = {}   # id(node) -> the input shapes of its last forward (meta) run
    for n in order:
        if n.op is None and id(n) in given:
            shp[(id(n), 0)] = given[id(n)]
    for _ in range(20):
        changed = False
        for n in order:
            if n.op is None:
                continue
            keys = [(id(c), i) for c, i in n.inputs]
            ins = [shp.get(k) for k in keys]
            op = n.op
            rule = op.shape_rule
            if (rule == 'same' or rule == 'where') and ins:
                # MXNet unifies these inputs (and the output) dim by dim: a 0 is unknown and
                # is filled from the others (the legacy RNN cells' begin_state zeros((0, H)))
                same = range(len(ins)) if rule != 'where' else [1, 2]
                ref = None
                for j in same:
                    s = ins[j]
                    if s is None:
                        continue
                    m = _merge_shape(ref, s)
                    if m is None:
                        if quiet or rule == 'where':
                            continue
                        raise _shape_error(n, 'Incompatible attr in node %s at %d-th input: '
                                           'expected %s, got %s'
                                           % (n.name, j, _fmt_shape(ref), _fmt_shape(s)))
                    ref = m
                out_key = (id(n), 0)
                if out_key in shp:
                    # a known output shape flows back to the inputs (a cast weight's shape
                    # from the Convolution it feeds)
                    ref = shp[out_key] if ref is None else \
                        (_merge_shape(ref, shp[out_key]) or ref)
                if ref is not None:
                    if rule == 'where' and ins[0] is not None and len(ins[0]) == len(ref):
                        same = [0, 1, 2]
                    for j in same:
                        s = ins[j]
                        if s != ref and (s is None or _merge_shape(s, ref) == ref):
                            shp[keys[j]] = ins[j] = ref
                            changed = True
                    if out_key in shp and shp[out_key] != ref and \
                            _merge_shape(shp[out_key], ref) == ref:
                        shp[out_key] = ref
                        changed = True
            elif op.batch_from_output is not None and ins and ins[0] is not None and \
                    not _shape_known(ins[0]) and (id(n), 0) in shp:
                # as MXNet's FullyConnected / Convolution shape functions: an unknown batch
                # size of the data is taken from a known output
                out, d = shp[(id(n), 0)], list(ins[0])
                lead = op.batch_from_output
                if callable(lead):
                    lead = lead(n.attrs, out)
                for k in range(min(lead, len(d), len(out))):
                    if d[k] == 0 and out[k] > 0:
                        d[k] = out[k]
                if tuple(d) != ins[0]:
                    shp[keys[0]] = ins[0] = tuple(d)
                    changed = True
            if op.infer_shape is not None and ins and ins[0] is not None and \
                    any(s is None or not _shape_known(s) for s in ins[1:]):
                # partial shapes (0 = unknown dim, e.g. Gluon's deferred (4, 0, 3, 3)) are
                # filled from the hook's answer where the known dims agree
                hint = [ins[0]] + [s if _shape_known(s) else None for s in ins[1:]]
                filled = op.infer_shape(n.attrs, hint)
                for j, s in enumerate(filled[:len(ins)]):
                    if j == 0 or s is None or hint[j] is not None:
                        continue
                    s = tuple(s)
                    old = ins[j]
                    if old is not None and (len(old) != len(s) or any(
                            a != b for a, b in zip(old, s) if a > 0)):
                        if quiet:
                            continue
                        raise _shape_error(n, 'Shape inconsistent, Provided = %s, inferred '
                                           'shape=(%s)' % (_fmt_shape(old), ','.join(map(str, s))))
                    if old != s:
                        shp[keys[j]] = ins[j] = s
                        changed = True
            if op.shape_from_output is not None and ins and (id(n), 0) in shp and \
                    not _shape_known(ins[0]):
                # as MXNet's transpose / Reshape shape functions: a known output gives the
                # data's unknown dims
                m = op.shape_from_output(n.attrs, ins[0], shp[(id(n), 0)])
                m = _merge_shape(ins[0], m) if m is not None else None
                if m is not None and m != ins[0]:
                    shp[keys[0]] = ins[0] = m
                    changed = True
            if (rule == 'unary' or rule == 'like_data') and ins and (id(n), 0) in shp:
                # output shape = data shape both ways: a known output fills the data
                m = _merge_shape(ins[0], shp[(id(n), 0)])
                if m is not None and m != ins[0]:
                    shp[keys[0]] = ins[0] = m
                    changed = True
            if any(s is None for s in ins):
                continue
            if not ins and not getattr(n.attrs, 'shape', None) and _creation_unknown(n):
                continue  # a legacy shape (): unknown until a consumer fills it
            if (id(n), 0) in shp and id(n) in ran:
                # run again only when inputs were refined since and some output is partial
                # (a node whose output a consumer filled runs once, to check it)
                if ran[id(n)] == ins or all(
                        _shape_known(shp.get((id(n), i))) for i in range(n.num_outputs())):
                    continue
            ran[id(n)] = list(ins)
            if op.infer_shape is not None and ins and not quiet and \
                    not getattr(op, 'fill_only', False):
                ref = op.infer_shape(n.attrs, [ins[0]] + [None] * (len(ins) - 1))
                for j in range(1, len(ins)):
                    if j < len(ref) and ref[j] is not None and tuple(ref[j]) != ins[j] and \
                            _shape_known(ins[j]) and _shape_known(ins[0]):
                        raise _shape_error(n, 'Shape inconsistent, Provided = %s, inferred '
                                           'shape=(%s)' % (_fmt_shape(ins[j]),
                                                           ','.join(map(str, ref[j]))))
            if (rule == 'like_data' or rule == 'same') and n.num_outputs() == 1:
                # output shape = data shape; skips the meta run (the first meta call of
                # some torch ops imports torch._dynamo, about a second)
                new = _merge_shape(shp.get((id(n), 0)), ins[0]) or ins[0]
                if shp.get((id(n), 0)) != new:
                    shp[(id(n), 0)] = new
                    changed = True
                continue
            res = _meta_run(n, ins, [dtypes.get(k) for k in keys])
            if isinstance(res, Exception):
                if quiet or not all(_shape_known(s) for s in ins):
                    continue
                if isinstance(res, MXNetError):
                    raise _shape_error(n, str(res))
                raise _shape_error(n, '%s (input shapes: %s)' % (
                    str(res).strip().split('\n')[0], ', '.join(_fmt_shape(s) for s in ins)))
            if res is None:
                continue
            for i, (s, _) in enumerate(res):
                new = _merge_shape(shp.get((id(n), i)), s) or s
                if shp.get((id(n), i)) != new:
                    shp[(id(n), i)] = new
                    changed = True
        if not changed:
            break
    return shp


def _creation_unknown(n):
    from .._cached_op import creation_shape_unknown
    return creation_shape_unknown(n)


def _merge_shape(a, b):
    """Shapes a and b (0 = unknown dim, None = unknown shape) merged; None if they disagree."""
    if a is None:
        return b
    if b is None or a == b:
        return a
    if len(a) != len(b):
        return None
    out = []
    for x, y in zip(a, b):
        if x > 0 and y > 0 and x != y:
            return None
        out.append(x if x > 0 else y)
    return tuple(out)


def _expected_dtypes(node, ref):
    """The dtype each input of node must have given the data dtype ref (None: any)."""
    op = node.op
    names = node.input_names()
    if op.input_dtypes is not None:
        return op.input_dtypes(node.attrs, ref, len(names))
    if op.infer_shape is not None or op.shape_rule == 'same':
        return [ref] * len(names)
    return [None] * len(names)


def _attr_dtype(n):
    """The node's ``dtype`` parameter as a numpy dtype, or None."""
    dt = getattr(n.attrs, 'dtype', None)
    if isinstance(dt, str):
        if dt in ('None', ''):
            return None
    elif dt is None or isinstance(dt, np.dtype):
        return dt
    try:
        return np.dtype(dt)
    except TypeError:
        return None


def _infer_types(order, given, shapes):
    typ = {}
    for n in order:
        if n.op is None and id(n) in given:
            typ[(id(n), 0)] = given[id(n)]
    for _ in range(20):
        changed = False
        for n in order:
            if n.op is None:
                continue
            keys = [(id(c), i) for c, i in n.inputs]
            ins = [typ.get(k) for k in keys]
            op = n.op
            ref = ins[0] if ins and ins[0] is not None else \
                next((t for t in ins if t is not None), None)
            if ref is not None:
                expect = _expected_dtypes(n, ref)
                for j, t in enumerate(ins):
                    e = expect[j]
                    if t is None:
                        typ[keys[j]] = ins[j] = e if e is not None else ref
                        changed = True
                    elif e is not None and t != e and \
                            (op.infer_shape is not None or op.shape_rule == 'same'):
                        raise MXNetError('Error in operator %s: Incompatible attr in node %s at '
                                         '%d-th input: expected %s, got %s'
                                         % (n.name, n.name, j, e.name, t.name))
            if (id(n), 0) not in typ and isinstance(op.output_dtype, str):   # 'param'
                # a cast's output dtype is its parameter, whatever its input's
                dt = _attr_dtype(n)
                if dt is not None:
                    typ[(id(n), 0)] = dt
                    changed = True
            if any(t is None for t in ins) or (id(n), 0) in typ:
                continue
            in_shapes = [shapes.get(k) for k in keys]
            res = None
            if all(s is not None for s in in_shapes):
                res = _meta_run(n, in_shapes, ins)
                if isinstance(res, Exception):
                    res = None
            if res is not None:
                outs = [t for _, t in res]
            elif isinstance(op.output_dtype, np.dtype):
                outs = [op.output_dtype]
            else:
                dt = _attr_dtype(n)
                if dt is None and ref is not None:
                    dt = ref
                if dt is None:
                    continue
                outs = [dt] * n.num_outputs()
            for i, t in enumerate(outs):
                typ[(id(n), i)] = t
            changed = True
        if not changed:
            break
    return typ


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
    node = _Node(None, name, None, {_hidden_key(k): v for k, v in attr.items()}, [])
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
    from .json_io import read_file
    text = read_file(fname)
    try:
        return load_json(text)
    except MXNetError as e:  # say which file is malformed
        raise MXNetError('Symbol file %s: %s' % (fname, e)) from None


def load_json(json_str):
    """Load a symbol from MXNet JSON text (any 1.x version)."""
    if not isinstance(json_str, str):
        raise TypeError('fname required to be string')
    from .json_io import from_json
    return Symbol(from_json(json_str))
