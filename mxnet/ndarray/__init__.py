"""``mx.nd``: NDArray and its operators."""
from .ndarray import *  # noqa: F401,F403
from .ndarray import NDArray, _wrap
from . import op, _internal, linalg, contrib, image, sparse  # noqa: F401
sparse._install(op, _internal)  # sparse-aware cast_storage, nd.sparse's op names
from .op import *  # noqa: F401,F403
from . import random  # noqa: F401
from .utils import save, load, load_frombuffer  # noqa: F401
from .ndarray import (add, subtract, multiply, divide, true_divide, modulo, power,  # noqa: F401
                      maximum, minimum, equal, not_equal, greater, greater_equal, lesser,
                      lesser_equal, logical_and, logical_or, logical_xor, negative, array,
                      empty, zeros, ones, full, arange, linspace, eye, zeros_like, ones_like)
from . import fluent as _fluent

_fluent.install(NDArray, op)
from ..base import _DTYPE_NP_TO_MX, _DTYPE_MX_TO_NP  # noqa: F401,E402

_GRAD_REQ_MAP = {'null': 0, 'write': 1, 'add': 3}
from .._cached_op import CachedOp  # noqa: F401,E402
