"""Data-parallel executors for ``mx.model.FeedForward`` (MXNet 1.9.1's ``executor_manager``).

A batch is cut along its first axis into one slice per context (sized by ``work_load_list``);
each context has its own executor bound to the slice's shapes, sharing nothing but the
parameter values the trainer keeps in step.
"""
import logging

import numpy as np

from .base import mx_real_t
from . import ndarray as nd
from .context import cpu
from .io import DataDesc

__all__ = ['DataParallelExecutorManager', 'DataParallelExecutorGroup']


def _split_input_slice(batch_size, work_load_list):
    """Cut ``range(batch_size)`` into one ``slice`` per device, proportional to the loads.

    Each device gets ``round(load * batch_size / total)`` samples; the last one takes what
    rounding left over. Raises ValueError when some slice would be empty.
    """
    total = sum(work_load_list)
    counts = [round(w * batch_size / total) for w in work_load_list]
    short = batch_size - sum(counts)
    if short > 0:
        counts[-1] += short
    slices = []
    end = 0
    for n in counts:
        begin = int(min(end, batch_size))
        end = int(min(begin + n, batch_size))
        if begin >= end:
            raise ValueError('Too many slices. Some splits are empty.')
        slices.append(slice(begin, end))
    return slices


def _check_arguments(symbol):
    """Raise ValueError when the symbol has two arguments (or auxiliary states) of one name."""
    arg_names = symbol.list_arguments()
    seen = set()
    for name in arg_names:
        if name in seen:
            raise ValueError('Find duplicated argument name "%s", please make the weight name '
                             'non-duplicated(using name arguments), arguments are %s'
                             % (name, str(arg_names)))
        seen.add(name)
    aux_names = symbol.list_auxiliary_states()
    seen = set()
    for name in aux_names:
        if name in seen:
            raise ValueError('Find duplicated auxiliary param name "%s", please make the weight '
                             'name non-duplicated(using name arguments), arguments are %s, '
                             'auxiliary params are %s' % (name, str(arg_names), str(aux_names)))
        seen.add(name)


def _load_general(data, targets):
    """Copy each source array into its target: one NDArray, or ``(slice, NDArray)`` pairs."""
    for src, dst in zip(data, targets):
        if isinstance(dst, nd.NDArray):
            src.copyto(dst)
            continue
        if dst[-1][0].stop != src.shape[0]:
            raise AssertionError('Batch size miss match. Expected %d, got %d'
                                 % (dst[-1][0].stop, src.shape[0]))
        for sl, arr in dst:
            src[sl].copyto(arr)


def _load_data(batch, targets):
    _load_general(batch.data, targets)


def _load_label(batch, targets):
    _load_general(batch.label, targets)


def _bind_exec(sym, ctx, input_shapes, param_names, need_grad=False, base_exec=None,
               shared_data_arrays=None, input_types=None, logger=logging):
    """Bind ``sym`` on ``ctx``: zero-filled inputs, gradients for ``need_grad`` (True: every
    non-input argument), parameters and aux states taken from ``base_exec`` when given."""
    arg_shapes, _, aux_shapes = sym.infer_shape(**input_shapes)
    if arg_shapes is None:
        raise AssertionError('cannot infer the shapes of %s from %s'
                             % (sym.list_arguments(), input_shapes))
    if input_types is None:
        input_types = {k: mx_real_t for k in input_shapes}
    arg_types, _, aux_types = sym.infer_type(**input_types)
    arg_names = sym.list_arguments()
    if need_grad is False:
        need_grad = set()
    elif need_grad is True:
        need_grad = set(arg_names) - set(input_shapes)
    elif not isinstance(need_grad, set):
        raise AssertionError('need_grad must be boolean or set.')
    grad_req = {n: ('write' if n in need_grad else 'null') for n in arg_names}
    grads = {} if need_grad else None
    args = []
    for name, shape, dtype in zip(arg_names, arg_shapes, arg_types):
        if name not in param_names:
            arr = None
            if shared_data_arrays is not None and name in shared_data_arrays:
                arr = shared_data_arrays[name]
                if np.prod(arr.shape) >= np.prod(shape):
                    arr = arr.reshape(shape)
                else:
                    logger.warning('bucketing: data "%s" has a shape %s, which is larger than '
                                   'already allocated shape %s. Need to re-allocate. Consider '
                                   'putting default_bucket_key to be the bucket taking the '
                                   'largest input for better memory sharing.'
                                   % (name, shape, arr.shape))
                    arr = None
            if arr is None:
                arr = nd.zeros(shape, ctx, dtype=dtype)
                if shared_data_arrays is not None:
                    shared_data_arrays[name] = arr
        elif base_exec is None:
            arr = nd.zeros(shape, ctx, dtype=dtype)
            if name in need_grad:
                grads[name] = nd.zeros(shape, ctx, dtype=dtype)
        else:
            arr = base_exec.arg_dict[name]
            if name in need_grad:
                grads[name] = base_exec.grad_dict[name]
        args.append(arr)
    if base_exec is None:
        aux = [nd.zeros(s, ctx, dtype=t) for s, t in zip(aux_shapes, aux_types)]
    else:
        aux = list(base_exec.aux_arrays)
    return sym.bind(ctx=ctx, args=args, args_grad=grads, aux_states=aux, grad_req=grad_req,
                    shared_exec=base_exec)


class DataParallelExecutorGroup(object):
    """One executor per context for one symbol, each bound to its slice of the batch.

    ``param_arrays[i][k]`` / ``grad_arrays[i][k]`` are parameter ``i``'s value / gradient on
    device ``k``; ``aux_arrays`` likewise for the auxiliary states.
    """

    def __init__(self, sym, arg_names, param_names, ctx, slices, train_data, shared_group=None):
        _check_arguments(sym)
        self.shared_data_arrays = ([{} for _ in ctx] if shared_group is None
                                   else shared_group.shared_data_arrays)
        self.data_names = [x[0] for x in train_data.provide_data]
        self.label_names = [x[0] for x in train_data.provide_label]
        self.aux_names = sym.list_auxiliary_states()
        self.param_idx = [i for i, n in enumerate(arg_names) if n in param_names]
        self.param_names = [arg_names[i] for i in self.param_idx]
        self.train_execs = []
        for i, c in enumerate(ctx):
            shapes, types = {}, {}
            for x in train_data.provide_data + train_data.provide_label:
                shapes[x[0]] = (slices[i].stop - slices[i].start,) + tuple(x[1][1:])
                types[x[0]] = x.dtype if isinstance(x, DataDesc) else mx_real_t
            base = None if shared_group is None else shared_group.train_execs[i]
            self.train_execs.append(_bind_exec(sym, c, shapes, self.param_names, need_grad=True,
                                               base_exec=base,
                                               shared_data_arrays=self.shared_data_arrays[i],
                                               input_types=types))
        self.data_arrays = [[(slices[i], e.arg_dict[n]) for i, e in enumerate(self.train_execs)]
                            for n in self.data_names]
        self.label_arrays = [[(slices[i], e.arg_dict[n]) for i, e in enumerate(self.train_execs)]
                             for n in self.label_names]
        self.param_arrays = [[e.arg_arrays[i] for e in self.train_execs] for i in self.param_idx]
        self.grad_arrays = [[e.grad_arrays[i] for e in self.train_execs] for i in self.param_idx]
        self.aux_arrays = [[e.aux_arrays[i] for e in self.train_execs]
                           for i in range(len(self.aux_names))]
        self.slices = slices

    def load_data_batch(self, data_batch):
        _load_data(data_batch, self.data_arrays)
        _load_label(data_batch, self.label_arrays)

    def forward(self, is_train=False):
        for e in self.train_execs:
            e.forward(is_train=is_train)

    def backward(self):
        for e in self.train_execs:
            e.backward()

    def update_metric(self, metric, labels, pre_sliced=False):
        for k, (e, sl) in enumerate(zip(self.train_execs, self.slices)):
            part = labels[k] if pre_sliced else [lab[sl] for lab in labels]
            metric.update(part, e.outputs)


class DataParallelExecutorManager(object):
    """The executors ``FeedForward.fit`` trains with: a ``DataParallelExecutorGroup`` per
    bucket key (one when ``sym_gen`` is None), the batch split by ``work_load_list``.

    Parameters
    ----------
    symbol : Symbol
        The network.
    ctx : list of Context
        The devices.
    train_data : DataIter
        Gives ``batch_size``, ``provide_data`` and ``provide_label``.
    arg_names, param_names, aux_names : list of str
        All arguments, the trainable ones, the auxiliary states.
    work_load_list : list of float, optional
        Relative share of each device (default: equal).
    logger : logging.Logger, optional
    sym_gen : callable, optional
        Bucket key -> Symbol, for bucketing iterators.
    """

    def __init__(self, symbol, ctx, train_data, arg_names, param_names, aux_names,
                 work_load_list=None, logger=None, sym_gen=None):
        if logger is None:
            logger = logging
        logger.info('Start training with %s', str(ctx))
        if work_load_list is None:
            work_load_list = [1] * len(ctx)
        if not isinstance(work_load_list, list) or len(work_load_list) != len(ctx):
            raise AssertionError('Invalid settings for work load. ')
        self.slices = _split_input_slice(train_data.batch_size, work_load_list)
        self.arg_names = arg_names
        self.param_names = param_names
        self.aux_names = aux_names
        self.ctx = ctx
        self.execgrp = DataParallelExecutorGroup(symbol, arg_names, param_names, ctx,
                                                 self.slices, train_data)
        self.symbol = symbol
        self.sym_gen = sym_gen
        self.curr_execgrp = None
        if sym_gen is not None:
            self.execgrp_bucket = {train_data.default_bucket_key: self.execgrp}

    def install_monitor(self, monitor):
        if self.sym_gen is not None:
            raise NotImplementedError('Monitoring is not implemented for bucketing')
        for e in self.execgrp.train_execs:
            monitor.install(e)

    def set_params(self, arg_params, aux_params):
        """Copy the given parameter values into every device's executor."""
        for e in self.execgrp.train_execs:
            e.copy_params_from(arg_params, aux_params)

    def copy_to(self, arg_params, aux_params):
        """Write the devices' average of each parameter and aux state into the given dicts."""
        for names, blocks, dst in ((self.param_names, self.param_arrays, arg_params),
                                   (self.aux_names, self.aux_arrays, aux_params)):
            for name, block in zip(names, blocks):
                avg = sum(w.copyto(cpu()) for w in block) / len(block)
                avg.astype(dst[name].dtype).copyto(dst[name])

    @property
    def param_arrays(self):
        return self.execgrp.param_arrays

    @property
    def grad_arrays(self):
        return self.execgrp.grad_arrays

    @property
    def aux_arrays(self):
        return self.execgrp.aux_arrays

    def load_data_batch(self, data_batch):
        if self.sym_gen is not None:
            key = data_batch.bucket_key
            if key not in self.execgrp_bucket:
                self.execgrp_bucket[key] = DataParallelExecutorGroup(
                    self.sym_gen(key), self.arg_names, self.param_names, self.ctx, self.slices,
                    data_batch, shared_group=self.execgrp)
            self.curr_execgrp = self.execgrp_bucket[key]
        else:
            self.curr_execgrp = self.execgrp
        self.curr_execgrp.load_data_batch(data_batch)

    def forward(self, is_train=False):
        self.curr_execgrp.forward(is_train=is_train)

    def backward(self):
        self.curr_execgrp.backward()

    def update_metric(self, metric, labels, pre_sliced=False):
        self.curr_execgrp.update_metric(metric, labels, pre_sliced)
