"""Shared test helpers, including the MXNet 1.9.1 reference oracle.

``reference(code)`` runs ``code`` under real MXNet 1.9.1 (the venv made by ``run.sh test``) in
a subprocess. The code fills a dict ``OUT`` with numpy arrays / numbers / strings; the dict
comes back (via an .npz file and JSON). A missing reference fails the test loudly.
"""
import json
import os
import subprocess
import sys
import tempfile
import textwrap

import numpy as np
import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

_PRELUDE = '''
import warnings; warnings.filterwarnings("ignore")
import json, sys
import numpy as np
import mxnet as mx
from mxnet import nd, autograd
OUT = {}
'''
_EPILOGUE = '''
_arrays = {k: v.asnumpy() if hasattr(v, "asnumpy") else v for k, v in OUT.items()
           if hasattr(v, "asnumpy") or isinstance(v, np.ndarray)}
_other = {k: v for k, v in OUT.items() if k not in _arrays}
np.savez(sys.argv[1], **_arrays)
with open(sys.argv[2], "w") as f:
    json.dump(_other, f, default=str)
'''


def reference_python():
    exe = os.environ.get('REMX_REFERENCE_PYTHON') or os.path.join(ROOT, '.refmx', 'bin', 'python')
    if not os.path.exists(exe):
        pytest.fail('MXNet 1.9.1 reference interpreter not found at %s; run `bash run.sh test` '
                    '(it creates .refmx) or set REMX_REFERENCE_PYTHON' % exe)
    return exe


def run_reference(code, timeout=300, attempts=1):
    """Run ``code`` under MXNet 1.9.1. ``attempts`` > 1 retries a run that crashed or hung:
    some of MXNet's native iterators race with their reader threads (CSVIter can report a
    phantom bad row and then segfault on exit), which is MXNet's flakiness, not ours."""
    i = 0
    while True:
        i += 1
        try:
            return _run_reference_once(code, timeout)
        except _ReferenceCrash:
            if i >= max(attempts, 2):  # a native crash of MXNet gets one more try anyway
                raise
        except (AssertionError, subprocess.TimeoutExpired):
            if i >= attempts:
                raise


class _ReferenceCrash(AssertionError):
    """MXNet's process died of a signal or reported a native crash (its oneDNN and reader
    threads occasionally do; the same snippet passes on a rerun)."""


def _run_reference_once(code, timeout):
    exe = reference_python()
    with tempfile.TemporaryDirectory() as d:
        script = os.path.join(d, 'snippet.py')
        npz = os.path.join(d, 'out.npz')
        js = os.path.join(d, 'out.json')
        with open(script, 'w') as f:
            f.write(_PRELUDE + textwrap.dedent(code) + _EPILOGUE)
        p = subprocess.run([exe, script, npz, js], capture_output=True, text=True,
                           timeout=timeout, cwd=d)
        if p.returncode != 0:
            crash = p.returncode < 0 or 'Segmentation fault' in p.stderr or \
                "can't generate TBlob" in p.stderr
            raise (_ReferenceCrash if crash else AssertionError)(
                'reference snippet failed:\n' + p.stderr[-3000:])
        out = dict(np.load(npz, allow_pickle=False))
        with open(js) as f:
            out.update(json.load(f))
        return out


@pytest.fixture
def reference():
    return run_reference


def run_local(code):
    """Run the same snippet under remx; returns OUT with NDArrays converted to numpy."""
    import mxnet as mx
    from mxnet import nd, autograd
    env = {'mx': mx, 'nd': nd, 'autograd': autograd, 'np': np, 'OUT': {}}
    with mx.name.NameManager():  # automatic names (dense0_...) start afresh, as in a new process
        exec(textwrap.dedent(code), env)
    out = {}
    for k, v in env['OUT'].items():
        out[k] = v.asnumpy() if hasattr(v, 'asnumpy') else v
    return out


def compare_with_reference(code, rtol=1e-5, atol=1e-6, check_dtype=True, ref_timeout=300,
                           ref_attempts=1):
    """Run code under MXNet 1.9.1 and remx; assert every OUT entry matches (values, dtypes)."""
    ref = run_reference(code, timeout=ref_timeout, attempts=ref_attempts)
    ours = run_local(code)
    assert set(ref) == set(ours), (sorted(ref), sorted(ours))
    for k in ref:
        r, o = ref[k], ours[k]
        if isinstance(r, np.ndarray):
            o = np.asarray(o)
            assert r.shape == o.shape, '%s: shape %s (MXNet) vs %s (remx)' % (k, r.shape, o.shape)
            if check_dtype:
                assert r.dtype == o.dtype, '%s: dtype %s (MXNet) vs %s (remx)' % (k, r.dtype,
                                                                                o.dtype)
            np.testing.assert_allclose(o.astype(np.float64), r.astype(np.float64), rtol=rtol,
                                       atol=atol, err_msg=k)
        else:
            if isinstance(o, (np.generic, np.ndarray)):
                o = o.tolist()
            assert json.loads(json.dumps(o, default=str)) == r, '%s: %r (MXNet) vs %r (remx)' % (
                k, r, o)
    return ref


@pytest.fixture
def compare():
    return compare_with_reference
