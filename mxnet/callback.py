"""``mx.callback``: callbacks for the training loops of ``mx.mod.Module.fit`` and
``mx.model.FeedForward.fit``, as in MXNet 1.9.1.

Batch-end callbacks receive a ``BatchEndParam`` (``epoch``, ``nbatch``, ``eval_metric``,
``locals``); epoch-end callbacks receive ``(epoch, symbol, arg_params, aux_params)``. Progress
is written with ``logging.info`` on the root logger, in MXNet's formats, e.g.::

    Epoch[0] Batch [0-50]	Speed: 1910.41 samples/sec	accuracy=0.200000
"""
import logging
import math
import time
from collections import namedtuple

from .base import MXNetError

__all__ = ['BatchEndParam', 'module_checkpoint', 'do_checkpoint', 'log_train_metric',
           'Speedometer', 'ProgressBar', 'LogValidationMetricsCallback', 'save_checkpoint']

# What a batch-end callback receives (MXNet defines it in mx.model; it is the same type there).
BatchEndParam = namedtuple('BatchEndParams', ['epoch', 'nbatch', 'eval_metric', 'locals'])


def save_checkpoint(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=True):
    """``mx.model.save_checkpoint`` (MXNet re-exports it here). mx.model imports this module,
    so the function is looked up when called."""
    from .model import save_checkpoint as save  # mx.model imports this module
    return save(prefix, epoch, symbol, arg_params, aux_params, remove_amp_cast=remove_amp_cast)


def _period(period):
    try:
        return int(max(1, period))
    except (TypeError, ValueError):
        raise MXNetError('checkpoint period must be a number, got %r' % (period,)) from None


def module_checkpoint(mod, prefix, period=1, save_optimizer_states=False):
    """An epoch-end callback that calls ``mod.save_checkpoint(prefix, epoch + 1,
    save_optimizer_states)`` every ``period`` epochs.

    Parameters
    ----------
    mod : BaseModule
        The module to save.
    prefix : str
        Prefix of the checkpoint files.
    period : int, default 1
        Save every ``period`` epochs (values below 1 mean 1).
    save_optimizer_states : bool, default False
        Also save the optimizer states (for resuming training).

    Returns
    -------
    callable(iter_no, sym=None, arg=None, aux=None), for ``epoch_end_callback``.
    """
    period = _period(period)

    def _callback(iter_no, sym=None, arg=None, aux=None):  # pylint: disable=unused-argument
        if (iter_no + 1) % period == 0:
            mod.save_checkpoint(prefix, iter_no + 1, save_optimizer_states)
    return _callback


def do_checkpoint(prefix, period=1):
    """An epoch-end callback that saves the model every ``period`` epochs, through
    ``mx.model.save_checkpoint``: ``prefix-symbol.json`` and ``prefix-<epoch+1 as %04d>.params``.

    Parameters
    ----------
    prefix : str
        Prefix of the checkpoint files.
    period : int, default 1
        Save every ``period`` epochs (values below 1 mean 1).

    Returns
    -------
    callable(iter_no, sym, arg, aux), for ``epoch_end_callback``.

    Example
    -------
    >>> module.fit(train_iter, num_epoch=2,
    ...            epoch_end_callback=mx.callback.do_checkpoint('mymodel', 1))
    """
    period = _period(period)

    def _callback(iter_no, sym, arg, aux):
        if (iter_no + 1) % period == 0:
            save_checkpoint(prefix, iter_no + 1, sym, arg, aux)
    return _callback


def log_train_metric(period, auto_reset=False):
    """A batch-end callback logging the training metric every ``period`` batches, one line per
    metric: ``Iter[<epoch>] Batch[<nbatch>] Train-<name>=<value>``.

    Parameters
    ----------
    period : int
        Log when ``nbatch`` is a multiple of ``period``.
    auto_reset : bool, default False
        Reset the metric's local statistics after logging.
    """
    def _callback(param):
        if param.nbatch % period == 0 and param.eval_metric is not None:
            for name, value in param.eval_metric.get_name_value():
                logging.info('Iter[%d] Batch[%d] Train-%s=%f', param.epoch, param.nbatch,
                             name, value)
            if auto_reset:
                param.eval_metric.reset_local()
    return _callback


class Speedometer(object):
    """A batch-end callback logging the training speed (samples per second) and the metric
    every ``frequent`` batches.

    The first call of an epoch (and any call whose ``nbatch`` is smaller than the previous
    one, i.e. a new epoch) starts the clock. Every ``frequent`` batches after that it logs::

        Epoch[<e>] Batch [<n-frequent>-<n>]	Speed: <s> samples/sec	<name>=<value>...

    (``Batch [0-<n>]`` when ``auto_reset`` is False: the values then cover the whole epoch),
    or ``Iter[<e>] Batch [<n>]	Speed: <s> samples/sec`` when there is no metric.

    Parameters
    ----------
    batch_size : int
        Samples per batch.
    frequent : int, default 50
        Log every ``frequent`` batches.
    auto_reset : bool, default True
        Reset the metric's local statistics after each log line.

    Example
    -------
    >>> module.fit(train_iter, num_epoch=2,
    ...            batch_end_callback=mx.callback.Speedometer(batch_size=64, frequent=10))
    """

    def __init__(self, batch_size, frequent=50, auto_reset=True):
        self.batch_size = batch_size
        self.frequent = frequent
        self.init = False
        self.tic = 0
        self.last_count = 0
        self.auto_reset = auto_reset

    def __call__(self, param):
        count = param.nbatch
        if self.last_count > count:
            self.init = False
        self.last_count = count

        if not self.init:
            self.init = True
            self.tic = time.time()
            return
        if count % self.frequent != 0:
            return
        try:
            speed = self.frequent * self.batch_size / (time.time() - self.tic)
        except ZeroDivisionError:
            speed = float('inf')
        metric = param.eval_metric
        if metric is not None:
            name_value = metric.get_name_value()
            values = sum(name_value, ())
            if self.auto_reset:
                metric.reset_local()
                msg = 'Epoch[%d] Batch [%d-%d]\tSpeed: %.2f samples/sec' + '\t%s=%f' * len(
                    name_value)
                logging.info(msg, param.epoch, count - self.frequent, count, speed, *values)
            else:
                msg = 'Epoch[%d] Batch [0-%d]\tSpeed: %.2f samples/sec' + '\t%s=%f' * len(
                    name_value)
                logging.info(msg, param.epoch, count, speed, *values)
        else:
            logging.info('Iter[%d] Batch [%d]\tSpeed: %.2f samples/sec', param.epoch, count,
                         speed)
        self.tic = time.time()


class ProgressBar(object):
    """A batch-end callback logging a progress bar of the epoch: ``[=====-----] 50%``.

    Parameters
    ----------
    total : int
        Batches per epoch.
    length : int, default 80
        Width of the bar in characters.
    """

    def __init__(self, total, length=80):
        self.bar_len = length
        self.total = total

    def __call__(self, param):
        count = param.nbatch
        filled_len = int(round(self.bar_len * count / float(self.total)))
        percents = math.ceil(100.0 * count / float(self.total))
        prog_bar = '=' * filled_len + '-' * (self.bar_len - filled_len)
        logging.info('[%s] %s%s\r', prog_bar, percents, '%')


class LogValidationMetricsCallback(object):
    """An eval-end callback logging each validation metric:
    ``Epoch[<epoch>] Validation-<name>=<value>``."""

    def __call__(self, param):
        if not param.eval_metric:
            return
        for name, value in param.eval_metric.get_name_value():
            logging.info('Epoch[%d] Validation-%s=%f', param.epoch, name, value)
