"""Optimizer update ops vs MXNet 1.9.1, step for step (same inputs, several steps)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd

CODE = '''
rng = np.random.RandomState(0)
W = rng.randn(4, 5).astype(np.float32)
G = [rng.randn(4, 5).astype(np.float32) * 3 for _ in range(3)]
P = np.abs(rng.randn(4, 5)).astype(np.float32)
def run(name, nstate, kw, steps=3, pos_state=False, state_vals=None):
    w = nd.array(W)
    states = [nd.array(P if pos_state else np.zeros_like(W)) for _ in range(nstate)]
    for t in range(steps):
        kw2 = dict(kw)
        if 't' in kw2:
            kw2['t'] = t + 1
        getattr(nd, name)(w, nd.array(G[t]), *states, out=w, **kw2)
    OUT[name + '_' + str(sorted(kw.items()))] = w
    for i, s in enumerate(states):
        OUT[name + '_s%d_' % i + str(sorted(kw.items()))] = s
for clip in (-1, 1.0):
    common = dict(lr=0.1, wd=0.01, rescale_grad=0.5, clip_gradient=clip)
    run('sgd_update', 0, common)
    run('sgd_mom_update', 1, dict(common, momentum=0.9))
    run('nag_mom_update', 1, dict(common, momentum=0.9))
    run('adam_update', 2, dict(common, beta1=0.9, beta2=0.99, epsilon=1e-6))
    run('rmsprop_update', 1, dict(common, gamma1=0.9, epsilon=1e-6, clip_weights=2.0))
    run('rmspropalex_update', 3, dict(common, gamma1=0.9, gamma2=0.8, epsilon=1e-6))
    run('ftrl_update', 2, dict(common, lamda1=0.01, beta=1.0))
    run('signsgd_update', 0, common)
    run('signum_update', 1, dict(common, momentum=0.9, wd_lh=0.05))
    run('ftml_update', 3, dict(lr=0.1, wd=0.01, rescale_grad=0.5, clip_grad=clip, beta1=0.6, beta2=0.999, epsilon=1e-8, t=1))
# mixed precision and multi-tensor forms
w16 = nd.array(W, dtype='float16'); w32 = nd.array(W); mom = nd.zeros(W.shape)
for t in range(3):
    nd.mp_sgd_mom_update(w16, nd.array(G[t], dtype='float16'), mom, w32, out=w16, lr=0.1, momentum=0.9, wd=0.01)
OUT['mp_w16'] = w16.astype('float32'); OUT['mp_w32'] = w32; OUT['mp_mom'] = mom
ws = [nd.array(W), nd.array(W * 2)]; moms = [nd.zeros(W.shape), nd.zeros(W.shape)]
for t in range(3):
    nd.multi_sgd_mom_update(ws[0], nd.array(G[t]), moms[0], ws[1], nd.array(G[t] * 0.5), moms[1],
                            out=ws, num_weights=2, lrs=(0.1, 0.2), wds=(0.0, 0.01), momentum=0.9,
                            rescale_grad=0.5, clip_gradient=1.0)
OUT['multi_w0'] = ws[0]; OUT['multi_w1'] = ws[1]; OUT['multi_m1'] = moms[1]
ws = [nd.array(W), nd.array(W * 2)]
for t in range(3):
    nd.preloaded_multi_sgd_update(ws[0], nd.array(G[t]), ws[1], nd.array(G[t]), nd.array([0.1, 0.3]), nd.array([0.01, 0.0]), out=ws, num_weights=2)
OUT['preloaded_w0'] = ws[0]; OUT['preloaded_w1'] = ws[1]
w = nd.array(W); m = nd.zeros(W.shape); v = nd.zeros(W.shape)
for t in range(3):
    g = nd.lamb_update_phase1(w, nd.array(G[t]), m, v, t=t + 1, wd=0.01, beta1=0.9, beta2=0.99, rescale_grad=0.5, clip_gradient=2.0)
    r1 = nd.array([np.linalg.norm(w.asnumpy())]); r2 = nd.array([np.linalg.norm(g.asnumpy())])
    nd.lamb_update_phase2(w, g, r1, r2, lr=0.05, lower_bound=0.1, upper_bound=10.0, out=w)
OUT['lamb_w'] = w; OUT['lamb_m'] = m; OUT['lamb_v'] = v
'''


def test_update_ops_match_reference(compare):
    compare(CODE, rtol=1e-4, atol=1e-5)


def test_bad_inputs():
    w = nd.ones((2, 2))
    with pytest.raises(mx.MXNetError):
        nd.sgd_update(w, nd.ones((2, 2)))  # lr missing
    with pytest.raises(mx.MXNetError):
        nd.sgd_mom_update(w, nd.ones((3,)), nd.zeros((2, 2)), lr=0.1)
    with pytest.raises(mx.MXNetError):
        nd.multi_sgd_update(w, w, w, out=[w], num_weights=2, lrs=(0.1,), wds=(0.,))
