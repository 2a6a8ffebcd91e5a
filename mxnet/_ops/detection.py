"""Detection operators from MXNet's contrib: ROIAlign, RROIAlign, PSROIPooling,
DeformableConvolution, Proposal and MultiProposal.

Conventions (MXNet's CPU kernels):

* ROI rows are ``[batch_index, x1, y1, x2, y2]`` (RROIAlign: ``[batch_index, cx, cy, w, h,
  angle_degrees]``) in image coordinates scaled by ``spatial_scale``; rois get no gradient.
* bilinear samples outside ``(-1, H) x (-1, W)`` are 0, samples in ``[-1, 0)`` clamp to 0 and
  samples past the last row / column use it (MXNet's ``bilinear_interpolate``).
* the pooling ops are written as two small weight matrices per ROI (one over the rows, one over
  the columns) contracted with the feature map, so torch's autograd gives MXNet's data gradient.
"""
import math

import numpy as np
import torch
import torch.nn.functional as F

from .registry import register, Param, OpError
from .params import Float, Bool, Int, Shape, FloatTuple, OptStr

__all__ = []


def _err(op, msg):
    return OpError('Error in operator %s: %s' % (op, msg))


class _ZeroGradLink(torch.autograd.Function):
    """Passes ``out`` through unchanged; the extra inputs (rois) get a zero gradient."""

    @staticmethod
    def forward(ctx, out, *srcs):
        ctx.meta = [(s.shape, s.dtype, s.device) for s in srcs]
        return out.view_as(out)

    @staticmethod
    def backward(ctx, g):
        return (g,) + tuple(torch.zeros(s, dtype=d, device=v) for s, d, v in ctx.meta)


def _link(out, *srcs):
    srcs = [s for s in srcs if s is not None and s.requires_grad]
    if not srcs or not torch.is_grad_enabled():
        return out
    if not out.requires_grad:
        from .registry import _link_zero_grad
        return _link_zero_grad(out, srcs)
    return _ZeroGradLink.apply(out, *srcs)


def _check_rois(op, data, rois, ncol):
    if data.dim() != 4:
        raise _err(op, 'data should be 4D (batch, channel, height, width), got %s'
                   % list(data.shape))
    if rois.dim() != 2 or rois.shape[1] != ncol:
        raise _err(op, 'rois should be 2D (num_rois, %d), got %s' % (ncol, list(rois.shape)))


def _interp_weights(coord, size, valid_extra=None):
    """Bilinear weights of sample coordinates ``coord`` (..., S) along an axis of ``size``
    cells: (..., S, size), MXNet's boundary rules."""
    valid = (coord >= -1.0) & (coord <= size)
    if valid_extra is not None:
        valid = valid & valid_extra
    c = coord.clamp(min=0.0)
    low = c.floor()
    at_end = low >= size - 1
    low = torch.where(at_end, torch.full_like(low, size - 1), low)
    c = torch.where(at_end, low, c)
    frac = c - low
    lo = low.long().clamp(0, size - 1)
    hi = torch.where(at_end, lo, (lo + 1).clamp(max=size - 1))
    w = torch.zeros(coord.shape + (size,), dtype=coord.dtype, device=coord.device)
    vm = valid.to(coord.dtype)
    w.scatter_add_(-1, lo.unsqueeze(-1), ((1.0 - frac) * vm).unsqueeze(-1))
    w.scatter_add_(-1, hi.unsqueeze(-1), (frac * vm).unsqueeze(-1))
    return w


def _pool_by_batch(data, rows, cols, bidx):
    """out[r, c, p, q] = sum_h sum_w rows[r, p, h] * data[bidx[r], c, h, w] * cols[r, q, w]."""
    r = rows.shape[0]
    out = data.new_zeros((r, data.shape[1], rows.shape[1], cols.shape[1]))
    if r == 0:
        return out
    rows = rows.to(data.dtype)
    cols = cols.to(data.dtype)
    pieces = []
    order = []
    for b in torch.unique(bidx).tolist():
        sel = torch.nonzero(bidx == b).reshape(-1)
        # (einsum is an order of magnitude slower than matmul on these small operands)
        t = torch.matmul(rows.index_select(0, sel).unsqueeze(1), data[b].unsqueeze(0))
        pieces.append(torch.matmul(t, cols.index_select(0, sel).transpose(1, 2).unsqueeze(1)))
        order.append(sel)
    sel = torch.cat(order)
    res = torch.cat(pieces)
    inv = torch.empty_like(sel)
    inv[sel] = torch.arange(sel.numel(), device=sel.device)
    return res.index_select(0, inv)


def _batch_index(op, rois, n):
    b = rois[:, 0].detach().long()
    if b.numel() and (int(b.min()) < 0 or int(b.max()) >= n):
        raise _err(op, 'roi batch index out of range for batch size %d' % n)
    return b


def _select_ps(full, cout, ph, pw, group=None):
    """Position-sensitive channel selection: out[r, c, i, j] = full[r, ch(c, i, j), i, j]."""
    r = full.shape[0]
    gh = group or ph
    gw = group or pw
    ii = torch.arange(ph, device=full.device)
    jj = torch.arange(pw, device=full.device)
    gi = (ii * gh // ph).clamp(0, gh - 1)
    gj = (jj * gw // pw).clamp(0, gw - 1)
    cc = torch.arange(cout, device=full.device)
    ch = (cc.view(-1, 1, 1) * gh + gi.view(1, -1, 1)) * gw + gj.view(1, 1, -1)   # (cout, ph, pw)
    idx = ch.unsqueeze(0).expand(r, cout, ph, pw)
    # gather along channels, then pick the (i, j) diagonal
    flat = full.reshape(r, full.shape[1], ph * pw)
    pos = (ii.view(-1, 1) * pw + jj.view(1, -1)).view(1, 1, ph, pw).expand(r, cout, ph, pw)
    lin = idx * (ph * pw) + pos
    return flat.reshape(r, -1).gather(1, lin.reshape(r, -1)).reshape(r, cout, ph, pw)


# ---------------------------------------------------------------------------------------------
# ROIAlign
def _grid_axis(start, bin_size, n_bins, grid):
    """Sample coordinates (R, n_bins, G) of an axis, with G = max grid and the mask of the
    samples each ROI uses (its own grid size)."""
    gmax = int(grid.max()) if grid.numel() else 1
    gmax = max(gmax, 1)
    p = torch.arange(n_bins, dtype=start.dtype, device=start.device).view(1, -1, 1)
    i = torch.arange(gmax, dtype=start.dtype, device=start.device).view(1, 1, -1)
    g = grid.to(start.dtype).view(-1, 1, 1)
    coord = start.view(-1, 1, 1) + p * bin_size.view(-1, 1, 1) + \
        (i + 0.5) * bin_size.view(-1, 1, 1) / g
    mask = (i < g).expand(coord.shape)
    return coord, mask


@register('_contrib_ROIAlign', inputs=('data', 'rois'),
          pooled_size=Param(Shape, doc='ROI Align output roi feature map height and width: '
                                       '(h, w)'),
          spatial_scale=Param(Float, doc='Ratio of input feature map height (or width) to raw '
                                         'image height (or width). Equals the reciprocal of '
                                         'total stride in convolutional layers'),
          sample_ratio=Param(Int, -1, 'Optional sampling ratio of ROI align, using adaptive '
                                      'size by default.'),
          position_sensitive=Param(Bool, False, 'Whether to perform position-sensitive RoI '
                                                'pooling. PSRoIPooling is first proposaled by '
                                                'R-FCN and it can reduce the number of channels'),
          aligned=Param(Bool, False, 'Center-aligned ROIAlign introduced in Detectron2. To '
                                     'enable, set aligned to True.'))
def roi_align(a, data, rois):
    """Region of interest alignment (Mask R-CNN): each ROI is divided into ``pooled_size`` bins
    and each bin averages ``sample_ratio x sample_ratio`` bilinear samples (adaptive:
    ``ceil(roi_size / pooled_size)`` per axis). Output ``(num_rois, C, ph, pw)``, or with
    ``position_sensitive`` ``(num_rois, C / (ph * pw), ph, pw)``."""
    op = '_contrib_ROIAlign'
    _check_rois(op, data, rois, 5)
    ps = a.pooled_size
    if len(ps) != 2 or min(ps) < 1:
        raise _err(op, 'pooled_size must be (h, w) with positive entries, got %s' % (ps,))
    ph, pw = ps
    n, c, h, w = data.shape
    if a.position_sensitive and c % (ph * pw):
        raise _err(op, 'channels %d must be a multiple of pooled_size h * w = %d'
                   % (c, ph * pw))
    cout = c // (ph * pw) if a.position_sensitive else c
    if data.device.type == 'meta':
        return data.new_empty((rois.shape[0], cout, ph, pw))
    bidx = _batch_index(op, rois, n)
    ct = torch.float64 if data.dtype == torch.float64 else torch.float32
    r = rois.detach().to(ct)
    off = 0.5 if a.aligned else 0.0
    x1 = r[:, 1] * a.spatial_scale - off
    y1 = r[:, 2] * a.spatial_scale - off
    x2 = r[:, 3] * a.spatial_scale - off
    y2 = r[:, 4] * a.spatial_scale - off
    rw, rh = x2 - x1, y2 - y1
    if not a.aligned:
        rw, rh = rw.clamp(min=1.0), rh.clamp(min=1.0)
    bh, bw = rh / ph, rw / pw
    if a.sample_ratio > 0:
        gh = torch.full_like(rh, a.sample_ratio).long()
        gw = gh.clone()
    else:
        gh = torch.ceil(rh / ph).long()
        gw = torch.ceil(rw / pw).long()
    ys, my = _grid_axis(y1, bh, ph, gh)
    xs, mx_ = _grid_axis(x1, bw, pw, gw)
    # row / column weights, averaged over the samples of a bin
    wy = (_interp_weights(ys, h) * my.unsqueeze(-1)).sum(2) / gh.clamp(min=1).to(ct).view(-1, 1, 1)
    wx = (_interp_weights(xs, w) * mx_.unsqueeze(-1)).sum(2) / gw.clamp(min=1).to(ct).view(-1, 1, 1)
    full = _pool_by_batch(data, wy, wx, bidx)
    if a.position_sensitive:
        full = _select_ps(full, cout, ph, pw)
    return _link(full, rois)


@register('_contrib_RROIAlign', inputs=('data', 'rois'),
          pooled_size=Param(Shape, doc='RROI align output shape (h,w) '),
          spatial_scale=Param(Float, doc='Ratio of input feature map height (or width) to raw '
                                         'image height (or width). Equals the reciprocal of '
                                         'total stride in convolutional layers'),
          sampling_ratio=Param(Int, -1, 'Optional sampling ratio of RROI align, using adaptive '
                                        'size by default.'),
          differentiable=False)
def rroi_align(a, data, rois):
    """Rotated region of interest alignment: rois ``[batch_index, cx, cy, w, h, angle]``
    (angle in degrees); each rotated ROI is divided into ``pooled_size`` bins averaging
    bilinear samples as in ROIAlign. Forward only (MXNet's CPU kernel has no gradient)."""
    op = '_contrib_RROIAlign'
    _check_rois(op, data, rois, 6)
    ps = a.pooled_size
    if len(ps) != 2 or min(ps) < 1:
        raise _err(op, 'pooled_size must be (h, w) with positive entries, got %s' % (ps,))
    ph, pw = ps
    n, c, h, w = data.shape
    R = rois.shape[0]
    if data.device.type == 'meta':
        return data.new_empty((R, c, ph, pw))
    out = data.new_zeros((R, c, ph, pw))
    if R == 0:
        return out
    bidx = _batch_index(op, rois, n)
    ct = torch.float64 if data.dtype == torch.float64 else torch.float32
    r = rois.detach().to(ct)
    cx, cy = r[:, 1] * a.spatial_scale, r[:, 2] * a.spatial_scale
    rw = (r[:, 3] * a.spatial_scale).clamp(min=1.0)
    rh = (r[:, 4] * a.spatial_scale).clamp(min=1.0)
    theta = r[:, 5] * math.pi / 180.0
    bh, bw = rh / ph, rw / pw
    if a.sampling_ratio > 0:
        gh = torch.full_like(rh, a.sampling_ratio).long()
        gw = gh.clone()
    else:
        gh = torch.ceil(rh / ph).long()
        gw = torch.ceil(rw / pw).long()
    yy, my = _grid_axis(-rh / 2.0, bh, ph, gh)      # (R, ph, GH)
    xx, mx_ = _grid_axis(-rw / 2.0, bw, pw, gw)     # (R, pw, GW)
    cos = torch.cos(theta).view(-1, 1, 1, 1, 1)
    sin = torch.sin(theta).view(-1, 1, 1, 1, 1)
    Y = yy.view(R, ph, -1, 1, 1)
    X = xx.view(R, 1, 1, pw, -1)
    xs = X * cos + Y * sin + cx.view(-1, 1, 1, 1, 1)     # (R, ph, GH, pw, GW)
    ys = Y * cos - X * sin + cy.view(-1, 1, 1, 1, 1)
    mask = (my.view(R, ph, -1, 1, 1) & mx_.view(R, 1, 1, pw, -1)).to(ct)
    vals = _bilinear_sample(data.detach().to(ct), bidx, ys, xs)        # (R, C, ph, GH, pw, GW)
    vals = (vals * mask.unsqueeze(1)).sum((3, 5))
    cnt = (gh * gw).clamp(min=1).to(ct).view(-1, 1, 1, 1)
    return (vals / cnt).to(data.dtype)


def _bilinear_sample(data, bidx, ys, xs):
    """MXNet's bilinear_interpolate at (ys, xs) (R, ...) of image bidx[r]: (R, C, ...)."""
    n, c, h, w = data.shape
    R = ys.shape[0]
    shp = ys.shape[1:]
    y = ys.reshape(R, -1)
    x = xs.reshape(R, -1)
    valid = ((y >= -1.0) & (y <= h) & (x >= -1.0) & (x <= w)).to(data.dtype)
    y = y.clamp(min=0.0)
    x = x.clamp(min=0.0)
    yl, xl = y.floor(), x.floor()
    yend, xend = yl >= h - 1, xl >= w - 1
    yl = torch.where(yend, torch.full_like(yl, h - 1), yl)
    xl = torch.where(xend, torch.full_like(xl, w - 1), xl)
    y = torch.where(yend, yl, y)
    x = torch.where(xend, xl, x)
    ly, lx = y - yl, x - xl
    yl, xl = yl.long(), xl.long()
    yh = torch.where(yend, yl, yl + 1).clamp(max=h - 1)
    xh = torch.where(xend, xl, xl + 1).clamp(max=w - 1)
    img = data.index_select(0, bidx).reshape(R, c, h * w)

    def at(yi, xi):
        return img.gather(2, (yi * w + xi).unsqueeze(1).expand(R, c, yi.shape[1]))
    v = (at(yl, xl) * ((1 - ly) * (1 - lx)).unsqueeze(1) + at(yl, xh) * ((1 - ly) * lx).unsqueeze(1)
         + at(yh, xl) * (ly * (1 - lx)).unsqueeze(1) + at(yh, xh) * (ly * lx).unsqueeze(1))
    v = v * valid.unsqueeze(1)
    return v.reshape((R, c) + tuple(shp))


# ---------------------------------------------------------------------------------------------
# PSROIPooling
def _cround(t):
    """C's round(): halves away from zero."""
    return torch.sign(t) * torch.floor(t.abs() + 0.5)


def _bin_masks(start, bin_size, n_bins, size):
    """0/1 masks (R, n_bins, size) of the cells floor(start + p*bin) .. ceil(start + (p+1)*bin)
    clipped to [0, size), and the bin lengths (R, n_bins)."""
    p = torch.arange(n_bins, dtype=start.dtype, device=start.device).view(1, -1)
    lo = torch.floor(p * bin_size.view(-1, 1) + start.view(-1, 1)).clamp(0, size)
    hi = torch.ceil((p + 1) * bin_size.view(-1, 1) + start.view(-1, 1)).clamp(0, size)
    cells = torch.arange(size, dtype=start.dtype, device=start.device).view(1, 1, -1)
    m = (cells >= lo.unsqueeze(-1)) & (cells < hi.unsqueeze(-1))
    return m.to(start.dtype), (hi - lo).clamp(min=0)


_PLANS = {}


def _psroi_plan(a, data, rois, p, g):
    """Everything of a PSROIPooling call that depends only on the rois (cached: a network
    evaluates the same rois repeatedly in a numeric gradient check or a fixed-proposal run):
    for every output cell the four corners of its bin in the integral image of its input
    channel, and 1 / bin area (0 for an empty bin)."""
    n, c, h, w = data.shape
    key = (a, tuple(data.shape), data.dtype, data.device, rois.dtype,
           rois.detach().cpu().numpy().tobytes())
    plan = _PLANS.get(key)
    if plan is not None:
        return plan
    bidx = _batch_index('_contrib_PSROIPooling', rois, n)
    r = rois.detach().cpu().double()
    R = r.shape[0]
    sw = _cround(r[:, 1]) * a.spatial_scale
    sh = _cround(r[:, 2]) * a.spatial_scale
    ew = (_cround(r[:, 3]) + 1.0) * a.spatial_scale
    eh = (_cround(r[:, 4]) + 1.0) * a.spatial_scale
    rw = (ew - sw).clamp(min=0.1)
    rh = (eh - sh).clamp(min=0.1)
    q = torch.arange(p, dtype=torch.float64).view(1, -1)

    def bins(start, size, n_cells):
        lo = torch.floor(q * (size / p).view(-1, 1) + start.view(-1, 1)).clamp(0, n_cells)
        hi = torch.ceil((q + 1) * (size / p).view(-1, 1) + start.view(-1, 1)).clamp(0, n_cells)
        return lo.long(), torch.maximum(hi, lo).long()            # (R, p) each
    h0, h1 = bins(sh, rh, h)
    w0, w1 = bins(sw, rw, w)
    ii = torch.arange(p)
    gi = (ii * g // p).clamp(0, g - 1)
    cc = torch.arange(a.output_dim)
    ch = (cc.view(-1, 1, 1) * g + gi.view(1, -1, 1)) * g + gi.view(1, 1, -1)   # (cout, p, p)
    base = (bidx.cpu().view(-1, 1, 1, 1) * c + ch.unsqueeze(0)) * (h + 1)      # (R, cout, p, p)

    def corner(hh, ww):
        return ((base + hh.view(R, 1, p, 1)) * (w + 1) + ww.view(R, 1, 1, p)).reshape(-1)
    idx = torch.stack([corner(h1, w1), corner(h0, w1), corner(h1, w0), corner(h0, w0)])
    area = ((h1 - h0).view(R, 1, p, 1) * (w1 - w0).view(R, 1, 1, p)).double()
    scale = torch.where(area > 0, 1.0 / area.clamp(min=1), torch.zeros_like(area))
    plan = (idx.to(data.device), scale.to(device=data.device))
    if len(_PLANS) > 64:
        _PLANS.clear()
    _PLANS[key] = plan
    return plan


@register('_contrib_PSROIPooling', inputs=('data', 'rois'),
          spatial_scale=Param(Float, doc='Ratio of input feature map height (or w) to raw image '
                                         'height (or w). Equals the reciprocal of total stride in'
                                         ' convolutional layers'),
          output_dim=Param(Int, doc='fix output dim'),
          pooled_size=Param(Int, doc='fix pooled size'),
          group_size=Param(Int, 0, 'fix group size'))
def psroi_pooling(a, data, rois):
    """Position-sensitive ROI pooling (R-FCN): bin ``(i, j)`` of output channel ``c`` averages
    input channel ``(c * group + gi) * group + gj`` over the bin's cells. Output
    ``(num_rois, output_dim, pooled_size, pooled_size)``."""
    op = '_contrib_PSROIPooling'
    _check_rois(op, data, rois, 5)
    p = a.pooled_size
    g = a.group_size or p
    n, c, h, w = data.shape
    if p < 1 or g < 1 or c != a.output_dim * g * g:
        raise _err(op, 'data channels %d must equal output_dim * group_size^2 = %d'
                   % (c, a.output_dim * g * g))
    if data.device.type == 'meta':
        return data.new_empty((rois.shape[0], a.output_dim, p, p))
    idx, scale = _psroi_plan(a, data, rois, p, g)
    # bin sums from the integral image (element-wise work only: no BLAS threads for the many
    # tiny products a matrix formulation would need), accumulated in float64
    integral = F.pad(data.double().cumsum(2).cumsum(3), (1, 0, 1, 0)).reshape(-1)
    v = integral[idx]
    sums = (v[0] - v[1] - v[2] + v[3]).reshape(rois.shape[0], a.output_dim, p, p)
    out = (sums * scale).to(data.dtype)
    return _link(out, rois)


# ---------------------------------------------------------------------------------------------
# DeformableConvolution
def _pair(v, n, default):
    v = tuple(v) if v else ()
    if not v:
        return (default,) * n
    if len(v) == 1:
        return v * n
    return v


def _deform_sample(img, h, w, y, x):
    """MXNet's CPU deformable sampling of img (B, C, h*w) at (y, x) (B, P): bilinear inside
    [0, h) x [0, w) (rows / columns past the last one use it), 0 elsewhere. Differentiable in
    img and in the coordinates."""
    valid = ((y >= 0) & (y < h) & (x >= 0) & (x < w)).to(img.dtype)
    yl = y.detach().floor().clamp(0, h - 1)
    xl = x.detach().floor().clamp(0, w - 1)
    yend, xend = yl >= h - 1, xl >= w - 1
    ly = torch.where(yend, torch.zeros_like(y), y - yl)
    lx = torch.where(xend, torch.zeros_like(x), x - xl)
    yi, xi = yl.long(), xl.long()
    yh = torch.where(yend, yi, yi + 1)
    xh = torch.where(xend, xi, xi + 1)
    b, c, _ = img.shape

    def at(a, bb):
        return img.gather(2, (a * w + bb).unsqueeze(1).expand(b, c, a.shape[1]))
    v = (at(yi, xi) * ((1 - ly) * (1 - lx)).unsqueeze(1) + at(yi, xh) * ((1 - ly) * lx).unsqueeze(1)
         + at(yh, xi) * (ly * (1 - lx)).unsqueeze(1) + at(yh, xh) * (ly * lx).unsqueeze(1))
    return v * valid.unsqueeze(1)


def _deform_inputs(a):
    return ('data', 'offset', 'weight') if a.no_bias else ('data', 'offset', 'weight', 'bias')


def _deform_infer(a, shapes):
    shapes = list(shapes) + [None] * (4 - len(shapes))
    data = shapes[0]
    k = tuple(a.kernel)
    if data is not None and len(data) == 4:
        c = data[1]
        if shapes[2] is None:
            shapes[2] = (a.num_filter, c // a.num_group) + k
        if not a.no_bias and shapes[3] is None:
            shapes[3] = (a.num_filter,)
        if shapes[1] is None:
            s = _pair(a.stride, 2, 1)
            d = _pair(a.dilate, 2, 1)
            pd = _pair(a.pad, 2, 0)
            oh = (data[2] + 2 * pd[0] - (d[0] * (k[0] - 1) + 1)) // s[0] + 1
            ow = (data[3] + 2 * pd[1] - (d[1] * (k[1] - 1) + 1)) // s[1] + 1
            shapes[1] = (data[0], a.num_deformable_group * 2 * k[0] * k[1], oh, ow)
    return shapes[:len(_deform_inputs(a))]


@register('_contrib_DeformableConvolution', inputs=('data', 'offset', 'weight', 'bias'),
          inputs_fn=_deform_inputs, infer_shape=_deform_infer,
          kernel=Param(Shape, doc='Convolution kernel size: (h, w) or (d, h, w)'),
          stride=Param(Shape, (), 'Convolution stride: (h, w) or (d, h, w). Defaults to 1 for '
                                  'each dimension.'),
          dilate=Param(Shape, (), 'Convolution dilate: (h, w) or (d, h, w). Defaults to 1 for '
                                  'each dimension.'),
          pad=Param(Shape, (), 'Zero pad for convolution: (h, w) or (d, h, w). Defaults to no '
                               'padding.'),
          num_filter=Param(Int, doc='Convolution filter(channel) number'),
          num_group=Param(Int, 1, 'Number of group partitions.'),
          num_deformable_group=Param(Int, 1, 'Number of deformable group partitions.'),
          workspace=Param(Int, 1024, 'Maximum temperal workspace allowed for convolution (MB).'),
          no_bias=Param(Bool, False, 'Whether to disable bias parameter.'),
          layout=Param(OptStr, None, 'Set layout for input, output and weight. Empty for '
                                     'default layout: NCW for 1d, NCHW for 2d and NCDHW for 3d.',
                       choices=(None, 'NCDHW', 'NCHW', 'NCW')))
def deformable_convolution(a, data, offset, weight, bias=None):
    """Deformable convolution (Dai et al. 2017): a 2-D convolution whose kernel taps are moved
    by learned offsets ``offset`` of shape ``(N, num_deformable_group * 2 * kh * kw, oh, ow)``
    (pairs ``(dy, dx)`` per tap); the input is sampled bilinearly at the moved taps (0
    outside the map)."""
    op = '_contrib_DeformableConvolution'
    k = tuple(a.kernel)
    if len(k) != 2:
        raise _err(op, 'only 2-D kernels are supported, got %s' % (k,))
    if data.dim() != 4:
        raise _err(op, 'data should be 4D (N, C, H, W), got %s' % list(data.shape))
    s = _pair(a.stride, 2, 1)
    d = _pair(a.dilate, 2, 1)
    pd = _pair(a.pad, 2, 0)
    n, c, h, w = data.shape
    kh, kw = k
    K = kh * kw
    dg, G = a.num_deformable_group, a.num_group
    oh = (h + 2 * pd[0] - (d[0] * (kh - 1) + 1)) // s[0] + 1
    ow = (w + 2 * pd[1] - (d[1] * (kw - 1) + 1)) // s[1] + 1
    if c % dg or c % G or a.num_filter % G:
        raise _err(op, 'channels %d / filters %d must divide into the groups' % (c, a.num_filter))
    if tuple(offset.shape) != (n, dg * 2 * K, oh, ow):
        raise _err(op, 'offset should have shape %s, got %s'
                   % ([n, dg * 2 * K, oh, ow], list(offset.shape)))
    if tuple(weight.shape) != (a.num_filter, c // G, kh, kw):
        raise _err(op, 'weight should have shape %s, got %s'
                   % ([a.num_filter, c // G, kh, kw], list(weight.shape)))
    if data.device.type == 'meta':
        return data.new_empty((n, a.num_filter, oh, ow))
    dt = data.dtype
    # base tap positions (K, oh, ow)
    ki = torch.arange(kh, device=data.device, dtype=dt).view(kh, 1, 1, 1)
    kj = torch.arange(kw, device=data.device, dtype=dt).view(1, kw, 1, 1)
    oy = torch.arange(oh, device=data.device, dtype=dt).view(1, 1, oh, 1)
    ox = torch.arange(ow, device=data.device, dtype=dt).view(1, 1, 1, ow)
    by = (oy * s[0] - pd[0] + ki * d[0]).expand(kh, kw, oh, ow).reshape(K, oh, ow)
    bx = (ox * s[1] - pd[1] + kj * d[1]).expand(kh, kw, oh, ow).reshape(K, oh, ow)
    off = offset.reshape(n, dg, K, 2, oh, ow)
    py = by + off[:, :, :, 0]                                  # (n, dg, K, oh, ow)
    px = bx + off[:, :, :, 1]
    img = data.reshape(n * dg, c // dg, h * w)
    cols = _deform_sample(img, h, w, py.reshape(n * dg, -1), px.reshape(n * dg, -1))
    cols = cols.reshape(n, G, c // G, K, oh * ow)
    wt = weight.reshape(G, a.num_filter // G, c // G, K)
    out = torch.einsum('ngckp,gfck->ngfp', cols, wt).reshape(n, a.num_filter, oh, ow)
    if bias is not None:
        out = out + bias.view(1, -1, 1, 1)
    return out


# ---------------------------------------------------------------------------------------------
# Proposal / MultiProposal (Faster R-CNN region proposals)
def _anchors(stride, scales, ratios):
    """MXNet's GenerateAnchors: ratios outer, scales inner, around the base box
    [0, 0, stride-1, stride-1]."""
    base_w = base_h = float(stride)
    x_ctr = y_ctr = 0.5 * (stride - 1.0)
    out = []
    for r in ratios:
        size_ratio = math.floor(base_w * base_h / r)
        for s in scales:
            nw = math.floor(math.sqrt(size_ratio) + 0.5) * s
            nh = math.floor((nw / s * r) + 0.5) * s
            out.append([x_ctr - 0.5 * (nw - 1.0), y_ctr - 0.5 * (nh - 1.0),
                        x_ctr + 0.5 * (nw - 1.0), y_ctr + 0.5 * (nh - 1.0)])
    return np.array(out, dtype=np.float32)


def _nms(boxes, thresh, limit):
    """Greedy NMS on boxes sorted by score; stops after ``limit`` kept boxes (MXNet's
    NonMaximumSuppression). Returns the kept indices."""
    n = boxes.shape[0]
    if n == 0:
        return torch.zeros((0,), dtype=torch.long)
    x1, y1, x2, y2 = boxes.unbind(1)
    area = (x2 - x1 + 1) * (y2 - y1 + 1)
    suppressed = torch.zeros(n, dtype=torch.bool)
    keep = []
    i = 0
    sup = suppressed.numpy()
    while i < n and len(keep) < limit:
        if sup[i]:
            i += 1
            continue
        keep.append(i)
        if i + 1 < n:
            xx1 = torch.maximum(x1[i + 1:], x1[i])
            yy1 = torch.maximum(y1[i + 1:], y1[i])
            xx2 = torch.minimum(x2[i + 1:], x2[i])
            yy2 = torch.minimum(y2[i + 1:], y2[i])
            inter = (xx2 - xx1 + 1).clamp(min=0) * (yy2 - yy1 + 1).clamp(min=0)
            ovr = inter / (area[i] + area[i + 1:] - inter)
            suppressed[i + 1:] |= ovr > thresh
        i += 1
    return torch.tensor(keep, dtype=torch.long)


def _propose(a, cls_prob, bbox_pred, im_info, b):
    """Proposals of image b: (post_nms_top_n, 4) boxes and (post_nms_top_n,) scores."""
    na = len(a.scales) * len(a.ratios)
    _, _, H, W = cls_prob.shape
    stride = a.feature_stride
    anchors = torch.from_numpy(_anchors(stride, a.scales, a.ratios))          # (A, 4)
    sx = torch.arange(W, dtype=torch.float32) * stride
    sy = torch.arange(H, dtype=torch.float32) * stride
    shift = torch.stack(torch.broadcast_tensors(sx.view(1, W, 1), sy.view(H, 1, 1),
                                                sx.view(1, W, 1), sy.view(H, 1, 1)), -1)
    boxes = (anchors.view(1, 1, na, 4) + shift).reshape(-1, 4)               # (H*W*A, 4) h,w,a
    scores = cls_prob[b, na:].permute(1, 2, 0).reshape(-1).clone()
    deltas = bbox_pred[b].reshape(na, 4, H, W).permute(2, 3, 0, 1).reshape(-1, 4)
    im_h, im_w, im_scale = [float(v) for v in im_info[b, :3].tolist()]
    bw = boxes[:, 2] - boxes[:, 0] + 1.0
    bh = boxes[:, 3] - boxes[:, 1] + 1.0
    if a.iou_loss:
        px1 = boxes[:, 0] + deltas[:, 0]
        py1 = boxes[:, 1] + deltas[:, 1]
        px2 = boxes[:, 2] + deltas[:, 2]
        py2 = boxes[:, 3] + deltas[:, 3]
    else:
        cx = boxes[:, 0] + 0.5 * (bw - 1.0)
        cy = boxes[:, 1] + 0.5 * (bh - 1.0)
        pcx = deltas[:, 0] * bw + cx
        pcy = deltas[:, 1] * bh + cy
        pw_ = torch.exp(deltas[:, 2]) * bw
        ph_ = torch.exp(deltas[:, 3]) * bh
        px1 = pcx - 0.5 * (pw_ - 1.0)
        py1 = pcy - 0.5 * (ph_ - 1.0)
        px2 = pcx + 0.5 * (pw_ - 1.0)
        py2 = pcy + 0.5 * (ph_ - 1.0)
    px1 = px1.clamp(max=im_w - 1.0).clamp(min=0.0)
    py1 = py1.clamp(max=im_h - 1.0).clamp(min=0.0)
    px2 = px2.clamp(max=im_w - 1.0).clamp(min=0.0)
    py2 = py2.clamp(max=im_h - 1.0).clamp(min=0.0)
    real_h, real_w = int(im_h / stride), int(im_w / stride)
    hh = torch.arange(H).view(H, 1, 1).expand(H, W, na).reshape(-1)
    ww = torch.arange(W).view(1, W, 1).expand(H, W, na).reshape(-1)
    scores[(hh >= real_h) | (ww >= real_w)] = -1.0
    # FilterBox: boxes smaller than min_size are grown by min_size/2 and scored -1
    min_size = a.rpn_min_size * im_scale
    small = ((px2 - px1 + 1.0) < min_size) | ((py2 - py1 + 1.0) < min_size)
    half = min_size / 2.0
    px1 = torch.where(small, px1 - half, px1)
    py1 = torch.where(small, py1 - half, py1)
    px2 = torch.where(small, px2 + half, px2)
    py2 = torch.where(small, py2 + half, py2)
    scores = torch.where(small, torch.full_like(scores, -1.0), scores)
    dets = torch.stack((px1, py1, px2, py2), 1)
    order = torch.sort(scores, descending=True, stable=True).indices
    pre = min(a.rpn_pre_nms_top_n, order.numel()) if a.rpn_pre_nms_top_n > 0 else order.numel()
    order = order[:pre]
    dets, scores = dets[order], scores[order]
    keep = _nms(dets, a.threshold, a.rpn_post_nms_top_n)
    post = a.rpn_post_nms_top_n
    nk = keep.numel()
    if nk == 0:
        return torch.zeros((post, 4)), torch.zeros((post,))
    pick = keep[torch.arange(post) % nk]
    return dets[pick], scores[pick]


_PROPOSAL = dict(
    rpn_pre_nms_top_n=Param(Int, 6000, 'Number of top scoring boxes to keep before applying '
                                       'NMS to RPN proposals'),
    rpn_post_nms_top_n=Param(Int, 300, 'Number of top scoring boxes to keep after applying NMS '
                                       'to RPN proposals'),
    threshold=Param(Float, 0.699999988079071, 'NMS value, below which to suppress.'),
    rpn_min_size=Param(Int, 16, 'Minimum height or width in proposal'),
    scales=Param(FloatTuple, (4.0, 8.0, 16.0, 32.0), 'Used to generate anchor windows by '
                                                     'enumerating scales'),
    ratios=Param(FloatTuple, (0.5, 1.0, 2.0), 'Used to generate anchor windows by enumerating '
                                              'ratios'),
    feature_stride=Param(Int, 16, 'The size of the receptive field each unit in the convolution'
                                  ' layer of the rpn,for example the product of all stride\'s '
                                  'prior to this layer.'),
    output_score=Param(Bool, False, 'Add score to outputs'),
    iou_loss=Param(Bool, False, 'Usage of IoU Loss'))


def _proposal_outputs(a):
    return 2 if a.output_score else 1


def _proposal_names(a):
    return ['output', 'score'] if a.output_score else ['output']


def _run_proposal(op, a, cls_prob, bbox_pred, im_info, multi):
    if cls_prob.dim() != 4 or bbox_pred.dim() != 4:
        raise _err(op, 'cls_prob and bbox_pred must be 4-D, got %s and %s'
                   % (list(cls_prob.shape), list(bbox_pred.shape)))
    na = len(a.scales) * len(a.ratios)
    n, c, H, W = cls_prob.shape
    if c != 2 * na or tuple(bbox_pred.shape) != (n, 4 * na, H, W):
        raise _err(op, 'cls_prob must be (N, 2 * %d, H, W) and bbox_pred (N, 4 * %d, H, W), got'
                   ' %s and %s' % (na, na, list(cls_prob.shape), list(bbox_pred.shape)))
    if not multi and n != 1:
        raise _err(op, 'Sorry, multiple images each device is not implemented')
    post = a.rpn_post_nms_top_n
    dev, dt = cls_prob.device, cls_prob.dtype
    if cls_prob.device.type == 'meta':
        rois = torch.empty((n * post, 5), dtype=dt, device=dev)
        sc = torch.empty((n * post, 1), dtype=dt, device=dev)
        return (rois, sc) if a.output_score else rois
    cp = cls_prob.detach().float().cpu()
    bp = bbox_pred.detach().float().cpu()
    ii = im_info.detach().float().cpu().reshape(n, -1)
    all_rois, all_scores = [], []
    for b in range(n):
        boxes, scores = _propose(a, cp, bp, ii, b)
        idx = torch.full((post, 1), float(b))
        all_rois.append(torch.cat((idx, boxes), 1))
        all_scores.append(scores.view(-1, 1))
    rois = torch.cat(all_rois).to(device=dev, dtype=dt)
    sc = torch.cat(all_scores).to(device=dev, dtype=dt)
    return (rois, sc) if a.output_score else rois


@register('_contrib_Proposal', inputs=('cls_prob', 'bbox_pred', 'im_info'),
          num_outputs=_proposal_outputs, output_names=_proposal_names, differentiable=False,
          **_PROPOSAL)
def proposal(a, cls_prob, bbox_pred, im_info):
    """Generate region proposals via RPN (one image): anchors shifted over the feature map,
    moved by ``bbox_pred``, clipped to the image, filtered by ``rpn_min_size``, sorted by the
    foreground score, ``rpn_pre_nms_top_n`` kept, NMS at ``threshold`` and ``rpn_post_nms_top_n``
    rows ``[0, x1, y1, x2, y2]`` returned (repeating the kept boxes when there are fewer)."""
    return _run_proposal('_contrib_Proposal', a, cls_prob, bbox_pred, im_info, False)


@register('_contrib_MultiProposal', inputs=('cls_prob', 'bbox_pred', 'im_info'),
          num_outputs=_proposal_outputs, output_names=_proposal_names, differentiable=False,
          **_PROPOSAL)
def multi_proposal(a, cls_prob, bbox_pred, im_info):
    """Proposal for a batch of images: ``rpn_post_nms_top_n`` rows per image, rows
    ``[batch_index, x1, y1, x2, y2]``."""
    return _run_proposal('_contrib_MultiProposal', a, cls_prob, bbox_pred, im_info, True)
