"""Nested lists of arrays or Symbols, flattened and rebuilt: the one rule Gluon's hybridize and
the control-flow functions (``mx.nd.contrib`` / ``mx.sym.contrib`` foreach, while_loop, cond)
share for their inputs and outputs.

A layout describes the nesting: for a leaf, 0 (one item), n > 1 (a Symbol of n outputs, kept
as one item) or -1 (None, for Gluon); for a list or tuple, the list of its items' layouts.
"""

__all__ = ['flatten', 'regroup']


def flatten(x, leaf, fail):
    """(flat list of leaves, layout) of ``x``. ``leaf(v)`` gives a leaf's layout number, or
    None when ``v`` is not a leaf; ``fail(v)`` raises for what is neither a leaf nor a list."""
    width = leaf(x)
    if width is not None:
        return [x], width
    if not isinstance(x, (list, tuple)):
        fail(x)
    items, layout = [], []
    for item in x:
        sub_items, sub = flatten(item, leaf, fail)
        items.extend(sub_items)
        layout.append(sub)
    return items, layout


def regroup(items, layout, check=None):
    """Inverse of :func:`flatten`: (the nested structure, the items left over). ``check(layout,
    items)``, when given, is called at every level first and raises for what it refuses."""
    if check is not None:
        check(layout, items)
    if isinstance(layout, int):
        if layout == 0:
            return items[0], items[1:]
        if layout == -1:
            return None, items[1:]
        return items[:layout], items[layout:]
    out = []
    for sub in layout:
        part, items = regroup(items, sub, check)
        out.append(part)
    return out, items
