"""Public operator functions of ``mx.nd``, generated from the registry at import.

The highest module of the package but ``fluent``, ``utils`` and ``__init__`` (see the order in
``mxnet/ndarray/__init__.py``): it fills itself, ``_internal``, ``linalg``, ``contrib``,
``image`` and ``sparse`` with the generated functions, then ``_install()`` (at the end) gives
the modules below that call operators (``_handle``: ``x.flatten()``, ``abs(x)``...;
``_creation``: ``zeros_like``...; ``_arith``: ``logical_*``; ``sparse``: its arithmetic;
``contrib``: foreach/while_loop's stack and concat) this
module as their global ``_op``.
"""
import sys as _sys

from .. import _ops as _operator  # noqa: F401  (registers every op)
from . import _internal, linalg, contrib, image, sparse
from . import _sparse_ops  # registers the sparse-only operators before the functions are made
from . import _handle, _creation, _arith
from .register import populate as _populate

_populate(_sys.modules[__name__], _internal,
          {'linalg': linalg, 'contrib': contrib, 'image': image, 'sparse': sparse})
_sparse_ops.install_names(_sys.modules[__name__])  # sparse-aware cast_storage, nd.sparse's names


def _install():
    """The operator functions, for the modules below that call them."""
    mod = _sys.modules[__name__]
    _handle._op = mod
    _creation._op = mod
    _arith._op = mod
    sparse._op = mod
    contrib._op = mod


_install()
