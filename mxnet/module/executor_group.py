"""``DataParallelExecutorGroup``: one executor per context, each running a slice of the batch.

The batch is cut along its batch axis (the position of ``N`` in the input's layout) into one
slice per context, in proportion to ``workload``; outputs are concatenated back along the
same axis. Parameter arrays live once per context; ``get_params`` averages them.
"""
import logging
from collections import OrderedDict

from ..context import cpu
from .. import ndarray as nd
from ..io import DataDesc
from ..executor_manager import _split_input_slice

__all__ = ['DataParallelExecutorGroup']


def _load_general(data, targets, major_axis):
    """Copy each source array (or its slice) into its target arrays."""
    for d_src, d_targets, axis in zip(data, targets, major_axis):
        if isinstance(d_targets, nd.NDArray):
            d_src.copyto(d_targets)
        elif isinstance(d_src, (list, tuple)):
            for src, dst in zip(d_src, d_targets):
                src.copyto(dst)
        else:
            for slice_idx, d_dst in d_targets:
                if axis >= 0:
                    full = slice_idx.start == 0 and d_src.shape[axis] == slice_idx.stop
                    if full:
                        d_src.copyto(d_dst)
                    elif axis == 0:
                        d_src[slice_idx.start:slice_idx.stop].copyto(d_dst)
                    else:
                        nd.slice_axis(d_src, axis=axis, begin=slice_idx.start,
                                      end=slice_idx.stop).copyto(d_dst)
                else:
                    d_src.copyto(d_dst)


def _load_batch(batch, targets, major_axis, field):
    """Copy ``batch.data`` or ``batch.label`` (``field``) into the targets; a list of batches
    (one per context, pre-sliced) gives each target its own batch's array."""
    if isinstance(batch, list):
        arrays = [[] for _ in range(len(targets))]
        for one in batch:
            for i, arr in enumerate(getattr(one, field)):
                arrays[i].append(arr)
        _load_general(arrays, targets, major_axis)
    else:
        _load_general(getattr(batch, field), targets, major_axis)


def _merge_multi_context(outputs, major_axis):
    """Concatenate per-context arrays along their batch axis (one array per output)."""
    rets = []
    for tensors, axis in zip(outputs, major_axis):
        if axis >= 0:
            if len(tensors) == 1:
                rets.append(tensors[0])
            else:
                ctx = tensors[0].context
                rets.append(nd.concat(*[t.as_in_context(ctx) for t in tensors], dim=axis))
        else:
            # no batch axis: every context holds the same value
            rets.append(tensors[0])
    return rets


def _prepare_group2ctxs(group2ctxs, ctx_len):
    if group2ctxs is None:
        return [None] * ctx_len
    if isinstance(group2ctxs, list):
        assert len(group2ctxs) == ctx_len, 'Length of group2ctxs should be %d' % ctx_len
        return group2ctxs
    if isinstance(group2ctxs, dict):
        ret = [{} for _ in range(ctx_len)]
        for k, v in group2ctxs.items():
            ctxs = v if isinstance(v, (list, tuple)) else [v] * ctx_len
            assert len(ctxs) == ctx_len, 'Length of group2ctxs[%s] should be %d or 1' % (
                k, ctx_len)
            for i in range(ctx_len):
                ret[i][k] = ctxs[i]
        return ret
    assert False, 'group2ctxs should be list of dict of str to context, or dict of str to ' \
        'context or list of context'
    return None


class DataParallelExecutorGroup(object):
    """Executors for a list of contexts that split each batch between them.

    Parameters
    ----------
    symbol : Symbol
    contexts : list of Context
    workload : list of float
        Relative share of the batch for each context.
    data_shapes, label_shapes : list of DataDesc (or (name, shape))
    param_names : list of str
        The arguments that are parameters (the rest are data, labels and states).
    for_training : bool
    inputs_need_grad : bool
    shared_group : DataParallelExecutorGroup, optional
        Share parameter (and gradient) memory with this group (bucketing).
    logger : Logger
    fixed_param_names : list of str, optional
        Parameters without gradients.
    grad_req : str, list or dict, default 'write'
    state_names : list of str, optional
    group2ctxs : dict or list, optional
    """

    def __init__(self, symbol, contexts, workload, data_shapes, label_shapes, param_names,
                 for_training, inputs_need_grad, shared_group=None, logger=logging,
                 fixed_param_names=None, grad_req='write', state_names=None, group2ctxs=None):
        self.param_names = param_names
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.symbol = symbol
        self.contexts = contexts
        self.workload = workload
        self.group2ctxs = _prepare_group2ctxs(group2ctxs, len(contexts))
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.logger = logger
        self.fixed_param_names = fixed_param_names if fixed_param_names is not None else []
        self.state_names = state_names if state_names is not None else []
        if not for_training:
            grad_req = 'null'
        data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
        if label_shapes is not None:
            label_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x)
                            for x in label_shapes]
        data_names = [x.name for x in data_shapes]
        if isinstance(grad_req, str):
            self.grad_req = {}
            for k in self.arg_names:
                if k in self.param_names:
                    self.grad_req[k] = 'null' if k in self.fixed_param_names else grad_req
                elif k in data_names:
                    self.grad_req[k] = grad_req if self.inputs_need_grad else 'null'
                else:
                    self.grad_req[k] = 'null'
        elif isinstance(grad_req, (list, tuple)):
            assert len(grad_req) == len(self.arg_names)
            self.grad_req = dict(zip(self.arg_names, grad_req))
        elif isinstance(grad_req, dict):
            self.grad_req = {}
            for k in self.arg_names:
                if k in self.param_names:
                    self.grad_req[k] = 'null' if k in self.fixed_param_names else 'write'
                elif k in data_names:
                    self.grad_req[k] = 'write' if self.inputs_need_grad else 'null'
                else:
                    self.grad_req[k] = 'null'
            self.grad_req.update(grad_req)
        else:
            raise ValueError('grad_req must be one of str, list, tuple, or dict.')

        if shared_group is not None:
            self.shared_data_arrays = shared_group.shared_data_arrays
        else:
            self.shared_data_arrays = [{} for _ in contexts]
        self.batch_size = None
        self.slices = None
        self.execs = []
        self._default_execs = None
        self.data_arrays = None
        self.label_arrays = None
        self.param_arrays = None
        self.state_arrays = None
        self.grad_arrays = None
        self.aux_arrays = None
        self.input_grad_arrays = None
        self.data_shapes = None
        self.label_shapes = None
        self.data_names = None
        self.label_names = None
        self.data_layouts = None
        self.label_layouts = None
        self.output_names = self.symbol.list_outputs()
        self.output_layouts = [DataDesc.get_batch_axis(self.symbol[i].attr('__layout__'))
                               for i in range(len(self.output_names))]
        self.num_outputs = len(self.symbol.list_outputs())
        self.bind_exec(data_shapes, label_shapes, shared_group)

    def decide_slices(self, data_shapes):
        """Set ``batch_size`` and ``slices`` from the inputs; returns their batch axes."""
        assert len(data_shapes) > 0
        major_axis = [DataDesc.get_batch_axis(x.layout) for x in data_shapes]
        for (name, shape), axis in zip(data_shapes, major_axis):
            if axis == -1:
                continue
            batch_size = shape[axis]
            if self.batch_size is not None:
                assert batch_size == self.batch_size, (
                    'all data must have the same batch size: batch_size = %d, but %s has '
                    'shape %s' % (self.batch_size, name, shape))
            else:
                self.batch_size = batch_size
                self.slices = _split_input_slice(self.batch_size, self.workload)
        return major_axis

    def _collect_arrays(self):
        """Per-name lists of the executors' arrays."""
        execs = self.execs
        self.data_arrays = [[(self.slices[i], e.arg_dict[name]) for i, e in enumerate(execs)]
                            for name, _ in self.data_shapes]
        self.state_arrays = [[e.arg_dict[name] for e in execs] for name in self.state_names]
        if self.label_shapes is not None:
            self.label_arrays = [[(self.slices[i], e.arg_dict[name])
                                  for i, e in enumerate(execs)]
                                 for name, _ in self.label_shapes]
        else:
            self.label_arrays = None
        self.param_arrays = [[e.arg_arrays[i] for e in execs]
                             for i, name in enumerate(self.arg_names)
                             if name in self.param_names]
        if self.for_training:
            self.grad_arrays = [[e.grad_arrays[i] for e in execs]
                                for i, name in enumerate(self.arg_names)
                                if name in self.param_names]
        else:
            self.grad_arrays = None
        data_names = [x[0] for x in self.data_shapes]
        if self.inputs_need_grad:
            self.input_grad_arrays = [[e.grad_arrays[self.arg_names.index(name)]
                                       for e in execs]
                                      for name in data_names if name in self.arg_names]
        else:
            self.input_grad_arrays = None
        self.aux_arrays = [[e.aux_arrays[i] for e in execs]
                           for i in range(len(self.aux_names))]

    def bind_exec(self, data_shapes, label_shapes, shared_group=None, reshape=False):
        """Bind (or, with ``reshape``, reshape) one executor per context."""
        assert reshape or not self.execs
        self.batch_size = None
        self.data_layouts = self.decide_slices(data_shapes)
        if label_shapes is not None:
            self.label_layouts = self.decide_slices(label_shapes)
        for i in range(len(self.contexts)):
            dshapes = self._sliced_shape(data_shapes, i, self.data_layouts)
            lshapes = None
            if label_shapes is not None:
                lshapes = self._sliced_shape(label_shapes, i, self.label_layouts)
            if reshape:
                shapes = dict(dshapes + (lshapes or []))
                self.execs[i] = self._default_execs[i].reshape(allow_up_sizing=True, **shapes)
            else:
                self.execs.append(self._bind_ith_exec(i, dshapes, lshapes, shared_group))
        self.data_shapes = data_shapes
        self.label_shapes = label_shapes
        self.data_names = [x.name for x in data_shapes]
        if label_shapes is not None:
            self.label_names = [x.name for x in label_shapes]
        self._collect_arrays()

    def reshape(self, data_shapes, label_shapes):
        """Re-bind the executors for new input shapes (memory shared with the first bind)."""
        if data_shapes == self.data_shapes and label_shapes == self.label_shapes:
            return
        if self._default_execs is None:
            self._default_execs = list(self.execs)
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    def set_params(self, arg_params, aux_params, allow_extra=False):
        """Copy parameter values into every executor."""
        for exec_ in self.execs:
            exec_.copy_params_from(arg_params, aux_params, allow_extra_params=allow_extra)

    def get_params(self, arg_params, aux_params):
        """Average the parameters over the contexts into ``arg_params`` / ``aux_params``."""
        for name, block in zip(self.param_names, self.param_arrays):
            weight = sum(w.copyto(cpu()) for w in block) / len(block)
            weight.astype(arg_params[name].dtype).copyto(arg_params[name])
        for name, block in zip(self.aux_names, self.aux_arrays):
            weight = sum(w.copyto(cpu()) for w in block) / len(block)
            weight.astype(aux_params[name].dtype).copyto(aux_params[name])

    def forward(self, data_batch, is_train=None):
        """Load ``data_batch`` (sliced) into the executors and run them."""
        _load_batch(data_batch, self.data_arrays, self.data_layouts, 'data')
        if is_train is None:
            is_train = self.for_training
        if isinstance(data_batch, list):
            if self.label_arrays is not None and data_batch is not None and \
                    data_batch[0].label:
                _load_batch(data_batch, self.label_arrays, self.label_layouts, 'label')
        else:
            if self.label_arrays is not None and data_batch.label:
                _load_batch(data_batch, self.label_arrays, self.label_layouts, 'label')
        for exec_ in self.execs:
            exec_.forward(is_train=is_train)

    def get_output_shapes(self):
        """``(name, shape)`` of the merged outputs."""
        outputs = self.execs[0].outputs
        shapes = [out.shape for out in outputs]
        concat_shapes = []
        for key, the_shape, axis in zip(self.symbol.list_outputs(), shapes, self.output_layouts):
            the_shape = list(the_shape)
            if axis >= 0:
                the_shape[axis] = self.batch_size
            concat_shapes.append((key, tuple(the_shape)))
        return concat_shapes

    def get_outputs(self, merge_multi_context=True, begin=0, end=None):
        """Outputs of the last forward: merged over contexts, or per output a list of the
        contexts' arrays."""
        if end is None:
            end = self.num_outputs
        outputs = [[exec_.outputs[i] for exec_ in self.execs] for i in range(begin, end)]
        if merge_multi_context:
            outputs = _merge_multi_context(outputs, self.output_layouts)
        return outputs

    def get_states(self, merge_multi_context=True):
        assert not merge_multi_context, \
            'merge_multi_context=True is not supported for get_states yet.'
        return self.state_arrays

    def set_states(self, states=None, value=None):
        if states is not None:
            assert value is None, 'Only one of states & value can be specified.'
            _load_general(states, self.state_arrays, (0,) * len(states))
        else:
            assert value is not None, 'At least one of states & value must be specified.'
            assert states is None, 'Only one of states & value can be specified.'
            for d_dst in self.state_arrays:
                for dst in d_dst:
                    dst[:] = value

    def get_input_grads(self, merge_multi_context=True):
        assert self.inputs_need_grad
        if merge_multi_context:
            return _merge_multi_context(self.input_grad_arrays, self.data_layouts)
        return self.input_grad_arrays

    def backward(self, out_grads=None):
        """Back-propagate on every executor, slicing ``out_grads`` like the batch."""
        assert self.for_training, 're-bind with for_training=True to run backward'
        if out_grads is None:
            out_grads = []
        for i, (exec_, islice) in enumerate(zip(self.execs, self.slices)):
            out_grads_slice = []
            for grad, axis in zip(out_grads, self.output_layouts):
                if axis >= 0:
                    if len(self.execs) == 1:
                        og = grad
                    else:
                        og = nd.slice_axis(grad, axis=axis, begin=islice.start,
                                           end=islice.stop)
                    out_grads_slice.append(og.as_in_context(self.contexts[i]))
                else:
                    out_grads_slice.append(grad.copyto(self.contexts[i]))
            exec_.backward(out_grads=out_grads_slice)

    def update_metric(self, eval_metric, labels, pre_sliced):
        """Update ``eval_metric`` with each executor's outputs and its slice of ``labels``."""
        for current_exec, (texec, islice) in enumerate(zip(self.execs, self.slices)):
            if not pre_sliced:
                labels_slice = []
                for label, axis in zip(labels, self.label_layouts):
                    if axis == 0:
                        labels_slice.append(label if len(self.execs) == 1 else label[islice])
                    elif axis > 0:
                        labels_slice.append(nd.slice_axis(
                            label, axis=axis, begin=islice.start,
                            end=islice.stop).as_in_context(label.context))
                    else:
                        labels_slice.append(label)
            else:
                labels_slice = labels[current_exec]
            labels_ = OrderedDict(zip(self.label_names, labels_slice))
            preds = OrderedDict(zip(self.output_names, texec.outputs))
            eval_metric.update_dict(labels_, preds)

    def _bind_ith_exec(self, i, data_shapes, label_shapes, shared_group):
        shared_exec = None if shared_group is None else shared_group.execs[i]
        context = self.contexts[i]
        shared_data_arrays = self.shared_data_arrays[i]
        input_shapes = dict(data_shapes)
        if label_shapes is not None:
            input_shapes.update(dict(label_shapes))
        input_types = {x.name: x.dtype for x in data_shapes}
        if label_shapes is not None:
            input_types.update({x.name: x.dtype for x in label_shapes})
        return self.symbol.simple_bind(ctx=context, grad_req=self.grad_req,
                                       type_dict=input_types, shared_arg_names=self.param_names,
                                       shared_exec=shared_exec, group2ctx=self.group2ctxs[i],
                                       shared_buffer=shared_data_arrays, **input_shapes)

    def _sliced_shape(self, shapes, i, major_axis):
        sliced = []
        for desc, axis in zip(shapes, major_axis):
            shape = list(desc.shape)
            if axis >= 0:
                shape[axis] = self.slices[i].stop - self.slices[i].start
            sliced.append(DataDesc(desc.name, tuple(shape), desc.dtype, desc.layout))
        return sliced

    def install_monitor(self, mon):
        """Install ``mon`` on every executor."""
        for exe in self.execs:
            mon.install(exe)
