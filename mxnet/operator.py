"""``mx.operator``: MXNet's operator module: introspection of the registered operators and
custom operators written in Python (``CustomOp``, ``CustomOpProp``, ``register``).

A custom operator is a ``CustomOpProp`` subclass registered under a name; ``mx.nd.Custom`` and
``mx.sym.Custom`` (``op_type=name``) build the Prop from their other keyword arguments (as
strings), ask it for argument/output/auxiliary names, shapes and dtypes, and run the
``CustomOp`` it creates: ``forward(is_train, req, in_data, out_data, aux)`` and
``backward(req, out_grad, in_data, out_data, in_grad, aux)`` on NDArrays, writing results with
``self.assign``. The operator itself lives in the registry as ``Custom``
(``mxnet/_ops/custom.py``). The legacy ``PythonOp`` / ``NumpyOp`` / ``NDArrayOp`` classes (MXNet
0.x's ``_Native`` / ``_NDArray`` operators, deprecated in 1.x) run as custom operators too.
"""
import collections
import ctypes
import traceback  # noqa: F401 (MXNet's module-level names)
import warnings  # noqa: F401
from threading import Lock  # noqa: F401
from ctypes import CFUNCTYPE, POINTER, Structure, pointer, c_void_p, c_int, c_char, \
    c_char_p, cast, c_bool  # noqa: F401

from .base import (MXNetError, NDArrayHandle, OpHandle, py_str, c_str, c_array,  # noqa: F401
                   check_call, mx_uint, mx_int, mx_float)
from ._ops import registry as _registry_mod
from ._ops.custom import _PROPS

__all__ = ['get_all_registered_operators', 'get_operator_arguments', 'OperatorArguments',
           'CustomOp', 'CustomOpProp', 'register', 'PythonOp', 'NumpyOp', 'NDArrayOp',
           'ctypes', 'collections', 'NDArrayHandle', 'OpHandle', 'py_str', 'c_str', 'c_array',
           'check_call', 'mx_uint', 'mx_int', 'mx_float', 'NDArray', 'array']

OperatorArguments = collections.namedtuple('OperatorArguments', ['narg', 'names', 'types'])


def get_all_registered_operators():
    """Names (and aliases) of every registered operator, as a list."""
    return sorted(_registry_mod.all_ops())


def get_operator_arguments(op_name):
    """``OperatorArguments(narg, names, types)`` of an operator: its array inputs
    ('NDArray-or-Symbol', or 'NDArray-or-Symbol[]' for a variable number) followed by its
    parameters with MXNet's type strings ("int, required", "float, optional, default=1")."""
    op = _registry_mod.get(op_name)
    names, types = [], []
    if op.variadic or op.name == 'Custom':
        names.append('data')
        types.append('NDArray-or-Symbol[]')
    else:
        for nm in op.inputs:
            names.append(nm)
            types.append('NDArray-or-Symbol')
    if op.name == 'Custom':
        names.append('op_type')
        types.append('string')
    for nm, p in op.params.items():
        if op.variadic and nm == op.variadic:
            continue
        names.append(nm)
        types.append(p.type_doc())
    return OperatorArguments(len(names), names, types)


class CustomOp:
    """Base class of the operators a ``CustomOpProp.create_operator`` returns."""

    def __init__(self):
        pass

    def forward(self, is_train, req, in_data, out_data, aux):
        """Compute ``out_data`` from ``in_data`` (lists of NDArrays); write with
        ``self.assign(out_data[i], req[i], value)``."""
        raise NotImplementedError()

    def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
        """Compute ``in_grad`` from ``out_grad``; write with ``self.assign``."""
        raise NotImplementedError()

    def assign(self, dst, req, src):
        """Write ``src`` into ``dst`` as the request says: 'null' (nothing), 'write' or
        'inplace' (copy), 'add' (accumulate)."""
        if req == 'null':
            return
        if req in ('write', 'inplace'):
            dst[:] = src
        elif req == 'add':
            dst[:] += src


class CustomOpProp:
    """Describes a custom operator: its inputs, outputs, auxiliary states, shapes, dtypes and
    storage types, and creates the ``CustomOp`` that computes it.

    need_top_grad: whether backward uses the output gradients (False for loss layers)."""

    def __init__(self, need_top_grad=True):
        self.need_top_grad_ = need_top_grad

    def infer_shape(self, in_shape):
        """(argument shapes, output shapes, auxiliary shapes); by default every output has
        the first input's shape and there are no auxiliary states."""
        return in_shape, (in_shape[0],) * len(self.list_outputs()), ()

    def infer_type(self, in_type):
        """(argument dtypes, output dtypes, auxiliary dtypes); by default the first input's."""
        return in_type, [in_type[0]] * len(self.list_outputs()), \
            [in_type[0]] * len(self.list_auxiliary_states())

    def infer_storage_type(self, in_stype):
        """Storage types; the default operator is dense everywhere."""
        for i, stype in enumerate(in_stype):
            assert stype == 'default', \
                "Default infer_storage_type implementation doesnt allow non default stypes: " \
                "found non default stype '%s' for in_stype[%d]. Please implement " \
                "infer_storage_type and infer_storage_type_backward interface in your custom " \
                "operator if you have non-default input/output stypes" % (stype, i)
        return in_stype, ['default'] * len(self.list_outputs()), \
            ['default'] * len(self.list_auxiliary_states())

    def infer_storage_type_backward(self, ograd_stype, in_stype, out_stype, igrad_stype,
                                    aux_stype):
        """Storage types of the backward pass; dense by default."""
        return ['default'] * len(ograd_stype), ['default'] * len(in_stype), \
            ['default'] * len(out_stype), ['default'] * len(igrad_stype), \
            ['default'] * len(aux_stype)

    def list_outputs(self):
        return ['output']

    def list_arguments(self):
        return ['data']

    def list_auxiliary_states(self):
        return []

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        """The data backward needs (all of it, unless need_top_grad is False)."""
        deps = []
        if self.need_top_grad_:
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps

    def create_operator(self, ctx, in_shapes, in_dtypes):
        """The ``CustomOp`` instance that computes this operator."""
        return CustomOp()


def register(reg_name):
    """Register a ``CustomOpProp`` subclass as custom operator ``reg_name`` (a decorator);
    ``mx.nd.Custom(..., op_type=reg_name)`` and ``mx.sym.Custom`` then use it."""
    def do_register(prop_cls):
        if not (isinstance(prop_cls, type) and issubclass(prop_cls, CustomOpProp)):
            raise MXNetError('mx.operator.register(%r): %r is not a CustomOpProp subclass'
                             % (reg_name, prop_cls))
        _PROPS[reg_name] = prop_cls
        return prop_cls
    return do_register


class _Registry:
    """MXNet's registry object of the legacy Python operators."""

    def __init__(self):
        self.ref_holder = {}
        self.counter = 0
        self.lock = Lock()

    def inc(self):
        with self.lock:
            self.counter += 1
            return self.counter


_registry = _Registry()


class PythonOp:
    """MXNet 0.x's Python operator (deprecated in MXNet 1.x in favour of CustomOp): subclass,
    override ``forward``/``backward``/``infer_shape``/``list_*``, and ``get_symbol(*inputs)``
    gives a Symbol. remx runs it as a custom operator (``Custom`` node); the data are NumPy
    arrays for ``PythonOp``/``NumpyOp`` and NDArrays for ``NDArrayOp``."""
    _NUMPY = True

    def __init__(self, need_top_grad=True):
        self.info_ = None
        self.need_top_grad_ = need_top_grad
        warnings.warn('PythonOp has been deprecated. Please use CustomOp')

    def __call__(self, *args, **kwargs):
        return self.get_symbol(*args, **kwargs)

    def get_symbol(self, *args, **kwargs):
        """A Symbol applying this operator to the input Symbols."""
        from . import symbol
        op_type = '_legacy_%s_%d' % (type(self).__name__, _registry.inc())
        _PROPS[op_type] = _legacy_prop(self)
        _registry.ref_holder[op_type] = self
        return symbol.Custom(*args, op_type=op_type, **kwargs)

    def forward(self, in_data, out_data):
        out_data[0][:] = in_data[0]

    def backward(self, out_grad, in_data, out_data, in_grad):
        in_grad[0][:] = 1.0

    def infer_shape(self, in_shape):
        return in_shape, [in_shape[0]]

    def list_outputs(self):
        return ['output']

    def list_arguments(self):
        return ['data']

    def need_top_grad(self):
        return self.need_top_grad_


class NumpyOp(PythonOp):
    """Legacy operator computing on NumPy arrays (deprecated in MXNet; use CustomOp)."""

    def __init__(self, need_top_grad=True):
        super().__init__(need_top_grad)


class NDArrayOp(PythonOp):
    """Legacy operator computing on NDArrays (deprecated in MXNet; use CustomOp)."""
    _NUMPY = False

    def __init__(self, need_top_grad=True):
        super().__init__(need_top_grad)

    def declare_backward_dependency(self, out_grad, in_data, out_data):
        deps = []
        if self.need_top_grad():
            deps.extend(out_grad)
        deps.extend(in_data)
        deps.extend(out_data)
        return deps


def _legacy_call(pyop, fn, groups, written):
    """Call a legacy op's forward/backward: NumPy copies (written back for the ``written``
    group) or the NDArrays themselves."""
    if not pyop._NUMPY:
        fn(*groups)
        return
    arrs = [[a.asnumpy() for a in g] for g in groups]
    fn(*arrs)
    for dst, src in zip(groups[written], arrs[written]):
        dst[:] = src


def _legacy_prop(pyop):
    class _LegacyOp(CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            _legacy_call(pyop, pyop.forward, [in_data, out_data], 1)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            _legacy_call(pyop, pyop.backward, [out_grad, in_data, out_data, in_grad], 3)

    class _LegacyProp(CustomOpProp):
        def __init__(self):
            super().__init__(need_top_grad=pyop.need_top_grad())

        def list_arguments(self):
            return pyop.list_arguments()

        def list_outputs(self):
            return pyop.list_outputs()

        def infer_shape(self, in_shape):
            res = pyop.infer_shape(in_shape)
            return res[0], res[1], []

        def create_operator(self, ctx, in_shapes, in_dtypes):
            return _LegacyOp()
    return _LegacyProp


def __getattr__(name):
    # NDArray / array as MXNet's operator.py has them, without importing ndarray at load time
    if name in ('NDArray', 'array'):
        from . import ndarray
        return getattr(ndarray, name)
    raise AttributeError("module %r has no attribute %r" % (__name__, name))
