"""``mx.sym.contrib``: the contrib operators (generated from the registry into this module by
``mx.sym``) and MXNet's symbolic control flow: :func:`foreach`, :func:`while_loop`,
:func:`cond`.

Each builds one ``_foreach`` / ``_while_loop`` / ``_cond`` node (run by
``_ops/control_flow.py``) the way MXNet 1.9.1 builds it, so graphs, names and JSON are MXNet's:

1. The user's function is called on fresh variables inside ``AttrScope(__subgraph_name__=N)``,
   N unique per call (``foreach0``, ``outer$while_loop_func0`` when nested); the nodes it makes
   carry N. Variables are named after the Symbol they stand for, ``'<name>-<output index>'``.
2. The results become the subgraph's heads; a head that is an input of the subgraph, was made
   outside it (or, for foreach's states, repeats an output) goes through an ``identity`` node,
   so every head is a node of the subgraph.
3. Inputs that subgraph nodes take from nodes outside it are cut: replaced, in place, by a
   variable named after that outside output, which becomes an input of the control-flow node.
4. The node's inputs are the loop data, the states and what was cut (or, for while_loop and
   cond, the union of their subgraphs' inputs); ``*_locs`` parameters say where each sits
   among a subgraph's inputs.
"""
import copy
from collections import defaultdict

from ..attribute import AttrScope
from .. import attribute as _attribute
from .. import name as _name
from .. import _nested
from .._graph import Node, topo, bind_subgraphs
from .._ops.registry import get as _get_op
from .json_io import _hidden_key
from .symbol import Symbol, Group, var, create

__all__ = ['foreach', 'while_loop', 'cond']

_SUBG = '__subgraph_name__'
if not hasattr(AttrScope, '_subgraph_names'):
    # how many subgraphs each name has had (MXNet keeps the counters on AttrScope, where
    # tests reset them)
    AttrScope._subgraph_names = defaultdict(int)


# -- nested lists of Symbols (mxnet/_nested.py) ---------------------------------------------------
def _symbol_width(x):
    if isinstance(x, Symbol):
        n = len(x.list_outputs())
        return n if n > 1 else 0
    return None


def _flat(x, what):
    """(flat list of Symbols, layout); a Symbol of several outputs stays one item."""
    def fail(v):
        raise AssertionError('%s must be (nested) list of Symbol, but got %s of type %s'
                             % (what, str(v), str(type(v))))
    return _nested.flatten(x, _symbol_width, fail)


def _check_list(layout, items):
    if not isinstance(layout, int) and not isinstance(items, (list, tuple)):
        raise AssertionError('output must be (nested) list of Symbol, but got %s of type %s'
                             % (str(items), str(type(items))))


def _nest(items, layout):
    """Inverse of :func:`_flat`: (the nested structure, the items left over)."""
    return _nested.regroup(items, layout, _check_list)


def _require(items, kind, msg):
    if not all(isinstance(i, kind) for i in (items if isinstance(items, list) else [items])):
        raise AssertionError(msg)


# -- subgraphs -----------------------------------------------------------------------------------
def _slot_name(sym):
    """The name of the variable standing for ``sym`` inside a subgraph."""
    index = sym._heads[0][1] if len(sym._heads) == 1 else None
    return '%s-%s' % (sym.name, index)


def _unique_name(base):
    """A fresh subgraph name: ``base`` numbered, under the enclosing subgraph's name."""
    outer = _attribute.current()._attr.get(_SUBG, '')
    if outer:
        base = outer + '$' + base
    n = AttrScope._subgraph_names[base]
    AttrScope._subgraph_names[base] = n + 1
    return base + str(n)


def _seal(heads, name, n_out=None):
    """The subgraph over ``heads``: a head that is one of its inputs or was made outside
    subgraph ``name`` is passed through an identity node (so every head is a node of the
    subgraph); with ``n_out`` (foreach: the first ``n_out`` heads are outputs, the rest
    states), so is a state that has an output's name."""
    inputs = set(Group(list(heads)).list_inputs())
    out_names = {h.name for h in heads[:n_out]} if n_out is not None else set()
    sealed = []
    for k, h in enumerate(heads):
        if h.name in inputs or h.list_attr().get(_SUBG, '') != name or \
                (n_out is not None and k >= n_out and h.name in out_names):
            h = create('identity', h)
        sealed.append(h)
    return Group(sealed)


def _variables(graph):
    """The subgraph's variables, as Symbols, by name."""
    return {n.name: Symbol([(n, 0)]) for n in topo(graph._heads) if n.op is None}


def _cut(graph):
    """Replace, in place, every input that a node of the subgraph takes from a node outside
    it by a variable named after that outside output; returns those outside outputs."""
    name = graph._heads[0][0].dict.get(_SUBG)
    if name is None:
        return []
    made, outside = {}, []
    for n in topo(graph._heads):
        if n.op is None or n.dict.get(_SUBG) != name:
            continue
        for j, (src, i) in enumerate(n.inputs):
            if src.dict.get(_SUBG) == name:
                continue
            entry = Symbol([(src, i)])
            key = entry.list_outputs()[0]
            if key not in made:
                made[key] = Node(None, key, None, {}, [])
                outside.append(entry)
            n.inputs[j] = (made[key], 0)
    return outside


def _in_subgraph(name, make_vars, fn):
    """Call ``fn(*make_vars())`` inside subgraph ``name``; returns what it returns."""
    with AttrScope(__subgraph_name__=name):
        return fn(*make_vars())


def _union(graphs, named, by_name=False):
    """The control-flow node's inputs for subgraphs ``graphs``: each subgraph input is the
    Symbol ``named`` gives for its name (``by_name``: also an input an earlier subgraph
    brought, by that Symbol's name), else the outside output cut for it, else a copy of the
    variable made inside; each Symbol once. Returns (inputs, [locations per graph],
    [input names per graph])."""
    inputs, where, locs, names = [], {}, [], []
    for g in graphs:
        lookup = dict(named)
        if by_name:
            lookup.update((s.name, s) for s in inputs)
        cut = {s.list_outputs()[0]: s for s in _cut(g)}
        own = _variables(g)
        g_names = _unique_inputs(g)
        g_locs = []
        for nm in g_names:
            if nm not in own:
                raise AssertionError("The input variable %s can't be found in graph inputs"
                                     % nm)
            sym = lookup.get(nm)
            if sym is None:
                sym = cut.get(nm)
            if sym is None:
                sym = copy.deepcopy(own[nm])
            if id(sym) not in where:
                where[id(sym)] = len(inputs)
                inputs.append(sym)
            g_locs.append(where[id(sym)])
        locs.append(g_locs)
        names.append(g_names)
    return inputs, locs, names


def _unique_inputs(graph):
    names = graph.list_inputs()
    if len(set(names)) != len(names):
        raise AssertionError("The inputs of the subgraph don't have unique names: "
                             + str(names))
    return names


def _node(opname, graphs, inputs, params):
    """One control-flow node over subgraphs ``graphs`` with ``inputs`` (Symbols), under the
    current name and attribute scopes; returns the Symbol of all its outputs."""
    op = _get_op(opname)
    params = dict(params, num_args=len(graphs) + len(inputs))
    strs = {k: ('[' + ', '.join(str(int(x)) for x in v) + ']')
            if isinstance(v, (list, tuple)) else str(v) for k, v in params.items()}
    attrs = op.parse_attrs(strs)
    for k, v in _attribute.current().get(None).items():
        strs[_hidden_key(k)] = v
    entries = []
    for s in inputs:
        if len(s._heads) != 1:
            raise AssertionError('%s: each input must be a single-output Symbol' % opname)
        entries.append(s._heads[0])
    node = Node(op, _name.current().get(None, opname.lower()), attrs, strs, entries,
                subgraphs=[list(g._heads) for g in graphs])
    bind_subgraphs(node)
    return Symbol([(node, i) for i in range(node.num_outputs())])


def _outputs(node_sym, start, stop):
    return [node_sym[i] for i in range(start, stop)]


# -- the three operators -------------------------------------------------------------------------
def foreach(body, data, init_states, name="foreach"):
    """A for loop over axis 0 of ``data`` (a Symbol or a nested list of Symbols):
    ``out, states = body(data[i], states)`` per step; returns the step outputs stacked on a
    new axis 0 and the final states, in the structures ``body`` returns (MXNet's
    ``mx.sym.contrib.foreach``)."""
    data_items, data_layout = _flat(data, 'foreach input')
    _require(data_items, Symbol, 'data should be a symbol or a nested list of symbols')
    state_items, state_layout = _flat(init_states, 'foreach states')
    _require(state_items, Symbol, 'init_states should be a symbol or a nested list of symbols')
    sub = _unique_name(name)
    data_names = [_slot_name(s) for s in data_items]
    state_names = [_slot_name(s) for s in state_items]

    def make_vars():
        return (_nest([var(n) for n in data_names], data_layout)[0],
                _nest([var(n) for n in state_names], copy.deepcopy(state_layout))[0])

    def step(eles, states):
        outs, new_states = body(eles, states)
        outs, out_layout = _flat(outs, 'foreach output')
        new_states, layout = _flat(new_states, 'foreach loop_vars')
        if layout != state_layout:
            raise AssertionError('The input and output loop_vars have different format')
        _require(outs, Symbol, 'the output should be an NDArray or a nested list of NDArrays')
        _require(new_states, Symbol,
                 'the output states should be an NDArray or a nested list of NDArrays')
        graph = _seal(list(outs) + list(new_states), sub, n_out=len(outs))
        return graph, len(outs), len(new_states), out_layout
    graph, n_out, n_states, out_layout = _in_subgraph(sub, make_vars, step)

    cut = {s.list_outputs()[0]: s for s in _cut(graph)}
    own = _variables(graph)
    names = _unique_inputs(graph)
    data_locs, state_locs = [], []
    for nm in data_names:
        if nm not in names:
            raise AssertionError('the data arrays have to be used in the loop body')
        data_locs.append(names.index(nm))
    for nm in state_names:
        if nm not in names:
            raise AssertionError('the state arrays have to be used in the loop body')
        state_locs.append(names.index(nm))
    # the node's inputs: the data, the states, then the body's other inputs in its order
    inputs = list(data_items) + list(state_items)
    remain_locs = []
    for k, nm in enumerate(names):
        if nm not in own:
            raise AssertionError("The input variable %s can't be found in graph inputs: %s"
                                 % (nm, str(list(own))))
        if nm in cut:
            inputs.append(cut[nm])
        elif nm in data_names or nm in state_names:
            continue
        else:   # a variable made inside the body (a weight): the node takes a copy of it
            inputs.append(copy.deepcopy(own[nm]))
        remain_locs.append(k)
    total = n_out + n_states
    res = _node('_foreach', [graph], inputs, dict(
        num_outputs=total, num_out_data=n_out, in_state_locs=state_locs,
        in_data_locs=data_locs, remain_locs=remain_locs))
    return (_nest(_outputs(res, 0, n_out), out_layout)[0],
            _nest(_outputs(res, n_out, total), state_layout)[0])


def _python_scalar(value, kind, what):
    if hasattr(value, 'asscalar'):
        value = value.asscalar()
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ValueError('Cannot convert %s to python %s' % (what, kind.__name__)) from None


def while_loop(cond, func, loop_vars, max_iterations=None, name="while_loop"):
    """``while cond(*loop_vars)``, at most ``max_iterations`` (required) steps:
    ``step_output, loop_vars = func(*loop_vars)``; returns the step outputs stacked on a new
    axis 0 (``max_iterations`` rows) and the final loop variables (MXNet's
    ``mx.sym.contrib.while_loop``)."""
    var_items, var_layout = _flat(loop_vars, 'while loop_vars')
    _require(var_items, Symbol, 'loop_vars should be a symbol or a nested list of symbols')
    if max_iterations is None:
        raise ValueError('max_iterations should be specified')
    max_iterations = _python_scalar(max_iterations, int, 'max_iteration')
    if len(loop_vars) == 0:
        raise ValueError('loop_vars should contain at least one element')
    slot_names = [_slot_name(s) for s in var_items]

    def make_vars():
        return _nest([var(n) for n in slot_names], var_layout)[0]

    def build(base, fn):
        sub = _unique_name(base)

        def call(*vs):
            heads, n_data, layout = fn(list(vs))
            return _seal(heads, sub), n_data, layout
        return _in_subgraph(sub, make_vars, call)

    def cond_heads(vs):
        pred = cond(*vs)
        if not isinstance(pred, Symbol):
            raise ValueError('Return of cond must be a Symbol')
        return [pred], 0, None

    def func_heads(vs):
        out, new_vars = func(*vs)
        out = list(out) if isinstance(out, tuple) else ([] if out is None else out)
        new_vars = list(new_vars) if isinstance(new_vars, tuple) else \
            ([] if new_vars is None else new_vars)
        out, out_layout = _flat(out, 'while output')
        new_vars, _ = _flat(new_vars, 'while loop_vars')
        if len(new_vars) != len(vs):
            raise ValueError('The number of loop_vars should be consistent during the loop')
        return list(out) + list(new_vars), len(out), out_layout

    cond_g, _, _ = build(name + '_cond', cond_heads)
    func_g, n_out, out_layout = build(name + '_func', func_heads)
    inputs, (cond_locs, func_locs), (_, func_names) = _union(
        [cond_g, func_g], dict(zip(slot_names, var_items)))
    var_locs = []
    for k, nm in enumerate(slot_names, 1):
        if nm not in func_names:
            raise ValueError("The %d-th loop_var doesn't involve into the computation" % k)
        var_locs.append(func_names.index(nm))
    total = n_out + len(var_items)
    res = _node('_while_loop', [cond_g, func_g], inputs, dict(
        max_iterations=max_iterations, cond_input_locs=cond_locs, func_input_locs=func_locs,
        func_var_locs=var_locs, num_out_data=n_out, num_outputs=total))
    return (_nest(_outputs(res, 0, n_out), out_layout)[0],
            _nest(_outputs(res, n_out, total), var_layout)[0])


def cond(pred, then_func, else_func, name="cond"):
    """``then_func()`` if ``pred`` (a one-element Symbol) is true, else ``else_func()``, as
    one ``_cond`` node (MXNet's ``mx.sym.contrib.cond``)."""
    def build(base, fn):
        sub = _unique_name(base)

        def call():
            heads, layout = _flat(fn(), 'cond outputs')
            return _seal(heads, sub), len(heads), layout
        return _in_subgraph(sub, lambda: (), call)

    pred_g, n_pred, _ = build(name + '_pred', lambda: pred)
    if n_pred != 1:
        raise ValueError('pred should always be a single output')
    then_g, n_then, layout = build(name + '_then', then_func)
    else_g, n_else, _ = build(name + '_else', else_func)
    if n_then != n_else:
        raise ValueError('Number of outputs differs between then-branch and else-branch')
    inputs, (pred_locs, then_locs, else_locs), _ = _union([pred_g, then_g, else_g], {},
                                                          by_name=True)
    res = _node('_cond', [pred_g, then_g, else_g], inputs, dict(
        cond_input_locs=pred_locs, then_input_locs=then_locs, else_input_locs=else_locs,
        num_outputs=n_then))
    return _nest(_outputs(res, 0, n_then), layout)[0]
