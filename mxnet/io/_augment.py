"""ImageRecordIter's default augmenter: MXNet 1.9.1's ``aug_default`` (resize, affine
rotate / shear / scale / aspect, random resized crop, pad, crop, HSL shift, brightness /
contrast / saturation, PCA lighting) on (H, W, C) uint8 images in OpenCV's BGR order.

The geometry follows OpenCV as MXNet calls it: ``cv::warpAffine`` with its fixed-point
coordinates (1/32 pixel) and interpolation tables (bilinear, bicubic a=-0.75, Lanczos-4;
INTER_AREA means bilinear there), constant borders of ``fill_value``; ``cv::resize`` is the
``image`` operator family's OpenCV resize; the HLS conversion is OpenCV's 8-bit one.
Random draws come from the iterator's own numpy stream (not MXNet's std::mt19937 per thread).
"""
import math

import numpy as np

from ..base import MXNetError

# OpenCV's interpolation codes as MXNet passes them
_NEAREST, _LINEAR, _CUBIC, _AREA, _LANCZOS4 = 0, 1, 2, 3, 4
_TAB_BITS = 5                  # INTER_BITS
_TAB = 1 << _TAB_BITS          # INTER_TAB_SIZE
_COEF_BITS = 15                # INTER_REMAP_COEF_BITS
_AB_BITS = 10
_EPS = float(np.finfo(np.float32).eps)


def _coeffs_linear(x):
    return [1.0 - x, x]


def _coeffs_cubic(x):
    a = np.float32(-0.75)
    x = np.float32(x)
    c0 = ((a * (x + 1) - 5 * a) * (x + 1) + 8 * a) * (x + 1) - 4 * a
    c1 = ((a + 2) * x - (a + 3)) * x * x + 1
    c2 = ((a + 2) * (1 - x) - (a + 3)) * (1 - x) * (1 - x) + 1
    return [c0, c1, c2, np.float32(1) - c0 - c1 - c2]


_S45 = 0.70710678118654752440084436210485
_LANCZOS_CS = ((1, 0), (-_S45, -_S45), (0, 1), (_S45, -_S45), (-1, 0), (_S45, _S45), (0, -1),
               (-_S45, _S45))


def _coeffs_lanczos4(x):
    if x < _EPS:
        out = [0.0] * 8
        out[3] = 1.0
        return out
    y0 = -(x + 3) * math.pi * 0.25
    s0, c0 = math.sin(y0), math.cos(y0)
    out = []
    for i in range(8):
        y = -(x + 3 - i) * math.pi * 0.25
        out.append(np.float32((_LANCZOS_CS[i][0] * s0 + _LANCZOS_CS[i][1] * c0) / (y * y)))
    s = np.float32(1) / np.float32(sum(out, np.float32(0)))
    return [np.float32(c * s) for c in out]


_TABLES = {}


def _table(method):
    """(offsets, int64 weights (TAB*TAB, k*k)): OpenCV's fixed-point 2-D remap table, rows
    indexed by (y fraction * TAB + x fraction), each summing to 2**15 exactly."""
    if method in _TABLES:
        return _TABLES[method]
    fn, first = {_LINEAR: (_coeffs_linear, 0), _CUBIC: (_coeffs_cubic, -1),
                 _LANCZOS4: (_coeffs_lanczos4, -3)}[method]
    one = np.asarray([fn(i / float(_TAB)) for i in range(_TAB)], np.float32)
    k = one.shape[1]
    scale = 1 << _COEF_BITS
    tab = np.empty((_TAB * _TAB, k * k), np.int64)
    h = k // 2
    for i in range(_TAB):
        for j in range(_TAB):
            w = (one[i][:, None] * one[j][None, :]).astype(np.float32)
            it = np.clip(np.rint(w.astype(np.float64) * scale), -32768, 32767).astype(np.int64)
            diff = int(it.sum()) - scale
            if diff:
                # OpenCV puts the rounding error on the largest (or smallest) of the "central"
                # 2x2 taps (for the 2x2 bilinear kernel that search runs past the cell; only the
                # weight 1.0 -> 32767 of the first cell needs it, and it lands on tap (1, 1))
                mk = Mk = (h, h)
                for k1 in range(h, min(h + 2, k)):
                    for k2 in range(h, min(h + 2, k)):
                        if it[k1, k2] < it[mk]:
                            mk = (k1, k2)
                        elif it[k1, k2] > it[Mk]:
                            Mk = (k1, k2)
                if diff < 0:
                    it[Mk] -= diff
                else:
                    it[mk] -= diff
            tab[i * _TAB + j] = it.ravel()
    _TABLES[method] = (np.arange(first, first + k), tab)
    return _TABLES[method]


def _border(fill, c):
    """cv::Scalar(fill, fill, fill): the 4th channel (alpha) gets 0."""
    return np.asarray(([fill] * 3 + [0])[:c] if c <= 4 else [fill] * c, np.int64)


def warp_affine(img, M, out_w, out_h, method, fill):
    """cv::warpAffine(img, M, Size(out_w, out_h), method, BORDER_CONSTANT, Scalar(fill)) on a
    (H, W, C) uint8 image; ``M`` (2x3) maps source to destination pixels."""
    h, w, c = img.shape
    m = np.asarray(M, np.float32).astype(np.float64).ravel()
    d = m[0] * m[4] - m[1] * m[3]
    d = 1.0 / d if d != 0 else 0.0
    a11, a22 = m[4] * d, m[0] * d
    m01, m10 = -m[1] * d, -m[3] * d
    b1 = -a11 * m[2] - m01 * m[5]
    b2 = -m10 * m[2] - a22 * m[5]
    inv = (a11, m01, b1, m10, a22, b2)
    if method == _AREA:
        method = _LINEAR
    out_w, out_h = int(out_w), int(out_h)
    if out_w <= 0 or out_h <= 0:
        raise MXNetError('ImageRecordIter: the affine augmentation gives an empty image '
                         '(%dx%d); check max_img_size / min_random_scale' % (out_w, out_h))
    scale = 1 << _AB_BITS
    xs = np.arange(out_w, dtype=np.float64)
    ys = np.arange(out_h, dtype=np.float64)
    adelta = np.rint(inv[0] * xs * scale).astype(np.int64)
    bdelta = np.rint(inv[3] * xs * scale).astype(np.int64)
    rdelta = scale // 2 if method == _NEAREST else scale // _TAB // 2
    x0 = np.rint((inv[1] * ys + inv[2]) * scale).astype(np.int64) + rdelta
    y0 = np.rint((inv[4] * ys + inv[5]) * scale).astype(np.int64) + rdelta
    X = x0[:, None] + adelta[None, :]
    Y = y0[:, None] + bdelta[None, :]
    border = _border(fill, c)
    src = img.astype(np.int64)
    if method == _NEAREST:
        sx, sy = X >> _AB_BITS, Y >> _AB_BITS
        inside = (sx >= 0) & (sx < w) & (sy >= 0) & (sy < h)
        out = np.empty((out_h, out_w, c), np.int64)
        out[:] = border
        out[inside] = src[sy[inside], sx[inside]]
        return out.astype(np.uint8)
    X >>= _AB_BITS - _TAB_BITS
    Y >>= _AB_BITS - _TAB_BITS
    sx, sy = X >> _TAB_BITS, Y >> _TAB_BITS
    frac = (Y & (_TAB - 1)) * _TAB + (X & (_TAB - 1))
    offs, tab = _table(method)
    p = 4
    padded = np.empty((h + 2 * p, w + 2 * p, c), np.int64)
    padded[:] = border
    padded[p:p + h, p:p + w] = src
    flat = padded.reshape(-1, c)
    pw = w + 2 * p
    acc = np.zeros((out_h, out_w, c), np.int64)
    wts = tab[frac]                                        # (oh, ow, k*k)
    k = len(offs)
    rows = [np.minimum(np.maximum(sy + oy, -p), h - 1 + p) + p for oy in offs]
    cols = [np.minimum(np.maximum(sx + ox, -p), w - 1 + p) + p for ox in offs]
    for i in range(k):
        base = rows[i] * pw
        for j in range(k):
            acc += wts[:, :, i * k + j, None] * flat[base + cols[j]]
    out = (acc + (1 << (_COEF_BITS - 1))) >> _COEF_BITS
    return np.clip(out, 0, 255).astype(np.uint8)


def resize(img, new_h, new_w, method):
    """cv::resize of a (H, W, C) uint8 image."""
    import torch
    from .._ops.image import resize_image
    t = torch.from_numpy(np.require(img, requirements=['C', 'W']))
    return resize_image(t[None], int(new_h), int(new_w), int(method))[0].numpy()


def _pad(img, p, fill):
    h, w, c = img.shape
    out = np.empty((h + 2 * p, w + 2 * p, c), np.uint8)
    out[:] = _border(fill, c).astype(np.uint8)
    out[p:p + h, p:p + w] = img
    return out


# -- colour ----------------------------------------------------------------------------------------
def bgr_to_hls(img):
    """OpenCV's 8-bit BGR -> HLS (H in [0, 180), L and S in [0, 255])."""
    f = img[:, :, :3].astype(np.float32) * np.float32(1.0 / 255)
    b, g, r = f[:, :, 0], f[:, :, 1], f[:, :, 2]
    vmax = np.maximum(np.maximum(r, g), b)
    vmin = np.minimum(np.minimum(r, g), b)
    diff = vmax - vmin
    tot = vmax + vmin
    l = tot * np.float32(0.5)
    ok = diff > _EPS
    with np.errstate(divide='ignore', invalid='ignore'):
        s = np.where(l < 0.5, diff / tot, diff / (np.float32(2) - tot))
        dd = np.float32(60) / diff
        h = np.where(vmax == r, (g - b) * dd,
                     np.where(vmax == g, (b - r) * dd + np.float32(120),
                              (r - g) * dd + np.float32(240)))
    h = np.where(h < 0, h + np.float32(360), h)
    h = np.where(ok, h, np.float32(0)).astype(np.float32)
    s = np.where(ok, s, np.float32(0)).astype(np.float32)
    out = np.stack([h * np.float32(0.5), l * np.float32(255), s * np.float32(255)], -1)
    return np.clip(np.rint(out), 0, 255).astype(np.uint8)


_SECTORS = np.asarray([[1, 3, 0], [1, 0, 2], [3, 0, 1], [0, 2, 1], [0, 1, 3], [2, 1, 0]])


def hls_to_bgr(hls):
    """OpenCV's 8-bit HLS -> BGR."""
    h = hls[:, :, 0].astype(np.float32)
    l = hls[:, :, 1].astype(np.float32) * np.float32(1.0 / 255)
    s = hls[:, :, 2].astype(np.float32) * np.float32(1.0 / 255)
    p2 = np.where(l <= 0.5, l * (1 + s), l + s - l * s).astype(np.float32)
    p1 = (2 * l - p2).astype(np.float32)
    h = h * np.float32(6.0 / 180)
    h = np.where(h >= 6, h - 6, h)
    sector = np.floor(h).astype(np.int64)
    fr = (h - sector).astype(np.float32)
    tab = np.stack([p2, p1, p1 + (p2 - p1) * (1 - fr), p1 + (p2 - p1) * fr], -1)
    idx = _SECTORS[np.clip(sector, 0, 5)]                     # (H, W, 3): b, g, r sources
    bgr = np.take_along_axis(tab, idx, axis=-1)
    gray = s == 0
    bgr[gray] = l[gray][:, None]
    return np.clip(np.rint(bgr * np.float32(255)), 0, 255).astype(np.uint8)


def _saturate(v):
    return np.clip(np.rint(v), 0, 255).astype(np.uint8)


# MXNet converts its BGR Mat with RGB2GRAY, so the luma weights fall on (B, G, R) in that order:
# gray = 0.299 B + 0.587 G + 0.114 R (OpenCV's 14-bit fixed-point weights, rounded to uint8)
_GRAY_FIX = np.asarray([4899, 9617, 1868], np.int64)


def _gray_u8(x):
    """cv::cvtColor(x, gray, RGB2GRAY) on the BGR Mat, as MXNet calls it (uint8)."""
    return ((x.astype(np.int64) * _GRAY_FIX).sum(-1) + (1 << 13)) >> 14


# ImageNet PCA lighting (eigenvalues, eigenvectors by RGB row), as mx.image.LightingAug
_EIGVAL = np.asarray([55.46, 4.794, 1.148], np.float32)
_EIGVEC = np.asarray([[-0.5675, 0.7192, 0.4009],
                      [-0.5808, -0.0045, -0.8140],
                      [-0.5836, -0.6948, 0.4203]], np.float32)


# -- the augmenter ---------------------------------------------------------------------------------
def _num(name, key, v, kind=float):
    if v is None:
        return None
    try:
        return kind(float(v)) if kind is int else float(v)
    except (TypeError, ValueError):
        raise MXNetError('%s: invalid value %r for %s' % (name, v, key)) from None


def _rotate_list(name, v):
    if v is None or v == '':
        return []
    if isinstance(v, str):
        toks = [t.strip(' []()') for t in v.split(',') if t.strip(' []()')]
    else:
        toks = list(v)
    try:
        return [int(float(t)) for t in toks]
    except (TypeError, ValueError):
        raise MXNetError('%s: invalid rotate_list %r (comma-separated angles)' % (name, v)) \
            from None


class DefaultAugmenter:
    """MXNet's aug_default for one iterator: ``process(img, rng)`` on a (H, W, C) BGR uint8
    image returns the augmented image of data_shape's height and width."""

    _AUG_KEYS = ('rand_crop', 'random_resized_crop', 'max_rotate_angle', 'max_aspect_ratio',
                 'min_aspect_ratio', 'max_shear_ratio', 'max_crop_size', 'min_crop_size',
                 'max_random_scale', 'min_random_scale', 'max_random_area', 'min_random_area',
                 'max_img_size', 'min_img_size', 'brightness', 'contrast', 'saturation',
                 'pca_noise', 'random_h', 'random_s', 'random_l', 'rotate', 'rotate_list')

    def __init__(self, name, data_shape, resize=-1, rand_crop=False, random_resized_crop=False,
                 max_rotate_angle=0, max_aspect_ratio=0.0, min_aspect_ratio=None,
                 max_shear_ratio=0.0, max_crop_size=-1, min_crop_size=-1, max_random_scale=1.0,
                 min_random_scale=1.0, max_random_area=1.0, min_random_area=1.0,
                 max_img_size=1e10, min_img_size=0.0, brightness=0.0, contrast=0.0,
                 saturation=0.0, pca_noise=0.0, random_h=0, random_s=0, random_l=0, rotate=-1,
                 rotate_list=None, fill_value=255, inter_method=1, pad=0):
        from .native import _bool
        self.name = name
        self.c, self.h, self.w = data_shape
        self.resize = _num(name, 'resize', resize, int)
        self.rand_crop = _bool(rand_crop)
        self.rrc = _bool(random_resized_crop)
        self.max_rotate_angle = _num(name, 'max_rotate_angle', max_rotate_angle, int)
        self.max_aspect_ratio = np.float32(_num(name, 'max_aspect_ratio', max_aspect_ratio))
        self.min_aspect_ratio = (None if min_aspect_ratio is None or
                                 str(min_aspect_ratio) == 'None' else
                                 np.float32(_num(name, 'min_aspect_ratio', min_aspect_ratio)))
        self.max_shear_ratio = np.float32(_num(name, 'max_shear_ratio', max_shear_ratio))
        self.max_crop_size = _num(name, 'max_crop_size', max_crop_size, int)
        self.min_crop_size = _num(name, 'min_crop_size', min_crop_size, int)
        self.max_random_scale = np.float32(_num(name, 'max_random_scale', max_random_scale))
        self.min_random_scale = np.float32(_num(name, 'min_random_scale', min_random_scale))
        self.max_random_area = np.float32(_num(name, 'max_random_area', max_random_area))
        self.min_random_area = np.float32(_num(name, 'min_random_area', min_random_area))
        self.max_img_size = np.float32(_num(name, 'max_img_size', max_img_size))
        self.min_img_size = np.float32(_num(name, 'min_img_size', min_img_size))
        self.brightness = _num(name, 'brightness', brightness)
        self.contrast = _num(name, 'contrast', contrast)
        self.saturation = _num(name, 'saturation', saturation)
        self.pca_noise = _num(name, 'pca_noise', pca_noise)
        self.random_h = _num(name, 'random_h', random_h, int)
        self.random_s = _num(name, 'random_s', random_s, int)
        self.random_l = _num(name, 'random_l', random_l, int)
        self.rotate = _num(name, 'rotate', rotate, int)
        self.rotate_list = _rotate_list(name, rotate_list)
        self.fill = _num(name, 'fill_value', fill_value, int)
        self.inter = _num(name, 'inter_method', inter_method, int)
        self.pad = _num(name, 'pad', pad, int)
        inter_ok = 0 <= self.inter <= 4 or 9 <= self.inter <= 10
        if self.resize > 0 and not inter_ok:
            raise MXNetError('%s: Check failed: (param_.inter_method >= 0 && '
                             'param_.inter_method <= 4) || (param_.inter_method >= 9 && '
                             'param_.inter_method <= 10): invalid inter_method: valid value '
                             '0,1,2,3,9,10' % name)
        self.affine = (self.max_rotate_angle > 0 or self.max_shear_ratio > 0 or self.rotate > 0
                       or self.rotate_list or self.max_random_scale != 1
                       or self.min_random_scale != 1
                       or (not self.rrc and (self.min_aspect_ratio is not None or
                                             self.max_aspect_ratio != 0))
                       or self.max_img_size != np.float32(1e10) or self.min_img_size != 0)
        if self.affine and not (1 <= self.inter <= 4 or 9 <= self.inter <= 10):
            raise MXNetError('%s: Check failed: (param_.inter_method >= 1 && '
                             'param_.inter_method <= 4) || (param_.inter_method >= 9 && '
                             'param_.inter_method <= 10): invalid inter_method: valid value '
                             '0,1,2,3,9,10' % name)
        if self.rrc:
            if not (self.min_random_scale == 1 and self.max_random_scale == 1 and
                    self.min_crop_size == -1 and self.max_crop_size == -1 and
                    not self.rand_crop):
                raise MXNetError(
                    '%s: Setting random_resized_crop to true conflicts with min_random_scale, '
                    'max_random_scale, min_crop_size, max_crop_size, and rand_crop.\nCurrent '
                    'setting: \nmin_random_scale: %g\nmax_random_scale: %g\nmin_crop_size: %d'
                    '\nmax_crop_size: %d\nrand_crop: %d' % (
                        name, self.min_random_scale, self.max_random_scale, self.min_crop_size,
                        self.max_crop_size, self.rand_crop))
            if self.min_aspect_ratio is not None:
                self.rrc_ar = (self.min_aspect_ratio, self.max_aspect_ratio)
            else:
                self.rrc_ar = (np.float32(1) - self.max_aspect_ratio,
                               np.float32(1) + self.max_aspect_ratio)
            self.rrc_active = (self.max_random_area != 1 or self.min_random_area != 1 or
                               self.rrc_ar != (1, 1))
            if self.rrc_active:
                if not self.rrc_ar[0] > 0:
                    raise MXNetError('%s: Check failed: min_aspect_ratio > 0.0f (aspect ratios '
                                     'in [%g, %g])' % (name, self.rrc_ar[0], self.rrc_ar[1]))
                if not self.min_random_area <= self.max_random_area:
                    raise MXNetError('%s: Check failed: param_.min_random_area <= '
                                     'param_.max_random_area' % name)
                if not self.rrc_ar[0] <= self.rrc_ar[1]:
                    raise MXNetError('%s: Check failed: min_aspect_ratio <= max_aspect_ratio'
                                     % name)
                if not self.min_random_area > 0:
                    # MXNet 1.9.1 crashes here (square root of a negative area)
                    raise MXNetError('%s: min_random_area must be positive, got %g'
                                     % (name, self.min_random_area))
        self.crop_sized = self.max_crop_size != -1 or self.min_crop_size != -1
        if self.crop_sized and not self.rrc and self.min_crop_size <= 0:
            # MXNet 1.9.1 draws a crop size of 0 or less here and fails inside OpenCV
            raise MXNetError('%s: min_crop_size and max_crop_size must both be set (positive), '
                             'got %d and %d' % (name, self.min_crop_size, self.max_crop_size))
        self.jitter = self.brightness > 0 or self.contrast > 0 or self.saturation > 0
        self.hsl = self.random_h != 0 or self.random_s != 0 or self.random_l != 0
        if self.c == 4 and self.jitter:
            raise MXNetError("%s: brightness/contrast/saturation need a 3-channel image, "
                             "data_shape has 4 channels (OpenCV: Sizes of input arguments do not "
                             "match: the operation is neither 'array op array' (where arrays "
                             "have the same size and the same number of channels), nor 'array "
                             "op scalar', nor 'scalar op array')" % name)
        if self.c == 1 and (self.jitter or self.hsl):
            what = 'brightness/contrast/saturation' if self.jitter else 'random_h/s/l'
            raise MXNetError('%s: %s need a 3-channel image, data_shape has 1 channel (OpenCV: '
                             'Assertion failed VScn::contains(scn) && VDcn::contains(dcn) && '
                             'VDepth::contains(depth) in function CvtHelper)' % (name, what))

    def _inter(self, old_w, old_h, new_w, new_h, rng):
        if self.inter == 9:
            if new_w > old_w and new_h > old_h:
                return _CUBIC
            if new_w < old_w and new_h < old_h:
                return _AREA
            return _LINEAR
        if self.inter == 10:
            return int(rng.randint(0, 5))
        return self.inter

    def _affine(self, res, rng):
        u = lambda: np.float32(rng.uniform(0, 1))  # noqa: E731
        s = u() * self.max_shear_ratio * 2 - self.max_shear_ratio
        angle = int(rng.randint(-self.max_rotate_angle, self.max_rotate_angle + 1))
        if self.rotate > 0:
            angle = self.rotate
        if self.rotate_list:
            angle = self.rotate_list[int(rng.randint(0, len(self.rotate_list)))]
        a = np.float32(math.cos(angle / 180.0 * math.pi))
        b = np.float32(math.sin(angle / 180.0 * math.pi))
        scale = u() * (self.max_random_scale - self.min_random_scale) + self.min_random_scale
        if self.rrc:
            ratio = np.float32(1)
        elif self.min_aspect_ratio is not None:
            ratio = np.float32(rng.uniform(self.min_aspect_ratio, self.max_aspect_ratio))
        else:
            ratio = u() * self.max_aspect_ratio * 2 - self.max_aspect_ratio + 1
        hs = np.float32(2 * scale / (1 + ratio))
        ws = np.float32(ratio * hs)
        rows, cols = res.shape[:2]
        new_w = max(self.min_img_size, min(self.max_img_size, np.float32(scale * cols)))
        new_h = max(self.min_img_size, min(self.max_img_size, np.float32(scale * rows)))
        m = np.zeros((2, 3), np.float32)
        m[0, 0] = hs * a - s * b * ws
        m[1, 0] = -b * ws
        m[0, 1] = hs * b + s * a * ws
        m[1, 1] = a * ws
        cw = m[0, 0] * cols + m[0, 1] * rows
        ch = m[1, 0] * cols + m[1, 1] * rows
        m[0, 2] = (new_w - cw) / 2
        m[1, 2] = (new_h - ch) / 2
        method = self._inter(cols, rows, new_w, new_h, rng)
        return warp_affine(res, m, int(new_w), int(new_h), method, self.fill)

    def _random_resized_crop(self, res, rng):
        rows, cols = res.shape[:2]
        area = np.float32(rows * cols)
        for _ in range(10):
            ar = np.float32(rng.uniform(self.min_random_area, self.max_random_area))
            asp = np.float32(rng.uniform(*self.rrc_ar))
            target = area * ar
            cw = int(round(math.sqrt(target * asp)))
            chh = int(round(math.sqrt(target / asp)))
            if cw <= cols and chh <= rows:
                x = int(rng.randint(0, cols - cw + 1))
                y = int(rng.randint(0, rows - chh + 1))
                method = self._inter(cw, chh, self.w, self.h, rng)
                return resize(res[y:y + chh, x:x + cw], self.h, self.w, method), True
        return res, False

    def _crop(self, res, rng):
        name = self.name
        if self.crop_sized:
            rows, cols = res.shape[:2]
            if not (cols >= self.max_crop_size and rows >= self.max_crop_size and
                    self.max_crop_size >= self.min_crop_size):
                raise MXNetError('%s: Check failed: res.cols >= param_.max_crop_size && res.rows '
                                 '>= param_.max_crop_size && param_.max_crop_size >= '
                                 'param_.min_crop_size: input image size smaller than '
                                 'max_crop_size (image %dx%d, crop sizes [%d, %d])'
                                 % (name, cols, rows, self.min_crop_size, self.max_crop_size))
            size = int(rng.randint(self.min_crop_size, self.max_crop_size + 1))
            y, x = rows - size, cols - size
            if self.rand_crop:
                y = int(rng.randint(0, y + 1))
                x = int(rng.randint(0, x + 1))
            else:
                y //= 2
                x //= 2
            method = self._inter(size, size, self.w, self.h, rng)
            return resize(res[y:y + size, x:x + size], self.h, self.w, method)
        # an image smaller than data_shape is enlarged (keeping its aspect ratio, height
        # first, then width), as MXNet does, before cropping
        if res.shape[0] < self.h:
            res = resize(res, self.h, res.shape[1] * self.h // res.shape[0], _LINEAR)
        if res.shape[1] < self.w:
            res = resize(res, res.shape[0] * self.w // res.shape[1], self.w, _LINEAR)
        rows, cols = res.shape[:2]
        y, x = rows - self.h, cols - self.w
        if self.rand_crop:
            y = int(rng.randint(0, y + 1))
            x = int(rng.randint(0, x + 1))
        else:
            y //= 2
            x //= 2
        return res[y:y + self.h, x:x + self.w]

    def _hsl(self, res, rng):
        u = lambda: float(np.float32(rng.uniform(0, 1)))  # noqa: E731
        dh = int(u() * self.random_h * 2 - self.random_h)
        ds = int(u() * self.random_s * 2 - self.random_s)
        dl = int(u() * self.random_l * 2 - self.random_l)
        hls = bgr_to_hls(res).astype(np.int64)
        hls += np.asarray([dh, dl, ds], np.int64)
        hls = np.clip(hls, 0, np.asarray([180, 255, 255], np.int64)).astype(np.uint8)
        out = res.copy()
        out[:, :, :3] = hls_to_bgr(hls)
        return out

    def _jitter(self, res, rng):
        out = res.copy()
        x = out[:, :, :3]
        if self.brightness > 0:
            alpha = 1 + rng.uniform(-self.brightness, self.brightness)
            x[:] = _saturate(x.astype(np.float32) * np.float32(alpha))
        if self.contrast > 0:
            alpha = 1 + rng.uniform(-self.contrast, self.contrast)
            mean = float(_gray_u8(x).mean())
            x[:] = _saturate(x.astype(np.float32) * np.float32(alpha) +
                             np.float32((1 - alpha) * mean))
        if self.saturation > 0:
            alpha = 1 + rng.uniform(-self.saturation, self.saturation)
            gray = _gray_u8(x).astype(np.float32)[:, :, None]
            x[:] = _saturate(x.astype(np.float32) * np.float32(alpha) +
                             gray * np.float32(1 - alpha))
        return out

    def _pca(self, res, rng):
        alpha = rng.normal(0, self.pca_noise, size=3).astype(np.float32)
        rgb = _EIGVEC @ (alpha * _EIGVAL)
        out = res.astype(np.float32)
        if res.shape[2] >= 3:
            out[:, :, :3] += rgb[::-1]           # BGR order in the image
        else:
            out += rgb[0]
        return _saturate(out)

    def process(self, img, rng):
        res = img
        if self.resize > 0:
            rows, cols = res.shape[:2]
            if rows > cols:
                nh, nw = self.resize * rows // cols, self.resize
            else:
                nh, nw = self.resize, self.resize * cols // rows
            res = resize(res, nh, nw, self._inter(cols, rows, nw, nh, rng))
        if self.affine:
            res = self._affine(res, rng)
        if self.pad > 0:
            res = _pad(res, self.pad, self.fill)
        cropped = False
        if self.rrc and self.rrc_active:
            res, cropped = self._random_resized_crop(res, rng)
        if not cropped:
            res = self._crop(res, rng)
        if self.hsl:
            res = self._hsl(res, rng)
        if self.jitter:
            res = self._jitter(res, rng)
        if self.pca_noise > 0:
            res = self._pca(res, rng)
        return res
