"""MXNet 1.x symbol JSON: writing (as MXNet 1.9.1 writes it) and reading (any 1.x version).

The format: ``nodes`` (each ``{"op": name or "null", "name", "attrs": {str: str}, "inputs":
[[node_id, output_index, version], ...]}`` in topological order), ``arg_nodes`` (ids of the
variable nodes), ``node_row_ptr`` (prefix sums of each node's output count, hidden outputs
included), ``heads`` and ``attrs`` (``{"mxnet_version": ["int", 10901]}``). Files from older
versions use ``attr`` instead of ``attrs`` and may keep operator parameters under ``param``.
"""
import json
import os
import tempfile

from ..base import MXNetError
from ..operator.registry import get as _get_op
from .symbol import _topo, _Node, _hidden_key, HIDDEN_KEYS, _AUX_VAR_INIT

MXNET_VERSION = 10901


def to_json(sym, remove_amp_cast=True):
    heads = sym._heads
    if remove_amp_cast:
        heads = _strip_amp_cast(heads)
    order = _topo(heads)
    ids = {id(n): k for k, n in enumerate(order)}
    versions = {}
    nodes, arg_nodes, row_ptr = [], [], [0]
    for k, n in enumerate(order):
        d = {'op': 'null' if n.op is None else n.op.name, 'name': n.name}
        if n.dict:
            d['attrs'] = {a: n.dict[a] for a in sorted(n.dict)}
        entries = []
        if n.op is not None:
            aux = n.op.aux
            for nm, (c, i) in zip(n.input_names(), n.inputs):
                ver = 0
                if c.op is None and nm in aux:
                    ver = versions[id(c)] = versions.get(id(c), 0) + 1
                entries.append([ids[id(c)], i, ver])
            if n.versions is not None and len(n.versions) == len(entries):
                for e, v in zip(entries, n.versions):
                    e[2] = v
        d['inputs'] = entries
        nodes.append(d)
        if n.op is None:
            arg_nodes.append(k)
        row_ptr.append(row_ptr[-1] + n.total_outputs())
    doc = {'nodes': nodes, 'arg_nodes': arg_nodes, 'node_row_ptr': row_ptr,
           'heads': [[ids[id(n)], i, 0] for n, i in heads],
           'attrs': {'mxnet_version': ['int', MXNET_VERSION]}}
    return _dump(doc)


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
    order = _topo(heads)
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
        memo[id(n)] = _Node(n.op, n.name, n.attrs, dict(n.dict),
                            [res(c, i) for c, i in n.inputs])
    return [res(n, i) for n, i in heads]


def from_json(text):
    """Heads [(node, index)] of the graph in MXNet JSON ``text``."""
    try:
        doc = json.loads(text)
    except ValueError as e:
        raise MXNetError('Symbol JSON is not valid JSON: %s' % e) from None
    if not isinstance(doc, dict) or not isinstance(doc.get('nodes'), list) or \
            not isinstance(doc.get('heads'), list):
        raise MXNetError('Symbol JSON must be an object with "nodes" and "heads" lists')
    nodes = []
    for k, nd in enumerate(doc['nodes']):
        if not isinstance(nd, dict) or 'op' not in nd or 'name' not in nd:
            raise MXNetError('Symbol JSON node %d must have "op" and "name"' % k)
        raw = {}
        for key in ('param', 'attr', 'attrs'):
            v = nd.get(key)
            if v is None:
                continue
            if not isinstance(v, dict):
                raise MXNetError('Symbol JSON node %d (%s): "%s" must be an object'
                                 % (k, nd['name'], key))
            raw.update({str(a): str(b) for a, b in v.items()})
        inputs = []
        versions = []
        for e in nd.get('inputs', []):
            if not isinstance(e, list) or len(e) < 2 or not all(isinstance(x, int) for x in e) \
                    or not 0 <= e[0] < k:
                raise MXNetError('Symbol JSON node %d (%s): bad input entry %r'
                                 % (k, nd['name'], e))
            src = nodes[e[0]]
            if not 0 <= e[1] < max(src.num_outputs(), 1):
                raise MXNetError('Symbol JSON node %d (%s): input %r refers to output %d of %s, '
                                 'which has %d' % (k, nd['name'], e, e[1], src.name,
                                                   src.num_outputs()))
            inputs.append((src, e[1]))
            versions.append(e[2] if len(e) > 2 else 0)
        name = str(nd['name'])
        if nd['op'] == 'null':
            if inputs:
                raise MXNetError('Symbol JSON node %d (%s): a variable cannot have inputs'
                                 % (k, name))
            nodes.append(_Node(None, name, None, _fix_hidden(raw), []))
            continue
        opdef = _get_op(str(nd['op']))
        params = {a: b for a, b in raw.items() if a in opdef.params}
        extra = _fix_hidden({a: b for a, b in raw.items() if a not in opdef.params})
        attrs = opdef.parse_attrs(params)
        if not opdef.variadic:
            n_in = len(opdef.list_inputs(attrs))
            if len(inputs) != n_in:
                raise MXNetError('Symbol JSON node %d (%s): operator %s expects %d inputs, got '
                                 '%d' % (k, name, opdef.name, n_in, len(inputs)))
        dct = dict(params)
        dct.update(extra)
        nodes.append(_Node(opdef, name, attrs, dct, inputs, versions))
    if _version(doc) < 10000:
        # MXNet upgrades pre-1.0 files by re-running composition hooks: aux variables of
        # BatchNorm get their initializer attribute
        for n in nodes:
            if n.op is not None and n.op.aux:
                for nm, (c, _) in zip(n.input_names(), n.inputs):
                    if nm in n.op.aux and c.op is None and nm in _AUX_VAR_INIT:
                        c.dict.setdefault('__init__', _AUX_VAR_INIT[nm])
    heads = []
    for e in doc['heads']:
        if not isinstance(e, list) or len(e) < 2 or not isinstance(e[0], int) or \
                not 0 <= e[0] < len(nodes):
            raise MXNetError('Symbol JSON: bad head entry %r' % (e,))
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
        with open(fname, 'r') as f:
            return f.read()
    except OSError as e:
        raise MXNetError('Cannot read symbol file %s: %s' % (fname, e)) from None
    except UnicodeDecodeError:
        raise MXNetError('Symbol file %s is not a text (JSON) file' % fname) from None


def write_file(fname, text):
    d = os.path.dirname(os.path.abspath(fname))
    fd, tmp = tempfile.mkstemp(dir=d, prefix='.tmp-', suffix='.json')
    try:
        with os.fdopen(fd, 'w') as f:
            f.write(text)
        os.replace(tmp, fname)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
