"""dot, batch_dot and the linalg_* operators vs MXNet 1.9.1 (values, shapes, dtypes, grads)."""
import numpy as np
import pytest

import mxnet as mx
from mxnet import nd
from mxnet.test_utils import check_numeric_gradient


def test_dot_batch_dot(compare):
    compare('''
    rs = np.random.RandomState(0)
    def R(*s):
        return nd.array(rs.uniform(-1, 1, size=s).astype('float32'))
    a, b, v = R(2, 3), R(3, 4), R(3)
    A3, B3 = R(2, 3, 4), R(2, 4, 5)
    OUT['mm'] = nd.dot(a, b)
    OUT['vv'] = nd.dot(v, v)
    OUT['mv'] = nd.dot(a, v)
    OUT['vm'] = nd.dot(v, b)
    OUT['ta'] = nd.dot(a, R(2, 5), transpose_a=True)
    OUT['tb'] = nd.dot(a, R(5, 3), transpose_b=True)
    OUT['tab'] = nd.dot(a, R(4, 2), transpose_a=True, transpose_b=True)
    OUT['nd1'] = nd.dot(A3, R(4, 5))
    OUT['nd2'] = nd.dot(R(5, 2), A3)
    OUT['nd3'] = nd.dot(A3, R(2, 5), transpose_a=True)
    OUT['nd4'] = nd.dot(A3, R(5, 4), transpose_b=True)
    OUT['nd5'] = nd.dot(A3, R(5, 2), transpose_a=True, transpose_b=True)
    OUT['nd6'] = nd.dot(A3, A3, transpose_b=True)
    OUT['nd7'] = nd.dot(A3, R(5, 3, 4), transpose_b=True)
    OUT['nd8'] = nd.dot(A3, R(4))
    OUT['vtb'] = nd.dot(v, R(2, 3), transpose_b=True)
    OUT['f64'] = nd.dot(a.astype('float64'), b.astype('float64'))
    OUT['str'] = nd.dot(a, a, transpose_a='True', transpose_b='0', forward_stype='default')
    OUT['pos'] = nd.dot(a, a, True)
    OUT['bd'] = nd.batch_dot(A3, B3)
    OUT['bd_ta'] = nd.batch_dot(A3, R(2, 3, 5), transpose_a=True)
    OUT['bd_tb'] = nd.batch_dot(A3, R(2, 5, 4), transpose_b=True)
    OUT['bd_tab'] = nd.batch_dot(R(2, 4, 3), R(2, 5, 4), transpose_a=True, transpose_b=True)
    OUT['bd_4d'] = nd.batch_dot(R(2, 2, 3, 4), R(2, 2, 4, 5))
    OUT['bd_f64'] = nd.batch_dot(A3.astype('float64'), B3.astype('float64'))
    for key, f, args in [
            ('mm', lambda x, y: nd.dot(x, y, transpose_b=True), (R(2, 3), R(4, 3))),
            ('nd', lambda x, y: nd.dot(x, y, transpose_a=True), (R(2, 3, 4), R(2, 5))),
            ('vv', lambda x, y: nd.dot(x, y), (R(3), R(3))),
            ('bd', lambda x, y: nd.batch_dot(x, y, transpose_a=True), (R(2, 4, 3), R(2, 4, 5)))]:
        x, y = args
        x.attach_grad()
        y.attach_grad()
        with autograd.record():
            o = f(x, y)
        o.backward(nd.array(rs.uniform(size=o.shape).astype('float32')))
        OUT['g_%s_x' % key] = x.grad
        OUT['g_%s_y' % key] = y.grad
    ''', atol=1e-5)


_LINALG_SETUP = '''
rs = np.random.RandomState(1)
L = nd.linalg
def R(*s):
    return nd.array(rs.uniform(-1, 1, size=s).astype('float32'))
def SPD(*batch, n=3):
    m = rs.uniform(-1, 1, size=batch + (n, n))
    return nd.array((m @ np.swapaxes(m, -1, -2) + n * np.eye(n)).astype('float32'))
def TRI(*batch, n=3, lower=True):
    m = rs.uniform(0.5, 1.5, size=batch + (n, n)) * (rs.uniform(size=batch + (n, n)) > 0.3)
    m = m + np.eye(n) * 2
    return nd.array((np.tril(m) if lower else np.triu(m)).astype('float32'))
def grads(key, f, *xs, hg=None):
    for x in xs:
        x.attach_grad()
    with autograd.record():
        o = f(*xs)
        if isinstance(o, (list, tuple)):
            o = sum((oi * nd.array(rs.uniform(size=oi.shape).astype('float32'))).sum()
                    for oi in o)
        else:
            o = (o * nd.array(rs.uniform(size=o.shape).astype('float32'))).sum()
    o.backward()
    for i, x in enumerate(xs):
        OUT['g_%s_%d' % (key, i)] = x.grad
'''


def test_gemm_family(compare):
    compare(_LINALG_SETUP + '''
A, B, C = R(2, 3), R(3, 4), R(2, 4)
OUT['gemm'] = L.gemm(A, B, C, alpha=2, beta=3)
OUT['gemm_t'] = L.gemm(R(3, 2), R(4, 3), C, transpose_a=True, transpose_b=True, alpha=0.5)
OUT['gemm_b'] = L.gemm(R(2, 3, 4, 5), R(2, 3, 5, 6), R(2, 3, 4, 6))
OUT['gemm_ax'] = L.gemm(R(3, 2, 4), R(4, 2, 5), R(3, 2, 5), axis=0, beta=-1)
OUT['gemm_str'] = L.gemm(A, B, C, alpha='2.5', beta='0.5', axis='-2', transpose_a='False')
OUT['gemm2'] = L.gemm2(A, B)
OUT['gemm_pos'] = L.gemm(A, R(4, 3), C, False, True, 2.0, 0.5, -2)
OUT['gemm2_pos'] = L.gemm2(R(3, 2), B, True, False, 3.0)
OUT['trmm_pos'] = L.trmm(TRI(), R(3, 2), True, False, True, 2.0)
OUT['gemm2_tb'] = L.gemm2(A, A, transpose_b=True, alpha=0.5)
OUT['gemm2_ax0'] = L.gemm2(R(3, 2, 4), R(4, 2, 5), axis=0)
OUT['gemm2_axn'] = L.gemm2(R(3, 2, 4), R(4, 2, 5), axis=-3)
OUT['gemm2_ax1'] = L.gemm2(R(4, 3, 2), R(4, 2, 5), axis=1)
OUT['gemm2_ax1t'] = L.gemm2(R(4, 2, 3, 6), R(4, 5, 3, 2), axis=1, transpose_a=True,
                            transpose_b=True)
OUT['gemm2_b'] = L.gemm2(R(2, 3, 4), R(2, 4, 5))
OUT['gemm2_f64'] = L.gemm2(A.astype('float64'), B.astype('float64'))
OUT['linalg_gemm'] = nd.linalg_gemm(A, B, C)
OUT['linalg_gemm2'] = nd.linalg_gemm2(A, B, alpha=3)
OUT['syrk'] = L.syrk(A)
OUT['syrk_t'] = L.syrk(A, transpose=True, alpha=2)
OUT['syrk_b'] = L.syrk(R(2, 3, 4))
OUT['linalg_syrk'] = nd.linalg_syrk(A, alpha='0.5')
grads('gemm', lambda a, b, c: L.gemm(a, b, c, alpha=2, beta=0.5), R(2, 3), R(3, 4), R(2, 4))
grads('gemmT', lambda a, b, c: L.gemm(a, b, c, transpose_a=True, axis=0),
      R(3, 2, 2), R(3, 2, 4), R(2, 2, 4))
grads('gemm2', lambda a, b: L.gemm2(a, b, transpose_b=True, alpha=1.5), R(2, 2, 3), R(2, 4, 3))
grads('syrk', lambda a: L.syrk(a, transpose=True), R(2, 3, 4))
grads('syrk2', lambda a: L.syrk(a, alpha=3), R(3, 4))
''', atol=1e-5)


def test_triangular_family(compare):
    compare(_LINALG_SETUP + '''
S, S2 = SPD(), SPD(2)
T = TRI()
U = TRI(lower=False)
F = R(3, 3) + nd.array(np.eye(3, dtype='float32') * 3)   # full (non-triangular) matrix
B, Br = R(3, 4), R(2, 3)
OUT['potrf'] = L.potrf(S)
OUT['potrf_b'] = L.potrf(S2)
OUT['potrf_f64'] = L.potrf(S.astype('float64'))
OUT['potri'] = L.potri(L.potrf(S))
OUT['potri_b'] = L.potri(T.reshape((1, 3, 3)))
OUT['potri_full'] = L.potri(F)
for lower in (True, False):
    Tm = T if lower else U
    for tr in (False, True):
        for rs_ in (False, True):
            key = '%d%d%d' % (lower, tr, rs_)
            OUT['trmm' + key] = L.trmm(Tm, Br if rs_ else B, transpose=tr, rightside=rs_,
                                       lower=lower, alpha=1.5)
            OUT['trsm' + key] = L.trsm(Tm, Br if rs_ else B, transpose=tr, rightside=rs_,
                                       lower=lower, alpha=0.5)
OUT['trmm_full'] = L.trmm(F, B)
OUT['trsm_full'] = L.trsm(F, B, lower=False)
OUT['trmm_b'] = L.trmm(TRI(2), R(2, 3, 2))
OUT['trsm_b'] = L.trsm(TRI(2), R(2, 3, 2))
OUT['trsm_str'] = L.trsm(T, B, transpose='1', rightside='0', lower='True', alpha='2')
OUT['sumlogdiag'] = L.sumlogdiag(S)
OUT['sumlogdiag_b'] = L.sumlogdiag(S2)
OUT['linalg_potrf'] = nd.linalg_potrf(S)
OUT['linalg_trsm'] = nd.linalg_trsm(T, B)
grads('potrf', L.potrf, SPD())
grads('potrfb', L.potrf, SPD(2))
grads('potri', L.potri, TRI())
grads('potri_full', L.potri, F.copy())
grads('trmm', lambda a, b: L.trmm(a, b, alpha=2), TRI(), R(3, 2))
grads('trmm_full', lambda a, b: L.trmm(a, b, transpose=True, rightside=True), F.copy(), R(2, 3))
grads('trmm_up', lambda a, b: L.trmm(a, b, lower=False), F.copy(), R(3, 2))
grads('trsm', lambda a, b: L.trsm(a, b, alpha=2), TRI(), R(3, 2))
grads('trsm_full', lambda a, b: L.trsm(a, b, transpose=True, rightside=True, lower=False),
      F.copy(), R(2, 3))
grads('sumlogdiag', L.sumlogdiag, SPD(2))
''', atol=2e-5, rtol=2e-4)


def test_factorizations(compare):
    compare(_LINALG_SETUP + '''
S, S2 = SPD(), SPD(2, n=4)
G = R(2, 4)
G3 = R(2, 3, 5)
q, l = L.gelqf(G)
OUT['gelqf_q'], OUT['gelqf_l'] = q, l
q, l = L.gelqf(G3)
OUT['gelqf_q3'], OUT['gelqf_l3'] = q, l
q, l = L.gelqf(R(3, 3).astype('float64'))
OUT['gelqf_q64'], OUT['gelqf_l64'] = q, l
u, w = L.syevd(S)
OUT['syevd_u'], OUT['syevd_l'] = u, w
u, w = L.syevd(S2)
OUT['syevd_u2'], OUT['syevd_l2'] = u, w
u, w = L.syevd(nd.array([[1, 2], [3, 4.]]))        # only the lower triangle is read
OUT['syevd_u3'], OUT['syevd_l3'] = u, w
u, w = L.syevd(nd.array([[2, 0], [0, 1.]]))
OUT['syevd_u4'], OUT['syevd_l4'] = u, w
u, w = L.syevd(nd.array([[1, 2], [2, 4.]], dtype='float64'))
OUT['syevd_u5'], OUT['syevd_l5'] = u, w
M = R(3, 3) + nd.array(np.eye(3, dtype='float32') * 2)
M2 = R(2, 3, 3)
OUT['inverse'] = L.inverse(M)
OUT['inverse_b'] = L.inverse(M2)
OUT['det'] = L.det(M)
OUT['det_b'] = L.det(M2)
OUT['det_1'] = L.det(nd.array([[3.]]))
s, ld = L.slogdet(M)
OUT['slogdet_s'], OUT['slogdet_l'] = s, ld
s, ld = L.slogdet(M2)
OUT['slogdet_s2'], OUT['slogdet_l2'] = s, ld
s, ld = L.slogdet(nd.array([[0, 1], [1, 0.]]))
OUT['slogdet_s3'], OUT['slogdet_l3'] = s, ld
OUT['linalg_inverse'] = nd.linalg_inverse(M)
OUT['linalg_det'] = nd.linalg_det(M)
grads('gelqf', L.gelqf, R(2, 4))
grads('gelqf3', L.gelqf, R(2, 3, 3))
grads('syevd', L.syevd, SPD())
grads('syevdb', L.syevd, SPD(2, n=2))
grads('inverse', L.inverse, M.copy())
grads('inverseb', L.inverse, M2.copy())
grads('det', L.det, M.copy())
grads('detb', L.det, M2.copy())
grads('slogdet', lambda a: L.slogdet(a)[1], M2.copy())
''', atol=2e-5, rtol=2e-4)


def test_diag_trian(compare):
    compare(_LINALG_SETUP + '''
M = nd.array(np.arange(1, 17).reshape(4, 4).astype('float32'))
M3 = nd.array(np.arange(32).reshape(2, 4, 4).astype('float32'))
for off in (-2, -1, 0, 1, 2):
    for low in (True, False):
        k = '%d_%d' % (off, low)
        OUT['et' + k] = L.extracttrian(M, offset=off, lower=low)
        OUT['mt' + k] = L.maketrian(nd.array(np.arange(1, 7).astype('float32')), offset=off,
                                    lower=low)
    OUT['ed%d' % off] = L.extractdiag(M, offset=off)
    OUT['md%d' % off] = L.makediag(nd.array([1, 2, 3.]), offset=off)
OUT['ed_b'] = L.extractdiag(M3, 1)
OUT['md_b'] = L.makediag(nd.array([[1, 2], [3, 4.]]), offset=1)
OUT['et_b'] = L.extracttrian(M3, lower=False)
OUT['mt_b'] = L.maketrian(nd.array([[1, 2, 3], [4, 5, 6.]]))
OUT['et_64'] = L.extracttrian(M.astype('float64'), offset='-1')
OUT['mt_str'] = L.maketrian(nd.array([1, 2, 3.]), offset='1', lower='False')
OUT['linalg_extractdiag'] = nd.linalg_extractdiag(M)
OUT['linalg_maketrian'] = nd.linalg_maketrian(nd.array([1, 2, 3.]))
grads('ed', lambda a: L.extractdiag(a, offset=-1), R(2, 3, 3))
grads('md', lambda a: L.makediag(a, offset=1), R(2, 3))
grads('et', lambda a: L.extracttrian(a, lower=False), R(2, 3, 3))
grads('et1', lambda a: L.extracttrian(a, offset=1), R(3, 3))
grads('mt', lambda a: L.maketrian(a, offset=-1), R(2, 6))
grads('mtu', lambda a: L.maketrian(a, lower=False), R(6))
''')


def test_linalg_errors():
    L = nd.linalg
    f32 = nd.ones((2, 3))
    sq = nd.ones((3, 3))
    bad = [
        lambda: nd.dot(nd.ones((2, 3)), nd.ones((2, 3))),
        lambda: nd.dot(f32, f32.astype('float64'), transpose_b=True),
        lambda: nd.dot(f32.astype('int32'), f32.astype('int32'), transpose_b=True),
        lambda: nd.dot(nd.ones(3), nd.ones(3), transpose_a=True),
        lambda: nd.dot(nd.ones(3), nd.ones((1, 4)), transpose_a=True),
        lambda: nd.dot(f32, f32, forward_stype='dense'),
        lambda: nd.batch_dot(f32, f32),
        lambda: nd.batch_dot(nd.ones((2, 3, 4), dtype='int32'), nd.ones((2, 4, 5), dtype='int32')),
        lambda: nd.batch_dot(nd.ones((2, 3, 4)), nd.ones((3, 4, 5))),
        lambda: nd.batch_dot(nd.ones((2, 3, 4)), nd.ones((2, 5, 5))),
        lambda: L.gemm2(nd.ones((2, 3, 4)), nd.ones((4, 5))),
        lambda: L.gemm2(nd.ones((2, 3, 4)), nd.ones((1, 4, 5))),
        lambda: L.gemm2(nd.ones(4), nd.ones(4)),
        lambda: L.gemm2(f32, f32),
        lambda: L.gemm2(f32.astype('int32'), f32.astype('int32'), transpose_b=True),
        lambda: L.gemm2(f32.astype('float16'), f32.astype('float16'), transpose_b=True),
        lambda: L.gemm2(f32, f32, axis=1, transpose_b=True),
        lambda: L.gemm(f32, f32, nd.ones((3, 3)), transpose_b=True),
        lambda: L.potrf(nd.array([[1, 2], [2, 1]])),
        lambda: L.potrf(f32),
        lambda: L.potri(f32),
        lambda: L.trmm(sq, nd.ones((4, 2))),
        lambda: L.trsm(sq, nd.ones((2, 4)), rightside=True),
        lambda: L.sumlogdiag(f32),
        lambda: L.gelqf(nd.ones((3, 2))),
        lambda: L.syevd(f32),
        lambda: L.inverse(nd.array([[1, 2], [2, 4.]])),
        lambda: L.det(f32),
        lambda: L.slogdet(sq.astype('int32')),
        lambda: L.extractdiag(f32),
        lambda: L.extractdiag(sq, offset=3),
        lambda: L.extracttrian(sq, offset=-3),
        lambda: L.extractdiag(sq.astype('int32')),
        lambda: L.makediag(nd.ones(2, dtype='int32')),
        lambda: L.maketrian(nd.ones(4)),
        lambda: L.gemm(f32, f32),
    ]
    for i, f in enumerate(bad):
        with pytest.raises(mx.base.MXNetError):
            f()
            pytest.fail('case %d did not raise' % i)


def test_linalg_local():
    L = nd.linalg
    for name in ('gemm', 'gemm2', 'potrf', 'potri', 'trmm', 'trsm', 'sumlogdiag', 'syrk',
                 'gelqf', 'syevd', 'inverse', 'det', 'slogdet', 'extractdiag', 'makediag',
                 'extracttrian', 'maketrian'):
        assert callable(getattr(L, name)), name
        if name != 'syevd':
            assert callable(getattr(nd, 'linalg_' + name)), name
    assert not hasattr(nd, 'linalg_syevd')
    # syevd sign convention: the largest-magnitude entry of every row of U is positive
    rs = np.random.RandomState(7)
    m = rs.uniform(-1, 1, size=(3, 5, 5))
    u, w = L.syevd(nd.array(m + np.swapaxes(m, -1, -2), dtype='float64'))
    un = u.asnumpy()
    idx = np.abs(un).argmax(-1)
    assert (np.take_along_axis(un, idx[..., None], -1) > 0).all()
    a = m + np.swapaxes(m, -1, -2)
    np.testing.assert_allclose(np.swapaxes(un, -1, -2) @ (w.asnumpy()[..., None] * un), a,
                               atol=1e-10)
    # outputs never alias inputs
    M = nd.array(np.eye(3))
    d = L.extractdiag(M)
    d[:] = 7
    assert M.asnumpy().max() == 1
    # meta-device forwards for shape inference
    import torch
    from mxnet._ops import get
    meta = lambda *s: torch.empty(s, device='meta')
    for name, kw, ins, shape in [
            ('dot', {}, (meta(2, 3, 4), meta(4, 5)), (2, 3, 5)),
            ('batch_dot', {'transpose_b': True}, (meta(2, 3, 4), meta(2, 5, 4)), (2, 3, 5)),
            ('_linalg_gemm2', {'axis': 0}, (meta(3, 2, 4), meta(4, 2, 5)), (3, 2, 5)),
            ('_linalg_potrf', {}, (meta(2, 3, 3),), (2, 3, 3)),
            ('_linalg_inverse', {}, (meta(3, 3),), (3, 3)),
            ('_linalg_det', {}, (meta(3, 3),), (1,)),
            ('_linalg_extracttrian', {}, (meta(2, 4, 4),), (2, 10)),
            ('_linalg_maketrian', {'offset': 1}, (meta(2, 6),), (2, 4, 4))]:
        op = get(name)
        r = op.compute(op.parse_attrs(kw), list(ins))
        assert tuple(r.shape) == shape, name


def test_linalg_numeric_gradients():
    L = nd.linalg
    rs = np.random.RandomState(8)
    m = rs.uniform(-1, 1, size=(2, 3, 3))
    spd = m @ np.swapaxes(m, -1, -2) + 3 * np.eye(3)
    tri = np.tril(rs.uniform(0.5, 1.5, size=(2, 3, 3))) + 2 * np.eye(3)
    b = rs.uniform(-1, 1, size=(2, 3, 2))
    # potrf/syevd read one triangle only but (as MXNet) return a symmetric gradient: check them
    # on symmetric inputs built from the packed lower triangle
    packed = np.ascontiguousarray(spd[:, np.tril_indices(3)[0], np.tril_indices(3)[1]])

    def sym(v):
        low = L.maketrian(v)
        return low + L.maketrian(v, lower=False) - L.makediag(L.extractdiag(low))
    cases = [
        (lambda x, y: nd.dot(x, y, transpose_b=True), [rs.uniform(size=(2, 3, 4)),
                                                       rs.uniform(size=(5, 4))]),
        (lambda x, y: nd.batch_dot(x, y), [rs.uniform(size=(2, 3, 4)), rs.uniform(size=(2, 4, 2))]),
        (lambda x, y, z: L.gemm(x, y, z, alpha=2, beta=0.5, transpose_a=True),
         [m, b, rs.uniform(size=(2, 3, 2))]),
        (lambda x: L.potrf(sym(x)), [packed]),
        (lambda x: L.potri(x), [tri]),
        (lambda x, y: L.trmm(x, y, alpha=2), [tri, b]),
        (lambda x, y: L.trsm(x, y, transpose=True), [tri, b]),
        (lambda x: L.sumlogdiag(x), [spd]),
        (lambda x: L.syrk(x, transpose=True), [b]),
        (lambda x: L.gelqf(x), [rs.uniform(-1, 1, size=(2, 2, 3))]),
        (lambda x: L.syevd(sym(x)), [packed]),
        (lambda x: L.inverse(x), [spd]),
        (lambda x: L.det(x), [m]),
        (lambda x: L.slogdet(x)[1], [m]),
        (lambda x: L.extracttrian(x, offset=1), [m]),
        (lambda x: L.maketrian(x, lower=False), [rs.uniform(size=(2, 6))]),
    ]
    for f, loc in cases:
        check_numeric_gradient(f, loc, dtype=np.float64, rtol=1e-4, atol=1e-6)
