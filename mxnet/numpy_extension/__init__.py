"""``mx.npx``: MXNet 1.9.1's NumPy extension operators. Not implemented in remx yet.

As :mod:`mxnet.numpy`: the module imports, its names raise MXNetError (also an AttributeError).
``set_np``/``reset_np``/``is_np_array``/``is_np_shape`` are mx.util's, so their answers are true.
"""
from ..util import set_np, reset_np, is_np_array, is_np_shape, use_np  # noqa: F401
from ..numpy import _MissingFrontEnd


def __getattr__(name):
    if name.startswith('__'):
        raise AttributeError(name)
    raise _MissingFrontEnd('mx.npx.%s: the mx.npx (NumPy extension) front end is not '
                           'implemented in remx yet; use mx.nd' % name)
