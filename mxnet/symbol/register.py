"""Generate the ``mx.sym`` operator functions from the operator registry (the same one as
``mx.nd``).

``make_function(opdef, func_name)`` returns ``f(*args, name=None, attr=None, **kwargs)``:
positional Symbols fill the op's inputs in order (any number for variadic ops such as Concat),
Symbol keyword args fill named inputs, the rest are parameters. Inputs left out become new
variables named ``<name>_<input>`` (``fc1_weight``, ``batchnorm0_moving_mean``); the node's
name comes from ``mx.name`` (``fullyconnected0``) and its attributes from ``mx.AttrScope``.
"""

from .._ops.binder import split_call, signature, doc as _doc, populate as _populate
from .symbol import Symbol, _build, _is_sym

def make_function(opdef, func_name=None):
    """``mx.sym.X`` for ``opdef``: binds the call as every front end does (``_ops.binder``)
    and composes the node (:func:`_build`)."""
    func_name = func_name or opdef.name
    hint = func_name.lower()

    def f(*args, name=None, attr=None, **kwargs):
        kwargs.pop('out', None)
        pos, named, params = split_call(opdef, args, kwargs, _is_sym)
        gap = False
        for a in pos:
            if a is None and not opdef.variadic:
                gap = True      # a left-out input: only more left-out ones may follow
            elif gap or not isinstance(a, Symbol):
                raise TypeError('Compose expect `Symbol` as arguments')
        for v in named.values():
            if not isinstance(v, Symbol):
                raise TypeError('Compose expect `Symbol` as arguments')
        return _build(opdef, hint, name, attr, pos, named, params)

    f.__name__ = func_name
    f.__qualname__ = func_name
    f.__module__ = 'mxnet.symbol'
    f.__doc__ = _doc(opdef, 'sym')
    try:
        f.__signature__ = signature(opdef, 'sym')
    except ValueError:
        pass
    f.opdef = opdef
    return f


def populate(op_mod, internal_mod, submodules):
    """Install ``mx.sym`` functions for every registry op name and alias (the binder's
    layout); a sub-namespace function is made under its short name, since MXNet names a node
    after the function called (linalg.gemm2 -> gemm20)."""
    _populate(make_function, op_mod, internal_mod, submodules, short_make=make_function)
