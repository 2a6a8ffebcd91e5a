"""Image encode/decode on OpenCV when installed, else Pillow (optional dependencies).

Images are numpy uint8 arrays in OpenCV's conventions: HxWx3 in BGR order (or HxW gray).
"""
import io

import numpy as np

from .base import MXNetError


def _cv2():
    try:
        import cv2
        return cv2
    except ImportError:
        return None


def _pil():
    try:
        from PIL import Image
        return Image
    except ImportError:
        return None


def _gray_like_opencv(rgb, fmt):
    """RGB uint8 -> gray as MXNet's OpenCV decoder produces it: libpng's fixed-point conversion
    (Q15 weights 9797/19234/3737, truncated) for PNG, cv::cvtColor's (Q14, rounded) otherwise."""
    r, g, b = (rgb[..., i].astype(np.uint32) for i in range(3))
    if fmt == 'PNG':
        return ((r * 9797 + g * 19234 + b * 3737) >> 15).astype(np.uint8)
    return ((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14).astype(np.uint8)


def decode_bgr(buf, flag=-1):
    """Decode image bytes; flag 1 = color (BGR), 0 = grayscale, -1 = as stored."""
    cv2 = _cv2()
    if cv2 is not None:
        img = cv2.imdecode(np.frombuffer(buf, dtype=np.uint8), flag)
        if img is None:
            raise MXNetError('cannot decode image (%d bytes)' % len(buf))
        return img
    Image = _pil()
    if Image is None:
        raise MXNetError('decoding images needs OpenCV (opencv-python) or Pillow; install one')
    try:
        im = Image.open(io.BytesIO(bytes(buf)))
        if flag == 0 and im.format == 'JPEG':
            im.draft('L', im.size)  # libjpeg decodes straight to luma, as OpenCV's decoder does
        im.load()
    except Exception as e:  # Pillow raises many types for bad data
        raise MXNetError('cannot decode image (%d bytes): %s' % (len(buf), e)) from None
    if flag == 0:
        if im.mode == 'L':
            return np.asarray(im)
        return _gray_like_opencv(np.asarray(im.convert('RGB')), im.format)
    if flag == 1 or im.mode not in ('L',):
        arr = np.asarray(im.convert('RGB'))
        return np.ascontiguousarray(arr[:, :, ::-1])
    return np.asarray(im)


def encode_bgr(img, quality=95, img_fmt='.jpg'):
    """Encode a BGR (or gray) uint8 image to .jpg/.png bytes."""
    img = np.asarray(img)
    fmt = img_fmt.lower()
    cv2 = _cv2()
    if cv2 is not None:
        params = None
        if fmt in ('.jpg', '.jpeg'):
            params = [cv2.IMWRITE_JPEG_QUALITY, quality]
        elif fmt == '.png':
            params = [cv2.IMWRITE_PNG_COMPRESSION, quality]
        ok, buf = cv2.imencode(img_fmt, img, params)
        if not ok:
            raise MXNetError('failed to encode image')
        return buf.tobytes()
    Image = _pil()
    if Image is None:
        raise MXNetError('encoding images needs OpenCV (opencv-python) or Pillow; install one')
    if img.ndim == 3:
        im = Image.fromarray(np.ascontiguousarray(img[:, :, ::-1]))
    else:
        im = Image.fromarray(img)
    out = io.BytesIO()
    if fmt in ('.jpg', '.jpeg'):
        im.save(out, format='JPEG', quality=quality)
    elif fmt == '.png':
        im.save(out, format='PNG', compress_level=min(int(quality), 9))
    else:
        raise MXNetError('unsupported image format %s' % img_fmt)
    return out.getvalue()
