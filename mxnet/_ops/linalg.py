"""Linear algebra operators: dot, batch_dot and the ``linalg_*`` family.

Every ``_linalg_X`` op (alias ``linalg_X``; ``_linalg_syevd`` has no alias in MXNet 1.9.1)
also appears as ``mx.nd.linalg.X``. The linalg ops work on the trailing two dimensions of
their inputs (leading dimensions are a batch that must match exactly), accept float32 and
float64 only, and read only the triangle they document (potrf, potri, trmm, trsm, syevd).
"""
import torch

from .registry import register, Param, OpError, dtype_name
from .params import Bool, Float, Int, OptStr

__all__ = []

_FLOAT = (torch.float32, torch.float64)



def _shp(t):
    return '[' + ','.join(str(d) for d in t.shape) + ']'


def _check_float(name, *ts):
    dt = ts[0].dtype
    for i, t in enumerate(ts):
        if t.dtype != dt:
            raise OpError('Error in operator %s: Incompatible attr at %d-th input: expected %s, '
                          'got %s' % (name, i, dtype_name(dt), dtype_name(t.dtype)))
    if dt not in _FLOAT:
        raise OpError('Error in operator %s: This operation only supports 32-bit and 64-bit '
                      'floating point, got %s' % (name, dtype_name(dt)))


def _check_mat(name, *ts, square=False):
    for t in ts:
        if t.dim() < 2:
            raise OpError('Error in operator %s: input must have at least 2 dimensions, got '
                          'shape %s' % (name, _shp(t)))
        if square and t.shape[-1] != t.shape[-2]:
            raise OpError("Error in operator %s: Input A's last two dimensions must be equal "
                          "(square matrices), got shape %s" % (name, _shp(t)))


def _not_meta(t):
    return t.device.type != 'meta'


# ---------------------------------------------------------------------------------------------
# dot / batch_dot

_DOT_PARAMS = dict(
    transpose_a=Param(Bool, False, 'If true then transpose the first input before dot.'),
    transpose_b=Param(Bool, False, 'If true then transpose the second input before dot.'),
    forward_stype=Param(OptStr, None, 'The desired storage type of the forward output given by '
                        'user (ignored: remx arrays are dense).',
                        choices=(None, 'csr', 'default', 'row_sparse')))


@register('dot', inputs=('lhs', 'rhs'), aliases=('_sparse_dot',), **_DOT_PARAMS,
          monitor_indexed_outputs=True)
def dot(a, lhs, rhs):
    """Dot product of two arrays.

    * 1-D with 1-D: inner product, shape (1,).
    * 2-D with 2-D: matrix product (``transpose_a``/``transpose_b`` transpose an input first).
    * N-D with M-D: contracts the *last* axis of ``lhs`` with the *first* axis of ``rhs``
      (result shape ``lhs.shape[:-1] + rhs.shape[1:]``); ``transpose_a`` makes the first axis
      of ``lhs`` the contracted one, ``transpose_b`` the last axis of ``rhs``.

    float32 and float64 only on CPU (as MXNet).

    Example::

        x = [[1, 2], [3, 4]];  y = [[1, 1], [1, 1]]
        dot(x, y) = [[3, 3], [7, 7]]
        dot(ones((2, 3, 4)), ones((4, 5))).shape = (2, 3, 5)
    """
    if lhs.dtype != rhs.dtype:
        raise OpError('Error in operator dot: Incompatible attr at 1-th input: expected %s, got '
                      '%s' % (dtype_name(lhs.dtype), dtype_name(rhs.dtype)))
    dt = lhs.dtype
    if dt not in _FLOAT and not (dt == torch.float16 and lhs.device.type == 'cuda'):
        raise OpError('Error in operator dot: dot only supports float32/float64 for CPU, and '
                      'float16/float32/float64 for GPU, got %s' % dtype_name(dt))
    ta, tb = a.transpose_a, a.transpose_b
    ln, rn = lhs.dim(), rhs.dim()
    if ln == 0 or rn == 0:
        raise OpError('Error in operator dot: inputs must have at least 1 dimension')
    if ln == 1 and rn == 1:
        if ta or tb:
            raise OpError('Error in operator dot: Cannot transpose vectors')
        if lhs.shape[0] != rhs.shape[0]:
            raise OpError('Error in operator dot: dot shape error: %s X %s'
                          % (_shp(lhs), _shp(rhs)))
        return torch.dot(lhs, rhs).reshape(1)
    if ln == 2 and rn == 2:
        l2 = lhs.t() if ta else lhs
        r2 = rhs.t() if tb else rhs
        if l2.shape[1] != r2.shape[0]:
            raise OpError('Error in operator dot: dot shape error: %s X %s (transpose_a=%s, '
                          'transpose_b=%s)' % (_shp(lhs), _shp(rhs), ta, tb))
        return torch.mm(l2, r2)
    if ln == 1:
        k, lout = lhs.shape[0], ()
        lm = lhs.reshape(1, k)
    elif not ta:
        k, lout = lhs.shape[-1], lhs.shape[:-1]
        lm = lhs.reshape(-1, k)
    else:
        k, lout = lhs.shape[0], lhs.shape[1:]
        lm = lhs.reshape(k, -1).t()
    if rn == 1:
        k2, rout = rhs.shape[0], ()
        rm = rhs.reshape(k2, 1)
    elif not tb:
        k2, rout = rhs.shape[0], rhs.shape[1:]
        rm = rhs.reshape(k2, -1)
    else:
        k2, rout = rhs.shape[-1], rhs.shape[:-1]
        rm = rhs.reshape(-1, k2).t()
    if k != k2:
        raise OpError('Error in operator dot: dot shape error: %s X %s (transpose_a=%s, '
                      'transpose_b=%s)' % (_shp(lhs), _shp(rhs), ta, tb))
    out = torch.mm(lm, rm)
    shape = tuple(lout) + tuple(rout)
    return out.reshape(shape or (1,))


@register('batch_dot', inputs=('lhs', 'rhs'), **_DOT_PARAMS, monitor_indexed_outputs=True)
def batch_dot(a, lhs, rhs):
    """Batchwise dot product of two N-D arrays (N >= 3).

    For ``lhs`` of shape ``(B..., M, K)`` and ``rhs`` of shape ``(B..., K, N)`` the result has
    shape ``(B..., M, N)``; ``transpose_a``/``transpose_b`` transpose the trailing two axes of
    an input first. The leading (batch) dimensions must be equal.

    Example::

        batch_dot(ones((2, 3, 4)), ones((2, 4, 5))).shape = (2, 3, 5)
    """
    if lhs.dtype != rhs.dtype:
        raise OpError('Error in operator batch_dot: Incompatible attr at 1-th input: expected '
                      '%s, got %s' % (dtype_name(lhs.dtype), dtype_name(rhs.dtype)))
    dt = lhs.dtype
    if dt not in _FLOAT and not (dt == torch.float16 and lhs.device.type == 'cuda'):
        raise OpError('Error in operator batch_dot: batch_dot only supports float32/float64 '
                      'for CPU, and float16/float32/float64 for GPU, got %s' % dtype_name(dt))
    if lhs.dim() < 3 or rhs.dim() < 3 or lhs.dim() != rhs.dim():
        raise OpError('Error in operator batch_dot: batch_dot currently only support N-D*N-D '
                      'array (N >= 3), got %s v.s. %s' % (_shp(lhs), _shp(rhs)))
    if lhs.shape[:-2] != rhs.shape[:-2]:
        raise OpError('Error in operator batch_dot: batch_dot shape error (the leading batch '
                      'dimensions must be equal): %s X %s' % (_shp(lhs), _shp(rhs)))
    l3 = lhs.transpose(-1, -2) if a.transpose_a else lhs
    r3 = rhs.transpose(-1, -2) if a.transpose_b else rhs
    if l3.shape[-1] != r3.shape[-2]:
        raise OpError('Error in operator batch_dot: batch_dot shape error (shape mismatch): %s X '
                      '%s trans_a=%d trans_b=%d' % (_shp(lhs), _shp(rhs), a.transpose_a,
                                                   a.transpose_b))
    return torch.matmul(l3, r3)


# ---------------------------------------------------------------------------------------------
# gemm / gemm2

def _gemm_prep(name, A, B, axis, ta, tb, C=None):
    ts = (A, B) if C is None else (A, B, C)
    _check_float(name, *ts)
    _check_mat(name, *ts)
    nd_ = A.dim()
    for t in ts[1:]:
        if t.dim() != nd_:
            raise OpError('Error in operator %s: all inputs must have the same number of '
                          'dimensions, got %s' % (name, ' '.join(_shp(x) for x in ts)))
    ax = axis + nd_ if axis < 0 else axis
    if ax < 0 or ax >= nd_ - 1:
        raise OpError('Error in operator %s: axis %d out of range for inputs of %d dimensions '
                      '(the row axis must come before the last axis)' % (name, axis, nd_))
    if ax != nd_ - 2:
        A = A.movedim(ax, -2)
        B = B.movedim(ax, -2)
        if C is not None:
            C = C.movedim(ax, -2)
    if A.shape[:-2] != B.shape[:-2] or (C is not None and C.shape[:-2] != A.shape[:-2]):
        raise OpError('Error in operator %s: Shapes of inputs must be the same, except on '
                      'row/col axis, got %s' % (name, ' '.join(_shp(x) for x in ts)))
    Am = A.transpose(-1, -2) if ta else A
    Bm = B.transpose(-1, -2) if tb else B
    if Am.shape[-1] != Bm.shape[-2]:
        raise OpError('Error in operator %s: Incompatible matrix dimensions for multiplication: '
                      '%s X %s (transpose_a=%s, transpose_b=%s)'
                      % (name, _shp(ts[0]), _shp(ts[1]), ta, tb))
    if C is not None and C.shape[-2:] != (Am.shape[-2], Bm.shape[-1]):
        raise OpError('Error in operator %s: C has shape %s, expected matrices of %s'
                      % (name, _shp(ts[2]), [Am.shape[-2], Bm.shape[-1]]))
    return Am, Bm, C, ax, nd_


_GEMM_COMMON = dict(
    transpose_a=Param(Bool, False, 'Multiply with transposed of first input (A).'),
    transpose_b=Param(Bool, False, 'Multiply with transposed of second input (B).'),
    alpha=Param(Float, 1.0, 'Scalar factor multiplied with A*B.'))


@register('_linalg_gemm', aliases=('linalg_gemm',), inputs=('A', 'B', 'C'),
          monitor_indexed_outputs=True,
          **dict(_GEMM_COMMON, beta=Param(Float, 1.0, 'Scalar factor multiplied with C.'),
                 axis=Param(Int, -2, 'Axis corresponding to the matrix rows.')))
def linalg_gemm(a, A, B, C):
    """General matrix multiplication and accumulation: ``out = alpha * op(A) * op(B) + beta * C``.

    ``op`` transposes when ``transpose_a``/``transpose_b`` is set. Inputs of more than two
    dimensions are batches of matrices; ``axis`` names the matrix-row axis (default -2, the
    column axis is always the last).

    Example::

        A = [[1., 1.], [1., 1.]];  B = [[1., 1.], [1., 1.]];  C = [[1., 1.], [1., 1.]]
        gemm(A, B, C, transpose_b=True, alpha=2.0, beta=10.0) = [[14., 14.], [14., 14.]]
    """
    Am, Bm, Cm, ax, nd_ = _gemm_prep('_linalg_gemm', A, B, a.axis, a.transpose_a,
                                     a.transpose_b, C)
    out = torch.matmul(Am, Bm)
    if a.alpha != 1.0:
        out = out * a.alpha
    out = out + (Cm * a.beta if a.beta != 1.0 else Cm)
    return out.movedim(-2, ax) if ax != nd_ - 2 else out


@register('_linalg_gemm2', aliases=('linalg_gemm2',), inputs=('A', 'B'),
          monitor_indexed_outputs=True,
          **dict(_GEMM_COMMON, axis=Param(Int, -2, 'Axis corresponding to the matrix row '
                                          'indices.')))
def linalg_gemm2(a, A, B):
    """General matrix multiplication: ``out = alpha * op(A) * op(B)``.

    Batch and ``axis`` rules as for ``gemm``.

    Example::

        A = [[1., 1.], [1., 1.]];  B = [[1., 1.], [1., 1.]]
        gemm2(A, B, transpose_b=True, alpha=2.0) = [[4., 4.], [4., 4.]]
    """
    Am, Bm, _, ax, nd_ = _gemm_prep('_linalg_gemm2', A, B, a.axis, a.transpose_a,
                                    a.transpose_b)
    out = torch.matmul(Am, Bm)
    if a.alpha != 1.0:
        out = out * a.alpha
    return out.movedim(-2, ax) if ax != nd_ - 2 else out


# ---------------------------------------------------------------------------------------------
# Cholesky family

_CHOLESKY_LOWER = Param(Bool, True, 'True if the triangular matrix is lower triangular, false '
                        'if it is upper triangular')


@register('_linalg_potrf', aliases=('linalg_potrf',), inputs=('A',), lower=_CHOLESKY_LOWER,
          monitor_indexed_outputs=True)
def linalg_potrf(a, A):
    """Cholesky factorization of symmetric positive-definite matrices: ``A = L * L^T``.

    Returns the lower-triangular ``L``, reading only the lower triangle of ``A``; with
    ``lower=False`` the upper-triangular ``U`` with ``A = U^T * U``, reading the upper
    triangle. Batched over leading dimensions.

    Example::

        A = [[4., 2.], [2., 5.]]
        potrf(A) = [[2., 0.], [1., 2.]]
        potrf(A, lower=False) = [[2., 1.], [0., 2.]]
    """
    _check_float('_linalg_potrf', A)
    _check_mat('_linalg_potrf', A, square=True)
    L, info = torch.linalg.cholesky_ex(A, upper=not a.lower)
    if _not_meta(info) and bool(info.any()):
        raise OpError('Error in operator _linalg_potrf: potrf failed: the input matrix %s is '
                      'not symmetric positive definite' % _shp(A))
    return L


@register('_linalg_potri', aliases=('linalg_potri',), inputs=('A',), lower=_CHOLESKY_LOWER,
          monitor_indexed_outputs=True)
def linalg_potri(a, A):
    """Inverse of a matrix from its Cholesky factor: ``out = (A * A^T)^-1``.

    ``A`` is lower triangular (the output of ``potrf``); only its lower triangle is read. With
    ``lower=False`` ``A`` is the upper factor ``U`` (only its upper triangle is read) and
    ``out = (U^T * U)^-1``.

    Example::

        A = [[2., 0.], [0.5, 2.]]
        potri(A) = [[0.26563, -0.0625], [-0.0625, 0.25]]
    """
    _check_float('_linalg_potri', A)
    _check_mat('_linalg_potri', A, square=True)
    # the lower factor L (for lower=False, L = U^T)
    Lt = torch.tril(A) if a.lower else torch.triu(A).transpose(-1, -2)
    inv = torch.linalg.solve_triangular(Lt, torch.eye(A.shape[-1], dtype=A.dtype,
                                                      device=A.device).expand_as(A),
                                        upper=False)
    return inv.transpose(-1, -2) @ inv


def _tri(A, lower):
    return torch.tril(A) if lower else torch.triu(A)


_TRI_PARAMS = dict(
    transpose=Param(Bool, False, 'Use transposed of the triangular matrix'),
    rightside=Param(Bool, False, 'Multiply triangular matrix from the right to non-triangular '
                    'one.'),
    lower=Param(Bool, True, 'True if the triangular matrix is lower triangular, false if it is '
                'upper triangular.'),
    alpha=Param(Float, 1.0, 'Scalar factor to be applied to the result.'))


def _tri_check(name, A, B, rightside, transpose):
    _check_float(name, A, B)
    _check_mat(name, A, B)
    _check_mat(name, A, square=True)
    if A.dim() != B.dim() or A.shape[:-2] != B.shape[:-2]:
        raise OpError('Error in operator %s: batch dimensions of A %s and B %s must be equal'
                      % (name, _shp(A), _shp(B)))
    n = A.shape[-1]
    if (B.shape[-1] if rightside else B.shape[-2]) != n:
        raise OpError('Error in operator %s: shapes of A %s and B %s do not fit (rightside=%s)'
                      % (name, _shp(A), _shp(B), rightside))


@register('_linalg_trmm', aliases=('linalg_trmm',), inputs=('A', 'B'), **_TRI_PARAMS,
          monitor_indexed_outputs=True)
def linalg_trmm(a, A, B):
    """Multiplication with a triangular matrix: ``out = alpha * op(A) * B`` (or
    ``alpha * B * op(A)`` with ``rightside=True``).

    Only the triangle of ``A`` given by ``lower`` is read; ``op`` transposes when
    ``transpose=True``.

    Example::

        A = [[1., 0.], [1., 1.]];  B = [[1., 1., 1.], [1., 1., 1.]]
        trmm(A, B, alpha=2.0) = [[2., 2., 2.], [4., 4., 4.]]
    """
    _tri_check('_linalg_trmm', A, B, a.rightside, a.transpose)
    T = _tri(A, a.lower)
    if a.transpose:
        T = T.transpose(-1, -2)
    out = B @ T if a.rightside else T @ B
    return out * a.alpha if a.alpha != 1.0 else out


@register('_linalg_trsm', aliases=('linalg_trsm',), inputs=('A', 'B'), **_TRI_PARAMS,
          monitor_indexed_outputs=True)
def linalg_trsm(a, A, B):
    """Solves a triangular system: ``out = alpha * op(A)^-1 * B`` (or
    ``alpha * B * op(A)^-1`` with ``rightside=True``).

    Only the triangle of ``A`` given by ``lower`` is read.

    Example::

        A = [[1., 0.], [1., 1.]];  B = [[2., 2., 2.], [4., 4., 4.]]
        trsm(A, B, alpha=0.5) = [[1., 1., 1.], [1., 1., 1.]]
    """
    _tri_check('_linalg_trsm', A, B, a.rightside, a.transpose)
    T = _tri(A, a.lower)
    upper = not a.lower
    if a.transpose:
        T = T.transpose(-1, -2)
        upper = not upper
    Bs = B * a.alpha if a.alpha != 1.0 else B
    return torch.linalg.solve_triangular(T, Bs, upper=upper, left=not a.rightside)


@register('_linalg_sumlogdiag', aliases=('linalg_sumlogdiag',), inputs=('A',),
          monitor_indexed_outputs=True)
def linalg_sumlogdiag(a, A):
    """Sum of the natural logarithms of the diagonal elements of square matrices.

    A 2-D input gives shape (1,); leading dimensions are kept as a batch.

    Example::

        A = [[1., 1.], [1., 7.]]
        sumlogdiag(A) = [1.9459]
    """
    _check_float('_linalg_sumlogdiag', A)
    _check_mat('_linalg_sumlogdiag', A, square=True)
    r = torch.log(torch.diagonal(A, 0, -2, -1)).sum(-1)
    return r.reshape(1) if r.dim() == 0 else r


@register('_linalg_syrk', aliases=('linalg_syrk',), inputs=('A',),
          monitor_indexed_outputs=True,
          transpose=Param(Bool, False, 'Use transpose of input matrix.'),
          alpha=Param(Float, 1.0, 'Scalar factor to be applied to the result.'))
def linalg_syrk(a, A):
    """Multiplication of a matrix with its transpose: ``out = alpha * A * A^T`` (or
    ``alpha * A^T * A`` with ``transpose=True``).

    Example::

        A = [[1., 2., 3.], [4., 5., 6.]]
        syrk(A) = [[14., 32.], [32., 77.]]
    """
    _check_float('_linalg_syrk', A)
    _check_mat('_linalg_syrk', A)
    At = A.transpose(-1, -2)
    out = At @ A if a.transpose else A @ At
    return out * a.alpha if a.alpha != 1.0 else out


# ---------------------------------------------------------------------------------------------
# factorizations

@register('_linalg_gelqf', aliases=('linalg_gelqf',), inputs=('A',), num_outputs=2,
          monitor_indexed_outputs=True)
def linalg_gelqf(a, A):
    """LQ factorization of matrices with at most as many rows as columns: ``A = L * Q``.

    For ``A`` of shape ``(m, n)``, ``m <= n``, returns ``[Q, L]``: ``Q`` of shape ``(m, n)``
    with orthonormal rows and lower-triangular ``L`` of shape ``(m, m)``, with LAPACK's
    (Householder) sign conventions.

    Example::

        A = [[1., 2., 3.], [4., 5., 6.]]
        Q, L = gelqf(A)
        Q = [[-0.26726124, -0.53452248, -0.80178373], [0.87287156, 0.21821789, -0.43643578]]
        L = [[-3.74165739, 0.], [-8.55235974, 1.96396101]]
    """
    _check_float('_linalg_gelqf', A)
    _check_mat('_linalg_gelqf', A)
    if A.shape[-2] > A.shape[-1]:
        raise OpError('Error in operator _linalg_gelqf: Input A shape wrong: Last dimension '
                      'must be >= than second to last, got %s' % _shp(A))
    Qt, R = torch.linalg.qr(A.transpose(-1, -2), mode='reduced')
    return Qt.transpose(-1, -2), R.transpose(-1, -2)


@register('_linalg_syevd', inputs=('A',), num_outputs=2, monitor_indexed_outputs=True)
def linalg_syevd(a, A):
    """Eigendecomposition of symmetric matrices: ``A = U^T * diag(L) * U``.

    Returns ``[U, L]``: the rows of ``U`` are orthonormal eigenvectors and ``L`` the
    eigenvalues in ascending order. Only the lower triangle of ``A`` is read. Each row of
    ``U`` is signed so that its entry of largest magnitude (the first such on ties) is
    positive, as MXNet does.

    Example::

        A = [[1., 2.], [2., 4.]]
        U, L = syevd(A)
        U = [[0.89442719, -0.4472136], [0.4472136, 0.89442719]];  L = [0., 5.]
    """
    _check_float('_linalg_syevd', A)
    _check_mat('_linalg_syevd', A, square=True)
    w, V = torch.linalg.eigh(A)
    U = V.transpose(-1, -2)
    Ud = U.detach()
    s = torch.gather(Ud, -1, Ud.abs().argmax(-1, keepdim=True)).sign()
    return U * s, w


@register('_linalg_inverse', aliases=('linalg_inverse',), inputs=('A',),
          monitor_indexed_outputs=True)
def linalg_inverse(a, A):
    """Inverse of square matrices (batched over leading dimensions).

    Example::

        A = [[1., 4.], [2., 3.]]
        inverse(A) = [[-0.6, 0.8], [0.4, -0.2]]
    """
    _check_float('_linalg_inverse', A)
    _check_mat('_linalg_inverse', A, square=True)
    inv, info = torch.linalg.inv_ex(A)
    if _not_meta(info) and bool(info.any()):
        raise OpError('Error in operator _linalg_inverse: the input matrix is singular '
                      '(non-invertible), shape %s' % _shp(A))
    return inv


@register('_linalg_det', aliases=('linalg_det',), inputs=('A',),
          total_outputs=3, indexed_output_name=True, monitor_indexed_outputs=True)
def linalg_det(a, A):
    """Determinant of square matrices. A 2-D input gives shape (1,).

    Example::

        A = [[1., 4.], [2., 3.]]
        det(A) = [-5.]
    """
    _check_float('_linalg_det', A)
    _check_mat('_linalg_det', A, square=True)
    r = torch.linalg.det(A)
    return r.reshape(1) if r.dim() == 0 else r


@register('_linalg_slogdet', aliases=('linalg_slogdet',), inputs=('A',), num_outputs=2,
          total_outputs=4, monitor_indexed_outputs=True)
def linalg_slogdet(a, A):
    """Sign and natural logarithm of the absolute value of the determinant.

    Returns ``[sign, logabsdet]``; a 2-D input gives shapes (1,).

    Example::

        A = [[2., 3.], [1., 4.]]
        sign, logabsdet = slogdet(A)
        sign = [1.];  logabsdet = [1.609438]
    """
    _check_float('_linalg_slogdet', A)
    _check_mat('_linalg_slogdet', A, square=True)
    s, l = torch.linalg.slogdet(A)
    if s.dim() == 0:
        return s.reshape(1), l.reshape(1)
    return s, l


# ---------------------------------------------------------------------------------------------
# diagonal / triangle extraction

def _diag_len(name, A, offset):
    n = A.shape[-1] - abs(offset)
    if n <= 0:
        raise OpError('Error in operator %s: Illegal offset %d for diag/trian extraction of '
                      'matrix with dimension %d' % (name, offset, A.shape[-1]))
    return n


@register('_linalg_extractdiag', aliases=('linalg_extractdiag',), inputs=('A',),
          monitor_indexed_outputs=True,
          offset=Param(Int, 0, 'Offset of the diagonal versus the main diagonal. 0 corresponds '
                       'to the main diagonal, a negative/positive value to diagonals below/above '
                       'the main diagonal.'))
def linalg_extractdiag(a, A):
    """Extracts a diagonal of square matrices as a vector (batched).

    Example::

        A = [[1., 2.], [3., 4.]]
        extractdiag(A) = [1., 4.];  extractdiag(A, 1) = [2.]
    """
    _check_float('_linalg_extractdiag', A)
    _check_mat('_linalg_extractdiag', A, square=True)
    _diag_len('_linalg_extractdiag', A, a.offset)
    return torch.diagonal(A, a.offset, -2, -1).clone()


@register('_linalg_makediag', aliases=('linalg_makediag',), inputs=('A',),
          monitor_indexed_outputs=True,
          offset=Param(Int, 0, 'Offset of the diagonal versus the main diagonal. 0 corresponds '
                       'to the main diagonal, a negative/positive value to diagonals below/above '
                       'the main diagonal.'))
def linalg_makediag(a, A):
    """Builds square matrices with the input (last axis) on a diagonal, zeros elsewhere.

    Example::

        A = [1., 2.]
        makediag(A) = [[1., 0.], [0., 2.]]
        makediag(A, 1) = [[0., 1., 0.], [0., 0., 2.], [0., 0., 0.]]
    """
    _check_float('_linalg_makediag', A)
    if A.dim() < 1:
        raise OpError('Error in operator _linalg_makediag: input must have at least 1 dimension')
    return torch.diag_embed(A, a.offset, -2, -1)


_TRIAN_IDX = {}


def _trian_index(n, offset, lower, device):
    """Row/col index tensors of the elements extracttrian packs, in MXNet's order."""
    key = (n, offset, lower, device)
    hit = _TRIAN_IDX.get(key)
    if hit is None:
        up = offset > 0 or (offset == 0 and not lower)
        k = -abs(offset)
        r, c = torch.tril_indices(n, n, k, device=device)
        hit = (c, r) if up else (r, c)
        if len(_TRIAN_IDX) > 256:
            _TRIAN_IDX.clear()
        _TRIAN_IDX[key] = hit
    return hit


_TRIAN_PARAMS = dict(
    offset=Param(Int, 0, 'Offset of the diagonal versus the main diagonal. 0 corresponds to the '
                 'main diagonal, a negative/positive value to diagonals below/above the main '
                 'diagonal.'),
    lower=Param(Bool, True, 'Refer to the lower triangular matrix if lower=true, refer to the '
                'upper otherwise. Only relevant when offset=0'))


@register('_linalg_extracttrian', aliases=('linalg_extracttrian',), inputs=('A',),
          monitor_indexed_outputs=True,
          **_TRIAN_PARAMS)
def linalg_extracttrian(a, A):
    """Packs a triangle of square matrices into a vector (batched).

    ``offset < 0`` takes the part below the ``offset``-th diagonal, ``offset > 0`` the part
    above it, ``offset == 0`` the lower (``lower=True``) or upper triangle including the
    diagonal. A lower part is packed row by row, an upper part column by column.

    Example::

        A = [[1., 2.], [3., 4.]]
        extracttrian(A) = [1., 3., 4.]
        extracttrian(A, lower=False) = [1., 2., 4.]
        extracttrian(A, 1) = [2.]
    """
    _check_float('_linalg_extracttrian', A)
    _check_mat('_linalg_extracttrian', A, square=True)
    _diag_len('_linalg_extracttrian', A, a.offset)
    r, c = _trian_index(A.shape[-1], a.offset, a.lower, A.device)
    return A[..., r, c]


@register('_linalg_maketrian', aliases=('linalg_maketrian',), inputs=('A',), **_TRIAN_PARAMS)
def linalg_maketrian(a, A):
    """Unpacks vectors (last axis) into triangular matrices, the inverse of ``extracttrian``.

    A last axis of length ``m*(m+1)/2`` gives matrices of size ``m + |offset|``.

    Example::

        A = [1., 2., 3.]
        maketrian(A) = [[1., 0.], [2., 3.]]
        maketrian(A, lower=False) = [[1., 2.], [0., 3.]]
        maketrian(A, offset=1) = [[0., 1., 2.], [0., 0., 3.], [0., 0., 0.]]
    """
    _check_float('_linalg_maketrian', A)
    if A.dim() < 1:
        raise OpError('Error in operator _linalg_maketrian: input must have at least 1 '
                      'dimension')
    cnt = A.shape[-1]
    m = int(((8 * cnt + 1) ** 0.5 - 1) / 2 + 0.5)
    if m * (m + 1) // 2 != cnt:
        raise OpError('Error in operator _linalg_maketrian: Input tensor of maketrian has an '
                      'invalid dimension for the last axis: %d is not a triangular number'
                      % cnt)
    n = m + abs(a.offset)
    r, c = _trian_index(n, a.offset, a.lower, A.device)
    out = A.new_zeros(A.shape[:-1] + (n, n))
    out[..., r, c] = A
    return out
