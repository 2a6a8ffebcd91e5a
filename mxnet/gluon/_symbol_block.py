"""Gluon ``SymbolBlock``: runs any Symbol graph (``SymbolBlock.imports`` reads exported files).

Imports ``_hybrid`` (HybridBlock and its helpers); nothing in gluon's block modules imports it
but ``block.py``.
"""
import copy
import warnings

import numpy as np

from ..base import MXNetError
from ..ndarray import NDArray
from .parameter import ParameterDict, GluonAssertionError
from ._hybrid import HybridBlock, _flatten, _regroup, _lazy_symbol, _Symbol

__all__ = ['SymbolBlock']


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
    __module__ = 'mxnet.gluon.block'

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
