"""Image operators (``mx.nd.image.*``): layout conversion, normalisation, resize, crop, flips and
the random colour augmentations used by ``gluon.data.vision.transforms``.

Images are (H, W, C) arrays (C = 1 or 3, RGB order), or (N, H, W, C) batches where MXNet
accepts them. Integer results saturate like MXNet's kernels: clamped to [0, 255] then truncated
for uint8. ``resize`` reproduces OpenCV's ``cv::resize`` (which MXNet calls) bit for bit on uint8
for nearest and bilinear interpolation, including OpenCV's switch to pixel-area averaging for an
exact 2x downscale.
"""
import numpy as np
import torch

from .registry import register, Param, OpError
from .params import Int, Float, Bool, Shape, FloatTuple

_GRAY = (0.299, 0.587, 0.114)


def _check_image(name, x):
    if x.dim() != 3:
        raise OpError('%s: Input image must have shape (height, width, channels), but got %s'
                      % (name, tuple(x.shape)))
    if x.shape[2] not in (1, 3):
        raise OpError('%s: The last dimension of input image must be the channel dimension with '
                      'either 1 or 3 elements, but got input with shape %s'
                      % (name, tuple(x.shape)))


def _saturate(val, dtype):
    """float32 values -> dtype as MXNet's saturate_cast: uint8 clamps then truncates."""
    if dtype == torch.uint8:
        return val.clamp(0.0, 255.0).to(torch.uint8)
    if dtype.is_floating_point:
        return val.to(dtype)
    return val.trunc().to(dtype)


def _uniform(lo, hi):
    return lo + (hi - lo) * float(torch.rand(()))


# -- layout / normalisation ----------------------------------------------------------------------
@register('_image_to_tensor', differentiable=False)
def _image_to_tensor(a, data):
    """Convert an image (H, W, C) or batch (N, H, W, C) with values in [0, 255] to a float32
    tensor (C, H, W) or (N, C, H, W) with values in [0, 1] (divides by 255)."""
    if data.dim() == 3:
        perm = (2, 0, 1)
    elif data.dim() == 4:
        perm = (0, 3, 1, 2)
    else:
        raise OpError('_image_to_tensor: Input image must have shape (height, width, channels), '
                      'or (N, height, width, channels) but got %s' % (tuple(data.shape),))
    return (data.permute(perm).to(torch.float32) / 255.0).contiguous()


@register('_image_normalize',
          mean=Param(FloatTuple, (0.0, 0.0, 0.0, 0.0), 'Sequence of means for each channel.'),
          std=Param(FloatTuple, (1.0, 1.0, 1.0, 1.0),
                    'Sequence of standard deviations for each channel.'))
def _image_normalize(a, data):
    """Normalize a tensor (C, H, W) or (N, C, H, W) channel by channel:
    ``out[c] = (data[c] - mean[c]) / std[c]``; a single mean/std applies to every channel."""
    if data.dim() not in (3, 4):
        raise OpError('_image_normalize: Input tensor must have shape (channels, height, width), '
                      'or (N, channels, height, width), but got %s' % (tuple(data.shape),))
    c = data.shape[0] if data.dim() == 3 else data.shape[1]
    if c not in (1, 3):
        raise OpError('_image_normalize: the channel dimension must have 1 or 3 elements, but '
                      'got input with shape %s' % (tuple(data.shape),))
    for nm, v in (('mean', a.mean), ('std', a.std)):
        if len(v) != 1 and len(v) != c:
            raise OpError('_image_normalize: Invalid %s for input with shape %s. %s must have '
                          'either 1 or %d elements, but got %s'
                          % (nm, tuple(data.shape), nm, c, v))
    mean = [a.mean[i] if len(a.mean) > i else a.mean[0] for i in range(c)]
    std = [a.std[i] if len(a.std) > i else a.std[0] for i in range(c)]
    dt = data.dtype if data.is_floating_point() else torch.float32
    m = torch.tensor(mean, dtype=dt, device=data.device).view(c, 1, 1)
    s = torch.tensor(std, dtype=dt, device=data.device).view(c, 1, 1)
    out = (data.to(dt) - m) / s
    return out if out.dtype == data.dtype else _saturate(out, data.dtype)


# -- geometry --------------------------------------------------------------------------------------
@register('_image_crop', x=Param(Int, doc='Left boundary of the cropping area.'),
          y=Param(Int, doc='Top boundary of the cropping area.'),
          width=Param(Int, doc='Width of the cropping area.'),
          height=Param(Int, doc='Height of the cropping area.'))
def _image_crop(a, data):
    """Crop an image (H, W, C) or batch (N, H, W, C) to the area starting at (x, y) of size
    (width, height)."""
    if data.dim() not in (3, 4):
        raise OpError('_image_crop: input must be (H, W, C) or (N, H, W, C), got %s'
                      % (tuple(data.shape),))
    h, w = data.shape[-3], data.shape[-2]
    if a.width <= 0 or a.height <= 0:
        raise OpError('_image_crop: width and height must be positive, got %d, %d'
                      % (a.width, a.height))
    if a.x < 0 or a.y < 0 or a.x + a.width > w or a.y + a.height > h:
        raise OpError('_image_crop: the crop area x=%d, y=%d, width=%d, height=%d exceeds the '
                      'image of height %d and width %d' % (a.x, a.y, a.width, a.height, h, w))
    return data[..., a.y:a.y + a.height, a.x:a.x + a.width, :].contiguous()


def _flip(name, data, axis):
    _check_image(name, data)
    return torch.flip(data, (axis,))


@register('_image_flip_left_right')
def _image_flip_left_right(a, data):
    """Flip an image (H, W, C) horizontally."""
    return _flip('_image_flip_left_right', data, 1)


@register('_image_flip_top_bottom')
def _image_flip_top_bottom(a, data):
    """Flip an image (H, W, C) vertically."""
    return _flip('_image_flip_top_bottom', data, 0)


@register('_image_random_flip_left_right')
def _image_random_flip_left_right(a, data):
    """Flip an image (H, W, C) horizontally with probability 0.5."""
    _check_image('_image_random_flip_left_right', data)
    return torch.flip(data, (1,)) if float(torch.rand(())) < 0.5 else data.clone()


@register('_image_random_flip_top_bottom')
def _image_random_flip_top_bottom(a, data):
    """Flip an image (H, W, C) vertically with probability 0.5."""
    _check_image('_image_random_flip_top_bottom', data)
    return torch.flip(data, (0,)) if float(torch.rand(())) < 0.5 else data.clone()


# -- resize (OpenCV's cv::resize) ------------------------------------------------------------------
_COEF_BITS = 11
_COEF_SCALE = 1 << _COEF_BITS


def _linear_taps(dst, src, clamp_weights=True):
    """OpenCV's bilinear source indices and weights along one axis (half-pixel centres):
    returns (i0, i1, w0, w1) with float32 weights. Along x OpenCV moves border taps onto the
    edge pixel with weight (1, 0); along y it keeps the weights and clamps the row indices."""
    scale = src / dst
    d = np.arange(dst, dtype=np.float64)
    f = ((d + 0.5) * scale - 0.5).astype(np.float32)
    s = np.floor(f).astype(np.int64)
    f = (f - s.astype(np.float32)).astype(np.float32)
    if not clamp_weights:
        return (np.clip(s, 0, src - 1), np.clip(s + 1, 0, src - 1),
                (np.float32(1) - f).astype(np.float32), f)
    low = s < 0
    f[low] = 0
    s[low] = 0
    high = s >= src - 1
    f[high] = 0
    s[high] = src - 1
    i1 = np.minimum(s + 1, src - 1)
    return s, i1, (np.float32(1) - f).astype(np.float32), f


def _fixed(w):
    """float weights -> OpenCV's 11-bit fixed point (round half to even, as cvRound)."""
    return np.rint(w.astype(np.float32) * np.float32(_COEF_SCALE)).astype(np.int32)


def _resize_linear(img, oh, ow):
    """img: (N, H, W, C) tensor. Bilinear resize as OpenCV does it."""
    n, h, w, c = img.shape
    yi0, yi1, yw0, yw1 = _linear_taps(oh, h, False)
    xi0, xi1, xw0, xw1 = _linear_taps(ow, w)
    dev = img.device
    t = lambda v: torch.from_numpy(v).to(dev)  # noqa: E731
    if img.dtype == torch.uint8:
        x = img.to(torch.int32)
        a0 = t(_fixed(xw0)).view(1, 1, ow, 1)
        a1 = t(_fixed(xw1)).view(1, 1, ow, 1)
        # horizontal pass: exact integer products (values up to 255 * 2048)
        rows = x[:, :, t(xi0)] * a0 + x[:, :, t(xi1)] * a1
        b0 = t(_fixed(yw0)).view(1, oh, 1, 1)
        b1 = t(_fixed(yw1)).view(1, oh, 1, 1)
        r0 = rows[:, t(yi0)] >> 4
        r1 = rows[:, t(yi1)] >> 4
        # vertical pass as OpenCV's vectorised kernel: 16-bit high multiplies, +2, >> 2
        out = (((r0 * b0) >> 16) + ((r1 * b1) >> 16) + 2) >> 2
        return out.clamp(0, 255).to(torch.uint8)
    dt = img.dtype if img.is_floating_point() else torch.float32
    x = img.to(dt)
    a0 = t(xw0).to(dt).view(1, 1, ow, 1)
    a1 = t(xw1).to(dt).view(1, 1, ow, 1)
    rows = x[:, :, t(xi0)] * a0 + x[:, :, t(xi1)] * a1
    b0 = t(yw0).to(dt).view(1, oh, 1, 1)
    b1 = t(yw1).to(dt).view(1, oh, 1, 1)
    out = rows[:, t(yi0)] * b0 + rows[:, t(yi1)] * b1
    return out if out.dtype == img.dtype else _saturate(out, img.dtype)


def _resize_nearest(img, oh, ow):
    n, h, w, c = img.shape
    # OpenCV maps dst -> src with the reciprocal of dst/src, not src/dst: floor differs where
    # the product lands on an integer
    ys = np.minimum(np.floor(np.arange(oh) * (1.0 / (oh / h))).astype(np.int64), h - 1)
    xs = np.minimum(np.floor(np.arange(ow) * (1.0 / (ow / w))).astype(np.int64), w - 1)
    dev = img.device
    return img[:, torch.from_numpy(ys).to(dev)][:, :, torch.from_numpy(xs).to(dev)]


def _resize_area_half(img):
    """Exact 2x downscale by 2x2 averaging (OpenCV's fast pixel-area path)."""
    n, h, w, c = img.shape
    oh, ow = h // 2, w // 2
    x = img[:, :oh * 2, :ow * 2]
    if img.dtype == torch.uint8:
        x = x.to(torch.int32)
        s = x[:, 0::2, 0::2] + x[:, 0::2, 1::2] + x[:, 1::2, 0::2] + x[:, 1::2, 1::2]
        return ((s + 2) >> 2).to(torch.uint8)
    s = x[:, 0::2, 0::2] + x[:, 0::2, 1::2] + x[:, 1::2, 0::2] + x[:, 1::2, 1::2]
    return s * 0.25


def _out_size(name, h, w, size, keep_ratio):
    if len(size) == 1:
        if size[0] <= 0:
            raise OpError('%s: Input size should greater than 0, but got %d' % (name, size[0]))
        if not keep_ratio:
            return size[0], size[0]
        if h > w:
            return h * size[0] // w, size[0]
        return size[0], w * size[0] // h
    if len(size) == 2:
        if size[0] <= 0 or size[1] <= 0:
            raise OpError('%s: Input width and height should be greater than 0, but got %s'
                          % (name, size))
        return size[1], size[0]
    raise OpError('%s: Input size dimension must be 1 or 2, but got %d' % (name, len(size)))


# -- bicubic, pixel-area and Lanczos resize (OpenCV's) ----------------------------------------------------------------------------------------
_CUBIC_A = np.float32(-0.75)


def _cubic_coeffs(fx):
    """OpenCV's interpolateCubic in float32 for an array of fractions."""
    A = _CUBIC_A
    x1 = (fx + np.float32(1)).astype(np.float32)
    c0 = ((A * x1 - np.float32(5) * A) * x1 + np.float32(8) * A) * x1 - np.float32(4) * A
    c1 = ((A + np.float32(2)) * fx - (A + np.float32(3))) * fx * fx + np.float32(1)
    y = (np.float32(1) - fx).astype(np.float32)
    c2 = ((A + np.float32(2)) * y - (A + np.float32(3))) * y * y + np.float32(1)
    c3 = np.float32(1) - c0 - c1 - c2
    return np.stack([c0, c1, c2, c3], -1).astype(np.float32)


def _cubic_taps(dst, src):
    scale = 1.0 / (dst / src)
    f = ((np.arange(dst, dtype=np.float64) + 0.5) * scale - 0.5).astype(np.float32)
    s = np.floor(f).astype(np.int64)
    f = (f - s.astype(np.float32)).astype(np.float32)
    idx = np.clip(s[:, None] + np.arange(-1, 3)[None, :], 0, src - 1)
    return idx, _cubic_coeffs(f)


def _resize_cubic(img, oh, ow):
    """Bicubic resize of a (H, W, C) tensor as cv::resize(INTER_CUBIC) computes it."""
    h, w, c = img.shape
    yi, yc = _cubic_taps(oh, h)
    xi, xc = _cubic_taps(ow, w)
    dev = img.device
    xi, yi = torch.from_numpy(xi).to(dev), torch.from_numpy(yi).to(dev)
    if img.dtype == torch.uint8:
        xa = torch.from_numpy(np.rint(xc * np.float32(2048)).astype(np.int64)).to(dev)   # (ow, 4)
        ya = np.rint(yc * np.float32(2048)).astype(np.int64)                     # (oh, 4)
        x = img.to(torch.int64)
        rows = (x[:, xi] * xa.view(1, ow, 4, 1)).sum(2)          # (h, ow, c)
        taps = rows[yi]                                         # (oh,4,ow,c)
        # vectorised part of OpenCV's vertical pass: float32, ((s0 b0 + s1 b1) + s2 b2) + s3 b3
        scale = np.float32(1.0 / (2048 * 2048))
        b = torch.from_numpy((ya.astype(np.float32) * scale).astype(np.float32)).to(dev)
        tf = taps.to(torch.float32)
        acc = tf[:, 0] * b[:, 0].view(oh, 1, 1)
        for k in (1, 2, 3):
            acc = acc + tf[:, k] * b[:, k].view(oh, 1, 1)
        vec = torch.round(acc).clamp(-32768, 32767).clamp(0, 255).to(torch.int64)
        # the scalar tail: fixed point with rounding
        isum = (taps * torch.from_numpy(ya).to(dev).view(oh, 4, 1, 1)).sum(1)
        sca = ((isum + (1 << 21)) >> 22).clamp(0, 255)
        width = ow * c
        nvec = (width // 8) * 8
        flat_vec = vec.reshape(oh, width)
        flat_sca = sca.reshape(oh, width)
        out = torch.cat([flat_vec[:, :nvec], flat_sca[:, nvec:]], 1).reshape(oh, ow, c)
        return out.to(torch.uint8)
    dt = img.dtype if img.is_floating_point() else torch.float32
    x = img.to(dt)
    xa = torch.from_numpy(xc).to(dev, dt)
    rows = x[:, xi]                                             # (h,ow,4,c)
    r = rows[:, :, 0] * xa[:, 0].view(1, ow, 1)
    for k in (1, 2, 3):
        r = r + rows[:, :, k] * xa[:, k].view(1, ow, 1)
    taps = r[yi]
    ya = torch.from_numpy(yc).to(dev, dt)
    acc = taps[:, 0] * ya[:, 0].view(oh, 1, 1)
    for k in (1, 2, 3):
        acc = acc + taps[:, k] * ya[:, k].view(oh, 1, 1)
    if acc.dtype == img.dtype:
        return acc
    return torch.round(acc).clamp(torch.iinfo(img.dtype).min,
                                  torch.iinfo(img.dtype).max).to(img.dtype)


def _lanczos_coeffs(fx):
    """OpenCV's interpolateLanczos4 (8 taps, normalised in float32) for an array of fractions."""
    s45 = 0.70710678118654752440084436210485
    cs = np.array([[1, 0], [-s45, -s45], [0, 1], [s45, -s45], [-1, 0], [s45, s45], [0, -1],
                   [-s45, s45]])
    out = np.zeros((len(fx), 8), dtype=np.float32)
    for n, x in enumerate(fx):
        if x < np.finfo(np.float32).eps:
            out[n, 3] = 1
            continue
        xd = float(x)
        y0 = -(xd + 3) * np.pi * 0.25
        s0, c0 = np.sin(y0), np.cos(y0)
        total = np.float32(0)
        for i in range(8):
            y = -(xd + 3 - i) * np.pi * 0.25
            out[n, i] = np.float32((cs[i, 0] * s0 + cs[i, 1] * c0) / (y * y))
            total = np.float32(total + out[n, i])
        out[n] = out[n] * np.float32(np.float32(1) / total)
    return out


def _lanczos_taps(dst, src):
    scale = 1.0 / (dst / src)
    f = ((np.arange(dst, dtype=np.float64) + 0.5) * scale - 0.5).astype(np.float32)
    s = np.floor(f).astype(np.int64)
    f = (f - s.astype(np.float32)).astype(np.float32)
    idx = np.clip(s[:, None] + np.arange(-3, 5)[None, :], 0, src - 1)
    return idx, _lanczos_coeffs(f)


def _separable(img, yi, yc, xi, xc, fixed_shift=None):
    """Generic separable resampling: taps idx (dst, K) and float32 weights (dst, K) per axis.
    uint8 images use OpenCV's 11-bit fixed point (integer sums, rounding shift by 22)."""
    h, w, c = img.shape
    oh, ow = yi.shape[0], xi.shape[0]
    dev = img.device
    xi_t, yi_t = torch.from_numpy(xi).to(dev), torch.from_numpy(yi).to(dev)
    kx, ky = xi.shape[1], yi.shape[1]
    if img.dtype == torch.uint8:
        xa = torch.from_numpy(np.rint(xc * np.float32(2048)).astype(np.int64)).to(dev)
        ya = torch.from_numpy(np.rint(yc * np.float32(2048)).astype(np.int64)).to(dev)
        rows = (img.to(torch.int64)[:, xi_t] * xa.view(1, ow, kx, 1)).sum(2)
        acc = (rows[yi_t] * ya.view(oh, ky, 1, 1)).sum(1)
        return ((acc + (1 << 21)) >> 22).clamp(0, 255).to(torch.uint8)
    dt = img.dtype if img.is_floating_point() else torch.float32
    x = img.to(dt)
    xa = torch.from_numpy(xc).to(dev, dt)
    ya = torch.from_numpy(yc).to(dev, dt)
    g = x[:, xi_t]
    r = g[:, :, 0] * xa[:, 0].view(1, ow, 1)
    for k in range(1, kx):
        r = r + g[:, :, k] * xa[:, k].view(1, ow, 1)
    t = r[yi_t]
    acc = t[:, 0] * ya[:, 0].view(oh, 1, 1)
    for k in range(1, ky):
        acc = acc + t[:, k] * ya[:, k].view(oh, 1, 1)
    if acc.dtype == img.dtype:
        return acc
    return torch.round(acc).clamp(torch.iinfo(img.dtype).min,
                                  torch.iinfo(img.dtype).max).to(img.dtype)


def _area_tab(ssize, dsize):
    """OpenCV's computeResizeAreaTab for one axis: (dst, K) source indices and float32
    weights, padded with weight 0 (adding 0 leaves OpenCV's float sums unchanged)."""
    scale = 1.0 / (dsize / ssize)
    rows = []
    for dx in range(dsize):
        fsx1 = dx * scale
        fsx2 = fsx1 + scale
        cell = min(scale, ssize - fsx1)
        sx1, sx2 = int(np.ceil(fsx1)), int(np.floor(fsx2))
        sx2 = min(sx2, ssize - 1)
        sx1 = min(sx1, sx2)
        taps = []
        if sx1 - fsx1 > 1e-3:
            taps.append((sx1 - 1, np.float32((sx1 - fsx1) / cell)))
        for sx in range(sx1, sx2):
            taps.append((sx, np.float32(1.0 / cell)))
        if fsx2 - sx2 > 1e-3:
            taps.append((sx2, np.float32(min(min(fsx2 - sx2, 1.0), cell) / cell)))
        rows.append(taps)
    k = max(len(r) for r in rows)
    idx = np.zeros((dsize, k), dtype=np.int64)
    wts = np.zeros((dsize, k), dtype=np.float32)
    for i, r in enumerate(rows):
        for j, (sx, a) in enumerate(r):
            idx[i, j], wts[i, j] = sx, a
    return idx, wts


def _resize_area(img, oh, ow):
    """cv::resize(INTER_AREA) for shrinking (both scales >= 1)."""
    h, w, c = img.shape
    sx, sy = 1.0 / (ow / w), 1.0 / (oh / h)
    isx, isy = int(round(sx)), int(round(sy))
    dev = img.device
    if abs(sx - isx) < np.finfo(float).eps and abs(sy - isy) < np.finfo(float).eps:
        if isx == 2 and isy == 2:
            return resize_image(img.unsqueeze(0), oh, ow, 1)[0]   # exact 2x fast path
        blocks = img[:oh * isy, :ow * isx].reshape(oh, isy, ow, isx, c)
        if img.dtype == torch.uint8:
            total = blocks.to(torch.int64).sum((1, 3)).to(torch.float32)
            val = total * np.float32(np.float32(1) / np.float32(isx * isy))
            return torch.round(val).clamp(0, 255).to(torch.uint8)
        dt = img.dtype if img.is_floating_point() else torch.float32
        total = blocks.to(dt).sum((1, 3))
        return total * (1.0 / (isx * isy))
    xi, xw = _area_tab(w, ow)
    yi, yw = _area_tab(h, oh)
    dt = torch.float64 if img.dtype == torch.float64 else torch.float32
    x = img.to(dt)
    xi_t, yi_t = torch.from_numpy(xi).to(dev), torch.from_numpy(yi).to(dev)
    xa, ya = torch.from_numpy(xw).to(dev, dt), torch.from_numpy(yw).to(dev, dt)
    g = x[:, xi_t]                                                     # (h, ow, K, c)
    r = g[:, :, 0] * xa[:, 0].view(1, ow, 1)
    for k in range(1, xi.shape[1]):
        r = r + g[:, :, k] * xa[:, k].view(1, ow, 1)
    t = r[yi_t]                                                        # (oh, K, ow, c)
    acc = t[:, 0] * ya[:, 0].view(oh, 1, 1)
    for k in range(1, yi.shape[1]):
        acc = acc + t[:, k] * ya[:, k].view(oh, 1, 1)
    if img.is_floating_point():
        return acc.to(img.dtype)
    info = torch.iinfo(img.dtype)
    return torch.round(acc).clamp(info.min, info.max).to(img.dtype)


def _area_linear_taps(dst, src, clamp):
    """Bilinear taps in OpenCV's 'area mode' (INTER_AREA when enlarging)."""
    scale = 1.0 / (dst / src)
    inv = dst / src
    d = np.arange(dst)
    s = np.floor(d * scale).astype(np.int64)
    f = ((d + 1) - (s + 1) * inv).astype(np.float32)
    f = np.where(f <= 0, np.float32(0), f - np.floor(f)).astype(np.float32)
    if clamp:
        high = s >= src - 1
        f[high] = 0
        s[high] = src - 1
    idx = np.stack([np.clip(s, 0, src - 1), np.clip(s + 1, 0, src - 1)], 1)
    return idx, np.stack([np.float32(1) - f, f], 1).astype(np.float32)


def _resize_area_up(img, oh, ow):
    """cv::resize(INTER_AREA) when enlarging along an axis: bilinear with area-mode weights."""
    h, w, c = img.shape
    xi, xc = _area_linear_taps(ow, w, True)
    yi, yc = _area_linear_taps(oh, h, False)
    if img.dtype != torch.uint8:
        return _separable(img, yi, yc, xi, xc)
    dev = img.device
    xi_t, yi_t = torch.from_numpy(xi).to(dev), torch.from_numpy(yi).to(dev)
    xa = torch.from_numpy(np.rint(xc * np.float32(2048)).astype(np.int64)).to(dev)
    yb = torch.from_numpy(np.rint(yc * np.float32(2048)).astype(np.int64)).to(dev)
    rows = (img.to(torch.int64)[:, xi_t] * xa.view(1, ow, 2, 1)).sum(2)
    r0 = rows[yi_t[:, 0]] >> 4
    r1 = rows[yi_t[:, 1]] >> 4
    out = (((r0 * yb[:, 0].view(oh, 1, 1)) >> 16) + ((r1 * yb[:, 1].view(oh, 1, 1)) >> 16)
           + 2) >> 2
    return out.clamp(0, 255).to(torch.uint8)


def resize_image(img, oh, ow, interp=1):
    """Resize a (N, H, W, C) tensor to (N, oh, ow, C) as cv::resize does."""
    n, h, w, c = img.shape
    if img.dtype == torch.float16:
        raise OpError("_image_resize: image resize doesn't support fp16")
    if (oh, ow) == (h, w):
        return img.clone()
    if interp == 0:
        return _resize_nearest(img, oh, ow)
    if interp == 1:
        if h == 2 * oh and w == 2 * ow:
            return _resize_area_half(img)
        return _resize_linear(img, oh, ow)
    if interp == 2:
        one = lambda im: _resize_cubic(im, oh, ow)  # noqa: E731
    elif interp == 3:
        one = ((lambda im: _resize_area(im, oh, ow)) if w >= ow and h >= oh
               else (lambda im: _resize_area_up(im, oh, ow)))
    elif interp == 4:
        yi, yc = _lanczos_taps(oh, h)
        xi, xc = _lanczos_taps(ow, w)
        one = lambda im: _separable(im, yi, yc, xi, xc)  # noqa: E731
    else:
        raise OpError('_image_resize: unknown interpolation method %d; use 0 (nearest), '
                      '1 (bilinear), 2 (bicubic), 3 (area) or 4 (lanczos)' % interp)
    return torch.stack([one(im) for im in img])


@register('_image_resize', size=Param(Shape, (), 'Size of new image. Could be (width, height) '
                                                 'or (size)'),
          keep_ratio=Param(Bool, False, 'Whether to resize the short edge or both edges to '
                                        '`size`, if size is give as an integer.'),
          interp=Param(Int, 1, 'Interpolation method for resizing: 0 nearest, 1 bilinear, '
                                       '2 bicubic, 3 area, 4 lanczos.'),
          differentiable=False)
def _image_resize(a, data):
    """Resize an image (H, W, C) or a batch (N, H, W, C) to ``size`` ((width, height), or one
    int: both edges, or the short edge when keep_ratio), interpolating as OpenCV."""
    if data.dim() not in (3, 4):
        raise OpError('_image_resize: Input image dimension should be 3 or 4 but got %d'
                      % data.dim())
    batch = data if data.dim() == 4 else data.unsqueeze(0)
    oh, ow = _out_size('_image_resize', batch.shape[1], batch.shape[2], a.size, a.keep_ratio)
    out = resize_image(batch, oh, ow, a.interp)
    return out if data.dim() == 4 else out[0]


# -- colour ----------------------------------------------------------------------------------------
def _brightness(x, alpha):
    return _saturate(x.to(torch.float32) * np.float32(alpha), x.dtype)


def _contrast(x, alpha):
    h, w, c = x.shape
    xf = x.to(torch.float32)
    if c > 1:
        prod = (xf * torch.tensor(_GRAY, dtype=torch.float32, device=x.device)).reshape(-1)
    else:
        prod = xf.reshape(-1)
    # MXNet sums sequentially in float32; cumsum accumulates in the same order
    total = np.cumsum(prod.cpu().numpy(), dtype=np.float32)[-1] if prod.numel() else 0
    gray_mean = np.float32(total) / np.float32(h * w)
    beta = (np.float32(1) - np.float32(alpha)) * gray_mean
    return _saturate(xf * np.float32(alpha) + np.float32(beta), x.dtype)


def _saturation(x, alpha):
    if x.shape[2] == 1:
        return x.clone()
    xf = x.to(torch.float32)
    # MXNet 1.9.1's kernel keeps only the blue term of the gray value (it assigns instead of
    # accumulating); reproduced for identical results
    gray = xf[:, :, 2:3] * np.float32(_GRAY[2]) * (np.float32(1) - np.float32(alpha))
    return _saturate(gray + xf * np.float32(alpha), x.dtype)


_SECTORS = torch.tensor([[1, 3, 0], [1, 0, 2], [3, 0, 1], [0, 2, 1], [0, 1, 3], [2, 1, 0]])


def _hue(x, alpha):
    if x.shape[2] == 1:
        return x.clone()
    xf = x.to(torch.float32) / 255.0
    r, g, b = xf[..., 0], xf[..., 1], xf[..., 2]
    vmax = torch.maximum(torch.maximum(r, g), b)
    vmin = torch.minimum(torch.minimum(r, g), b)
    diff = vmax - vmin
    light = (vmax + vmin) * 0.5
    nz = diff > np.finfo(np.float32).eps
    safe = torch.where(nz, diff, torch.ones_like(diff))
    sat = torch.where(light < 0.5, diff / torch.where(nz, vmax + vmin, torch.ones_like(diff)),
                      diff / torch.where(nz, 2.0 - vmax - vmin, torch.ones_like(diff)))
    k = 60.0 / safe
    hue = torch.where(vmax == r, (g - b) * k,
                      torch.where(vmax == g, (b - r) * k + 120.0, (r - g) * k + 240.0))
    hue = torch.where(hue < 0, hue + 360.0, hue)
    hue = torch.where(nz, hue, torch.zeros_like(hue))
    sat = torch.where(nz, sat, torch.zeros_like(sat))
    # back to RGB with the hue shifted
    hue = (hue + np.float32(alpha) * np.float32(360.0)) * np.float32(1.0 / 60.0)
    hue = torch.remainder(hue, 6.0)
    hue = torch.where(hue >= 6.0, hue - 6.0, hue)
    p2 = torch.where(light <= 0.5, light * (1 + sat), light + sat - light * sat)
    p1 = 2 * light - p2
    sector = hue.to(torch.int64).clamp(0, 5)
    frac = hue - sector.to(torch.float32)
    tab = torch.stack([p2, p1, p1 + (p2 - p1) * (1 - frac), p1 + (p2 - p1) * frac], -1)
    idx = _SECTORS.to(x.device)[sector]                      # (H, W, 3): b, g, r
    bgr = torch.gather(tab, -1, idx)
    rgb = torch.stack([bgr[..., 2], bgr[..., 1], bgr[..., 0]], -1)
    gray = (sat == 0).unsqueeze(-1)
    rgb = torch.where(gray, light.unsqueeze(-1).expand_as(rgb), rgb) * 255.0
    return _saturate(rgb, x.dtype)


def _enhance_params(doc):
    return dict(min_factor=Param(Float, doc='Minimum factor.'),
                max_factor=Param(Float, doc='Maximum factor.'))


def _check_factors(name, a):
    if a.min_factor < 0 or a.max_factor < 0:
        raise OpError('%s: min_factor and max_factor must be >= 0, got %s and %s'
                      % (name, a.min_factor, a.max_factor))
    if a.min_factor > a.max_factor:
        raise OpError('%s: min_factor (%s) must not exceed max_factor (%s)'
                      % (name, a.min_factor, a.max_factor))


@register('_image_random_brightness', **_enhance_params(''))
def _image_random_brightness(a, data):
    """Scale an image (H, W, C) by a factor drawn uniformly from [min_factor, max_factor]."""
    _check_image('_image_random_brightness', data)
    _check_factors('_image_random_brightness', a)
    return _brightness(data, _uniform(a.min_factor, a.max_factor))


@register('_image_random_contrast', **_enhance_params(''))
def _image_random_contrast(a, data):
    """Blend an image (H, W, C) with its mean gray level by a factor drawn uniformly from
    [min_factor, max_factor]: ``out = x * f + (1 - f) * mean_gray``."""
    _check_image('_image_random_contrast', data)
    _check_factors('_image_random_contrast', a)
    return _contrast(data, _uniform(a.min_factor, a.max_factor))


@register('_image_random_saturation', **_enhance_params(''))
def _image_random_saturation(a, data):
    """Blend an RGB image (H, W, C) with a gray value by a factor drawn uniformly from
    [min_factor, max_factor]."""
    _check_image('_image_random_saturation', data)
    _check_factors('_image_random_saturation', a)
    return _saturation(data, _uniform(a.min_factor, a.max_factor))


@register('_image_random_hue', **_enhance_params(''))
def _image_random_hue(a, data):
    """Rotate the hue of an RGB image (H, W, C) by ``f * 360`` degrees (in HLS space), f drawn
    uniformly from [min_factor, max_factor]."""
    _check_image('_image_random_hue', data)
    _check_factors('_image_random_hue', a)
    return _hue(data, _uniform(a.min_factor, a.max_factor))


@register('_image_random_color_jitter',
          brightness=Param(Float, doc='How much to jitter brightness.'),
          contrast=Param(Float, doc='How much to jitter contrast.'),
          saturation=Param(Float, doc='How much to jitter saturation.'),
          hue=Param(Float, doc='How much to jitter hue.'))
def _image_random_color_jitter(a, data):
    """Apply brightness, contrast, saturation and hue jitter to an image (H, W, C) in a random
    order; each factor is 1 + u with u uniform in [-amount, amount] (hue: u itself)."""
    _check_image('_image_random_color_jitter', data)
    out = data
    for k in torch.randperm(4).tolist():
        if k == 0 and a.brightness > 0:
            out = _brightness(out, 1.0 + _uniform(-a.brightness, a.brightness))
        elif k == 1 and a.contrast > 0:
            out = _contrast(out, 1.0 + _uniform(-a.contrast, a.contrast))
        elif k == 2 and a.saturation > 0:
            out = _saturation(out, 1.0 + _uniform(-a.saturation, a.saturation))
        elif k == 3 and a.hue > 0:
            out = _hue(out, _uniform(-a.hue, a.hue))
    return out.clone() if out is data else out


_EIG = np.array([[55.46 * -0.5675, 4.794 * 0.7192, 1.148 * 0.4009],
                 [55.46 * -0.5808, 4.794 * -0.0045, 1.148 * -0.8140],
                 [55.46 * -0.5836, 4.794 * -0.6948, 1.148 * 0.4203]], dtype=np.float32)


def _lighting(x, alpha):
    if x.shape[2] == 1:
        return x.clone()
    al = np.asarray(alpha, dtype=np.float32)
    pca = [np.float32(np.float32(_EIG[i, 0] * al[0]) + np.float32(_EIG[i, 1] * al[1]))
           + np.float32(_EIG[i, 2] * al[2]) for i in range(3)]
    off = torch.tensor(np.asarray(pca, dtype=np.float32), device=x.device)
    return _saturate(x.to(torch.float32) + off, x.dtype)


@register('_image_adjust_lighting',
          alpha=Param(FloatTuple, doc='The lighting alphas for the R, G, B channels.'))
def _image_adjust_lighting(a, data):
    """Add AlexNet's PCA lighting noise with the given alphas to an RGB image (H, W, C)."""
    _check_image('_image_adjust_lighting', data)
    if len(a.alpha) != 3:
        raise OpError('_image_adjust_lighting: alpha must have 3 elements (R, G, B), got %s'
                      % (a.alpha,))
    return _lighting(data, a.alpha)


@register('_image_random_lighting',
          alpha_std=Param(Float, 0.05, 'Level of the lighting noise.'))
def _image_random_lighting(a, data):
    """Add AlexNet's PCA lighting noise with alphas drawn from N(0, alpha_std) to an RGB image
    (H, W, C)."""
    _check_image('_image_random_lighting', data)
    alpha = (torch.randn(3) * a.alpha_std).tolist()
    return _lighting(data, alpha)
