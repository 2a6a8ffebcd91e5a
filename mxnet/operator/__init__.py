"""The operator registry and every operator, one module per family.

Importing this package registers all operators; ``mx.nd`` (and ``mx.sym``) namespaces are
generated from the registry afterwards.
"""
import importlib

from .registry import register, get, all_ops, Param, OpError  # noqa: F401
from . import params  # noqa: F401

# operator families; each module registers its ops on import
_FAMILIES = ('creation', 'elemwise', 'unary', 'reduce', 'shape', 'indexing', 'nn', 'conv',
             'norm', 'output', 'sequence', 'rnn', 'misc_nn', 'linalg', 'random',
             'optimizer_ops', 'image')

for _f in _FAMILIES:
    try:
        importlib.import_module('.' + _f, __name__)
    except ModuleNotFoundError as _e:  # a family not written yet
        if _e.name != __name__ + '.' + _f:
            raise
