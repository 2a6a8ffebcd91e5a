"""Binary element-wise operators: elemwise_*, broadcast_*, *_scalar, comparisons, logic.

MXNet semantics: inputs must share a dtype (no promotion); comparison and logical results are
0/1 in the input dtype; scalars are cast to the array's dtype first (int arrays truncate);
integer division truncates toward zero; ``mod`` takes the sign of the divisor.
"""
import torch

from .registry import register, Param, OpError, check_same_dtype
from .params import Float, Bool, Int

__all__ = []


def _div(a, b):
    if a.is_floating_point():
        return torch.div(a, b)
    return torch.div(a, b, rounding_mode='trunc')


def _as01(fn):
    return lambda a, b: fn(a, b).to(a.dtype if isinstance(a, torch.Tensor) else b.dtype)


def _logic(fn):
    def f(a, b):
        # b: a tensor (the binary forms) or a number (the *_scalar forms)
        nb = b != 0 if isinstance(b, torch.Tensor) else torch.tensor(b != 0, device=a.device)
        return fn(a != 0, nb).to(a.dtype)
    return f


def mod(a, b):
    """MXNet's modulo: the sign of the divisor (Python's %), and 0 where the divisor is 0
    (integer and floating alike)."""
    if not isinstance(b, torch.Tensor):
        if b == 0:
            return torch.zeros_like(a)
        return torch.remainder(a, b)
    if not isinstance(a, torch.Tensor):
        a = torch.full_like(b, a)
    zero = b == 0
    r = torch.remainder(a, torch.where(zero, torch.ones_like(b), b))
    return torch.where(zero, torch.zeros_like(r), r)


def _hypot(a, b):
    return torch.hypot(a, b)


# name -> (torch fn, broadcast name(s), elemwise name(s), scalar name, rscalar name)
_BINARY = {
    'add': (torch.add, ('broadcast_add', 'broadcast_plus'), ('elemwise_add', '_add', '_plus', '_Plus'),
            ('_plus_scalar', '_PlusScalar'), None),
    'sub': (torch.sub, ('broadcast_sub', 'broadcast_minus'),
            ('elemwise_sub', '_sub', '_minus', '_Minus'), ('_minus_scalar', '_MinusScalar'),
            ('_rminus_scalar', '_RMinusScalar')),
    'mul': (torch.mul, ('broadcast_mul',), ('elemwise_mul', '_mul', '_Mul'),
            ('_mul_scalar', '_MulScalar'), None),
    'div': (_div, ('broadcast_div',), ('elemwise_div', '_div', '_Div'),
            ('_div_scalar', '_DivScalar'), ('_rdiv_scalar', '_RDivScalar')),
    'mod': (mod, ('broadcast_mod',), ('_mod', '_Mod'), ('_mod_scalar', '_ModScalar'),
            ('_rmod_scalar', '_RModScalar')),
    'power': (torch.pow, ('broadcast_power',), ('_power', '_Power'),
              ('_power_scalar', '_PowerScalar'), ('_rpower_scalar', '_RPowerScalar')),
    'maximum': (torch.maximum, ('broadcast_maximum',), ('_maximum', '_Maximum'),
                ('_maximum_scalar', '_MaximumScalar'), None),
    'minimum': (torch.minimum, ('broadcast_minimum',), ('_minimum', '_Minimum'),
                ('_minimum_scalar', '_MinimumScalar'), None),
    'hypot': (_hypot, ('broadcast_hypot',), ('_hypot', '_Hypot'), ('_hypot_scalar', '_HypotScalar'), None),
    'equal': (_as01(torch.eq), ('broadcast_equal',), ('_equal', '_Equal'), ('_equal_scalar', '_EqualScalar'), None),
    'not_equal': (_as01(torch.ne), ('broadcast_not_equal',), ('_not_equal', '_Not_Equal'),
                  ('_not_equal_scalar', '_NotEqualScalar'), None),
    'greater': (_as01(torch.gt), ('broadcast_greater',), ('_greater', '_Greater'), ('_greater_scalar', '_GreaterScalar'),
                None),
    'greater_equal': (_as01(torch.ge), ('broadcast_greater_equal',), ('_greater_equal', '_Greater_Equal'),
                      ('_greater_equal_scalar', '_GreaterEqualScalar'), None),
    'lesser': (_as01(torch.lt), ('broadcast_lesser',), ('_lesser', '_Lesser'), ('_lesser_scalar', '_LesserScalar'), None),
    'lesser_equal': (_as01(torch.le), ('broadcast_lesser_equal',), ('_lesser_equal', '_Lesser_Equal'),
                     ('_lesser_equal_scalar', '_LesserEqualScalar'), None),
    'logical_and': (_logic(torch.logical_and), ('broadcast_logical_and',), ('_logical_and', '_Logical_And'),
                    ('_logical_and_scalar', '_LogicalAndScalar'), None),
    'logical_or': (_logic(torch.logical_or), ('broadcast_logical_or',), ('_logical_or', '_Logical_Or'),
                   ('_logical_or_scalar', '_LogicalOrScalar'), None),
    'logical_xor': (_logic(torch.logical_xor), ('broadcast_logical_xor',), ('_logical_xor', '_Logical_Xor'),
                    ('_logical_xor_scalar', '_LogicalXorScalar'), None),
}


def _scalar_of(t, s):
    if t.is_floating_point():
        return s
    if t.dtype == torch.bool:
        return bool(s)
    return int(s)


_SCALAR_FN = {
    'maximum': torch.clamp_min,
    'minimum': torch.clamp_max,
    'hypot': lambda a, s: torch.hypot(a, torch.full_like(a, s)),
}


# the 0/1-valued ops (comparisons, logic): their scalar forms do not take the 'unary' shape rule
_PREDICATES = frozenset(['equal', 'not_equal', 'greater', 'greater_equal', 'lesser',
                         'lesser_equal', 'logical_and', 'logical_or', 'logical_xor'])


def _define(key, fn, bnames, enames, snames, rnames):
    bname = bnames[0]

    @register(bname, inputs=('lhs', 'rhs'), aliases=bnames[1:], monitor_indexed_outputs=True)
    def broadcast(a, lhs, rhs):
        check_same_dtype(bname, lhs, (rhs,))
        try:
            torch.broadcast_shapes(lhs.shape, rhs.shape)
        except RuntimeError:
            raise OpError('Error in operator %s: operands could not be broadcast together with '
                          'shapes %s %s' % (bname, list(lhs.shape), list(rhs.shape))) from None
        return fn(lhs, rhs)
    broadcast.__doc__ = ('Returns element-wise %s of the input arrays with broadcasting.'
                         % key.replace('_', ' '))
    broadcast.opdef.doc = broadcast.__doc__

    ename = enames[0]

    # MXNet's elemwise_add passes gradients on without a backward node, and its outputs keep
    # their names in op hooks
    add = ename == 'elemwise_add'

    @register(ename, inputs=('lhs', 'rhs'), aliases=enames[1:], shape_rule='same',
              no_backward_node=add, monitor_indexed_outputs=not add)
    def elemwise(a, lhs, rhs):
        check_same_dtype(ename, lhs, (rhs,))
        if lhs.shape != rhs.shape:
            raise OpError('Error in operator %s: shapes must be equal, got %s and %s'
                          % (ename, list(lhs.shape), list(rhs.shape)))
        return fn(lhs, rhs)
    elemwise.opdef.doc = 'Element-wise %s of two arrays of the same shape.' % key

    sname = snames[0]
    # torch.maximum / minimum / hypot take tensors only; clamp also gives MXNet's scalar-op
    # gradient (1 where data >= scalar for maximum, data <= scalar for minimum)
    sfn = _SCALAR_FN.get(key, fn)

    rule = None if key in _PREDICATES else 'unary'

    @register(sname, aliases=snames[1:], shape_rule=rule, monitor_indexed_inputs=True,
              monitor_indexed_outputs=True,
              scalar=Param(Float, 1.0, 'scalar input value'),
              is_int=Param(Bool, True, 'Indicate whether scalar input is int type'))
    def scalar_op(a, data):
        r = sfn(data, _scalar_of(data, a.scalar))
        return r if r.dtype == data.dtype else r.to(data.dtype)
    scalar_op.opdef.doc = 'Element-wise %s of an array and a scalar.' % key

    if rnames:
        rname = rnames[0]

        @register(rname, aliases=rnames[1:], shape_rule=rule, monitor_indexed_inputs=True,
                  monitor_indexed_outputs=True,
                  scalar=Param(Float, 1.0, 'scalar input value'),
                  is_int=Param(Bool, True, 'Indicate whether scalar input is int type'))
        def rscalar_op(a, data):
            s = _scalar_of(data, a.scalar)
            r = fn(torch.full_like(data, s), data)
            return r if r.dtype == data.dtype else r.to(data.dtype)
        rscalar_op.opdef.doc = 'Element-wise %s of a scalar and an array (scalar first).' % key


for _k, (_fn, _b, _e, _s, _r) in _BINARY.items():
    _define(_k, _fn, _b, _e, _s, _r)


@register('_grad_add', inputs=('lhs', 'rhs'), shape_rule='same')
def _grad_add(a, lhs, rhs):
    """Sum of two gradients (same shape)."""
    return lhs + rhs


@register('add_n', variadic='num_args', aliases=('ElementWiseSum', '_sum'), shape_rule='same',
          monitor_indexed_outputs=True,
          num_args=Param(Int, doc='Number of inputs to be summed.'))
def add_n(a, *args):
    """Adds all input arguments element-wise: ``add_n(a1, a2, ...) = a1 + a2 + ...``."""
    if not args:
        raise OpError('add_n: needs at least one input')
    shape = args[0].shape
    for t in args[1:]:
        if t.shape != shape:
            raise OpError('Error in operator add_n: all inputs must have the same shape, got %s'
                          % [list(x.shape) for x in args])
    out = args[0]
    for t in args[1:]:
        out = out + t
    return out if len(args) > 1 else out.clone()
