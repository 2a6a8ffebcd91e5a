"""Helpers shared by the model-zoo families: error types and the concurrent container."""
import os

from ....base import MXNetError
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


from ...contrib.nn import HybridConcurrent, Identity  # noqa: F401,E402
