"""The operator registry and every operator, one module per family.

Importing this package registers all operators; ``mx.nd`` (and ``mx.sym``) namespaces are
generated from the registry afterwards.

As a module, ``mx.operator`` also offers MXNet's operator introspection
(``get_all_registered_operators``, ``get_operator_arguments``). ``__all__`` lists what
``from mxnet.operator import *`` gives, as in MXNet: the introspection helpers and the few
ctypes names MXNet's ``operator.py`` has at module level, never the family modules (``random``
would shadow Python's module in the importer).
"""
import collections
import ctypes
import importlib

from .registry import register, get, all_ops, Param, OpError  # noqa: F401
from . import params  # noqa: F401
from ..base import (MXNetError, NDArrayHandle, OpHandle, py_str, c_str, c_array,  # noqa: F401
                    check_call, mx_uint, mx_int, mx_float)

__all__ = ['get_all_registered_operators', 'get_operator_arguments', 'OperatorArguments',
           'ctypes', 'collections', 'NDArrayHandle', 'OpHandle', 'py_str', 'c_str', 'c_array',
           'check_call', 'mx_uint', 'mx_int', 'mx_float', 'NDArray', 'array']

# operator families; each module registers its ops on import
_FAMILIES = ('creation', 'elemwise', 'unary', 'reduce', 'shape', 'indexing', 'nn', 'conv',
             'norm', 'output', 'sequence', 'rnn', 'misc_nn', 'contrib', 'detection', 'linalg', 'random',
             'optimizer_ops', 'image')

for _f in _FAMILIES:
    try:
        importlib.import_module('.' + _f, __name__)
    except ModuleNotFoundError as _e:  # a family not written yet
        if _e.name != __name__ + '.' + _f:
            raise

OperatorArguments = collections.namedtuple('OperatorArguments', ['narg', 'names', 'types'])


def get_all_registered_operators():
    """Names (and aliases) of every registered operator, as a list."""
    return sorted(all_ops())


def get_operator_arguments(op_name):
    """``OperatorArguments(narg, names, types)`` of an operator: its array inputs
    ('NDArray-or-Symbol', or 'NDArray-or-Symbol[]' for a variable number) followed by its
    parameters with MXNet's type strings ("int, required", "float, optional, default=1")."""
    op = get(op_name)
    names, types = [], []
    if op.variadic:
        names.append('data')
        types.append('NDArray-or-Symbol[]')
    else:
        for nm in op.inputs:
            names.append(nm)
            types.append('NDArray-or-Symbol')
    for nm, p in op.params.items():
        if op.variadic and nm == op.variadic:
            continue
        names.append(nm)
        types.append(p.type_doc())
    return OperatorArguments(len(names), names, types)


def __getattr__(name):
    # NDArray / array as MXNet's operator.py has them, without importing ndarray at load time
    if name in ('NDArray', 'array'):
        from .. import ndarray
        return getattr(ndarray, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
