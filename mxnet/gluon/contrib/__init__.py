"""``gluon.contrib``: contributed Gluon layers (``nn``, ``rnn``, ``cnn``), samplers (``data``)
and the ``estimator`` training loop."""
from . import nn  # noqa: F401
from . import rnn  # noqa: F401
from . import cnn  # noqa: F401
from . import data  # noqa: F401
from . import estimator  # noqa: F401
