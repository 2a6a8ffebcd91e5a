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
    ys = np.minimum(np.floor(np.arange(oh) * (h / oh)).astype(np.int64), h - 1)
    xs = np.minimum(np.floor(np.arange(ow) * (w / ow)).astype(np.int64), w - 1)
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
    raise OpError('_image_resize: interpolation method %d (%s) is not implemented in remx; '
                  'use 0 (nearest) or 1 (bilinear)'
                  % (interp, {2: 'bicubic', 3: 'area', 4: 'lanczos'}.get(interp, 'unknown')))


@register('_image_resize', size=Param(Shape, (), 'Size of new image. Could be (width, height) '
                                                 'or (size)'),
          keep_ratio=Param(Bool, False, 'Whether to resize the short edge or both edges to '
                                        '`size`, if size is give as an integer.'),
          interp=Param(Int, 1, 'Interpolation method for resizing: 0 nearest, 1 bilinear.'),
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
