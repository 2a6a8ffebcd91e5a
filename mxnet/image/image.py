"""``mx.image``: decode, resize, crop and normalise images, the classic augmenters and
``ImageIter`` (batches of images from RecordIO files or image lists).

Images are NDArrays (H, W, C), RGB, uint8 after decoding. Random augmenters draw from Python's
``random`` module (``LightingAug`` and ``random_rotate`` from NumPy's global generator), the
generators MXNet 1.9.1 used, so seeding them reproduces MXNet's draws.
"""
import json
import logging
import os
import random
from numbers import Number

import numpy as np
import torch

from ..base import MXNetError
from .. import ndarray as nd
from ..ndarray.ndarray import NDArray, _wrap
from .. import io
from .. import recordio
from .._imcodec import decode_bgr, CodecMissingError
from .._ops.image import resize_image

__all__ = ['imread', 'imresize', 'imdecode', 'scale_down', 'copyMakeBorder', 'resize_short',
           'fixed_crop', 'random_crop', 'center_crop', 'color_normalize', 'random_size_crop',
           'imrotate', 'random_rotate', 'Augmenter', 'SequentialAug', 'ResizeAug',
           'ForceResizeAug', 'RandomCropAug', 'RandomSizedCropAug', 'CenterCropAug',
           'RandomOrderAug', 'BrightnessJitterAug', 'ContrastJitterAug', 'SaturationJitterAug',
           'HueJitterAug', 'ColorJitterAug', 'LightingAug', 'ColorNormalizeAug', 'RandomGrayAug',
           'HorizontalFlipAug', 'CastAug', 'CreateAugmenter', 'ImageIter']

numeric_types = (float, int, np.generic)


# -- decoding --------------------------------------------------------------------------------------
def _decode_to_nd(buf, flag, to_rgb, out):
    try:
        flag = int(flag)
    except (TypeError, ValueError):
        raise MXNetError('Invalid Parameter format for flag expect int but value=%r' % (flag,)) \
            from None
    if flag < 0:
        raise MXNetError('value %d for Parameter flag should be greater equal to 0: Convert '
                         'decoded image to grayscale (0) or color (1).' % flag)
    flag = 1 if flag else 0   # as MXNet: any non-zero flag gives 3 colour channels
    if len(buf) == 0:
        raise MXNetError('Check failed: buf.size() != 0: Input buffer cannot be empty')
    try:
        img = decode_bgr(buf, flag)
    except CodecMissingError:
        raise  # the bytes may be fine: it says what to install
    except MXNetError as e:
        raise MXNetError('Check failed: !res.empty(): Decoding failed. Invalid image file. (%s)'
                         % e) from None
    if img.ndim == 2:
        img = img[:, :, None]
    elif to_rgb:
        img = img[:, :, ::-1]
    t = torch.from_numpy(np.ascontiguousarray(img))
    if out is not None:
        if tuple(out.shape) != tuple(t.shape):
            raise MXNetError('imdecode: out has shape %s but the image has shape %s'
                             % (tuple(out.shape), tuple(t.shape)))
        out._data.copy_(t)
        return out
    return _wrap(t)


def imread(filename, flag=1, to_rgb=True, out=None):
    """Read an image file and decode it to an NDArray (H, W, C).

    Parameters
    ----------
    filename : str
        Path of the image file.
    flag : {0, 1}, default 1
        1: three colour channels; 0: one grayscale channel (output (H, W, 1)).
    to_rgb : bool, default True
        True: RGB channel order (MXNet's default); False: BGR (OpenCV's).
    out : NDArray, optional
        Buffer to write the image into.

    Returns
    -------
    NDArray
        uint8 image of shape (H, W, 3) or (H, W, 1).
    """
    try:
        with open(filename, 'rb') as f:
            buf = f.read()
    except OSError as e:
        raise MXNetError("Imread: Check failed: file.is_open(): '%s' couldn't open file: %s"
                         % (filename, e.strerror)) from None
    return _decode_to_nd(buf, flag, to_rgb, out)


def imdecode(buf, flag=1, to_rgb=True, out=None):
    """Decode an image held in memory (JPEG, PNG, ...) to an NDArray (H, W, C).

    Parameters
    ----------
    buf : bytes, bytearray, numpy.ndarray or NDArray
        The encoded image.
    flag : {0, 1}, default 1
        1: colour output (3 channels); 0: grayscale output (1 channel).
    to_rgb : bool, default True
        True for RGB order, False for BGR (OpenCV's order).
    out : NDArray, optional
        Buffer to write the image into.

    Returns
    -------
    NDArray
        uint8 image of shape (H, W, 3) or (H, W, 1).
    """
    if isinstance(buf, NDArray):
        buf = buf.asnumpy().astype(np.uint8).tobytes()
    elif isinstance(buf, np.ndarray):
        buf = np.ascontiguousarray(buf).view(np.uint8).tobytes()
    elif isinstance(buf, (bytes, bytearray)):
        buf = bytes(buf)
    else:
        raise ValueError('buf must be of type bytes, bytearray or numpy.ndarray,'
                         'if you would like to input type str, please convert to bytes')
    return _decode_to_nd(buf, flag, to_rgb, out)


def _resize_tensor(t, w, h, interp):
    if interp not in (0, 1, 2, 3, 4):
        raise MXNetError('imresize: unknown interpolation method %s; use 0 (nearest), '
                         '1 (bilinear), 2 (bicubic), 3 (area) or 4 (lanczos)' % (interp,))
    return resize_image(t.unsqueeze(0), h, w, interp)[0]


def imresize(src, w, h, interp=1, out=None):
    """Resize an image (H, W, C) to (h, w, C) as OpenCV's ``cv::resize`` does.

    Parameters
    ----------
    src : NDArray
        Source image (H, W, C).
    w : int
        Width of the resized image.
    h : int
        Height of the resized image.
    interp : int, default 1
        0 nearest, 1 bilinear, 2 bicubic, 3 pixel-area, 4 Lanczos (8x8).
    out : NDArray, optional
        Buffer for the result.

    Returns
    -------
    NDArray
        The resized image, same dtype as ``src``.
    """
    if not isinstance(src, NDArray):
        raise MXNetError('imresize: src must be an NDArray, got %s' % type(src).__name__)
    if src.ndim != 3:
        raise MXNetError('imresize: Check failed: src must be an image (H, W, C), got shape %s'
                         % (src.shape,))
    w, h = int(w), int(h)
    if w <= 0 or h <= 0:
        raise MXNetError('imresize: width and height must be positive, got w=%d, h=%d' % (w, h))
    res = _resize_tensor(src._data, w, h, int(interp))
    if out is not None:
        out._data.copy_(res)
        return out
    return _wrap(res)


def scale_down(src_size, size):
    """Shrink ``size`` (w, h) so that it fits inside ``src_size`` (w, h), keeping its aspect
    ratio. Returns the new (w, h) as ints.

    >>> mx.image.scale_down((640, 480), (720, 120))
    (640, 106)
    """
    w, h = size
    sw, sh = src_size
    if sh < h:
        w, h = float(w * sh) / h, sh
    if sw < w:
        w, h = sw, float(h * sw) / w
    return int(w), int(h)


_BORDER_MODES = {1: 'edge', 2: 'symmetric', 3: 'wrap', 4: 'reflect'}


def copyMakeBorder(src=None, top=None, bot=None, left=None, right=None, type=0, value=0.0,
                   values=(), out=None, name=None, **kwargs):  # pylint: disable=redefined-builtin
    """Pad an image (H, W, C) with a border, as OpenCV's ``copyMakeBorder``.

    Parameters
    ----------
    src : NDArray
        Source image (H, W, C).
    top, bot, left, right : int
        Border widths.
    type : int, default 0
        0 constant, 1 replicate, 2 reflect, 3 wrap, 4 reflect-101 (OpenCV's border types;
        the BORDER_ISOLATED flag 16 may be added).
    value : float, default 0
        Fill value for the constant border.
    values : tuple of floats, optional
        Per-channel fill values for the constant border (override ``value``).
    out : NDArray, optional

    Returns
    -------
    NDArray
        (H + top + bot, W + left + right, C) image.
    """
    if kwargs:
        raise MXNetError('copyMakeBorder: unexpected arguments %s' % sorted(kwargs))
    if not isinstance(src, NDArray):
        raise MXNetError('copyMakeBorder: src must be an NDArray')
    for nm, v in (('top', top), ('bot', bot), ('left', left), ('right', right)):
        if v is None:
            raise MXNetError('Required parameter %s of int is not presented, in operator '
                             '_cvcopyMakeBorder' % nm)
        if int(v) < 0:
            raise MXNetError('copyMakeBorder: %s must be >= 0, got %s' % (nm, v))
    if src.ndim != 3:
        raise MXNetError('copyMakeBorder: src must be an image (H, W, C), got shape %s'
                         % (src.shape,))
    a = src.asnumpy()
    pads = ((int(top), int(bot)), (int(left), int(right)), (0, 0))
    if isinstance(type, (int, np.integer)):
        type = int(type) & ~16   # OpenCV's BORDER_ISOLATED flag changes nothing here
    if type == 0:
        c = a.shape[2]
        if isinstance(values, numeric_types):
            values = (values,)
        vals = [float(v) for v in values] if values else [value] * c
        vals = (vals + [0.0] * c)[:c] if len(vals) < c else vals[:c]
        res = np.empty((a.shape[0] + pads[0][0] + pads[0][1],
                        a.shape[1] + pads[1][0] + pads[1][1], c), dtype=a.dtype)
        res[...] = np.asarray(vals, dtype=np.float64).astype(a.dtype)
        res[pads[0][0]:pads[0][0] + a.shape[0], pads[1][0]:pads[1][0] + a.shape[1]] = a
    elif type in _BORDER_MODES:
        res = np.pad(a, pads, mode=_BORDER_MODES[type])
    else:
        raise MXNetError('copyMakeBorder: unknown border type %s' % (type,))
    t = torch.from_numpy(np.ascontiguousarray(res))
    if out is not None:
        out._data.copy_(t)
        return out
    return _wrap(t)


def _get_interp_method(interp, sizes=()):
    """Resolve interpolation codes 9 (by size change) and 10 (random) to 0..4."""
    if interp == 9:
        if sizes:
            if len(sizes) != 4:
                raise MXNetError('sizes must be (oh, ow, nh, nw)')
            oh, ow, nh, nw = sizes
            if nh > oh and nw > ow:
                return 2
            if nh < oh and nw < ow:
                return 3
            return 1
        return 2
    if interp == 10:
        return random.randint(0, 4)
    if interp not in (0, 1, 2, 3, 4):
        raise ValueError('Unknown interp method %d' % interp)
    return interp


def resize_short(src, size, interp=2):
    """Resize the shorter edge of an image (H, W, C) to ``size``, keeping the aspect ratio
    (the longer edge becomes ``size * long // short``).

    Parameters
    ----------
    src : NDArray
        Source image.
    size : int
        New length of the shorter edge.
    interp : int, default 2
        Interpolation (see :func:`imresize`; 9 and 10 choose by size change / at random).

    Returns
    -------
    NDArray
    """
    h, w, _ = src.shape
    if h > w:
        new_h, new_w = size * h // w, size
    else:
        new_h, new_w = size, size * w // h
    return imresize(src, new_w, new_h, interp=_get_interp_method(interp, (h, w, new_h, new_w)))


def fixed_crop(src, x0, y0, w, h, size=None, interp=2):
    """Crop the area (x0, y0, w, h) of an image (H, W, C) and resize it to ``size`` (w, h)
    if given.

    Returns
    -------
    NDArray
    """
    out = src[y0:y0 + h, x0:x0 + w]
    if size is not None and (w, h) != size:
        out = imresize(out, *size, interp=_get_interp_method(interp, (h, w, size[1], size[0])))
    return out


def random_crop(src, size, interp=2):
    """Crop a random area of size ``size`` (w, h) (scaled down to fit the image) and resize it
    to ``size``. Draws from Python's ``random``.

    Returns
    -------
    NDArray
        The crop.
    tuple
        (x0, y0, w, h) of the cropped area.
    """
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = random.randint(0, w - new_w)
    y0 = random.randint(0, h - new_h)
    return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def center_crop(src, size, interp=2):
    """Crop the central area of size ``size`` (w, h) (scaled down to fit the image) and resize
    it to ``size``.

    Returns
    -------
    NDArray
        The crop.
    tuple
        (x0, y0, w, h) of the cropped area.
    """
    h, w, _ = src.shape
    new_w, new_h = scale_down((w, h), size)
    x0 = int((w - new_w) / 2)
    y0 = int((h - new_h) / 2)
    return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)


def color_normalize(src, mean, std=None):
    """Normalise an image in place: ``src -= mean`` then ``src /= std`` (either may be None).

    Returns
    -------
    NDArray
        ``src``.
    """
    if mean is not None:
        src -= mean
    if std is not None:
        src /= std
    return src


def random_size_crop(src, size, area, ratio, interp=2, **kwargs):
    """Crop a random area (a fraction of the image's area drawn from ``area``, aspect ratio
    drawn log-uniformly from ``ratio``) and resize it to ``size``; after 10 failed draws falls
    back to :func:`center_crop`. Draws from Python's ``random``.

    Parameters
    ----------
    src : NDArray
        Image (H, W, C).
    size : tuple of (w, h)
        Output size.
    area : float or tuple of (min, max)
        Range of the crop's area relative to the image (a float means (area, 1.0)).
    ratio : tuple of (min, max)
        Range of the crop's aspect ratio.
    interp : int, default 2

    Returns
    -------
    NDArray
        The crop.
    tuple
        (x0, y0, w, h) of the cropped area.
    """
    h, w, _ = src.shape
    src_area = h * w
    if 'min_area' in kwargs:
        import warnings
        warnings.warn('`min_area` is deprecated. Please use `area` instead.', DeprecationWarning)
        area = kwargs.pop('min_area')
    if kwargs:
        raise AssertionError('unexpected keyword arguments for `random_size_crop`.')
    if isinstance(area, numeric_types):
        area = (area, 1.0)
    for _ in range(10):
        target_area = random.uniform(area[0], area[1]) * src_area
        log_ratio = (np.log(ratio[0]), np.log(ratio[1]))
        new_ratio = np.exp(random.uniform(*log_ratio))
        new_w = int(round(np.sqrt(target_area * new_ratio)))
        new_h = int(round(np.sqrt(target_area / new_ratio)))
        if new_w <= w and new_h <= h:
            x0 = random.randint(0, w - new_w)
            y0 = random.randint(0, h - new_h)
            return fixed_crop(src, x0, y0, new_w, new_h, size, interp), (x0, y0, new_w, new_h)
    return center_crop(src, size, interp)


# -- rotation --------------------------------------------------------------------------------------
def imrotate(src, rotation_degrees, zoom_in=False, zoom_out=False):
    """Rotate float32 image(s) (C, H, W) or (N, C, H, W) by ``rotation_degrees`` (a number or
    an NDArray of N angles) about their centres, with bilinear sampling; uncovered pixels are 0.

    Parameters
    ----------
    src : NDArray
        float32 image (C, H, W) or batch (N, C, H, W).
    rotation_degrees : float or NDArray
        Angle(s) in degrees.
    zoom_in : bool, default False
        Zoom in so that no padding appears in the output.
    zoom_out : bool, default False
        Zoom out so that the whole input stays in the output.

    Returns
    -------
    NDArray
        Rotated image(s), same shape as ``src``.
    """
    if zoom_in and zoom_out:
        raise ValueError('`zoom_in` and `zoom_out` cannot be both True')
    if src.dtype is not np.float32 and src.dtype != np.float32:
        raise TypeError('Only `float32` images are supported by this function')
    expanded = False
    if src.ndim == 3:
        expanded = True
        src = src.expand_dims(axis=0)
        if not isinstance(rotation_degrees, Number):
            raise TypeError('When a single image is passed the rotation angle is '
                            'required to be a scalar.')
    elif src.ndim != 4:
        raise ValueError('Only 3D and 4D are supported by this function')
    ctx = src.context
    if isinstance(rotation_degrees, Number):
        rotation_degrees = nd.array([rotation_degrees] * len(src), ctx=ctx)
    if len(src) != len(rotation_degrees):
        raise ValueError('The number of images must be equal to the number of rotation angles')
    rad = np.pi * rotation_degrees.as_in_context(ctx) / 180
    rad = rad.expand_dims(axis=1).expand_dims(axis=2)                  # (N, 1, 1)
    _, _, h, w = src.shape
    hc = float(h - 1) / 2
    wc = float(w - 1) / 2
    ys = (nd.repeat(nd.arange(h, ctx=ctx).astype('float32').reshape(h, 1), w, axis=1)
          - hc).expand_dims(axis=0)
    xs = (nd.repeat(nd.arange(w, ctx=ctx).astype('float32').reshape(1, w), h, axis=0)
          - wc).expand_dims(axis=0)
    cos, sin = nd.cos(rad), nd.sin(rad)
    # rotate the centred grid first, then normalise to [-1, 1] so the aspect ratio is kept
    gx = (xs * cos - ys * sin) / wc
    gy = (xs * sin + ys * cos) / hc
    hh, ww = nd.array([h], ctx=ctx), nd.array([w], ctx=ctx)
    scale = 1
    if zoom_in or zoom_out:
        rho = nd.sqrt(hh * hh + ww * ww)
        ang = nd.arctan(hh / ww)
        c1x = nd.abs(rho * nd.cos(ang + nd.abs(rad)))
        c1y = nd.abs(rho * nd.sin(ang + nd.abs(rad)))
        c2x = nd.abs(rho * nd.cos(ang - nd.abs(rad)))
        c2y = nd.abs(rho * nd.sin(ang - nd.abs(rad)))
        mx_ = nd.maximum(c1x, c2x)
        my_ = nd.maximum(c1y, c2y)
        if zoom_out:
            scale = nd.maximum(mx_ / ww, my_ / hh)
        else:
            scale = nd.minimum(ww / mx_, hh / my_)
        scale = scale.expand_dims(axis=3)
    grid = nd.concat(gx.expand_dims(axis=1), gy.expand_dims(axis=1), dim=1) * scale
    out = nd.BilinearSampler(src, grid)
    return out[0] if expanded else out


def random_rotate(src, angle_limits, zoom_in=False, zoom_out=False):
    """Rotate image(s) (C, H, W) or (N, C, H, W) by angle(s) drawn uniformly from
    ``angle_limits`` (degrees) with NumPy's global generator; see :func:`imrotate`."""
    if src.ndim == 3:
        deg = np.random.uniform(*angle_limits)
    else:
        deg = nd.array(np.random.uniform(*angle_limits, size=src.shape[0]))
    return imrotate(src, deg, zoom_in=zoom_in, zoom_out=zoom_out)


# -- augmenters ------------------------------------------------------------------------------------
class Augmenter(object):
    """Base class of image augmenters: callables taking and returning an image (H, W, C).
    ``dumps()`` describes the augmenter as JSON ``[name, kwargs]``."""

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        for k, v in self._kwargs.items():
            if isinstance(v, NDArray):
                v = v.asnumpy()
            if isinstance(v, np.ndarray):
                self._kwargs[k] = v.tolist()

    def dumps(self):
        """JSON string ``[lower-case class name, kwargs]``."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, src):
        raise NotImplementedError('Must override implementation.')


class SequentialAug(Augmenter):
    """Apply a list of augmenters in order.

    Parameters
    ----------
    ts : list of Augmenter
    """

    def __init__(self, ts):
        super().__init__()
        self.ts = ts

    def dumps(self):
        return [self.__class__.__name__.lower(), [x.dumps() for x in self.ts]]

    def __call__(self, src):
        for aug in self.ts:
            src = aug(src)
        return src


class ResizeAug(Augmenter):
    """Resize the shorter edge to ``size`` (see :func:`resize_short`).

    Parameters
    ----------
    size : int
    interp : int, default 2
    """

    def __init__(self, size, interp=2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src):
        return resize_short(src, self.size, self.interp)


class ForceResizeAug(Augmenter):
    """Resize to exactly ``size`` (w, h), ignoring the aspect ratio.

    Parameters
    ----------
    size : tuple of (w, h)
    interp : int, default 2
    """

    def __init__(self, size, interp=2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src):
        sizes = (src.shape[0], src.shape[1], self.size[1], self.size[0])
        return imresize(src, *self.size, interp=_get_interp_method(self.interp, sizes))


class RandomCropAug(Augmenter):
    """Random crop of ``size`` (w, h) (see :func:`random_crop`).

    Parameters
    ----------
    size : tuple of (w, h)
    interp : int, default 2
    """

    def __init__(self, size, interp=2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src):
        return random_crop(src, self.size, self.interp)[0]


class RandomSizedCropAug(Augmenter):
    """Random crop with random area and aspect ratio, resized to ``size``
    (see :func:`random_size_crop`).

    Parameters
    ----------
    size : tuple of (w, h)
    area : float or tuple of (min, max)
    ratio : tuple of (min, max)
    interp : int, default 2
    """

    def __init__(self, size, area, ratio, interp=2, **kwargs):
        super().__init__(size=size, area=area, ratio=ratio, interp=interp)
        self.size = size
        if 'min_area' in kwargs:
            import warnings
            warnings.warn('`min_area` is deprecated. Please use `area` instead.',
                          DeprecationWarning)
            self.area = kwargs.pop('min_area')
        else:
            self.area = area
        self.ratio = ratio
        self.interp = interp
        if kwargs:
            raise AssertionError('unexpected keyword arguments for `RandomSizedCropAug`.')

    def __call__(self, src):
        return random_size_crop(src, self.size, self.area, self.ratio, self.interp)[0]


class CenterCropAug(Augmenter):
    """Central crop of ``size`` (w, h) (see :func:`center_crop`).

    Parameters
    ----------
    size : tuple of (w, h)
    interp : int, default 2
    """

    def __init__(self, size, interp=2):
        super().__init__(size=size, interp=interp)
        self.size = size
        self.interp = interp

    def __call__(self, src):
        return center_crop(src, self.size, self.interp)[0]


class RandomOrderAug(Augmenter):
    """Apply a list of augmenters in a random order (shuffles ``ts`` in place with Python's
    ``random``).

    Parameters
    ----------
    ts : list of Augmenter
    """

    def __init__(self, ts):
        super().__init__()
        self.ts = ts

    def dumps(self):
        return [self.__class__.__name__.lower(), [x.dumps() for x in self.ts]]

    def __call__(self, src):
        random.shuffle(self.ts)
        for t in self.ts:
            src = t(src)
        return src


class BrightnessJitterAug(Augmenter):
    """Scale a float image by ``1 + u``, u uniform in [-brightness, brightness] (in place).

    Parameters
    ----------
    brightness : float
    """

    def __init__(self, brightness):
        super().__init__(brightness=brightness)
        self.brightness = brightness

    def __call__(self, src):
        alpha = 1.0 + random.uniform(-self.brightness, self.brightness)
        src *= alpha
        return src


_GRAY_COEF = [[[0.299, 0.587, 0.114]]]


class ContrastJitterAug(Augmenter):
    """Blend a float RGB image with its mean gray level by ``1 + u``, u uniform in
    [-contrast, contrast] (in place).

    Parameters
    ----------
    contrast : float
    """

    def __init__(self, contrast):
        super().__init__(contrast=contrast)
        self.contrast = contrast
        self.coef = nd.array(_GRAY_COEF)

    def __call__(self, src):
        alpha = 1.0 + random.uniform(-self.contrast, self.contrast)
        gray = src * self.coef
        gray = (3.0 * (1.0 - alpha) / gray.size) * nd.sum(gray)
        src *= alpha
        src += gray
        return src


class SaturationJitterAug(Augmenter):
    """Blend a float RGB image with its per-pixel gray value by ``1 + u``, u uniform in
    [-saturation, saturation] (in place).

    Parameters
    ----------
    saturation : float
    """

    def __init__(self, saturation):
        super().__init__(saturation=saturation)
        self.saturation = saturation
        self.coef = nd.array(_GRAY_COEF)

    def __call__(self, src):
        alpha = 1.0 + random.uniform(-self.saturation, self.saturation)
        gray = src * self.coef
        gray = nd.sum(gray, axis=2, keepdims=True)
        gray *= (1.0 - alpha)
        src *= alpha
        src += gray
        return src


class HueJitterAug(Augmenter):
    """Rotate the hue of a float RGB image by ``u * 180`` degrees in YIQ space, u uniform in
    [-hue, hue].

    Parameters
    ----------
    hue : float
    """

    def __init__(self, hue):
        super().__init__(hue=hue)
        self.hue = hue
        self.tyiq = np.array([[0.299, 0.587, 0.114],
                              [0.596, -0.274, -0.321],
                              [0.211, -0.523, 0.311]])
        self.ityiq = np.array([[1.0, 0.956, 0.621],
                               [1.0, -0.272, -0.647],
                               [1.0, -1.107, 1.705]])

    def __call__(self, src):
        alpha = random.uniform(-self.hue, self.hue)
        u = np.cos(alpha * np.pi)
        w = np.sin(alpha * np.pi)
        bt = np.array([[1.0, 0.0, 0.0], [0.0, u, -w], [0.0, w, u]])
        t = np.dot(np.dot(self.ityiq, bt), self.tyiq).T
        return nd.dot(src, nd.array(t))


class ColorJitterAug(RandomOrderAug):
    """Brightness, contrast and saturation jitter (those with a positive amount) applied in a
    random order.

    Parameters
    ----------
    brightness : float
    contrast : float
    saturation : float
    """

    def __init__(self, brightness, contrast, saturation):
        ts = []
        if brightness > 0:
            ts.append(BrightnessJitterAug(brightness))
        if contrast > 0:
            ts.append(ContrastJitterAug(contrast))
        if saturation > 0:
            ts.append(SaturationJitterAug(saturation))
        super().__init__(ts)


class LightingAug(Augmenter):
    """AlexNet-style PCA lighting noise: adds ``eigvec * alpha @ eigval`` with alpha drawn from
    N(0, alphastd) by NumPy's global generator (in place).

    Parameters
    ----------
    alphastd : float
    eigval : array of 3
    eigvec : array of 3x3
    """

    def __init__(self, alphastd, eigval, eigvec):
        super().__init__(alphastd=alphastd, eigval=eigval, eigvec=eigvec)
        self.alphastd = alphastd
        self.eigval = eigval
        self.eigvec = eigvec

    def __call__(self, src):
        alpha = np.random.normal(0, self.alphastd, size=(3,))
        rgb = np.dot(self.eigvec * alpha, self.eigval)
        src += nd.array(rgb)
        return src


class ColorNormalizeAug(Augmenter):
    """Subtract ``mean`` and divide by ``std`` (see :func:`color_normalize`).

    Parameters
    ----------
    mean : NDArray or array-like, or None
    std : NDArray or array-like, or None
    """

    def __init__(self, mean, std):
        super().__init__(mean=mean, std=std)
        self.mean = mean if mean is None or isinstance(mean, NDArray) else nd.array(mean)
        self.std = std if std is None or isinstance(std, NDArray) else nd.array(std)

    def __call__(self, src):
        return color_normalize(src, self.mean, self.std)


class RandomGrayAug(Augmenter):
    """Convert a float RGB image to gray (3 equal channels) with probability ``p``.

    Parameters
    ----------
    p : float
    """

    def __init__(self, p):
        super().__init__(p=p)
        self.p = p
        self.mat = nd.array([[0.21, 0.21, 0.21], [0.72, 0.72, 0.72], [0.07, 0.07, 0.07]])

    def __call__(self, src):
        if random.random() < self.p:
            src = nd.dot(src, self.mat)
        return src


class HorizontalFlipAug(Augmenter):
    """Flip the image left-right with probability ``p``.

    Parameters
    ----------
    p : float
    """

    def __init__(self, p):
        super().__init__(p=p)
        self.p = p

    def __call__(self, src):
        if random.random() < self.p:
            src = nd.flip(src, axis=1)
        return src


class CastAug(Augmenter):
    """Cast the image to ``typ``.

    Parameters
    ----------
    typ : str, default 'float32'
    """

    def __init__(self, typ='float32'):
        super().__init__(type=typ)
        self.typ = typ

    def __call__(self, src):
        return src.astype(self.typ)


def CreateAugmenter(data_shape, resize=0, rand_crop=False, rand_resize=False, rand_mirror=False,
                    mean=None, std=None, brightness=0, contrast=0, saturation=0, hue=0,
                    pca_noise=0, rand_gray=0, inter_method=2):
    """Build the standard augmenter list.

    Parameters
    ----------
    data_shape : tuple of (C, H, W)
        Output image shape.
    resize : int, default 0
        Resize the shorter edge to this first (0: no resize).
    rand_crop : bool
        Random crop (else center crop).
    rand_resize : bool
        Random area/aspect crop (needs rand_crop).
    rand_mirror : bool
        Random horizontal flip with probability 0.5.
    mean, std : NDArray / numpy array of 1 or 3 values, True (ImageNet's), or None
    brightness, contrast, saturation, hue, pca_noise, rand_gray : float
        Jitter amounts / probabilities (0: off).
    inter_method : int, default 2
        Interpolation for resizing (see :func:`imresize`).

    Returns
    -------
    list of Augmenter
    """
    auglist = []
    if resize > 0:
        auglist.append(ResizeAug(resize, inter_method))
    crop_size = (data_shape[2], data_shape[1])
    if rand_resize:
        assert rand_crop
        auglist.append(RandomSizedCropAug(crop_size, 0.08, (3.0 / 4.0, 4.0 / 3.0), inter_method))
    elif rand_crop:
        auglist.append(RandomCropAug(crop_size, inter_method))
    else:
        auglist.append(CenterCropAug(crop_size, inter_method))
    if rand_mirror:
        auglist.append(HorizontalFlipAug(0.5))
    auglist.append(CastAug())
    if brightness or contrast or saturation:
        auglist.append(ColorJitterAug(brightness, contrast, saturation))
    if hue:
        auglist.append(HueJitterAug(hue))
    if pca_noise > 0:
        eigval = np.array([55.46, 4.794, 1.148])
        eigvec = np.array([[-0.5675, 0.7192, 0.4009],
                           [-0.5808, -0.0045, -0.8140],
                           [-0.5836, -0.6948, 0.4203]])
        auglist.append(LightingAug(pca_noise, eigval, eigvec))
    if rand_gray > 0:
        auglist.append(RandomGrayAug(rand_gray))
    if mean is True:
        mean = nd.array([123.68, 116.28, 103.53])
    elif mean is not None:
        assert isinstance(mean, (np.ndarray, NDArray)) and mean.shape[0] in [1, 3]
    if std is True:
        std = nd.array([58.395, 57.12, 57.375])
    elif std is not None:
        assert isinstance(std, (np.ndarray, NDArray)) and std.shape[0] in [1, 3]
    if mean is not None or std is not None:
        auglist.append(ColorNormalizeAug(mean, std))
    return auglist


# -- ImageIter -------------------------------------------------------------------------------------
class ImageIter(io.DataIter):
    """Image data iterator over a RecordIO file (``path_imgrec``, optionally indexed with
    ``path_imgidx``), an image list file (``path_imglist``: ``index\\tlabel(s)\\tpath`` lines,
    images under ``path_root``) or a Python list ``imglist`` of ``[label(s)..., path]``.

    Each image is decoded, run through ``aug_list`` (default: ``CreateAugmenter(data_shape,
    **kwargs)``) and transposed to (C, H, W).

    Parameters
    ----------
    batch_size : int
    data_shape : tuple of (3, H, W)
    label_width : int, default 1
    path_imgrec, path_imglist, path_root, path_imgidx : str, optional
    shuffle : bool, default False
        Shuffle the order each epoch with Python's ``random`` (needs an index or a list).
    part_index, num_parts : int
        Read only part ``part_index`` of ``num_parts`` equal parts.
    aug_list : list of Augmenter, optional
    imglist : list, optional
    data_name, label_name : str
    dtype : str, default 'float32'
        Label dtype: int32, float32, int64 or float64.
    last_batch_handle : {'pad', 'discard', 'roll_over'}, default 'pad'

    Outputs: DataBatch with data (batch_size, 3, H, W) float32 and label (batch_size,) or
    (batch_size, label_width).
    """

    def __init__(self, batch_size, data_shape, label_width=1, path_imgrec=None,
                 path_imglist=None, path_root=None, path_imgidx=None, shuffle=False,
                 part_index=0, num_parts=1, aug_list=None, imglist=None, data_name='data',
                 label_name='softmax_label', dtype='float32', last_batch_handle='pad',
                 **kwargs):
        super().__init__()
        if not (path_imgrec or path_imglist or isinstance(imglist, list)):
            raise MXNetError('ImageIter needs path_imgrec, path_imglist or imglist (a list)')
        if dtype not in ['int32', 'float32', 'int64', 'float64']:
            raise MXNetError(str(dtype) + ' label not supported')
        if last_batch_handle not in ('pad', 'discard', 'roll_over'):
            raise MXNetError("last_batch_handle must be 'pad', 'discard' or 'roll_over', got %r"
                             % (last_batch_handle,))
        self.check_data_shape(data_shape)
        if num_parts > 1 and not part_index < num_parts:
            raise MXNetError('part_index (%d) must be < num_parts (%d)' % (part_index, num_parts))
        cls = self.__class__.__name__
        if path_imgrec:
            logging.info('%s: loading recordio %s...', cls, path_imgrec)
            if path_imgidx:
                self.imgrec = recordio.MXIndexedRecordIO(path_imgidx, path_imgrec, 'r')
                self.imgidx = list(self.imgrec.keys)
            else:
                self.imgrec = recordio.MXRecordIO(path_imgrec, 'r')
                self.imgidx = None
        else:
            self.imgrec = None

        imgkeys = []
        if path_imglist:
            logging.info('%s: loading image list %s...', cls, path_imglist)
            table = {}
            with open(path_imglist) as fin:
                for line in iter(fin.readline, ''):
                    line = line.strip().split('\t')
                    label = nd.array(line[1:-1], dtype=dtype)
                    key = int(line[0])
                    table[key] = (label, line[-1])
                    imgkeys.append(key)
            self.imglist = table
        elif isinstance(imglist, list):
            logging.info('%s: loading image list...', cls)
            table = {}
            for index, img in enumerate(imglist, 1):
                key = str(index)
                if len(img) > 2:
                    label = nd.array(img[:-1], dtype=dtype)
                elif isinstance(img[0], numeric_types):
                    label = nd.array([img[0]], dtype=dtype)
                else:
                    label = nd.array(img[0], dtype=dtype)
                table[key] = (label, img[-1])
                imgkeys.append(key)
            self.imglist = table
        else:
            self.imglist = None
        self.path_root = path_root

        self.provide_data = [(data_name, (batch_size,) + tuple(data_shape))]
        if label_width > 1:
            self.provide_label = [(label_name, (batch_size, label_width))]
        else:
            self.provide_label = [(label_name, (batch_size,))]
        self.batch_size = batch_size
        self.data_shape = data_shape
        self.label_width = label_width
        self.shuffle = shuffle
        if self.imgrec is None:
            self.seq = imgkeys
        elif shuffle or num_parts > 1 or path_imgidx:
            if self.imgidx is None:
                raise MXNetError('ImageIter: shuffle and num_parts > 1 over a .rec file need '
                                 'path_imgidx (the .idx index)')
            self.seq = self.imgidx
        else:
            self.seq = None
        if num_parts > 1:
            n = len(self.seq) // num_parts
            self.seq = self.seq[part_index * n:(part_index + 1) * n]
        self.auglist = CreateAugmenter(data_shape, **kwargs) if aug_list is None else aug_list
        self.cur = 0
        self._allow_read = True
        self.last_batch_handle = last_batch_handle
        self.num_image = len(self.seq) if self.seq is not None else None
        self._cache_data = None
        self._cache_label = None
        self._cache_idx = None
        self.reset()

    def reset(self):
        """Go back to the beginning (reshuffling when ``shuffle``); with 'roll_over' the cached
        tail of the last epoch is kept for the next batch."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.last_batch_handle != 'roll_over' or self._cache_data is None:
            if self.imgrec is not None:
                self.imgrec.reset()
            self.cur = 0
            self._allow_read = True

    def hard_reset(self):
        """Go back to the beginning and drop any rolled-over data."""
        if self.seq is not None and self.shuffle:
            random.shuffle(self.seq)
        if self.imgrec is not None:
            self.imgrec.reset()
        self.cur = 0
        self._allow_read = True
        self._cache_data = None
        self._cache_label = None
        self._cache_idx = None

    def next_sample(self):
        """Return (label, encoded image bytes) of the next image; raises StopIteration at the
        end of the epoch."""
        if not self._allow_read:
            raise StopIteration
        if self.seq is not None:
            if self.cur < self.num_image:
                idx = self.seq[self.cur]
            else:
                if self.last_batch_handle != 'discard':
                    self.cur = 0
                raise StopIteration
            self.cur += 1
            if self.imgrec is not None:
                header, img = recordio.unpack(self.imgrec.read_idx(idx))
                if self.imglist is None:
                    return header.label, img
                return self.imglist[idx][0], img
            label, fname = self.imglist[idx]
            return label, self.read_image(fname)
        s = self.imgrec.read()
        if s is None:
            if self.last_batch_handle != 'discard':
                self.imgrec.reset()
            raise StopIteration
        header, img = recordio.unpack(s)
        return header.label, img

    def _batchify(self, batch_data, batch_label, start=0):
        i = start
        try:
            while i < self.batch_size:
                label, s = self.next_sample()
                data = self.imdecode(s)
                try:
                    self.check_valid_image(data)
                except RuntimeError as e:
                    logging.debug('Invalid image, skipping:  %s', str(e))
                    continue
                data = self.augmentation_transform(data)
                batch_data[i] = self.postprocess_data(data)
                batch_label[i] = label
                i += 1
        except StopIteration:
            if not i:
                raise
        return i

    def next(self):
        """The next DataBatch (data (batch_size, C, H, W), label, pad)."""
        c, h, w = self.data_shape
        if self._cache_data is not None:
            batch_data, batch_label, i = self._cache_data, self._cache_label, self._cache_idx
        else:
            batch_data = nd.zeros((self.batch_size, c, h, w))
            batch_label = nd.empty(self.provide_label[0][1])
            i = self._batchify(batch_data, batch_label)
        pad = self.batch_size - i
        if pad != 0:
            if self.last_batch_handle == 'discard':
                raise StopIteration
            if self.last_batch_handle == 'roll_over' and self._cache_data is None:
                self._cache_data = batch_data
                self._cache_label = batch_label
                self._cache_idx = i
                raise StopIteration
            self._batchify(batch_data, batch_label, i)
            if self.last_batch_handle == 'pad':
                self._allow_read = False
            else:
                self._cache_data = None
                self._cache_label = None
                self._cache_idx = None
        return io.DataBatch([batch_data], [batch_label], pad=pad)

    def check_data_shape(self, data_shape):
        """Check that ``data_shape`` is (3, H, W); raises ValueError otherwise."""
        if not len(data_shape) == 3:
            raise ValueError('data_shape should have length 3, with dimensions CxHxW')
        if not data_shape[0] == 3:
            raise ValueError('This iterator expects inputs to have 3 channels.')

    def check_valid_image(self, data):
        """Raise RuntimeError for an empty decoded image."""
        if len(data[0].shape) == 0:
            raise RuntimeError('Data shape is wrong')

    def imdecode(self, s):
        """Decode image bytes with :func:`imdecode`; a broken image raises RuntimeError naming
        the file or record index."""
        try:
            return imdecode(s)
        except Exception as e:  # pylint: disable=broad-except
            if self.seq is not None:
                idx = self.seq[(self.cur % self.num_image) - 1]
            else:
                idx = self.cur - 1
            if self.imglist is not None:
                msg = 'filename: {}'.format(self.imglist[idx][1])
            else:
                msg = 'index: {}'.format(idx)
            raise RuntimeError('Broken image {}, {}'.format(msg, e)) from None

    def read_image(self, fname):
        """Read the raw bytes of ``fname`` under ``path_root``."""
        with open(os.path.join(self.path_root, fname), 'rb') as fin:
            return fin.read()

    def augmentation_transform(self, data):
        """Run ``data`` through every augmenter of ``auglist``."""
        for aug in self.auglist:
            data = aug(data)
        return data

    def postprocess_data(self, datum):
        """(H, W, C) -> (C, H, W) before the image goes into the batch."""
        return nd.transpose(datum, axes=(2, 0, 1))
