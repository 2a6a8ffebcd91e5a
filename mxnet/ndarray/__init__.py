"""``mx.nd``: NDArray and its operators.

The package's modules import one way only, down this order (lowest first; a module imports,
at module or function level, only modules before it):

1. ``_internal``, ``linalg``, ``image``: namespaces with no imports, filled by ``op``;
2. ``_capi``: libmxnet's DLPack C functions (installs them in ``base._LIB``);
3. ``_handle``: the NDArray class and the handle helpers;
4. ``_creation``: ``array``, ``zeros``... and the module-level helpers;
5. ``_arith``: the arithmetic fast path (``x + y``);
6. ``ndarray``: the public ``mxnet.ndarray.ndarray`` (re-exports 3-5);
7. ``indexing``: ``x[key]``, ``x[key] = v``;
8. ``sparse``: ``CSRNDArray``, ``RowSparseNDArray``, ``mx.nd.sparse``;
9. ``serialization``: MXNet's binary format, pickling;
10. ``register``: the generated operator functions;
11. ``_sparse_ops``: operators on sparse arrays;
12. ``random``, then ``contrib``: Python-level functions of ``mx.nd.random`` / ``mx.nd.contrib``;
13. ``op``: generates the operator functions (``mx.nd.op``);
14. ``fluent``: the fluent methods (``x.sum()``); it imports nothing;
15. ``utils``: ``save`` / ``load``;
16. this ``__init__``.

Where a module needs one above it at call time (NDArray's ``__getitem__`` is indexing's,
``x.flatten()`` runs an operator of ``op``...), the upper module installs it into the lower one
when it loads: ``_install()`` at the end of ``_arith``, ``indexing``, ``sparse``,
``serialization``, ``_sparse_ops`` and ``op`` (each one's docstring says what), and
``fluent.install`` called below. An installed method is the upper module's function itself,
set on the class.
"""
from .ndarray import *  # noqa: F401,F403
from .ndarray import NDArray, _wrap
from . import ndarray  # noqa: F401  (the module mxnet.ndarray.ndarray, for fluent below)
from . import _capi  # noqa: F401  (libmxnet's DLPack functions, answered by base._LIB)
from . import indexing, serialization  # noqa: F401  (NDArray's indexing and pickling methods)
from . import op, _internal, linalg, contrib, image, sparse  # noqa: F401
from .op import *  # noqa: F401,F403
from . import random  # noqa: F401
from .utils import save, load, load_frombuffer  # noqa: F401
from .ndarray import (add, subtract, multiply, divide, true_divide, modulo, power,  # noqa: F401
                      maximum, minimum, equal, not_equal, greater, greater_equal, lesser,
                      lesser_equal, logical_and, logical_or, logical_xor, negative, array,
                      empty, zeros, ones, full, arange, linspace, eye, zeros_like, ones_like)
from . import fluent as _fluent

_fluent.install(NDArray, op, ndarray)
from ..base import _DTYPE_NP_TO_MX, _DTYPE_MX_TO_NP  # noqa: F401,E402
from .._ops import custom as _custom_op  # noqa: E402

_custom_op.install_array(_wrap)  # the user's CustomOp callbacks get NDArrays

_GRAD_REQ_MAP = {'null': 0, 'write': 1, 'add': 3}
# CachedOp (mx.nd.CachedOp in MXNet) is set here by mxnet/__init__.py: mxnet._cached_op sits
# above mx.nd
