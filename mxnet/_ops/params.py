"""Parameter kinds of the operator registry.

Each kind is a function ``parse(value) -> normalised python value`` that accepts both Python
values and MXNet's attribute strings (``'(3, 3)'``, ``'True'``, ``'None'``), and raises
ValueError on bad input. Registry Params name one of these kinds.
"""
import ast

import numpy as np

from ..base import np_dtype, MXNetError

REQUIRED = object()


def _strip(v):
    return v.strip().strip('\'"') if isinstance(v, str) else v


def Int(v):
    if isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)) and float(v).is_integer():
        return int(v)
    if isinstance(v, str):
        s = _strip(v)
        try:
            return int(s)
        except ValueError:
            f = float(s)
            if f.is_integer():
                return int(f)
    raise ValueError('expected an integer, got %r' % (v,))


def Float(v):
    if isinstance(v, str):
        s = _strip(v).lower()
        if s in ('inf', '+inf', 'infinity'):
            return float('inf')
        if s in ('-inf', '-infinity'):
            return float('-inf')
        return float(s)
    if isinstance(v, (int, float, np.integer, np.floating, np.bool_)):
        return float(v)
    raise ValueError('expected a number, got %r' % (v,))


def Bool(v):
    if isinstance(v, str):
        s = _strip(v)
        if s in ('True', 'true', '1'):
            return True
        if s in ('False', 'false', '0'):
            return False
        raise ValueError('expected a boolean, got %r' % (v,))
    if isinstance(v, (bool, np.bool_, int, np.integer)):
        return bool(v)
    raise ValueError('expected a boolean, got %r' % (v,))


def Str(v):
    if isinstance(v, str):
        return _strip(v)
    raise ValueError('expected a string, got %r' % (v,))


def _literal(v):
    if isinstance(v, str):
        s = v.strip()
        if s in ('', '()', '[]'):
            return ()
        s = s.replace('None', 'None')
        try:
            return ast.literal_eval(s)
        except (ValueError, SyntaxError):
            raise ValueError('cannot parse %r as a tuple' % (v,)) from None
    return v


def Shape(v):
    """A tuple of ints: (3, 3), '(3,3)', [3, 3], 3 -> (3,)."""
    v = _literal(v)
    if isinstance(v, (int, np.integer)):
        return (int(v),)
    if hasattr(v, 'tolist') and not isinstance(v, (list, tuple)):
        v = v.tolist()
    if isinstance(v, (list, tuple)):
        return tuple(Int(x) for x in v)
    raise ValueError('expected a shape tuple, got %r' % (v,))


def OptShape(v):
    """Shape with optional None entries (slice begin/end/step)."""
    v = _literal(v)
    if v is None:
        return None
    if isinstance(v, (int, np.integer)):
        return (int(v),)
    if isinstance(v, (list, tuple)):
        return tuple(None if (x is None or x == 'None') else Int(x) for x in v)
    raise ValueError('expected a tuple, got %r' % (v,))


def FloatTuple(v):
    v = _literal(v)
    if isinstance(v, (int, float, np.number)):
        return (float(v),)
    if isinstance(v, (list, tuple)):
        return tuple(Float(x) for x in v)
    raise ValueError('expected a tuple of floats, got %r' % (v,))


def _optional(kind):
    def parse(v):
        if v is None or (isinstance(v, str) and _strip(v) == 'None'):
            return None
        return kind(v)
    parse.__name__ = 'Opt' + kind.__name__
    return parse


OptInt = _optional(Int)
OptFloat = _optional(Float)
OptBool = _optional(Bool)
OptStr = _optional(Str)


def Dtype(v):
    """A dtype name ('float32', ...) normalised to its numpy name; None stays None."""
    if v is None or (isinstance(v, str) and _strip(v) == 'None'):
        return None
    try:
        return np_dtype(_strip(v)).name
    except MXNetError as e:
        raise ValueError(str(e)) from None


def Axis(v):
    """An axis spec: None, an int, or a tuple of ints ('()' means all)."""
    v = _literal(v) if isinstance(v, str) and _strip(v) != 'None' else v
    if v is None or (isinstance(v, str) and _strip(v) == 'None'):
        return None
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (list, tuple)):
        return tuple(Int(x) for x in v)
    raise ValueError('expected an axis (int or tuple), got %r' % (v,))


def Any(v):
    return v


def Ctx(v):
    from ..context import Context, current_context
    if v is None:
        return current_context()
    if isinstance(v, Context):
        return v
    if isinstance(v, str):
        s = _strip(v)
        name, _, rest = s.partition('(')
        return Context(name, int(rest.rstrip(')') or 0))
    raise ValueError('expected a Context, got %r' % (v,))


KIND_NAMES = {Int: 'int', Float: 'float', Bool: 'boolean', Str: 'string', Shape: 'Shape(tuple)',
              OptShape: 'Shape(tuple)', FloatTuple: 'tuple of <float>', OptInt: 'int or None',
              OptFloat: 'float or None', OptBool: 'boolean or None', OptStr: 'string or None',
              Dtype: 'dtype', Axis: 'Shape or None', Any: 'any', Ctx: 'Context'}


_PY_KINDS = {int: Int, float: Float, bool: Bool, str: Str}


def attr_string(v):
    """The attribute string MXNet stores for a parameter value: strings as they are, dtypes
    by name ('float32'), anything else ``str()`` (what MXNet's Python front end sends)."""
    if isinstance(v, str):
        return v
    if isinstance(v, (type, np.dtype)):
        try:
            return np.dtype(v).name
        except TypeError:
            pass
    return str(v)


class Param:
    """One operator parameter: its kind (a parser above), default and doc."""
    __slots__ = ('kind', 'default', 'doc', 'choices')

    def __init__(self, kind, default=REQUIRED, doc='', choices=None):
        self.kind = _PY_KINDS.get(kind, kind)
        self.default = default
        self.doc = doc
        self.choices = tuple(choices) if choices is not None else None

    @property
    def required(self):
        return self.default is REQUIRED

    def parse(self, value):
        v = self.kind(value)
        if self.choices is not None and v not in self.choices:
            raise ValueError('must be one of %s, got %r' % (
                '{' + ', '.join("'%s'" % c if isinstance(c, str) else str(c)
                                for c in self.choices) + '}', v))
        return v

    def type_doc(self):
        if self.choices is not None:
            t = '{' + ', '.join("'%s'" % c if isinstance(c, str) else str(c)
                                for c in self.choices) + '}'
        else:
            t = KIND_NAMES.get(self.kind, getattr(self.kind, '__name__', 'any'))
        if self.required:
            return t + ', required'
        d = self.default
        return "%s, optional, default=%s" % (t, "'%s'" % d if isinstance(d, str) else d)
