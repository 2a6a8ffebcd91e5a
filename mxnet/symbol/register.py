"""Generate the ``mx.sym`` operator functions from the operator registry (the same one as
``mx.nd``).

``make_function(opdef, func_name)`` returns ``f(*args, name=None, attr=None, **kwargs)``:
positional Symbols fill the op's inputs in order (any number for variadic ops such as Concat),
Symbol keyword args fill named inputs, the rest are parameters. Inputs left out become new
variables named ``<name>_<input>`` (``fc1_weight``, ``batchnorm0_moving_mean``); the node's
name comes from ``mx.name`` (``fullyconnected0``) and its attributes from ``mx.AttrScope``.
"""
import inspect

import numpy as np

from ..base import MXNetError, _Null
from .._ops.registry import get as _get_op, all_ops
from .. import name as _name
from .. import attribute as _attribute
from .symbol import Symbol, _Node, _hidden_key, _AUX_VAR_INIT, HIDDEN_KEYS

_SUBMODULE_PREFIXES = (('_linalg_', 'linalg'), ('linalg_', 'linalg'), ('_contrib_', 'contrib'),
                       ('_image_', 'image'), ('_sparse_', 'sparse'), ('_random_', 'random'),
                       ('_sample_', 'random'))


def _single(s, opname):
    if len(s._heads) != 1:
        raise MXNetError('%s: argument %s has %d outputs; operator inputs must be single-output '
                         'symbols' % (opname, s, len(s._heads)))
    return s._heads[0]


def _build(opdef, hint, name, attr, pos, named, params):
    """Create the op node; pos: list of Symbols, named: {input name: Symbol}."""
    attr = _attribute.current().get(attr)
    extra = {}
    for k, v in attr.items():
        if not isinstance(v, str):
            raise ValueError('Set Attr only accepts string values')
        if (k.startswith('__') and k.endswith('__')) or k in HIDDEN_KEYS:
            extra[_hidden_key(k)] = v
        else:
            params[k] = v
    for k in [k for k, v in params.items() if v is _Null]:
        del params[k]
    # keyword arguments starting with a hidden key (lr_mult=0, ctx_group='a') are node
    # attributes __lr_mult__ / __ctx_group__, copied onto the variables the op creates; one
    # ending with it (weight_lr_mult) is MXNet's deprecated form and an error
    for k in [k for k in params if not k.startswith('__')]:
        for hk in HIDDEN_KEYS:
            at = k.rfind(hk)
            if at == 0:
                v = params.pop(k)
                if v is not None:
                    extra['__%s__' % k] = _attr_string(v)
                break
            if at > 0 and at == len(k) - len(hk):
                raise MXNetError('setting variable attributes with %s is deprecated. please '
                                 'instead use\nw = Variable(%s=%s)\nsym = YourSymbolName(%s=w)'
                                 % (k, hk, _attr_string(params[k]), k[:at - 1]))
    # keyword arguments of the form __name__ (mx.sym.zeros(..., __layout__='LNC'), the RNN
    # layers' begin_state) are node attributes, not operator parameters, as in MXNet
    for k in [k for k in params if k.startswith('__') and k.endswith('__')]:
        v = params.pop(k)
        if v is not None:
            extra[_hidden_key(k)] = _attr_string(v)
    if opdef.variadic and not pos:
        raise MXNetError('%s: at least one input Symbol is required' % opdef.name)
    if opdef.variadic and opdef.variadic is not True:
        given = params.get(opdef.variadic)
        if given is not None and int(given) != len(pos):
            raise MXNetError('%s: %s=%s does not match the %d inputs given'
                             % (opdef.name, opdef.variadic, given, len(pos)))
        params[opdef.variadic] = len(pos)
    stray = [k for k, v in params.items() if isinstance(v, Symbol)]
    for k in stray:
        del params[k]
    attrs = opdef.parse_attrs(params)
    # a Symbol keyword that names no input: NNVM's Compose matches keywords only when the
    # positional Symbols do not fill every input, so with all of them given (an op without
    # inputs, such as _random_normal(..., data=s)) MXNet ignores it
    if stray and (opdef.variadic or len(pos) != len(opdef.list_inputs(attrs))):
        raise MXNetError('%s: %s is not an input of the operator (inputs: %s)'
                         % (opdef.name, stray[0], ', '.join(opdef.inputs)))
    name = _name.current().get(name, hint)
    # the attribute strings MXNet stores: str() of what the user passed, dtypes by name
    dct = {k: _attr_string(v) for k, v in params.items() if v is not None}
    dct.update(extra)
    if opdef.variadic:
        in_names = None
        inputs = [_single(s, opdef.name) for s in pos]
    else:
        in_names = opdef.list_inputs(attrs)
        if len(pos) > len(in_names):
            raise MXNetError('%s takes %d inputs (%s) but %d were given'
                             % (opdef.name, len(in_names), ', '.join(in_names), len(pos)))
        slots = dict(zip(in_names, pos))
        for k, s in named.items():
            if k not in in_names:
                raise MXNetError('%s: %s is not an input of the operator with these parameters '
                                 '(inputs: %s)' % (opdef.name, k, ', '.join(in_names)))
            if k in slots:
                raise MXNetError('%s: input %s given twice' % (opdef.name, k))
            slots[k] = s
        inputs = []
        for nm in in_names:
            s = slots.get(nm)
            # MXNet's FSetInputVarAttrOnCompose: the initializer of a variable input (created
            # here or given) that has none, e.g. BatchNorm's moving_var, PReLU's gamma
            init = _AUX_VAR_INIT.get(nm) if nm in opdef.aux_names(attrs) else \
                _INPUT_VAR_INIT.get((opdef.name, nm))
            if s is None:
                vd = dict(dct)
                if init is not None:
                    vd['__init__'] = init
                inputs.append((_Node(None, '%s_%s' % (name, nm), None, vd, []), 0))
            else:
                e = _single(s, opdef.name)
                if init is not None and e[0].op is None and '__init__' not in e[0].dict:
                    e[0].dict['__init__'] = init
                inputs.append(e)
    node = _Node(opdef, name, attrs, dct, inputs)
    return Symbol([(node, i) for i in range(node.num_outputs())])


# initializers MXNet gives a non-auxiliary variable input when composing (LeakyReLU's gamma)
_INPUT_VAR_INIT = {('LeakyReLU', 'gamma'): '["Constant", {"value": 0.25}]'}


def _attr_string(v):
    if isinstance(v, str):
        return v
    if isinstance(v, (type, np.dtype)):
        try:
            return np.dtype(v).name
        except TypeError:
            pass
    return str(v)


def create(func_name, *syms, **params):
    """Create an op symbol by registry name, as the arithmetic operators of Symbol do."""
    opdef = _get_op(func_name)
    return _build(opdef, func_name.lower(), None, None, list(syms), {}, params)


def make_function(opdef, func_name=None):
    if getattr(opdef, 'sym_function', None) is not None:  # an op with its own binder (Custom)
        return opdef.sym_function(func_name or opdef.name)
    func_name = func_name or opdef.name
    hint = func_name.lower()
    inputs = opdef.inputs
    n_in = len(inputs)
    param_names = tuple(k for k in opdef.params if k != opdef.variadic)

    if opdef.variadic:
        def f(*args, name=None, attr=None, **kwargs):
            pos = []
            for a in args:
                if isinstance(a, (list, tuple)):
                    pos.extend(a)
                else:
                    pos.append(a)
            for a in pos:
                if not isinstance(a, Symbol):
                    raise TypeError('Compose expect `Symbol` as arguments')
            kwargs.pop('out', None)
            return _build(opdef, hint, name, attr, pos, {}, kwargs)
    else:
        def f(*args, name=None, attr=None, **kwargs):
            kwargs.pop('out', None)
            pos = []
            rest = []
            for a in args:
                if isinstance(a, Symbol) and not rest:
                    pos.append(a)
                else:
                    rest.append(a)
            if rest:
                if len(pos) + len(rest) > n_in + len(param_names):
                    raise MXNetError('%s takes at most %d positional arguments (%d given)'
                                     % (opdef.name, n_in + len(param_names), len(args)))
                # non-Symbol positionals: None placeholders for inputs, then parameters
                k = len(pos)
                for v in rest:
                    if k < n_in:
                        if v is not None:
                            raise TypeError('Compose expect `Symbol` as arguments')
                    else:
                        pn = param_names[k - n_in]
                        if pn in kwargs:
                            raise MXNetError('%s: parameter %s given twice' % (opdef.name, pn))
                        kwargs[pn] = v
                    k += 1
            named = {}
            for k in list(kwargs):
                v = kwargs[k]
                if k in inputs:
                    del kwargs[k]
                    if v is None:
                        continue
                    if not isinstance(v, Symbol):
                        raise TypeError('Compose expect `Symbol` as arguments')
                    named[k] = v
            return _build(opdef, hint, name, attr, pos, named, kwargs)

    f.__name__ = func_name
    f.__qualname__ = func_name
    f.__module__ = 'mxnet.symbol'
    f.__doc__ = _doc(opdef)
    try:
        ps = []
        if opdef.variadic:
            ps.append(inspect.Parameter('data', inspect.Parameter.VAR_POSITIONAL))
            ps.append(inspect.Parameter('kwargs', inspect.Parameter.VAR_KEYWORD))
        else:
            for nm in inputs:
                ps.append(inspect.Parameter(nm, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            default=None))
            for nm in param_names:
                ps.append(inspect.Parameter(nm, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            default=_Null))
            for nm in ('name', 'attr', 'out'):
                ps.append(inspect.Parameter(nm, inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                            default=None))
            ps.append(inspect.Parameter('kwargs', inspect.Parameter.VAR_KEYWORD))
        f.__signature__ = inspect.Signature(ps)
    except ValueError:
        pass
    f.opdef = opdef
    return f


def _doc(opdef):
    from ..ndarray.register import build_doc
    d = build_doc(opdef).replace('NDArray', 'Symbol')
    cut = d.find('out : Symbol, optional')
    if cut >= 0:
        d = d[:cut] + ('name : str, optional\n    Name of the resulting symbol.\n\nReturns\n'
                       '-------\nSymbol\n    The resulting symbol.')
    return d


def populate(op_mod, internal_mod, submodules):
    """Install a symbol function for every registry op name and alias, as MXNet lays them out:
    public names in ``op_mod``, '_' names in ``internal_mod``, ``_linalg_X`` as ``linalg.X``..."""
    for nm, opdef in sorted(all_ops().items()):
        f = make_function(opdef, nm)
        setattr(internal_mod if nm.startswith('_') else op_mod, nm, f)
        for prefix, sub in _SUBMODULE_PREFIXES:
            if nm.startswith(prefix) and sub in submodules and sub != 'random':
                short = nm[len(prefix):]
                # MXNet names nodes after the function called: linalg.gemm2 -> gemm20
                setattr(submodules[sub], short, make_function(opdef, short))
