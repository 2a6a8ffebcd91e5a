"""``gluon.rnn``: recurrent layers (fused RNN, LSTM, GRU) and recurrent cells."""
from .rnn_cell import *  # noqa: F401,F403
from .rnn_layer import *  # noqa: F401,F403
