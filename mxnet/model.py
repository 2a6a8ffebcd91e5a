"""``mx.model``: checkpoint files and the legacy ``FeedForward`` trainer, as in MXNet 1.9.1.

A checkpoint is two files: ``prefix-symbol.json`` (the network, ``Symbol.save``) and
``prefix-%04d.params`` (``nd.save`` of a dict whose keys are ``arg:NAME`` for arguments and
``aux:NAME`` for auxiliary states). Files written here load in MXNet 1.9.1 and the other way
round.
"""
import logging

from .base import MXNetError
from .callback import BatchEndParam  # noqa: F401  (MXNet defines it here; same type)
from .context import cpu
from . import ndarray as nd
from . import symbol as sym

__all__ = ['BatchEndParam', 'save_checkpoint', 'load_checkpoint', 'load_params']


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
    fname = '%s-%04d.params' % (prefix, epoch)
    save_dict = nd.load(fname)
    if not isinstance(save_dict, dict):
        raise MXNetError('%s holds a list of arrays, not a checkpoint (arg:/aux: names)' % fname)
    arg_params, aux_params = {}, {}
    for k, v in save_dict.items():
        tp, _, name = k.partition(':')
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
