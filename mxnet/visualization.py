"""``mx.viz``: look at a Symbol graph.

``print_summary`` prints a layer-by-layer table (output shapes, parameter counts, the layer each
one reads from) and ``plot_network`` builds a ``graphviz.Digraph`` of the graph. Both work from
the symbol's MXNet JSON (``symbol.tojson()``), so what they show is what MXNet shows for the same
graph, including its conventions about which nodes count as layers.
"""
# pylint: disable=dangerous-default-value
import json
import re
import warnings

from .symbol import Symbol

__all__ = ['print_summary', 'plot_network']

_DIGITS = re.compile(r'\d+')


def _str2tuple(string):
    """The digit groups of a shape attribute string: ``'(3, 3)'`` -> ``['3', '3']``."""
    return _DIGITS.findall(string)


def _shape_text(shape):
    """``(64, 28, 28)`` -> ``'64x28x28'``."""
    return 'x'.join(str(d) for d in shape)


def _internal_shapes(symbol, shape):
    """{internal output name: shape} for every output of every node of ``symbol``."""
    internals = symbol.get_internals()
    _, out_shapes, _ = internals.infer_shape(**shape)
    if out_shapes is None:
        raise ValueError('Input shape is incomplete')
    return dict(zip(internals.list_outputs(), out_shapes))


def print_summary(symbol, shape=None, line_length=120, positions=[.44, .64, .74, 1.]):
    """Print a table describing every layer of a symbol.

    One row per operator node (plus the first node of the graph, usually the data input):
    ``Layer (type)`` as ``name(op)``, ``Output Shape`` (without the batch axis, only when
    ``shape`` is given), ``Param #`` (learnable values of FullyConnected, Convolution,
    BatchNorm and Embedding layers) and ``Previous Layer`` (the operator nodes it reads, one
    per row). The total number of parameters closes the table.

    Parameters
    ----------
    symbol : Symbol
        The network to describe.
    shape : dict of str to tuple, optional
        Shapes of the inputs, e.g. ``{'data': (1, 3, 224, 224)}``; needed for output shapes and
        for the parameter counts that depend on input sizes.
    line_length : int, default 120
        Width of the printed table in characters.
    positions : list of float or int, default [.44, .64, .74, 1.]
        Right edge of each of the four columns; fractions of ``line_length`` when the last one
        is at most 1, character positions otherwise.

    Returns
    -------
    None
    """
    if not isinstance(symbol, Symbol):
        raise TypeError('symbol must be Symbol')
    show_shape = shape is not None
    shape_dict = _internal_shapes(symbol, shape) if show_shape else {}
    conf = json.loads(symbol.tojson())
    nodes = conf['nodes']
    # MXNet takes the entries of the first head ([node, output, version]) as a set of node ids
    heads = set(conf['heads'][0])
    if positions[-1] <= 1:
        positions = [int(line_length * p) for p in positions]

    def row(fields):
        text = ''
        for i, field in enumerate(fields):
            end = positions[i]
            text = (text + str(field))[:end]
            text = text.ljust(end)
        print(text)

    def out_key(node):
        return node['name'] + '_output' if node['op'] != 'null' else node['name']

    def layer(node, out_shape):
        op = node['op']
        attrs = node.get('attrs', {})
        previous = []
        in_channels = 0
        if op != 'null':
            for entry in node['inputs']:
                src = nodes[entry[0]]
                if src['op'] == 'null' and entry[0] not in heads:
                    continue
                previous.append(src['name'])
                if show_shape:
                    key = out_key(src)
                    if key in shape_dict:
                        in_channels += int(shape_dict[key][1:][0])
        params = 0
        if op == 'Convolution':
            params = in_channels * int(attrs['num_filter']) // int(attrs.get('num_group', '1'))
            for k in _str2tuple(attrs['kernel']):
                params *= int(k)
            if attrs.get('no_bias') != 'True':
                params += int(attrs['num_filter'])
        elif op == 'FullyConnected':
            hidden = int(attrs['num_hidden'])
            params = in_channels * hidden if attrs.get('no_bias') == 'True' \
                else (in_channels + 1) * hidden
        elif op == 'BatchNorm':
            if show_shape:
                params = int(shape_dict[node['name'] + '_output'][1]) * 2
        elif op == 'Embedding':
            params = int(attrs['input_dim']) * int(attrs['output_dim'])
        row(['%s(%s)' % (node['name'], op), _shape_text(out_shape), params,
             previous[0] if previous else ''])
        for name in previous[1:]:
            row(['', '', '', name])
        return params

    print('_' * line_length)
    row(['Layer (type)', 'Output Shape', 'Param #', 'Previous Layer'])
    print('=' * line_length)
    total = 0
    last = len(nodes) - 1
    for i, node in enumerate(nodes):
        if node['op'] == 'null' and i > 0:
            continue
        out_shape = []
        if show_shape and (node['op'] != 'null' or i in heads):
            key = out_key(node)
            if key in shape_dict:
                out_shape = shape_dict[key][1:]
        total += layer(node, out_shape)
        print(('=' if i == last else '_') * line_length)
    print('Total params: {}'.format(total))
    print('_' * line_length)


# fill colours MXNet uses, by kind of node
_COLORS = ('#8dd3c7', '#fb8072', '#ffffb3', '#bebada', '#80b1d3', '#fdb462', '#b3de69',
           '#fccde5')
_WEIGHT_SUFFIXES = ('_weight', '_bias', '_beta', '_gamma', '_moving_var', '_moving_mean',
                    '_running_var', '_running_mean')


def _node_style(node):
    """(label, fill colour) of an operator node."""
    op = node['op']
    attrs = node.get('attrs', {})
    label = node['name']
    if op == 'Convolution':
        stride = 'x'.join(_str2tuple(attrs['stride'])) if 'stride' in attrs else '1'
        label = 'Convolution\n%s/%s, %s' % ('x'.join(_str2tuple(attrs['kernel'])), stride,
                                            attrs['num_filter'])
        return label, _COLORS[1]
    if op == 'FullyConnected':
        return 'FullyConnected\n%s' % attrs['num_hidden'], _COLORS[1]
    if op == 'BatchNorm':
        return label, _COLORS[3]
    if op == 'Activation':
        return 'Activation\n%s' % attrs['act_type'], _COLORS[2]
    if op == 'LeakyReLU':
        return 'LeakyReLU\n%s' % (attrs.get('act_type', 'Leaky') if attrs else 'Leaky'), \
            _COLORS[2]
    if op == 'Pooling':
        kernel = 'x'.join(_str2tuple(attrs['kernel'])) if 'kernel' in attrs else '[]'
        stride = 'x'.join(_str2tuple(attrs['stride'])) if 'stride' in attrs else '1'
        return 'Pooling\n%s, %s/%s' % (attrs['pool_type'], kernel, stride), _COLORS[4]
    if op in ('Concat', 'Flatten', 'Reshape'):
        return label, _COLORS[5]
    if op == 'Softmax':
        return label, _COLORS[6]
    if op == 'Custom':
        label = attrs['op_type']
    return label, _COLORS[7]


def _edge_key(src):
    """The internal output name MXNet uses for the edge coming out of node ``src``: the last
    output of a node with ``num_outputs``, ``name_output`` otherwise, the name for inputs."""
    if src['op'] == 'null':
        return src['name']
    key = src['name'] + '_output'
    if 'attrs' in src and 'num_outputs' in src['attrs']:
        key += str(int(src['attrs']['num_outputs']) - 1)
    return key


def plot_network(symbol, title='plot', save_format='pdf', shape=None, dtype=None,
                 node_attrs={}, hide_weights=True):
    """Build a Graphviz digraph of the computation graph of ``symbol``.

    Needs the Python package ``graphviz``; rendering the result to a file (``dot.render()``,
    ``dot.view()``) also needs Graphviz's ``dot`` program.

    Parameters
    ----------
    symbol : Symbol
        The graph to draw (everything needed to compute ``symbol``).
    title : str, default 'plot'
        Name of the digraph (and of the file it renders to).
    save_format : str, default 'pdf'
        Output format used when rendering.
    shape : dict of str to tuple, optional
        Input shapes; when given, each edge is labelled with the shape (without the batch axis)
        of the tensor it carries.
    dtype : dict of str to numpy dtype, optional
        Input types; when given, each edge label also shows the tensor's type, e.g.
        ``(float32)``.
    node_attrs : dict, optional
        Graphviz node attributes that override the defaults (``shape='box'``,
        ``fixedsize='true'``, ``width='1.3'``, ``height='0.8034'``, ``style='filled'``),
        e.g. ``{'shape': 'oval', 'fixedsize': 'false'}``.
    hide_weights : bool, default True
        Leave out inputs whose names end in ``_weight``, ``_bias``, ``_beta``, ``_gamma``,
        ``_moving_mean``, ``_moving_var``, ``_running_mean`` or ``_running_var`` and their edges.
        With False their edges are kept (Graphviz then draws them as plain nodes).

    Returns
    -------
    graphviz.Digraph
        The digraph; edges point from each operator back to its inputs.
    """
    try:
        from graphviz import Digraph
    except Exception:  # pylint: disable=broad-except
        raise ImportError('Draw network requires graphviz library') from None
    if not isinstance(symbol, Symbol):
        raise TypeError('symbol must be a Symbol')
    shape_dict = _internal_shapes(symbol, shape) if shape is not None else None
    type_dict = None
    if dtype is not None:
        internals = symbol.get_internals()
        _, out_types, _ = internals.infer_type(**dtype)
        if out_types is None:
            raise ValueError('Input type is incomplete')
        type_dict = dict(zip(internals.list_outputs(), out_types))
    nodes = json.loads(symbol.tojson())['nodes']
    names = [n['name'] for n in nodes]
    if len(set(names)) != len(names):
        seen, repeated = set(), set()
        for name in names:
            (repeated if name in seen else seen).add(name)
        warnings.warn('There are multiple variables with the same name in your graph, this may '
                      'result in cyclic graph. Repeated names: ' + ','.join(repeated),
                      RuntimeWarning)
    base = {'shape': 'box', 'fixedsize': 'true', 'width': '1.3', 'height': '0.8034',
            'style': 'filled'}
    base.update(node_attrs)
    dot = Digraph(name=title, format=save_format)

    hidden = set()
    for node in nodes:
        name = node['name']
        attr = dict(base)
        if node['op'] == 'null':
            if name.endswith(_WEIGHT_SUFFIXES):
                if hide_weights:
                    hidden.add(name)
                continue
            attr['shape'] = 'oval'
            label, attr['fillcolor'] = name, _COLORS[0]
        else:
            label, attr['fillcolor'] = _node_style(node)
        dot.node(name=name, label=label, **attr)

    for node in nodes:
        if node['op'] == 'null':
            continue
        inputs = node['inputs']
        if node['op'] == '_contrib_BilinearResize2D':
            inputs = inputs[:1]
        for entry in inputs:
            src = nodes[entry[0]]
            if src['name'] in hidden:
                continue
            label = ''
            if shape_dict is not None:
                label = _shape_text(shape_dict[_edge_key(src)][1:])
            if type_dict is not None:
                label += '(%s)' % type_dict[_edge_key(src)].__name__
            dot.edge(tail_name=node['name'], head_name=src['name'], dir='back',
                     arrowtail='open', label=label)
    return dot
