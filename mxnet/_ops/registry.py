"""The single operator registry.

Every operator is defined once with :func:`register`: its MXNet name and aliases, input names,
parameters (kinds and defaults from :mod:`.params`), number of outputs and a forward function
that takes the parsed attributes and torch tensors and returns torch tensor(s). Gradients come
from torch.autograd; an op whose MXNet gradient differs from the mathematical one implements a
``torch.autograd.Function`` inside its forward. ``mx.nd`` (and later ``mx.sym``) namespaces are
generated from these definitions.

Forward functions must not mutate their inputs, must return tensors on the inputs' device, and
may read ``mxnet._state.state.training`` for train/predict behaviour.
"""
import torch

from ..base import MXNetError
from ..engine import KernelFailure
from .. import _state
from .params import Param, REQUIRED

__all__ = ['register', 'OpDef', 'get', 'all_ops', 'Param', 'OpError']

_OPS = {}          # every name and alias -> OpDef
_CANONICAL = {}    # canonical name -> OpDef


class OpError(MXNetError):
    """Raised for bad operator input (wrong shapes, parameters or values)."""


class KernelError(OpError, KernelFailure):
    """An error found while the operator computes (MXNet's checks inside its kernels: a bad
    distribution parameter, an index out of range with mode='raise'). The threaded engines
    raise it at the next wait on the outputs (mxnet/engine.py); ``outputs``: the ops' output
    ``(shape, torch dtype, torch device)`` for the placeholders that carry it until then."""

    def __init__(self, msg, outputs=None):
        super().__init__(msg)
        self.outputs = outputs


class AttrsBase:
    """Parsed, immutable operator attributes; hashable so they can key caches."""
    __slots__ = ('_key', '_given')

    def __setattr__(self, k, v):
        raise AttributeError('operator attributes are read-only')

    def __hash__(self):
        return hash(self._key)

    def __eq__(self, other):
        return type(self) is type(other) and self._key == other._key

    def __repr__(self):
        return '%s(%s)' % (type(self).__name__, ', '.join(
            '%s=%r' % (k, getattr(self, k)) for k in self.__slots__))

    def given(self):
        """The attributes the user gave, as MXNet's strings (for symbol JSON)."""
        return dict(self._given)

    def replace(self, **kw):
        vals = {k: getattr(self, k) for k in type(self).__slots__}
        vals.update(kw)
        return _make_attrs(type(self), vals, dict(self._given, **{k: str(v) for k, v in kw.items()}))


def _make_attrs(cls, vals, given):
    obj = object.__new__(cls)
    osa = object.__setattr__
    for k in cls.__slots__:
        osa(obj, k, vals[k])
    osa(obj, '_key', tuple(vals[k] if _hashable(vals[k]) else repr(vals[k]) for k in cls.__slots__))
    osa(obj, '_given', given)
    return obj


def _hashable(v):
    try:
        hash(v)
        return True
    except TypeError:
        return False


def _attr_str(v):
    if isinstance(v, str):
        return v
    if isinstance(v, list):
        v = tuple(v)
    return str(v)


# operators declared here without parameters that MXNet still checks keywords for (its
# parameter struct has fields remx does not model)
_PARAM_STRUCT_WITHOUT_PARAMS = frozenset(['_linalg_potrf', '_linalg_potri'])


class OpDef:
    """Definition of one operator (see :func:`register`).

    The class attributes below are the operator traits (:data:`_TRAITS`): what the Symbol
    layer, executors and cached graphs need to know about an operator beyond its inputs,
    parameters and forward. ``register()`` sets those it is given on the instance; every
    other OpDef (``Custom``, a ``_CachedOp`` node) answers the defaults.
    """
    # -- traits (defaults; see register() for each keyword) ---------------------------------
    unnamed_inputs = False
    fill_only = False
    total_outputs = None
    indexed_output_name = False
    shape_rule = None
    batch_from_output = None
    shape_from_output = None
    input_dtypes = None
    output_dtype = None
    loss = False
    no_backward_node = False
    backward_named_by_input = False
    no_gradient = False
    blocks_grad = False
    in_place = False
    no_cse = False
    monitor_indexed_inputs = False
    monitor_indexed_outputs = False
    dynamic_shape = False
    # not traits: kinds of OpDef. dynamic_inputs: the inputs depend on the attributes and are
    # bound by name from array-valued keywords (Custom, see _ops/binder.py); doc_text: a
    # docstring used as it is by every front end
    dynamic_inputs = False
    doc_text = None

    def __init__(self, name, fn, inputs, params, aliases=(), aux=(), variadic=None,
                 num_outputs=1, output_names=None, doc='', hidden=False,
                 infer_shape=None,
                 creation=False, differentiable=True):
        self.name = name
        self.fn = fn
        self.inputs = tuple(inputs)
        self.aux = tuple(aux)
        self.params = dict(params)
        self.aliases = tuple(aliases)
        self.variadic = variadic        # name of the count param for *args inputs, or True
        self.num_outputs = num_outputs  # int or callable(attrs)
        self.output_names = output_names
        self.doc = doc
        self.hidden = hidden
        self.infer_shape = infer_shape
        self.creation = creation
        self.differentiable = differentiable
        slots = tuple(self.params)
        self.attrs_cls = type(name + 'Attrs', (AttrsBase,), {'__slots__': slots})
        self._cache = {}

    # -- attributes ---------------------------------------------------------------------------
    def parse_attrs(self, kwargs):
        """kwargs (python values or MXNet strings) -> frozen attrs; cached by the raw kwargs."""
        try:
            key = tuple(kwargs.items())
            hit = self._cache.get(key)
            if hit is not None:
                return hit
        except TypeError:
            key = None
        params = self.params
        vals = {}
        given = {}
        for k, v in kwargs.items():
            p = params.get(k)
            if p is None:
                if not params and self.name not in _PARAM_STRUCT_WITHOUT_PARAMS:
                    # MXNet's operators without a parameter struct (elemwise/broadcast binary,
                    # unary math, ...) keep unknown keywords as node attributes, unchecked
                    continue
                raise OpError("Cannot find argument '%s' of operator %s. Possible arguments: %s"
                              % (k, self.name, ', '.join(params) or '(none)'))
            if v is None and p.default is None:
                vals[k] = None
                continue
            try:
                vals[k] = p.parse(v)
            except (ValueError, TypeError, OverflowError, RecursionError, MemoryError) as e:
                raise OpError('Invalid value %s for parameter %s of operator %s: %s'
                              % (_brief(v), k, self.name, _clean(e))) from None
            given[k] = _attr_str(v)
        for k, p in params.items():
            if k not in vals:
                if p.default is REQUIRED:
                    raise OpError('Required parameter %s of %s is not presented, in operator %s'
                                  % (k, p.type_doc().split(',')[0], self.name))
                vals[k] = p.default
        attrs = _make_attrs(self.attrs_cls, vals, given)
        if key is not None:
            if len(self._cache) > 2048:
                self._cache.clear()
            self._cache[key] = attrs
        return attrs

    def needs_top_grad(self, attrs):
        """Whether backward uses the output gradient (False: a loss; backward() may be
        called without head gradients)."""
        return not self.loss

    def n_total(self, attrs):
        """The outputs MXNet's graph holds for a node (JSON ``node_row_ptr``): the visible
        ones and, for ops with ``total_outputs``, the hidden ones."""
        n = self.n_out(attrs)
        t = self.total_outputs
        if t is not None:
            n = max(n, t(attrs) if callable(t) else t)
        return n

    def aux_names(self, attrs):
        """Names of the inputs that are auxiliary states (fixed per op, except Custom's)."""
        return self.aux

    def n_out(self, attrs):
        n = self.num_outputs
        return n(attrs) if callable(n) else n

    def list_outputs(self, attrs):
        names = self.output_names
        if callable(names):
            return list(names(attrs))
        if names is not None:
            return list(names)
        n = self.n_out(attrs)
        return ['output'] if n == 1 else ['output%d' % i for i in range(n)]

    def list_inputs(self, attrs, num_args=None):
        """Input names for these attrs (drops optional inputs switched off, e.g. no_bias)."""
        if callable(getattr(self, 'inputs_fn', None)):
            return list(self.inputs_fn(attrs))
        if self.variadic:
            if num_args is None:
                num_args = getattr(attrs, self.variadic, 0) if isinstance(self.variadic, str) \
                    else 0
            return ['arg%d' % i for i in range(num_args)]
        return list(self.inputs)

    # -- running ------------------------------------------------------------------------------
    def compute(self, attrs, tensors):
        """Run forward on tensors, mapping torch errors to MXNetError. Returns tensor or tuple."""
        try:
            if _state.state.recording:
                if self.differentiable:
                    return self.fn(attrs, *tensors)
                return _link_zero_grad(self.fn(attrs, *tensors), tensors)
            for t in tensors:
                if t is not None and t.requires_grad:
                    with torch.no_grad():
                        return self.fn(attrs, *tensors)
            return self.fn(attrs, *tensors)
        except MXNetError:
            raise
        except (RuntimeError, ValueError, IndexError, TypeError, AssertionError,
                NotImplementedError, ZeroDivisionError, OverflowError, MemoryError) as e:
            shapes = ', '.join('None' if t is None else 'x'.join(map(str, t.shape)) or '()'
                               for t in tensors)
            from .._alloc import is_alloc_failure, alloc_error
            if is_alloc_failure(e):  # out of memory or a size overflow: say what was asked
                shape = getattr(attrs, 'shape', None)
                dtype = getattr(attrs, 'dtype', None)
                if not (isinstance(shape, tuple) and all(isinstance(d, int) and d >= 0
                                                         for d in shape)):
                    shape, dtype = self._meta_output(attrs, tensors)
                raise alloc_error('Error in operator %s' % self.name, shape, dtype, e,
                                  cls=OpError, context=' (input shapes: [%s])' % shapes) \
                    from None
            raise OpError('Error in operator %s: %s (input shapes: [%s])'
                          % (self.name, _clean(e), shapes)) from None

    def _meta_output(self, attrs, tensors):
        """(shape, dtype) of the first output, found by running forward on meta tensors (only
        after an allocation failure, to say what was asked for); (None, None) if unknown."""
        if not tensors or any(t is None for t in tensors):
            return None, None
        try:
            with torch.no_grad():
                out = self.fn(attrs, *[t.detach().to('meta') for t in tensors])
            if isinstance(out, (tuple, list)):
                out = out[0]
            return tuple(out.shape), out.dtype
        except Exception:  # noqa: BLE001 - best effort, for the message only
            return None, None

    def __repr__(self):
        return '<OpDef %s>' % self.name


class _ZeroGrad(torch.autograd.Function):
    """Passes ``out`` through while making it depend on ``inputs`` with zero gradient."""

    @staticmethod
    def forward(ctx, out, *inputs):
        ctx.shapes = [(t.shape, t.dtype, t.device) for t in inputs]
        return out.view_as(out)

    @staticmethod
    def backward(ctx, grad, *rest):
        return (None,) + tuple(torch.zeros(s, dtype=d, device=v) for s, d, v in ctx.shapes)


def _link_zero_grad(res, tensors):
    """Recorded outputs of a non-differentiable op (one_hot, argmax, ...) stay in the graph with
    zero gradient, as in MXNet: backward through them writes zeros instead of failing."""
    srcs = [t for t in tensors if t is not None and t.requires_grad]
    if not srcs:
        return res

    def link(o):
        if o.requires_grad or not o.is_floating_point():
            return o
        return _ZeroGrad.apply(o, *srcs)
    if isinstance(res, torch.Tensor):
        return link(res)
    return tuple(link(o) for o in res)


def _brief(v, limit=200):
    """repr(v), shortened (a value read from a file may be huge or deeply nested)."""
    import reprlib
    r = reprlib.Repr()
    r.maxlevel, r.maxstring, r.maxother, r.maxlong = 3, limit, limit, limit
    try:
        return r.repr(v)
    except RecursionError:
        return '<%s>' % type(v).__name__


def dtype_name(x):
    """MXNet's name of a dtype in messages ('float32') for a tensor or a torch dtype."""
    return str(getattr(x, 'dtype', x)).replace('torch.', '')


def check_same_dtype(name, ref, others):
    """MXNet's type check of operators whose inputs share the data's dtype: OpError
    'Incompatible attr at i-th input' for the first of ``others`` (inputs 1, 2, ...) whose
    dtype is not ``ref``'s."""
    for i, t in enumerate(others, 1):
        if t.dtype != ref.dtype:
            raise OpError('Error in operator %s: Incompatible attr at %d-th input: expected %s, '
                          'got %s' % (name, i, dtype_name(ref), dtype_name(t)))


def _clean(e):
    msg = str(e).strip().split('\n')[0]
    return msg or type(e).__name__


def _flag(v):
    return isinstance(v, bool)


def _count(v):
    return callable(v) or (isinstance(v, int) and not isinstance(v, bool) and v >= 1)


def _output_dtype(v):
    if isinstance(v, str) and v == 'param':
        return v
    import numpy as np
    if v is None or isinstance(v, bool):
        raise TypeError(v)
    return np.dtype(v)   # TypeError for what numpy does not take as a dtype


SHAPE_RULES = ('same', 'like_data', 'unary', 'where')

# register() keywords that are operator traits (not parameters): name -> check, which returns
# the value to store, or False / raises TypeError or ValueError for a bad value. Defaults are
# OpDef's class attributes of the same names.
_TRAITS = {
    'unnamed_inputs': _flag,
    'fill_only': _flag,
    'total_outputs': _count,
    'indexed_output_name': _flag,
    'shape_rule': lambda v: v in SHAPE_RULES,
    'batch_from_output': _count,
    'shape_from_output': callable,
    'input_dtypes': callable,
    'output_dtype': _output_dtype,
    'loss': _flag,
    'no_backward_node': _flag,
    'backward_named_by_input': _flag,
    'no_gradient': _flag,
    'blocks_grad': _flag,
    'in_place': _flag,
    'no_cse': _flag,
    'monitor_indexed_inputs': _flag,
    'monitor_indexed_outputs': _flag,
    'dynamic_shape': _flag,
}


def _check_trait(name, k, v):
    """The value to store for trait k; TypeError when v is not one it takes."""
    if v is None and getattr(OpDef, k) is None:
        return None   # the default, given explicitly
    try:
        ok = _TRAITS[k](v)
    except (TypeError, ValueError):
        ok = False
    if ok is False:
        raise TypeError('register(%s): invalid value %r for %s' % (name, v, k))
    return v if ok is True else ok


def register(name, *, inputs=('data',), aliases=(), aux=(), variadic=None, num_outputs=1,
             output_names=None, hidden=False, infer_shape=None, creation=False,
             inputs_fn=None, differentiable=True, **params):
    """Decorator defining an operator. Keyword args that are :class:`Param` are its parameters.

    ``variadic='num_args'`` makes the op take any number of array inputs (``concat(*arrays)``);
    the named count parameter is filled in automatically.
    ``inputs_fn(attrs) -> tuple of input names`` drops optional inputs (``no_bias``).
    ``aux`` names inputs that are auxiliary states (BatchNorm's moving_mean/var); an op may
    update those in place (under torch.no_grad) in training mode, as MXNet does.
    ``num_outputs`` is an int or ``callable(attrs)``, or a :class:`Param` when the op has an MXNet
    parameter of that name giving its output count (declared first); forward returns a tensor when it is 1 and
    a tuple of tensors otherwise. ``output_names`` lists MXNet's output names when not
    'output' / 'output0..n'.
    ``infer_shape(attrs, in_shapes) -> list`` (for ops with learnable inputs) returns the input
    shapes with unknown ones (None) filled from the known ones, e.g. FullyConnected's weight
    (num_hidden, in_units) from data; the Symbol layer uses it for parameter shapes.
    Names follow MXNet: ``_linalg_gemm2`` (alias ``linalg_gemm2``) appears as ``mx.nd.linalg.gemm2``,
    names starting with '_' live in ``mx.nd._internal``.

    Operator traits: keywords that are not parameters, each stored on the OpDef under its own
    name (default: the OpDef class attribute, False / None; None may be given for the
    latter). A keyword that is neither a :class:`Param` nor one of these, or a trait given a
    value it does not take, is a TypeError.

    Shapes, outputs and dtypes (the Symbol layer):

    ``fill_only=True``: ``infer_shape`` only proposes shapes for unknown inputs; a given shape
    that differs is still valid (PReLU's gamma may be (C,) or the data's shape).
    ``total_outputs``: an int >= 1 or ``callable(attrs)``: how many outputs MXNet's graph holds
    for the node, hidden ones (workspaces, saved mean/var) included; JSON's ``node_row_ptr``
    counts them, the listed outputs stay ``num_outputs`` (BatchNorm: 3, max Pooling: 2).
    ``indexed_output_name=True``: a single visible output is still named ``output0`` (MXNet
    has a hidden second one: sort, _linalg_det).
    ``shape_rule``: MXNet's shape function for the op, used by shape (and dtype) inference:

    - ``'same'``: every input and the output have one shape, unified dim by dim (a 0 dim is
      unknown and filled from the others; a mismatch is an error), and one dtype
      (elemwise_*, add_n, the non-broadcast comparisons);
    - ``'like_data'``: the single output has the first input's shape (no forward run to learn
      it) and a known output shape fills the data's (Activation, BatchNorm, softmax);
    - ``'unary'``: the output has the data's shape, so a known output fills the data's
      unknown dims (unary math, the arithmetic ``*_scalar`` ops, Cast);
    - ``'where'``: x, y and the output unify as for ``'same'`` (mismatches left to the
      forward), the condition too when it has their rank.

    ``batch_from_output``: an int or ``callable(attrs, out_shape) -> int``: how many leading
    dims of the data an unknown (0) size is taken from a known output's (FullyConnected,
    Convolution: the batch size).
    ``shape_from_output``: ``callable(attrs, data_shape, out_shape) -> shape or None``: the
    data's shape following from a known output shape, for a data shape with unknown dims
    (transpose, Reshape).
    ``input_dtypes``: ``callable(attrs, dtype, n) -> list``: the numpy dtype each of the n
    inputs must have when the data's dtype is ``dtype`` (None: any); without it, ops with an
    ``infer_shape`` hook or shape_rule 'same' want ``dtype`` for all, others have no rule
    (BatchNorm: float32 parameters for float16 data; Embedding: the weight has the dtype
    parameter, the indices any dtype).
    ``output_dtype``: ``'param'``: the output dtype is the ``dtype`` parameter whatever the
    input's, known before it (Cast, amp_cast); a numpy dtype: the output dtype when no
    forward can be run to learn it (shape_array, size_array: int64).

    Gradients and executors:

    ``loss=True``: a loss head, whose gradient ignores the output gradient: ``backward()``
    needs no head gradients for it (:meth:`OpDef.needs_top_grad` answers False).
    ``no_gradient=True``: MXNet registers the op without FGradient; binding with gradients
    that must pass it fails (``differentiable=False`` instead gives zero gradients).
    ``blocks_grad=True``: its inputs get no gradient; the node is pruned from the backward
    pass (BlockGrad).
    ``no_backward_node=True``: MXNet passes the gradient through without a backward node, so
    a monitor sees no ``NAME_backward_*`` arrays for it (elemwise_add).
    ``backward_named_by_input=True``: MXNet names the node's backward outputs after the
    forward inputs (``NAME_backward_data``) instead of ``NAME_backward_output<i>``.
    ``in_place=True``: MXNet runs the op in place on its input (no memory of its own in the
    executor's memory plan: Reshape, Flatten, BlockGrad).
    ``no_cse=True``: common-subexpression elimination never merges two of its nodes (random
    draws, optimizer updates, stateful ops); ops with aux states are never merged either.
    ``dynamic_shape=True``: a creation op whose ``shape`` may hold 0 dims (or be ``()``
    without NumPy shape semantics) in a graph: the output shape is then left to shape
    inference (``zeros((L, 0, H))``, ``sym.random.normal() + x``).

    Monitors and op hooks:

    ``unnamed_inputs=True`` marks ops that MXNet registers without input names (no
    ``FListInputNames``: Activation, SoftmaxActivation); where MXNet shows per-input names
    (an executor monitor with ``monitor_all``) they are ``input0, input1, ...``.
    ``monitor_indexed_inputs=True`` / ``monitor_indexed_outputs=True``: the op hooks of a
    CachedOp (``register_op_hook``) name the node's inputs ``input0..`` / outputs
    ``NODE_0..``, as MXNet 1.9.1 does for operators registered without
    ``FListInputNames`` / ``FListOutputNames`` (measured against its monitor callbacks).
    """
    if isinstance(num_outputs, Param):
        # MXNet names some ops' output-count parameter num_outputs (SliceChannel, amp_multicast):
        # it is then the op's first parameter and gives the number of outputs
        params = dict(num_outputs=num_outputs, **params)
        num_outputs = _num_outputs_param
    traits = {}
    for k in list(params):
        p = params[k]
        if isinstance(p, Param):
            if k in _TRAITS:
                raise TypeError('register(%s): %s is an operator trait, not a parameter name'
                                % (name, k))
            continue
        if k not in _TRAITS:
            raise TypeError('register(%s): unknown keyword %s (a parameter must be a Param; '
                            'operator traits: %s)' % (name, k, ', '.join(_TRAITS)))
        traits[k] = _check_trait(name, k, params.pop(k))

    def deco(fn):
        op = OpDef(name, fn, inputs, params, aliases=aliases, aux=aux, variadic=variadic,
                   num_outputs=num_outputs, output_names=output_names,
                   doc=fn.__doc__ or '', hidden=hidden,
                   infer_shape=infer_shape, creation=creation, differentiable=differentiable)
        op.inputs_fn = inputs_fn
        for k, v in traits.items():
            setattr(op, k, v)
        for n in (name,) + tuple(aliases):
            if n in _OPS:
                raise MXNetError('operator %s registered twice' % n)
            _OPS[n] = op
        _CANONICAL[name] = op
        fn.opdef = op
        return fn
    return deco


def _num_outputs_param(attrs):
    return attrs.num_outputs


def get(name):
    try:
        return _OPS[name]
    except KeyError:
        raise MXNetError("Operator '%s' is not registered" % name) from None


def all_ops():
    """{name_or_alias: OpDef} for every registered operator."""
    return dict(_OPS)
