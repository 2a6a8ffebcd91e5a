"""``mx.monitor``: statistics of the arrays an executor computes, for debugging."""
import logging
import re
from math import sqrt

from .ndarray.ndarray import NDArray
from . import ndarray

__all__ = ['Monitor']


def _default_stat(x):
    """``norm(x) / sqrt(size(x))``: the root mean square of ``x``, as an NDArray of shape (1,)."""
    return ndarray.norm(x) / sqrt(x.size)


class Monitor(object):
    """Collect statistics of the inputs, outputs, weights and gradients of executors.

    Install it on executors (``install``), call ``tic()`` before a batch's forward and
    ``toc()`` (or ``toc_print()``) after it; every ``interval``-th batch the values the
    executors showed to their monitor callback, followed by their argument and auxiliary
    arrays, are summarised with ``stat_func``.

    Parameters
    ----------
    interval : int
        Collect statistics on every ``interval``-th batch (counting the calls to ``tic``).
    stat_func : function, optional
        Takes an NDArray and returns an NDArray (or a list of NDArrays) with the statistic.
        Defaults to ``norm(x) / sqrt(x.size)``.
    pattern : str, default '.*'
        Regular expression; only arrays whose names match it (``re.match``) are recorded,
        e.g. ``'.*weight|.*output'``.
    sort : bool, default False
        Sort the collected statistics by array name in ``toc``.
    monitor_all : bool, default False
        Show the inputs of every operator too, not only its outputs.
    """

    def __init__(self, interval, stat_func=None, pattern='.*', sort=False, monitor_all=False):
        self.stat_func = _default_stat if stat_func is None else stat_func
        self.interval = interval
        self.activated = False
        self.queue = []
        self.step = 0
        self.exes = []
        self.re_prog = re.compile(pattern)
        self.sort = sort
        self.monitor_all = monitor_all

        def stat_helper(name, array):
            """Executor callback: record ``stat_func(array)`` while a batch is monitored."""
            if not self.activated:
                return
            if isinstance(name, bytes):
                name = name.decode('utf-8')
            if self.re_prog.match(name):
                self.queue.append((self.step, name, self.stat_func(array)))
        self.stat_helper = stat_helper

    def install(self, exe):
        """Install the monitor's callback on an executor (several executors may share one
        monitor).

        Parameters
        ----------
        exe : Executor
            An executor returned by ``Symbol.bind`` / ``simple_bind``.
        """
        exe.set_monitor_callback(self.stat_helper, self.monitor_all)
        self.exes.append(exe)

    def tic(self):
        """Start a batch: call before its forward. Every ``interval``-th call clears the queue
        and starts recording."""
        if self.step % self.interval == 0:
            self.queue = []
            self.activated = True
        self.step += 1

    def toc(self):
        """Finish the batch: call after its computation.

        Returns
        -------
        list of (int, str, str)
            ``(step, name, statistic)`` for every recorded array, then every argument and
            auxiliary array of the installed executors whose name matches ``pattern``; the
            statistic is the value(s) as text, each followed by a tab. Empty when this batch
            was not monitored.
        """
        if not self.activated:
            return []
        for exe in self.exes:
            sym = exe._symbol  # pylint: disable=protected-access
            for names, arrays in ((sym.list_arguments(), exe.arg_arrays),
                                  (sym.list_auxiliary_states(), exe.aux_arrays)):
                for name, array in zip(names, arrays):
                    if self.re_prog.match(name):
                        self.queue.append((self.step, name, self.stat_func(array)))
        self.activated = False
        if self.sort:
            self.queue.sort(key=lambda item: item[1])
        res = []
        for step, name, stats in self.queue:
            if isinstance(stats, NDArray):
                stats = [stats]
            if not isinstance(stats, list):
                raise AssertionError('Monitor: stat_func must return an NDArray or a list of '
                                     'NDArrays, got %s' % type(stats).__name__)
            text = ''
            for v in stats:
                if not isinstance(v, NDArray):
                    raise AssertionError('Monitor: stat_func must return NDArrays, got %s'
                                         % type(v).__name__)
                text += (str(v.asscalar()) if v.shape == (1,) else str(v.asnumpy())) + '\t'
            res.append((step, name, text))
        self.queue = []
        return res

    def toc_print(self):
        """Finish the batch (as :meth:`toc`) and log each statistic at INFO level as
        ``Batch: <step> <name> <statistic>``."""
        for step, name, text in self.toc():
            logging.info('Batch: {:7d} {:30s} {:s}'.format(step, name, text))
