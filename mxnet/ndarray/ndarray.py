"""NDArray: MXNet's n-dimensional array, a thin mutable handle on a torch.Tensor.

The handle owns ``_data`` (the tensor); in-place operations (``x[:] = v``, ``x += 1``, ``out=``)
write into that tensor so every reference to the handle sees the change. Autograd metadata
(``_grad``, ``_grad_req``) lives beside it; see :mod:`mxnet.autograd`.

This module is the public face, ``mxnet.ndarray.ndarray``: it re-exports (as MXNet's module
of this name has them) the NDArray class and handle helpers of ``_handle.py``, the creation
functions and module-level helpers of ``_creation.py`` and the arithmetic fast path of
``_arith.py``. Imports go one way: ``_handle`` <- ``_creation`` <- ``_arith`` <- ``ndarray``.
"""
# names this module has always had (other modules and MXNet's tests import them from here)
import ctypes  # noqa: F401
import operator as _pyop  # noqa: F401

import numpy as np  # noqa: F401
import torch  # noqa: F401

from ..base import (MXNetError, np_dtype, torch_dtype, _NP_TO_TORCH, _TORCH_TO_NPTYPE,  # noqa: F401
                    numeric_types, integer_types, _Null)
from ..context import Context, current_context, context_of, _CPU  # noqa: F401
from .. import _state  # noqa: F401
from .._tape import (INT_GRAD as _INT_GRAD, proxy as _proxy, in_graph as _in_graph,  # noqa: F401
                     set_proxy as _set_proxy, replay as _replay, record as _record)
from ._handle import (  # noqa: F401
    NDArray, _STATE, _STORAGE_TYPE_UNDEFINED, _STORAGE_TYPE_DEFAULT, _STORAGE_TYPE_ROW_SPARSE,
    _STORAGE_TYPE_CSR, _STORAGE_TYPE_STR_TO_ID, _STORAGE_TYPE_ID_TO_STR, py_slice, _new,
    _no_grad, _wrap, _opctx, _to_tensor_device, _shape_str, _NullCtx, _nullctx, _slices,
    infer_reshape, _reverse_codes, _assign, _scalar_for, _nonfinite_as_int, _record_op)
from ._creation import (  # noqa: F401
    array, _creation, empty, _fill_out, _creation_kwargs, _legacy_known_shape, zeros, ones,
    full, _check_stype, zeros_like, ones_like, full_like, arange, linspace, eye, from_numpy,
    from_dlpack, to_dlpack_for_read, to_dlpack_for_write, _normalize_axes, moveaxis,
    onehot_encode, split_v2, concatenate, histogram, imdecode, waitall)
from ._arith import (  # noqa: F401
    _mx_mod, _int_div, _rdiv_op, _cmp, _TORCH_BIN, _INT_BIN, _OPNAMES, _binary, _binary_error,
    _ASSIGN_IN_GRAPH, _INPLACE_RECORDING, _inplace, _unary_neg, _ufunc, add, subtract,
    multiply, divide, true_divide, modulo, power, maximum, minimum, equal, not_equal, greater,
    greater_equal, lesser, lesser_equal, _logical, logical_and, logical_or, logical_xor,
    negative, _replay_binary, _record_binary, _record_scalar)

__all__ = ['NDArray', 'array', 'empty', 'zeros', 'ones', 'full', 'arange', 'linspace', 'eye',
           'zeros_like', 'ones_like', 'full_like', 'waitall', 'add', 'subtract', 'multiply',
           'divide', 'true_divide', 'modulo', 'power', 'maximum', 'minimum', 'equal',
           'not_equal', 'greater', 'greater_equal', 'lesser', 'lesser_equal', 'logical_and',
           'logical_or', 'logical_xor', 'negative', 'from_numpy', 'from_dlpack', 'moveaxis',
           'onehot_encode', 'concatenate', 'to_dlpack_for_read', 'to_dlpack_for_write',
           'histogram', 'imdecode', 'split_v2']
