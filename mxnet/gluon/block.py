"""Gluon ``Block``, ``HybridBlock`` and ``SymbolBlock``.

Blocks own Parameters through a prefixed ``ParameterDict`` and register children assigned as
attributes. ``HybridBlock.forward`` calls ``hybrid_forward(F, x, *args, **params)`` with ``F`` the
``mx.nd`` namespace. Deferred initialization (parameters with unknown dims) is finished on the
first call by running ``hybrid_forward`` once with a namespace whose operators fill unknown
parameter shapes from their inputs (each registry op's ``infer_shape`` hook).
"""
import copy
import json
import os
import re
import threading
import warnings
from collections import OrderedDict, defaultdict

import numpy as np

from ..base import MXNetError
from .. import name as _name
from .. import initializer
from .. import ndarray as nd
from ..ndarray import NDArray
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
        on a model built the same way restores those names and the parameters. Blocks that
        remx runs imperatively are written with ``"hybridized": false``.
        """
        model = {}
        index = [0]

        def walk(blk, structure):
            entry = {'orig_name': blk.name}
            structure[type(blk).__name__.lower() + str(index[0])] = entry
            if isinstance(blk, HybridBlock):
                entry['hybridized'] = False
            children = {}
            entry['children'] = children
            for ch_name, child in blk._children.items():
                index[0] += 1
                children[child.name] = ch_name
                walk(child, entry)
        walk(self, model)
        tmp = prefix + '-model.json.tmp'
        with open(tmp, 'w') as fp:
            json.dump(model, fp)
        os.replace(tmp, prefix + '-model.json')
        self.save_parameters(prefix + '-model.params')

    def load(self, prefix):
        """Load a model written by ``save`` into this Block (built the same way).

        Block names (and so parameter names) and child names are reset to the saved ones,
        then ``<prefix>-model.params`` is loaded. A saved hybridized graph is not needed by
        remx: the Block is marked hybridized and keeps computing imperatively.
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

        def check(blk, structure):
            key = type(blk).__name__.lower() + str(index[0])
            entry = structure.get(key) if isinstance(structure, dict) else None
            if not isinstance(entry, dict) or not isinstance(entry.get('orig_name'), str) or \
                    not isinstance(entry.get('children', {}), dict):
                raise MXNetError("Block.load: '%s' has no entry '%s' for Block '%s'; the model "
                                 "must be built the same way as when it was saved"
                                 % (fname, key, blk.name))
            for child in blk._children.values():
                index[0] += 1
                check(child, entry)
        check(self, model)
        index[0] = 0

        def apply(blk, structure):
            entry = structure[type(blk).__name__.lower() + str(index[0])]
            blk._name = entry['orig_name']
            if isinstance(blk, HybridBlock) and entry.get('hybridized'):
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
        raise MXNetError('register_op_hook needs the symbolic executor (hybridize); it is not '
                         'implemented in remx yet')

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


class HybridBlock(Block):
    """A Block whose computation is ``hybrid_forward(F, x, *args, **params)``.

    ``hybridize()`` is accepted; results are the same as the imperative path.
    """

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self._active = False
        self._flags = []

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
        pass

    def hybridize(self, active=True, backend=None, clear=True, static_alloc=False,
                  static_shape=False, inline_limit=2, forward_bulk_size=None,
                  backward_bulk_size=None, **kwargs):
        """Mark this block (and its children) hybridized.

        remx runs hybridized blocks imperatively for now, so results are unchanged; the
        flags (static_alloc, static_shape, inline_limit, bulk sizes, backend) are accepted
        and recorded as MXNet records them.
        """
        self._active = active
        self._flags = [('static_alloc', static_alloc), ('static_shape', static_shape),
                       ('inline_limit', inline_limit)]
        if forward_bulk_size is not None:
            self._flags.append(('forward_bulk_size', forward_bulk_size))
        if backward_bulk_size is not None:
            self._flags.append(('backward_bulk_size', backward_bulk_size))
        self._clear_cached_op()
        super().hybridize(active, backend=backend, clear=clear, static_alloc=static_alloc,
                          static_shape=static_shape, inline_limit=inline_limit,
                          forward_bulk_size=forward_bulk_size,
                          backward_bulk_size=backward_bulk_size, **kwargs)

    def cast(self, dtype):
        self._clear_cached_op()
        super().cast(dtype)

    def infer_shape(self, *args):
        """Infer parameter shapes from inputs (runs one forward pass)."""
        self._run_deferred(*args)

    def infer_type(self, *args):
        self._run_deferred(*args)

    def _run_deferred(self, *args):
        x = args[0]
        ctx = x.context
        params = {k: _Pending(v, ctx) if v._data is None else v.data(ctx)
                  for k, v in self._reg_params.items()}
        return self.hybrid_forward(_InferF(nd), x, *args[1:], **params)

    def forward(self, x, *args):
        if not isinstance(x, NDArray):
            try:
                from .. import symbol as _sym
            except ImportError:
                _sym = None
            if _sym is not None and isinstance(x, _sym.Symbol):
                params = {i: j.var() for i, j in self._reg_params.items()}
                with self.name_scope():
                    return self.hybrid_forward(_sym, x, *args, **params)
            raise GluonValueError('In HybridBlock, there must be one NDArray or one Symbol in '
                                  'the input. Please check the type of the args.')
        ctx = x.context
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
                out = self.hybrid_forward(_InferF(nd), x, *args, **params)
                for v in self._reg_params.values():
                    v._finish_deferred_init()
                return out
            raise
        return self.hybrid_forward(nd, x, *args, **params)

    def hybrid_forward(self, F, x, *args, **kwargs):
        """Override to construct the computation with F (mx.nd or mx.sym)."""
        raise NotImplementedError

    def export(self, path, epoch=0, remove_amp_cast=True):
        raise MXNetError('HybridBlock.export needs hybridize to trace through mx.sym and the '
                         'Symbol executor, which are not implemented in remx yet')

    def optimize_for(self, x, *args, backend=None, clear=False, static_alloc=False,
                     static_shape=False, inline_limit=2, forward_bulk_size=None,
                     backward_bulk_size=None, **kwargs):
        raise MXNetError('optimize_for (subgraph backends) is not implemented in remx')


class SymbolBlock(HybridBlock):
    """Construct a block from Symbol outputs and inputs (needs the Symbol executor)."""

    def __init__(self, outputs, inputs, params=None):
        raise MXNetError('SymbolBlock needs the Symbol executor (bind), which is not '
                         'implemented in remx yet')

    @staticmethod
    def imports(symbol_file, input_names, param_file=None, ctx=None, allow_missing=False,
                ignore_extra=False):
        raise MXNetError('SymbolBlock.imports needs the Symbol executor (bind), which is not '
                         'implemented in remx yet')
