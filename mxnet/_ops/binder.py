"""The one front-end binder: how a call of an operator function binds to an ``OpDef``.

``mx.nd.X``, ``mx.sym.X`` (and, later, ``mx.np``) are made from the same ``OpDef``; what they
share lives here, what differs (NDArray or Symbol inputs, running or composing) stays in
``ndarray/register.py`` and ``symbol/register.py``:

* :func:`split_call`: a call's ``(args, kwargs)`` as (positional inputs, named inputs,
  parameters). The first ``len(op.inputs)`` positionals are inputs (None: left out), further
  positionals are parameters in declaration order; a keyword naming an input is an input.
  Variadic ops (Concat, add_n, ...) take every positional (lists flattened) as an input and
  count them into their ``num_args`` parameter. Ops whose inputs depend on their attributes
  (``dynamic_inputs``: Custom, whose Prop names them) take every positional as an input and
  every array-valued keyword as a named one. The nd fast path (only positional inputs, no
  keyword input) is the trivial case and is inlined there.
* :func:`input_slots`: positional and named inputs placed on ``op.list_inputs(attrs)`` (the
  inputs for these attributes: FullyConnected without bias has no ``bias``).
* :func:`signature` / :func:`doc`: the function's ``inspect.Signature`` and docstring.
* :data:`NAMESPACES` and :func:`populate`: where each registry name goes (``_contrib_X`` ->
  ``contrib.X``, ...), one table for every front end.
"""
import inspect

from ..base import MXNetError, _Null

__all__ = ['split_call', 'input_slots', 'signature', 'doc', 'NAMESPACES', 'populate']

# registry-name prefix -> sub-namespace (mx.nd.linalg, mx.sym.contrib, ...). random is a
# hand-written module in both front ends (mx.nd.random, mx.sym.random), so front ends say
# which sub-namespaces they fill
NAMESPACES = (('_linalg_', 'linalg'), ('linalg_', 'linalg'), ('_contrib_', 'contrib'),
              ('_image_', 'image'), ('_sparse_', 'sparse'), ('_random_', 'random'),
              ('_sample_', 'random'))


def split_call(op, args, kwargs, is_input):
    """``(pos, named, params)`` for a call ``f(*args, **kwargs)`` of op's function.

    ``kwargs`` is consumed (it becomes ``params``); ``is_input(v)`` says whether a keyword
    value is an array of this front end (used by ops with ``dynamic_inputs``). Errors name the
    operator: too many positionals, an input or parameter given twice, ``num_args`` not
    matching the inputs."""
    name = op.name
    if op.variadic or op.dynamic_inputs:
        pos = []
        for a in args:
            if isinstance(a, (list, tuple)):
                pos.extend(a)
            else:
                pos.append(a)
        named = {}
        if op.dynamic_inputs:
            named = {k: kwargs.pop(k) for k in [k for k, v in kwargs.items() if is_input(v)]}
        elif op.variadic is not True:
            given = kwargs.get(op.variadic)
            if given is not None and given is not _Null and int(given) != len(pos):
                raise MXNetError('%s: %s=%s does not match the %d inputs given'
                                 % (name, op.variadic, given, len(pos)))
            kwargs[op.variadic] = len(pos)
        return pos, named, _drop_null(kwargs)
    inputs = op.inputs
    n_in = len(inputs)
    pos = list(args[:n_in])
    rest = args[n_in:]
    if rest:
        pnames = param_names(op)
        if len(rest) > len(pnames):
            raise MXNetError('%s takes at most %d positional arguments (%d given)'
                             % (name, n_in + len(pnames), len(args)))
        for nm, v in zip(pnames, rest):
            if nm in kwargs:
                raise MXNetError('%s: parameter %s given twice' % (name, nm))
            kwargs[nm] = v
    named = {}
    for i, nm in enumerate(inputs):
        if nm in kwargs:
            v = kwargs.pop(nm)
            if i < len(pos) and pos[i] is not None:
                raise MXNetError('%s: input %s given twice' % (name, nm))
            if v is not None:
                named[nm] = v
    while pos and pos[-1] is None:
        pos.pop()
    return pos, named, _drop_null(kwargs)


def _drop_null(params):
    for k in [k for k, v in params.items() if v is _Null]:
        del params[k]
    return params


def param_names(op):
    """The op's parameters in declaration order, as positionals bind to them."""
    names = getattr(op, '_param_order', None)
    if names is None:
        names = op._param_order = tuple(k for k in op.params if k != op.variadic)
    return names


def input_slots(op, attrs, pos, named):
    """The given inputs placed on ``op.list_inputs(attrs)``: a list with None where an input
    was left out."""
    names = op.list_inputs(attrs) if not op.variadic else None
    if names is None:
        return list(pos)
    if len(pos) > len(names):
        raise MXNetError('%s takes %d inputs (%s) but %d were given'
                         % (_label(op, attrs), len(names), ', '.join(names), len(pos)))
    slots = list(pos) + [None] * (len(names) - len(pos))
    for k, v in named.items():
        try:
            i = names.index(k)
        except ValueError:
            raise MXNetError('%s: %s is not an input of the operator with these parameters '
                             '(inputs: %s)' % (_label(op, attrs), k, ', '.join(names))) from None
        if slots[i] is not None:
            raise MXNetError('%s: input %s given twice' % (_label(op, attrs), k))
        slots[i] = v
    return slots


def _label(op, attrs):
    op_type = getattr(attrs, 'op_type', None) if op.dynamic_inputs else None
    return '%s(op_type=%s)' % (op.name, op_type) if op_type else op.name


def signature(op, front):
    """The ``inspect.Signature`` of op's function in front end ``front`` ('nd' or 'sym'), as
    MXNet's generated functions read: inputs (default None), then parameters (in mx.nd with
    their defaults, in mx.sym ``_Null``), then ``out``/``name`` (mx.sym: ``name``/``attr``/
    ``out`` and ``**kwargs``); a variadic op takes ``*data``."""
    P = inspect.Parameter
    many = op.variadic or op.dynamic_inputs
    ps = [P('data', P.VAR_POSITIONAL)] if many else \
        [P(nm, P.POSITIONAL_OR_KEYWORD, default=None) for nm in op.inputs]
    if front == 'nd':
        kind = P.KEYWORD_ONLY if many else P.POSITIONAL_OR_KEYWORD
        for nm in param_names(op):
            p = op.params[nm]
            ps.append(P(nm, kind, default=_Null if p.required else p.default))
        ps += [P('out', P.KEYWORD_ONLY, default=None), P('name', P.KEYWORD_ONLY, default=None)]
        if op.dynamic_inputs:
            ps.append(P('kwargs', P.VAR_KEYWORD))
    elif not many:
        ps += [P(nm, P.POSITIONAL_OR_KEYWORD, default=_Null) for nm in param_names(op)]
        ps += [P(nm, P.POSITIONAL_OR_KEYWORD, default=None) for nm in ('name', 'attr', 'out')]
        ps.append(P('kwargs', P.VAR_KEYWORD))
    else:
        ps.append(P('kwargs', P.VAR_KEYWORD))
    return inspect.Signature(ps)


def doc(op, front):
    """The docstring of op's function in front end ``front`` ('nd' or 'sym')."""
    if op.doc_text is not None:
        return op.doc_text
    lines = [inspect.cleandoc(op.doc) if op.doc else op.name, '', 'Parameters', '----------']
    if op.variadic:
        lines += ['data : NDArray[]', '    Input arrays.']
    else:
        for nm in op.inputs:
            lines += ['%s : NDArray' % nm, '    Input %s.' % nm]
    for nm, p in op.params.items():
        if nm == op.variadic:
            continue
        lines += ['%s : %s' % (nm, p.type_doc())]
        if p.doc:
            lines += ['    ' + p.doc]
    if front == 'nd':
        lines += ['out : NDArray, optional', '    The output NDArray to hold the result.', '',
                  'Returns', '-------', 'out : NDArray or list of NDArrays',
                  '    The output of this function.']
        return '\n'.join(lines)
    return '\n'.join(lines).replace('NDArray', 'Symbol') + (
        '\nname : str, optional\n    Name of the resulting symbol.\n\nReturns\n-------\n'
        'Symbol\n    The resulting symbol.')


def populate(make, op_mod, internal_mod, submodules, short_make=None):
    """Install a function for every registry name and alias, as MXNet lays them out.

    ``make(opdef, name)`` builds one front end's function. Public names go to ``op_mod``,
    names starting with '_' to ``internal_mod``; a name with a prefix of :data:`NAMESPACES`
    also goes, without the prefix, to the sub-namespace module in ``submodules`` (only those
    given: each front end names the ones it fills), built by ``short_make(opdef, short)``
    when given (mx.sym names a node after the function called: linalg.gemm2 -> gemm20), else
    the same function."""
    from .registry import all_ops
    for nm, opdef in sorted(all_ops().items()):
        f = make(opdef, nm)
        setattr(internal_mod if nm.startswith('_') else op_mod, nm, f)
        for prefix, sub in NAMESPACES:
            if nm.startswith(prefix) and sub in submodules:
                short = nm[len(prefix):]
                setattr(submodules[sub], short,
                        f if short_make is None else short_make(opdef, short))
