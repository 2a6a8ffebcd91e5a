"""``mx.np``: MXNet 1.9.1's NumPy front end. Not implemented in remx yet.

The module exists so that code importing it (``import mxnet.numpy as np`` at the top of a file)
loads; using any of its names raises MXNetError saying the front end is missing. It is also an
AttributeError, so ``hasattr(mx.np, name)`` answers False instead of failing.
"""
from ..base import MXNetError


class _MissingFrontEnd(MXNetError, AttributeError):
    """A name of a front end remx does not implement yet."""


def __getattr__(name):
    if name.startswith('__'):
        raise AttributeError(name)
    raise _MissingFrontEnd('mx.np.%s: the mx.np (NumPy) front end is not implemented in remx '
                           'yet; use mx.nd' % name)
