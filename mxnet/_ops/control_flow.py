"""Control-flow operators: ``_foreach``, ``_while_loop``, ``_cond`` (MXNet's subgraph ops).

A node of these operators holds subgraphs (``Node.subgraphs`` in ``_graph``). The registered
``OpDef`` declares the parameters MXNet writes (``num_args`` counts the subgraphs too, as MXNet
does); a node gets its own copy of it bound to its subgraphs (:func:`bind`), whose forward runs
the loop. This module knows nothing of graphs: a bound subgraph is any object with
``run(tensors) -> tuple of tensors`` and ``infer(shapes, dtypes) -> [(shape, dtype)] or None``
(``_graph.Subgraph``), so gradients are torch's through every step the loop ran.

Semantics (MXNet 1.9.1's src/operator/control_flow.cc):

- ``_foreach(body, data..., states..., remains...)``: ``in_data_locs`` / ``in_state_locs`` /
  ``remain_locs`` are the positions of those inputs among the body's inputs; each step gets
  ``data[i]`` (axis 0); outputs: the first ``num_out_data`` body outputs stacked on a new
  axis 0, then the last states.
- ``_while_loop(cond, func, inputs...)``: ``cond_input_locs`` / ``func_input_locs`` pick each
  subgraph's inputs from the node's; ``func_var_locs[k]`` is where loop variable k sits among
  func's inputs; at most ``max_iterations`` steps while cond is true; step outputs stacked
  and padded with zeros to ``max_iterations`` rows, then the final loop variables.
- ``_cond(pred, then, else, inputs...)``: the branch chosen by the predicate's value.
"""
import copy

import numpy as np
import torch

from .registry import register, Param, OpError
from .params import Int, Shape

__all__ = ['bind', 'SUBGRAPH_OPS']


def _unbound(a, *tensors):
    raise OpError('control-flow operators run only as graph nodes holding their subgraphs '
                  '(mx.sym.contrib.foreach / while_loop / cond build them)')


_LOC = 'Positions of inputs in a subgraph'

def _reg(name, **params):
    register(name, inputs=(), variadic='num_args', monitor_indexed_inputs=True,
             num_args=Param(Int, 1, 'Number of input arguments, the subgraphs included.'),
             **params)(_unbound)


_reg('_foreach',
     num_outputs=Param(Int, 1, 'The number of outputs of the subgraph.'),
     num_out_data=Param(Int, 0, 'The number of output data of the subgraph.'),
     in_state_locs=Param(Shape, (), 'The locations of loop states among the inputs.'),
     in_data_locs=Param(Shape, (), 'The locations of input data among the inputs.'),
     remain_locs=Param(Shape, (), 'The locations of remaining data among the inputs.'))
_reg('_while_loop',
     num_outputs=Param(Int, 1, 'The number of outputs of the subgraph.'),
     num_out_data=Param(Int, 0, 'The number of outputs from the function body.'),
     max_iterations=Param(Int, 0, 'Maximum number of iterations.'),
     cond_input_locs=Param(Shape, (), _LOC + ' (cond).'),
     func_input_locs=Param(Shape, (), _LOC + ' (func).'),
     func_var_locs=Param(Shape, (), 'The locations of loop_vars among func\'s inputs.'))
_reg('_cond',
     num_outputs=Param(Int, 1, 'The number of outputs of the subgraph.'),
     cond_input_locs=Param(Shape, (), _LOC + ' (cond).'),
     then_input_locs=Param(Shape, (), _LOC + ' (then).'),
     else_input_locs=Param(Shape, (), _LOC + ' (else).'))

SUBGRAPH_OPS = {'_foreach': 1, '_while_loop': 2, '_cond': 3}


def _scalar(t, what):
    if t.numel() != 1:
        raise OpError('%s should be a scalar (one element), got shape %s'
                      % (what, tuple(t.shape)))
    return bool(t.reshape(()).item())


# -- forwards: (attrs, graphs, tensors) -> tuple of tensors -------------------------------------

def _foreach_body_inputs(a, n_sub, data, states, remains):
    ins = [None] * n_sub
    for loc, t in zip(a.in_data_locs, data):
        ins[loc] = t
    for loc, t in zip(a.in_state_locs, states):
        ins[loc] = t
    for loc, t in zip(a.remain_locs, remains):
        ins[loc] = t
    return ins


def _foreach(a, graphs, tensors):
    (body,) = graphs
    nd, ns = len(a.in_data_locs), len(a.in_state_locs)
    data, states, remains = tensors[:nd], list(tensors[nd:nd + ns]), tensors[nd + ns:]
    n_sub = nd + ns + len(a.remain_locs)
    if not data:
        raise OpError('_foreach: no input data to iterate over')
    length = data[0].shape[0]
    steps = []
    for i in range(length):
        outs = body.run(_foreach_body_inputs(a, n_sub, [d[i] for d in data], states, remains))
        steps.append(outs[:a.num_out_data])
        states = list(outs[a.num_out_data:])
    if length == 0:
        raise OpError('_foreach: the input data has length 0 on axis 0')
    stacked = [torch.stack(list(items)) for items in zip(*steps)]
    return tuple(stacked + states)


def _while_loop(a, graphs, tensors):
    cond_g, func_g = graphs
    inputs = list(tensors)
    func_locs = list(a.func_input_locs)
    var_pos = [func_locs[k] for k in a.func_var_locs]
    steps = []
    while len(steps) < a.max_iterations and \
            _scalar(cond_g.run([inputs[j] for j in a.cond_input_locs])[0],
                    'the loop condition'):
        outs = func_g.run([inputs[j] for j in func_locs])
        steps.append(outs[:a.num_out_data])
        new_vars = outs[a.num_out_data:]
        for p, t in zip(var_pos, new_vars):
            inputs[p] = t
    final = [inputs[p] for p in var_pos]
    if a.num_out_data == 0:
        return tuple(final)
    if not steps:
        # MXNet leaves the outputs uninitialised; their shapes come from inference
        res = func_g.infer([tuple(inputs[j].shape) for j in func_locs],
                           [np.dtype(str(inputs[j].dtype).replace('torch.', ''))
                            for j in func_locs])
        if res is None:
            raise OpError('_while_loop: the loop ran no step and the shapes of its outputs '
                          'cannot be inferred')
        dev = tensors[0].device
        stacked = [torch.zeros((a.max_iterations,) + tuple(s), dtype=_tdt(d), device=dev)
                   for s, d in res[:a.num_out_data]]
        return tuple(stacked + final)
    stacked = []
    for k, items in enumerate(zip(*steps)):
        shapes = {tuple(x.shape) for x in items}
        if len(shapes) != 1:
            raise OpError('_while_loop: the shapes of the %d-th step output differ between '
                          'steps: %s' % (k, sorted(shapes)))
        t = torch.stack(list(items))
        if len(items) < a.max_iterations:
            pad = torch.zeros((a.max_iterations - len(items),) + tuple(t.shape[1:]),
                              dtype=t.dtype, device=t.device)
            t = torch.cat([t, pad])
        stacked.append(t)
    return tuple(stacked + final)


def _cond(a, graphs, tensors):
    pred_g, then_g, else_g = graphs
    pred = _scalar(pred_g.run([tensors[j] for j in a.cond_input_locs])[0], 'pred')
    g, locs = (then_g, a.then_input_locs) if pred else (else_g, a.else_input_locs)
    outs = g.run([tensors[j] for j in locs])
    # an output that is one of the inputs is copied (never alias an input)
    return tuple(outs)


def _tdt(d):
    return torch.bool if d == np.bool_ else getattr(torch, np.dtype(d).name)


# -- shape / dtype inference ---------------------------------------------------------------------

def _infer_foreach(a, graphs, shapes, dtypes):
    (body,) = graphs
    nd, ns = len(a.in_data_locs), len(a.in_state_locs)
    n_sub = nd + ns + len(a.remain_locs)
    data_s = [tuple(s[1:]) for s in shapes[:nd]]
    sh = _foreach_body_inputs(a, n_sub, data_s, shapes[nd:nd + ns], shapes[nd + ns:])
    dt = _foreach_body_inputs(a, n_sub, dtypes[:nd], dtypes[nd:nd + ns], dtypes[nd + ns:])
    res = body.infer(sh, dt)
    if res is None:
        return None
    length = shapes[0][0] if shapes and shapes[0] else 0
    return [((length,) + tuple(s), d) for s, d in res[:a.num_out_data]] + \
        list(res[a.num_out_data:])


def _infer_while(a, graphs, shapes, dtypes):
    _, func_g = graphs
    locs = a.func_input_locs
    res = func_g.infer([shapes[j] for j in locs], [dtypes[j] for j in locs])
    if res is None:
        return None
    return [((a.max_iterations,) + tuple(s), d) for s, d in res[:a.num_out_data]] + \
        list(res[a.num_out_data:])


def _infer_cond(a, graphs, shapes, dtypes):
    _, then_g, else_g = graphs
    res = then_g.infer([shapes[j] for j in a.then_input_locs],
                       [dtypes[j] for j in a.then_input_locs])
    if res is None:
        res = else_g.infer([shapes[j] for j in a.else_input_locs],
                           [dtypes[j] for j in a.else_input_locs])
    return res


def _fill_foreach(a, graphs, shapes):
    (body,) = graphs
    nd, ns = len(a.in_data_locs), len(a.in_state_locs)
    n_sub = nd + ns + len(a.remain_locs)
    length = next((s[0] for s in shapes[:nd] if s is not None and len(s)), None)
    data_s = [None if s is None else tuple(s[1:]) for s in shapes[:nd]]
    sub = body.infer_inputs(_foreach_body_inputs(a, n_sub, data_s, shapes[nd:nd + ns],
                                                 shapes[nd + ns:]))
    locs = list(a.in_data_locs) + list(a.in_state_locs) + list(a.remain_locs)
    out = [sub[loc] for loc in locs]
    for k in range(nd):
        out[k] = shapes[k] if out[k] is None or length is None else (length,) + tuple(out[k])
    return out


def _fill_locs(graph_locs, shapes):
    """Input shapes filled from each (subgraph, locs) in turn."""
    shapes = list(shapes)
    for g, locs in graph_locs:
        sub = g.infer_inputs([shapes[j] for j in locs])
        for j, s in zip(locs, sub):
            if shapes[j] is None and s is not None:
                shapes[j] = s
    return shapes


def _fill_while(a, graphs, shapes):
    return _fill_locs([(graphs[0], a.cond_input_locs), (graphs[1], a.func_input_locs)], shapes)


def _fill_cond(a, graphs, shapes):
    return _fill_locs([(graphs[0], a.cond_input_locs), (graphs[1], a.then_input_locs),
                       (graphs[2], a.else_input_locs)], shapes)


_FILL = {'_foreach': _fill_foreach, '_while_loop': _fill_while, '_cond': _fill_cond}
_FORWARD = {'_foreach': _foreach, '_while_loop': _while_loop, '_cond': _cond}
_INFER = {'_foreach': _infer_foreach, '_while_loop': _infer_while, '_cond': _infer_cond}


def bind(opdef, graphs):
    """A copy of the control-flow ``opdef`` whose forward runs ``graphs`` (one per subgraph,
    in MXNet's order), for one node."""
    want = SUBGRAPH_OPS[opdef.name]
    if len(graphs) != want:
        raise OpError('%s needs %d subgraph(s), got %d' % (opdef.name, want, len(graphs)))
    op = copy.copy(opdef)
    op.graphs = tuple(graphs)
    fwd, inf = _FORWARD[opdef.name], _INFER[opdef.name]

    def fn(a, *tensors):
        return fwd(a, op.graphs, tensors)

    def infer_outputs(a, shapes, dtypes):
        try:
            return inf(a, op.graphs, shapes, dtypes)
        except Exception as e:  # noqa: BLE001 - the caller reports or ignores it
            return e
    fill = _FILL[opdef.name]

    def infer_shape(a, in_shapes):
        # input shapes the subgraphs decide (weights used in a loop body, states)
        try:
            return fill(a, op.graphs, [None if s is None else tuple(s) for s in in_shapes])
        except Exception:  # noqa: BLE001 - inference fills what it can
            return list(in_shapes)
    op.fn = fn
    op.infer_outputs = infer_outputs
    op.infer_shape = infer_shape
    op.fill_only = True
    return op
