"""gluon.utils: split_data, split_and_load, clip_global_norm, check_sha1, download."""
import hashlib
import os
import tempfile
import time
import warnings

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError
from mxnet.gluon import utils as gutils


def test_utils_match_mxnet(compare):
    compare('''
from mxnet.gluon.utils import split_data, split_and_load, clip_global_norm
rs = np.random.RandomState(0)
x = nd.array(rs.rand(6, 5).astype('float32'))
for i, s in enumerate(split_data(x, 3)):
    OUT['even_%d' % i] = s
for i, s in enumerate(split_data(x, 4, even_split=False)):
    OUT['uneven_%d' % i] = s
for i, s in enumerate(split_data(x, 2, batch_axis=1, even_split=False)):
    OUT['axis1_%d' % i] = s
for i, s in enumerate(split_data(nd.ones((2, 3)), 3, even_split=False)):
    OUT['empty_%d' % i] = s
for i, s in enumerate(split_and_load(rs.rand(4, 2), [mx.cpu(0), mx.cpu(1)])):
    OUT['load_%d' % i] = s
OUT['load1'] = split_and_load(x, [mx.cpu()])[0]
try:
    split_data(x, 4)
except ValueError as e:
    OUT['err'] = str(e)
arrs = [nd.array(rs.rand(3, 4).astype('float32')) * 3, nd.array(rs.rand(5).astype('float32'))]
r = clip_global_norm(arrs, 1.0)
OUT['norm'] = np.array(r); OUT['norm_type'] = type(r).__name__
OUT['clipped0'] = arrs[0]; OUT['clipped1'] = arrs[1]
arrs = [nd.array(rs.rand(2, 2).astype('float32')) * 0.1]
r = clip_global_norm(arrs, 5.0, check_isfinite=False)
OUT['norm_nd'] = r; OUT['unclipped'] = arrs[0]
''')


def test_clip_global_norm_nonfinite_and_errors():
    a = [mx.nd.array([np.inf, 1.0])]
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        gutils.clip_global_norm(a, 1.0)
    assert any('nan or inf is detected' in str(x.message) for x in w)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        gutils.clip_global_norm([mx.nd.array([np.nan])], 1.0, check_isfinite=False)
    assert not w
    with pytest.raises(MXNetError):
        gutils.clip_global_norm([], 1.0)
    b = [mx.nd.array([3.0, 4.0], dtype='float64')]
    r = gutils.clip_global_norm(b, 1.0)
    assert isinstance(r, np.float64) and r == 5.0
    np.testing.assert_allclose(b[0].asnumpy(), [0.6, 0.8])
    with pytest.raises(ValueError):  # MXNetError that is also a ValueError, as in MXNet
        gutils.split_data(mx.nd.ones((3, 2)), 2)


def test_check_sha1_and_download_offline():
    with tempfile.TemporaryDirectory() as d:
        f = os.path.join(d, 'a.bin')
        with open(f, 'wb') as fh:
            fh.write(b'hello remx')
        good = hashlib.sha1(b'hello remx').hexdigest()
        assert gutils.check_sha1(f, good)
        assert not gutils.check_sha1(f, '0' * 40)
        # an existing file (matching hash) is returned without touching the network
        assert gutils.download('http://nowhere.invalid/a.bin', path=d, sha1_hash=good) == f
        assert gutils.download('http://nowhere.invalid/a.bin', path=f) == f
        t = time.time()
        with pytest.raises(MXNetError, match='place the file at'):
            gutils.download('http://nowhere.invalid/b.bin', path=d, retries=5)
        assert time.time() - t < 30
        assert sorted(os.listdir(d)) == ['a.bin']  # no temporary files left behind
        with pytest.raises(MXNetError, match='retries'):
            gutils.download('http://nowhere.invalid/b.bin', path=d, retries=-1)
        with pytest.raises(MXNetError, match='file-name'):
            gutils.download('http://nowhere.invalid/dir/')
        gutils.replace_file(f, os.path.join(d, 'c.bin'))
        assert os.listdir(d) == ['c.bin']


def test_repo_url_helpers(monkeypatch):
    monkeypatch.delenv('MXNET_GLUON_REPO', raising=False)
    assert gutils._get_repo_url() == 'https://apache-mxnet.s3-accelerate.dualstack.amazonaws.com/'
    monkeypatch.setenv('MXNET_GLUON_REPO', 'http://mirror/x')
    assert gutils._get_repo_file_url('gluon/models', 'a.zip') == 'http://mirror/x/gluon/models/a.zip'
    assert gutils._brief_print_list(range(3)) == "'0', '1', '2'"
    assert gutils._brief_print_list(range(10)) == "'0', '1', '2', ..., '6', '7', '8', '9'"
    assert gutils.shape_is_known((2, 3)) and not gutils.shape_is_known((2, 0))
    assert not gutils.shape_is_known(None) and not gutils.shape_is_known(())


def test_download_goes_through_requests_get(monkeypatch, tmp_path):
    """MXNet fetches with requests.get(url, stream=True, verify=...): mocking it works."""
    import io
    import warnings
    import requests

    calls = []

    def fake_get(url, **kw):
        calls.append((url, kw.get('stream'), kw.get('verify')))
        r = requests.Response()
        r.status_code = 200
        r.raw = io.BytesIO(b'MOCK CONTENT' * 100)
        return r
    monkeypatch.setattr(requests, 'get', fake_get)
    f = str(tmp_path / 'README.md')
    assert gutils.download('https://example.com/x/README.md', path=f) == f
    assert os.path.getsize(f) == 1200 and os.listdir(tmp_path) == ['README.md']
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter('always')
        gutils.download('https://example.com/x/README.md', path=f, overwrite=True,
                        verify_ssl=False)
    assert any(str(x.message).startswith('Unverified HTTPS request') for x in w)
    assert calls == [('https://example.com/x/README.md', True, True),
                     ('https://example.com/x/README.md', True, False)]

    def failing(url, **kw):
        calls.append(url)
        raise requests.exceptions.ConnectionError('boom')
    monkeypatch.setattr(requests, 'get', failing)
    del calls[:]
    with pytest.raises(MXNetError):
        gutils.download('http://doesnotexist.notfound/a', path=str(tmp_path / 'a'), retries=2)
    assert len(calls) == 3  # not an offline error: every retry is tried

    def bad_status(url, **kw):
        r = requests.Response()
        r.status_code = 404
        return r
    monkeypatch.setattr(requests, 'get', bad_status)
    with pytest.raises(MXNetError, match='404|Failed downloading'):
        gutils.download('http://x/b', path=str(tmp_path / 'b'), retries=0)
