"""Checkpoint helpers for networks built from legacy RNN cells."""
import warnings

from ..model import save_checkpoint, load_checkpoint
from .rnn_cell import BaseRNNCell


def rnn_unroll(cell, length, inputs=None, begin_state=None, input_prefix='', layout='NTC'):
    """Deprecated: call ``cell.unroll`` instead."""
    warnings.warn('rnn_unroll is deprecated. Please call cell.unroll directly.')
    # (MXNet 1.9.1 also forwards input_prefix, which unroll no longer takes)
    return cell.unroll(length=length, inputs=inputs, begin_state=begin_state, layout=layout)


def _as_cells(cells):
    return [cells] if isinstance(cells, BaseRNNCell) else cells


def save_rnn_checkpoint(cells, prefix, epoch, symbol, arg_params, aux_params):
    """Save ``prefix-symbol.json`` and ``prefix-%04d.params`` like ``mx.model.save_checkpoint``,
    with the cells' weights unpacked (``cell.unpack_weights``) first.

    Parameters
    ----------
    cells : BaseRNNCell or list of BaseRNNCell
        The cells of the network.
    prefix : str
        File name prefix.
    epoch : int
        Epoch number.
    symbol : Symbol
        The network.
    arg_params, aux_params : dict of str -> NDArray
        The parameters and auxiliary states.
    """
    for cell in _as_cells(cells):
        arg_params = cell.unpack_weights(arg_params)
    save_checkpoint(prefix, epoch, symbol, arg_params, aux_params)


def load_rnn_checkpoint(cells, prefix, epoch):
    """Load a checkpoint (``mx.model.load_checkpoint``) and pack the cells' weights
    (``cell.pack_weights``). Returns ``(symbol, arg_params, aux_params)``."""
    sym, arg, aux = load_checkpoint(prefix, epoch)
    for cell in _as_cells(cells):
        arg = cell.pack_weights(arg)
    return sym, arg, aux


def do_rnn_checkpoint(cells, prefix, period=1):
    """An epoch-end callback saving :func:`save_rnn_checkpoint` every ``period`` epochs.

    Parameters
    ----------
    cells : BaseRNNCell or list of BaseRNNCell
        The cells of the network.
    prefix : str
        File name prefix.
    period : int, default 1
        Epochs between checkpoints.
    """
    period = int(max(1, period))

    def _callback(iter_no, sym=None, arg=None, aux=None):
        if (iter_no + 1) % period == 0:
            save_rnn_checkpoint(cells, prefix, iter_no + 1, sym, arg, aux)
    return _callback
