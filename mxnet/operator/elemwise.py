"""Binary element-wise operators: elemwise_*, broadcast_*, *_scalar, comparisons, logic.

MXNet semantics: inputs must share a dtype (no promotion); comparison and logical results are
0/1 in the input dtype; scalars are cast to the array's dtype first (int arrays truncate);
integer division truncates toward zero; ``mod`` takes the sign of the divisor.
"""
import torch

from .registry import register, Param, OpError
from .params import Float, Bool, Int

__all__ = []


def _same_dtype(name, a, b):
    if a.dtype != b.dtype:
        raise OpError('Error in operator %s: Incompatible attr at 1-th input: expected %s, got %s'
                      % (name, str(a.dtype).replace('torch.', ''),
                         str(b.dtype).replace('torch.', '')))


def _div(a, b):
    if a.is_floating_point():
        return torch.div(a, b)
    return torch.div(a, b, rounding_mode='trunc')


def _as01(fn):
    return lambda a, b: fn(a, b).to(a.dtype if isinstance(a, torch.Tensor) else b.dtype)


def _logic(fn):
    return lambda a, b: fn(a != 0, b != 0).to(a.dtype)


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
    'mod': (torch.remainder, ('broadcast_mod',), ('_mod', '_Mod'), ('_mod_scalar', '_ModScalar'),
            ('_rmod_scalar', '_RModScalar')),
    'power': (torch.pow, ('broadcast_power',), ('_power', '_Power'),
              ('_power_scalar', '_PowerScalar'), ('_rpower_scalar', '_RPowerScalar')),
    'maximum': (torch.maximum, ('broadcast_maximum',), ('_maximum', '_Maximum'),
                ('_maximum_scalar', '_MaximumScalar'), None),
    'minimum': (torch.minimum, ('broadcast_minimum',), ('_minimum', '_Minimum'),
                ('_minimum_scalar', '_MinimumScalar'), None),
    'hypot': (_hypot, ('broadcast_hypot',), ('_hypot',), ('_hypot_scalar', '_HypotScalar'), None),
    'equal': (_as01(torch.eq), ('broadcast_equal',), ('_equal',), ('_equal_scalar',), None),
    'not_equal': (_as01(torch.ne), ('broadcast_not_equal',), ('_not_equal',),
                  ('_not_equal_scalar',), None),
    'greater': (_as01(torch.gt), ('broadcast_greater',), ('_greater',), ('_greater_scalar',),
                None),
    'greater_equal': (_as01(torch.ge), ('broadcast_greater_equal',), ('_greater_equal',),
                      ('_greater_equal_scalar',), None),
    'lesser': (_as01(torch.lt), ('broadcast_lesser',), ('_lesser',), ('_lesser_scalar',), None),
    'lesser_equal': (_as01(torch.le), ('broadcast_lesser_equal',), ('_lesser_equal',),
                     ('_lesser_equal_scalar',), None),
    'logical_and': (_logic(torch.logical_and), ('broadcast_logical_and',), ('_logical_and',),
                    ('_logical_and_scalar',), None),
    'logical_or': (_logic(torch.logical_or), ('broadcast_logical_or',), ('_logical_or',),
                   ('_logical_or_scalar',), None),
    'logical_xor': (_logic(torch.logical_xor), ('broadcast_logical_xor',), ('_logical_xor',),
                    ('_logical_xor_scalar',), None),
}


def _scalar_of(t, s):
    if t.is_floating_point():
        return s
    if t.dtype == torch.bool:
        return bool(s)
    return int(s)


def _define(key, fn, bnames, enames, snames, rnames):
    bname = bnames[0]

    @register(bname, inputs=('lhs', 'rhs'), aliases=bnames[1:])
    def broadcast(a, lhs, rhs):
        _same_dtype(bname, lhs, rhs)
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

    @register(ename, inputs=('lhs', 'rhs'), aliases=enames[1:])
    def elemwise(a, lhs, rhs):
        _same_dtype(ename, lhs, rhs)
        if lhs.shape != rhs.shape:
            raise OpError('Error in operator %s: shapes must be equal, got %s and %s'
                          % (ename, list(lhs.shape), list(rhs.shape)))
        return fn(lhs, rhs)
    elemwise.opdef.doc = 'Element-wise %s of two arrays of the same shape.' % key

    sname = snames[0]

    @register(sname, aliases=snames[1:], scalar=Param(Float, 1.0, 'scalar input value'),
              is_int=Param(Bool, True, 'Indicate whether scalar input is int type'))
    def scalar_op(a, data):
        r = fn(data, _scalar_of(data, a.scalar))
        return r if r.dtype == data.dtype else r.to(data.dtype)
    scalar_op.opdef.doc = 'Element-wise %s of an array and a scalar.' % key

    if rnames:
        rname = rnames[0]

        @register(rname, aliases=rnames[1:], scalar=Param(Float, 1.0, 'scalar input value'),
                  is_int=Param(Bool, True, 'Indicate whether scalar input is int type'))
        def rscalar_op(a, data):
            s = _scalar_of(data, a.scalar)
            r = fn(torch.full_like(data, s), data)
            return r if r.dtype == data.dtype else r.to(data.dtype)
        rscalar_op.opdef.doc = 'Element-wise %s of a scalar and an array (scalar first).' % key


for _k, (_fn, _b, _e, _s, _r) in _BINARY.items():
    _define(_k, _fn, _b, _e, _s, _r)


@register('_grad_add', inputs=('lhs', 'rhs'))
def _grad_add(a, lhs, rhs):
    """Sum of two gradients (same shape)."""
    return lhs + rhs


@register('add_n', variadic='num_args', aliases=('ElementWiseSum', '_sum'),
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
