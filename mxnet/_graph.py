"""The graph: one node type and everything that walks a graph of them.

A :class:`Node` is one operator application (``op``: the registry ``OpDef``) or a variable /
leaf (``op`` None); its ``inputs`` are ``(node, output index)`` entries. Symbols are lists of
such entries (their heads), the autograd tape records these nodes on the arrays it computes
(``autograd.get_symbol`` is a Symbol over the recorded heads), CachedOp and Executor compile
them, and the JSON reader/writer reads and writes them.

Here live the walks over a graph: MXNet's topological order (:func:`topo`), auxiliary-state
detection (:func:`aux_ids`), copies (:func:`clone_heads`), shape and dtype inference to a
fixed point (:func:`infer_shapes` / :func:`infer_types`, through the operators' ``infer_shape``
hooks and their forwards on ``meta`` tensors), the straight-line compiler
(:func:`compile_graph`) and the one node-by-node interpreter (:func:`interpret`, with hooks
before and after each operator: monitors, op hooks and error reports use it).

A node may hold subgraphs (``subgraphs``: a list of head lists), which control-flow operators
(foreach, while_loop, cond) keep; the walks here treat such a node as one operator, whose
``OpDef`` runs its subgraphs.

It imports only the base layer and the operator registry.
"""
import numpy as np
import torch

from .base import MXNetError
from .engine import KernelFailure
from . import engine as _engine
from .util import _flags as _util_flags
from ._ops.registry import get as _get_op

__all__ = ['Node', 'topo', 'aux_ids', 'clone_heads', 'infer_shapes', 'infer_types', 'meta_run',
           'profile_hooks', 'merge_shape', 'compile_graph', 'interpret', 'concrete_attrs', 'dynamic_nodes',
           'creation_shape_unknown', 'monitor_input_names', 'monitor_output_names',
           'fill_input_shapes', 'Subgraph', 'bind_subgraphs']


class Node:
    """One graph node; ``op`` is None for a variable or leaf.

    ``op``: the registry ``OpDef`` (on the autograd tape, where recording must be cheap, the
    registry *name* until :meth:`resolve` looks it up); ``name``; ``attrs``: the parsed frozen
    attributes (on the tape also None or a dict of MXNet attribute strings until resolved);
    ``dict``: the string attributes MXNet shows (operator parameters as given plus
    ``__hidden__`` ones such as ``__shape__``); ``inputs``: ``(node, index)`` entries;
    ``versions``: input entry versions read from JSON (None: computed); ``outs``: on the tape,
    weak references to the arrays the node computed (so a backward that frees the graph can
    take them out of it); ``subgraphs``: head lists of the subgraphs a control-flow node holds.
    """
    __slots__ = ('op', 'name', 'attrs', 'dict', 'inputs', 'versions', 'outs', 'subgraphs')

    def __init__(self, op, name, attrs, dct, inputs, versions=None, subgraphs=None):
        self.op = op
        self.name = name
        self.attrs = attrs
        self.dict = dct
        self.inputs = inputs
        self.versions = versions
        self.outs = ()
        self.subgraphs = subgraphs

    def resolve(self):
        """Turn a tape record (registry name, unparsed attrs) into a full node, in place."""
        op = self.op
        if op is None:
            if self.dict is None:
                self.dict = {}
            return self
        if isinstance(op, str):
            op = self.op = _get_op(op)
        attrs = self.attrs
        if attrs is None or isinstance(attrs, dict):
            attrs = self.attrs = op.parse_attrs(dict(attrs or {}))
        if self.dict is None:
            self.dict = attrs.given()
        return self

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


def topo(heads):
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


def aux_ids(order):
    aux = set()
    for n in order:
        names = n.op.aux_names(n.attrs) if n.op is not None else ()
        if names:
            for nm, (c, _) in zip(n.input_names(), n.inputs):
                if nm in names and c.op is None:
                    aux.add(id(c))
    return aux


def clone_heads(heads, memo):
    """Copies of the nodes reachable from ``heads`` (``memo``: id(old node) -> copy, filled
    here); returns the copied heads."""
    order = topo(heads)
    for n in order:
        memo[id(n)] = Node(n.op, n.name, n.attrs, dict(n.dict),
                            [(memo[id(c)], i) for c, i in n.inputs], n.versions,
                            n.subgraphs)
    return [(memo[id(n)], i) for n, i in heads]


class Subgraph:
    """A control-flow node's subgraph (its head list), as the control-flow operators run it
    (``_ops.control_flow``): ``run(tensors)`` with the tensors of its variables in their
    order (MXNet's ``list_inputs``), compiled once; ``infer(shapes, dtypes)`` the heads'
    ``(shape, dtype)`` (None where some is unknown)."""

    def __init__(self, heads):
        self.heads = list(heads)
        self.order = topo(self.heads)
        self.vars = [n for n in self.order if n.op is None]
        self._run = None

    def run(self, tensors):
        if len(tensors) != len(self.vars):
            raise MXNetError('a subgraph with %d inputs was given %d'
                             % (len(self.vars), len(tensors)))
        dyn = dynamic_nodes(self.order)
        if dyn:
            override = concrete_attrs(self.order, dyn, [tuple(t.shape) for t in tensors],
                                      'control flow')
            return interpret(self.order, self.heads, tensors, override)
        if self._run is None:
            self._run = compile_graph(self.order, self.heads, via_compute=True,
                                      filename='<remx subgraph>')
        return self._run(tensors)

    def infer(self, shapes, dtypes):
        """[(shape, dtype)] of the heads (shapes may hold 0s, unknown dims), or None when
        some head's shape is unknown."""
        shp = self.infer_partial(shapes)
        gdt = {id(v): d for v, d in zip(self.vars, dtypes) if d is not None}
        typ = infer_types(self.order, gdt, shp)
        out = []
        for n, i in self.heads:
            s, d = shp.get((id(n), i)), typ.get((id(n), i))
            if s is None:
                return None
            out.append((tuple(s), d if d is not None else np.dtype(np.float32)))
        return out

    def infer_partial(self, shapes):
        """{(id(node), index): shape} inferred from the variables' ``shapes`` (None:
        unknown)."""
        given = {id(v): tuple(s) for v, s in zip(self.vars, shapes) if s is not None}
        return infer_shapes(self.order, given, {}, quiet=True)

    def infer_inputs(self, shapes):
        """The variables' shapes (None: unknown) after inference from ``shapes``."""
        shp = self.infer_partial(shapes)
        return [shp.get((id(v), 0)) for v in self.vars]


def bind_subgraphs(node):
    """Give a node holding ``subgraphs`` its own control-flow ``OpDef`` running them."""
    from ._ops.control_flow import bind
    base = _get_op(node.op.name) if not isinstance(node.op, str) else _get_op(node.op)
    node.op = bind(base, [Subgraph(h) for h in node.subgraphs])
    return node


def _single(n):
    return n.op is None or n.num_outputs() == 1


# names the op hooks (register_op_hook, monitors) see. MXNet names an operator's inputs by its
# FListInputNames and its outputs by its FListOutputNames; operators registering neither get
# 'input0', 'input1', ... and '0', '1', ... instead (node_input0, node_0): the ops registered
# with monitor_indexed_inputs / monitor_indexed_outputs (measured against MXNet 1.9.1's
# monitor callbacks).
def monitor_input_names(n):
    """The names MXNet's op hooks give node ``n``'s inputs (without the node-name prefix)."""
    if n.op.monitor_indexed_inputs:
        return ['input%d' % i for i in range(len(n.inputs))]
    return n.input_names()


def monitor_output_names(n):
    """The full names MXNet's op hooks give node ``n``'s visible outputs."""
    names = n.output_names()
    if n.op.monitor_indexed_outputs:
        return ['%s_%d' % (n.name, i) for i in range(len(names))]
    return names


def fmt_shape(s):
    return '[%s]' % ','.join(str(d) for d in s)


def shape_known(s):
    return s is not None and all(d > 0 for d in s)


def merge_shape(a, b):
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


def _torch_dtype(d):
    return getattr(torch, np.dtype(d).name)


def _shape_error(node, msg):
    return MXNetError('Error in operator %s: %s' % (node.name, msg))


def meta_run(node, shapes, dtypes):
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
        except KernelFailure as e:
            if e.outputs:   # a check of its kernel failed (raised when it runs): it says
                return [(tuple(sh), np.dtype(str(dt).replace('torch.', ''))) for sh, dt, _ in
                        e.outputs]
            err = e
            continue
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
        again = meta_run(node, shapes, [dtypes[0]] + [np.dtype(np.int32) if d is None else d
                                                       for d in dtypes[1:]])
        if not isinstance(again, Exception):
            return again
    return err


def creation_shape_unknown(n):
    """Whether creation node n's shape attribute leaves its output shape to inference: for
    ops with ``dynamic_shape`` a shape with 0s (MXNet reads 0 as "unknown" and takes the size
    from shape inference: the RNN layers' begin_state zeros((L, 0, H))), and without np_shape
    semantics an empty shape () too (sym.random.normal(...) + x)."""
    if n.op is None or not n.op.dynamic_shape:
        return False
    shape = tuple(getattr(n.attrs, 'shape', None) or ())
    return 0 in shape or any(d < 0 for d in shape) or (not shape and not _util_flags.np_shape)


def fill_input_shapes(op, attrs, ins, name='', quiet=False):
    """[(input index, shape)] for the inputs after the data whose shapes op's ``infer_shape``
    hook fills from the data shape ``ins[0]``: unknown ones (None) and partial ones (0 = an
    unknown dim, e.g. Gluon's deferred (4, 0, 3, 3)) where the known dims agree (a
    disagreement is an MXNetError unless ``quiet``). Symbol's shape inference and Gluon's
    deferred initialisation both fill parameter shapes through this one rule."""
    if not any(s is None or not shape_known(s) for s in ins[1:]):
        return []
    hint = [ins[0]] + [s if shape_known(s) else None for s in ins[1:]]
    filled = op.infer_shape(attrs, hint)
    changes = []
    for j, s in enumerate(filled[:len(ins)]):
        if j == 0 or s is None or hint[j] is not None:
            continue
        s = tuple(s)
        old = ins[j]
        if old is not None and (len(old) != len(s) or any(
                a != b for a, b in zip(old, s) if a > 0)):
            if quiet:
                continue
            raise MXNetError('Error in operator %s: Shape inconsistent, Provided = %s, inferred '
                             'shape=(%s)' % (name, fmt_shape(old), ','.join(map(str, s))))
        if old != s:
            changes.append((j, s))
    return changes


def infer_shapes(order, given, dtypes, quiet=False):
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
                    m = merge_shape(ref, s)
                    if m is None:
                        if quiet or rule == 'where':
                            continue
                        raise _shape_error(n, 'Incompatible attr in node %s at %d-th input: '
                                           'expected %s, got %s'
                                           % (n.name, j, fmt_shape(ref), fmt_shape(s)))
                    ref = m
                out_key = (id(n), 0)
                if out_key in shp:
                    # a known output shape flows back to the inputs (a cast weight's shape
                    # from the Convolution it feeds)
                    ref = shp[out_key] if ref is None else \
                        (merge_shape(ref, shp[out_key]) or ref)
                if ref is not None:
                    if rule == 'where' and ins[0] is not None and len(ins[0]) == len(ref):
                        same = [0, 1, 2]
                    for j in same:
                        s = ins[j]
                        if s != ref and (s is None or merge_shape(s, ref) == ref):
                            shp[keys[j]] = ins[j] = ref
                            changed = True
                    if out_key in shp and shp[out_key] != ref and \
                            merge_shape(shp[out_key], ref) == ref:
                        shp[out_key] = ref
                        changed = True
            elif op.batch_from_output is not None and ins and ins[0] is not None and \
                    not shape_known(ins[0]) and (id(n), 0) in shp:
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
            if op.infer_shape is not None and ins and ins[0] is not None:
                for j, s in fill_input_shapes(op, n.attrs, ins, n.name, quiet):
                    shp[keys[j]] = ins[j] = s
                    changed = True
            if op.shape_from_output is not None and ins and (id(n), 0) in shp and \
                    not shape_known(ins[0]):
                # as MXNet's transpose / Reshape shape functions: a known output gives the
                # data's unknown dims
                m = op.shape_from_output(n.attrs, ins[0], shp[(id(n), 0)])
                m = merge_shape(ins[0], m) if m is not None else None
                if m is not None and m != ins[0]:
                    shp[keys[0]] = ins[0] = m
                    changed = True
            if (rule == 'unary' or rule == 'like_data') and ins and (id(n), 0) in shp:
                # output shape = data shape both ways: a known output fills the data
                m = merge_shape(ins[0], shp[(id(n), 0)])
                if m is not None and m != ins[0]:
                    shp[keys[0]] = ins[0] = m
                    changed = True
            if any(s is None for s in ins):
                continue
            if not ins and not getattr(n.attrs, 'shape', None) and creation_shape_unknown(n):
                continue  # a legacy shape (): unknown until a consumer fills it
            if (id(n), 0) in shp and id(n) in ran:
                # run again only when inputs were refined since and some output is partial
                # (a node whose output a consumer filled runs once, to check it)
                if ran[id(n)] == ins or all(
                        shape_known(shp.get((id(n), i))) for i in range(n.num_outputs())):
                    continue
            ran[id(n)] = list(ins)
            if op.infer_shape is not None and ins and not quiet and \
                    not getattr(op, 'fill_only', False):
                ref = op.infer_shape(n.attrs, [ins[0]] + [None] * (len(ins) - 1))
                for j in range(1, len(ins)):
                    if j < len(ref) and ref[j] is not None and tuple(ref[j]) != ins[j] and \
                            shape_known(ins[j]) and shape_known(ins[0]):
                        raise _shape_error(n, 'Shape inconsistent, Provided = %s, inferred '
                                           'shape=(%s)' % (fmt_shape(ins[j]),
                                                           ','.join(map(str, ref[j]))))
            if (rule == 'like_data' or rule == 'same') and n.num_outputs() == 1:
                # output shape = data shape; skips the meta run (the first meta call of
                # some torch ops imports torch._dynamo, about a second)
                new = merge_shape(shp.get((id(n), 0)), ins[0]) or ins[0]
                if shp.get((id(n), 0)) != new:
                    shp[(id(n), 0)] = new
                    changed = True
                continue
            res = meta_run(n, ins, [dtypes.get(k) for k in keys])
            if isinstance(res, Exception):
                if quiet or not all(shape_known(s) for s in ins):
                    continue
                if isinstance(res, MXNetError):
                    raise _shape_error(n, str(res))
                raise _shape_error(n, '%s (input shapes: %s)' % (
                    str(res).strip().split('\n')[0], ', '.join(fmt_shape(s) for s in ins)))
            if res is None:
                continue
            for i, (s, _) in enumerate(res):
                new = merge_shape(shp.get((id(n), i)), s) or s
                if shp.get((id(n), i)) != new:
                    shp[(id(n), i)] = new
                    changed = True
        if not changed:
            break
    return shp


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


def infer_types(order, given, shapes):
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
                res = meta_run(n, in_shapes, ins)
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


def dynamic_nodes(order):
    return [n for n in order if creation_shape_unknown(n)]


def concrete_attrs(order, dyn, var_shapes, what='CachedOp'):
    """{id(node): attrs with the inferred shape} for the creation nodes ``dyn``, given the
    shapes of the graph's variables in order."""
    given = {id(n): tuple(s) for n, s in zip([n for n in order if n.op is None], var_shapes)}
    shapes = infer_shapes(order, given, {}, quiet=True)
    out = {}
    for n in dyn:
        shp = shapes.get((id(n), 0))
        if shp is None or 0 in shp:
            raise MXNetError('%s: cannot infer the shape of %s (%s with shape %s) from the input '
                             'shapes' % (what, n.name, n.op.name, n.attrs.shape))
        out[id(n)] = n.attrs.replace(shape=tuple(shp))
    return out


def compile_graph(order, heads, override=None, via_compute=False, clone_inputs=True,
                  filename='<remx cached op>'):
    """``run(V) -> tuple of head tensors`` for a graph in topological order.

    ``V`` holds the tensors of the graph's variable nodes in their order of appearance in
    ``order`` (MXNet's ``list_inputs`` order). Differentiable operators are called through their
    forward directly; the others (every operator with ``via_compute``, as executors run them) go
    through ``OpDef.compute`` (which links them into a recorded graph with zero gradient).
    ``override`` replaces some nodes' attrs (see :func:`concrete_attrs`); with
    ``clone_inputs`` a head that is an input variable is returned as a copy. Callers choose
    torch's grad mode.
    """
    env = {}
    lines = ['def run(V):']
    names = {}
    nvar = 0
    var_lines = []
    for k, n in enumerate(order):
        if n.op is None:
            names[id(n)] = 'v%d' % nvar
            var_lines.append('v%d' % nvar)
            nvar += 1
            continue
        ins = []
        for c, i in n.inputs:
            nm = names[id(c)]
            ins.append(nm if _single(c) else '%s[%d]' % (nm, i))
        names[id(n)] = 'r%d' % k
        env['A%d' % k] = override.get(id(n), n.attrs) if override else n.attrs
        if n.op.differentiable and not via_compute:
            env['F%d' % k] = n.op.fn
            lines.append('    r%d = F%d(A%d%s)' % (k, k, k, ''.join(', ' + s for s in ins)))
        else:
            env['C%d' % k] = n.op.compute
            lines.append('    r%d = C%d(A%d, [%s])' % (k, k, k, ', '.join(ins)))
        if _single(n):
            # an op with one visible output may still return hidden ones
            lines.append('    if r%d.__class__ is tuple: r%d = r%d[0]' % (k, k, k))
    if var_lines:
        lines.insert(1, '    %s, = V' % ', '.join(var_lines))
    outs = []
    for n, i in heads:
        nm = names[id(n)]
        if n.op is None and clone_inputs:
            nm += '.clone()'    # an output never aliases an input array
        outs.append(nm if _single(n) else '%s[%d]' % (nm, i))
    lines.append('    return (%s,)' % ', '.join(outs))
    exec(compile('\n'.join(lines), filename, 'exec'), env)  # noqa: S102
    return env['run']


def profile_hooks():
    """``(before, after)`` hooks for :func:`interpret` that report each operator's run to the
    profiler (``engine.report``) under its MXNet name: how executors and CachedOps run a graph
    while ``mx.profiler`` records (their compiled runs have no per-operator boundaries)."""
    starts = []

    def before(n, ins):
        starts.append(_engine.now_ns())

    def after(n, outs):
        _engine.report(n.op.name, starts.pop(), _engine.now_ns())
    return before, after


def interpret(order, heads, tensors, override=None, before=None, after=None):
    """Run the graph node by node through ``OpDef.compute``; returns the head tensors.

    ``tensors`` are the variables' tensors in their order in ``order``; ``override`` replaces
    some nodes' attrs (see :func:`concrete_attrs`). ``before(node, inputs)`` is called before
    each operator and may return a replacement list of input tensors (None: keep them);
    ``after(node, outputs)`` sees the operator's outputs (a tuple). Monitors, op hooks, the
    executor's per-edge gradient report and ``Symbol.eval`` are these hooks; the compiled
    runs re-run a failing graph here to name the operator that failed.
    """
    vals = {}
    k = 0
    for n in order:
        if n.op is None:
            vals[(id(n), 0)] = tensors[k]
            k += 1
            continue
        ins = [vals[(id(c), i)] for c, i in n.inputs]
        if before is not None:
            got = before(n, ins)
            if got is not None:
                ins = got
        r = n.op.compute(override.get(id(n), n.attrs) if override else n.attrs, ins)
        if isinstance(r, torch.Tensor):
            r = (r,)
        for i, t in enumerate(r):
            vals[(id(n), i)] = t
        if after is not None:
            after(n, r)
    return tuple(vals[(id(n), i)] for n, i in heads)
