"""``BaseModule``: the interface every module implements, and the training / evaluation loops
(``fit``, ``score``, ``predict``, ``iter_predict``) written once on top of it.

A module goes through states: created -> ``bind`` (memory for given input shapes) ->
``init_params`` -> ``init_optimizer``; then ``forward`` / ``backward`` / ``update`` run a step.
"""
import logging
import time
import warnings

import numpy as np

from ..context import cpu
from .. import metric
from .. import ndarray
from ..initializer import Uniform
from ..io import DataDesc, DataIter, DataBatch

__all__ = ['BaseModule']


def _as_list(obj):
    """``obj`` itself when it is a list or tuple, else ``[obj]``."""
    if isinstance(obj, (list, tuple)):
        return obj
    return [obj]


def _batch_end_param(epoch, nbatch, eval_metric, locals_):
    from ..model import BatchEndParam
    return BatchEndParam(epoch=epoch, nbatch=nbatch, eval_metric=eval_metric, locals=locals_)


def _check_input_names(symbol, names, typename, throw):
    """Every name must be an argument of ``symbol``; raise ValueError (or warn) otherwise."""
    args = symbol.list_arguments()
    for name in names:
        if name in args:
            continue
        candidates = [a for a in args if not a.endswith(('_weight', '_bias', '_gamma', '_beta'))]
        msg = ("\033[91mYou created Module with Module(..., %s_names=%s) but input with name "
               "'%s' is not found in symbol.list_arguments(). Did you mean one of:\n\t%s\033[0m"
               % (typename, str(names), name, '\n\t'.join(candidates)))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg)


def _check_names_match(data_names, data_shapes, name, throw):
    """The names in ``data_shapes`` must be ``data_names`` (in any order)."""
    actual = [x[0] for x in data_shapes]
    if sorted(data_names) != sorted(actual):
        msg = "Data provided by %s_shapes don't match names specified by %s_names (%s vs. %s)" % (
            name, name, str(data_shapes), str(data_names))
        if throw:
            raise ValueError(msg)
        warnings.warn(msg)


def _parse_data_desc(data_names, label_names, data_shapes, label_shapes):
    """Normalise ``(name, shape)`` pairs to DataDesc lists and check their names."""
    data_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in data_shapes]
    _check_names_match(data_names, data_shapes, 'data', True)
    if label_shapes is not None:
        label_shapes = [x if isinstance(x, DataDesc) else DataDesc(*x) for x in label_shapes]
        _check_names_match(label_names, label_shapes, 'label', False)
    else:
        _check_names_match(label_names, [], 'label', False)
    return data_shapes, label_shapes


class BaseModule(object):
    """The base class of modules: a computation unit with parameters that can be bound to
    input shapes, initialised, trained and evaluated.

    Subclasses implement the abstract methods (``bind``, ``init_params``, ``forward``, ...);
    the loops ``fit``, ``score``, ``predict`` and ``iter_predict`` work for any of them.

    Parameters
    ----------
    logger : Logger, default logging
        Where ``fit`` writes its progress lines.
    """

    def __init__(self, logger=logging):
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False
        self._symbol = None
        self._total_exec_bytes = 0

    # -- high level ------------------------------------------------------------------------
    def forward_backward(self, data_batch):
        """A training forward on ``data_batch`` followed by a backward."""
        self.forward(data_batch, is_train=True)
        self.backward()

    def score(self, eval_data, eval_metric, num_batch=None, batch_end_callback=None,
              score_end_callback=None, reset=True, epoch=0, sparse_row_id_fn=None):
        """Evaluate ``eval_metric`` over ``eval_data``; returns ``get_name_value()`` of it, a
        list of ``(name, value)`` pairs.

        Parameters
        ----------
        eval_data : DataIter
        eval_metric : str or EvalMetric
        num_batch : int, optional
            Stop after this many batches (all by default).
        batch_end_callback, score_end_callback : callable or list of callables, optional
            Called with a ``BatchEndParam`` after each batch / at the end.
        reset : bool, default True
            Reset ``eval_data`` first.
        epoch : int, default 0
            Passed to the callbacks.
        """
        assert self.binded and self.params_initialized
        if reset:
            eval_data.reset()
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)
        eval_metric.reset()
        actual_num_batch = 0
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            if isinstance(eval_batch, list):
                self.update_metric(eval_metric, [eb.label for eb in eval_batch], pre_sliced=True)
            else:
                self.update_metric(eval_metric, eval_batch.label)
            if batch_end_callback is not None:
                params = _batch_end_param(epoch, nbatch, eval_metric, locals())
                for callback in _as_list(batch_end_callback):
                    callback(params)
            actual_num_batch += 1
        if score_end_callback:
            params = _batch_end_param(epoch, actual_num_batch, eval_metric, locals())
            for callback in _as_list(score_end_callback):
                callback(params)
        return eval_metric.get_name_value()

    def iter_predict(self, eval_data, num_batch=None, reset=True, sparse_row_id_fn=None):
        """Yield ``(outputs, nbatch, batch)`` for each batch of ``eval_data``; the outputs
        have the batch's padding removed."""
        assert self.binded and self.params_initialized
        if reset:
            eval_data.reset()
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad
            outputs = [out[0:out.shape[0] - pad] for out in self.get_outputs()]
            yield (outputs, nbatch, eval_batch)

    def predict(self, eval_data, num_batch=None, merge_batches=True, reset=True,
                always_output_list=False, sparse_row_id_fn=None):
        """Run prediction over ``eval_data`` and collect the outputs.

        Parameters
        ----------
        eval_data : DataIter or NDArray or numpy.ndarray
            An array is run as one batch; its first output is returned.
        num_batch : int, optional
            Stop after this many batches.
        merge_batches : bool, default True
            Concatenate the outputs of all batches (padding removed). Otherwise a list with,
            per batch, the list of outputs.
        reset : bool, default True
            Reset ``eval_data`` first.
        always_output_list : bool, default False
            With merged batches and a single output, return ``[out]`` rather than ``out``.
        """
        assert self.binded and self.params_initialized
        if isinstance(eval_data, (ndarray.NDArray, np.ndarray)):
            if isinstance(eval_data, np.ndarray):
                eval_data = ndarray.array(eval_data)
            self.forward(DataBatch([eval_data]))
            return self.get_outputs()[0]
        if not isinstance(eval_data, DataIter):
            raise ValueError('eval_data must be of type NDArray or DataIter')
        if reset:
            eval_data.reset()
        output_list = []
        for nbatch, eval_batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.prepare(eval_batch, sparse_row_id_fn=sparse_row_id_fn)
            self.forward(eval_batch, is_train=False)
            pad = eval_batch.pad
            outputs = [out[0:out.shape[0] - pad].copy() for out in self.get_outputs()]
            output_list.append(outputs)
        if not output_list:
            return output_list
        if merge_batches:
            num_outputs = len(output_list[0])
            for out in output_list:
                assert len(out) == num_outputs, \
                    'Cannot merge batches, as num of outputs is not the same ' \
                    'in mini-batches. Maybe bucketing is used?'
            merged = [ndarray.concatenate([out[i] for out in output_list])
                      for i in range(num_outputs)]
            if num_outputs == 1 and not always_output_list:
                return merged[0]
            return merged
        return output_list

    def fit(self, train_data, eval_data=None, eval_metric='acc', epoch_end_callback=None,
            batch_end_callback=None, kvstore='local', optimizer='sgd',
            optimizer_params=(('learning_rate', 0.01),), eval_end_callback=None,
            eval_batch_end_callback=None, initializer=Uniform(0.01), arg_params=None,
            aux_params=None, allow_missing=False, force_rebind=False, force_init=False,
            begin_epoch=0, num_epoch=None, validation_metric=None, monitor=None,
            sparse_row_id_fn=None):
        """Train the module: bind, init_params, init_optimizer, then for each epoch run every
        batch of ``train_data`` through forward/backward/update, logging the training metric
        (``Epoch[k] Train-NAME=VALUE``), the time, and the validation metric on ``eval_data``.

        Parameters
        ----------
        train_data : DataIter
        eval_data : DataIter, optional
            Scored after every epoch.
        eval_metric : str or EvalMetric, default 'acc'
            The training metric.
        epoch_end_callback : callable(epoch, symbol, arg_params, aux_params) or list, optional
        batch_end_callback : callable(BatchEndParam) or list, optional
        kvstore : str or KVStore, default 'local'
        optimizer : str or Optimizer, default 'sgd'
        optimizer_params : dict or pairs, default (('learning_rate', 0.01),)
        eval_end_callback, eval_batch_end_callback : optional
            Callbacks of the validation ``score``.
        initializer : Initializer, default Uniform(0.01)
        arg_params, aux_params : dict of str -> NDArray, optional
            Initial values (they take precedence over ``initializer``).
        allow_missing : bool, default False
            With ``arg_params``, initialise the missing ones with ``initializer``.
        force_rebind, force_init : bool, default False
        begin_epoch : int, default 0
        num_epoch : int
            Train until this epoch (exclusive); required.
        validation_metric : str or EvalMetric, optional
            Metric of the validation (``eval_metric`` by default).
        monitor : Monitor, optional
        """
        assert num_epoch is not None, 'please specify number of epochs'
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label,
                  for_training=True, force_rebind=force_rebind)
        if monitor is not None:
            self.install_monitor(monitor)
        self.init_params(initializer=initializer, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                            optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not isinstance(eval_metric, metric.EvalMetric):
            eval_metric = metric.create(eval_metric)

        for epoch in range(begin_epoch, num_epoch):
            tic = time.time()
            eval_metric.reset()
            nbatch = 0
            data_iter = iter(train_data)
            end_of_batch = False
            next_data_batch = next(data_iter)
            eval_name_vals = []
            while not end_of_batch:
                data_batch = next_data_batch
                if monitor is not None:
                    monitor.tic()
                self.forward_backward(data_batch)
                self.update()
                if isinstance(data_batch, list):
                    self.update_metric(eval_metric, [db.label for db in data_batch],
                                       pre_sliced=True)
                else:
                    self.update_metric(eval_metric, data_batch.label)
                try:
                    next_data_batch = next(data_iter)
                    self.prepare(next_data_batch, sparse_row_id_fn=sparse_row_id_fn)
                except StopIteration:
                    end_of_batch = True
                if monitor is not None:
                    monitor.toc_print()
                if end_of_batch:
                    eval_name_vals = eval_metric.get_global_name_value()
                if batch_end_callback is not None:
                    params = _batch_end_param(epoch, nbatch, eval_metric, locals())
                    for callback in _as_list(batch_end_callback):
                        callback(params)
                nbatch += 1

            for name, val in eval_name_vals:
                self.logger.info('Epoch[%d] Train-%s=%f', epoch, name, val)
            toc = time.time()
            self.logger.info('Epoch[%d] Time cost=%.3f', epoch, (toc - tic))

            # pull the (possibly device-averaged) parameters and push them back everywhere
            arg_params, aux_params = self.get_params()
            self.set_params(arg_params, aux_params)

            if epoch_end_callback is not None:
                for callback in _as_list(epoch_end_callback):
                    callback(epoch, self.symbol, arg_params, aux_params)

            if eval_data:
                res = self.score(eval_data, validation_metric,
                                 score_end_callback=eval_end_callback,
                                 batch_end_callback=eval_batch_end_callback, epoch=epoch)
                for name, val in res:
                    self.logger.info('Epoch[%d] Validation-%s=%f', epoch, name, val)

            train_data.reset()

    # -- symbol information ----------------------------------------------------------------
    @property
    def data_names(self):
        """Names of the data inputs."""
        raise NotImplementedError()

    @property
    def output_names(self):
        """Names of the outputs."""
        raise NotImplementedError()

    @property
    def data_shapes(self):
        """DataDesc list of the bound data inputs."""
        raise NotImplementedError()

    @property
    def label_shapes(self):
        """DataDesc list of the bound labels (None or [] when there are none)."""
        raise NotImplementedError()

    @property
    def output_shapes(self):
        """``(name, shape)`` pairs of the outputs."""
        raise NotImplementedError()

    @property
    def symbol(self):
        """The symbol of the module (may be None for modules without one)."""
        return self._symbol

    # -- parameters ------------------------------------------------------------------------
    def get_params(self):
        """``(arg_params, aux_params)``: dicts of name -> NDArray (on the CPU)."""
        raise NotImplementedError()

    def init_params(self, initializer=Uniform(0.01), arg_params=None, aux_params=None,
                    allow_missing=False, force_init=False, allow_extra=False):
        """Initialise the parameters and auxiliary states."""
        raise NotImplementedError()

    def set_params(self, arg_params, aux_params, allow_missing=False, force_init=True,
                   allow_extra=False):
        """Assign parameter and auxiliary-state values.

        Parameters
        ----------
        arg_params, aux_params : dict of str -> NDArray
        allow_missing : bool, default False
            Leave out names without raising (they keep their values).
        force_init : bool, default True
            Assign even when the parameters are already initialised.
        allow_extra : bool, default False
            Ignore names the module does not have instead of raising.
        """
        self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init,
                         allow_extra=allow_extra)

    def save_params(self, fname):
        """Write the parameters to ``fname`` (MXNet's ``.params`` format, keys ``arg:NAME``
        and ``aux:NAME``)."""
        arg_params, aux_params = self.get_params()
        save_dict = {('arg:%s' % k): v.as_in_context(cpu()) for k, v in arg_params.items()}
        save_dict.update({('aux:%s' % k): v.as_in_context(cpu())
                          for k, v in aux_params.items()})
        ndarray.save(fname, save_dict)

    def load_params(self, fname):
        """Read parameters written by :meth:`save_params` and assign them."""
        save_dict = ndarray.load(fname)
        if not isinstance(save_dict, dict):
            raise ValueError('Invalid param file ' + fname)
        arg_params = {}
        aux_params = {}
        for k, value in save_dict.items():
            arg_type, _, name = k.partition(':')
            if arg_type == 'arg':
                arg_params[name] = value
            elif arg_type == 'aux':
                aux_params[name] = value
            else:
                raise ValueError('Invalid param file ' + fname)
        self.set_params(arg_params, aux_params)

    def get_states(self, merge_multi_context=True):
        """The states (inputs named in ``state_names``) of the module; none here."""
        assert self.binded and self.params_initialized
        assert not merge_multi_context
        return []

    def set_states(self, states=None, value=None):
        """Set the states from arrays or a scalar; none here."""
        assert self.binded and self.params_initialized
        assert not states and not value

    def install_monitor(self, mon):
        """Install a ``mx.monitor.Monitor`` on the executors."""
        raise NotImplementedError()

    # -- computations ----------------------------------------------------------------------
    def prepare(self, data_batch, sparse_row_id_fn=None):
        """Prepare for the next batch (nothing for dense parameters)."""
        if sparse_row_id_fn is not None:
            warnings.warn(UserWarning('sparse_row_id_fn is not invoked for BaseModule.'))

    def forward(self, data_batch, is_train=None):
        """Compute the outputs for ``data_batch``; ``is_train`` defaults to ``for_training``."""
        raise NotImplementedError()

    def backward(self, out_grads=None):
        """Back-propagate (``out_grads`` for outputs that are not loss layers)."""
        raise NotImplementedError()

    def get_outputs(self, merge_multi_context=True):
        """The outputs of the last forward."""
        raise NotImplementedError()

    def get_input_grads(self, merge_multi_context=True):
        """Gradients of the data inputs (needs ``inputs_need_grad=True`` at bind)."""
        raise NotImplementedError()

    def update(self):
        """Apply the optimizer to the gradients of the last backward."""
        raise NotImplementedError()

    def update_metric(self, eval_metric, labels, pre_sliced=False):
        """Accumulate the last outputs into ``eval_metric``."""
        raise NotImplementedError()

    # -- module setup ----------------------------------------------------------------------
    def bind(self, data_shapes, label_shapes=None, for_training=True, inputs_need_grad=False,
             force_rebind=False, shared_module=None, grad_req='write'):
        """Allocate memory for the given input shapes."""
        raise NotImplementedError()

    def init_optimizer(self, kvstore='local', optimizer='sgd',
                       optimizer_params=(('learning_rate', 0.01),), force_init=False):
        """Create the optimizer (and kvstore)."""
        raise NotImplementedError()
