"""Testing helpers with MXNet 1.9.1's names (``mx.test_utils``).

``check_numeric_gradient`` and ``check_symbolic_forward/backward`` take a Symbol in MXNet; until
Symbol exists here they also accept a Python callable taking NDArrays (a remx extension), which
is how the operator tests check gradients against finite differences.
"""
import contextlib
import os
import random as _pyrandom

import numpy as np

from .base import MXNetError
from .context import Context, current_context, cpu, gpu, num_gpus
from . import ndarray as nd
from .ndarray import NDArray, array
from . import autograd

__all__ = ['default_context', 'set_default_context', 'default_dtype', 'get_rtol', 'get_atol',
           'almost_equal', 'assert_almost_equal', 'assert_allclose', 'same', 'rand_shape_2d',
           'rand_shape_3d', 'rand_shape_nd', 'rand_ndarray', 'random_arrays', 'numeric_grad',
           'check_numeric_gradient', 'assert_exception', 'list_gpus', 'environment',
           'check_symbolic_forward', 'check_symbolic_backward', 'simple_forward',
           'assert_almost_equal_ignore_nan', 'same_array', 'effective_dtype', 'get_tolerance']

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


default_rtols = {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4,
                 np.dtype(np.float64): 1e-5, np.dtype(np.bool_): 0, np.dtype(np.int8): 0,
                 np.dtype(np.uint8): 0, np.dtype(np.int32): 0, np.dtype(np.int64): 0}
default_atols = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
                 np.dtype(np.float64): 1e-20, np.dtype(np.bool_): 0, np.dtype(np.int8): 0,
                 np.dtype(np.uint8): 0, np.dtype(np.int32): 0, np.dtype(np.int64): 0}
default_numeric_eps = {np.dtype(np.float16): 1.0 / 2 ** 6, np.dtype(np.float32): 1.0 / 2 ** 9,
                       np.dtype(np.float64): 1.0 / 2 ** 14}


def effective_dtype(dat):
    return np.dtype(dat.dtype)


def get_tolerance(dat, tol, default_tol):
    if tol is not None:
        return tol
    return default_tol.get(np.dtype(getattr(dat, 'dtype', np.float32)), 1e-5)


def get_rtol(rtol=None, dtype=np.float32):
    return default_rtols.get(np.dtype(dtype), 1e-5) if rtol is None else rtol


def get_atol(atol=None, dtype=np.float32):
    return default_atols.get(np.dtype(dtype), 1e-20) if atol is None else atol


def _as_np(a):
    if isinstance(a, NDArray):
        return a.asnumpy()
    return np.asarray(a)


def almost_equal(a, b, rtol=None, atol=None, equal_nan=False, use_broadcast=True):
    a, b = _as_np(a), _as_np(b)
    rtol = get_rtol(rtol, a.dtype if a.dtype.kind == 'f' else np.float64)
    atol = get_atol(atol, a.dtype if a.dtype.kind == 'f' else np.float64)
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
    dt = an.dtype if an.dtype.kind == 'f' else np.float64
    rtol = get_rtol(rtol, dt)
    atol = get_atol(atol, dt)
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
    return _pyrandom.randint(low, dim0), _pyrandom.randint(low, dim1)


def rand_shape_3d(dim0=10, dim1=10, dim2=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return (_pyrandom.randint(low, dim0), _pyrandom.randint(low, dim1),
            _pyrandom.randint(low, dim2))


def rand_shape_nd(num_dim, dim=10, allow_zero_size=False):
    low = 0 if allow_zero_size else 1
    return tuple(np.random.randint(low, dim + 1, size=num_dim).tolist())


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
        raise MXNetError("rand_ndarray: storage type '%s' is not implemented (dense only)"
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
    eps = numeric_eps if numeric_eps is not None else default_numeric_eps.get(dtype, 1e-4)
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
