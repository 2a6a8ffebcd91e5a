"""Testing helpers with MXNet 1.9.1's names (``mx.test_utils``).

``check_numeric_gradient`` and ``check_symbolic_forward/backward`` take a Symbol in MXNet; until
Symbol exists here they also accept a Python callable taking NDArrays (a remx extension), which
is how the operator tests check gradients against finite differences.
"""
import bz2  # noqa: F401
import contextlib
import errno  # noqa: F401
import gzip  # noqa: F401
import json  # noqa: F401
import logging  # noqa: F401
import platform  # noqa: F401
import struct  # noqa: F401
import time  # noqa: F401
import traceback  # noqa: F401
import zipfile  # noqa: F401
from collections import OrderedDict  # noqa: F401  (MXNet's test_utils exposes it)
from contextlib import contextmanager  # noqa: F401
import numbers
import os
import sys

import numpy as np
import numpy.random as rnd  # noqa: F401
import numpy.testing as npt  # noqa: F401

import mxnet as mx  # noqa: F401  (MXNet's test_utils exposes mx; the package is initialising)
from .base import MXNetError
from .context import Context, current_context, cpu, gpu, num_gpus
from .runtime import Features  # noqa: F401
from .util import use_np  # noqa: F401
from . import ndarray as nd
from .ndarray import NDArray, array
from . import autograd


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
    return list(range(num_gpus()))


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
    if isinstance(a, NDArray):
        return a.asnumpy()
    return np.asarray(a)


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    a, b = _as_np(a), _as_np(b)
    rtol = get_rtol(rtol)
    atol = get_atol(atol)
    if not use_broadcast and a.shape != b.shape:
        return False
    return np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan)


def assert_almost_equal(a, b, rtol=None, atol=None, names=('a', 'b'), equal_nan=False,
                        use_broadcast=True, mismatches=(10, 10)):
    """Assert a and b (NDArrays or numpy arrays) are equal within tolerances."""
    an, bn = _as_np(a), _as_np(b)
    if not use_broadcast and an.shape != bn.shape:
        raise AssertionError('Shape mismatch: %s %s vs %s %s' % (names[0], an.shape, names[1],
                                                                 bn.shape))
    rtol, atol = get_tols(an, bn, rtol, atol)
    if np.allclose(an, bn, rtol=rtol, atol=atol, equal_nan=equal_nan):
        return
    an64, bn64 = np.broadcast_arrays(an.astype(np.float64), bn.astype(np.float64))
    err = np.abs(an64 - bn64) / (atol + rtol * np.abs(bn64))
    err = np.where(np.isnan(err), np.inf, err)
    idx = np.unravel_index(np.argmax(err), err.shape) if err.size else ()
    raise AssertionError(
        'Items are not equal:\nError %f exceeds tolerance rtol=%e, atol=%e at %s: %s=%s, %s=%s\n'
        ' %s: %s\n %s: %s' % (float(err[idx]) if err.size else 0, rtol, atol, idx, names[0],
                              an64[idx] if err.size else an, names[1],
                              bn64[idx] if err.size else bn, names[0], an, names[1], bn))


def assert_allclose(a, b, rtol=1e-07, atol=0, equal_nan=True):
    np.testing.assert_allclose(_as_np(a), _as_np(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


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
    if not (isinstance(array1, NDArray) and isinstance(array2, NDArray)):
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
    """A random dense NDArray (uniform in [0, 1) like MXNet's ``rand_ndarray``)."""
    if stype != 'default':
        raise MXNetError("rand_ndarray: sparse storage type '%s' is not implemented in remx "
                         "(dense only)"
                         % stype)
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


@contextlib.contextmanager
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
# gradients
def _is_symbol(obj):
    return type(obj).__name__ == 'Symbol' and hasattr(obj, 'list_arguments')


def _location_list(fn, location):
    if isinstance(location, dict):
        if _is_symbol(fn):
            return [location[k] for k in fn.list_arguments()], list(fn.list_arguments())
        return list(location.values()), list(location.keys())
    return list(location), ['arg%d' % i for i in range(len(location))]


def _forward(fn, args, aux_states=None):
    if _is_symbol(fn):
        from .symbol import _callable_from_symbol  # available once Symbol lands
        fn = _callable_from_symbol(fn, aux_states)
    out = fn(*args)
    return out if isinstance(out, (list, tuple)) else [out]


def numeric_grad(fn, location, aux_states=None, eps=1e-4, use_forward_train=True, dtype=None):
    """Central finite differences of sum(outputs * proj) for each input (numpy arrays)."""
    raise MXNetError('numeric_grad with a Symbol needs the Symbol API; use '
                     'check_numeric_gradient with a callable')


def check_numeric_gradient(sym, location, aux_states=None, numeric_eps=None, rtol=None,
                           atol=None, grad_nodes=None, use_forward_train=True, ctx=None,
                           grad_stype_dict=None, dtype=np.float32):
    """Check autograd gradients of ``sym`` against central finite differences.

    ``sym`` is a Symbol or a callable taking NDArrays and returning NDArray(s); ``location`` a
    list or dict of numpy arrays (the inputs). The outputs are projected on a fixed random
    array to a scalar whose gradient is compared for every input in ``grad_nodes`` (default
    all floating inputs).
    """
    ctx = ctx or default_context()
    dtype = np.dtype(dtype)
    locs, names = _location_list(sym, location)
    locs = [np.ascontiguousarray(l.asnumpy() if isinstance(l, NDArray) else l) for l in locs]
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
            with autograd.record(train_mode=use_forward_train):
                outs = _forward(sym, nds, aux_states)
        else:
            with autograd.train_mode() if use_forward_train else autograd.predict_mode():
                outs = _forward(sym, nds, aux_states)
        return nds, outs

    nds, outs = run(locs, True)
    projs = [rng.normal(0, 0.1, size=o.shape).astype(np.float64) for o in outs]
    import torch
    with autograd.record(train_mode=use_forward_train):
        total = None
        for o, p in zip(outs, projs):
            if not isinstance(o, NDArray):
                raise MXNetError('check_numeric_gradient: outputs must be NDArrays')
            term = (o._data.to(torch.float64) * torch.from_numpy(p).to(o._data.device)).sum()
            total = term if total is None else total + term
    total = nd.NDArray(total)
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
                           ctx=None, equal_nan=False, dtype=np.float32):
    """Compare outputs of sym (Symbol or callable) on location with expected numpy arrays."""
    ctx = ctx or default_context()
    locs, _ = _location_list(sym, location)
    nds = [array(l, ctx=ctx, dtype=dtype) for l in locs]
    outs = _forward(sym, nds, aux_states)
    if isinstance(expected, dict):
        expected = list(expected.values())
    for o, e in zip(outs, expected):
        assert_almost_equal(o, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return [o.asnumpy() for o in outs]


def check_symbolic_backward(sym, location, out_grads, expected, rtol=None, atol=None,
                            aux_states=None, grad_req='write', ctx=None, grad_stypes=None,
                            equal_nan=False, dtype=np.float32):
    """Compare input gradients of sym (Symbol or callable) for given head grads."""
    ctx = ctx or default_context()
    locs, names = _location_list(sym, location)
    nds = [array(l, ctx=ctx, dtype=dtype) for l in locs]
    for x in nds:
        x.attach_grad()
    with autograd.record():
        outs = _forward(sym, nds, aux_states)
    heads = [array(g, ctx=ctx, dtype=dtype) for g in out_grads]
    autograd.backward(outs, heads)
    if isinstance(expected, dict):
        expected = [expected[n] for n in names if n in expected]
    grads = [x.grad.asnumpy() for x in nds]
    for g, e in zip(grads, expected):
        if e is not None:
            assert_almost_equal(g, e, rtol=rtol, atol=atol, equal_nan=equal_nan)
    return grads


def simple_forward(sym, ctx=None, is_train=False, **inputs):
    ctx = ctx or default_context()
    nds = [array(v, ctx=ctx) for v in inputs.values()]
    with autograd.train_mode() if is_train else autograd.predict_mode():
        outs = _forward(sym, nds)
    outs = [o.asnumpy() for o in outs]
    return outs[0] if len(outs) == 1 else outs


# ----------------------------------------------------------------------------------------------
# comparison helpers
def checkShapes(a, b):  # pylint: disable=invalid-name
    """Raise AssertionError when a and b have different shapes."""
    if a.shape != b.shape:
        raise AssertionError('a.shape = {} and b.shape = {} are not equal'.format(
            str(a.shape), str(b.shape)))


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
        assert_almost_equal(a, b, rtol=rtol, atol=atol, names=names, equal_nan=equal_nan)
        return
    rtol, atol = get_tols(a, b, rtol, atol)
    an, bn = _as_np(a), _as_np(b)
    close = np.isclose(an, bn, rtol=rtol, atol=atol, equal_nan=equal_nan)
    err = 1 - np.count_nonzero(close) / close.size
    if err > etol:
        idx = np.unravel_index(np.argmin(close), close.shape)
        raise AssertionError('Error rate %f exceeds etol=%f with rtol=%e, atol=%e.\n%s'
                             % (err, etol, rtol, atol, locationError(an, bn, idx, names)))


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
    """Run one update of two optimizers on the same random weights/gradients and assert the
    states and weights they produce agree (dense storage only in remx)."""
    if w_stype != 'default' or g_stype != 'default':
        raise MXNetError('compare_optimizer: sparse storage (%s/%s) is not implemented in remx'
                         % (w_stype, g_stype))
    if ntensors == 1:
        w1 = rand_ndarray(shape, dtype=dtype)
        g1 = rand_ndarray(shape, dtype=dtype)
        w2, g2 = w1.copy(), g1.copy()
        index = 0
    else:
        w1 = [rand_ndarray(shape, dtype=dtype) for _ in range(ntensors)]
        g1 = [rand_ndarray(shape, dtype=dtype) for _ in range(ntensors)]
        w2, g2 = [w.copy() for w in w1], [g.copy() for g in g1]
        index = list(range(ntensors))
    s1 = opt1.create_state_multi_precision(index, w1) if ntensors == 1 else \
        [opt1.create_state_multi_precision(i, w) for i, w in zip(index, w1)]
    s2 = opt2.create_state_multi_precision(index, w2) if ntensors == 1 else \
        [opt2.create_state_multi_precision(i, w) for i, w in zip(index, w2)]
    if compare_states:
        compare_ndarray_tuple(s1 if ntensors == 1 else tuple(s1),
                              s2 if ntensors == 1 else tuple(s2), rtol=rtol, atol=atol)
    opt1.update_multi_precision(index, w1, g1, s1)
    opt2.update_multi_precision(index, w2, g2, s2)
    if compare_states:
        compare_ndarray_tuple(s1 if ntensors == 1 else tuple(s1),
                              s2 if ntensors == 1 else tuple(s2), rtol=rtol, atol=atol)
    if ntensors == 1:
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
    else:
        for a, b in zip(w1, w2):
            assert_almost_equal(a, b, rtol=rtol, atol=atol)


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
    a = nd.arange(0, rows, dtype=dtype).reshape(rows, 1)
    return nd.broadcast_to(a, shape=(rows, columns))


def create_vector(size, dtype=np.int64):
    """NDArray 0, 1, ..., size-1."""
    return nd.arange(0, size, dtype=dtype)


def get_identity_mat(size):
    """A float32 identity matrix NDArray."""
    return nd.array(np.eye(size, dtype=np.float32))


def get_identity_mat_batch(size):
    """Two stacked identity matrices, shape (2, size, size)."""
    eye = np.eye(size, dtype=np.float32)
    return nd.array(np.stack([eye, eye]))


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
    raise MXNetError('%s: sparse storage (csr/row_sparse) is not implemented in remx; '
                     'NDArrays are dense only' % name)


def rand_sparse_ndarray(shape, stype, density=None, dtype=None, distribution=None,
                        data_init=None, rsp_indices=None, modifier_func=None,
                        shuffle_csr_indices=False, ctx=None):
    """Random sparse NDArray (not available: remx has no sparse storage)."""
    _no_sparse('rand_sparse_ndarray')


def create_sparse_array(shape, stype, data_init=None, rsp_indices=None, dtype=None,
                        modifier_func=None, density=0.5, shuffle_csr_indices=False):
    """Random sparse NDArray (not available: remx has no sparse storage)."""
    _no_sparse('create_sparse_array')


def create_sparse_array_zd(shape, stype, density, data_init=None, rsp_indices=None, dtype=None,
                           modifier_func=None, shuffle_csr_indices=False):
    """Random sparse NDArray (not available: remx has no sparse storage)."""
    _no_sparse('create_sparse_array_zd')


def shuffle_csr_column_indices(csr):
    """Shuffle a CSR array's column indices (not available: remx has no sparse storage)."""
    _no_sparse('shuffle_csr_column_indices')


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
                    nd.waitall()
        wrapper.__name__ = f.__name__
        wrapper.__doc__ = f.__doc__
        return wrapper
    return decorate


from .util import setenv, getenv  # noqa: E402,F401  (one implementation, mx.util's)


@contextlib.contextmanager
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
        raise MXNetError('Expecting a gpu context to get cuda compute capability, while '
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
        raise MXNetError('chi_square_check: buckets must not be empty')
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
def _needs_symbol(name):
    raise MXNetError('%s needs the Symbol executor (bind/simple_bind), which is not yet '
                     'implemented in remx' % name)


def check_consistency(sym, ctx_list, scale=1.0, grad_req='write', arg_params=None,
                      aux_params=None, rtol=None, atol=None, raise_on_err=True,
                      ground_truth=None, equal_nan=False, use_uniform=False,
                      rand_type=np.float64):
    """Check a symbol gives the same results on several contexts/dtypes (needs Symbol)."""
    _needs_symbol('check_consistency')


def same_symbol_structure(sym1, sym2):
    """Whether two symbols have the same graph structure (needs Symbol)."""
    _needs_symbol('same_symbol_structure')


def check_speed(sym, location=None, ctx=None, N=20, grad_req=None, typ='whole', **kwargs):
    """Time N forward (typ='forward') or forward+backward (typ='whole') runs.

    In remx ``sym`` may be a callable taking NDArrays (``location``: list or dict of numpy
    arrays); a Symbol needs the Symbol API. Returns the average seconds per run.
    """
    import time
    if _is_symbol(sym) or not callable(sym):
        _needs_symbol('check_speed with a Symbol')
    if typ not in ('whole', 'forward'):
        raise MXNetError('typ can only be "whole" or "forward".')
    ctx = ctx or default_context()
    if location is None:
        raise MXNetError('check_speed with a callable needs `location` (its inputs)')
    locs, _ = _location_list(sym, location)
    args = [array(l, ctx=ctx) for l in locs]
    if typ == 'whole':
        for a in args:
            a.attach_grad()

    def run():
        if typ == 'whole':
            with autograd.record():
                outs = _forward(sym, args)
            autograd.backward(outs)
        else:
            outs = _forward(sym, args)
        for o in outs:
            o.wait_to_read()
    run()
    tic = time.time()
    for _ in range(N):
        run()
    nd.waitall()
    return (time.time() - tic) / N


def check_gluon_hybridize_consistency(net_builder, data_l, numpy_func=None, test_grad=True,
                                      rtol=1e-4, atol=1e-4):
    """Check that a Gluon HybridBlock gives the same outputs (and input gradients) without
    and with ``hybridize()``, optionally also against ``numpy_func``.

    net_builder: callable returning a fresh HybridBlock; data_l: list of input NDArrays.
    Returns the outputs of the first (non-hybridized) run as numpy arrays.
    """
    saved = None
    results = []
    for hybridize in (False, True):
        net = net_builder()
        net.initialize()
        if saved is None:
            net(*data_l)
            saved = {k: v.data().asnumpy() for k, v in net.collect_params().items()}
        params = list(net.collect_params().values())
        for (k, v) in zip(saved, params):
            v.set_data(nd.array(saved[k], dtype=saved[k].dtype))
        if hybridize:
            net.hybridize()
        inputs = [x.copy() for x in data_l]
        for x in inputs:
            x.attach_grad()
        with autograd.record():
            out = net(*inputs)
        outs = list(out) if isinstance(out, (list, tuple)) else [out]
        if test_grad:
            autograd.backward(outs)
        results.append(([o.asnumpy() for o in outs],
                        [x.grad.asnumpy() for x in inputs] if test_grad else []))
    (o0, g0), (o1, g1) = results
    for a, b in zip(o0, o1):
        assert_almost_equal(a, b, rtol=rtol, atol=atol)
    for a, b in zip(g0, g1):
        assert_almost_equal(a, b, rtol=rtol, atol=atol)
    if numpy_func is not None:
        expected = numpy_func(*[x.asnumpy() for x in data_l])
        expected = list(expected) if isinstance(expected, (list, tuple)) else [expected]
        for a, b in zip(o0, expected):
            assert_almost_equal(a, b, rtol=rtol, atol=atol)
    return o0


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


def download_model(model_name, dst_dir='./', meta_info=None):
    """Download a pretrained model's symbol and parameter files from MXNet's model zoo
    (they need the Symbol API to load, and the network)."""
    _needs_symbol('download_model')


def _missing_data(what, where):
    raise MXNetError('%s is not available: remx never downloads datasets. Place the files at %s'
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
    """MNIST train/validation iterators (needs mx.io.MNISTIter, not yet in remx)."""
    raise MXNetError('get_mnist_iterator needs mx.io.MNISTIter, which is not yet implemented '
                     'in remx')


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
    raise MXNetError('im2rec.py not found: set %s to an MXNet source tree containing '
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
