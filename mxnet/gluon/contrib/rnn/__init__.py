"""``gluon.contrib.rnn``: convolutional recurrent cells (Conv1D/2D/3D RNN, LSTM, GRU),
LSTMPCell, VariationalDropoutCell and ``dynamic_unroll``."""
from . import rnn_cell  # noqa: F401
from .conv_rnn_cell import *  # noqa: F401,F403
from .rnn_cell import *  # noqa: F401,F403
from .conv_rnn_cell import __all__ as _conv_all
from .rnn_cell import __all__ as _cell_all

__all__ = _conv_all + _cell_all
