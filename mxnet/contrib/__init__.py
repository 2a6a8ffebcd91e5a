"""``mx.contrib``: MXNet 1.9.1's experimental APIs.

``mx.contrib.ndarray`` and ``mx.contrib.symbol`` are the contrib operator namespaces
(``mx.nd.contrib`` / ``mx.sym.contrib``), ``mx.contrib.autograd`` MXNet's first autograd API
(train_section / test_section, compute_gradient, grad_and_loss); other subpackages of MXNet's contrib (onnx,
quantization, svrg_optimization, tensorboard, text, amp) are not in remx yet.
"""
from ..ndarray import contrib as ndarray  # noqa: F401
from ..symbol import contrib as symbol  # noqa: F401
from . import autograd  # noqa: F401
nd = ndarray
sym = symbol
