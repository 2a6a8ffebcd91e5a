"""The core of ``mxnet/`` imports only downward: a static check of the import graph.

The source is read with ``ast``, nothing is imported. Every ``import`` / ``from ... import``
statement in a module counts, wherever it is (module level, class bodies, functions,
methods, ``try`` blocks, ``if TYPE_CHECKING:``); an import inside a function (or lambda) body
is a *function-level* edge, any other one a *module-level* edge. ``importlib.import_module``
calls with a literal module name count too (module names computed at run time cannot be
seen).

How an import statement becomes edges (importer -> module, each with its file:line):

* relative imports are resolved against the importer's package;
* ``from P import n``: an edge to ``P.n`` when ``P.n`` is a module (``P/n.py`` or
  ``P/n/__init__.py``), otherwise to ``P`` (the name is defined in ``P``'s ``__init__``). So
  ``from .. import ndarray`` is an edge to ``mxnet.ndarray`` while ``import mxnet``,
  ``from mxnet import nd`` or ``from .. import AttrScope`` is an edge to ``mxnet`` itself,
  which is above every layer;
* importing ``a.b.c`` also executes the ``__init__`` of the packages ``a.b`` (and ``a``):
  those are implicit edges too, except to packages that contain the importer (they are being
  imported already). A package's ``__init__`` is the module named after the package, e.g.
  ``mxnet.ndarray`` is ``mxnet/ndarray/__init__.py``; a submodule that imports a name from its
  own package's ``__init__`` (``from . import split_v2``) has an edge to it;
* modules outside ``mxnet`` (torch, numpy, the standard library...) are ignored.

Rules, for the layers ``0..CHECKED_UP_TO`` of ``LAYERS``:

1. a module in layer L imports only modules in layers <= L (never ``mxnet`` itself);
2. within one layer the graph of module-level imports has no cycle, and neither has the graph
   of all imports (module- and function-level);
3. every module under ``mxnet/`` is in a layer, every module a core module imports is in a
   layer, and every name in the table exists (except those listed in ``MAY_BE_ABSENT``).

``python tests/test_layering.py [REPORT_PATH]`` prints (or writes) the full report.
"""
import ast
import collections
import os
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = 'mxnet'

# ---------------------------------------------------------------------------------------------
# The declared layers, lowest first. An entry names a module and, when it is a package, all of
# its submodules; the longest matching entry decides a module's layer (so a submodule can be
# given a layer of its own). ``mxnet`` itself (mxnet/__init__.py) is above every layer.
LAYERS = [
    (0, 'base', [
        'mxnet.base', 'mxnet.libinfo', 'mxnet.log', 'mxnet.registry', 'mxnet._state',
        'mxnet.context', 'mxnet.util', 'mxnet.name', 'mxnet.attribute', 'mxnet._alloc',
        'mxnet.runtime', 'mxnet._nested',
        # thin wrappers of base's C-API shims, nothing but mxnet.base below them
        'mxnet.engine', 'mxnet.profiler',
    ]),
    (1, 'ops', ['mxnet._ops']),
    (2, 'graph', ['mxnet._graph']),
    (3, 'ndarray', ['mxnet._tape', 'mxnet.ndarray']),
    # the executor runs a bound graph of nodes; it takes a Symbol but never imports it
    (4, 'executor', ['mxnet.executor']),
    # Symbol: composition, inference, eval, bind (down to the executor)
    (5, 'symbol', ['mxnet.symbol']),
    # autograd.get_symbol makes a Symbol of the recorded nodes
    (6, 'autograd', ['mxnet.autograd']),
    (7, 'cached_op', ['mxnet._cached_op']),
    (8, 'front', [
        'mxnet.gluon', 'mxnet.module', 'mxnet.model', 'mxnet.kvstore', 'mxnet.kvstore_dist',
        'mxnet.optimizer', 'mxnet.lr_scheduler', 'mxnet.initializer', 'mxnet.metric',
        'mxnet.callback', 'mxnet.monitor', 'mxnet.executor_manager', 'mxnet.io',
        'mxnet.recordio', 'mxnet._imcodec', 'mxnet.image', 'mxnet.rnn', 'mxnet.random',
        'mxnet.operator', 'mxnet.visualization', 'mxnet.test_utils', 'mxnet.contrib',
        'mxnet.numpy', 'mxnet.numpy_extension', 'mxnet.tools',
    ]),
]
CHECKED_UP_TO = 7          # rules 1 and 2 apply to layers 0..CHECKED_UP_TO (the core)
MAY_BE_ABSENT = set()   # table entries that need not exist (yet)
TOP = PACKAGE              # mxnet/__init__.py: above every layer


# ---------------------------------------------------------------------------------------------
# Reading the tree

Edge = collections.namedtuple('Edge', 'src dst path line function_level implicit')


def discover_modules(root, package=PACKAGE):
    """{module name: path relative to root} for every .py file under root/package."""
    modules = {}
    base = os.path.join(root, package)
    for dirpath, dirnames, filenames in os.walk(base):
        dirnames[:] = sorted(d for d in dirnames if d != '__pycache__' and not d.startswith('.'))
        rel = os.path.relpath(dirpath, root)
        parts = rel.split(os.sep)
        for fn in sorted(filenames):
            if not fn.endswith('.py'):
                continue
            name = parts if fn == '__init__.py' else parts + [fn[:-3]]
            modules['.'.join(name)] = os.path.join(rel, fn).replace(os.sep, '/')
    return modules


def _is_package(path):
    return path.endswith('/__init__.py')


def _resolve_relative(importer, is_package, level, module):
    """The absolute name of ``from <level dots><module> import ...`` in ``importer``."""
    if level == 0:
        return module
    parts = importer.split('.')
    if not is_package:
        parts = parts[:-1]
    if level - 1 > len(parts) - 1:
        raise ValueError('relative import beyond the top package in %s' % importer)
    parts = parts[:len(parts) - (level - 1)]
    if module:
        parts.append(module)
    return '.'.join(parts)


class _Collector(ast.NodeVisitor):
    def __init__(self):
        self.depth = 0           # function nesting
        self.found = []          # (kind, data, line, function_level)

    def _function(self, node):
        # decorators, defaults and annotations run at definition time; only the body is
        # function-level (imports are statements, so only the body can hold them anyway)
        self.depth += 1
        self.generic_visit(node)
        self.depth -= 1

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_Import(self, node):
        for alias in node.names:
            self.found.append(('import', (alias.name,), node.lineno, self.depth > 0))

    def visit_ImportFrom(self, node):
        names = tuple(a.name for a in node.names)
        self.found.append(('from', (node.level, node.module or '', names), node.lineno,
                           self.depth > 0))

    def visit_Call(self, node):
        # importlib.import_module('<literal>'[, __name__ / '<literal package>'])
        f = node.func
        fname = f.attr if isinstance(f, ast.Attribute) else getattr(f, 'id', None)
        if fname in ('import_module', '__import__') and node.args and \
                isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
            pkg = None
            if len(node.args) > 1:
                a = node.args[1]
                if isinstance(a, ast.Name) and a.id == '__name__':
                    pkg = '__name__'
                elif isinstance(a, ast.Constant) and isinstance(a.value, str):
                    pkg = a.value
            self.found.append(('dynamic', (node.args[0].value, pkg), node.lineno,
                               self.depth > 0))
        self.generic_visit(node)


def module_imports(name, path, modules, root):
    """Every edge from module ``name`` (file ``path`` under ``root``) to a module in
    ``modules``, in source order."""
    top = name.split('.')[0]
    with open(os.path.join(root, path), encoding='utf-8') as f:
        tree = ast.parse(f.read(), filename=path)
    col = _Collector()
    col.visit(tree)
    is_pkg = _is_package(path)
    edges = []

    def inside(m):
        return m == top or m.startswith(top + '.')

    def add(target, line, fl):
        """An explicit edge to ``target`` (a module) plus implicit ones to its packages."""
        if not inside(target):
            return
        # a target that is not in the tree (a module being written, say) keeps its name: the
        # table may place it, or the coverage check reports it
        if target != name:
            edges.append(Edge(name, target, path, line, fl, False))
        parts = target.split('.')
        for i in range(len(parts) - 1, 0, -1):
            pkg = '.'.join(parts[:i])
            if pkg == name or name.startswith(pkg + '.'):
                continue     # a package containing the importer: already being imported
            if pkg in modules:
                edges.append(Edge(name, pkg, path, line, fl, True))

    for kind, data, line, fl in col.found:
        if kind == 'import':
            add(data[0], line, fl)
        elif kind == 'from':
            level, mod, names = data
            base = _resolve_relative(name, is_pkg, level, mod)
            if not inside(base):
                continue
            sub = [n for n in names if n != '*' and base + '.' + n in modules]
            rest = [n for n in names if n == '*' or base + '.' + n not in modules]
            if rest or not sub:
                add(base, line, fl)
            for n in sub:
                add(base + '.' + n, line, fl)   # add() adds base's __init__ as needed
        else:  # dynamic
            target, pkg = data
            if target.startswith('.'):
                level = len(target) - len(target.lstrip('.'))
                # importlib resolves against ``package`` as a package, even a module's
                # __name__: import_module('.x', 'p.m') is p.m.x, ('..x', 'p.m') is p.x
                anchor = name if pkg == '__name__' else pkg
                if not anchor:
                    continue
                base = _resolve_relative(anchor, True, level, target[level:])
            else:
                base = target
            add(base, line, fl)
    # one edge per (dst, line): ``from P import a, b`` may yield P twice, and an explicit
    # edge makes an implicit one to the same module on the same line redundant
    explicit = {(e.dst, e.line) for e in edges if not e.implicit}
    seen, out = set(), []
    for e in edges:
        k = (e.dst, e.line)
        if k not in seen and not (e.implicit and k in explicit):
            seen.add(k)
            out.append(e)
    return out


def all_edges(root, package=PACKAGE):
    modules = discover_modules(root, package)
    edges = []
    for name in sorted(modules):
        edges.extend(module_imports(name, modules[name], modules, root))
    return modules, edges


# ---------------------------------------------------------------------------------------------
# Layers and checks

def layer_of(module, layers=LAYERS, top=TOP):
    """(index, name) of module's layer; (inf, 'top') for the package itself; None if none."""
    if module == top:
        return (float('inf'), 'top: %s/__init__.py' % top.replace('.', '/'))
    best = None
    for idx, lname, entries in layers:
        for entry in entries:
            if module == entry or module.startswith(entry + '.'):
                if best is None or len(entry) > best[0]:
                    best = (len(entry), idx, lname)
    return None if best is None else best[1:]


def _fmt_layer(layer):
    if layer is None:
        return 'no layer'
    if layer[0] == float('inf'):
        return layer[1]
    return 'layer %d %s' % layer


def upward_violations(edges, layers=LAYERS, checked_up_to=CHECKED_UP_TO, top=TOP):
    """Edges from a checked layer to a higher layer (or to ``top``), one line each. An
    implicit edge to a package is left out when the same line has an upward explicit edge to
    one of its submodules (fixing that line fixes both)."""
    bad = []
    for e in edges:
        ls, ld = layer_of(e.src, layers, top), layer_of(e.dst, layers, top)
        if ls is None or ls[0] > checked_up_to or ld is None:
            continue      # modules in no layer are test_layer_table_covers_the_core's business
        if ld[0] > ls[0]:
            bad.append(e)
    explicit = {(e.src, e.line, e.dst) for e in bad if not e.implicit}
    return [e for e in bad if not (e.implicit and any(
        s == e.src and l == e.line and d.startswith(e.dst + '.') for s, l, d in explicit))]


def format_violation(e, layers=LAYERS, top=TOP):
    return '%s:%d %s (%s) imports %s (%s)%s%s' % (
        e.path, e.line, e.src, _fmt_layer(layer_of(e.src, layers, top)), e.dst,
        _fmt_layer(layer_of(e.dst, layers, top)),
        ' [function-level]' if e.function_level else '',
        ' [its package __init__]' if e.implicit else '')


def _graph(edges, function_level, layers, checked_up_to, top):
    """{src: {dst: [edges]}} of the same-layer edges among checked modules; with
    ``function_level`` False only module-level edges."""
    g = collections.defaultdict(lambda: collections.defaultdict(list))
    for e in edges:
        if e.function_level and not function_level:
            continue
        ls, ld = layer_of(e.src, layers, top), layer_of(e.dst, layers, top)
        if ls is None or ld is None or ls[0] > checked_up_to or ls[0] != ld[0]:
            continue
        g[e.src][e.dst].append(e)
    return g


def _sccs(g):
    """Strongly connected components (iterative Tarjan), each a sorted list."""
    nodes = sorted(set(g) | {d for s in g for d in g[s]})
    index, low, on, stack, out, counter = {}, {}, set(), [], [], [0]
    for root in nodes:
        if root in index:
            continue
        work = [(root, iter(sorted(g.get(root, ()))))]
        index[root] = low[root] = counter[0]
        counter[0] += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(sorted(g.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    out.append(sorted(comp))
    return out


def _shortest_path(g, src, dst, allowed):
    prev, queue, seen = {}, collections.deque([src]), {src}
    while queue:
        v = queue.popleft()
        if v == dst:
            path = [v]
            while path[-1] != src:
                path.append(prev[path[-1]])
            return path[::-1]
        for w in sorted(g.get(v, ())):
            if w in allowed and w not in seen:
                seen.add(w)
                prev[w] = v
                queue.append(w)
    return None


def find_cycles(edges, function_level, layers=LAYERS, checked_up_to=CHECKED_UP_TO, top=TOP):
    """Cycles within one layer: for every edge u -> v that lies on a cycle, the shortest
    cycle through it (deduplicated), so that every edge that closes a cycle is shown. Each
    cycle is a list of (module, edge to the next module)."""
    g = _graph(edges, function_level, layers, checked_up_to, top)
    cycles, seen = [], set()
    for comp in _sccs(g):
        members = set(comp)
        if len(comp) == 1 and comp[0] not in g.get(comp[0], {}):
            continue
        for u in comp:
            for v in sorted(g.get(u, ())):
                if v not in members:
                    continue
                back = _shortest_path(g, v, u, members)
                nodes = [u] + back[:-1] if back else [u]
                k = nodes.index(min(nodes))
                canon = tuple(nodes[k:] + nodes[:k])
                if canon in seen:
                    continue
                seen.add(canon)
                cyc = []
                for i, a in enumerate(canon):
                    b = canon[(i + 1) % len(canon)]
                    sites = g[a][b]
                    # prefer a module-level site (it is the one that must change first)
                    site = sorted(sites, key=lambda e: (e.function_level, e.implicit, e.line))[0]
                    cyc.append((a, site))
                cycles.append(cyc)
    cycles.sort(key=lambda c: (len(c), [m for m, _ in c]))
    return cycles


def format_cycle(cycle):
    parts = [cycle[0][0]]
    for _, e in cycle:
        parts.append('%s (%s:%d%s)' % (e.dst, e.path, e.line,
                                       ', function-level' if e.function_level else ''))
    return 'cycle: ' + ' -> '.join(parts)


def coverage_problems(modules, edges, layers=LAYERS, checked_up_to=CHECKED_UP_TO, top=TOP,
                      may_be_absent=MAY_BE_ABSENT):
    problems = []
    for m in sorted(modules):
        if layer_of(m, layers, top) is None:
            problems.append('%s (%s) is in no layer: add it to LAYERS' % (m, modules[m]))
    for e in edges:
        ls = layer_of(e.src, layers, top)
        if ls is not None and ls[0] <= checked_up_to and layer_of(e.dst, layers, top) is None:
            problems.append('%s:%d %s (%s) imports %s, which is in no layer: add it to LAYERS'
                            % (e.path, e.line, e.src, _fmt_layer(ls), e.dst))
    for idx, lname, entries in layers:
        for entry in entries:
            if entry in modules or entry in may_be_absent:
                continue
            problems.append('LAYERS entry %r (layer %d %s) names no module under %s/'
                            % (entry, idx, lname, top))
    return problems


def report(root=ROOT):
    modules, edges = all_edges(root)
    up = upward_violations(edges)
    cyc_mod = find_cycles(edges, function_level=False)
    cyc_all = find_cycles(edges, function_level=True)
    mod_keys = {tuple(m for m, _ in c) for c in cyc_mod}
    cyc_fn = [c for c in cyc_all if tuple(m for m, _ in c) not in mod_keys]
    cov = coverage_problems(modules, edges)
    lines = ['Layering report for %s/ (tests/test_layering.py)' % PACKAGE, '']
    lines.append('Layers:')
    for idx, lname, entries in LAYERS:
        present = [e for e in entries if e in modules or
                   any(m.startswith(e + '.') for m in modules)]
        absent = [e for e in entries if e not in present]
        lines.append('  %d %s: %s%s' % (idx, lname, ', '.join(present),
                                       ('  (absent: %s)' % ', '.join(absent)) if absent else ''))
    lines.append('')
    lines.append('Summary: %d upward imports, %d module-level cycles, %d more cycles through '
                 'function-level imports, %d table problems'
                 % (len(up), len(cyc_mod), len(cyc_fn), len(cov)))
    lines.append('')
    lines.append('== Upward imports (rule 1), grouped by importing module ==')
    by_mod = collections.OrderedDict()
    for e in sorted(up, key=lambda e: (e.src, e.line, e.dst)):
        by_mod.setdefault(e.src, []).append(e)
    if not by_mod:
        lines.append('(none)')
    for m, es in by_mod.items():
        lines.append('-- %s (%s): %d' % (m, _fmt_layer(layer_of(m)), len(es)))
        lines.extend('  ' + format_violation(e) for e in es)
    lines.append('')
    lines.append('== Cycles among module-level imports within a layer (rule 2a) ==')
    lines.extend([format_cycle(c) for c in cyc_mod] or ['(none)'])
    lines.append('')
    lines.append('== Further cycles once function-level imports count (rule 2b) ==')
    lines.extend([format_cycle(c) for c in cyc_fn] or ['(none)'])
    lines.append('')
    lines.append('== Same-layer edges on a cycle, grouped by importing module ==')
    on_cycle = collections.defaultdict(set)
    for c in cyc_mod + cyc_fn:
        for a, e in c:
            on_cycle[a].add(e.dst)
    g_all = _graph(edges, True, LAYERS, CHECKED_UP_TO, TOP)
    if not on_cycle:
        lines.append('(none)')
    for m in sorted(on_cycle):
        lines.append('-- %s' % m)
        for d in sorted(on_cycle[m]):
            for e in sorted(g_all[m][d], key=lambda e: e.line):
                lines.append('  %s:%d %s -> %s%s%s' % (
                    e.path, e.line, m, d, ' [function-level]' if e.function_level else '',
                    ' [its package __init__]' if e.implicit else ''))
    lines.append('')
    lines.append('== Layer table problems (rule 3) ==')
    lines.extend(cov or ['(none)'])
    return '\n'.join(lines) + '\n'


# ---------------------------------------------------------------------------------------------
# The tests on the real tree

@pytest.fixture(scope='module')
def tree():
    return all_edges(ROOT)


def test_core_imports_only_downward(tree):
    _, edges = tree
    bad = upward_violations(edges)
    if bad:
        pytest.fail('%d upward imports in the core:\n%s' % (
            len(bad), '\n'.join(format_violation(e) for e in bad)), pytrace=False)


def test_no_module_level_cycles_within_a_layer(tree):
    _, edges = tree
    cycles = find_cycles(edges, function_level=False)
    if cycles:
        pytest.fail('%d module-level import cycles within a layer:\n%s' % (
            len(cycles), '\n'.join(format_cycle(c) for c in cycles)), pytrace=False)


def test_no_cycles_within_a_layer_with_function_level_imports(tree):
    _, edges = tree
    cycles = find_cycles(edges, function_level=True)
    if cycles:
        pytest.fail('%d import cycles within a layer (function-level imports included):\n%s'
                    % (len(cycles), '\n'.join(format_cycle(c) for c in cycles)), pytrace=False)


def test_layer_table_covers_the_core(tree):
    modules, edges = tree
    problems = coverage_problems(modules, edges)
    if problems:
        pytest.fail('%d layer table problems:\n%s' % (len(problems), '\n'.join(problems)),
                    pytrace=False)


# ---------------------------------------------------------------------------------------------
# The checker itself, on a synthetic tree

def _write(root, files):
    for rel, text in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)


SYNTHETIC = {
    'pkg/__init__.py': 'from . import a\nTOPNAME = 1\n',
    'pkg/a.py': (
        'import os, numpy\n'                        # 1 outside the package: ignored
        'from .sub import b\n'                      # 2 pkg.sub.b (+ pkg.sub's __init__)
        'from . import TOPNAME\n'                   # 3 a name of pkg/__init__: pkg
        'class K:\n'
        '    from . import c\n'                     # 5 class body: module level
        'def f():\n'
        '    from .sub.b import thing\n'            # 7 function level
        '    def g():\n'
        '        import pkg.c\n'                    # 9 nested function
        '    return thing\n'),
    'pkg/c.py': (
        'try:\n'
        '    from .a import f\n'                    # 2 try block: module level
        'except ImportError:\n'
        '    pass\n'
        'from typing import TYPE_CHECKING\n'
        'if TYPE_CHECKING:\n'
        '    from .sub import b, helper\n'          # 7 pkg.sub.b and pkg.sub (helper)
        'import importlib\n'
        'importlib.import_module("..sub.b", __name__)\n'),   # 9 literal dynamic import
    'pkg/sub/__init__.py': 'from . import b\nhelper = 2\n',
    'pkg/sub/b.py': (
        'from ..a import f\n'                       # 1 pkg.a (pkg itself: an ancestor)
        'from .. import c, TOPNAME\n'               # 2 pkg.c and pkg
        'from . import helper\n'                    # 3 own package's __init__
        'lam = lambda: __import__("pkg.c")\n'),     # 4 lambda: function level
    'pkg/d.py': 'def f():\n    from . import e\n',  # a cycle only through a function
    'pkg/e.py': 'from . import d\n',
}


def _edge_set(edges):
    return {(e.src, e.dst, e.line, e.function_level, e.implicit) for e in edges}


def test_resolver_on_a_synthetic_tree(tmp_path):
    _write(tmp_path, SYNTHETIC)
    modules, edges = all_edges(str(tmp_path), 'pkg')
    assert set(modules) == {'pkg', 'pkg.a', 'pkg.c', 'pkg.d', 'pkg.e', 'pkg.sub', 'pkg.sub.b'}
    assert modules['pkg.sub'] == 'pkg/sub/__init__.py'
    got = _edge_set(edges)
    want = {
        ('pkg', 'pkg.a', 1, False, False),
        ('pkg.a', 'pkg.sub.b', 2, False, False),
        ('pkg.a', 'pkg.sub', 2, False, True),
        ('pkg.a', 'pkg', 3, False, False),
        ('pkg.a', 'pkg.c', 5, False, False),
        ('pkg.a', 'pkg.sub.b', 7, True, False),
        ('pkg.a', 'pkg.sub', 7, True, True),
        ('pkg.a', 'pkg.c', 9, True, False),
        ('pkg.c', 'pkg.a', 2, False, False),
        ('pkg.c', 'pkg.sub.b', 7, False, False),
        ('pkg.c', 'pkg.sub', 7, False, False),
        ('pkg.c', 'pkg.sub.b', 9, False, False),
        ('pkg.c', 'pkg.sub', 9, False, True),
        ('pkg.sub', 'pkg.sub.b', 1, False, False),
        ('pkg.sub.b', 'pkg.a', 1, False, False),
        ('pkg.sub.b', 'pkg.c', 2, False, False),
        ('pkg.sub.b', 'pkg', 2, False, False),
        ('pkg.sub.b', 'pkg.sub', 3, False, False),
        ('pkg.sub.b', 'pkg.c', 4, True, False),
        ('pkg.d', 'pkg.e', 2, True, False),
        ('pkg.e', 'pkg.d', 1, False, False),
    }
    assert got == want, ('missing %s\nunexpected %s' % (sorted(want - got), sorted(got - want)))
    assert all(e.path == modules[e.src] for e in edges)


def test_rules_on_a_synthetic_tree(tmp_path):
    _write(tmp_path, SYNTHETIC)
    modules, edges = all_edges(str(tmp_path), 'pkg')
    layers = [(0, 'low', ['pkg.sub']),
              (1, 'mid', ['pkg.a', 'pkg.c', 'pkg.d', 'pkg.e', 'pkg.gone'])]
    kw = dict(layers=layers, checked_up_to=1, top='pkg')
    up = upward_violations(edges, **kw)
    lines = [format_violation(e, layers, 'pkg') for e in up]
    assert 'pkg/sub/b.py:1 pkg.sub.b (layer 0 low) imports pkg.a (layer 1 mid)' in lines
    assert 'pkg/sub/b.py:4 pkg.sub.b (layer 0 low) imports pkg.c (layer 1 mid) ' \
           '[function-level]' in lines
    assert 'pkg/a.py:3 pkg.a (layer 1 mid) imports pkg (top: pkg/__init__.py)' in lines
    assert not any(e.src == 'pkg.a' and e.dst.startswith('pkg.sub') for e in up)
    # module level: a -> c (class body, line 5) -> a (try block, line 2), and in layer 0 a
    # package and its submodule: sub -> sub.b (line 1) -> sub (line 3)
    mod = [format_cycle(c) for c in find_cycles(edges, False, **kw)]
    assert mod == ['cycle: pkg.a -> pkg.c (pkg/a.py:5) -> pkg.a (pkg/c.py:2)',
                   'cycle: pkg.sub -> pkg.sub.b (pkg/sub/__init__.py:1) -> pkg.sub '
                   '(pkg/sub/b.py:3)']
    # function-level imports add d -> e -> d (a -> c at line 9 is the same cycle as above)
    every = [format_cycle(c) for c in find_cycles(edges, True, **kw)]
    assert every == mod[:1] + ['cycle: pkg.d -> pkg.e (pkg/d.py:2, function-level) -> pkg.d '
                               '(pkg/e.py:1)'] + mod[1:]
    problems = coverage_problems(modules, edges, may_be_absent=set(), **kw)
    assert "LAYERS entry 'pkg.gone' (layer 1 mid) names no module under pkg/" in problems
    assert not any('pkg.sub' in p and 'no layer' in p for p in problems)
    # a module in no layer that a checked module imports must be reported
    layers2 = [(0, 'low', ['pkg.sub']), (1, 'mid', ['pkg.a'])]
    problems = coverage_problems(modules, edges, layers=layers2, checked_up_to=1, top='pkg',
                                 may_be_absent=set())
    assert 'pkg/a.py:5 pkg.a (layer 1 mid) imports pkg.c, which is in no layer: add it to ' \
           'LAYERS' in problems
    assert 'pkg.c (pkg/c.py) is in no layer: add it to LAYERS' in problems


if __name__ == '__main__':
    text = report()
    if len(sys.argv) > 1:
        with open(sys.argv[1], 'w') as f:
            f.write(text)
    else:
        sys.stdout.write(text)
