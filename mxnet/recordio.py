"""RecordIO files (``mx.recordio``), byte-compatible with MXNet's / dmlc-core's format.

Each record is ``uint32 magic 0xced7230a``, ``uint32 lrec`` (top 3 bits: continuation flag,
low 29 bits: length), the payload and zero padding to 4 bytes. A payload that contains the
magic word at a 4-byte-aligned offset is split there into parts (flags 1 = first, 2 = middle,
3 = last) and the reader puts the magic back when joining them.
"""
import numbers
import os
import struct
from collections import namedtuple
from multiprocessing import current_process

import numpy as np

from .base import MXNetError

__all__ = ['MXRecordIO', 'MXIndexedRecordIO', 'IRHeader', 'pack', 'unpack', 'pack_img',
           'unpack_img']

_MAGIC = 0xced7230a
_MAGIC_BYTES = struct.pack('<I', _MAGIC)
_LEN_MASK = (1 << 29) - 1


class MXRecordIO:
    """Sequential reader (flag 'r') or writer (flag 'w') of a RecordIO file."""

    def __init__(self, uri, flag):
        self.uri = str(uri)
        self.flag = flag
        self.pid = None
        self.is_open = False
        self._f = None
        self.open()

    def open(self):
        if self.flag == 'w':
            self._f = open(self.uri, 'wb')
            self.writable = True
        elif self.flag == 'r':
            try:
                self._f = open(self.uri, 'rb')
            except OSError as e:
                raise MXNetError('cannot open RecordIO file %s: %s' % (self.uri, e)) from None
            self.writable = False
        else:
            raise MXNetError('Invalid flag %s' % self.flag)
        self.pid = current_process().pid
        self.is_open = True

    def __del__(self):
        try:
            self.close()
        except Exception:  # interpreter shutdown
            pass

    def __getstate__(self):
        is_open = self.is_open
        self.close()
        d = dict(self.__dict__)
        d['is_open'] = is_open
        d['_f'] = None
        return d

    def __setstate__(self, d):
        self.__dict__ = d
        is_open = d['is_open']
        self.is_open = False
        if is_open:
            self.open()

    def _check_pid(self, allow_reset=False):
        if self.pid != current_process().pid:
            if allow_reset:
                self.reset()
            else:
                raise MXNetError('Forbidden operation in multiple processes')

    def close(self):
        if not self.is_open:
            return
        self._f.close()
        self._f = None
        self.is_open = False
        self.pid = None

    def reset(self):
        """Close and reopen (a reader starts from the beginning again)."""
        self.close()
        self.open()

    def write(self, buf):
        """Append one record."""
        if not self.writable:
            raise MXNetError('RecordIO %s is opened for reading' % self.uri)
        self._check_pid(allow_reset=False)
        buf = bytes(buf)
        n = len(buf)
        if n >= (1 << 29):
            raise MXNetError('RecordIO record too large (%d bytes)' % n)
        f = self._f
        start = 0
        aligned_end = (n >> 2) << 2
        i = buf.find(_MAGIC_BYTES, 0, aligned_end)
        while i != -1:
            if i % 4 == 0:  # only aligned occurrences split the record (dmlc-core's rule)
                f.write(_MAGIC_BYTES)
                f.write(struct.pack('<I', ((1 if start == 0 else 2) << 29) | (i - start)))
                f.write(buf[start:i])
                start = i + 4
            i = buf.find(_MAGIC_BYTES, i + 1, aligned_end)
        f.write(_MAGIC_BYTES)
        f.write(struct.pack('<I', ((3 if start else 0) << 29) | (n - start)))
        f.write(buf[start:])
        pad = (-n) % 4
        if pad:
            f.write(b'\x00' * pad)

    def _read_part(self):
        head = self._f.read(8)
        if not head:
            return None, None
        if len(head) < 8:
            raise MXNetError('RecordIO %s: truncated record header' % self.uri)
        magic, lrec = struct.unpack('<II', head)
        if magic != _MAGIC:
            raise MXNetError('RecordIO %s: invalid record magic 0x%x at offset %d'
                             % (self.uri, magic, self._f.tell() - 8))
        cflag, length = lrec >> 29, lrec & _LEN_MASK
        pos = self._f.tell()
        left = os.fstat(self._f.fileno()).st_size - pos
        if length > left:  # refused before reading: a corrupt length must not allocate
            raise MXNetError('RecordIO %s: truncated or corrupt record at offset %d: its header '
                             'claims %d bytes, %d left in the file' % (self.uri, pos - 8, length,
                                                                       max(left, 0)))
        data = self._f.read(length)
        if len(data) < length:
            raise MXNetError('RecordIO %s: truncated record' % self.uri)
        pad = (-length) % 4
        if pad:
            self._f.read(pad)
        return cflag, data

    def read(self):
        """The next record's bytes, or None at the end of the file."""
        if self.writable:
            raise MXNetError('RecordIO %s is opened for writing' % self.uri)
        self._check_pid(allow_reset=False)
        cflag, data = self._read_part()
        if cflag is None:
            return None
        if cflag == 0:
            return data
        if cflag != 1:
            raise MXNetError('RecordIO %s: record starts with continuation flag %d'
                             % (self.uri, cflag))
        parts = [data]
        while True:
            cflag, data = self._read_part()
            if cflag is None or cflag not in (2, 3):
                raise MXNetError('RecordIO %s: truncated multi-part record' % self.uri)
            parts.append(data)
            if cflag == 3:
                return _MAGIC_BYTES.join(parts)


class MXIndexedRecordIO(MXRecordIO):
    """RecordIO with an index file (``key\\tposition`` lines) for random access."""

    def __init__(self, idx_path, uri, flag, key_type=int):
        self.idx_path = idx_path
        self.idx = {}
        self.keys = []
        self.key_type = key_type
        self.fidx = None
        super().__init__(uri, flag)

    def open(self):
        super().open()
        self.idx = {}
        self.keys = []
        try:
            self.fidx = open(self.idx_path, 'rb' if self.flag == 'r' else self.flag)
        except OSError as e:
            raise MXNetError('cannot open RecordIO index %s: %s' % (self.idx_path, e)) from None
        if not self.writable:
            try:
                self._read_index()
            except MXNetError:
                self.close()
                raise

    def _read_index(self):
        """Read and check every ``key<TAB>position`` line of the index (a reader's)."""
        size = os.fstat(self._f.fileno()).st_size
        for n, raw in enumerate(iter(self.fidx.readline, b'')):
            where = 'RecordIO index %s line %d' % (self.idx_path, n + 1)
            try:
                line = raw.decode('utf-8')
            except UnicodeDecodeError as e:
                raise MXNetError('%s: byte %d is not UTF-8 (not an index file?)'
                                 % (where, e.start)) from None
            fields = line.strip().split('\t')
            if len(fields) < 2:
                if not line.strip():
                    continue
                raise MXNetError('%s: expected "key<TAB>position", got %s'
                                 % (where, _brief(line)))
            try:
                key = self.key_type(fields[0])
            except (ValueError, TypeError, OverflowError) as e:
                raise MXNetError('%s: key %s is not a valid %s: %s'
                                 % (where, _brief(fields[0]),
                                    getattr(self.key_type, '__name__', 'key'), e)) from None
            try:
                pos = int(fields[1])
            except ValueError:
                raise MXNetError('%s: position %s is not an integer'
                                 % (where, _brief(fields[1]))) from None
            if not 0 <= pos < max(size, 1):
                raise MXNetError('%s: position %d of key %s is outside the record file %s '
                                 '(%d bytes)' % (where, pos, _brief(fields[0]), self.uri, size))
            self.idx[key] = pos
            self.keys.append(key)

    def close(self):
        if not self.is_open:
            return
        super().close()
        self.fidx.close()

    def __getstate__(self):
        d = super().__getstate__()
        d['fidx'] = None
        return d

    def seek(self, idx):
        """Position the reader at record ``idx`` (a key of the index)."""
        if self.writable:
            raise MXNetError('seek needs a reader')
        self._check_pid(allow_reset=True)
        try:
            pos = self.idx[idx]
        except (KeyError, TypeError):  # TypeError: an unhashable key
            raise MXNetError('RecordIO index %s has no key %s'
                             % (self.idx_path, _brief(idx))) from None
        try:
            self._f.seek(pos)
        except (OSError, ValueError, OverflowError) as e:
            raise MXNetError('RecordIO %s: cannot seek to position %d of key %s: %s'
                             % (self.uri, pos, _brief(idx), e)) from None

    def tell(self):
        if not self.writable:
            raise MXNetError('tell needs a writer')
        return self._f.tell()

    def read_idx(self, idx):
        """The record stored under key idx."""
        self.seek(idx)
        return self.read()

    def write_idx(self, idx, buf):
        """Append a record under key idx."""
        key = self.key_type(idx)
        pos = self.tell()
        self.write(buf)
        self.fidx.write('%s\t%d\n' % (str(key), pos))
        self.idx[key] = pos
        self.keys.append(key)


def _brief(v, limit=80):
    r = repr(v)
    return r if len(r) <= limit else r[:limit] + '...'


IRHeader = namedtuple('HEADER', ['flag', 'label', 'id', 'id2'])
_IR_FORMAT = 'IfQQ'
_IR_SIZE = struct.calcsize(_IR_FORMAT)


def pack(header, s):
    """Prefix bytes s with an IRHeader (an array label is stored after the header)."""
    header = IRHeader(*header)
    if isinstance(header.label, numbers.Number):
        header = header._replace(flag=0)
    else:
        label = np.asarray(header.label, dtype=np.float32)
        header = header._replace(flag=label.size, label=0)
        s = label.tobytes() + s
    return struct.pack(_IR_FORMAT, *header) + s


def unpack(s):
    """Split a record into (IRHeader, payload bytes)."""
    if len(s) < _IR_SIZE:
        raise MXNetError('record too short for an IRHeader (%d bytes)' % len(s))
    header = IRHeader(*struct.unpack(_IR_FORMAT, s[:_IR_SIZE]))
    s = s[_IR_SIZE:]
    if header.flag > 0:
        if len(s) < 4 * header.flag:
            raise MXNetError('record too short for its %d labels' % header.flag)
        header = header._replace(label=np.frombuffer(s, np.float32, header.flag))
        s = s[header.flag * 4:]
    return header, s


def unpack_img(s, iscolor=-1):
    """(IRHeader, image as a numpy array in BGR order, like cv2.imdecode)."""
    header, s = unpack(s)
    from ._imcodec import decode_bgr as _decode_bytes
    return header, _decode_bytes(s, iscolor)


def pack_img(header, img, quality=95, img_fmt='.jpg'):
    """Encode a BGR uint8 image (jpg/png) and pack it with header."""
    from ._imcodec import encode_bgr as _encode_bgr
    return pack(header, _encode_bgr(img, quality, img_fmt))
