"""Gluon ``Block``, ``HybridBlock`` and ``SymbolBlock``.

Blocks own Parameters through a prefixed ``ParameterDict`` and register children assigned as
attributes. ``HybridBlock.forward`` calls ``hybrid_forward(F, x, *args, **params)`` with ``F`` the
``mx.nd`` namespace. Deferred initialization (parameters with unknown dims) is finished on the
first call by running ``hybrid_forward`` once with a namespace whose operators fill unknown
parameter shapes from their inputs (each registry op's ``infer_shape`` hook).

``hybridize()`` makes the next call trace ``hybrid_forward`` with ``F = mx.sym`` into one graph
(children included), finish deferred initialization through the graph's shape inference and
compile the graph into a :class:`mxnet._cached_op.CachedOp` that every later call runs.
``export`` writes that graph and the parameters in MXNet's formats; ``SymbolBlock`` runs any
Symbol graph (``SymbolBlock.imports`` reads exported files).
"""
import copy
import json
import re
import threading
import warnings
from collections import OrderedDict, defaultdict

import numpy as np

from ..base import MXNetError, _atomic_write
from .. import name as _name
from .. import initializer
from .. import ndarray as nd
from ..ndarray import NDArray
from ..ndarray.ndarray import _wrap, _opctx
from .parameter import (Parameter, ParameterDict, DeferredInitializationError, _brief_list,
                        _indent, GluonAssertionError, GluonValueError)

__all__ = ['Block', 'HybridBlock', 'SymbolBlock']


class _BlockScope:
    """Scope for collecting child Blocks and naming them (``with block.name_scope():``)."""
    _current = threading.local()

    def __init__(self, block):
        self._block = block
        self._counter = {}
        self._old_scope = None
        self._name_scope = None

    @staticmethod
    def create(prefix, params, hint):
        current = getattr(_BlockScope._current, 'value', None)
        if current is None:
            if prefix is None:
                prefix = _name.current().get(None, hint) + '_'
            if params is None:
                params = ParameterDict(prefix)
            else:
                params = ParameterDict(params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = '%s%d_' % (hint, count)
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self):
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(_BlockScope._current, 'value', None)
        _BlockScope._current.value = self
        self._name_scope = _name.Prefix(self._block.prefix)
        self._name_scope.__enter__()
        return self

    def __exit__(self, ptype, value, trace):
        if self._block._empty_prefix:
            return
        self._name_scope.__exit__(ptype, value, trace)
        self._name_scope = None
        _BlockScope._current.value = self._old_scope


class HookHandle:
    """Handle returned by register_forward_(pre_)hook; ``detach()`` removes the hook."""

    def __init__(self):
        self._hooks_dict_ref = None
        self._id = None

    def attach(self, hooks_dict, hook):
        import weakref
        if self._hooks_dict_ref is not None:
            raise MXNetError('The same handle cannot be attached twice.')
        self._id = id(hook)
        hooks_dict[self._id] = hook
        self._hooks_dict_ref = weakref.ref(hooks_dict)

    def detach(self):
        hooks_dict = self._hooks_dict_ref() if self._hooks_dict_ref else None
        if hooks_dict is not None and self._id in hooks_dict:
            del hooks_dict[self._id]

    def __enter__(self):
        return self

    def __exit__(self, ptype, value, trace):
        self.detach()


class Block:
    """Base class for all neural network layers and models.

    Assign child Blocks as attributes (inside ``with self.name_scope():``) and they are
    registered; ``collect_params`` gathers their Parameters recursively.
    """

    def __init__(self, prefix=None, params=None):
        self._empty_prefix = prefix == ''
        self._prefix, self._params = _BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith('_') else self._prefix
        self._scope = _BlockScope(self)
        self._children = OrderedDict()
        self._reg_params = {}
        self._forward_hooks = OrderedDict()
        self._forward_pre_hooks = OrderedDict()

    def __repr__(self):
        modstr = '\n'.join('  ({key}): {block}'.format(key=key, block=_indent(repr(block), 2))
                           for key, block in self.__dict__.items() if isinstance(block, Block))
        return '{name}(\n{modstr}\n)'.format(name=self.__class__.__name__, modstr=modstr)

    def __setattr__(self, name, value):
        """Registers parameters and child blocks assigned as attributes."""
        if hasattr(self, name):
            existing = getattr(self, name)
            if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
                raise TypeError('Changing attribute type for {name} from {type1} to {type2}'
                                'is not allowed.'.format(name=name, type1=type(existing),
                                                         type2=type(value)))
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            if name in self._reg_params:
                raise MXNetError('Overriding Parameter attribute %s is not allowed. If you want '
                                 'to share parameters between blocks, please set \'params\' at '
                                 'Block construction instead.' % name)
            self._reg_params[name] = value
        super().__setattr__(name, value)

    def _check_container_with_block(self):
        children = set(self._children.values())

        def find(data):
            if isinstance(data, (list, tuple)):
                return any(find(e) for e in data)
            if isinstance(data, dict):
                return any(find(v) for v in data.values())
            return isinstance(data, Block) and data not in children
        for k, v in self.__dict__.items():
            if isinstance(v, (list, tuple, dict)) and not (k.startswith('__') or k == '_children'):
                if find(v):
                    warnings.warn('"{name}" is an unregistered container with Blocks. Note that '
                                  'Blocks inside the list, tuple or dict will not be registered '
                                  'automatically. Make sure to register them using '
                                  'register_child() or switching to '
                                  'nn.Sequential/nn.HybridSequential instead. '
                                  .format(name=self.__class__.__name__ + '.' + k), stacklevel=3)

    def _alias(self):
        return self.__class__.__name__.lower()

    @property
    def prefix(self):
        """Prefix of this Block's parameters and children (``dense0_``)."""
        return self._prefix

    @property
    def name(self):
        return self._name

    def name_scope(self):
        """Scope in which child Blocks get this Block's prefix."""
        return self._scope

    @property
    def params(self):
        """This Block's own ParameterDict (not its children's)."""
        return self._params

    def collect_params(self, select=None):
        """ParameterDict of this Block and all children, optionally regex-filtered."""
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        if not select:
            ret.update(self.params)
        else:
            pattern = re.compile(select)
            ret.update({n: v for n, v in self.params.items() if pattern.match(n)})
        for cld in self._children.values():
            ret.update(cld.collect_params(select=select))
        return ret

    def _collect_params_with_prefix(self, prefix=''):
        if prefix:
            prefix += '.'
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def save_parameters(self, filename, deduplicate=False):
        """Save parameters with structural names (``0.weight``) in MXNet's format."""
        params = self._collect_params_with_prefix()
        if deduplicate:
            reverse = defaultdict(list)
            for k, v in params.items():
                reverse[v].append(k)
            params = {v[-1]: k for k, v in reverse.items()}  # MXNet keeps the last name
        arg_dict = {key: val._reduce() for key, val in params.items()}
        nd.save(filename, arg_dict)

    def save_params(self, filename):
        """[Deprecated] Save parameters with their full names (use save_parameters)."""
        warnings.warn('save_params is deprecated. Please use save_parameters. Note that if you '
                      'want load from SymbolBlock later, please use export instead.')
        try:
            self.collect_params().save(filename, strip_prefix=self.prefix)
        except MXNetError as e:
            raise MXNetError('%s\nsave_params is deprecated. Using save_parameters may '
                             'resolve this error.' % e) from None

    def load_parameters(self, filename, ctx=None, allow_missing=False, ignore_extra=False,
                        cast_dtype=False, dtype_source='current'):
        """Load parameters saved by save_parameters (or legacy save_params) files."""
        loaded = nd.load(filename)
        if isinstance(loaded, list):
            if loaded:
                raise MXNetError("load_parameters: file '%s' holds a list of arrays, not named "
                                 "parameters" % filename)
            loaded = {}
        params = self._collect_params_with_prefix()
        if not loaded and not params:
            return
        if not any('.' in k for k in loaded.keys()):
            del loaded
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra, self.prefix,
                                       cast_dtype=cast_dtype, dtype_source=dtype_source)
            return
        if not allow_missing:
            params_inv = defaultdict(list)
            for k, v in params.items():
                params_inv[v].append(k)
            for name, param in params.items():
                if not any(p in loaded for p in params_inv[param]):
                    raise GluonAssertionError(
                        "Parameter '%s' is missing in file '%s', which contains "
                                     "parameters: %s. Set allow_missing=True to ignore missing "
                                     "parameters." % (name, filename,
                                                      _brief_list(loaded.keys())))
        for name in loaded:
            if name not in params:
                if not ignore_extra:
                    raise GluonValueError("Parameter '%s' loaded from file '%s' is not present in "
                                     "ParameterDict, which contains parameters %s. Set "
                                     "ignore_extra=True to ignore. " % (
                                         name, filename, _brief_list(self._params.keys())))
                continue
            params[name]._check_load(loaded[name], cast_dtype, dtype_source)
        for name in loaded:
            if name in params:
                params[name]._load_init(loaded[name], ctx, cast_dtype=cast_dtype,
                                        dtype_source=dtype_source)

    def load_params(self, filename, ctx=None, allow_missing=False, ignore_extra=False):
        """[Deprecated] Load parameters (use load_parameters)."""
        warnings.warn('load_params is deprecated. Please use load_parameters.')
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    def save(self, prefix):
        """Save the architecture map and the parameters: ``<prefix>-model.json`` and
        ``<prefix>-model.params``.

        The JSON records, for every Block in child order, its name and the names its parent
        gives its children, keyed by ``<class name in lower case><running index>``; ``load``
        on a model built the same way restores those names and the parameters. A HybridBlock
        that has traced its graph also stores it (``in_format``, ``out_format``, ``inputs``,
        ``symbol``, ``"hybridized": true``), as MXNet does.
        """
        model = {}
        index = [0]

        def walk(blk, structure):
            entry = {'orig_name': blk.name}
            structure[type(blk).__name__.lower() + str(index[0])] = entry
            if isinstance(blk, HybridBlock):
                if blk._cached_graph:
                    syms, out = blk._cached_graph
                    entry['in_format'] = blk._in_format
                    entry['out_format'] = blk._out_format
                    entry['inputs'] = [s.tojson() for s in syms]
                    entry['symbol'] = out.tojson()
                    entry['hybridized'] = True
                else:
                    entry['hybridized'] = False
            children = {}
            entry['children'] = children
            for ch_name, child in blk._children.items():
                index[0] += 1
                children[child.name] = ch_name
                walk(child, entry)
        walk(self, model)
        _atomic_write(prefix + '-model.json', json.dumps(model))
        self.save_parameters(prefix + '-model.params')

    def load(self, prefix):
        """Load a model written by ``save`` into this Block (built the same way).

        Block names (and so parameter names) and child names are reset to the saved ones,
        then ``<prefix>-model.params`` is loaded. A Block saved with its traced graph gets
        that graph back and is marked hybridized.
        """
        fname = prefix + '-model.json'
        try:
            with open(fname) as fp:
                model = json.load(fp)
        except OSError as e:
            raise MXNetError("Block.load: cannot read '%s': %s" % (fname, e.strerror)) from None
        except ValueError as e:
            raise MXNetError("Block.load: '%s' is not valid JSON: %s" % (fname, e)) from None
        index = [0]
        graphs = {}

        def check(blk, structure):
            key = type(blk).__name__.lower() + str(index[0])
            entry = structure.get(key) if isinstance(structure, dict) else None
            if not isinstance(entry, dict) or not isinstance(entry.get('orig_name'), str) or \
                    not isinstance(entry.get('children', {}), dict):
                raise MXNetError("Block.load: '%s' has no entry '%s' for Block '%s'; the model "
                                 "must be built the same way as when it was saved"
                                 % (fname, key, blk.name))
            if isinstance(blk, HybridBlock) and entry.get('hybridized'):
                from ..symbol import load_json
                try:
                    graphs[id(blk)] = ([load_json(j) for j in entry['inputs']],
                                       load_json(entry['symbol']),
                                       entry['in_format'], entry['out_format'])
                except (KeyError, TypeError) as e:
                    raise MXNetError("Block.load: '%s' entry '%s' has a broken graph: %s"
                                     % (fname, key, e)) from None
            for child in blk._children.values():
                index[0] += 1
                check(child, entry)
        check(self, model)
        index[0] = 0

        def apply(blk, structure):
            entry = structure[type(blk).__name__.lower() + str(index[0])]
            blk._name = entry['orig_name']
            if id(blk) in graphs:
                syms, out, blk._in_format, blk._out_format = graphs[id(blk)]
                blk._clear_cached_op()
                blk._cached_graph = (syms, out)
                blk._active = True
            pdict = blk.params._params
            for pname in list(pdict.keys()):
                param = pdict.pop(pname)
                pdict[blk.name + '_' + pname[len(blk.params._prefix):]] = param
            for child in blk._children.values():
                index[0] += 1
                apply(child, entry)
            children = entry.get('children', {})
            for ch_name in list(blk._children.keys()):
                child = blk._children.pop(ch_name)
                blk._children[children.get(child.name, ch_name)] = child
        apply(self, model)
        self.load_parameters(prefix + '-model.params')

    def register_child(self, block, name=None):
        """Register block as a child (done automatically for attributes)."""
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def register_forward_pre_hook(self, hook):
        """hook(block, input) runs before forward."""
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook):
        """hook(block, input, output) runs after forward."""
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    def register_op_hook(self, callback, monitor_all=False):
        """Install ``callback(name, op_name, array)`` on every HybridBlock child (it runs
        for the operators of hybridized blocks); ``monitor_all`` also reports inputs."""
        for cld in self._children.values():
            cld.register_op_hook(callback, monitor_all)

    def apply(self, fn):
        """Apply fn to every child (recursively) and then to self; returns self."""
        for cld in self._children.values():
            cld.apply(fn)
        fn(self)
        return self

    def initialize(self, init=initializer.Uniform(), ctx=None, verbose=False,
                   force_reinit=False):
        """Initialize this Block's and its children's Parameters.

        init: the Initializer used for Parameters that have no ``init`` of their own
        (default ``Uniform(0.07)``); ctx: a Context or list of Contexts to hold copies on
        (default the current context); verbose: log each initialization; force_reinit:
        re-initialize Parameters that already hold data.
        """
        if init is None:
            init = initializer.Uniform()
        self.collect_params().initialize(init, ctx, verbose, force_reinit)

    def hybridize(self, active=True, **kwargs):
        """Hybridize children that are HybridBlocks (no effect on plain Blocks)."""
        for cld in self._children.values():
            cld.hybridize(active, **kwargs)

    def cast(self, dtype):
        """Cast parameters (and children's) to dtype."""
        for child in self._children.values():
            child.cast(dtype)
        for _, param in self.params.items():
            param.cast(dtype)

    def __call__(self, *args):
        """Run forward with hooks."""
        for hook in self._forward_pre_hooks.values():
            hook(self, args)
        out = self.forward(*args)
        for hook in self._forward_hooks.values():
            hook(self, args, out)
        return out

    def forward(self, *args):
        """Override to implement the computation."""
        raise NotImplementedError

    def summary(self, *inputs):
        """Print each layer's output shape and parameter count, as MXNet does."""
        summary = OrderedDict()
        seen = set()
        hooks = []

        def _get_shape_str(args):
            def flatten(args):
                if not isinstance(args, (list, tuple)):
                    return [args], int(0)
                flat, fmts = [], []
                for i in args:
                    arg, fmt = flatten(i)
                    flat.extend(arg)
                    fmts.append(fmt)
                return flat, fmts

            def regroup(args, fmt):
                if isinstance(fmt, int):
                    if fmt == 0:
                        return args[0], args[1:]
                    return args[:fmt], args[fmt:]
                ret = []
                for i in fmt:
                    res, args = regroup(args, i)
                    ret.append(res)
                return ret, args
            flat_args, fmts = flatten(args)
            flat_arg_shapes = [x.shape if isinstance(x, NDArray) else x for x in flat_args]
            shapes = regroup(flat_arg_shapes, fmts)[0]
            if isinstance(shapes, list):
                shape_str = str(shapes)[1:-1]
            else:
                shape_str = str(shapes)
            return shape_str.replace('L', '')

        def _register_summary_hook(block):
            if isinstance(block, HybridBlock) and block._active:
                raise GluonAssertionError('"{}" must not be hybridized to print summary.'
                                          .format(block.name))

            def _summary_hook(block, _, outputs):
                class_name = block.__class__.__name__
                block_idx = len(summary) - 1
                m_key = '%s-%i' % (class_name, block_idx + 1)
                summary[m_key] = OrderedDict()
                summary[m_key]['output_shape'] = _get_shape_str(outputs)
                params = 0
                summary[m_key]['trainable'] = 0
                summary[m_key]['shared'] = 0
                for p in block.params.values():
                    params += p.data().size
                    summary[m_key]['trainable'] += 0 if p.grad_req == 'null' else p.data().size
                    if p in seen:
                        summary[m_key]['shared'] += p.data().size
                    else:
                        seen.add(p)
                summary[m_key]['n_params'] = params
            from .nn.basic_layers import Sequential, HybridSequential
            if not isinstance(block, (Sequential, HybridSequential)):
                hooks.append(block.register_forward_hook(_summary_hook))

        summary['Input'] = OrderedDict()
        summary['Input']['output_shape'] = _get_shape_str(inputs)
        summary['Input']['n_params'] = 0
        summary['Input']['trainable'] = 0
        summary['Input']['shared'] = 0
        try:
            self.apply(_register_summary_hook)
            self(*inputs)
            line_format = '{:>20}  {:>42} {:>15}'
            print('-' * 80)
            print(line_format.format('Layer (type)', 'Output Shape', 'Param #'))
            print('=' * 80)
            total_params = 0
            trainable_params = 0
            shared_params = 0
            for layer in summary:
                print(line_format.format(layer, str(summary[layer]['output_shape']),
                                         summary[layer]['n_params']))
                total_params += summary[layer]['n_params']
                trainable_params += summary[layer]['trainable']
                shared_params += summary[layer]['shared']
            print('=' * 80)
            print('Parameters in forward computation graph, duplicate included')
            print('   Total params: ' + str(total_params))
            print('   Trainable params: ' + str(trainable_params))
            print('   Non-trainable params: ' + str(total_params - trainable_params))
            print('Shared params in forward computation graph: ' + str(shared_params))
            print('Unique parameters in model: ' + str(total_params - shared_params))
            print('-' * 80)
        finally:
            for h in hooks:
                h.detach()


# ---------------------------------------------------------------------------------------------
# deferred shape inference: an F namespace that fills unknown parameter shapes from inputs
class _Pending:
    """Stands for a Parameter whose shape is still unknown inside hybrid_forward."""
    __slots__ = ('param', 'ctx')

    def __init__(self, param, ctx):
        self.param = param
        self.ctx = ctx


class _InferF:
    """Proxy for ``mx.nd`` used on a Block's first call while parameters are deferred."""

    def __init__(self, module):
        self._module = module

    def __getattr__(self, name):
        attr = getattr(self._module, name)
        if hasattr(attr, 'opdef'):
            return _infer_wrapper(attr)
        if callable(attr) and not isinstance(attr, type):
            return _plain_wrapper(attr)
        if hasattr(attr, '__name__') and type(attr).__name__ == 'module':
            return _InferF(attr)
        return attr


def _realize(v):
    if isinstance(v, _Pending):
        if not all(d > 0 for d in (v.param.shape or ())):
            raise DeferredInitializationError(
                "Parameter '%s' has unknown shape %s and the operator using it cannot infer it"
                % (v.param.name, v.param.shape))
        v.param._finish_deferred_init()
        return v.param.data(v.ctx)
    return v


def _plain_wrapper(fn):
    def f(*args, **kwargs):
        args = [_realize(a) for a in args]
        kwargs = {k: _realize(v) for k, v in kwargs.items()}
        return fn(*args, **kwargs)
    return f


def _infer_wrapper(fn):
    opdef = fn.opdef

    def f(*args, **kwargs):
        pend = [a for a in args if isinstance(a, _Pending)] + \
            [v for v in kwargs.values() if isinstance(v, _Pending)]
        if pend:
            _fill_shapes(opdef, args, kwargs)
        args = [_realize(a) for a in args]
        kwargs = {k: _realize(v) for k, v in kwargs.items()}
        return fn(*args, **kwargs)
    return f


def _fill_shapes(opdef, args, kwargs):
    if opdef.infer_shape is None:
        return
    names = list(opdef.inputs)
    slots = {}
    for i, a in enumerate(args[:len(names)]):
        slots[names[i]] = a
    for n in names:
        if n in kwargs:
            slots[n] = kwargs[n]
    params = {k: v for k, v in kwargs.items() if k not in names and k not in ('name', 'out')}
    extra = args[len(names):]
    pnames = [k for k in opdef.params if k != opdef.variadic]
    for k, v in zip(pnames, extra):
        params[k] = v
    attrs = opdef.parse_attrs(params)
    in_names = opdef.list_inputs(attrs)
    shapes = []
    for n in in_names:
        v = slots.get(n)
        if isinstance(v, NDArray):
            shapes.append(v.shape)
        elif isinstance(v, _Pending):
            shp = v.param.shape
            shapes.append(shp if shp and all(d > 0 for d in shp) else None)
        else:
            shapes.append(None)
    filled = opdef.infer_shape(attrs, shapes)
    for n, shp in zip(in_names, filled):
        v = slots.get(n)
        if isinstance(v, _Pending) and shp is not None:
            v.param.shape = tuple(shp)


# ---------------------------------------------------------------------------------------------
# hybridization: nested argument structures, the traced graph and its CachedOp
def _flatten(args, inout_str):
    """(flat list of NDArray/Symbol/None, format) for a nested list/tuple of them; the format is
    0 for one array, n for a Symbol of n > 1 outputs, -1 for None, a list for a list."""
    if isinstance(args, NDArray):
        return [args], 0
    if isinstance(args, _Symbol):
        n = len(args.list_outputs())
        return [args], (n if n > 1 else 0)
    if args is None:
        return [None], -1
    if not isinstance(args, (list, tuple)):
        raise GluonValueError('When hybridized, the input of HybridBlock {} must be (nested) '
                              'list of Symbol or NDArray, but got {} of type {}'
                              .format(inout_str, str(args), str(type(args))))
    flat, fmts = [], []
    for a in args:
        f, fmt = _flatten(a, inout_str)
        flat.extend(f)
        fmts.append(fmt)
    return flat, fmts


def _regroup(args, fmt):
    """Inverse of :func:`_flatten`: rebuild the nested structure described by fmt."""
    def merge(args, fmt):
        if isinstance(fmt, int):
            if fmt < -1:
                raise GluonValueError('Unsupported encoded format {}.'.format(fmt))
            if fmt == 0:
                return args[0], args[1:]
            if fmt == -1:
                if args[0] is not None:
                    raise GluonValueError(
                        'We do not support passing types that are not None when the initial '
                        'HybridBlock has received NoneType and has been hybridized. Received '
                        'arg = {}, fmt = {}.'.format(args[0], fmt))
                return None, args[1:]
            return args[:fmt], args[fmt:]
        if not isinstance(args, (list, tuple)):
            raise GluonValueError('When hybridized, the output of HybridBlock must be (nested) '
                                  'list of Symbol or NDArray, but got {} of type {}'
                                  .format(args, type(args)))
        ret = []
        for f in fmt:
            r, args = merge(args, f)
            ret.append(r)
        return ret, args
    return merge(args, fmt)[0]


def _gather_type_ctx_info(args):
    """(has_symbol, has_ndarray, set of contexts, first context) over nested args."""
    if isinstance(args, NDArray):
        c = args.context
        return False, True, {c}, c
    if isinstance(args, _Symbol):
        return True, False, set(), None
    if isinstance(args, (list, tuple)):
        has_sym = has_nd = False
        ctxs = set()
        first = None
        for a in args:
            s, n, c, f = _gather_type_ctx_info(a)
            has_sym = has_sym or s
            has_nd = has_nd or n
            if first is None and f is not None:
                first = f
            ctxs |= c
            if has_sym and has_nd:
                break
        return has_sym, has_nd, ctxs, first
    return False, False, set(), None


def _lazy_symbol():
    from .. import symbol
    return symbol


class _SymbolType:
    """isinstance target for mx.sym.Symbol that does not import the symbol package early."""
    _cls = None

    @classmethod
    def get(cls):
        if cls._cls is None:
            cls._cls = _lazy_symbol().Symbol
        return cls._cls


class _SymMeta(type):
    def __instancecheck__(cls, obj):
        return isinstance(obj, _SymbolType.get())


class _Symbol(metaclass=_SymMeta):
    """Stands for mx.sym.Symbol in isinstance checks."""


class HybridBlock(Block):
    """A Block whose computation is ``hybrid_forward(F, x, *args, **params)``, written once
    for both ``F = mx.nd`` (imperative) and ``F = mx.sym`` (symbolic).

    Before :meth:`hybridize` it runs imperatively. After it, the next call with NDArray inputs
    traces ``hybrid_forward`` (and the children's) with Symbol inputs named ``data`` (one
    input) or ``data0``, ``data1``, ... into one graph, finishes deferred parameter
    initialization through the graph's shape inference, compiles the graph into a CachedOp and
    runs that on every later call. Gradients and training-mode behaviour are the imperative
    run's; :meth:`export` writes the graph and parameters in MXNet's formats.
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._cached_graph = ()
        self._cached_op = None
        self._cached_op_args = []
        self._out_format = None
        self._in_format = None
        self._active = False
        self._flags = []
        self._callback = None
        self._monitor_all = False
        self._backend = None
        self._backend_opts = {}

    def __setattr__(self, name, value):
        super().__setattr__(name, value)
        if isinstance(value, HybridBlock):
            self._clear_cached_op()

    def register_child(self, block, name=None):
        if not isinstance(block, HybridBlock):
            raise GluonValueError(
                'Children of HybridBlock must also be HybridBlock, but %s has type '
                '%s. If you are using Sequential, please try HybridSequential '
                'instead.' % (str(block), str(type(block))))
        super().register_child(block, name)
        self._clear_cached_op()

    def _clear_cached_op(self):
        self._cached_graph = ()
        self._cached_op = None
        self._cached_op_args = []

    def hybridize(self, active=True, backend=None, clear=True, static_alloc=False,
                  static_shape=False, inline_limit=2, forward_bulk_size=None,
                  backward_bulk_size=None, **kwargs):
        """Activate (or with ``active=False`` deactivate) hybrid execution, recursively.

        Parameters
        ----------
        active : bool, default True
            Whether to run through the cached graph.
        backend : str, optional
            A subgraph backend name; remx has none, so anything but None raises MXNetError.
        clear : bool, default True
            Drop the graph traced so far (the next call traces again).
        static_alloc, static_shape : bool, default False
            MXNet's memory-planning flags; recorded, results do not depend on them.
        inline_limit : int, default 2
            Recorded as MXNet records it.
        forward_bulk_size, backward_bulk_size : int, optional
            Recorded as MXNet records them.
        **kwargs
            Backend options.
        """
        if backend is not None:
            raise MXNetError("hybridize: subgraph backend '%s' is not implemented in remx"
                             % (backend,))
        if kwargs:
            self._backend_opts = kwargs
        self._backend = backend
        self._active = active
        self._flags = [('static_alloc', static_alloc), ('static_shape', static_shape),
                       ('inline_limit', inline_limit)]
        if forward_bulk_size is not None:
            self._flags.append(('forward_bulk_size', forward_bulk_size))
        if backward_bulk_size is not None:
            self._flags.append(('backward_bulk_size', backward_bulk_size))
        if clear:
            self._clear_cached_op()
        if active and self._forward_hooks or self._forward_pre_hooks:
            warnings.warn('"{block}" is being hybridized while still having forward hook/'
                          'pre-hook. If "{block}" is a child of HybridBlock, the hooks will not '
                          'take effect.'.format(block=self))
        for cld in self._children.values():
            cld.hybridize(active, static_alloc=static_alloc, static_shape=static_shape,
                          inline_limit=inline_limit, forward_bulk_size=forward_bulk_size,
                          backward_bulk_size=backward_bulk_size)

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)

    # -- the traced graph -------------------------------------------------------------------
    def _get_graph(self, *args):
        if not self._cached_graph:
            symbol = _lazy_symbol()
            flat, self._in_format = _flatten(args, 'input')
            n_real = sum(a is not None for a in flat)
            if n_real == 0:
                raise GluonValueError('All args are None and we do not support such a case. '
                                      'Received args={}'.format(args))
            inputs, sym_inputs = [], []
            cnt = 0
            for a in flat:
                if a is None:
                    inputs.append(None)
                    continue
                s = symbol.var('data%d' % cnt if n_real > 1 else 'data')
                cnt += 1
                inputs.append(s)
                sym_inputs.append(s)
            grouped = _regroup(inputs, self._in_format)
            params = {k: p.var() for k, p in self._reg_params.items()}
            with self.name_scope():
                out = self.hybrid_forward(symbol, *grouped, **params)
            out, self._out_format = _flatten(out, 'output')
            self._cached_graph = sym_inputs, symbol.Group(out)
        return self._cached_graph

    def _infer_attrs(self, infer_fn, attr, *args):
        inputs, out = self._get_graph(*args)
        flat = [a for a in _flatten(args, 'input')[0] if a is not None]
        with warnings.catch_warnings(record=True) as w:
            warnings.simplefilter('always')
            arg_attrs, _, aux_attrs = getattr(out, infer_fn)(
                **{i.name: getattr(j, attr) for i, j in zip(inputs, flat)})
        if arg_attrs is None:
            raise GluonValueError(str(w[0].message) if w else
                                  '%s could not decide every parameter' % infer_fn)
        sdict = dict(zip(out.list_arguments(), arg_attrs))
        sdict.update(zip(out.list_auxiliary_states(), aux_attrs))
        for p in self.collect_params().values():
            if p.name in sdict:
                setattr(p, attr, sdict[p.name])

    def infer_shape(self, *args):
        """Infer the shapes of this block's Parameters from input arrays (through the graph
        traced with Symbol inputs)."""
        self._infer_attrs('infer_shape', 'shape', *args)

    def infer_type(self, *args):
        """Infer the dtypes of this block's Parameters from input arrays."""
        self._infer_attrs('infer_type', 'dtype', *args)

    def _deferred_infer_shape(self, *args):
        try:
            self.infer_shape(*args)
        except Exception as e:  # noqa: BLE001 (MXNet reports every failure this way)
            raise GluonValueError('Deferred initialization failed because shape cannot be '
                                  'inferred. {}'.format(e)) from None

    def _build_cache(self, *args):
        from .._cached_op import CachedOp
        data, out = self._get_graph(*args)
        data_names = {d.name: i for i, d in enumerate(data)}
        input_names = out.list_inputs()
        expected = set(input_names)
        if self._cached_op_args:
            params = {p.name: p for is_arg, p in self._cached_op_args if not is_arg}
        else:
            params = self.collect_params()
        param_names = set(params.keys())
        for name in input_names:
            if name not in param_names and name not in data_names:
                raise GluonAssertionError('Unknown input to HybridBlock: %s' % name)
        if len([n for n in data_names if n in expected]) != len(data_names):
            unused = ', '.join('%d-th' % i for n, i in data_names.items() if n not in expected)
            warnings.warn('The %s input to HybridBlock is not used by any computation. Is this '
                          'intended?' % unused, stacklevel=4)
        unused = [n for n in param_names if n not in expected]
        if unused:
            warnings.warn('Parameter %s is not used by any computation. Is this intended?'
                          % ', '.join(unused), stacklevel=4)
        flat = [a for a in _flatten(args, 'input')[0] if a is not None]
        ctx = next((a.context for a in flat if isinstance(a, NDArray)), None)
        pending = [params[n] for n in input_names if n in params and
                   params[n]._data is None and params[n]._deferred_init]
        if pending:
            self._deferred_infer_shape(*args)
            for n in input_names:
                if n in params:
                    params[n]._finish_deferred_init()
        for n in input_names:
            if n in params:
                params[n].data(ctx)     # not initialized at all: the Parameter's own error
        cached_args = []
        data_indices, param_indices = [], []
        for i, name in enumerate(input_names):
            if name in data_names:
                data_indices.append(i)
                cached_args.append((True, data_names[name]))
            else:
                param_indices.append(i)
                cached_args.append((False, params[name]))
        self._cached_op_args = cached_args
        flags = [('data_indices', data_indices), ('param_indices', param_indices)] + \
            self._flags
        self._cached_op = CachedOp(out, flags)
        if self._callback is not None:
            self._cached_op._register_op_hook(self._callback, self._monitor_all)

    def _call_cached_op(self, *args):
        if self._cached_op is None:
            self._build_cache(*args)
        if self._callback is not None:
            # MXNet checks the flag pairs themselves, so it always warns here
            warnings.warn('register_op_hook is experimental when static_alloc=True / '
                          'static_shape=True  and may not work correctly')
        if len(args) == 1 and isinstance(args[0], NDArray) and self._in_format == [0]:
            flat = args
        else:
            flat, fmt = _flatten(args, 'input')
            if fmt != self._in_format:
                stored = self._in_format
                if len(stored) > len(fmt):
                    valid = all(stored[i] == -1 for i in range(len(fmt), len(stored))) and \
                        fmt == stored[:len(fmt)]
                elif len(stored) < len(fmt):
                    valid = all(fmt[i] == -1 for i in range(len(stored), len(fmt))) and \
                        fmt[:len(stored)] == stored
                else:
                    valid = False
                if not valid:
                    raise GluonValueError('The argument structure of HybridBlock does not match '
                                          'the cached version. Stored format = {}, input format '
                                          '= {}'.format(fmt, stored))
            flat = [a for a in flat if a is not None]
        ctx = flat[0].context
        arrays = []
        for is_arg, p in self._cached_op_args:
            if is_arg:
                arrays.append(flat[p])
            else:
                d = p._data
                arrays.append((d[0] if len(d) == 1 else p.data(ctx))
                              if d is not None else p.data(ctx))
        tensors = [a._data for a in arrays]
        res = self._cached_op._call_tensors(tensors)
        fmt = self._out_format
        c = _opctx(flat[0])  # outputs live on the first input's context (cpu(1) included)
        outs = [_wrap(r, c) for r in res]
        self._cached_op._maybe_record(arrays, outs)
        if fmt == 0:
            return outs[0]
        return _regroup(outs, fmt)

    # -- calling (Block.__call__ runs the hooks around forward) -----------------------------
    def forward(self, x, *args):
        """Run on NDArrays (through the cached graph when hybridized) or build the graph on
        Symbols."""
        if not args and isinstance(x, NDArray):
            has_symbol, has_ndarray, ctx_set, ctx = False, True, None, None
        else:
            has_symbol, has_ndarray, ctx_set, ctx = _gather_type_ctx_info([x] + list(args))
        if has_symbol and has_ndarray:
            raise GluonValueError('In HybridBlock, we do not support mixed NDArrays and Symbols'
                                  ' types for the input. Please check the type of the args.\n')
        if not has_symbol and not has_ndarray:
            raise GluonValueError('In HybridBlock, there must be one NDArray or one Symbol in '
                                  'the input. Please check the type of the args.\n')
        if has_ndarray:
            if self._active:
                if ctx_set is not None and len(ctx_set) > 1:
                    raise GluonValueError(
                        'Find multiple contexts in the input, After hybridized, the HybridBlock '
                        'only supports one input context. You can print the ele.ctx in the '
                        'input arguments to inspect their contexts. Find all contexts = {}'
                        .format(ctx_set))
                return self._call_cached_op(x, *args)
            if ctx is None:
                ctx = x.context
            return self._imperative(ctx, x, args)
        symbol = _lazy_symbol()
        params = {k: p.var() for k, p in self._reg_params.items()}
        with self.name_scope():
            return self.hybrid_forward(symbol, x, *args, **params)

    def _imperative(self, ctx, x, args):
        try:
            params = {k: v.data(ctx) for k, v in self._reg_params.items()}
        except DeferredInitializationError:
            pending = False
            params = {}
            for k, v in self._reg_params.items():
                if v._data is None and v._deferred_init:
                    params[k] = _Pending(v, ctx)
                    pending = True
                else:
                    params[k] = v.data(ctx)
            if pending:
                if not self._cached_graph:
                    # MXNet finishes deferred init by tracing the graph, which it then keeps
                    # (export and Block.save see it); trace it the same way
                    try:
                        self._get_graph(x, *args)
                    except Exception:  # noqa: BLE001 (a block that cannot be traced runs on)
                        self._cached_graph = ()
                out = self.hybrid_forward(_InferF(nd), x, *args, **params)
                for v in self._reg_params.values():
                    v._finish_deferred_init()
                return out
            raise
        return self.hybrid_forward(nd, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        """Override to construct the computation with F (mx.nd or mx.sym).

        x : Symbol or NDArray, the first input; args: more inputs; kwargs: this block's
        Parameters (as NDArrays or Symbol variables, by attribute name).
        """
        raise NotImplementedError

    def register_op_hook(self, callback, monitor_all=False):
        """Call ``callback(name, op_name, array)`` with every operator output (and input
        with ``monitor_all``) while running hybridized; set recursively on the children.
        Names come as bytes, as in MXNet; ``array`` is an NDArray (MXNet passes a raw
        NDArrayHandle, which remx does not have)."""
        self._callback = callback
        self._monitor_all = monitor_all
        if self._cached_op is not None:
            self._cached_op._register_op_hook(callback, monitor_all)
        for cld in self._children.values():
            cld._callback = callback
            cld._monitor_all = monitor_all

    def export(self, path, epoch=0, remove_amp_cast=True):
        """Write the traced graph to ``path-symbol.json`` and the parameters to
        ``path-%04d.params`` (keys ``arg:NAME`` and ``aux:NAME``), the files
        ``SymbolBlock.imports``, ``mx.model.load_checkpoint`` and ``mx.mod.Module`` read.
        A single input is named ``data``; several are ``data0``, ``data1``, ...

        Parameters
        ----------
        path : str
            Path prefix of the two files.
        epoch : int, default 0
            Epoch number in the parameter file's name.
        remove_amp_cast : bool, default True
            Leave AMP cast operators out of the saved graph.
        """
        if not self._cached_graph:
            raise MXNetError('Please first call block.hybridize() and then run forward with '
                             'this block at least once before calling export.')
        sym = self._cached_graph[1]
        arg_names = set(sym.list_arguments())
        aux_names = set(sym.list_auxiliary_states())
        arg_dict = {}
        # as in MXNet, the parameters written are those the cached op runs with: a graph traced
        # only for deferred initialization (never run hybridized) exports no parameters
        plist = [p for is_arg, p in self._cached_op_args if not is_arg]
        for param in plist:
            name = param.name
            if name in arg_names:
                arg_dict['arg:%s' % name] = param._reduce()
            elif name in aux_names:
                arg_dict['aux:%s' % name] = param._reduce()
            else:
                warnings.warn('Parameter "{name}" is not found in the graph. '
                              .format(name=name), stacklevel=3)
        sym.save('%s-symbol.json' % path, remove_amp_cast=remove_amp_cast)
        nd.save('%s-%04d.params' % (path, epoch), arg_dict)

    def optimize_for(self, x, *args, backend=None, clear=False, static_alloc=False,
                     static_shape=False, inline_limit=2, forward_bulk_size=None,
                     backward_bulk_size=None, **kwargs):
        if not backend:
            raise GluonValueError('Must specify "backend" to optimize_for')
        raise MXNetError("optimize_for: subgraph backend '%s' is not implemented in remx"
                         % (backend,))


def _common_prefix(names):
    if not names:
        return ''
    prefix = names[0]
    for name in names:
        i = 0
        while i < len(prefix) and i < len(name) and prefix[i] == name[i]:
            i += 1
        prefix = prefix[:i]
    return prefix


class SymbolBlock(HybridBlock):
    """A Block running a Symbol graph, e.g. a model saved by ``export`` or
    ``Module.save_checkpoint`` or internal outputs of another network used as features.

    Parameters
    ----------
    outputs : Symbol or list of Symbol
        The outputs to compute.
    inputs : Symbol or list of Symbol
        The variables of ``outputs`` fed as inputs when calling the block; every other
        variable becomes a Parameter named as in the graph (auxiliary states, such as
        BatchNorm's running statistics, with ``grad_req='null'``).
    params : ParameterDict, optional
        Parameters to share (looked up by name), e.g. another block's ``collect_params()``.
    """

    @staticmethod
    def imports(symbol_file, input_names, param_file=None, ctx=None, allow_missing=False,
                ignore_extra=False):
        """Load a SymbolBlock from ``prefix-symbol.json`` (and optionally the parameter file)
        written by ``HybridBlock.export`` or ``Module.save_checkpoint``.

        Parameters
        ----------
        symbol_file : str
            The symbol file.
        input_names : str or list of str
            The names of the graph's input variables.
        param_file : str, optional
            The parameter file (keys ``arg:NAME`` / ``aux:NAME`` or plain names).
        ctx : Context or list of Context, optional
            Where to load the parameters.
        allow_missing : bool, default False
            Leave parameters absent from the file uninitialized instead of raising.
        ignore_extra : bool, default False
            Ignore file entries the graph does not use instead of raising.
        """
        symbol = _lazy_symbol()
        sym = symbol.load(symbol_file)
        if isinstance(input_names, str):
            input_names = [input_names]
        if param_file is None:
            inputs = [symbol.var(i, dtype='float32') for i in input_names]
        else:
            inputs = [symbol.var(i) for i in input_names]
        ret = SymbolBlock(sym, inputs)
        if param_file is not None:
            ret.collect_params().load(param_file, ctx, allow_missing, ignore_extra,
                                      cast_dtype=True, dtype_source='saved')
        return ret

    def __repr__(self):
        return '{name}(\n{block} : {nin} -> {nout}\n)'.format(
            name=self.__class__.__name__, block=self._cached_graph[1],
            nin=len(self._cached_graph[0]), nout=len(self._cached_graph[1].list_outputs()))

    def __init__(self, outputs, inputs, params=None):
        super().__init__(prefix=None, params=None)
        symbol = _lazy_symbol()
        self._prefix = ''
        self._params = ParameterDict('', params)
        if isinstance(inputs, symbol.Symbol) and len(inputs.list_outputs()) == 1:
            inputs = [inputs]
        if isinstance(outputs, (list, tuple)) and len(outputs) == 1:
            outputs = outputs[0]
        syms, self._in_format = _flatten(inputs, 'input')
        out, self._out_format = _flatten(outputs, 'output')
        input_names = set()
        for s in syms:
            if s is None or len(s.get_internals().list_outputs()) != 1:
                raise GluonAssertionError('Input symbols must be variable, but %s is an output '
                                          'of operators' % str(s))
            input_names.add(s.name)
        for o in out:
            for j in o.get_internals():
                if j.attr('__storage_type__') == '1':
                    raise GluonAssertionError("SymbolBlock doesn't support Parameter '%s' "
                                              "because its storage type is 'row_sparse'."
                                              % j.name)
        out = symbol.Group(out) if len(out) > 1 else out[0]
        arg_params = out.list_arguments()
        aux_params = out.list_auxiliary_states()
        arg_types, aux_types = _infer_param_types(syms, out, arg_params, aux_params)
        for i, arg in enumerate(arg_params):
            if arg not in input_names:
                self.params.get(arg, allow_deferred_init=True, dtype=arg_types[i])
        for i, aux in enumerate(aux_params):
            if aux not in input_names:
                self.params.get(aux, grad_req='null', allow_deferred_init=True,
                                dtype=aux_types[i])
        self._cached_graph = syms, out
        len_prefix = len(_common_prefix(list(self._params.keys())))
        self._reg_params = {k[len_prefix:]: v for k, v in self._params.items()}

    def forward(self, x, *args):
        if isinstance(x, NDArray):
            return self._call_cached_op(x, *args)
        if not isinstance(x, _Symbol):
            raise GluonAssertionError('HybridBlock requires the first argument to forward be '
                                      'either Symbol or NDArray, but got %s' % type(x))
        flat, in_fmt = _flatten([x] + list(args), 'input')
        if in_fmt != self._in_format:
            raise GluonAssertionError('Invalid input format')
        ret = copy.deepcopy(self._cached_graph[1])  # composing must not touch the graph
        ret._compose(**{k.name: v for k, v in zip(self._cached_graph[0], flat)})
        return _regroup(list(ret), self._out_format)

    def _clear_cached_op(self):
        graph = self._cached_graph
        super()._clear_cached_op()
        self._cached_graph = graph

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)
        if np.dtype(dtype).name == 'float16':
            # BatchNorm keeps its statistics, gamma and beta in float32
            names = self._cached_graph[1].get_internals().list_inputs()
            for node in names:
                for stat, mean in (('running_var', 'running_mean'), ('moving_var', 'moving_mean')):
                    if node.endswith(stat):
                        pre = node[:-len(stat)]
                        sibs = [pre + t for t in (mean, 'gamma', 'beta')]
                        if all(p in names for p in sibs):
                            self.params.get(node).cast('float32')
                            for sib in sibs:
                                self.params.get(sib).cast('float32')

    def hybrid_forward(self, F, x, *args, **kwargs):
        raise NotImplementedError

    def reset_ctx(self, ctx):
        """Move every Parameter to ctx (a Context or a list of Contexts)."""
        for p in self.collect_params().values():
            p.reset_ctx(ctx)


def _infer_param_types(in_params, out_params, arg_params, aux_params, default_dtype='float32'):
    """dtypes of out_params' arguments and auxiliary states, inferred from the inputs' declared
    dtypes (float32 when undeclared); float32 wherever inference cannot decide."""
    from ..base import _DTYPE_MX_TO_NP
    dflt = np.dtype(default_dtype).type
    in_types = {}
    for s in in_params:
        t = s.attr('__dtype__')
        in_types[s.name] = _DTYPE_MX_TO_NP[int(t)] if t is not None else dflt
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            arg_types, _, aux_types = out_params.infer_type_partial(**in_types)
    except MXNetError:
        arg_types = aux_types = None
    if arg_types is None or len(arg_types) != len(arg_params):
        arg_types = [dflt] * len(arg_params)
    if aux_types is None or len(aux_types) != len(aux_params):
        aux_types = [dflt] * len(aux_params)
    arg_types = [dflt if t is None else t for t in arg_types]
    aux_types = [dflt if t is None else t for t in aux_types]
    return arg_types, aux_types
