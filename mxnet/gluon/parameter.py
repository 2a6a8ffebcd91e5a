"""Gluon ``Parameter``, ``Constant`` and ``ParameterDict``.

A Parameter holds one NDArray per context (replicas kept equal by the Trainer) and, unless
``grad_req='null'``, a gradient buffer per context marked as its autograd gradient. Shapes may
have unknown dimensions (0) until the first forward pass fills them (deferred initialization).

Storage types, as in MXNet 1.9.1: ``grad_stype='row_sparse'`` gives row_sparse gradient
buffers (Embedding(sparse_grad=True)). ``stype='row_sparse'`` makes the value row_sparse: its
truth lives in the Trainer's kvstore, and the per-context arrays only hold the rows last asked
for with ``row_sparse_data(row_id)`` (``data()`` is refused); saving pulls every row.
"""
import re
import warnings
from collections import OrderedDict

import numpy as np

from ..base import MXNetError, mx_real_t
from ..context import Context, cpu, current_context
from .. import autograd, initializer, _tape
from .. import ndarray as nd
from ..ndarray import NDArray

__all__ = ['DeferredInitializationError', 'Parameter', 'Constant', 'ParameterDict',
           'tensor_types']

tensor_types = (NDArray,)

_NAMING_HELP = ('For more info on naming, please see '
                'https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/naming.html')


class DeferredInitializationError(MXNetError):
    """Error for unfinished deferred initialization."""


# MXNet 1.9.1 raised plain AssertionError / ValueError for these Gluon checks. remx raises
# MXNetError subclasses that are also those types, so both ``except MXNetError`` and the
# ``except AssertionError`` / ``except ValueError`` that MXNet users wrote keep working.
class GluonAssertionError(MXNetError, AssertionError):
    """A failed Gluon check that MXNet reported as AssertionError."""


class GluonValueError(MXNetError, ValueError):
    """A bad Gluon argument that MXNet reported as ValueError."""


class GluonTypeError(MXNetError, TypeError):
    """A Gluon argument of a type MXNet 1.9.1 rejected with TypeError."""


def _shape_known(shape):
    return shape is not None and all(d > 0 for d in shape)


def _brief_list(lst, limit=7):
    lst = list(lst)
    if len(lst) > limit:
        return _brief_list(lst[:limit // 2], limit) + ', ..., ' + \
            _brief_list(lst[-limit // 2:], limit)
    return ', '.join(["'%s'" % str(i) for i in lst])


class Parameter:
    """A Block's parameter (weights, biases, running statistics).

    Parameters: name, grad_req ('write' | 'add' | 'null'), shape (0 = unknown dim), dtype,
    lr_mult, wd_mult, init (Initializer or name), allow_deferred_init, differentiable,
    stype, grad_stype.
    """

    def __init__(self, name, grad_req='write', shape=None, dtype=mx_real_t, lr_mult=1.0,
                 wd_mult=1.0, init=None, allow_deferred_init=False, differentiable=True,
                 stype='default', grad_stype='default'):
        self._var = None
        self._data = None
        self._grad = None
        self._ctx_list = None
        self._ctx_map = None
        self._trainer = None
        self._deferred_init = ()
        self._differentiable = differentiable
        self._allow_deferred_init = allow_deferred_init
        self._grad_req = None
        if isinstance(shape, int):
            shape = (shape,)
        self._shape = tuple(shape) if shape is not None else None
        self.name = name
        self._dtype = dtype
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.grad_req = grad_req
        self.init = init
        for kind, st in (('stype', stype), ('grad_stype', grad_stype)):
            if st not in ('default', 'row_sparse', 'csr'):
                raise GluonAssertionError(
                    "%s for Parameter '%s' must be one of 'default', 'row_sparse', "
                                 "or 'csr', but got '%s'" % (kind, name, st))
        self._stype = stype
        self._grad_stype = grad_stype

    def __repr__(self):
        return 'Parameter {name} (shape={shape}, dtype={dtype})'.format(
            name=self.name, shape=self.shape, dtype=self.dtype)

    # -- attributes --------------------------------------------------------------------------
    @property
    def grad_req(self):
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req):
        if req not in ('write', 'add', 'null'):
            raise GluonAssertionError(
                "grad_req must be one of 'write', 'add', or 'null', but got '%s'"
                             % req)
        if not self._differentiable:
            req = 'null'
        if self._grad_req == req:
            return
        self._grad_req = req
        if req == 'null' and self._grad is not None:
            self._grad = None
            for d in self._data:
                _tape.make_variable(d, None, 'null')
        elif self._data is not None:
            self._init_grad()

    @property
    def dtype(self):
        return self._dtype

    @dtype.setter
    def dtype(self, dtype):
        self.cast(dtype)

    @property
    def shape(self):
        return self._shape

    @shape.setter
    def shape(self, new_shape):
        new_shape = tuple(new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        if len(self._shape) != len(new_shape) or \
                not all(j in (0, i) for i, j in zip(new_shape, self._shape)):
            raise GluonAssertionError('Expected shape %s is incompatible with given shape %s.'
                             % (str(new_shape), str(self._shape)))
        self._shape = new_shape

    def _set_trainer(self, trainer):
        # the kvstore of its one Trainer holds a sparse parameter's value
        if self._stype != 'default' and self._trainer is not None and trainer is not None \
                and self._trainer is not trainer:
            raise MXNetError("Failed to set the trainer for Parameter '%s' because it was "
                             "already set. More than one trainers for a %s Parameter is not "
                             "supported." % (self.name, self._stype))
        self._trainer = trainer

    # -- access --------------------------------------------------------------------------------
    def _check_and_get(self, arr_list, ctx):
        if arr_list is not None:
            if ctx is list:
                return arr_list
            if ctx is None:
                if len(arr_list) == 1:
                    return arr_list[0]
                ctx = current_context()
            ctx_list = self._ctx_map[ctx.device_typeid & 1]
            if ctx.device_id < len(ctx_list):
                idx = ctx_list[ctx.device_id]
                if idx is not None:
                    return arr_list[idx]
            raise MXNetError("Parameter '%s' was not initialized on context %s. It was only "
                             "initialized on %s." % (self.name, ctx, self._ctx_list))
        if self._deferred_init:
            raise DeferredInitializationError(
                "Parameter '%s' has not been initialized yet because initialization was "
                "deferred. Actual initialization happens during the first forward pass. "
                "Please pass one batch of data through the network before accessing "
                "Parameters. You can also avoid deferred initialization by specifying "
                "in_units, num_features, etc., for network layers." % self.name)
        raise MXNetError("Parameter '%s' has not been initialized. Note that you should "
                         "initialize parameters and create Trainer with Block.collect_params() "
                         "instead of Block.params because the later does not include "
                         "Parameters of nested child Blocks" % self.name)

    def data(self, ctx=None):
        """This parameter's value on ctx (the only context when there is one); sparse
        parameters use ``row_sparse_data`` instead."""
        if self._stype != 'default':
            raise MXNetError("Cannot return a copy of Parameter '%s' on ctx %s via data() "
                             "because its storage type is %s. Please use row_sparse_data() "
                             "instead." % (self.name, str(ctx), self._stype))
        return self._check_and_get(self._data, ctx)

    def list_data(self):
        """The values on every context, in creation order (dense parameters only)."""
        if self._stype != 'default':
            raise MXNetError("Cannot return copies of Parameter '%s' on all contexts via "
                             "list_data() because its storage type is %s. Please use "
                             "row_sparse_data() instead." % (self.name, self._stype))
        return self._check_and_get(self._data, list)

    def grad(self, ctx=None):
        if self._data is not None and self._grad is None:
            raise MXNetError("Cannot get gradient array for Parameter '%s' because "
                             "grad_req='null'" % self.name)
        return self._check_and_get(self._grad, ctx)

    def list_grad(self):
        if self._data is not None and self._grad is None:
            raise MXNetError("Cannot get gradient array for Parameter '%s' because "
                             "grad_req='null'" % self.name)
        return self._check_and_get(self._grad, list)

    def list_ctx(self):
        if self._data is None:
            if self._deferred_init:
                return self._deferred_init[1]
            raise MXNetError("Parameter '%s' has not been initialized" % self.name)
        return self._ctx_list

    def _get_row_sparse(self, arr_list, ctx, row_id):
        """Pull the rows ``row_id`` of this row_sparse parameter from its Trainer's kvstore
        into the array(s) of ctx (``list``: every context) and return them."""
        if not isinstance(row_id, NDArray):
            raise GluonTypeError('row_id must have NDArray type, but %s is given'
                                 % type(row_id))
        if not self._trainer:
            raise MXNetError("Cannot get row_sparse data for Parameter '%s' when no Trainer "
                             "is created with it." % self.name)
        results = self._check_and_get(arr_list, ctx)
        self._trainer._row_sparse_pull(self, results, row_id)
        return results

    def row_sparse_data(self, row_id):
        """The row_sparse value on row_id's context, holding only the rows in ``row_id``
        (pulled from the Trainer's kvstore; the array is this parameter's own, the variable
        gradients are computed for)."""
        if self._stype != 'row_sparse':
            raise MXNetError("Cannot return a copy of Parameter %s via row_sparse_data() "
                             "because its storage type is %s. Please use data() instead."
                             % (self.name, self._stype))
        return self._get_row_sparse(self._data, row_id.context, row_id)

    def list_row_sparse_data(self, row_id):
        """``row_sparse_data`` on every context, in creation order."""
        if self._stype != 'row_sparse':
            raise MXNetError("Cannot return copies of Parameter '%s' on all contexts via "
                             "list_row_sparse_data() because its storage type is %s. Please "
                             "use data() instead." % (self.name, self._stype))
        return self._get_row_sparse(self._data, list, row_id)

    # -- initialization --------------------------------------------------------------------------
    def initialize(self, init=None, ctx=None, default_init=initializer.Uniform(),
                   force_reinit=False):
        """Initialize the value (and gradient) on ctx (a Context or a list).

        ``init`` (else this Parameter's ``init``, else ``default_init``) fills the array. With
        unknown dimensions and ``allow_deferred_init`` the work waits for the first forward.
        """
        if self._data is not None and not force_reinit:
            warnings.warn("Parameter '%s' is already initialized, ignoring. Set "
                          "force_reinit=True to re-initialize." % self.name, stacklevel=2)
            return
        self._data = self._grad = None
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if init is None:
            init = default_init if self.init is None else self.init
        if not _shape_known(self.shape):
            if self._allow_deferred_init:
                self._deferred_init = (init, ctx, default_init, None)
                return
            raise GluonValueError("Cannot initialize Parameter '%s' because it has invalid shape: "
                                  "%s." % (self.name, str(self.shape)))
        self._deferred_init = (init, ctx, default_init, None)
        self._finish_deferred_init()

    def _finish_deferred_init(self):
        if not self._deferred_init:
            return
        init, ctx, default_init, data = self._deferred_init
        self._deferred_init = ()
        if not _shape_known(self.shape):
            raise GluonAssertionError("Cannot initialize Parameter '%s' because it has invalid "
                                      "shape: %s. Please specify in_units, in_channels, etc for `Block`s."
                             % (self.name, str(self.shape)))
        with autograd.pause():
            if data is None:
                data = nd.zeros(self.shape, dtype=self.dtype, ctx=cpu(), stype=self._stype)
                initializer.create(default_init)(
                    initializer.InitDesc(self.name, {'__init__': init}), data)
            self._init_impl(data, ctx)

    def _init_impl(self, data, ctx_list):
        self._ctx_list = list(ctx_list)
        self._ctx_map = [[], []]
        for i, ctx in enumerate(self._ctx_list):
            dev_list = self._ctx_map[ctx.device_typeid & 1]
            while len(dev_list) <= ctx.device_id:
                dev_list.append(None)
            dev_list[ctx.device_id] = i
        self._data = [data.copyto(c) for c in self._ctx_list]
        self._init_grad()

    def _init_grad(self):
        if self.grad_req == 'null':
            self._grad = None
            return
        self._grad = [nd.zeros(d.shape, dtype=d.dtype, ctx=d.context, stype=self._grad_stype)
                      for d in self._data]
        autograd.mark_variables(self._data, self._grad, self.grad_req)

    def _check_load(self, data, cast_dtype=False, dtype_source='current'):
        """Raise MXNetError if data cannot be loaded into this Parameter (changes nothing)."""
        if cast_dtype and dtype_source not in ('current', 'saved'):
            raise GluonAssertionError("dtype_source must be 'current' or 'saved', got %r"
                                      % (dtype_source,))
        if not isinstance(data, NDArray):
            raise MXNetError("Failed loading Parameter '%s': not an NDArray" % self.name)
        if self.shape:
            if len(self.shape) != len(data.shape) or any(
                    s not in (0, d) for s, d in zip(self.shape, data.shape)):
                raise GluonAssertionError("Failed loading Parameter '%s' from saved params: shape "
                                 "incompatible expected %s vs saved %s"
                                 % (self.name, str(self.shape), str(data.shape)))
        if self.dtype and not cast_dtype and np.dtype(self.dtype).type != data.dtype:
            raise GluonAssertionError("Failed loading Parameter '%s' from saved params: dtype "
                             "incompatible expected %s vs saved %s. Set cast_dtype=True to "
                             "cast the dtype of saved params."
                             % (self.name, str(self.dtype), str(data.dtype)))

    def _load_init(self, data, ctx, cast_dtype=False, dtype_source='current'):
        """(Re)initialize from loaded data, checking shape and dtype."""
        self._check_load(data, cast_dtype, dtype_source)
        if self.shape:
            self.shape = tuple(s if s != 0 else d for s, d in zip(self.shape, data.shape))
        if self.dtype:
            if cast_dtype and np.dtype(self.dtype).type != data.dtype:
                if dtype_source == 'current':
                    data = data.astype(self.dtype, copy=False)
                else:
                    self.dtype = data.dtype  # casts an initialized value, as MXNet does
            elif np.dtype(self.dtype).type != data.dtype:
                raise GluonAssertionError("Failed loading Parameter '%s' from saved params: dtype "
                                 "incompatible expected %s vs saved %s. Set cast_dtype=True to "
                                 "cast the dtype of saved params."
                                 % (self.name, str(self.dtype), str(data.dtype)))
        if data.stype != self._stype:
            data = data.tostype(self._stype)
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data is None:
            if self._deferred_init:
                if ctx is not None and set(ctx) != set(self._deferred_init[1]):
                    raise GluonAssertionError("Failed to load Parameter '%s' on %s because it was "
                                     "previous initialized on %s."
                                     % (self.name, ctx, self.list_ctx()))
                ctx = self._deferred_init[1]
            elif ctx is None:
                ctx = [cpu()]
            self._init_impl(data, ctx)
        else:
            if ctx is not None and set(ctx) != set(self.list_ctx()):
                raise GluonAssertionError(
                    "Failed to load Parameter '%s' on %s because it was previous "
                                 "initialized on %s." % (self.name, ctx, self.list_ctx()))
            self.set_data(data)
        self._deferred_init = ()

    def _reduce(self):
        """The value averaged over contexts, on cpu (what save writes); a row_sparse
        parameter's every row, from its Trainer's kvstore."""
        if self._stype != 'default':
            if not self._trainer:
                raise MXNetError("Cannot get the value of %s Parameter '%s' when no Trainer "
                                 "is created with it." % (self._stype, self.name))
            all_rows = nd.arange(0, self.shape[0], dtype='int64', ctx=cpu())
            data = nd.zeros(self.shape, stype=self._stype, dtype=self.dtype, ctx=cpu())
            self._trainer._row_sparse_pull(self, data, all_rows, full_idx=True)
            return data
        block = self.list_data()
        if len(block) == 1:
            return block[0].copyto(cpu())
        total = block[0].copyto(cpu())
        for w in block[1:]:
            total += w.copyto(cpu())
        return total / len(block)

    def set_data(self, data):
        """Set the value on every context."""
        self.shape = data.shape
        if self._data is None:
            if not self._deferred_init:
                raise GluonAssertionError("Parameter '%s' has not been initialized" % self.name)
            self._deferred_init = self._deferred_init[:3] + (data,)
            return
        trainer = self._trainer
        if trainer is not None and getattr(trainer, '_kv_initialized', False) and \
                getattr(trainer, '_update_on_kvstore', False):
            if self not in trainer._params_to_init:
                trainer._reset_kvstore()
        for arr in self._check_and_get(self._data, list):
            arr[:] = data

    def reset_ctx(self, ctx):
        """Move the parameter (and its gradient) to other context(s)."""
        if ctx is None:
            ctx = [current_context()]
        if isinstance(ctx, Context):
            ctx = [ctx]
        if self._data:
            data = self._reduce()
            with autograd.pause():
                self._init_impl(data, ctx)
        elif self._deferred_init:
            init, _, default_init, data = self._deferred_init
            self._deferred_init = (init, ctx, default_init, data)
        else:
            raise GluonValueError("Cannot reset context for Parameter '%s' because it has not been "
                             "initialized." % self.name)

    def zero_grad(self):
        """Set the gradient buffers to 0 (a row_sparse one keeps no rows)."""
        if self._grad is None:
            return
        for g in self._grad:
            if g.stype != 'default':
                nd.zeros_like(g, out=g)
            else:
                g[:] = 0

    def var(self):
        """The Symbol variable standing for this parameter."""
        if self._var is None:
            from .. import symbol
            self._var = symbol.var(self.name, shape=self.shape, dtype=self.dtype,
                                   lr_mult=self.lr_mult, wd_mult=self.wd_mult, init=self.init,
                                   stype=self._stype)
        return self._var

    def cast(self, dtype):
        """Cast value and gradient to dtype."""
        self._dtype = dtype
        if self._data is None:
            return
        with autograd.pause():
            self._data = [d.astype(dtype) for d in self._data]
            if self._grad is None:
                return
            self._grad = [g.astype(dtype) for g in self._grad]
            autograd.mark_variables(self._data, self._grad, self.grad_req)


class Constant(Parameter):
    """A constant parameter (grad_req 'null') holding ``value``."""

    def __init__(self, name, value):
        if not isinstance(value, NDArray):
            value = nd.array(value)
        self.value = value

        class Init(initializer.Initializer):
            def _init_weight(self, _, arr):
                value.copyto(arr)
        init_name = 'Constant_{}_{}'.format(name, id(self))
        initializer.alias(init_name)(Init)
        super().__init__(name, grad_req='null', shape=value.shape, dtype=value.dtype,
                         init=init_name)

    def __repr__(self):
        return 'Constant {name} (shape={shape}, dtype={dtype})'.format(
            name=self.name, shape=self.shape, dtype=self.dtype)

    @property
    def grad_req(self):
        return 'null'

    @grad_req.setter
    def grad_req(self, req):
        if req != 'null':
            warnings.warn('Constant parameter "{}" does not support grad_req other than "null", '
                          'and new value "{}" is ignored.'.format(self.name, req))
        self._grad_req = 'null'


def _indent(s_, num_spaces):
    lines = s_.split('\n')
    if len(lines) == 1:
        return s_
    first = lines.pop(0)
    return first + '\n' + '\n'.join((num_spaces * ' ') + line for line in lines)


class ParameterDict:
    """An ordered dict of Parameters sharing a name prefix (``dense0_``)."""

    def __init__(self, prefix='', shared=None):
        self._prefix = prefix
        self._params = OrderedDict()
        self._shared = shared

    def __repr__(self):
        name = self._prefix + ' ' if self._prefix else ''
        return '{name}(\n{content}\n)'.format(
            name=name, content='\n'.join(_indent('  {0}'.format(v), 2) for v in self.values()))

    def __getitem__(self, key):
        return self._params[key]

    def __iter__(self):
        return iter(self._params)

    def __len__(self):
        return len(self._params)

    def __contains__(self, key):
        return key in self._params

    def items(self):
        return self._params.items()

    def keys(self):
        return self._params.keys()

    def values(self):
        return self._params.values()

    @property
    def prefix(self):
        return self._prefix

    def _get_impl(self, name):
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name, **kwargs):
        """Get (or create) the Parameter ``prefix + name``; kwargs must agree with an existing
        one (unknown shape dims are filled in)."""
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            param = Parameter(name, **kwargs)
            self._params[name] = param
            return param
        for k, v in kwargs.items():
            if hasattr(param, k) and getattr(param, k) is not None:
                existing = getattr(param, k)
                if k == 'shape' and v is not None and len(v) == len(existing):
                    if all(a == b or a == 0 or b == 0 for a, b in zip(v, existing)):
                        param._shape = tuple(a if a != 0 else b for a, b in zip(v, existing))
                        continue
                elif k == 'dtype' and np.dtype(v) == np.dtype(existing):
                    continue
                if v is not None and v != existing:
                    raise GluonAssertionError(
                        "Cannot retrieve Parameter '%s' because desired attribute "
                                     "does not match with stored for attribute '%s': desired "
                                     "'%s' vs stored '%s'." % (name, k, str(v), str(existing)))
            else:
                setattr(param, k, v)
        return param

    def get_constant(self, name, value=None):
        name = self.prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError("No constant named '{}'. Please specify value if you want to "
                               "create a new constant.".format(name))
            param = Constant(name, value)
            self._params[name] = param
        elif value is not None:
            if not isinstance(param, Constant):
                raise GluonAssertionError("Parameter '{}' already exists but it is not a constant."
                                 .format(name))
            if isinstance(value, NDArray):
                value = value.asnumpy()
            if param.shape != np.shape(value) or not (param.value.asnumpy() == value).all():
                raise GluonAssertionError(
                    "Constant '{}' already exists but it's value doesn't match "
                                 "new value".format(name))
        return param

    def update(self, other):
        """Copy all Parameters of ``other`` into this dict (same objects)."""
        for k, v in other.items():
            if k in self._params:
                if self._params[k] is not v:
                    raise GluonAssertionError(
                        "Cannot update self with other because they have different "
                                     "Parameters with the same name '%s'" % k)
            else:
                self._params[k] = v

    def initialize(self, init=initializer.Uniform(), ctx=None, verbose=False,
                   force_reinit=False):
        """Initialize every Parameter (``init`` is the default for those without their own)."""
        if verbose:
            init.set_verbosity(verbose=verbose)
        for v in self.values():
            v.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self):
        for p in self.values():
            p.zero_grad()

    def reset_ctx(self, ctx):
        for p in self.values():
            p.reset_ctx(ctx)

    def list_ctx(self):
        s = set()
        for p in self.values():
            s.update(p.list_ctx())
        return list(s)

    def setattr(self, name, value):
        """Set an attribute (e.g. grad_req, lr_mult) on every Parameter."""
        for p in self.values():
            setattr(p, name, value)

    def save(self, filename, strip_prefix=''):
        """Save values (averaged over contexts) with nd.save, names minus ``strip_prefix``."""
        arg_dict = {}
        for param in self.values():
            if not param.name.startswith(strip_prefix):
                raise GluonValueError("Prefix '%s' is to be striped before saving, but Parameter's "
                                      "name '%s' does not start with '%s'. this may be due to "
                                      "your Block shares parameters from other Blocks or you "
                                      "forgot to use 'with name_scope()' when creating child "
                                      "blocks. %s" % (strip_prefix, param.name, strip_prefix,
                                                      _NAMING_HELP))
            arg_dict[param.name[len(strip_prefix):]] = param._reduce()
        nd.save(filename, arg_dict)

    def load(self, filename, ctx=None, allow_missing=False, ignore_extra=False,
             restore_prefix='', cast_dtype=False, dtype_source='current'):
        if restore_prefix:
            for name in self.keys():
                if not name.startswith(restore_prefix):
                    raise GluonAssertionError(
                        "restore_prefix is '%s' but Parameters name '%s' does not start with "
                        "'%s'. %s" % (restore_prefix, name, restore_prefix, _NAMING_HELP))
        loaded = nd.load(filename)
        if isinstance(loaded, list):  # nd.save of a list: no parameter names to load by
            if loaded:
                raise MXNetError("ParameterDict.load: file '%s' holds a list of %d arrays, not "
                                 "named parameters" % (filename, len(loaded)))
            loaded = {}
        self.load_dict(loaded, ctx, allow_missing, ignore_extra, restore_prefix,
                       filename, cast_dtype, dtype_source)

    def load_dict(self, param_dict, ctx=None, allow_missing=False, ignore_extra=False,
                  restore_prefix='', filename=None, cast_dtype=False, dtype_source='current'):
        lprefix = len(restore_prefix)
        items = param_dict.items() if isinstance(param_dict, dict) else param_dict
        loaded = [(k[4:] if k.startswith(('arg:', 'aux:')) else k, v) for k, v in items]
        arg_dict = {restore_prefix + k: v for k, v in loaded}
        where = 'file: %s' % filename if filename else 'param_dict'
        if not allow_missing:
            for name in self.keys():
                if name not in arg_dict:
                    raise GluonAssertionError(
                        "Parameter '%s' is missing in %s, which contains parameters: %s. Please "
                        "make sure source and target networks have the same prefix.%s"
                        % (name[lprefix:], where, _brief_list(arg_dict.keys()), _NAMING_HELP))
        for name in arg_dict:
            if name not in self._params:
                if not ignore_extra:
                    raise GluonAssertionError(
                        "Parameter '%s' loaded from %s is not present in ParameterDict, choices "
                        "are: %s. Set ignore_extra to True to ignore. Please make sure source "
                        "and target networks have the same prefix.%s"
                        % (name[lprefix:], where, _brief_list(self._params.keys()),
                           _NAMING_HELP))
                continue
            self[name]._check_load(arg_dict[name], cast_dtype, dtype_source)
        for name in arg_dict:  # all checked: now load (nothing changes if any check fails)
            if name not in self._params:
                continue
            self[name]._load_init(arg_dict[name], ctx, cast_dtype=cast_dtype,
                                  dtype_source=dtype_source)
