"""``mx.model``: checkpoint files and the legacy ``FeedForward`` trainer, as in MXNet 1.9.1.

A checkpoint is two files: ``prefix-symbol.json`` (the network, ``Symbol.save``) and
``prefix-%04d.params`` (``nd.save`` of a dict whose keys are ``arg:NAME`` for arguments and
``aux:NAME`` for auxiliary states). Files written here load in MXNet 1.9.1 and the other way
round.
"""
import logging
import time
import warnings
from collections import namedtuple  # noqa: F401  (MXNet's module namespace has it)

import numpy as np

from .base import MXNetError, mx_real_t
from .callback import BatchEndParam, LogValidationMetricsCallback
from .context import Context, cpu
from .executor_manager import DataParallelExecutorManager, _check_arguments, _load_data
from .initializer import Uniform
from .io import DataDesc
from . import io
from .kvstore import _create_kvstore, _create_sparse_kvstore  # noqa: F401 (MXNet's names)
from . import metric
from . import ndarray as nd
from . import optimizer as opt
from .optimizer import get_updater
from . import symbol as sym

__all__ = ['BatchEndParam', 'save_checkpoint', 'load_checkpoint', 'load_params', 'FeedForward',
           'DataParallelExecutorManager']

# MXNet derives FeedForward from scikit-learn's BaseEstimator when scikit-learn imports. remx
# does not import scikit-learn (seconds of start-up) to build a deprecated class: plain object.
SKLEARN_INSTALLED = False
BASE_ESTIMATOR = object


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """Write ``prefix-symbol.json`` (when ``symbol`` is not None) and ``prefix-%04d.params``.

    Parameters
    ----------
    prefix : str
        Prefix of the file names.
    epoch : int
        The epoch number, written into the params file name.
    symbol : Symbol or None
        The network.
    arg_params, aux_params : dict of str -> NDArray
        The model's arguments and auxiliary states (copied to the CPU before saving).
    remove_amp_cast : bool, default True
        Drop AMP cast nodes from the saved symbol.
    """
    if symbol is not None:
        symbol.save('%s-symbol.json' % prefix, remove_amp_cast=remove_amp_cast)
    save_dict = {('arg:%s' % k): v.as_in_context(cpu()) for k, v in arg_params.items()}
    save_dict.update({('aux:%s' % k): v.as_in_context(cpu()) for k, v in aux_params.items()})
    param_name = '%s-%04d.params' % (prefix, epoch)
    nd.save(param_name, save_dict)
    logging.info('Saved checkpoint to "%s"', param_name)


def load_params(prefix, epoch):
    """Load ``prefix-%04d.params``; returns ``(arg_params, aux_params)``."""
    try:
        fname = '%s-%04d.params' % (prefix, epoch)
    except TypeError:
        raise MXNetError('load_params: epoch must be an integer, got %r' % (epoch,)) from None
    save_dict = nd.load(fname)
    arg_params, aux_params = {}, {}
    if not save_dict:
        logging.warning("Params file '%s' is empty", fname)
        return (arg_params, aux_params)
    if not isinstance(save_dict, dict):
        raise MXNetError('%s holds a list of arrays, not a checkpoint (arg:/aux: names)' % fname)
    for k, v in save_dict.items():
        tp, sep, name = k.partition(':')
        if not sep:
            raise MXNetError('%s: key %r is not of the form arg:NAME or aux:NAME' % (fname, k))
        if tp == 'arg':
            arg_params[name] = v
        elif tp == 'aux':
            aux_params[name] = v
        # MXNet skips keys of other kinds silently
    return arg_params, aux_params


def load_checkpoint(prefix, epoch):
    """Load a checkpoint; returns ``(symbol, arg_params, aux_params)``.

    Parameters
    ----------
    prefix : str
        Prefix of the file names.
    epoch : int
        Which ``prefix-%04d.params`` to read.
    """
    symbol = sym.load('%s-symbol.json' % prefix)
    arg_params, aux_params = load_params(prefix, epoch)
    return (symbol, arg_params, aux_params)


def _initialize_kvstore(kvstore, param_arrays, arg_params, param_names, update_on_kvstore):
    for idx, on_devs in enumerate(param_arrays):
        name = param_names[idx]
        if not update_on_kvstore or arg_params[name].stype != 'default':
            kvstore.init(name, arg_params[name])
        else:
            kvstore.broadcast(name, arg_params[name], out=on_devs)


def _update_params_on_kvstore(param_arrays, grad_arrays, kvstore, param_names):
    """Push each gradient list to the kvstore (which runs the optimizer) and pull weights."""
    for index, (args, grads) in enumerate(zip(param_arrays, grad_arrays)):
        if grads[0] is None:
            continue
        kvstore.pushpull(param_names[index], grads, out=args, priority=-index)


def _update_params(param_arrays, grad_arrays, updater, num_device, kvstore=None,
                   param_names=None):
    """Sum gradients over devices through the kvstore (if any), then run the updater on every
    device's copy; device k of parameter i uses optimizer state index ``i * num_device + k``."""
    updates = [[] for _ in range(num_device)]
    for i, (args, grads) in enumerate(zip(param_arrays, grad_arrays)):
        if grads[0] is None:
            continue
        if kvstore:
            kvstore.pushpull(param_names[i], grads, priority=-i)
        for k, (w, g) in enumerate(zip(args, grads)):
            updates[k].append((i * num_device + k, g, w))
    for dev in updates:
        if dev:
            idx, g, w = zip(*dev)
            updater(idx, g, w)


def _multiple_callbacks(callbacks, *args, **kwargs):
    """Call one callback, each of a list of them, or none."""
    if isinstance(callbacks, list):
        for cb in callbacks:
            cb(*args, **kwargs)
        return
    if callbacks:
        callbacks(*args, **kwargs)


def _train_multi_device(symbol, ctx, arg_names, param_names, aux_names, arg_params, aux_params,
                        begin_epoch, end_epoch, epoch_size, optimizer, kvstore,
                        update_on_kvstore, train_data, eval_data=None, eval_metric=None,
                        epoch_end_callback=None, batch_end_callback=None, logger=None,
                        work_load_list=None, monitor=None, eval_end_callback=None,
                        eval_batch_end_callback=None, sym_gen=None):
    """FeedForward's training loop over one or several devices (updates arg_params and
    aux_params in place at the end of the epochs that need them)."""
    if logger is None:
        logger = logging
    mgr = DataParallelExecutorManager(symbol=symbol, sym_gen=sym_gen, ctx=ctx,
                                      train_data=train_data, param_names=param_names,
                                      arg_names=arg_names, aux_names=aux_names,
                                      work_load_list=work_load_list, logger=logger)
    if monitor:
        mgr.install_monitor(monitor)
    mgr.set_params(arg_params, aux_params)
    if not update_on_kvstore:
        updater = get_updater(optimizer)
    else:
        kvstore.set_optimizer(optimizer)
    if kvstore:
        _initialize_kvstore(kvstore, mgr.param_arrays, arg_params, mgr.param_names,
                            update_on_kvstore)
    train_data.reset()
    for epoch in range(begin_epoch, end_epoch):
        tic = time.time()
        eval_metric.reset()
        nbatch = 0
        while True:
            do_reset = True
            for data_batch in train_data:
                mgr.load_data_batch(data_batch)
                if monitor is not None:
                    monitor.tic()
                mgr.forward(is_train=True)
                mgr.backward()
                if update_on_kvstore:
                    _update_params_on_kvstore(mgr.param_arrays, mgr.grad_arrays, kvstore,
                                              mgr.param_names)
                else:
                    _update_params(mgr.param_arrays, mgr.grad_arrays, updater=updater,
                                   num_device=len(ctx), kvstore=kvstore,
                                   param_names=mgr.param_names)
                if monitor is not None:
                    monitor.toc_print()
                mgr.update_metric(eval_metric, data_batch.label)
                nbatch += 1
                if batch_end_callback is not None:
                    _multiple_callbacks(batch_end_callback,
                                        BatchEndParam(epoch=epoch, nbatch=nbatch,
                                                      eval_metric=eval_metric, locals=locals()))
                if epoch_size is not None and nbatch >= epoch_size:
                    do_reset = False
                    break
            if do_reset:
                logger.info('Epoch[%d] Resetting Data Iterator', epoch)
                train_data.reset()
            if epoch_size is None or nbatch >= epoch_size:
                break
        logger.info('Epoch[%d] Time cost=%.3f', epoch, time.time() - tic)
        if epoch_end_callback or epoch + 1 == end_epoch:
            mgr.copy_to(arg_params, aux_params)
        _multiple_callbacks(epoch_end_callback, epoch, symbol, arg_params, aux_params)
        if eval_data:
            eval_metric.reset()
            eval_data.reset()
            total = 0
            for i, eval_batch in enumerate(eval_data):
                mgr.load_data_batch(eval_batch)
                mgr.forward(is_train=False)
                mgr.update_metric(eval_metric, eval_batch.label)
                if eval_batch_end_callback is not None:
                    _multiple_callbacks(eval_batch_end_callback,
                                        BatchEndParam(epoch=epoch, nbatch=i,
                                                      eval_metric=eval_metric, locals=locals()))
                total += 1
            if eval_end_callback is not None:
                _multiple_callbacks(eval_end_callback,
                                    BatchEndParam(epoch=epoch, nbatch=total,
                                                  eval_metric=eval_metric, locals=locals()))
            eval_data.reset()


class FeedForward(BASE_ESTIMATOR):
    """MXNet's legacy trainer for a single-input, single-output supervised network
    (deprecated in MXNet in favour of ``mx.mod.Module``; kept because old scripts use it).

    Parameters
    ----------
    symbol : Symbol, or callable bucket_key -> Symbol
        The network (ending in a loss such as SoftmaxOutput).
    ctx : Context or list of Context, optional
        Devices to train on (data parallel over the list); default ``[cpu()]``.
    num_epoch : int, optional
        Number of training epochs.
    epoch_size : int, optional
        Batches per epoch (default: one pass over the data).
    optimizer : str or Optimizer, default 'sgd'
    initializer : Initializer, default ``Uniform(0.01)``
    numpy_batch_size : int, default 128
        Batch size when ``X`` is a numpy array / NDArray.
    arg_params, aux_params : dict of str -> NDArray, optional
        Initial parameter values.
    allow_extra_params : bool, default False
        Drop entries of arg_params/aux_params the symbol does not use instead of failing.
    begin_epoch : int, default 0
    **kwargs
        Passed to the optimizer (``learning_rate=0.1``, ``momentum``, ``wd`` ...).
    """

    def __init__(self, symbol, ctx=None, num_epoch=None, epoch_size=None, optimizer='sgd',
                 initializer=Uniform(0.01), numpy_batch_size=128, arg_params=None,
                 aux_params=None, allow_extra_params=False, begin_epoch=0, **kwargs):
        warnings.warn('\033[91mmxnet.model.FeedForward has been deprecated. '
                      'Please use mxnet.mod.Module instead.\033[0m', DeprecationWarning,
                      stacklevel=2)
        if isinstance(symbol, sym.Symbol):
            self.symbol = symbol
            self.sym_gen = None
        else:
            if not callable(symbol):
                raise MXNetError('FeedForward: symbol must be a Symbol or a callable '
                                 'bucket_key -> Symbol, got %r' % (symbol,))
            self.symbol = None
            self.sym_gen = symbol
        self.arg_params = arg_params
        self.aux_params = aux_params
        self.allow_extra_params = allow_extra_params
        self.argument_checked = False
        if self.sym_gen is None:
            self._check_arguments()
        if ctx is None:
            ctx = [cpu()]
        elif isinstance(ctx, Context):
            ctx = [ctx]
        self.ctx = ctx
        self.num_epoch = num_epoch
        self.epoch_size = epoch_size
        self.kwargs = kwargs.copy()
        self.optimizer = optimizer
        self.initializer = initializer
        self.numpy_batch_size = numpy_batch_size
        self._pred_exec = None
        self.begin_epoch = begin_epoch

    def _check_arguments(self):
        if self.argument_checked:
            return
        self.argument_checked = True
        _check_arguments(self.symbol)
        if self.allow_extra_params:
            if self.arg_params:
                keep = set(self.symbol.list_arguments())
                self.arg_params = {k: v for k, v in self.arg_params.items() if k in keep}
            if self.aux_params:
                keep = set(self.symbol.list_auxiliary_states())
                self.aux_params = {k: v for k, v in self.aux_params.items() if k in keep}

    @staticmethod
    def _is_data_arg(name):
        return name.endswith('data') or name.endswith('label')

    def _init_params(self, inputs, overwrite=False):
        """Allocate every parameter and aux state from the input shapes; copy given values
        (unless ``overwrite``), initialize the rest. Returns (arg_names, param_names,
        aux_names)."""
        inputs = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in inputs]
        shapes = {x.name: x.shape for x in inputs}
        arg_shapes, _, aux_shapes = self.symbol.infer_shape(**shapes)
        if arg_shapes is None:
            raise MXNetError('FeedForward: cannot infer parameter shapes from %s' % shapes)
        arg_types, _, aux_types = self.symbol.infer_type(**{x.name: x.dtype for x in inputs})
        arg_names = self.symbol.list_arguments()
        param_names = [k for k in arg_names if k not in shapes]
        aux_names = self.symbol.list_auxiliary_states()
        arg_params = {k: nd.zeros(shape=s, dtype=t)
                      for k, s, t in zip(arg_names, arg_shapes, arg_types) if k in param_names}
        aux_params = {k: nd.zeros(shape=s, dtype=t)
                      for k, s, t in zip(aux_names, aux_shapes, aux_types)}
        for given, fresh in ((self.arg_params, arg_params), (self.aux_params, aux_params)):
            for k, v in fresh.items():
                if given and k in given and not overwrite:
                    v[:] = given[k][:]
                else:
                    self.initializer(k, v)
        self.arg_params = arg_params
        self.aux_params = aux_params
        return (arg_names, list(param_names), aux_names)

    def __getstate__(self):
        this = self.__dict__.copy()
        this['_pred_exec'] = None
        return this

    def __setstate__(self, state):
        self.__dict__.update(state)

    def _init_predictor(self, input_shapes, type_dict=None):
        """Bind (or reuse) the prediction executor on the first device."""
        shapes = {n: a.shape for n, a in self.arg_params.items()}
        shapes.update(dict(input_shapes))
        if self._pred_exec is not None:
            arg_shapes, _, _ = self.symbol.infer_shape(**shapes)
            if arg_shapes == [x.shape for x in self._pred_exec.arg_arrays]:
                return
        pred = self.symbol.simple_bind(self.ctx[0], grad_req='null', type_dict=type_dict,
                                       **shapes)
        pred.copy_params_from(self.arg_params, self.aux_params)
        _check_arguments(self.symbol)
        self._pred_exec = pred

    def _init_iter(self, X, y, is_train):
        if isinstance(X, (np.ndarray, nd.NDArray)):
            if y is None:
                if is_train:
                    raise ValueError('y must be specified when X is numpy.ndarray')
                y = np.zeros(X.shape[0])
            if not isinstance(y, (np.ndarray, nd.NDArray)):
                raise TypeError('y must be ndarray when X is numpy.ndarray')
            if X.shape[0] != y.shape[0]:
                raise ValueError('The numbers of data points and labels not equal')
            if y.ndim == 2 and y.shape[1] == 1:
                y = y.flatten()
            if y.ndim != 1:
                raise ValueError('Label must be 1D or 2D (with 2nd dimension being 1)')
            bs = min(X.shape[0], self.numpy_batch_size)
            if is_train:
                return io.NDArrayIter(X, y, bs, shuffle=True, last_batch_handle='roll_over')
            return io.NDArrayIter(X, y, bs, shuffle=False)
        if not isinstance(X, io.DataIter):
            raise TypeError('X must be DataIter, NDArray or numpy.ndarray')
        return X

    def _init_eval_iter(self, eval_data):
        if eval_data is None:
            return eval_data
        if isinstance(eval_data, (tuple, list)) and len(eval_data) == 2:
            if eval_data[0] is None:
                raise ValueError('Eval data is NONE')
            if eval_data[1] is None and isinstance(eval_data[0], io.DataIter):
                return eval_data[0]
            x = np.array(eval_data[0]) if isinstance(eval_data[0], list) else eval_data[0]
            y = np.array(eval_data[1]) if isinstance(eval_data[1], list) else eval_data[1]
            return self._init_iter(x, y, is_train=True)
        if not isinstance(eval_data, io.DataIter):
            raise TypeError('Eval data must be DataIter, or NDArray/numpy.ndarray/list pair '
                            '(i.e. tuple/list of length 2)')
        return eval_data

    def _prepare_pred(self, X, reset):
        X = self._init_iter(X, None, is_train=False)
        if reset:
            X.reset()
        types = {k: v.dtype for k, v in self.arg_params.items()}
        for x in X.provide_data:
            types[x[0]] = x.dtype if isinstance(x, DataDesc) else mx_real_t
        self._init_predictor(X.provide_data, types)
        return X, [self._pred_exec.arg_dict[x[0]] for x in X.provide_data]

    def predict(self, X, num_batch=None, return_data=False, reset=True):
        """Run prediction on the first device.

        Returns the output as a numpy array (a list when the network has several outputs),
        padded samples of the last batch dropped; with ``return_data``, ``(outputs, data,
        label)``.
        """
        X, data_arrays = self._prepare_pred(X, reset)
        batch_size = X.batch_size
        outs = [[] for _ in self._pred_exec.outputs]
        if return_data:
            datas = [[] for _ in X.provide_data]
            labels = [[] for _ in X.provide_label]
        for i, batch in enumerate(X):
            _load_data(batch, data_arrays)
            self._pred_exec.forward(is_train=False)
            real = batch_size - batch.pad
            for lst, o in zip(outs, self._pred_exec.outputs):
                lst.append(o[0:real].asnumpy())
            if return_data:
                for j, x in enumerate(batch.data):
                    datas[j].append(x[0:real].asnumpy())
                for j, x in enumerate(batch.label):
                    labels[j].append(x[0:real].asnumpy())
            if num_batch is not None and i + 1 == num_batch:
                break
        outputs = [np.concatenate(x) for x in outs]
        if len(outputs) == 1:
            outputs = outputs[0]
        if not return_data:
            return outputs
        data = [np.concatenate(x) for x in datas]
        label = [np.concatenate(x) for x in labels]
        return (outputs, data[0] if len(data) == 1 else data,
                label[0] if len(label) == 1 else label)

    def score(self, X, eval_metric='acc', num_batch=None, batch_end_callback=None, reset=True):
        """Evaluate ``eval_metric`` over ``X`` on the first device; returns the metric value."""
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        X, data_arrays = self._prepare_pred(X, reset)
        for i, batch in enumerate(X):
            if num_batch is not None and i == num_batch:
                break
            _load_data(batch, data_arrays)
            self._pred_exec.forward(is_train=False)
            eval_metric.update(batch.label, self._pred_exec.outputs)
            if batch_end_callback is not None:
                _multiple_callbacks(batch_end_callback,
                                    BatchEndParam(epoch=0, nbatch=i, eval_metric=eval_metric,
                                                  locals=locals()))
        return eval_metric.get()[1]

    def fit(self, X, y=None, eval_data=None, eval_metric='acc', epoch_end_callback=None,
            batch_end_callback=None, kvstore='local', logger=None, work_load_list=None,
            monitor=None, eval_end_callback=LogValidationMetricsCallback(),
            eval_batch_end_callback=None):
        """Train for ``num_epoch`` epochs.

        ``X`` is a DataIter, or a numpy array / NDArray with labels ``y`` (then shuffled
        batches of ``numpy_batch_size``, the last one rolling over). ``eval_data`` is a
        DataIter or a ``(data, label)`` pair; its metric is logged after each epoch.
        """
        data = self._init_iter(X, y, is_train=True)
        eval_data = self._init_eval_iter(eval_data)
        if self.sym_gen:
            self.symbol = self.sym_gen(data.default_bucket_key)
            self._check_arguments()
        self.kwargs['sym'] = self.symbol
        arg_names, param_names, aux_names = self._init_params(data.provide_data +
                                                              data.provide_label)
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        kv, update_on_kvstore = _create_kvstore(kvstore, len(self.ctx), self.arg_params)
        idx2name = {}
        if update_on_kvstore:
            idx2name.update(enumerate(param_names))
        else:
            for i, n in enumerate(param_names):
                for k in range(len(self.ctx)):
                    idx2name[i * len(self.ctx) + k] = n
        self.kwargs['param_idx2name'] = idx2name
        if isinstance(self.optimizer, str):
            batch_size = data.batch_size
            if kv and 'dist' in kv.type and '_async' not in kv.type:
                batch_size *= kv.num_workers
            optimizer = opt.create(self.optimizer, rescale_grad=(1.0 / batch_size),
                                   **self.kwargs)
        elif isinstance(self.optimizer, opt.Optimizer):
            optimizer = self.optimizer
            if not optimizer.idx2name:
                optimizer.idx2name = idx2name.copy()
        else:
            raise MXNetError('FeedForward: optimizer must be a name or an Optimizer, got %r'
                             % (self.optimizer,))
        _train_multi_device(self.symbol, self.ctx, arg_names, param_names, aux_names,
                            self.arg_params, self.aux_params, begin_epoch=self.begin_epoch,
                            end_epoch=self.num_epoch, epoch_size=self.epoch_size,
                            optimizer=optimizer, train_data=data, eval_data=eval_data,
                            eval_metric=eval_metric, epoch_end_callback=epoch_end_callback,
                            batch_end_callback=batch_end_callback, kvstore=kv,
                            update_on_kvstore=update_on_kvstore, logger=logger,
                            work_load_list=work_load_list, monitor=monitor,
                            eval_end_callback=eval_end_callback,
                            eval_batch_end_callback=eval_batch_end_callback,
                            sym_gen=self.sym_gen)

    def save(self, prefix, epoch=None, remove_amp_cast=True):
        """Write ``prefix-symbol.json`` and ``prefix-%04d.params`` (epoch default:
        ``num_epoch``)."""
        if epoch is None:
            epoch = self.num_epoch
        if epoch is None:
            raise MXNetError('FeedForward.save: give epoch= (num_epoch is not set)')
        save_checkpoint(prefix, epoch, self.symbol, self.arg_params, self.aux_params,
                        remove_amp_cast=remove_amp_cast)

    @staticmethod
    def load(prefix, epoch, ctx=None, **kwargs):
        """A FeedForward from ``prefix-symbol.json`` + ``prefix-%04d.params``; ``kwargs``
        are FeedForward's (num_epoch, optimizer, numpy_batch_size ...)."""
        symbol, arg_params, aux_params = load_checkpoint(prefix, epoch)
        return FeedForward(symbol, ctx=ctx, arg_params=arg_params, aux_params=aux_params,
                           begin_epoch=epoch, **kwargs)

    @staticmethod
    def create(symbol, X, y=None, ctx=None, num_epoch=None, epoch_size=None, optimizer='sgd',
               initializer=Uniform(0.01), eval_data=None, eval_metric='acc',
               epoch_end_callback=None, batch_end_callback=None, kvstore='local', logger=None,
               work_load_list=None, eval_end_callback=LogValidationMetricsCallback(),
               eval_batch_end_callback=None, **kwargs):
        """Build a FeedForward and ``fit`` it in one call; returns the trained model."""
        model = FeedForward(symbol, ctx=ctx, num_epoch=num_epoch, epoch_size=epoch_size,
                            optimizer=optimizer, initializer=initializer, **kwargs)
        model.fit(X, y, eval_data=eval_data, eval_metric=eval_metric,
                  epoch_end_callback=epoch_end_callback, batch_end_callback=batch_end_callback,
                  kvstore=kvstore, logger=logger, work_load_list=work_load_list,
                  eval_end_callback=eval_end_callback,
                  eval_batch_end_callback=eval_batch_end_callback)
        return model
