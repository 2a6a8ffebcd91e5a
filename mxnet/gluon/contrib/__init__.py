"""``gluon.contrib``: contributed Gluon layers (``gluon.contrib.nn``)."""
from . import nn  # noqa: F401
