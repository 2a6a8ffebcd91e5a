"""MXNet 1.9.1's ``mx.log``: loggers printing MXNet's glog-style lines.

``get_logger('x').warning('hi')`` prints ``W1202 10:00:00 1234 file.py:func:12] hi`` (coloured
label, date, process, location), as MXNet's logger did.
"""
import logging
import warnings

__all__ = ['get_logger', 'getLogger', 'CRITICAL', 'ERROR', 'WARNING', 'INFO', 'DEBUG', 'NOTSET']

CRITICAL = logging.CRITICAL
ERROR = logging.ERROR
WARNING = logging.WARNING
INFO = logging.INFO
DEBUG = logging.DEBUG
NOTSET = logging.NOTSET

_LABELS = {CRITICAL: 'C', ERROR: 'E', WARNING: 'W', INFO: 'I', DEBUG: 'D'}


class _Formatter(logging.Formatter):
    """glog-style records: colour, one-letter level, date, pid, path:function:line."""

    def __init__(self):
        super().__init__(datefmt='%m%d %H:%M:%S')

    @staticmethod
    def _get_color(level):
        if level >= logging.WARNING:
            return '\x1b[31m'
        if level >= logging.INFO:
            return '\x1b[32m'
        return '\x1b[34m'

    @staticmethod
    def _get_label(level):
        return _LABELS.get(level, 'U')

    def format(self, record):
        self._style._fmt = (self._get_color(record.levelno) + self._get_label(record.levelno) +
                            '%(asctime)s %(process)d %(pathname)s:%(funcName)s:%(lineno)d]'
                            '\x1b[0m %(message)s')
        return super().format(record)


def getLogger(name=None, filename=None, filemode=None, level=WARNING):  # pylint: disable=invalid-name
    """Deprecated spelling of :func:`get_logger`."""
    warnings.warn('getLogger is deprecated, Use get_logger instead.', DeprecationWarning,
                  stacklevel=2)
    return get_logger(name, filename, filemode, level)


def get_logger(name=None, filename=None, filemode=None, level=WARNING):
    """A logger named ``name`` with MXNet's line format (to ``filename`` if given)."""
    logger = logging.getLogger(name)
    if name is not None and not getattr(logger, '_init_done', None):
        logger._init_done = True
        if filename:
            handler = logging.FileHandler(filename, filemode or 'a')
        else:
            handler = logging.StreamHandler()
            handler.setFormatter(_Formatter())
        logger.addHandler(handler)
        logger.setLevel(level)
    return logger
