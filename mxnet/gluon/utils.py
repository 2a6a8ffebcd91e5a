"""Gluon utilities: splitting batches across contexts, global-norm gradient clipping, file
checksums and downloads (``mx.gluon.utils``)."""
import hashlib
import os
import uuid
import warnings

import torch

from ..base import MXNetError
from .. import ndarray as nd
from ..ndarray import NDArray

__all__ = ['split_data', 'split_and_load', 'clip_global_norm', 'check_sha1', 'download',
           'replace_file', 'shape_is_known']

# seconds before a download attempt gives up waiting for the network
_DOWNLOAD_TIMEOUT = 10


class _UtilsValueError(MXNetError, ValueError):
    """Bad argument (also a ValueError, as MXNet raises)."""


class _UtilsAssertionError(MXNetError, AssertionError):
    """Bad argument (also an AssertionError, as MXNet raises)."""


def split_data(data, num_slice, batch_axis=0, even_split=True):
    """Split an NDArray into ``num_slice`` slices along ``batch_axis``.

    Parameters
    ----------
    data : NDArray
        A batch of data.
    num_slice : int
        Number of slices (the result is a list even when it is 1).
    batch_axis : int, default 0
        The axis to slice along.
    even_split : bool, default True
        Raise when ``data.shape[batch_axis]`` is not a multiple of ``num_slice``; otherwise
        the first ``size % num_slice`` slices get one extra element.

    Returns
    -------
    list of NDArray
    """
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise _UtilsValueError(
            "data with shape %s cannot be evenly split into %d slices along axis %d. Use a "
            "batch size that's multiple of %d or set even_split=False to allow uneven "
            "partitioning of data." % (str(data.shape), num_slice, batch_axis, num_slice))
    step, extras = divmod(size, num_slice)
    bounds = [0]
    for i in range(num_slice):
        bounds.append(bounds[-1] + step + (1 if i < extras else 0))
    if batch_axis == 0:
        return [data[bounds[i]:bounds[i + 1]] for i in range(num_slice)]
    return [nd.slice_axis(data, axis=batch_axis, begin=bounds[i], end=bounds[i + 1])
            for i in range(num_slice)]


def split_and_load(data, ctx_list, batch_axis=0, even_split=True):
    """Split ``data`` into ``len(ctx_list)`` slices along ``batch_axis`` and copy slice i to
    ``ctx_list[i]``. Non-NDArray data (numpy arrays, lists) is converted first.

    Returns
    -------
    list of NDArray
        One per context in ``ctx_list``.
    """
    if not isinstance(data, NDArray):
        data = nd.array(data, ctx=ctx_list[0])
    if len(ctx_list) == 1:
        return [data.as_in_context(ctx_list[0])]
    slices = split_data(data, len(ctx_list), batch_axis, even_split)
    return [s.as_in_context(ctx) for s, ctx in zip(slices, ctx_list)]


def clip_global_norm(arrays, max_norm, check_isfinite=True):
    """Rescale NDArrays in place so that the 2-norm of all of them together (their
    concatenation) is at most ``max_norm``.

    Parameters
    ----------
    arrays : list of NDArray
    max_norm : float
    check_isfinite : bool, default True
        Check that the total norm is finite (a synchronizing call); warn when it is not.

    Returns
    -------
    float (numpy scalar) or NDArray
        The total norm before clipping: a scalar when ``check_isfinite``, else an NDArray of
        shape (1,).
    """
    if len(arrays) == 0:
        raise _UtilsAssertionError('clip_global_norm: arrays must not be empty')
    first = arrays[0]._data
    dev = first.device
    acc = torch.float64 if first.dtype == torch.float64 else torch.float32
    with torch.no_grad():
        total = torch.zeros((), dtype=acc, device=dev)
        for a in arrays:
            x = a._data.detach().reshape(-1).to(acc)
            total = total + torch.dot(x, x).to(dev)
        total = torch.sqrt(total)
        if check_isfinite and not bool(torch.isfinite(total)):
            warnings.warn(UserWarning('nan or inf is detected. Clipping results will be '
                                      'undefined.'), stacklevel=2)
        scale = torch.clamp(max_norm / (total + 1e-8), max=1.0)
        for a in arrays:
            a._data.mul_(scale.to(a._data.device, a._data.dtype))
    out = total.to(first.dtype).reshape(1)
    if check_isfinite:
        return out.cpu().numpy()[0]
    return NDArray(out)


def check_sha1(filename, sha1_hash):
    """Whether the SHA-1 hash of the file ``filename`` equals ``sha1_hash`` (a hex string)."""
    sha1 = hashlib.sha1()
    with open(filename, 'rb') as f:
        while True:
            data = f.read(1048576)
            if not data:
                break
            sha1.update(data)
    return sha1.hexdigest() == sha1_hash


def replace_file(src, dst):
    """Move ``src`` to ``dst`` atomically, replacing ``dst`` if it exists."""
    os.replace(src, dst)


def download(url, path=None, overwrite=False, sha1_hash=None, retries=5, verify_ssl=True):
    """Download ``url`` to ``path`` and return the file name.

    Parameters
    ----------
    url : str
    path : str, optional
        Destination file, or a directory to put it in (default: the current directory, under
        the URL's last component).
    overwrite : bool, default False
        Download even when the file exists.
    sha1_hash : str, optional
        Expected SHA-1 of the file; an existing file that does not match is fetched again.
    retries : int, default 5
        Attempts after the first failure.
    verify_ssl : bool, default True

    An existing matching file is returned without network access. When the file cannot be
    fetched (e.g. no network) an MXNetError names the URL and the path to put the file at by
    hand; attempts time out after a few seconds, so this never hangs.
    """
    if path is None:
        fname = url.split('/')[-1]
        if not fname:
            raise _UtilsAssertionError("Can't construct file-name from this URL. Please set "
                                       "the `path` option manually.")
    else:
        path = os.path.expanduser(path)
        fname = os.path.join(path, url.split('/')[-1]) if os.path.isdir(path) else path
    if retries < 0:
        raise _UtilsAssertionError("Number of retries should be at least 0, currently it's {}"
                                   .format(retries))
    if not verify_ssl:
        warnings.warn('Unverified HTTPS request is being made (verify_ssl=False). Adding '
                      'certificate verification is strongly advised.')
    if not overwrite and os.path.exists(fname) and (not sha1_hash or
                                                    check_sha1(fname, sha1_hash)):
        return fname
    dirname = os.path.dirname(os.path.abspath(os.path.expanduser(fname)))
    os.makedirs(dirname, exist_ok=True)
    last = None
    for attempt in range(retries + 1):
        tmp = '{}.{}'.format(fname, uuid.uuid4())
        try:
            print('Downloading {} from {}...'.format(fname, url))
            with open(tmp, 'wb') as f:
                for chunk in _fetch(url, verify_ssl):
                    if chunk:
                        f.write(chunk)
            if os.path.exists(fname) and not overwrite and \
                    (not sha1_hash or check_sha1(fname, sha1_hash)):
                # another process finished the same download first (MXNet keeps its file)
                os.remove(tmp)
                warnings.warn('File {} exists in file system so the downloaded file is deleted'
                              .format(fname))
            else:
                replace_file(tmp, fname)
            if sha1_hash and not check_sha1(fname, sha1_hash):
                raise MXNetError('File {} is downloaded but the content hash does not match. '
                                 'The repo may be outdated or download may be incomplete.'
                                 .format(fname))
            return fname
        except Exception as e:  # pylint: disable=broad-except
            last = e
            if os.path.exists(tmp):
                os.remove(tmp)
            if attempt == 0 and _is_offline(e):
                break  # no network at all: retrying cannot help
    raise MXNetError('Failed downloading url {} ({}: {}). Without network access, download it '
                     'elsewhere and place the file at {}'.format(url, type(last).__name__, last,
                                                                 os.path.abspath(fname)))


def _fetch(url, verify_ssl):
    """Chunks of the body of ``url``: through ``requests.get`` as MXNet does (so it can be
    mocked the same way), or urllib where requests is not installed."""
    try:
        import requests
    except ImportError:
        requests = None
    if requests is not None:
        r = requests.get(url, stream=True, verify=verify_ssl, timeout=_DOWNLOAD_TIMEOUT)
        if r.status_code != 200:
            raise RuntimeError('Failed downloading url {}'.format(url))
        for chunk in r.iter_content(chunk_size=1 << 16):
            yield chunk
        return
    import ssl
    import urllib.request
    ssl_ctx = None if verify_ssl else ssl._create_unverified_context()  # pylint: disable=W0212
    with urllib.request.urlopen(url, timeout=_DOWNLOAD_TIMEOUT, context=ssl_ctx) as r:
        while True:
            chunk = r.read(1 << 20)
            if not chunk:
                break
            yield chunk


def _is_offline(err):
    """Whether a urllib error means the host cannot be reached at all (DNS failure, no route,
    refused, timed out)."""
    import errno
    import socket
    try:
        import requests
        if isinstance(err, requests.exceptions.ConnectionError):
            # DNS failure / refused / unreachable, wrapped by urllib3
            seen = set()
            while err is not None and id(err) not in seen:
                seen.add(id(err))
                if isinstance(err, (socket.gaierror, socket.timeout, TimeoutError,
                                    ConnectionRefusedError)) or 'NameResolution' in \
                        type(err).__name__ or 'Name or service not known' in str(err):
                    return True
                err = getattr(err, 'reason', None) or err.__cause__ or err.__context__ or \
                    (err.args[0] if err.args and isinstance(err.args[0], BaseException)
                     else None)
            return False
        if isinstance(err, requests.exceptions.Timeout):
            return True
    except ImportError:
        pass
    if not isinstance(err, OSError):
        return False
    reason = getattr(err, 'reason', err)
    if isinstance(reason, (socket.gaierror, socket.timeout, TimeoutError,
                           ConnectionRefusedError)):
        return True
    return isinstance(reason, OSError) and reason.errno in (errno.ENETUNREACH,
                                                            errno.EHOSTUNREACH)


def _get_repo_url():
    """Base URL of the Gluon dataset/model repository (``MXNET_GLUON_REPO`` overrides it)."""
    repo_url = os.environ.get('MXNET_GLUON_REPO',
                              'https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/')
    if repo_url[-1] != '/':
        repo_url = repo_url + '/'
    return repo_url


def _get_repo_file_url(namespace, filename):
    """URL of ``filename`` under ``namespace`` in the Gluon repository."""
    return '{}{}/{}'.format(_get_repo_url(), namespace, filename)


def _brief_print_list(lst, limit=7):
    """Quoted, comma-separated items of lst, eliding the middle beyond ``limit`` items."""
    lst = list(lst)
    if len(lst) > limit:
        return _brief_print_list(lst[:limit // 2], limit) + ', ..., ' + \
            _brief_print_list(lst[-limit // 2:], limit)
    return ', '.join("'%s'" % str(i) for i in lst)


def shape_is_known(shape):
    """Whether every dimension of ``shape`` is known (legacy semantics: 0 means unknown, and
    an empty shape is unknown)."""
    if shape is None:
        return False
    if len(shape) == 0:
        return False
    for dim in shape:
        if dim == 0:
            return False
        if dim < 0:
            raise _UtilsAssertionError('shape dimension size cannot be less than 0, while '
                                       'received {}'.format(dim))
    return True

