"""``mx.rnn``: MXNet 1.x's legacy symbolic RNN API (cells that build ``mx.sym`` graphs, a
bucketing sentence iterator, and checkpoint helpers that unpack fused weights)."""
# pylint: disable=wildcard-import
from . import rnn_cell
from .rnn_cell import *  # noqa: F401,F403

from . import rnn
from .rnn import *  # noqa: F401,F403

from . import io
from .io import *  # noqa: F401,F403
