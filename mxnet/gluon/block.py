"""Gluon ``Block``, ``HybridBlock`` and ``SymbolBlock``.

Blocks own Parameters through a prefixed ``ParameterDict`` and register children assigned as
attributes. ``HybridBlock.forward`` calls ``hybrid_forward(F, x, *args, **params)`` with ``F`` the
``mx.nd`` namespace. Deferred initialization (parameters with unknown dims) is finished on the
first call by running ``hybrid_forward`` once with a namespace whose operators fill unknown
parameter shapes from their inputs (each registry op's ``infer_shape`` hook).

``hybridize()`` makes the next call trace ``hybrid_forward`` with ``F = mx.sym`` into one graph
(children included), finish deferred initialization through the graph's shape inference and
compile the graph into a :class:`mxnet._cached_op.CachedOp` that every later call runs.
``export`` writes that graph and the parameters in MXNet's formats; ``SymbolBlock`` runs any
Symbol graph (``SymbolBlock.imports`` reads exported files).

This module is the public face only; the code lives in modules that import each other one
way: ``_block`` (Block) <- ``_hybrid`` (HybridBlock, uses ``_deferred``) <- ``_symbol_block``
(SymbolBlock). None of them imports this module, so there is no import cycle. Every name this
module had before the split (private helpers and imported modules included) is still here.
"""
# the names this module imported when it held all the code (kept so they stay importable)
import copy  # noqa: F401
import json  # noqa: F401
import re  # noqa: F401
import threading  # noqa: F401
import warnings  # noqa: F401
from collections import OrderedDict, defaultdict  # noqa: F401

import numpy as np  # noqa: F401

from ..base import MXNetError, _atomic_write  # noqa: F401
from .. import name as _name  # noqa: F401
from .. import initializer  # noqa: F401
from .. import ndarray as nd  # noqa: F401
from ..ndarray import NDArray  # noqa: F401
from ..ndarray.ndarray import _wrap, _opctx  # noqa: F401
from .parameter import (Parameter, ParameterDict, DeferredInitializationError,  # noqa: F401
                        _brief_list, _indent, GluonAssertionError, GluonValueError)

from ._block import _BlockScope, HookHandle, Block  # noqa: F401
from ._deferred import (_Pending, _InferF, _realize, _plain_wrapper,  # noqa: F401
                        _infer_wrapper, _fill_shapes)
from ._hybrid import (_flatten, _regroup, _gather_type_ctx_info, _lazy_symbol,  # noqa: F401
                      _SymbolType, _SymMeta, _Symbol, HybridBlock)
from ._symbol_block import _common_prefix, SymbolBlock, _infer_param_types  # noqa: F401

__all__ = ['Block', 'HybridBlock', 'SymbolBlock']
