"""Gluon ``Block``: naming scopes, children, Parameters, save/load, hooks and ``summary``.

The bottom of the gluon block modules: it imports none of them. ``_hybrid`` (HybridBlock)
imports this module and ``_symbol_block`` (SymbolBlock) imports ``_hybrid``; ``block.py``
re-exports all three.
"""
import json
import re
import threading
import warnings
from collections import OrderedDict, defaultdict

from ..base import MXNetError, _atomic_write
from .. import name as _name
from .. import initializer
from .. import ndarray as nd
from ..ndarray import NDArray
from .parameter import (Parameter, ParameterDict, _brief_list, _indent, GluonAssertionError,
                        GluonValueError)

__all__ = ['Block']


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
    __module__ = 'mxnet.gluon.block'

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
    __module__ = 'mxnet.gluon.block'   # where MXNet (and remx before the split) defines it
    # True on HybridBlock: lets Block.save/load/summary tell HybridBlocks apart without
    # importing the module that defines HybridBlock (which imports this one)
    _is_hybrid_block = False
    # nn.Sequential / HybridSequential: summary() lists their children, not the container
    _summary_container = False

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
            if blk._is_hybrid_block:
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
            if blk._is_hybrid_block and entry.get('hybridized'):
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
            if block._is_hybrid_block and block._active:
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
            if not block._summary_container:
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


# nn.Sequential and nn.HybridSequential (containers) get no summary row; they are defined in
# nn/basic_layers.py, which imports Block, so they are recognised by where they are defined

