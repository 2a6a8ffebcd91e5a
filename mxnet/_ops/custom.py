"""The ``Custom`` operator: runs a Python operator registered with ``mx.operator.register``.

MXNet's ``Custom`` op has no fixed signature: its inputs, outputs, auxiliary states, shapes and
dtypes come from the user's ``CustomOpProp`` (named by the ``op_type`` attribute, built from the
other attributes as strings), and its forward/backward are the user's ``CustomOp`` methods,
called with NDArrays. ``CustomOpDef`` is the registry entry; it answers the questions the
Symbol layer and the executors ask an ``OpDef`` (``list_inputs``, ``aux_names``, ``n_out``,
``infer_shape``, ``infer_outputs``) from the Prop. The public classes (``CustomOp``,
``CustomOpProp``, ``register``) are in ``mxnet/operator.py``.

Gradients: while recording (or in an executor that needs gradients) the forward runs inside a
``torch.autograd.Function`` whose backward calls the user's ``backward`` with the output
gradients; inputs that need no gradient get ``req='null'``. The user's code runs with
autograd paused, as in MXNet (its own operations are not part of the outer graph).
"""
import numpy as np
import torch

from ..base import MXNetError
from .. import _state
from .. import engine as _engine
from .registry import OpDef, OpError, _OPS, _CANONICAL, _clean
from .params import attr_string

_PROPS = {}   # op_type -> CustomOpProp subclass (mx.operator.register)


def _str(v):
    """A Prop keyword as the string MXNet passes it (lists as tuples: '(2, 3)')."""
    return attr_string(tuple(v) if isinstance(v, list) else v)


class CustomAttrs:
    """A Custom node's attributes: ``op_type`` and the other keyword arguments as strings
    (what the Prop's constructor receives), with the Prop built from them."""
    __slots__ = ('op_type', 'kwargs', 'prop', '_key')

    def __init__(self, op_type, kwargs):
        osa = object.__setattr__
        osa(self, 'op_type', op_type)
        osa(self, 'kwargs', tuple(sorted(kwargs.items())))
        osa(self, '_key', (op_type, self.kwargs))
        cls = _PROPS.get(op_type)
        if cls is None:
            raise OpError('Custom: no custom operator registered with op_type=%r (register a '
                          'CustomOpProp with @mx.operator.register(%r)); registered: %s'
                          % (op_type, op_type, ', '.join(sorted(_PROPS)) or '(none)'))
        try:
            prop = cls(**dict(self.kwargs))
        except TypeError as e:
            raise OpError('Custom: %s(%s) failed: %s' % (
                cls.__name__, ', '.join('%s=%r' % kv for kv in self.kwargs), e)) from None
        osa(self, 'prop', prop)

    def __setattr__(self, k, v):
        raise AttributeError('operator attributes are read-only')

    def __hash__(self):
        return hash(self._key)

    def __eq__(self, other):
        return type(self) is type(other) and self._key == other._key

    def __repr__(self):
        return 'CustomAttrs(op_type=%r, %s)' % (self.op_type, dict(self.kwargs))

    def given(self):
        d = dict(self.kwargs)
        d['op_type'] = self.op_type
        return d

    def replace(self, **kw):
        d = dict(self.kwargs)
        d.update({k: _str(v) for k, v in kw.items() if k != 'op_type'})
        return CustomAttrs(kw.get('op_type', self.op_type), d)


def _shape_list(shapes):
    return [list(s) if s is not None else [] for s in shapes]


def _infer(attrs, in_shapes):
    """(arg shapes, out shapes, aux shapes) from the Prop's infer_shape."""
    res = attrs.prop.infer_shape(_shape_list(in_shapes))
    if len(res) == 2:
        res = (res[0], res[1], [])
    ins, outs, aux = res
    return ([tuple(s) for s in ins], [tuple(s) for s in outs], [tuple(s) for s in aux])


def _out_specs(attrs, shapes, dtypes):
    """[(shape, numpy dtype)] of the outputs for argument shapes and numpy dtypes, from the
    Prop's infer_shape and infer_type."""
    _, outs, _ = _infer(attrs, shapes)
    otypes = attrs.prop.infer_type([d.type for d in dtypes])[1]
    return [(tuple(s), np.dtype(t)) for s, t in zip(outs, otypes)]


class CustomOpDef(OpDef):
    """Registry entry of ``Custom``; every answer comes from the node's Prop."""
    free_params = True   # any keyword is a parameter (passed to the Prop as a string)
    dynamic_inputs = True  # inputs named by the Prop, bound from array keywords (_ops/binder)

    def parse_attrs(self, kwargs):
        kwargs = dict(kwargs)
        op_type = kwargs.pop('op_type', None)
        if op_type is None:
            raise OpError('Required parameter op_type of string is not presented, in operator '
                          'Custom')
        return CustomAttrs(_str(op_type), {k: _str(v) for k, v in kwargs.items()
                                           if v is not None})

    def list_inputs(self, attrs, num_args=None):
        p = attrs.prop
        return list(p.list_arguments()) + list(p.list_auxiliary_states())

    def needs_top_grad(self, attrs):
        return bool(getattr(attrs.prop, 'need_top_grad_', True))

    def aux_names(self, attrs):
        return tuple(attrs.prop.list_auxiliary_states())

    def n_out(self, attrs):
        return len(attrs.prop.list_outputs())

    def list_outputs(self, attrs):
        return list(attrs.prop.list_outputs())

    def n_args(self, attrs):
        return len(attrs.prop.list_arguments())

    def infer_shape(self, attrs, in_shapes):
        """Input shapes (arguments then auxiliary states) filled by the Prop."""
        n = self.n_args(attrs)
        try:
            ins, _, aux = _infer(attrs, in_shapes[:n])
        except Exception:  # noqa: BLE001 - the user's infer_shape on partial shapes
            return list(in_shapes)
        return list(ins) + list(aux)

    def infer_outputs(self, attrs, shapes, dtypes):
        """[(shape, numpy dtype)] of the outputs, from the Prop (no forward run)."""
        n = self.n_args(attrs)
        try:
            return _out_specs(attrs, shapes[:n], [np.dtype(np.float32) if d is None
                                                  else np.dtype(d) for d in dtypes[:n]])
        except MXNetError as e:
            return e
        except Exception as e:  # noqa: BLE001 - the user's code
            return MXNetError('Custom(%s): infer_shape/infer_type failed: %s'
                              % (attrs.op_type, _clean(e)))


_DOC = """Apply a custom operator implemented in Python.

Parameters
----------
data : NDArray[] or Symbol[]
    Input data for the custom operator (the Prop's arguments, then its auxiliary states;
    by position or by name).
op_type : string
    Name of the custom operator, as given to ``mx.operator.register``.
**kwargs
    Passed to the Prop's constructor as strings.
"""


def _custom_forward(attrs, *tensors):
    """The ``Custom`` op's forward on torch tensors (arguments, then auxiliary states)."""
    n = len(attrs.prop.list_arguments())
    args, aux = tensors[:n], tensors[n:]
    if any(t.device.type == 'meta' for t in tensors):
        raise MXNetError('Custom: not run on meta tensors')
    if torch.is_grad_enabled() and any(t.requires_grad for t in args):
        outs = _CustomFunction.apply(attrs, len(aux), *aux, *args)
    else:
        outs = _run_forward(attrs, args, aux)[0]
    return outs[0] if len(outs) == 1 else tuple(outs)


# the NDArray wrapper of a tensor: the user's code gets NDArrays, and the operator layer sits
# below mx.nd, so mxnet.ndarray installs it here when it loads (install_array)
_WRAP = []


def install_array(wrap):
    """Called by ``mxnet.ndarray``: ``wrap(tensor) -> NDArray`` for the user's callbacks."""
    _WRAP[:] = [wrap]


def _nd(t):
    _wrap = _WRAP[0]
    return _wrap(t)


def _run_forward(attrs, args, aux):
    """Call the user's forward with NDArrays; returns (output tensors, op, NDArrays)."""
    prop = attrs.prop
    in_shapes = [tuple(t.shape) for t in args]
    ins = [_nd(t.detach()) for t in args]
    aux_nd = [_nd(t) for t in aux]    # the state arrays themselves: forward may update them
    in_dtypes = [np.dtype(str(t.dtype).replace('torch.', '')) for t in args]
    specs = _out_specs(attrs, in_shapes, in_dtypes)
    from ..context import context_of
    dev = args[0].device if args else torch.device('cpu')
    op = prop.create_operator(context_of(dev), [list(s) for s in in_shapes],
                              [d.type for d in in_dtypes])
    outs = [_nd(torch.zeros(s, dtype=getattr(torch, d.name), device=dev)) for s, d in specs]
    is_train = bool(_state.state.training)
    with _state.Scope(False, is_train):
        _user('forward', attrs, attrs.op_type, op.forward, is_train, ['write'] * len(outs), ins,
              outs, aux_nd)
    return [o._data for o in outs], op, (ins, outs, aux_nd)


def _user(what, attrs, scope, fn, *args):
    """Call the user's ``forward``/``backward``. For the profiler (as MXNet reports a custom
    operator): the operators it calls are named ``'<scope>::<op>'`` (``engine.op_scope``),
    and the call itself is 'Custom Operator' ``'<scope>::pure_python'``; ``scope`` is the
    op_type, or ``'_backward_<op_type>'`` for the backward."""
    try:
        with _engine.op_scope(scope):
            if _engine.E.profile is None:
                fn(*args)
            else:
                t0 = _engine.now_ns()
                fn(*args)
                _engine.report(scope + '::pure_python', t0, _engine.now_ns(),
                               category='Custom Operator')
    except MXNetError:
        raise
    except Exception as e:  # noqa: BLE001 - the user's operator: its message, as MXNetError
        raise MXNetError('Error in Custom operator %r (%s): %s: %s'
                         % (attrs.op_type, what, type(e).__name__, e)) from e


class _CustomFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, attrs, n_aux, *tensors):
        aux, args = tensors[:n_aux], tensors[n_aux:]
        outs, op, (ins, out_nd, aux_nd) = _run_forward(attrs, args, aux)
        ctx.custom = (attrs, op, ins, out_nd, aux_nd, n_aux)
        outs = [o.clone() for o in outs]
        for o in outs:
            if not o.is_floating_point():
                ctx.mark_non_differentiable(o)
        return tuple(outs)

    @staticmethod
    def backward(ctx, *grads):
        attrs, op, ins, out_nd, aux_nd, n_aux = ctx.custom
        need = ctx.needs_input_grad[2 + n_aux:]
        ograd = [_nd(torch.zeros_like(o._data) if g is None else g.detach())
                 for g, o in zip(grads, out_nd)]
        igrad = [_nd(torch.zeros_like(x._data)) for x in ins]
        req = ['write' if r else 'null' for r in need]
        with _state.Scope(False, bool(_state.state.training)):
            _user('backward', attrs, '_backward_' + attrs.op_type, op.backward, req, ograd, ins,
                  out_nd, igrad, aux_nd)
        res = [g._data if r else None for g, r in zip(igrad, need)]
        return (None, None) + (None,) * n_aux + tuple(res)


def _register():
    op = CustomOpDef('Custom', _custom_forward, ('data',), {}, variadic=None,
                     doc='Apply a custom operator implemented in Python '
                         '(mx.operator.CustomOp / CustomOpProp, named by op_type).')
    del op.infer_shape   # OpDef's per-instance hook slot; the class's Prop-backed one answers
    op.inputs_fn = None
    op.fill_only = True
    op.no_cse = True   # the user's forward may be stateful or random
    op.doc_text = _DOC
    _OPS['Custom'] = op
    _CANONICAL['Custom'] = op
    _custom_forward.opdef = op


_register()
