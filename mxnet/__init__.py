"""remx: Apache MXNet 1.x's Python API on PyTorch.

``import mxnet as mx`` gives MXNet 1.9.1's names, defaults and behaviour; PyTorch supplies the
kernels, devices and autograd engine underneath.
"""
__version__ = '1.9.1'  # the MXNet API level implemented (client libraries check it)


def _omp_wait_policy():
    """Before torch loads its OpenMP runtime: unless the user chose otherwise, idle OpenMP
    threads sleep instead of spinning. Spinning threads make torch's small parallel ops 10-50x
    slower whenever the machine has more runnable processes than cores (MXNet's own engine
    does not spin). No effect when torch was imported first."""
    import os as _os
    _os.environ.setdefault('OMP_WAIT_POLICY', 'PASSIVE')


_omp_wait_policy()


def _warn_other_mxnet():
    """Warn once when another distribution (Apache's mxnet, mxnet-cu*, mxnet-mkl...) is
    installed beside remx: both provide the ``mxnet`` package, and whichever comes first on
    sys.path is the one imported (pip may also overwrite one's files with the other's)."""
    import os as _os
    import sys as _sys
    import warnings as _warnings
    here = _os.path.dirname(_os.path.dirname(_os.path.abspath(__file__)))
    for entry in _sys.path:
        try:
            names = _os.listdir(entry or '.')
        except OSError:
            continue
        for n in names:
            low = n.lower()
            if low.startswith('mxnet') and low.endswith(('.dist-info', '.egg-info')) and \
                    (low[5:6] in ('-', '_') or low[5:6] == '.'):
                _warnings.warn(
                    'remx: another MXNet distribution (%s in %s) is installed in this '
                    'environment; it provides the same "mxnet" package as remx, and the one '
                    'imported now is %s. Uninstall one of them (pip uninstall mxnet) or use '
                    'separate virtual environments.' % (n, entry or '.', here),
                    RuntimeWarning, stacklevel=3)
                return


_warn_other_mxnet()

from .base import MXNetError  # noqa: F401
from . import base  # noqa: F401
from . import libinfo  # noqa: F401
from . import log  # noqa: F401
from . import registry  # noqa: F401
from . import util  # noqa: F401
from .util import (is_np_array, np_array, use_np_array, is_np_shape, np_shape,  # noqa: F401
                   set_np_shape, use_np_shape, use_np)
from . import runtime  # noqa: F401
from . import engine  # noqa: F401
from . import profiler  # noqa: F401
from .context import Context, cpu, gpu, cpu_pinned, current_context, num_gpus  # noqa: F401
from . import context  # noqa: F401
from . import ndarray  # noqa: F401
from . import ndarray as nd  # noqa: F401
from . import _cached_op
ndarray.CachedOp = _cached_op.CachedOp  # mx.nd.CachedOp (_cached_op sits above mx.nd)
from . import autograd  # noqa: F401
from . import random  # noqa: F401
from . import random as rnd  # noqa: F401
from . import test_utils  # noqa: F401
from . import operator  # noqa: F401
from . import name  # noqa: F401
from . import initializer  # noqa: F401
from . import initializer as init  # noqa: F401
from . import recordio  # noqa: F401
from . import lr_scheduler  # noqa: F401
from . import optimizer  # noqa: F401
from . import gluon  # noqa: F401
from . import metric  # noqa: F401
from . import callback  # noqa: F401
from . import io  # noqa: F401
from . import attribute  # noqa: F401
from .attribute import AttrScope  # noqa: F401
from . import symbol  # noqa: F401
from . import symbol as sym  # noqa: F401
from . import executor  # noqa: F401
from . import kvstore  # noqa: F401
from . import kvstore as kv  # noqa: F401
from . import model  # noqa: F401
from . import rnn  # noqa: F401
from . import module  # noqa: F401
from . import module as mod  # noqa: F401
from . import visualization  # noqa: F401
from . import visualization as viz  # noqa: F401
from . import monitor  # noqa: F401
from . import monitor as mon  # noqa: F401
from . import image  # noqa: F401
from . import image as img  # noqa: F401
from . import contrib  # noqa: F401
from . import numpy  # noqa: F401
from . import numpy as np  # noqa: F401
from . import numpy_extension  # noqa: F401
from . import numpy_extension as npx  # noqa: F401


def _dmlc_role():
    """As MXNet's ``import mxnet`` does in a distributed job: a process started with
    ``DMLC_ROLE=server`` (MXNet's launcher runs the user's command for every role) serves
    the KVStore and exits when the job ends. A scheduler has nothing to do here: worker 0
    hosts torch.distributed's rendezvous."""
    import os as _os
    import sys as _sys
    role = _os.environ.get('DMLC_ROLE')
    if role == 'server':
        from .kvstore_dist import run_server
        run_server()
        _sys.exit(0)
    if role == 'scheduler':
        _sys.exit(0)


_dmlc_role()
