"""MXNet 1.x symbol JSON: writing (as MXNet 1.9.1 writes it) and reading (any 1.x version).

The format: ``nodes`` (each ``{"op": name or "null", "name", "attrs": {str: str}, "inputs":
[[node_id, output_index, version], ...]}`` in topological order), ``arg_nodes`` (ids of the
variable nodes), ``node_row_ptr`` (prefix sums of each node's output count, hidden outputs
included), ``heads`` and ``attrs`` (``{"mxnet_version": ["int", 10901]}``). Files from older
versions use ``attr`` instead of ``attrs`` and may keep operator parameters under ``param``.
"""
import json
import reprlib

from ..base import MXNetError, _atomic_write
from .._ops.registry import get as _get_op
from .._graph import Node, topo, bind_subgraphs
from .._ops.control_flow import SUBGRAPH_OPS as _SUBGRAPH_OPS

# attributes MXNet stores as __key__ and also lists under the plain key
HIDDEN_KEYS = ('ctx_group', 'lr_mult', 'wd_mult', 'force_mirroring', 'mirror_stage',
               'profiler_scope')


# initializers MXNet attaches to auxiliary variables it creates
_AUX_VAR_INIT = {'moving_mean': '["zero", {}]', 'moving_var': '["one", {}]',
                 'moving_avg': '["zero", {}]'}


def _hidden_key(k):
    return '__%s__' % k if k in HIDDEN_KEYS else k


MXNET_VERSION = 10901


def to_json(sym, remove_amp_cast=True):
    heads = sym._heads
    if remove_amp_cast:
        heads = _strip_amp_cast(heads)
    from ..util import is_np_shape
    attrs = {'mxnet_version': ['int', MXNET_VERSION]}
    if is_np_shape():
        # MXNet marks graphs saved under NumPy shape semantics (-1, not 0, is unknown)
        attrs = {'is_np_shape': ['int', 1], 'mxnet_version': ['int', MXNET_VERSION]}
    doc = _graph_doc(heads)
    doc['attrs'] = attrs
    return _dump(doc)


def _graph_doc(heads):
    """The JSON object of the graph over ``heads`` (without the graph attributes); a node
    holding subgraphs lists them under "subgraphs", each such an object, as MXNet does."""
    order = topo(heads)
    ids = {id(n): k for k, n in enumerate(order)}
    versions = {}
    nodes, arg_nodes, row_ptr = [], [], [0]
    for k, n in enumerate(order):
        d = {'op': 'null' if n.op is None else n.op.name, 'name': n.name}
        if n.dict:
            d['attrs'] = {a: n.dict[a] for a in sorted(n.dict)}
        entries = []
        if n.op is not None:
            aux = n.op.aux_names(n.attrs)
            for nm, (c, i) in zip(n.input_names(), n.inputs):
                ver = 0
                if c.op is None and nm in aux:
                    ver = versions[id(c)] = versions.get(id(c), 0) + 1
                entries.append([ids[id(c)], i, ver])
            if n.versions is not None and len(n.versions) == len(entries):
                for e, v in zip(entries, n.versions):
                    e[2] = v
        d['inputs'] = entries
        if n.subgraphs:
            d['subgraphs'] = [_graph_doc(h) for h in n.subgraphs]
        nodes.append(d)
        if n.op is None:
            arg_nodes.append(k)
        row_ptr.append(row_ptr[-1] + n.total_outputs())
    return {'nodes': nodes, 'arg_nodes': arg_nodes, 'node_row_ptr': row_ptr,
            'heads': [[ids[id(n)], i, 0] for n, i in heads]}


def _dump(v, indent=0):
    """Indented JSON laid out like MXNet's: objects and lists of objects one item a line,
    lists of numbers and small objects on one line."""
    pad = ' ' * (indent + 2)
    if isinstance(v, dict) and len(v) > 1:
        items = ['%s%s: %s' % (pad, json.dumps(k), _dump(x, indent + 2)) for k, x in v.items()]
        return '{\n' + ',\n'.join(items) + '\n' + ' ' * indent + '}'
    if isinstance(v, list) and any(isinstance(x, dict) for x in v):
        items = [pad + _dump(x, indent + 2) for x in v]
        return '[\n' + ',\n'.join(items) + '\n' + ' ' * indent + ']'
    return json.dumps(v)


def _strip_amp_cast(heads):
    """Bypass amp_cast / amp_multicast nodes (MXNet's remove_amp_cast=True)."""
    order = topo(heads)
    if not any(n.op is not None and n.op.name in ('amp_cast', 'amp_multicast') for n in order):
        return heads
    memo = {}

    def res(c, i):
        while c.op is not None and c.op.name in ('amp_cast', 'amp_multicast'):
            c, i = c.inputs[i if c.op.name == 'amp_multicast' else 0]
        return memo[id(c)], i

    for n in order:
        if n.op is not None and n.op.name in ('amp_cast', 'amp_multicast'):
            continue
        memo[id(n)] = Node(n.op, n.name, n.attrs, dict(n.dict),
                            [res(c, i) for c, i in n.inputs], subgraphs=n.subgraphs)
    return [res(n, i) for n, i in heads]


def _brief(v, limit=80):
    """repr(v) for an error message: shortened, safe on huge or deeply nested values."""
    r = reprlib.Repr()
    r.maxlevel, r.maxstring, r.maxother, r.maxlist, r.maxdict = 2, limit, limit, 6, 4
    try:
        return r.repr(v)
    except RecursionError:
        return '<%s>' % type(v).__name__


def _is_int(v):
    return isinstance(v, int) and not isinstance(v, bool)


def _type_name(v):
    return {dict: 'an object', list: 'a list', str: 'a string', bool: 'a boolean',
            int: 'an integer', float: 'a number', type(None): 'null'}.get(type(v),
                                                                          type(v).__name__)


def _entry(e, where, what, limit):
    """A [node_id, output_index(, version)] entry; node_id must be < limit."""
    if not isinstance(e, list) or not 2 <= len(e) <= 3 or not all(_is_int(x) for x in e):
        raise MXNetError('%s: %s must be [node_id, output_index, version] (integers), got %s'
                         % (where, what, _brief(e)))
    if not 0 <= e[0] < limit:
        raise MXNetError('%s: %s %s refers to node %d, but only nodes 0..%d %s'
                         % (where, what, _brief(e), e[0], limit - 1,
                            'come before it' if what == 'input' else 'exist'))
    return e


def _output_index(e, src, where, what):
    n_out = src.num_outputs()
    if not 0 <= e[1] < max(n_out, 1):
        raise MXNetError('%s: %s %s refers to output %d of node %s, which has %d'
                         % (where, what, _brief(e), e[1], src.name, n_out))


_NODE_ERRORS = (TypeError, ValueError, KeyError, IndexError, AttributeError, OverflowError,
                RecursionError, MemoryError)


def from_json(text):
    """Heads [(node, index)] of the graph in MXNet JSON ``text``.

    Everything is checked before a node is built, so a malformed graph raises MXNetError naming
    the node, the field and what is wrong (heads or inputs out of range, fields of the wrong
    type, JSON nested too deeply) instead of failing later."""
    if not isinstance(text, (str, bytes, bytearray)):
        raise MXNetError('Symbol JSON must be a str, got %s' % type(text).__name__)
    try:
        doc = json.loads(text)
    except RecursionError:
        raise MXNetError('Symbol JSON nests too deeply (arrays or objects inside each other '
                         'beyond what a symbol graph holds)') from None
    except ValueError as e:  # JSONDecodeError, UnicodeDecodeError
        raise MXNetError('Symbol JSON is not valid JSON: %s' % e) from None
    return _read_doc(doc)


def _read_doc(doc, depth=0):
    """Heads of the graph in the parsed JSON object ``doc`` (a subgraph too)."""
    if not isinstance(doc, dict):
        raise MXNetError('Symbol JSON must be an object with "nodes" and "heads" lists, got %s'
                         % _type_name(doc))
    for key in ('nodes', 'heads'):
        if key not in doc:
            raise MXNetError('Symbol JSON has no "%s" field' % key)
        if not isinstance(doc[key], list):
            raise MXNetError('Symbol JSON: "%s" must be a list, got %s'
                             % (key, _type_name(doc[key])))
    n_nodes = len(doc['nodes'])
    for key in ('arg_nodes', 'node_row_ptr'):
        v = doc.get(key)
        if v is None:
            continue
        if not isinstance(v, list) or not all(_is_int(x) for x in v):
            raise MXNetError('Symbol JSON: "%s" must be a list of integers, got %s'
                             % (key, _brief(v)))
    for i in doc.get('arg_nodes') or ():
        if not 0 <= i < n_nodes:
            raise MXNetError('Symbol JSON: "arg_nodes" refers to node %d, but only nodes 0..%d '
                             'exist' % (i, n_nodes - 1))
    top = doc.get('attrs')
    if top is not None:
        if not isinstance(top, dict):
            raise MXNetError('Symbol JSON: "attrs" must be an object, got %s' % _type_name(top))
        for a, v in top.items():
            if not isinstance(v, list) or len(v) != 2 or not isinstance(v[0], str):
                raise MXNetError('Symbol JSON: graph attribute "%s" must be [type, value], got %s'
                                 % (a, _brief(v)))
        ver = top.get('mxnet_version')
        if ver is not None and not _is_int(ver[1]):
            raise MXNetError('Symbol JSON: "mxnet_version" must be ["int", number], got %s'
                             % _brief(ver))
    nodes = []
    for k, nd in enumerate(doc['nodes']):
        where = 'Symbol JSON node %d' % k
        if not isinstance(nd, dict):
            raise MXNetError('%s must be an object, got %s' % (where, _type_name(nd)))
        for key in ('op', 'name'):
            if key not in nd:
                raise MXNetError('%s has no "%s" field' % (where, key))
            if not isinstance(nd[key], str):
                raise MXNetError('%s: "%s" must be a string, got %s'
                                 % (where, key, _brief(nd[key])))
        name = nd['name']
        where = '%s (%s)' % (where, _brief(name)[1:-1])
        raw = {}
        for key in ('param', 'attr', 'attrs'):
            v = nd.get(key)
            if v is None:
                continue
            if not isinstance(v, dict):
                raise MXNetError('%s: "%s" must be an object, got %s'
                                 % (where, key, _type_name(v)))
            for a, b in v.items():
                if not isinstance(b, str):
                    raise MXNetError('%s: attribute "%s" must be a string, got %s'
                                     % (where, a, _brief(b)))
            raw.update(v)
        ins = nd.get('inputs', [])
        if not isinstance(ins, list):
            raise MXNetError('%s: "inputs" must be a list, got %s' % (where, _type_name(ins)))
        inputs = []
        versions = []
        for e in ins:
            _entry(e, where, 'input', k)
            src = nodes[e[0]]
            _output_index(e, src, where, 'input')
            inputs.append((src, e[1]))
            versions.append(e[2] if len(e) > 2 else 0)
        if nd['op'] == 'null':
            if inputs:
                raise MXNetError('%s: a variable ("op": "null") cannot have inputs' % where)
            nodes.append(Node(None, name, None, _fix_hidden(raw), []))
            continue
        try:
            opdef = _get_op(nd['op'])
            if getattr(opdef, 'free_params', False):
                # Custom: every attribute that is not a node attribute goes to the Prop
                keep = [a for a in raw if not (a.startswith('__') or a in HIDDEN_KEYS)]
            else:
                keep = [a for a in raw if a in opdef.params]
            params = {a: raw[a] for a in keep}
            extra = _fix_hidden({a: b for a, b in raw.items() if a not in params})
            attrs = opdef.parse_attrs(params)
            n_in = None if opdef.variadic else len(opdef.list_inputs(attrs))
            node = Node(opdef, name, attrs, None, inputs, versions)
            node.num_outputs()
        except MXNetError as e:
            raise MXNetError('%s: %s' % (where, e)) from None
        except _NODE_ERRORS as e:
            raise MXNetError('%s: invalid attributes for operator %s: %s'
                             % (where, nd['op'], str(e).split('\n')[0] or type(e).__name__)) \
                from None
        if n_in is not None and len(inputs) != n_in:
            raise MXNetError('%s: operator %s expects %d inputs, got %d'
                             % (where, opdef.name, n_in, len(inputs)))
        dct = dict(params)
        dct.update(extra)
        node.dict = dct
        subs = nd.get('subgraphs')
        if subs is not None or opdef.name in _SUBGRAPH_OPS:
            if not isinstance(subs, list) or depth > 32:
                raise MXNetError('%s: "subgraphs" must be a list of graphs, got %s'
                                 % (where, _brief(subs)))
            node.subgraphs = [_read_doc(g, depth + 1) for g in subs]
            try:
                bind_subgraphs(node)
            except MXNetError as e:
                raise MXNetError('%s: %s' % (where, e)) from None
        nodes.append(node)
    if _version(doc) < 10000:
        # MXNet upgrades pre-1.0 files by re-running composition hooks: aux variables of
        # BatchNorm get their initializer attribute
        for n in nodes:
            names = n.op.aux_names(n.attrs) if n.op is not None else ()
            if names:
                for nm, (c, _) in zip(n.input_names(), n.inputs):
                    if nm in names and c.op is None and nm in _AUX_VAR_INIT:
                        c.dict.setdefault('__init__', _AUX_VAR_INIT[nm])
    heads = []
    for e in doc['heads']:
        _entry(e, 'Symbol JSON', 'head', len(nodes))
        _output_index(e, nodes[e[0]], 'Symbol JSON', 'head')
        heads.append((nodes[e[0]], e[1]))
    return heads


def _version(doc):
    try:
        v = doc['attrs']['mxnet_version']
        return int(v[1])
    except (KeyError, TypeError, IndexError, ValueError):
        return 0


def _fix_hidden(d):
    out = {}
    for k, v in d.items():
        out[_hidden_key(k) if k in HIDDEN_KEYS else k] = v
    return out


def read_file(fname):
    try:
        with open(fname, 'r', encoding='utf-8') as f:
            return f.read()
    except OSError as e:
        raise MXNetError('Cannot read symbol file %s: %s' % (fname, e)) from None
    except UnicodeDecodeError as e:
        raise MXNetError('Symbol file %s is not a text (JSON) file: byte %d is not UTF-8'
                         % (fname, e.start)) from None


def write_file(fname, text):
    _atomic_write(fname, text)
