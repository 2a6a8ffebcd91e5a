"""Public operator functions of ``mx.nd``, generated from the registry at import."""
import sys as _sys

from .. import _ops as _operator  # noqa: F401  (registers every op)
from . import _internal, linalg, contrib, image, sparse
from .register import populate as _populate

_populate(_sys.modules[__name__], _internal,
          {'linalg': linalg, 'contrib': contrib, 'image': image, 'sparse': sparse})
