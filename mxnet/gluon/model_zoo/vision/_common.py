"""Helpers shared by the model-zoo families: error types and the concurrent container."""
import os

from ....base import MXNetError
from ...block import HybridBlock
from ... import nn
from ..model_store import data_dir, _ZooValueError as ZooValueError  # noqa: F401

__all__ = []

# Default location of pretrained parameter files, as MXNet computes it at import.
default_root = os.path.join(data_dir(), 'models')


class ZooAssertionError(MXNetError, AssertionError):
    """Bad argument to a model-zoo function (MXNet asserted here)."""


class ZooKeyError(MXNetError, KeyError):
    """Unknown spec key for a model-zoo family (MXNet raised KeyError here)."""

    def __str__(self):
        return str(self.args[0]) if self.args else ''


def check_spec(spec, key, what, err=ZooKeyError):
    """Return spec[key]; raise a clear error listing the options when key is unknown."""
    try:
        return spec[key]
    except (KeyError, TypeError):
        raise err('Invalid %s: %r. Options are %s' % (what, key, sorted(spec))) from None


def load_pretrained(net, name, root, ctx):
    """Load the pretrained weights of model ``name`` from the local store ``root``."""
    from ..model_store import get_model_file
    net.load_parameters(get_model_file(name, root=root), ctx=ctx)


try:  # the real gluon.contrib.nn containers when that package is present
    from ...contrib.nn import HybridConcurrent, Identity  # noqa: F401
except ImportError:
    class HybridConcurrent(nn.HybridSequential):
        """Feeds the input to every child and concatenates their outputs along ``axis``."""

        def __init__(self, axis=-1, prefix=None, params=None):
            super().__init__(prefix=prefix, params=params)
            self.axis = axis

        forward = HybridBlock.forward

        def hybrid_forward(self, F, x):
            return F.concat(*[block(x) for block in self._children.values()], dim=self.axis)

    class Identity(HybridBlock):
        """Returns its input unchanged (a residual path inside ``HybridConcurrent``)."""

        def __init__(self, prefix=None, params=None):
            super().__init__(prefix=prefix, params=params)

        def hybrid_forward(self, F, x):
            return x
