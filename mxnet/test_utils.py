"""Testing helpers with MXNet 1.9.1's names (``mx.test_utils``).

The Symbol checks (``check_numeric_gradient``, ``check_symbolic_forward/backward``,
``check_consistency``, ``check_speed``, ``simple_forward``) bind the Symbol to an executor as
MXNet does. ``check_numeric_gradient``, ``check_symbolic_forward/backward``, ``simple_forward``
and ``check_speed`` also accept a Python callable taking NDArrays (a remx extension), run
imperatively under autograd; the operator tests use it to check gradients against finite
differences.
"""
import bz2  # noqa: F401
import contextlib as _contextlib
import errno  # noqa: F401
import gzip  # noqa: F401
import json
import logging  # noqa: F401
import platform  # noqa: F401
import struct  # noqa: F401
import time
import traceback
import zipfile  # noqa: F401
from collections import OrderedDict
from contextlib import contextmanager  # noqa: F401
import numbers
import os
import sys

import numpy as np
import numpy.random as rnd  # noqa: F401
import numpy.testing as npt

import mxnet as mx  # noqa: F401  (MXNet's test_utils exposes mx; the package is initialising)
from .base import MXNetError as _MXNetError
from .context import Context, current_context  # noqa: F401
from .context import cpu as _cpu, gpu as _gpu, num_gpus as _num_gpus  # noqa: F401
from .ndarray.ndarray import _STORAGE_TYPE_STR_TO_ID
from .ndarray import array
from .symbol import Symbol
from .symbol.numpy import _Symbol as np_symbol  # noqa: F401
from .runtime import Features  # noqa: F401
from .util import use_np  # noqa: F401
from . import ndarray as _nd
from .ndarray import NDArray as _NDArray
from . import autograd as _autograd

_features = Features()


_default_ctx = [None]


def default_context():
    """The context tests run on (``MXNET_TEST_DEVICE`` / set_default_context, else current)."""
    if _default_ctx[0] is not None:
        return _default_ctx[0]
    return current_context()


def set_default_context(ctx):
    _default_ctx[0] = ctx


def default_dtype():
    return np.float32


def list_gpus():
    return list(range(_num_gpus()))


def default_rtols():
    """Default relative tolerances for comparisons, per numpy dtype."""
    return {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4,
            np.dtype(np.float64): 1e-5, np.dtype(np.bool_): 0, np.dtype(np.int8): 0,
            np.dtype(np.uint8): 0, np.dtype(np.int32): 0, np.dtype(np.uint32): 0,
            np.dtype(np.int64): 0, np.dtype(np.uint64): 0}


def default_atols():
    """Default absolute tolerances for comparisons, per numpy dtype."""
    return {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
            np.dtype(np.float64): 1e-20, np.dtype(np.bool_): 0, np.dtype(np.int8): 0,
            np.dtype(np.uint8): 0, np.dtype(np.int32): 0, np.dtype(np.uint32): 0,
            np.dtype(np.int64): 0, np.dtype(np.uint64): 0}


def default_numeric_eps():
    """Default finite-difference step per floating dtype (powers of two)."""
    return {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
            np.dtype(np.float64): 1.0 / 2 ** 14}


def effective_dtype(dat):
    return np.dtype(dat.dtype)


def get_tolerance(dat, tol, default_tol):
    """The tolerance for comparing dat: tol itself when a number, else tol's (a dict) or
    default_tol's entry for dat's dtype."""
    if isinstance(tol, numbers.Number):
        return tol
    dtype = effective_dtype(dat)
    tol = {} if tol is None else tol
    return tol.get(dtype, default_tol.get(dtype, 0))


def get_tols(x, y, rtol, atol):
    """(rtol, atol) for comparing x and y: the larger default of the two dtypes unless given."""
    if isinstance(x, numbers.Number):
        x = np.array(x)
    if isinstance(y, numbers.Number):
        y = np.array(y)
    rtol = max(get_tolerance(x, rtol, default_rtols()), get_tolerance(y, rtol, default_rtols()))
    atol = max(get_tolerance(x, atol, default_atols()), get_tolerance(y, atol, default_atols()))
    return rtol, atol


def get_rtol(rtol=None, dtype=np.dtype(np.float64)):
    """rtol, or the default relative tolerance of dtype when None."""
    return default_rtols()[np.dtype(dtype)] if rtol is None else rtol


def get_atol(atol=None, dtype=np.dtype(np.float64)):
    """atol, or the default absolute tolerance of dtype when None."""
    return default_atols()[np.dtype(dtype)] if atol is None else atol


def get_etol(etol=None):
    """etol (the tolerated fraction of mismatching elements), 0 when None."""
    return 0 if etol is None else etol


def _as_np(a):
    if isinstance(a, _NDArray):
        return a.asnumpy()
    return np.asarray(a)


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    """Whether a and b are element-wise equal within ``atol + rtol * |b|`` (np.allclose)."""
    a, b = _as_np(a), _as_np(b)
    if not use_broadcast:
        checkShapes(a, b)
    return np.allclose(a, b, rtol=get_rtol(rtol), atol=get_atol(atol), equal_nan=equal_nan)


def _find_max_violation(a, b, rtol, atol):
    """(index, violation) of the element where |a - b| / (atol + rtol |b|) is largest; equal
    elements (infinities included) count as no violation."""
    with np.errstate(invalid='ignore', over='ignore'):
        absdiff = np.where(np.equal(a, b), 0, np.abs(a - b))
        violation = absdiff / (atol + rtol * np.abs(b) + 1e-20)
    idx = tuple(int(i) for i in np.unravel_index(np.argmax(violation), violation.shape))
    return idx, np.max(violation)


def _err_msg(a, b, err_msg):
    with np.printoptions(threshold=4, suppress=True):
        return npt.build_err_msg([a, b], err_msg=err_msg)


def _mismatch_report(a, b, rtol, atol, names, equal_nan, mismatches):
    """MXNet's mismatch report: prints the largest violations, returns the error message."""
    a, b = np.broadcast_arrays(a, b)
    index, rel = _find_max_violation(a, b, rtol, atol)
    if index == ():
        return 'Error %f exceeds tolerance rtol=%e, atol=%e.\n' % (rel, rtol, atol)
    first_index, first_rel = index, rel
    print('\n*** Maximum errors for vector of size {}:  rtol={}, atol={}\n'.format(
        a.size, rtol, atol))
    a_left, b_left = a.copy(), b.copy()
    i = 1
    while i <= a.size:
        if i <= mismatches[0]:
            print('%3d: Error %f  %s' % (i, rel, locationError(a, b, index, names)))
        a_left[index] = b_left[index] = 0
        if almost_equal(a_left, b_left, rtol, atol, equal_nan=equal_nan):
            break
        i += 1
        if i <= mismatches[1] or mismatches[1] <= 0:
            index, rel = _find_max_violation(a_left, b_left, rtol, atol)
        else:
            break
    degree = 'at least ' if mismatches[1] > 0 and i > mismatches[1] else ''
    return 'Error %f exceeds tolerance rtol=%e, atol=%e (mismatch %s%f%%).\n%s' % (
        first_rel, rtol, atol, degree, 100 * i / a.size,
        locationError(a, b, first_index, names, maxError=True))


def assert_almost_equal(a, b, rtol=None, atol=None, names=('a', 'b'), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Assert a and b (NDArrays or numpy arrays) are equal within tolerances.

    rtol / atol: a number, a dict dtype -> number, or None for the defaults of the less
    precise of the two dtypes. On failure prints the largest violations (up to
    ``mismatches[0]``, counting up to ``mismatches[1]``) and raises AssertionError with
    MXNet's message.
    """
    if not use_broadcast:
        checkShapes(a, b)
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = _as_np(a), _as_np(b)
    if a.dtype == np.bool_ and b.dtype == np.bool_:
        np.testing.assert_equal(a, b)
        return
    if almost_equal(a, b, rtol, atol, equal_nan=equal_nan):
        return
    msg = _mismatch_report(a, b, rtol, atol, names, equal_nan, mismatches)
    raise AssertionError(_err_msg(a, b, msg))


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    """assert_almost_equal with numpy's assert_allclose defaults."""
    assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal_ignore_nan(a, b, rtol=None, atol=None, names=('a', 'b')):
    a, b = np.copy(_as_np(a)), np.copy(_as_np(b))
    nan_mask = np.logical_or(np.isnan(a), np.isnan(b))
    a[nan_mask] = 0
    b[nan_mask] = 0
    assert_almost_equal(a, b, rtol, atol, names)


def same(a, b):
    """True when a and b are exactly equal arrays."""
    return np.array_equal(_as_np(a), _as_np(b))


def same_array(array1, array2):
    """True when the two NDArrays share memory (writes to one show in the other)."""
    if not (isinstance(array1, _NDArray) and isinstance(array2, _NDArray)):
        return False
    if array1.shape != array2.shape:
        return False
    t1, t2 = array1._data, array2._data
    return t1.data_ptr() == t2.data_ptr() and t1.stride() == t2.stride()


def rand_shape_2d(dim0=10, dim1=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return (np.random.randint(low, dim0 + 1), np.random.randint(low, dim1 + 1),
            np.random.randint(low, dim2 + 1))


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return tuple(np.random.randint(low, dim + 1, size=num_dim))


def random_arrays(*shapes):
    """Random float32 numpy arrays (a scalar for shape ())."""
    arrays = [np.array(np.random.randn(), dtype=np.float32) if len(s) == 0 else
              np.random.randn(*s).astype(np.float32) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes, **kwargs):
    low = kwargs.pop('low', 0.0)
    high = kwargs.pop('high', 1.0)
    dtype = kwargs.pop('dtype', np.float32)
    arrays = [np.random.uniform(low, high, size=s).astype(dtype) for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def rand_ndarray(shape, stype='default', density=None, dtype=None, modifier_func=None,
                 shuffle_csr_indices=False, distribution=None, ctx=None):
    """A random NDArray: dense (uniform in [0, 1) like MXNet's ``rand_ndarray``), or sparse
    (``stype`` 'csr' / 'row_sparse', see :func:`rand_sparse_ndarray`)."""
    if stype != 'default':
        arr, _ = rand_sparse_ndarray(shape, stype, density=density, modifier_func=modifier_func,
                                     dtype=dtype, shuffle_csr_indices=shuffle_csr_indices,
                                     distribution=distribution, ctx=ctx)
        return arr
    ctx = ctx or default_context()
    data = np.random.uniform(size=shape)
    if modifier_func is not None:
        data = np.vectorize(modifier_func)(data)
    return array(data, ctx=ctx, dtype=dtype or np.float32)


def assert_exception(f, exception_type, *args, **kwargs):
    """Assert that calling f(*args, **kwargs) raises exception_type."""
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    except Exception as e:  # wrong type
        raise AssertionError('expected %s, got %s: %s' % (exception_type.__name__,
                                                          type(e).__name__, e))
    raise AssertionError('expected %s to be raised' % exception_type.__name__)


@_contextlib.contextmanager
def environment(*args):
    """Temporarily set environment variables: environment('NAME', 'value') or a dict."""
    env = args[0] if len(args) == 1 else {args[0]: args[1]}
    old = {k: os.environ.get(k) for k in env}
    try:
        for k, v in env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = str(v)
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


# ----------------------------------------------------------------------------------------------
# gradients and symbolic checks
#
# Each check takes a Symbol, as in MXNet, and runs it through an executor (Symbol.bind /
# simple_bind). As a remx extension, check_numeric_gradient, check_symbolic_forward/backward,
# simple_forward and check_speed also take a Python callable on NDArrays (the inputs in the
# order of ``location``), run imperatively under autograd.
def _is_symbol(obj):
    return isinstance(obj, Symbol)


def _sorted_items(d):
    """The (key, value) pairs of d sorted by key (a deterministic order)."""
    return sorted(d.items(), key=lambda t: t[0])


def _sorted_dict(d):
    """An OrderedDict of d's items sorted by key."""
    return OrderedDict(_sorted_items(d))


def _check_dtype(dtype, allow_asnumpy=True):
    assert (allow_asnumpy and isinstance(dtype, str) and dtype == 'asnumpy') or \
        dtype in (np.float16, np.float32, np.float64)


def _parse_location(sym, location, ctx, dtype=default_dtype()):
    """{argument name: NDArray} (sorted by name) from ``location``: a list/tuple in
    ``sym.list_arguments()`` order or a dict naming every argument. numpy values become
    NDArrays on ctx of ``dtype`` (their own dtype with dtype='asnumpy')."""
    assert isinstance(location, (dict, list, tuple))
    _check_dtype(dtype)
    if isinstance(location, dict):
        if set(location.keys()) != set(sym.list_arguments()):
            raise ValueError('Symbol arguments and keys of the given location do not match.'
                             'symbol args:%s, location.keys():%s'
                             % (str(set(sym.list_arguments())), str(set(location.keys()))))
    else:
        location = dict(zip(sym.list_arguments(), location))
    location = {k: _nd.array(v, ctx=ctx, dtype=v.dtype if _is_asnumpy(dtype) else dtype)
                if isinstance(v, np.ndarray) else v for k, v in location.items()}
    return _sorted_dict(location)


def _is_asnumpy(dtype):
    return isinstance(dtype, str) and dtype == 'asnumpy'


def _parse_aux_states(sym, aux_states, ctx, dtype=default_dtype()):
    """{aux state name: NDArray} from a list/tuple (``sym.list_auxiliary_states()`` order) or
    a dict naming every auxiliary state; None stays None."""
    _check_dtype(dtype)
    if aux_states is None:
        return None
    if isinstance(aux_states, dict):
        if set(aux_states.keys()) != set(sym.list_auxiliary_states()):
            raise ValueError('Symbol aux_states names and given aux_states do not match.'
                             'symbol aux_names:%s, aux_states.keys:%s'
                             % (str(set(sym.list_auxiliary_states())),
                                str(set(aux_states.keys()))))
    elif isinstance(aux_states, (list, tuple)):
        aux_states = dict(zip(sym.list_auxiliary_states(), aux_states))
    return {k: _nd.array(v, ctx=ctx, dtype=v.dtype if _is_asnumpy(dtype) else dtype)
            for k, v in aux_states.items()}


def _callable_from_symbol(sym, aux_states=None, ctx=None):
    """A function running ``sym`` imperatively: ``f(*args)`` takes NDArrays in
    ``sym.list_arguments()`` order and returns the list of outputs, recorded by autograd
    inside ``autograd.record()``. Auxiliary states come from ``aux_states`` (list or dict of
    arrays) or are zeros of the inferred shapes."""
    from ._cached_op import CachedOp
    op = CachedOp(sym)
    arg_names = sym.list_arguments()
    aux_names = sym.list_auxiliary_states()
    inputs = sym.list_inputs()
    aux = None
    if aux_states is not None:
        if isinstance(aux_states, dict):
            aux_states = {k: _as_np(v) for k, v in aux_states.items()}
        else:
            aux_states = [_as_np(v) for v in aux_states]
        aux = _parse_aux_states(sym, aux_states, ctx or default_context(), default_dtype())

    def run(*args):
        if len(args) != len(arg_names):
            raise ValueError('expected %d arguments (%s), got %d'
                             % (len(arg_names), ', '.join(arg_names), len(args)))
        vals = dict(zip(arg_names, args))
        if aux_names:
            auxd = aux
            if auxd is None:
                _, _, aux_shapes = sym.infer_shape(**{k: v.shape for k, v in vals.items()})
                dev = args[0].context if args else default_context()
                auxd = {k: _nd.zeros(s, ctx=dev) for k, s in zip(aux_names, aux_shapes)}
            vals.update(auxd)
        out = op(*[vals[k] for k in inputs])
        return out if isinstance(out, list) else [out]
    return run


def _location_list(fn, location):
    if isinstance(location, dict):
        return list(location.values()), list(location.keys())
    return list(location), ['arg%d' % i for i in range(len(location))]


def _call(fn, args):
    out = fn(*args)
    return list(out) if isinstance(out, (list, tuple)) else [out]


def numeric_grad(executor, location, aux_states=None, eps=1e-4, use_forward_train=True,
                 dtype=default_dtype()):
    """Finite-difference gradients of ``sum(executor.outputs[0])`` for each floating entry of
    ``location`` (dict name -> numpy array, modified in place and restored), by central
    differences with step eps. Returns {name: numpy array of dtype}."""
    assert dtype in (np.float16, np.float32, np.float64)
    approx_grads = {k: np.zeros(v.shape, dtype=dtype) for k, v in location.items()}
    arg_dict = executor.arg_dict
    for k, v in location.items():
        arg_dict[k][:] = _nd.array(v, dtype=dtype)
    for k in location:
        location[k] = np.asarray(location[k], order='C')

    def run():
        if aux_states is not None:
            for key, val in aux_states.items():
                executor.aux_dict[key][:] = _nd.array(val, dtype=dtype)
        executor.forward(is_train=use_forward_train)
        return executor.outputs[0].asnumpy()

    for k, v in location.items():
        if v.dtype.kind != 'f':
            continue
        old_value = v.copy()
        flat = v.ravel()
        for i in range(int(np.prod(v.shape))):
            flat[i] += eps / 2.0
            arg_dict[k][:] = _nd.array(v, dtype=dtype)
            f_peps = run()
            flat[i] -= eps
            arg_dict[k][:] = _nd.array(v, dtype=dtype)
            f_neps = run()
            approx_grads[k].ravel()[i] = (f_peps - f_neps).sum() / eps
            flat[i] = old_value.ravel()[i]
        arg_dict[k][:] = _nd.array(old_value, dtype=dtype)
    return approx_grads


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=None, rtol=None,
                           atol=None, grad_nodes=None, use_forward_train=True, ctx=None,
                           grad_stype_dict=None, dtype=default_dtype()):
    """Check the backward pass of ``sym`` against finite differences.

    The symbol's output is multiplied by a fixed random projection and made a loss; the
    executor's gradients for ``grad_nodes`` (default all arguments; a list, or a dict name ->
    grad_req) are compared with :func:`numeric_grad` ('write'), with the gradient added to the
    initial buffer ('add') or with the untouched buffer ('null').

    Parameters
    ----------
    sym : Symbol (or, in remx, a callable taking NDArrays)
    location : list or dict of numpy arrays
        Values of every argument (list: ``sym.list_arguments()`` order).
    aux_states : list or dict of numpy arrays, optional
    numeric_eps : float, optional
        Finite-difference step (default: ``default_numeric_eps()`` of the dtype).
    rtol, atol : float, optional
    grad_nodes : None, list or dict
    use_forward_train : bool
        Whether the finite differences run training-mode forwards.
    ctx : Context, optional
    grad_stype_dict : dict, optional
        Storage types of the gradient arrays (sparse ones are not implemented in remx).
    dtype : np.float16, np.float32 or np.float64
    """
    assert dtype in (np.float16, np.float32, np.float64)
    if ctx is None:
        ctx = default_context()
    if not _is_symbol(sym):
        return _check_numeric_gradient_callable(sym, location, aux_states, numeric_eps, rtol,
                                                atol, grad_nodes, use_forward_train, ctx,
                                                dtype)
    location = _parse_location(sym=sym, location=location, ctx=ctx, dtype=dtype)
    location_npy = {k: v.asnumpy() for k, v in location.items()}
    aux_states = _parse_aux_states(sym=sym, aux_states=aux_states, ctx=ctx, dtype=dtype)
    aux_states_npy = None if aux_states is None else \
        {k: v.asnumpy() for k, v in aux_states.items()}
    if grad_nodes is None:
        grad_nodes = sym.list_arguments()
        grad_req = {k: 'write' for k in grad_nodes}
    elif isinstance(grad_nodes, (list, tuple)):
        grad_nodes = list(grad_nodes)
        grad_req = {k: 'write' for k in grad_nodes}
    elif isinstance(grad_nodes, dict):
        grad_req = grad_nodes.copy()
        grad_nodes = grad_nodes.keys()
    else:
        raise ValueError

    input_shape = {k: v.shape for k, v in location.items()}
    _, out_shape, _ = sym.infer_shape(**input_shape)
    proj = mx.sym.Variable('__random_proj')
    out = mx.sym.make_loss(sym * proj)
    # the projection's elements are kept away from zero: tiny ones lose precision
    location = dict(list(location.items()) +
                    [('__random_proj', _nd.array(np.random.rand(*out_shape[0]) + 0.1,
                                                 ctx=ctx, dtype=dtype))])
    args_grad_npy = dict([(k, np.random.normal(0, 0.01, size=location[k].shape))
                          for k in grad_nodes] +
                         [('__random_proj', np.random.normal(0, 0.01, size=out_shape[0]))])
    args_grad = {k: _nd.array(v, ctx=ctx, dtype=dtype) for k, v in args_grad_npy.items()}
    if grad_stype_dict is not None:
        assert isinstance(grad_stype_dict, dict), 'grad_stype_dict must be a dict'
        for k, v in grad_stype_dict.items():
            if k in args_grad and v in _STORAGE_TYPE_STR_TO_ID and v != 'default':
                _no_sparse('check_numeric_gradient with grad_stype_dict %s=%s' % (k, v))

    executor = out.bind(ctx, grad_req=grad_req, args=location, args_grad=args_grad,
                        aux_states=aux_states)
    inps = executor.arg_arrays
    if len(inps) != len(location):
        raise ValueError('Executor arg_arrays and and location len do not match.'
                         'Got %d inputs and %d locations' % (len(inps), len(location)))
    assert len(executor.outputs) == 1

    executor.forward(is_train=True)
    eps = get_tolerance(executor.outputs[0], numeric_eps, default_numeric_eps())
    # finite differences with a small eps need a precise dtype
    if dtype in (np.float32, np.float16):
        assert eps >= 1e-5
    executor.backward()
    symbolic_grads = executor.grad_dict

    numeric_gradients = numeric_grad(executor, location_npy, aux_states_npy, eps=eps,
                                     use_forward_train=use_forward_train, dtype=dtype)
    for name in grad_nodes:
        fd_grad = numeric_gradients[name]
        orig_grad = args_grad_npy[name]
        sym_grad = symbolic_grads[name]
        names = ('NUMERICAL_%s' % name, 'BACKWARD_%s' % name)
        if grad_req[name] == 'write':
            assert_almost_equal(fd_grad, sym_grad, rtol, atol, names)
        elif grad_req[name] == 'add':
            assert_almost_equal(fd_grad, _as_np(sym_grad) - orig_grad, rtol, atol, names)
        elif grad_req[name] == 'null':
            assert_almost_equal(orig_grad, sym_grad, rtol, atol, names)
        else:
            raise ValueError('Invalid grad_req %s for argument %s' % (grad_req[name], name))


def _check_numeric_gradient_callable(fn, location, aux_states, numeric_eps, rtol, atol,
                                     grad_nodes, use_forward_train, ctx, dtype):
    """check_numeric_gradient for a callable on NDArrays (remx extension): autograd
    gradients of sum(outputs * projection) against central differences."""
    import torch
    dtype = np.dtype(dtype)
    locs, names = _location_list(fn, location)
    locs = [np.ascontiguousarray(l.asnumpy() if isinstance(l, _NDArray) else l) for l in locs]
    locs = [l.astype(dtype) if l.dtype.kind == 'f' else l for l in locs]
    if grad_nodes is None:
        grad_idx = [i for i, l in enumerate(locs) if l.dtype.kind == 'f']
    else:
        grad_idx = [names.index(n) if isinstance(n, str) else int(n) for n in grad_nodes]
    eps = numeric_eps if numeric_eps is not None else default_numeric_eps().get(dtype, 1e-4)
    rtol = 1e-2 if rtol is None else rtol
    atol = (1e-4 if dtype == np.float64 else 1e-3) if atol is None else atol
    rng = np.random.RandomState(1234)

    def run(arrs, record):
        nds = [array(a, ctx=ctx, dtype=a.dtype) for a in arrs]
        if record:
            for i in grad_idx:
                nds[i].attach_grad()
            with _autograd.record(train_mode=use_forward_train):
                outs = _call(fn, nds)
        else:
            with _autograd.train_mode() if use_forward_train else _autograd.predict_mode():
                outs = _call(fn, nds)
        return nds, outs

    nds, outs = run(locs, True)
    projs = [rng.normal(0, 0.1, size=o.shape).astype(np.float64) for o in outs]
    with _autograd.record(train_mode=use_forward_train):
        total = None
        for o, p in zip(outs, projs):
            if not isinstance(o, _NDArray):
                raise _MXNetError('check_numeric_gradient: outputs must be NDArrays')
            term = (o._data.to(torch.float64) * torch.from_numpy(p).to(o._data.device)).sum()
            total = term if total is None else total + term
    total = _nd.NDArray(total)
    total.backward()
    analytic = {i: nds[i].grad.asnumpy().astype(np.float64) for i in grad_idx}

    def scalar(arrs):
        _, o = run(arrs, False)
        return sum(float((x.asnumpy().astype(np.float64) * p).sum()) for x, p in zip(o, projs))

    for i in grad_idx:
        base = locs[i]
        num = np.zeros(base.shape, dtype=np.float64)
        flat = base.reshape(-1)
        for j in range(flat.size):
            old = flat[j]
            flat[j] = old + eps
            fp = scalar(locs)
            flat[j] = old - eps
            fm = scalar(locs)
            flat[j] = old
            num.reshape(-1)[j] = (fp - fm) / (2 * eps)
        assert_almost_equal(analytic[i], num, rtol=rtol, atol=atol,
                            names=('analytic gradient of %s' % names[i],
                                   'numeric gradient of %s' % names[i]))


def check_symbolic_forward(sym, location, expected, rtol=None, atol=None, aux_states=None,
                           ctx=None, equal_nan=False, dtype=default_dtype()):
    """Compare the outputs of ``sym`` (a predict-mode forward of an executor) on ``location``
    with ``expected`` (a list in output order or a dict by output name); returns the
    executor's outputs.

    location : list (``sym.list_arguments()`` order) or dict of numpy arrays.
    aux_states : list or dict of numpy arrays, optional.
    dtype : 'asnumpy' (keep each numpy array's dtype), np.float16, np.float32 or np.float64.
    """
    _check_dtype(dtype)
    if ctx is None:
        ctx = default_context()
    if not _is_symbol(sym):
        locs, _ = _location_list(sym, location)
        nds = [array(l, ctx=ctx, dtype=l.dtype if _is_asnumpy(dtype) else dtype)
               for l in locs]
        outs = _call(sym, nds)
        if isinstance(expected, dict):
            expected = list(expected.values())
        for i, (e, o) in enumerate(zip(expected, outs)):
            assert_almost_equal(e, o, rtol, atol, ('EXPECTED_%d' % i, 'FORWARD_%d' % i),
                                equal_nan=equal_nan)
        return outs
    location = _parse_location(sym=sym, location=location, ctx=ctx, dtype=dtype)
    aux_states = _parse_aux_states(sym=sym, aux_states=aux_states, ctx=ctx, dtype=dtype)
    if isinstance(expected, dict):
        expected = [expected[k] for k in sym.list_outputs()]
    args_grad_data = {k: _nd.zeros(v.shape, ctx=ctx,
                                   dtype=v.dtype if _is_asnumpy(dtype) else dtype)
                      for k, v in location.items()}
    executor = sym.bind(ctx=ctx, args=location, args_grad=args_grad_data,
                        aux_states=aux_states)
    executor.forward(is_train=False)
    outputs = executor.outputs
    for output_name, expect, output in zip(sym.list_outputs(), expected, outputs):
        assert_almost_equal(expect, output, rtol, atol,
                            ('EXPECTED_%s' % output_name, 'FORWARD_%s' % output_name),
                            equal_nan=equal_nan)
    return executor.outputs


def _nd_like(v, ctx, dtype):
    if isinstance(v, np.ndarray):
        return _nd.array(v, ctx=ctx, dtype=v.dtype if _is_asnumpy(dtype) else dtype)
    return v


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None,
                            aux_states=None, grad_req='write', ctx=None, grad_stypes=None,
                            equal_nan=False, dtype=default_dtype()):
    """Compare the input gradients of ``sym`` for head gradients ``out_grads`` with
    ``expected`` (a list in argument order or a dict by argument name); returns the gradient
    arrays {name: NDArray}.

    The gradient buffers start with random values, so 'add' is checked as the change of the
    buffer and 'null' as an untouched buffer. out_grads: None, a list in output order or a
    dict by output name.
    """
    _check_dtype(dtype)
    if ctx is None:
        ctx = default_context()
    if not _is_symbol(sym):
        return _check_symbolic_backward_callable(sym, location, out_grads, expected, rtol,
                                                 atol, ctx, equal_nan, dtype)
    location = _parse_location(sym=sym, location=location, ctx=ctx, dtype=dtype)
    aux_states = _parse_aux_states(sym=sym, aux_states=aux_states, ctx=ctx, dtype=dtype)
    if isinstance(expected, (list, tuple)):
        expected = dict(zip(sym.list_arguments(), expected))
    # dirty the gradient buffers deterministically
    args_grad_npy = {k: np.random.normal(size=v.shape) for k, v in _sorted_items(expected)}
    args_grad_data = {}
    for k, v in args_grad_npy.items():
        if grad_stypes is not None and grad_stypes.get(k) not in (None, 'default'):
            _no_sparse('check_symbolic_backward with grad_stypes %s=%s' % (k, grad_stypes[k]))
        args_grad_data[k] = _nd.array(v, ctx=ctx, dtype=expected[k].dtype
                                      if _is_asnumpy(dtype) else dtype)
    if isinstance(grad_req, str):
        grad_req = {k: grad_req for k in sym.list_arguments()}
    elif isinstance(grad_req, (list, tuple)):
        grad_req = dict(zip(sym.list_arguments(), grad_req))
    executor = sym.bind(ctx=ctx, args=location, args_grad=args_grad_data,
                        aux_states=aux_states, grad_req=grad_req)
    executor.forward(is_train=True)
    if isinstance(out_grads, (tuple, list)):
        out_grads = [_nd_like(a, ctx, dtype) for a in out_grads]
    elif isinstance(out_grads, dict):
        out_grads = {k: _nd_like(v, ctx, dtype) for k, v in out_grads.items()}
    else:
        assert out_grads is None
    executor.backward(out_grads)
    grads = args_grad_data
    for name in expected:
        names = ('EXPECTED_%s' % name, 'BACKWARD_%s' % name)
        if grad_req[name] == 'write':
            assert_almost_equal(expected[name], grads[name], rtol, atol, names,
                                equal_nan=equal_nan)
        elif grad_req[name] == 'add':
            assert_almost_equal(expected[name], _as_np(grads[name]) - args_grad_npy[name],
                                rtol, atol, names, equal_nan=equal_nan)
        elif grad_req[name] == 'null':
            assert_almost_equal(args_grad_npy[name], grads[name], rtol, atol, names,
                                equal_nan=equal_nan)
        else:
            raise ValueError('Invalid grad_req %s for argument %s' % (grad_req[name], name))
    return args_grad_data


def _check_symbolic_backward_callable(fn, location, out_grads, expected, rtol, atol, ctx,
                                      equal_nan, dtype):
    locs, names = _location_list(fn, location)
    nds = [array(l, ctx=ctx, dtype=l.dtype if _is_asnumpy(dtype) else dtype) for l in locs]
    for x in nds:
        x.attach_grad()
    with _autograd.record():
        outs = _call(fn, nds)
    if out_grads is None:
        heads = None
    else:
        if isinstance(out_grads, dict):
            out_grads = list(out_grads.values())
        heads = [_nd_like(g, ctx, dtype) for g in out_grads]
    _autograd.backward(outs, heads)
    if isinstance(expected, dict):
        expected = [expected.get(n) for n in names]
    grads = [x.grad for x in nds]
    for n, g, e in zip(names, grads, expected):
        if e is not None:
            assert_almost_equal(e, g, rtol, atol, ('EXPECTED_%s' % n, 'BACKWARD_%s' % n),
                                equal_nan=equal_nan)
    return [g.asnumpy() for g in grads]


def simple_forward(sym, ctx=None, is_train=False, **inputs):
    """Run ``sym`` on numpy inputs given by argument name; returns the output as a numpy
    array, or a list of them when there are several."""
    ctx = ctx or default_context()
    if _is_symbol(sym):
        exe = sym.bind(ctx, args={k: array(v) for k, v in inputs.items()})
        exe.forward(is_train=is_train)
        outs = exe.outputs
    else:
        nds = [array(v, ctx=ctx) for v in inputs.values()]
        with _autograd.train_mode() if is_train else _autograd.predict_mode():
            outs = _call(sym, nds)
    outs = [o.asnumpy() for o in outs]
    return outs[0] if len(outs) == 1 else outs


# ----------------------------------------------------------------------------------------------
# comparison helpers
def checkShapes(a, b):  # pylint: disable=invalid-name
    """Raise AssertionError when a and b have different shapes."""
    if a.shape != b.shape:
        raise AssertionError(_err_msg(_as_np(a), _as_np(b),
                                      'a.shape = {} and b.shape = {} are not equal'.format(
                                          str(a.shape), str(b.shape))))


def locationError(a, b, index, names, maxError=False):  # pylint: disable=invalid-name
    """A one-line description of the elements of a and b at index."""
    return 'Location of %serror: %s, %s=%.8f, %s=%.8f' % (
        'maximum ' if maxError else '', str(index), names[0], a[index], names[1], b[index])


def assert_almost_equal_with_err(a, b, rtol=None, atol=None, etol=None, names=('a', 'b'),
                                 equal_nan=False, mismatches=(10, 10)):
    """Like assert_almost_equal, but passes when the fraction of mismatching elements is at
    most ``etol`` (0 by default: every element must match)."""
    etol = get_etol(etol)
    if etol <= 0:
        assert_almost_equal(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)
        return
    rtol, atol = get_tols(a, b, rtol, atol)
    a, b = _as_np(a), _as_np(b)
    close = np.isclose(a, b, rtol=rtol, atol=atol)
    err = 1 - np.count_nonzero(close) / close.size
    if err > etol:
        msg = _mismatch_report(a, b, rtol, atol, names, equal_nan, mismatches)
        raise AssertionError(_err_msg(a, b, msg))


def compare_ndarray_tuple(t1, t2, rtol=None, atol=None):
    """Assert two (possibly nested) tuples of NDArrays are almost equal element-wise."""
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        for s1, s2 in zip(t1, t2):
            compare_ndarray_tuple(s1, s2, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def compare_optimizer(opt1, opt2, shape, dtype, w_stype='default', g_stype='default',
                      rtol=1e-4, atol=1e-5, compare_states=True, ntensors=1):
    """Compare opt1 and opt2 over one update of the same uniform random weights / gradients.

    ``shape`` a tuple: one tensor, both optimizers updating index 0 (opt2 gets ``w_stype`` /
    ``g_stype`` arrays, opt1 their dense copies). ``shape`` a list of shapes: opt2 updates all
    ``ntensors`` at once (multi-tensor), opt1 one by one."""
    if w_stype not in ('default', 'row_sparse', 'csr') or \
            g_stype not in ('default', 'row_sparse', 'csr'):
        raise Exception("type not supported yet")
    ctx = default_context()
    if not isinstance(shape, list):
        assert ntensors == 1
        if w_stype == 'default':
            w2 = _nd.random.uniform(shape=shape, ctx=ctx, dtype=dtype)
            w1 = w2.copyto(ctx)
        else:
            w2 = rand_ndarray(shape, w_stype, density=1, dtype=dtype)
            w1 = w2.copyto(ctx).tostype('default')
        if g_stype == 'default':
            g2 = _nd.random.uniform(shape=shape, ctx=ctx, dtype=dtype)
            g1 = g2.copyto(ctx)
        else:
            g2 = rand_ndarray(shape, g_stype, dtype=dtype)
            g1 = g2.copyto(ctx).tostype('default')
        state1 = opt1.create_state_multi_precision(0, w1)
        state2 = opt2.create_state_multi_precision(0, w2)
        if compare_states:
            compare_ndarray_tuple(state1, state2)
        opt1.update_multi_precision(0, w1, g1, state1)
        opt2.update_multi_precision(0, w2, g2, state2)
        if compare_states:
            compare_ndarray_tuple(state1, state2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
    else:
        w1, g1 = [], []
        for s in shape:
            w1.append(_nd.random.uniform(shape=s, ctx=ctx, dtype=dtype))
            g1.append(_nd.random.uniform(shape=s, ctx=ctx, dtype=dtype))
        w1, g1 = tuple(w1), tuple(g1)
        w2 = tuple(w.copy() for w in w1)
        g2 = tuple(g.copy() for g in g1)
        state2 = [opt2.create_state_multi_precision(0, w2[i]) for i in range(ntensors)]
        opt2.update_multi_precision(list(range(ntensors)), w2, g2, state2)
        for i in range(ntensors):
            state1 = opt1.create_state_multi_precision(i, w1[i])
            opt1.update_multi_precision(i, w1[i], g1[i], state1)
            if compare_states:
                compare_ndarray_tuple(state1, state2[i], rtol, atol)
            compare_ndarray_tuple(w1[i], w2[i], rtol, atol)


def collapse_sum_like(a, shape):
    """Sum numpy array a over the axes along which it was broadcast from ``shape``."""
    assert len(a.shape) == len(shape)
    if np.all(np.array(a.shape) == np.array(shape)):
        return a
    axes = tuple(i for i, (x, y) in enumerate(zip(a.shape, shape)) if x != y)
    for i in axes:
        assert shape[i] == 1
    return a.sum(axis=axes, keepdims=True)


def np_reduce(dat, axis, keepdims, numpy_reduce_func):
    """Reduce numpy array dat over one axis or several with numpy_reduce_func (e.g. np.sum),
    one axis at a time."""
    if isinstance(axis, int):
        axis = [axis]
    else:
        axis = list(axis) if axis is not None else list(range(len(dat.shape)))
    ret = dat
    for i in sorted(axis, reverse=True):
        ret = numpy_reduce_func(ret, axis=i)
    if keepdims:
        shape = list(dat.shape)
        for i in axis:
            shape[i] = 1
        ret = ret.reshape(tuple(shape))
    return ret


# ----------------------------------------------------------------------------------------------
# data generation
def random_sample(population, k):
    """k elements of population (a list) in random order (numpy's global random state)."""
    assert 0 <= k <= len(population)
    pop = population[:]
    np.random.shuffle(pop)
    return pop[0:k]


def assign_each(the_input, function):
    """function applied to every element of the numpy array the_input (a float64 array)."""
    if function is None:
        return np.array(the_input)
    flat = [function(v) for v in np.asarray(the_input).reshape(-1)]
    return np.array(flat, dtype=np.float64).reshape(np.shape(the_input))


def assign_each2(input1, input2, function):
    """function applied to corresponding elements of input1 and input2 (float64 result)."""
    if function is None:
        return np.array(input1)
    assert input1.shape == input2.shape
    flat = [function(x, y) for x, y in zip(np.asarray(input1).reshape(-1),
                                          np.asarray(input2).reshape(-1))]
    return np.array(flat, dtype=np.float64).reshape(input1.shape)


def create_2d_tensor(rows, columns, dtype=np.int64):
    """NDArray of shape (rows, columns) whose row i is filled with i."""
    a = _nd.arange(0, rows, dtype=dtype).reshape(rows, 1)
    return _nd.broadcast_to(a, shape=(rows, columns))


def create_vector(size, dtype=np.int64):
    """NDArray 0, 1, ..., size-1."""
    return _nd.arange(0, size, dtype=dtype)


def get_identity_mat(size):
    """A float32 identity matrix NDArray."""
    return _nd.array(np.eye(size, dtype=np.float32))


def get_identity_mat_batch(size):
    """Two stacked identity matrices, shape (2, size, size)."""
    eye = np.eye(size, dtype=np.float32)
    return _nd.array(np.stack([eye, eye]))


def rand_coord_2d(x_low, x_high, y_low, y_high):
    """A random integer point (x, y) with x in [x_low, x_high), y in [y_low, y_high)."""
    x = np.random.randint(x_low, x_high, dtype=np.int64)
    y = np.random.randint(y_low, y_high, dtype=np.int64)
    return x, y


def new_matrix_with_real_eigvals_2d(n):
    """A random n x n matrix with real eigenvalues (a random similarity transform of a
    diagonal matrix with distinct entries)."""
    shape = (n, n)
    q = np.random.uniform(-1, 1, shape)
    while np.abs(np.linalg.det(q)) < 1e-2:
        q = np.random.uniform(-1, 1, shape)
    d = np.diag(np.random.uniform(-1.0, 1.0, n) + np.arange(n) * 3.0)
    return q.dot(d).dot(np.linalg.inv(q))


def new_matrix_with_real_eigvals_nd(shape):
    """A batch (shape[:-2]) of square matrices with real eigenvalues."""
    n = int(np.prod(shape[:-2]))
    return np.array([new_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(n)]).reshape(
        shape)


def new_orthonormal_matrix_2d(n):
    """A random n x n orthonormal matrix."""
    q, _ = np.linalg.qr(np.random.uniform(-1, 1, (n, n)))
    return q


def new_sym_matrix_with_real_eigvals_2d(n):
    """A random symmetric n x n matrix (Q D Q^T with orthonormal Q)."""
    q = new_orthonormal_matrix_2d(n)
    d = np.diag(np.random.uniform(-1.0, 1.0, n))
    return q.dot(d).dot(q.T)


def new_sym_matrix_with_real_eigvals_nd(shape):
    """A batch (shape[:-2]) of random symmetric matrices."""
    n = int(np.prod(shape[:-2]))
    return np.array([new_sym_matrix_with_real_eigvals_2d(shape[-1]) for _ in range(n)]).reshape(
        shape)


def _no_sparse(name):
    raise _MXNetError('%s: sparse storage (csr/row_sparse) is not implemented in remx; '
                      'NDArrays are dense only' % name)


def _validate_csr_generation_inputs(num_rows, num_cols, density, distribution='uniform'):
    """ValueError for a density outside [0, 1], an empty shape, or a powerlaw matrix with
    fewer than two non-zeros per row."""
    total_nnz = int(num_rows * num_cols * density)
    if density < 0 or density > 1:
        raise ValueError('density has to be between 0 and 1')
    if num_rows <= 0 or num_cols <= 0:
        raise ValueError('num_rows or num_cols should be greater than 0')
    if distribution == 'powerlaw' and total_nnz < 2 * num_rows:
        raise ValueError('not supported for this density: %s for this shape (%s, %s) Please '
                         'keep : num_rows * num_cols * density >= 2 * num_rows'
                         % (density, num_rows, num_cols))


def _get_uniform_dataset_csr(num_rows, num_cols, density=0.1, dtype=None, data_init=None,
                             shuffle_csr_indices=False):
    """A CSRNDArray whose non-zeros (``density`` of the entries) are placed uniformly at random
    (scipy's ``sparse.rand``), values uniform in [0, 1) or ``data_init``."""
    _validate_csr_generation_inputs(num_rows, num_cols, density, distribution='uniform')
    import scipy.sparse as spsp
    csr = spsp.rand(num_rows, num_cols, density, dtype=dtype, format='csr')
    if data_init is not None:
        csr.data.fill(data_init)
    if shuffle_csr_indices:
        shuffle_csr_column_indices(csr)
    return _nd.sparse.csr_matrix((csr.data, csr.indices, csr.indptr),
                                 shape=(num_rows, num_cols), dtype=dtype)


def _get_powerlaw_dataset_csr(num_rows, num_cols, density=0.1, dtype=None):
    """A CSRNDArray with ``num_rows * num_cols * density`` non-zeros: one in the first column of
    every row, then row r holding values in its first 2**(r+1) columns (full rows once a row
    is wider than the matrix), until the non-zeros are used up."""
    _validate_csr_generation_inputs(num_rows, num_cols, density, distribution='powerlaw')
    left = int(num_rows * num_cols * density)
    dense = np.zeros((num_rows, num_cols), dtype=dtype)

    def done():
        return _nd.array(dense, dtype=dtype).tostype('csr')
    for r in range(num_rows):
        dense[r, 0] = 1 + rnd.uniform(0.001, 2)
        left -= 1
        if left <= 0:
            return done()
    width = 2
    for r in range(num_rows):
        limit = min(num_cols, width)
        if limit == num_cols and left > limit:
            dense[r] = 1 + rnd.uniform(0.001, 2)
            left -= limit - 1
            if left <= 0:
                return done()
            continue
        for c in range(1, limit):
            dense[r, c] = 1 + rnd.uniform(0.001, 2)
            left -= 1
            if left <= 0:
                return done()
        width *= 2
    if left > 0:
        raise ValueError('not supported for this density: %s for this shape (%s,%s)'
                         % (density, num_rows, num_cols))
    return done()


def rand_sparse_ndarray(shape, stype, density=None, dtype=None, distribution=None,
                        data_init=None, rsp_indices=None, modifier_func=None,
                        shuffle_csr_indices=False, ctx=None):
    """A random sparse NDArray and its components.

    row_sparse: each row is stored with probability ``density`` (or the rows ``rsp_indices``),
    values uniform in [0, 1) (or ``data_init``, then ``modifier_func`` per value); returns
    (array, (values, indices)). csr (2-D): ``distribution`` 'uniform' (scipy's random
    matrix) or 'powerlaw', ``modifier_func`` unused (as in MXNet); returns
    (array, (indptr, indices, data)).
    """
    ctx = ctx if ctx else default_context()
    density = rnd.rand() if density is None else density
    dtype = default_dtype() if dtype is None else dtype
    distribution = 'uniform' if distribution is None else distribution
    if stype == 'row_sparse':
        assert distribution == 'uniform', \
            'Distribution %s not supported for row_sparse' % distribution
        if rsp_indices is not None:
            indices = np.asarray(rsp_indices)
            assert len(indices) <= shape[0]
        else:
            indices = np.argwhere(rnd.rand(shape[0]) < density).flatten()
        if indices.shape[0] == 0:
            result = _nd.zeros(shape, stype='row_sparse', dtype=dtype, ctx=ctx)
            return result, (np.array([], dtype=dtype), np.array([]))
        val = rnd.rand(indices.shape[0], *shape[1:]).astype(dtype)
        if data_init is not None:
            val.fill(data_init)
        if modifier_func is not None:
            val = assign_each(val, modifier_func)
        arr = _nd.sparse.row_sparse_array((val, indices), shape=shape, dtype=dtype, ctx=ctx)
        return arr, (val, indices)
    if stype == 'csr':
        assert len(shape) == 2
        if distribution == 'uniform':
            csr = _get_uniform_dataset_csr(shape[0], shape[1], density, data_init=data_init,
                                           shuffle_csr_indices=shuffle_csr_indices,
                                           dtype=dtype).as_in_context(ctx)
        elif distribution == 'powerlaw':
            csr = _get_powerlaw_dataset_csr(shape[0], shape[1], density=density,
                                            dtype=dtype).as_in_context(ctx)
        else:
            assert False, 'Distribution not supported: %s' % distribution
        return csr, (csr.indptr, csr.indices, csr.data)
    assert False, 'unknown storage type'
    return False


def create_sparse_array(shape, stype, data_init=None, rsp_indices=None, dtype=None,
                        modifier_func=None, density=0.5, shuffle_csr_indices=False):
    """A random sparse NDArray (row_sparse indices sorted into canonical order)."""
    if stype == 'row_sparse':
        arr_indices = None
        if rsp_indices is not None:
            arr_indices = np.asarray(rsp_indices)
            arr_indices.sort()
        arr_data, _ = rand_sparse_ndarray(shape, stype, density=density, data_init=data_init,
                                          rsp_indices=arr_indices, dtype=dtype,
                                          modifier_func=modifier_func)
    elif stype == 'csr':
        arr_data, _ = rand_sparse_ndarray(shape, stype, density=density, data_init=data_init,
                                          dtype=dtype, modifier_func=modifier_func,
                                          shuffle_csr_indices=shuffle_csr_indices)
    else:
        raise AssertionError('Unknown storage type: ' + stype)
    return arr_data


def create_sparse_array_zd(shape, stype, density, data_init=None, rsp_indices=None, dtype=None,
                           modifier_func=None, shuffle_csr_indices=False):
    """A random sparse NDArray; for row_sparse only ``rsp_indices`` decides which rows are
    stored."""
    if stype == 'row_sparse':
        density = 0.0
        if rsp_indices is not None:
            assert len(rsp_indices) <= shape[0]
    return create_sparse_array(shape, stype, data_init=data_init, rsp_indices=rsp_indices,
                               dtype=dtype, modifier_func=modifier_func, density=density,
                               shuffle_csr_indices=shuffle_csr_indices)


def shuffle_csr_column_indices(csr):
    """Shuffle the column indices within each row of a scipy csr matrix, in place (a CSR
    matrix need not keep them sorted)."""
    for i in range(len(csr.indptr) - 1):
        lo, hi = csr.indptr[i], csr.indptr[i + 1]
        seg = np.array(csr.indices[lo:hi])
        np.random.shuffle(seg)
        csr.indices[lo:hi] = seg


# ----------------------------------------------------------------------------------------------
# test-running helpers
def retry(n):
    """Decorator: rerun a stochastic test up to n times, failing only when every run raises
    AssertionError."""
    assert n > 0

    def decorate(f):
        def wrapper(*args, **kwargs):
            for i in range(n):
                try:
                    f(*args, **kwargs)
                    return
                except AssertionError:
                    if i == n - 1:
                        raise
                    _nd.waitall()
        wrapper.__name__ = f.__name__
        wrapper.__doc__ = f.__doc__
        return wrapper
    return decorate


from .util import setenv, getenv  # noqa: E402,F401  (one implementation, mx.util's)


@_contextlib.contextmanager
def discard_stderr():
    """Context manager that silences everything written to stderr (file descriptor 2,
    including C-level output) inside it."""
    stderr_fd = 2  # the process-level stderr (C code writes there too)
    saved = os.dup(stderr_fd)
    try:
        sys.stderr.flush()
        with open(os.devnull, 'w') as devnull:
            os.dup2(devnull.fileno(), stderr_fd)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, stderr_fd)
        os.close(saved)


def is_cd_run():
    """Whether running in MXNet's continuous-delivery pipeline (``CD_JOB`` set to 1)."""
    return os.environ.get('CD_JOB', 0) == '1'


def is_aarch64_run():
    """Whether the machine is 64-bit ARM."""
    import platform
    return platform.machine() == 'aarch64'


def has_tvm_ops():
    """Whether TVM-generated operators are available (never in remx)."""
    return False


def is_op_runnable():
    """Whether TVM-dependent operators can run on the default context (remx has no TVM
    operators, so they are 'runnable' only in the sense that the torch kernels are used)."""
    return True


def get_cuda_compute_capability(ctx):
    """The CUDA compute capability of a GPU context as an int (e.g. 80 for 8.0)."""
    if ctx.device_type != 'gpu':
        raise _MXNetError('Expecting a gpu context to get cuda compute capability, while '
                          'received ctx {}'.format(ctx))
    import torch
    major, minor = torch.cuda.get_device_capability(ctx.device_id)
    return major * 10 + minor


class DummyIter:
    """Wraps a data iterator and returns its first batch forever (for speed tests)."""

    def __init__(self, real_iter):
        self.real_iter = real_iter
        self.provide_data = getattr(real_iter, 'provide_data', None)
        self.provide_label = getattr(real_iter, 'provide_label', None)
        self.batch_size = getattr(real_iter, 'batch_size', None)
        self.the_batch = next(iter(real_iter))

    def __iter__(self):
        return self

    def next(self):
        """The same first batch, every time."""
        return self.the_batch

    __next__ = next

    def reset(self):
        """Nothing to reset."""


# ----------------------------------------------------------------------------------------------
# statistical checks of random generators
def gen_buckets_probs_with_ppf(ppf, nbuckets):
    """Split a continuous distribution (given by its percent point function) into nbuckets
    equal-probability buckets: returns (list of (low, high), list of probabilities)."""
    assert nbuckets > 0
    probs = [1.0 / nbuckets for _ in range(nbuckets)]
    buckets = [(ppf(i / float(nbuckets)), ppf((i + 1) / float(nbuckets)))
               for i in range(nbuckets)]
    return buckets, probs


def mean_check(generator, mu, sigma, nsamples=1000000):
    """Whether the sample mean of generator(nsamples) lies within 3 standard errors of mu."""
    samples = np.array(generator(nsamples))
    sample_mean = samples.mean()
    return mu - 3 * sigma / np.sqrt(nsamples) < sample_mean < mu + 3 * sigma / np.sqrt(nsamples)


def var_check(generator, sigma, nsamples=1000000):
    """Whether the sample variance of generator(nsamples) is within 3 standard errors of
    sigma**2 (normal approximation)."""
    samples = np.array(generator(nsamples))
    sample_var = samples.var(ddof=1)
    bound = 3 * np.sqrt(2 * sigma ** 4 / (nsamples - 1))
    return sigma ** 2 - bound < sample_var < sigma ** 2 + bound


def chi_square_check(generator, buckets, probs, nsamples=1000000):
    """Pearson's chi-square test of generator's samples against bucket probabilities.

    buckets is a list of (low, high) ranges (continuous) or of values (discrete); probs their
    expected probabilities. Returns (p_value, observed counts, expected counts).
    """
    import scipy.stats as ss
    if not buckets:
        raise _MXNetError('chi_square_check: buckets must not be empty')
    samples = np.asarray(generator(nsamples)).reshape(-1)
    continuous = isinstance(buckets[0], (list, tuple))
    expected = np.array(probs, dtype=np.float64) * nsamples
    if continuous:
        edges = [b[0] for b in buckets] + [buckets[-1][1]]
        if np.all(np.diff(edges) >= 0) and all(buckets[i][1] == buckets[i + 1][0]
                                                for i in range(len(buckets) - 1)):
            counts, _ = np.histogram(samples, bins=np.array(edges, dtype=np.float64))
        else:
            counts = np.array([np.count_nonzero((samples >= lo) & (samples < hi))
                               for lo, hi in buckets])
    else:
        counts = np.array([np.count_nonzero(samples == v) for v in buckets])
    if counts.sum() != nsamples:
        raise AssertionError('Buckets do not cover all samples: %d of %d counted'
                             % (counts.sum(), nsamples))
    _, p = ss.chisquare(f_obs=counts, f_exp=expected)
    return p, counts, expected


def verify_generator(generator, buckets, probs, nsamples=1000000, nrepeat=5, success_rate=0.2,
                     alpha=0.05):
    """Run chi_square_check nrepeat times; assert at least success_rate of the runs have
    p-value > alpha. Returns the list of p-values."""
    cs_ret_l = []
    obs_freq_l, expected_freq_l = [], []
    for _ in range(nrepeat):
        p, obs, exp = chi_square_check(generator, buckets, probs, nsamples)
        cs_ret_l.append(p)
        obs_freq_l.append(obs)
        expected_freq_l.append(exp)
    success_num = (np.array(cs_ret_l) > alpha).sum()
    if success_num < nrepeat * success_rate:
        raise AssertionError('Generator test fails, Chi-square p=%s, obs_freq=%s, '
                             'expected_freq=%s.\nbuckets=%s, probs=%s'
                             % (str(cs_ret_l), str(obs_freq_l), str(expected_freq_l),
                                str(buckets), str(probs)))
    return cs_ret_l


# ----------------------------------------------------------------------------------------------
# Symbol-based helpers
def check_consistency(sym, ctx_list, scale=1.0, grad_req='write', arg_params=None,
                      aux_params=None, rtol=None, atol=None, raise_on_err=True,
                      ground_truth=None, equal_nan=False, use_uniform=False,
                      rand_type=np.float64):
    """Check that a symbol gives the same outputs and gradients on several contexts / dtypes.

    Parameters
    ----------
    sym : Symbol or list of Symbols (one per entry of ctx_list)
    ctx_list : list of dict
        ``simple_bind`` keyword arguments per executor: ``ctx``, ``type_dict`` and the input
        shapes by name.
    scale : float
        Standard deviation (or, with use_uniform, about the half-width) of random inputs.
    grad_req : str, list or dict
    arg_params, aux_params : dict name -> data, optional
        Values for the arguments / auxiliary states (others: random / 0).
    rtol, atol : float or dict dtype -> float, optional
    raise_on_err : bool
        Raise the first mismatch (else print it and go on).
    ground_truth : dict name -> data, optional
        Expected outputs and gradients (default: the executor of the most precise dtype).
    equal_nan : bool
    use_uniform : bool
        Random inputs from a uniform instead of a normal distribution.
    rand_type : numpy dtype
        dtype the random inputs are cast to.

    Returns the ground-truth dict (output and gradient arrays by name).
    """
    assert len(ctx_list) > 1
    if isinstance(sym, Symbol):
        sym = [sym] * len(ctx_list)
    else:
        assert len(sym) == len(ctx_list)

    output_names = sym[0].list_outputs()
    arg_names = sym[0].list_arguments()
    exe_list = []
    for s, ctx in zip(sym, ctx_list):
        assert s.list_arguments() == arg_names
        assert s.list_outputs() == output_names
        exe_list.append(s.simple_bind(grad_req=grad_req, **ctx))

    arg_params = {} if arg_params is None else arg_params
    aux_params = {} if aux_params is None else aux_params

    def smaller_dtype(dt1, dt2):
        """The less precise of two dtypes (dt1 when dt2 is None)."""
        return dt1 if dt2 is None or np.dtype(dt1).itemsize < np.dtype(dt2).itemsize else dt2

    # random inputs in a deterministic (sorted) order, for reproducibility
    for n, arr in _sorted_items(exe_list[0].arg_dict):
        if n not in arg_params:
            if use_uniform:
                arg_params[n] = np.random.uniform(low=-0.92 * scale, high=0.92 * scale,
                                                  size=arr.shape).astype(rand_type)
            else:
                arg_params[n] = np.random.normal(size=arr.shape,
                                                 scale=scale).astype(rand_type)
    for n in exe_list[0].aux_dict:
        if n not in aux_params:
            aux_params[n] = 0
    for exe in exe_list:
        for name, arr in exe.arg_dict.items():
            arr[:] = arg_params[name]
        for name, arr in exe.aux_dict.items():
            arr[:] = aux_params[name]
        if grad_req == 'add':
            for arr in exe.grad_arrays:
                if arr is not None:
                    arr[:] = np.zeros(arr.shape, dtype=arr.dtype)

    dtypes = [np.dtype(exe.outputs[0].dtype) for exe in exe_list]
    # the ground truth: the first executor with the most precise output[0]
    gt_idx = int(np.argmax([d.itemsize for d in dtypes]))
    gt = ground_truth
    if gt is None:
        gt = exe_list[gt_idx].output_dict.copy()
        if grad_req != 'null':
            gt.update(exe_list[gt_idx].grad_dict)

    for exe in exe_list:
        exe.forward(is_train=False)
    for i, exe in enumerate(exe_list):
        if i == gt_idx:
            continue
        for name, arr in zip(output_names, exe.outputs):
            try:
                assert_almost_equal(arr, gt[name], rtol=rtol, atol=atol, equal_nan=equal_nan)
            except AssertionError as e:
                print('Predict Err: ctx %d vs ctx %d at %s' % (i, gt_idx, name))
                traceback.print_exc()
                if raise_on_err:
                    raise e
                print(str(e))

    if grad_req != 'null':
        for exe in exe_list:
            exe.forward(is_train=True)
        # the head gradients: the first executor's outputs at the least precise dtype
        least = [out.dtype for out in exe_list[0].outputs]
        for exe in exe_list:
            least = [smaller_dtype(out.dtype, dt) for out, dt in zip(exe.outputs, least)]
        golden = [out.astype(dt).asnumpy() for out, dt in zip(exe_list[0].outputs, least)]
        for exe in exe_list:
            exe.backward([_nd.array(g, ctx=exe._ctx, dtype=out.dtype)
                          for g, out in zip(golden, exe.outputs)])
        for i, exe in enumerate(exe_list):
            if i == gt_idx:
                continue
            for name, arr in zip(output_names + arg_names, exe.outputs + exe.grad_arrays):
                if gt[name] is None:
                    assert arr is None
                    continue
                gtarr = gt[name]
                try:
                    rt, at = rtol, atol
                    # with float16 data, a float32 gradient (BatchNorm's gamma) is compared
                    # at float16 tolerances
                    small_arr = smaller_dtype(arr.dtype, dtypes[i])
                    small_gt = smaller_dtype(gtarr.dtype, dtypes[gt_idx])
                    if small_arr != arr.dtype or small_gt != gtarr.dtype:
                        rt, at = get_tols(arr.astype(small_arr), gtarr.astype(small_gt),
                                          rtol, atol)
                    assert_almost_equal(arr, gtarr, rtol=rt, atol=at, equal_nan=equal_nan)
                except AssertionError as e:
                    print('Train Err: {} {} ctx {} vs {} {} ctx {} at {}'.format(
                        np.dtype(arr.dtype).name, arr.ctx, i, np.dtype(gtarr.dtype).name,
                        getattr(gtarr, 'ctx', None), gt_idx, name))
                    traceback.print_exc()
                    if raise_on_err:
                        raise e
                    print(str(e))
    return gt


def same_symbol_structure(sym1, sym2):
    """True when the nodes of the two symbols' graphs (in JSON order) have the same
    operators, node by node."""
    nodes = json.loads(sym1.tojson())['nodes']
    nodes2 = json.loads(sym2.tojson())['nodes']
    return all(n1['op'] == n2['op'] for n1, n2 in zip(nodes, nodes2))


def check_speed(sym, location=None, ctx=None, N=20, grad_req=None, typ='whole', **kwargs):
    """Average seconds of one forward (typ='forward') or forward + backward (typ='whole').

    sym : Symbol (bound with simple_bind on ``location``'s shapes, or on the shapes in
        kwargs with random inputs when location is None); in remx also a callable taking
        NDArrays, with ``location`` its inputs (list or dict of numpy arrays).
    location : None or dict of str to numpy array
    grad_req : None (meaning 'write'), str, list or dict
    """
    if ctx is None:
        ctx = default_context()
    if not _is_symbol(sym):
        return _check_speed_callable(sym, location, ctx, N, typ)
    if grad_req is None:
        grad_req = 'write'
    if location is None:
        exe = sym.simple_bind(grad_req=grad_req, ctx=ctx, **kwargs)
        location = {k: np.random.normal(size=arr.shape, scale=1.0)
                    for k, arr in exe.arg_dict.items()}
    else:
        assert isinstance(location, dict), 'Expect dict, get "location"=%s' % str(location)
        exe = sym.simple_bind(grad_req=grad_req, ctx=ctx,
                              **{k: v.shape for k, v in location.items()})
    for name, iarr in location.items():
        exe.arg_dict[name][:] = iarr.astype(exe.arg_dict[name].dtype)

    if typ == 'whole':
        exe.forward(is_train=True)
        exe.backward(out_grads=exe.outputs)
        for output in exe.outputs:
            output.wait_to_read()
        tic = time.time()
        for _ in range(N):
            exe.forward(is_train=True)
            exe.backward(out_grads=exe.outputs)
        _nd.waitall()
        return (time.time() - tic) * 1.0 / N
    if typ == 'forward':
        exe.forward(is_train=False)
        for output in exe.outputs:
            output.wait_to_read()
        tic = time.time()
        for _ in range(N):
            exe.forward(is_train=False)
        _nd.waitall()
        return (time.time() - tic) * 1.0 / N
    raise ValueError('typ can only be "whole" or "forward".')


def _check_speed_callable(fn, location, ctx, N, typ):
    if typ not in ('whole', 'forward'):
        raise ValueError('typ can only be "whole" or "forward".')
    if location is None:
        raise _MXNetError('check_speed with a callable needs `location` (its inputs)')
    locs, _ = _location_list(fn, location)
    args = [array(l, ctx=ctx) for l in locs]
    if typ == 'whole':
        for a in args:
            a.attach_grad()

    def run():
        if typ == 'whole':
            with _autograd.record():
                outs = _call(fn, args)
            _autograd.backward(outs)
        else:
            outs = _call(fn, args)
        for o in outs:
            o.wait_to_read()
    run()
    tic = time.time()
    for _ in range(N):
        run()
    _nd.waitall()
    return (time.time() - tic) / N


def check_gluon_hybridize_consistency(net_builder, data_l, numpy_func=None, test_grad=True,
                                      rtol=1E-4, atol=1E-4):
    """Check that a HybridBlock gives the same outputs (and input gradients, with test_grad)
    without and with ``hybridize()``, and, given numpy_func, the same outputs as it.

    net_builder is called as ``net_builder(prefix='net_')`` for each run; the parameters of
    the first network are copied into the later ones. data_l: list of input arrays. The
    network should not draw random numbers.
    """
    class _NumpyParamDictInit(mx.init.Initializer):
        """Initialize every parameter from a dict of numpy arrays by name."""
        def __init__(self, np_params):
            super().__init__()
            self._np_params = np_params

        def _init_weight(self, name, arr):
            arr[()] = self._np_params[name]

        _init_bias = _init_gamma = _init_beta = _init_default = _init_weight

    saved_out_np = None
    saved_grad_np_l = None
    params_init = None
    use_autograd_flags = [False, True] if test_grad else [False]
    for hybridize in [False, True]:
        for use_autograd in use_autograd_flags:
            net = net_builder(prefix='net_')
            if params_init is None:
                net.initialize()
            else:
                net.initialize(params_init)
            if hybridize:
                net.hybridize()
            in_data_l = [ele.copy() for ele in data_l]
            if use_autograd:
                for ele in in_data_l:
                    ele.attach_grad()
                with _autograd.record():
                    out = net(*in_data_l)
                out.backward(out)
            else:
                out = net(*in_data_l)
            if params_init is None:
                np_params = {k: v.data().asnumpy() for k, v in net.collect_params().items()}
                params_init = _NumpyParamDictInit(np_params)
            if saved_out_np is None:
                saved_out_np = out.asnumpy()
            else:
                assert_almost_equal(out.asnumpy(), saved_out_np, rtol=rtol, atol=atol)
            if use_autograd:
                if saved_grad_np_l is None:
                    saved_grad_np_l = [ele.grad.asnumpy() for ele in in_data_l]
                else:
                    for data, saved_grad_np in zip(in_data_l, saved_grad_np_l):
                        assert_almost_equal(data.grad.asnumpy(), saved_grad_np,
                                            rtol=rtol, atol=atol)
    if numpy_func is not None:
        numpy_out = numpy_func(*[ele.asnumpy() for ele in data_l])
        assert_almost_equal(saved_out_np, numpy_out, rtol=rtol, atol=atol)


# ----------------------------------------------------------------------------------------------
# datasets and downloads (no network in remx's environment: missing files raise MXNetError)
def download(url, fname=None, dirname=None, overwrite=False, retries=5):
    """Download url to dirname/fname (fname defaults to the URL's last component); an
    existing file is reused unless overwrite. Returns the file's path. Without network an
    MXNetError says where to put the file."""
    from .gluon.utils import download as _gluon_download
    if fname is None:
        fname = url.split('/')[-1]
    if dirname is None:
        dirname = os.path.dirname(fname)
    else:
        fname = os.path.join(dirname, fname)
    if dirname != '':
        os.makedirs(dirname, exist_ok=True)
    if not overwrite and os.path.exists(fname):
        return fname
    return _gluon_download(url, path=fname, overwrite=True, retries=retries)


_MODEL_URL = 'http://data.mxnet.io/models/'
_MODEL_FILES = {
    'imagenet1k-inception-bn': ('imagenet/inception-bn/Inception-BN-symbol.json',
                                'imagenet/inception-bn/Inception-BN-0126.params'),
    'imagenet11k-resnet-152': ('imagenet-11k/resnet-152/resnet-152-symbol.json',
                               'imagenet-11k/resnet-152/resnet-152-0000.params'),
    'imagenet11k-place365ch-resnet-152': ('imagenet-11k-place365-ch/resnet-152-symbol.json',
                                          'imagenet-11k-place365-ch/resnet-152-0000.params'),
    'imagenet11k-place365ch-resnet-50': ('imagenet-11k-place365-ch/resnet-50-symbol.json',
                                         'imagenet-11k-place365-ch/resnet-50-0000.params'),
}
for _depth in (18, 34, 50, 101, 152):
    _MODEL_FILES['imagenet1k-resnet-%d' % _depth] = (
        'imagenet/resnet/%d-layers/resnet-%d-symbol.json' % (_depth, _depth),
        'imagenet/resnet/%d-layers/resnet-%d-0000.params' % (_depth, _depth))
for _name in ('50', '101', '101-64x4d'):
    _MODEL_FILES['imagenet1k-resnext-%s' % _name] = (
        'imagenet/resnext/%s-layers/resnext-%s-symbol.json' % (_name[:3], _name),
        'imagenet/resnext/%s-layers/resnext-%s-0000.params' % (_name[:3], _name))
del _depth, _name


def download_model(model_name, dst_dir='./', meta_info=None):
    """Fetch a model's ``-symbol.json`` and ``-0000.params`` into dst_dir (files already
    there are reused; remx has no network). meta_info: {model_name: {'symbol': url,
    'params': url}} (default: MXNet's model zoo list). Returns (path prefix, 0), or
    (None, 0) for an unknown model name."""
    if meta_info is None:
        meta_info = {k: {'symbol': _MODEL_URL + s, 'params': _MODEL_URL + p}
                     for k, (s, p) in _MODEL_FILES.items()}
    meta_info = dict(meta_info)
    if model_name not in meta_info:
        return (None, 0)
    if not os.path.isdir(dst_dir):
        os.mkdir(dst_dir)
    meta = dict(meta_info[model_name])
    assert 'symbol' in meta, "missing symbol url"
    model_name = os.path.join(dst_dir, model_name)
    download(meta['symbol'], model_name + '-symbol.json')
    assert 'params' in meta, "mssing parameter file url"
    download(meta['params'], model_name + '-0000.params')
    return (model_name, 0)


def _missing_data(what, where):
    raise _MXNetError('%s is not available: remx never downloads datasets. Place the files at %s'
                      % (what, os.path.abspath(where)))


def get_mnist_ubyte():
    """Make sure the MNIST ubyte files are in ./data (they must be put there by hand)."""
    files = ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte',
             't10k-labels-idx1-ubyte']
    if not all(os.path.exists(os.path.join('data', f)) for f in files):
        _missing_data('MNIST (%s)' % ', '.join(files), 'data/')


def get_mnist():
    """MNIST as a dict of numpy arrays (train_data (60000, 1, 28, 28) float32 in [0, 1],
    train_label, test_data, test_label), read from the gzipped ubyte files in ./data."""
    import gzip
    import struct
    names = {'train': ('train-labels-idx1-ubyte.gz', 'train-images-idx3-ubyte.gz'),
             'test': ('t10k-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz')}
    out = {}
    for split, (lbl, img) in names.items():
        lp, ip = os.path.join('data', lbl), os.path.join('data', img)
        if not (os.path.exists(lp) and os.path.exists(ip)):
            _missing_data('MNIST (%s, %s)' % (lbl, img), 'data/')
        with gzip.open(lp) as f:
            struct.unpack('>II', f.read(8))
            label = np.frombuffer(f.read(), dtype=np.int8).astype(np.int32)
        with gzip.open(ip) as f:
            _, _, rows, cols = struct.unpack('>IIII', f.read(16))
            image = np.frombuffer(f.read(), dtype=np.uint8).reshape(len(label), rows, cols)
            image = image.reshape(image.shape[0], 1, 28, 28).astype(np.float32) / 255
        out[split + '_data'] = image
        out[split + '_label'] = label
    return out


def get_mnist_pkl():
    """Make sure data/mnist.pkl.gz exists (it must be put there by hand)."""
    if not os.path.exists(os.path.join('data', 'mnist.pkl.gz')):
        _missing_data('mnist.pkl.gz', 'data/mnist.pkl.gz')


def get_cifar10():
    """Make sure the CIFAR-10 record files are in data/cifar/ (put there by hand)."""
    if not (os.path.exists(os.path.join('data', 'cifar', 'train.rec')) and
            os.path.exists(os.path.join('data', 'cifar', 'test.rec'))):
        _missing_data('CIFAR-10 (cifar/train.rec, cifar/test.rec)', 'data/cifar/')


def get_mnist_iterator(batch_size, input_shape, num_parts=1, part_index=0):
    """(train, validation) MNISTIters over the ubyte files in ./data (see get_mnist_ubyte);
    images are flat unless input_shape has three dimensions."""
    get_mnist_ubyte()
    flat = len(input_shape) != 3
    train_dataiter = mx.io.MNISTIter(
        image='data/train-images-idx3-ubyte', label='data/train-labels-idx1-ubyte',
        input_shape=input_shape, batch_size=batch_size, shuffle=True, flat=flat,
        num_parts=num_parts, part_index=part_index)
    val_dataiter = mx.io.MNISTIter(
        image='data/t10k-images-idx3-ubyte', label='data/t10k-labels-idx1-ubyte',
        input_shape=input_shape, batch_size=batch_size, flat=flat,
        num_parts=num_parts, part_index=part_index)
    return (train_dataiter, val_dataiter)


def get_zip_data(data_dir, url, data_origin_name):
    """Download (if missing) and extract a zip archive into data_dir."""
    import zipfile
    data_origin_name = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(data_origin_name):
        download(url, dirname=data_dir, overwrite=False)
    with zipfile.ZipFile(data_origin_name) as zf:
        zf.extractall(data_dir)


def get_bz2_data(data_dir, data_name, url, data_origin_name):
    """Download (if missing) a .bz2 file into data_dir and decompress it to data_name."""
    import bz2
    import shutil
    data_name = os.path.join(data_dir, data_name)
    data_origin_name = os.path.join(data_dir, data_origin_name)
    if not os.path.exists(data_name):
        download(url, fname=os.path.basename(data_origin_name), dirname=data_dir,
                 overwrite=False)
        with bz2.BZ2File(data_origin_name, 'rb') as src, open(data_name, 'wb') as dst:
            shutil.copyfileobj(src, dst)
        os.remove(data_origin_name)


def get_im2rec_path(home_env='MXNET_HOME'):
    """Path of MXNet's tools/im2rec.py (under $MXNET_HOME); MXNetError when absent."""
    home = os.environ.get(home_env)
    if home:
        path = os.path.join(home, 'tools', 'im2rec.py')
        if os.path.isfile(path):
            return path
    raise _MXNetError('im2rec.py not found: set %s to an MXNet source tree containing '
                      'tools/im2rec.py' % home_env)


# MXNet's test_utils has no __all__: ``from mxnet.test_utils import *`` brings every public
# global, modules included (mx, np, sys, os, ...), and MXNet's own tests rely on that.
def __getattr__(name):
    # heavy optional modules MXNet's test_utils imported eagerly, loaded here on first use
    if name == 'ss':
        import scipy.stats as ss  # pylint: disable=import-outside-toplevel
        return ss
    if name == 'requests':
        import requests  # pylint: disable=import-outside-toplevel
        return requests
    raise AttributeError("module 'mxnet.test_utils' has no attribute %r" % name)


def __dir__():
    return sorted(set(globals()) | {'ss', 'requests'})
