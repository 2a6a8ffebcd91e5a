"""MXNet 1.9.1's ``mx.libinfo``: where the native library would be.

remx has no libmxnet: it is Python on PyTorch. ``find_lib_path`` therefore reports torch's
shared libraries (what does the native work here), and ``find_include_path`` torch's headers.
"""
import logging  # noqa: F401
import os
import platform  # noqa: F401

__all__ = ['find_lib_path', 'find_include_path', 'find_conf_path']

__version__ = '1.9.1'


def _torch_dir():
    import importlib.util
    spec = importlib.util.find_spec('torch')
    return os.path.dirname(spec.origin) if spec and spec.origin else None


def find_lib_path(prefix='libmxnet'):
    """Paths of the native libraries remx runs on (torch's ``lib/`` shared objects)."""
    base = _torch_dir()
    lib = os.path.join(base, 'lib') if base else None
    if not lib or not os.path.isdir(lib):
        raise RuntimeError('Cannot find the native libraries: torch is not installed')
    names = sorted(f for f in os.listdir(lib) if f.startswith('libtorch') and
                   (f.endswith('.so') or f.endswith('.dylib') or f.endswith('.dll')))
    return [os.path.join(lib, f) for f in names]


def find_include_path():
    """The C++ include directory (torch's, since remx has no headers of its own)."""
    base = _torch_dir()
    inc = os.path.join(base, 'include') if base else None
    if not inc or not os.path.isdir(inc):
        raise RuntimeError('Cannot find the include path: torch has no include/ directory here')
    return inc


def find_conf_path(prefix='tvmop'):
    """MXNet's TVM-op config file; remx has no TVM ops."""
    raise RuntimeError('Cannot find the %s config file: remx has no TVM operators' % prefix)
