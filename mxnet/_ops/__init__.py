"""The operator registry (private) and every operator, one module per family.

Importing this package registers all operators; the ``mx.nd`` and ``mx.sym`` namespaces are
generated from the registry afterwards. MXNet's public ``mx.operator`` module (operator
introspection, custom operators) is ``mxnet/operator.py``; it reads this registry.
"""
import importlib

from .registry import register, get, all_ops, Param, OpError  # noqa: F401
from . import params  # noqa: F401

# operator families; each module registers its ops on import. A family listed here that is
# missing or fails to import is an error: nothing is skipped silently.
_FAMILIES = ('creation', 'elemwise', 'unary', 'reduce', 'shape', 'indexing', 'nn', 'conv',
             'norm', 'output', 'sequence', 'rnn', 'contrib', 'detection', 'linalg', 'random',
             'optimizer_ops', 'image', 'custom', 'control_flow')

for _f in _FAMILIES:
    importlib.import_module('.' + _f, __name__)
del _f
