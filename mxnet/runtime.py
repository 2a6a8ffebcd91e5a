"""MXNet 1.9.1's ``mx.runtime``: which features this build has, told truthfully for remx.

MXNet compiled features in or out; remx has them when PyTorch (and the optional packages) on
this machine do: CUDA when torch sees a GPU, OPENCV when an image codec (OpenCV or Pillow) is
importable, MKLDNN when torch has oneDNN, and so on. Features remx does not implement at all
(TensorRT, Caffe, TVM ops) are off.
"""
import collections
import ctypes  # noqa: F401  (MXNet's module exposes it)

from .base import _LIB, check_call  # noqa: F401

__all__ = ['Feature', 'Features', 'feature_list']

# MXNet 1.9.1's feature names, in its order
_NAMES = ['CUDA', 'CUDNN', 'NCCL', 'CUDA_RTC', 'TENSORRT', 'CPU_SSE', 'CPU_SSE2', 'CPU_SSE3',
          'CPU_SSE4_1', 'CPU_SSE4_2', 'CPU_SSE4A', 'CPU_AVX', 'CPU_AVX2', 'OPENMP', 'SSE', 'F16C',
          'JEMALLOC', 'BLAS_OPEN', 'BLAS_ATLAS', 'BLAS_MKL', 'BLAS_APPLE', 'LAPACK', 'MKLDNN',
          'OPENCV', 'CAFFE', 'PROFILER', 'DIST_KVSTORE', 'CXX14', 'INT64_TENSOR_SIZE',
          'SIGNAL_HANDLER', 'DEBUG', 'TVM_OP']


class Feature:
    """One compile-time feature: its name and whether this build has it."""

    def __init__(self, name, enabled):
        self.name = name
        self.enabled = bool(enabled)

    def __repr__(self):
        return ('✔ ' if self.enabled else '✖ ') + self.name


def _cpu_flags():
    try:
        with open('/proc/cpuinfo') as f:
            for line in f:
                if line.startswith('flags'):
                    return set(line.split(':', 1)[1].split())
    except OSError:
        pass
    return set()


def _has_image_codec():
    import importlib.util
    return any(importlib.util.find_spec(m) is not None for m in ('cv2', 'PIL'))


def _probe():
    import torch
    cuda = torch.cuda.is_available()
    flags = _cpu_flags()
    dist = False
    try:
        import torch.distributed as dist_mod
        nccl = bool(cuda and dist_mod.is_available() and dist_mod.is_nccl_available())
    except (ImportError, AttributeError):
        nccl = False
    config = ''
    try:
        config = torch.__config__.show()
    except Exception:  # pylint: disable=broad-except
        pass
    mkl = torch.backends.mkl.is_available()
    blas_open = 'openblas' in config.lower()
    return {
        'CUDA': cuda,
        'CUDNN': cuda and torch.backends.cudnn.is_available(),
        'NCCL': nccl,
        'CUDA_RTC': False,
        'TENSORRT': False,
        'CPU_SSE': 'sse' in flags,
        'CPU_SSE2': 'sse2' in flags,
        'CPU_SSE3': 'pni' in flags or 'sse3' in flags,
        'CPU_SSE4_1': 'sse4_1' in flags,
        'CPU_SSE4_2': 'sse4_2' in flags,
        'CPU_SSE4A': 'sse4a' in flags,
        'CPU_AVX': 'avx' in flags,
        'CPU_AVX2': 'avx2' in flags,
        'OPENMP': torch.backends.openmp.is_available(),
        'SSE': 'sse' in flags,
        'F16C': 'f16c' in flags,
        'JEMALLOC': False,
        'BLAS_OPEN': blas_open,
        'BLAS_ATLAS': False,
        'BLAS_MKL': mkl,
        'BLAS_APPLE': False,
        'LAPACK': True,             # torch.linalg ships LAPACK routines on every build
        'MKLDNN': torch.backends.mkldnn.is_available(),
        'OPENCV': _has_image_codec(),
        'CAFFE': False,
        'PROFILER': False,          # as MXNet 1.9.1's wheels report (mx.profiler works)
        'DIST_KVSTORE': dist,       # dist_* kvstores are not implemented yet
        'CXX14': False,
        'INT64_TENSOR_SIZE': True,  # torch indexes tensors with 64-bit sizes
        'SIGNAL_HANDLER': False,
        'DEBUG': False,
        'TVM_OP': False,
    }


def feature_list():
    """The list of :class:`Feature` of this build, in MXNet's order."""
    have = _probe()
    return [Feature(n, have[n]) for n in _NAMES]


class Features(collections.OrderedDict):
    """name -> Feature of this build (a singleton, as in MXNet)."""
    instance = None

    def __new__(cls):
        if cls.instance is None:
            cls.instance = super().__new__(cls)
            super(Features, cls.instance).__init__([(f.name, f) for f in feature_list()])
        return cls.instance

    def __init__(self):  # pylint: disable=super-init-not-called
        pass

    def __repr__(self):
        return str(list(self.values()))

    def is_enabled(self, feature_name):
        """Whether ``feature_name`` is on; RuntimeError for a name MXNet does not know."""
        feature_name = feature_name.upper()
        if feature_name not in self:
            raise RuntimeError('Feature \'{}\' is unknown, known features are: {}'.format(
                feature_name, list(self.keys())))
        return self[feature_name].enabled
