"""Image encode/decode on OpenCV when installed, else Pillow (optional dependencies).

Images are numpy uint8 arrays in OpenCV's conventions: HxWx3 in BGR order (or HxW gray).
"""
import io

import numpy as np

from .base import MXNetError


_MISSING = set()  # codecs whose import failed once (a failed import is slow to repeat)


def _cv2():
    if 'cv2' in _MISSING:
        return None
    try:
        import cv2
        return cv2
    except ImportError:
        _MISSING.add('cv2')
        return None


def _pil():
    if 'PIL' in _MISSING:
        return None
    try:
        from PIL import Image
        return Image
    except ImportError:
        _MISSING.add('PIL')
        return None


def _gray_like_opencv(rgb, fmt):
    """RGB uint8 -> gray as MXNet's OpenCV decoder produces it: libpng's fixed-point conversion
    (Q15 weights 9797/19234/3737, truncated) for PNG, cv::cvtColor's (Q14, rounded) otherwise."""
    r, g, b = (rgb[..., i].astype(np.uint32) for i in range(3))
    if fmt == 'PNG':
        return ((r * 9797 + g * 19234 + b * 3737) >> 15).astype(np.uint8)
    return ((r * 4899 + g * 9617 + b * 1868 + 8192) >> 14).astype(np.uint8)


class CodecMissingError(MXNetError):
    """No image codec (OpenCV or Pillow) can be imported."""


_INSTALL_HINT = ("install one: pip install 'remx[image]' (or pip install Pillow), or pip "
                 "install opencv-python")


def _no_codec(what):
    return CodecMissingError('%s images needs OpenCV (the opencv-python package) or Pillow, '
                             'and neither can be imported; %s' % (what, _INSTALL_HINT))


# A decoded image may be much larger than its encoded bytes (deflate expands up to ~1032x, a
# 1-bit image 8x more), but a header claiming more pixels than that is a corrupt file or a
# decompression bomb: it is refused before any pixel buffer is allocated. Images up to
# MIN_PIXEL_LIMIT pixels always pass; raise the limits here for genuine larger images.
MAX_PIXELS_PER_BYTE = 8 * 1032
MIN_PIXEL_LIMIT = 1 << 24


def _pixel_limit(nbytes):
    return max(MIN_PIXEL_LIMIT, MAX_PIXELS_PER_BYTE * nbytes)


def _check_size(w, h, nbytes, fmt):
    if w <= 0 or h <= 0:
        raise MXNetError('cannot decode image (%d bytes): its %s header claims size %dx%d'
                         % (nbytes, fmt, w, h))
    if w * h > _pixel_limit(nbytes):
        raise MXNetError('cannot decode image (%d bytes): its %s header claims %dx%d pixels, '
                         'more than %d bytes of %s can hold (limit %d pixels; a corrupt file or '
                         'a decompression bomb; mxnet._imcodec.MAX_PIXELS_PER_BYTE and '
                         'MIN_PIXEL_LIMIT set the limit)'
                         % (nbytes, fmt, w, h, nbytes, fmt, _pixel_limit(nbytes)))


def _header_size(buf):
    """(format, width, height) read from a PNG, JPEG, GIF or BMP header, or None."""
    b = bytes(buf[:1 << 16])
    if b[:8] == b'\x89PNG\r\n\x1a\n' and len(b) >= 24 and b[12:16] == b'IHDR':
        return 'PNG', int.from_bytes(b[16:20], 'big'), int.from_bytes(b[20:24], 'big')
    if b[:6] in (b'GIF87a', b'GIF89a') and len(b) >= 10:
        return 'GIF', int.from_bytes(b[6:8], 'little'), int.from_bytes(b[8:10], 'little')
    if b[:2] == b'BM' and len(b) >= 26:
        return ('BMP', abs(int.from_bytes(b[18:22], 'little', signed=True)),
                abs(int.from_bytes(b[22:26], 'little', signed=True)))
    if b[:2] == b'\xff\xd8':
        i = 2
        while i + 9 <= len(b):
            if b[i] != 0xFF:
                return None
            marker = b[i + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                i += 2
                continue
            seglen = int.from_bytes(b[i + 2:i + 4], 'big')
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                return ('JPEG', int.from_bytes(b[i + 7:i + 9], 'big'),
                        int.from_bytes(b[i + 5:i + 7], 'big'))
            i += 2 + seglen
    return None


def decode_bgr(buf, flag=-1):
    """Decode image bytes; flag 1 = color (BGR), 0 = grayscale, -1 = as stored.

    Corrupt data raises MXNetError (so does a header claiming more pixels than the bytes can
    hold, before anything is allocated); no codec raises :class:`CodecMissingError`."""
    nbytes = len(buf)
    cv2 = _cv2()
    if cv2 is not None:
        hdr = _header_size(buf)
        if hdr is not None:
            _check_size(hdr[1], hdr[2], nbytes, hdr[0])
        try:
            img = cv2.imdecode(np.frombuffer(buf, dtype=np.uint8), flag)
        except Exception as e:  # cv2.error and friends
            raise MXNetError('cannot decode image (%d bytes): %s'
                             % (nbytes, str(e).strip().split('\n')[-1])) from None
        if img is None:
            raise MXNetError('cannot decode image (%d bytes)' % nbytes)
        return img
    Image = _pil()
    if Image is None:
        raise _no_codec('decoding')
    import warnings
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')  # bomb / truncation warnings: errors below instead
            im = Image.open(io.BytesIO(bytes(buf)))
            w, h = im.size
            _check_size(w, h, nbytes, im.format or 'image')
            if flag == 0 and im.format == 'JPEG':
                im.draft('L', im.size)  # libjpeg decodes straight to luma, as OpenCV's does
            im.load()
            if flag == 0:
                if im.mode == 'L':
                    return np.asarray(im)
                return _gray_like_opencv(np.asarray(im.convert('RGB')), im.format)
            if flag == -1 and (im.mode in ('RGBA', 'LA', 'PA', 'La', 'RGBa') or
                               (im.mode == 'P' and 'transparency' in im.info)):
                # as stored: OpenCV keeps the alpha channel (BGRA, 4 channels)
                arr = np.asarray(im.convert('RGBA'))
                return np.ascontiguousarray(arr[:, :, [2, 1, 0, 3]])
            if flag == 1 or im.mode not in ('L',):
                arr = np.asarray(im.convert('RGB'))
                return np.ascontiguousarray(arr[:, :, ::-1])
            return np.asarray(im)
    except MXNetError:
        raise
    except Exception as e:  # Pillow raises many types for bad data  # noqa: BLE001
        msg = str(e).strip().split('\n')[0] or type(e).__name__
        raise MXNetError('cannot decode image (%d bytes): %s' % (nbytes, msg)) from None


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
        raise _no_codec('encoding')
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
