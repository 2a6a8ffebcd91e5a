"""Gluon utilities: data splitting across contexts, gradient clipping, file checks, download."""
import hashlib
import os
import tempfile
import warnings

import numpy as np
import torch

from ..base import MXNetError
from .. import ndarray as nd
from ..ndarray import NDArray

__all__ = ['split_data', 'split_and_load', 'clip_global_norm', 'check_sha1', 'download',
           'replace_file']


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """Split data into num_slice pieces along batch_axis (views when batch_axis is 0)."""
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise MXNetError("data with shape %s cannot be evenly split into %d slices along axis "
                         "%d. Use a batch size that's multiple of %d or set even_split=False to "
                         "allow uneven partitioning of data." % (str(data.shape), num_slice,
                                                                 batch_axis, num_slice))
    if size < num_slice:
        raise MXNetError('Too many slices for data with shape %s. Arguments are num_slice=%d '
                         'and batch_axis=%d.' % (str(data.shape), num_slice, batch_axis))
    step, extras = divmod(size, num_slice)
    bounds = [0]
    for i in range(num_slice):
        bounds.append(bounds[-1] + step + (1 if i < extras else 0))
    if batch_axis == 0:
        return [data[bounds[i]:bounds[i + 1]] for i in range(num_slice)]
    return [nd.slice_axis(data, axis=batch_axis, begin=bounds[i], end=bounds[i + 1])
            for i in range(num_slice)]


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """Split data along batch_axis and load each piece onto one context of ctx_list."""
    if not isinstance(data, NDArray):
        data = nd.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(ctx) for s, ctx in zip(slices, ctx_list)]


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Rescale arrays in place so that the 2-norm of all of them together is <= max_norm.

    Returns the total norm before clipping (a float, or an NDArray when check_isfinite=False).
    """
    if not arrays:
        raise MXNetError('clip_global_norm: arrays is empty')
    dev = arrays[0]._data.device
    with torch.no_grad():
        sq = [a._data.detach().float().reshape(-1) for a in arrays]
        total = torch.sqrt(sum((torch.dot(x, x).to(dev) for x in sq), torch.zeros((), device=dev)))
        if check_isfinite and not bool(torch.isfinite(total)):
            warnings.warn(UserWarning('nan or inf is detected. Clipping results will be '
                                      'undefined.'), stacklevel=2)
        scale = torch.clamp(max_norm / (total + 1e-8), max=1.0)
        for a in arrays:
            a._data.mul_(scale.to(a._data.device, a._data.dtype))
    if check_isfinite:
        return float(total)
    return nd.NDArray(total.reshape(1))


def check_sha1(filename, sha1_hash):
    """True when the file's SHA-1 equals sha1_hash."""
    sha1 = hashlib.sha1()
    with open(filename, 'rb') as f:
        while True:
            data = f.read(1048576)
            if not data:
                break
            sha1.update(data)
    return sha1.hexdigest() == sha1_hash


def replace_file(src, dst):
    """Atomically move src to dst."""
    os.replace(src, dst)


def download(url, path=None, overwrite=False, sha1_hash=None, retries=5, verify_ssl=True):
    """Download url to path (a file or a directory); returns the file name.

    An existing file with a matching sha1 (or any existing file without sha1_hash, unless
    overwrite) is reused. Network failures raise MXNetError naming the URL and the target path,
    so the file can be put there by hand.
    """
    import urllib.request
    if path is None:
        fname = url.split('/')[-1]
        if not fname:
            raise MXNetError("Can't construct file-name from this URL. Please set the `path` "
                             "option manually.")
    else:
        path = os.path.expanduser(path)
        fname = os.path.join(path, url.split('/')[-1]) if os.path.isdir(path) else path
    if retries < 0:
        raise MXNetError("Number of retries should be at least 0, currently it's %d" % retries)
    if not overwrite and os.path.exists(fname) and (not sha1_hash or check_sha1(fname,
                                                                                 sha1_hash)):
        return fname
    dirname = os.path.dirname(os.path.abspath(fname))
    os.makedirs(dirname, exist_ok=True)
    last = None
    for _ in range(retries + 1):
        tmp = None
        try:
            fd, tmp = tempfile.mkstemp(dir=dirname)
            with os.fdopen(fd, 'wb') as f, urllib.request.urlopen(url, timeout=30) as r:
                while True:
                    chunk = r.read(1 << 20)
                    if not chunk:
                        break
                    f.write(chunk)
            if sha1_hash and not check_sha1(tmp, sha1_hash):
                os.unlink(tmp)
                raise MXNetError('File %s is downloaded but the content hash does not match.'
                                 % fname)
            os.replace(tmp, fname)
            return fname
        except (OSError, ValueError) as e:
            last = e
            if tmp and os.path.exists(tmp):
                os.unlink(tmp)
    raise MXNetError('download of %s failed (%s). Without network access, place the file at %s'
                     % (url, last, fname))
