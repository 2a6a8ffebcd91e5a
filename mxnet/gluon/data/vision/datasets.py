"""Vision datasets read from the standard files under ``root``: MNIST, FashionMNIST, CIFAR10,
CIFAR100, plus ImageRecordDataset (RecordIO) and ImageFolderDataset (a folder per class).

remx never downloads: when a file is missing, an MXNetError names it and the folder to put it in.
Items are ``(image, label)`` with the image an (H, W, C) uint8 NDArray and the label a numpy
int32 scalar, as MXNet 1.9.1 returns them.
"""
import gzip
import os
import struct
import warnings

import numpy as np

from ....base import MXNetError, data_dir
from .... import ndarray as nd
from .. import dataset

__all__ = ['MNIST', 'FashionMNIST', 'CIFAR10', 'CIFAR100',
           'ImageRecordDataset', 'ImageFolderDataset']


def _need(root, name, what):
    path = os.path.join(root, name)
    if not os.path.isfile(path):
        raise MXNetError('%s: file %s not found. remx does not download datasets; put %s in '
                         'the directory %s (or pass root=)' % (what, path, name, root))
    return path


class _DownloadedDataset(dataset.Dataset):
    """Base of the datasets held in memory as (data NDArray, label numpy array)."""

    def __init__(self, root, transform):
        super().__init__()
        self._transform = transform
        self._data = None
        self._label = None
        self._root = os.path.expanduser(root)
        if not os.path.isdir(self._root):
            os.makedirs(self._root, exist_ok=True)
        self._get_data()

    def __getitem__(self, idx):
        if self._transform is not None:
            return self._transform(self._data[idx], self._label[idx])
        return self._data[idx], self._label[idx]

    def __len__(self):
        return len(self._label)

    def _get_data(self):
        raise NotImplementedError


def _read_gz(path, what):
    try:
        with gzip.open(path, 'rb') as f:
            return f.read()
    except (OSError, EOFError) as e:
        raise MXNetError('%s: cannot read %s: %s' % (what, path, e)) from None


class MNIST(_DownloadedDataset):
    """MNIST handwritten digits (http://yann.lecun.com/exdb/mnist).

    Each sample is a (28, 28, 1) uint8 image NDArray and an int32 label.

    Parameters
    ----------
    root : str, default $MXNET_HOME/datasets/mnist
        Folder holding train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz,
        t10k-images-idx3-ubyte.gz and t10k-labels-idx1-ubyte.gz.
    train : bool, default True
        Whether to load the training or the test set.
    transform : function, default None
        Called as ``transform(data, label)`` on each sample, e.g.
        ``lambda data, label: (data.astype(np.float32) / 255, label)``.
    """
    _files = {True: ('train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz'),
              False: ('t10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz')}

    def __init__(self, root=os.path.join(data_dir(), 'datasets', 'mnist'),
                 train=True, transform=None):
        self._train = train
        self._namespace = 'mnist'
        super().__init__(root, transform)

    def _get_data(self):
        what = type(self).__name__
        data_name, label_name = self._files[bool(self._train)]
        data_file = _need(self._root, data_name, what)
        label_file = _need(self._root, label_name, what)
        raw = _read_gz(label_file, what)
        if len(raw) < 8:
            raise MXNetError('%s: %s is truncated' % (what, label_file))
        label = np.frombuffer(raw, dtype=np.uint8, offset=8).astype(np.int32)
        raw = _read_gz(data_file, what)
        n = len(label)
        if len(raw) < 16 or len(raw) - 16 != n * 28 * 28:
            raise MXNetError('%s: %s holds %d bytes of images, expected %d (%d images of 28x28 '
                             'for the %d labels of %s)' % (what, data_file, max(len(raw) - 16, 0),
                                                           n * 784, n, n, label_file))
        data = np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(n, 28, 28, 1)
        self._data = nd.array(data, dtype=np.uint8)
        self._label = label


class FashionMNIST(MNIST):
    """Zalando's Fashion-MNIST article images, a drop-in replacement for MNIST
    (https://github.com/zalandoresearch/fashion-mnist).

    Each sample is a (28, 28, 1) uint8 image NDArray and an int32 label.

    Parameters
    ----------
    root : str, default $MXNET_HOME/datasets/fashion-mnist
        Folder holding the four idx ``.gz`` files (same names as MNIST's).
    train : bool, default True
        Whether to load the training or the test set.
    transform : function, default None
        Called as ``transform(data, label)`` on each sample.
    """

    def __init__(self, root=os.path.join(data_dir(), 'datasets', 'fashion-mnist'),
                 train=True, transform=None):
        self._train = train
        self._namespace = 'fashion-mnist'
        _DownloadedDataset.__init__(self, root, transform)


class CIFAR10(_DownloadedDataset):
    """CIFAR10 image classification (https://www.cs.toronto.edu/~kriz/cifar.html).

    Reads the binary version (the files of cifar-10-binary.tar.gz): data_batch_1.bin ..
    data_batch_5.bin for training, test_batch.bin for testing; each record is one label byte and
    3072 image bytes (channel-major 3x32x32). Each sample is a (32, 32, 3) uint8 image NDArray
    and an int32 label.

    Parameters
    ----------
    root : str, default $MXNET_HOME/datasets/cifar10
        Folder holding the ``.bin`` files.
    train : bool, default True
        Whether to load the training or the test set.
    transform : function, default None
        Called as ``transform(data, label)`` on each sample.
    """
    _train_files = ['data_batch_%d.bin' % i for i in range(1, 6)]
    _test_files = ['test_batch.bin']
    _archive = 'cifar-10-binary.tar.gz'
    _nlabel = 1

    def __init__(self, root=os.path.join(data_dir(), 'datasets', 'cifar10'),
                 train=True, transform=None):
        self._train = train
        self._namespace = 'cifar10'
        super().__init__(root, transform)

    def _label_column(self):
        return 0

    def _read_batch(self, filename):
        rec = 3072 + self._nlabel
        with open(filename, 'rb') as f:
            raw = f.read()
        if len(raw) % rec:
            raise MXNetError('%s: %s has %d bytes, not a multiple of the %d-byte record size'
                             % (type(self).__name__, filename, len(raw), rec))
        data = np.frombuffer(raw, dtype=np.uint8).reshape(-1, rec)
        images = data[:, self._nlabel:].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
        return images, data[:, self._label_column()].astype(np.int32)

    def _get_data(self):
        what = type(self).__name__
        names = self._train_files if self._train else self._test_files
        for name in names:
            if not os.path.isfile(os.path.join(self._root, name)):
                raise MXNetError(
                    '%s: file %s not found. remx does not download datasets; extract %s (from '
                    '%s) into the directory %s (or pass root=)'
                    % (what, os.path.join(self._root, name), ', '.join(names), self._archive,
                       self._root))
        data, label = zip(*(self._read_batch(os.path.join(self._root, n)) for n in names))
        data = np.concatenate(data)
        self._data = nd.array(data, dtype=np.uint8)
        self._label = np.concatenate(label)


class CIFAR100(CIFAR10):
    """CIFAR100 image classification (https://www.cs.toronto.edu/~kriz/cifar.html).

    Reads the binary version (cifar-100-binary.tar.gz): train.bin and test.bin; each record is
    a coarse label byte, a fine label byte and 3072 image bytes. Each sample is a (32, 32, 3)
    uint8 image NDArray and an int32 label.

    Parameters
    ----------
    root : str, default $MXNET_HOME/datasets/cifar100
        Folder holding the ``.bin`` files.
    fine_label : bool, default False
        Whether to return the fine (100 classes) or the coarse (20 super-classes) labels.
    train : bool, default True
        Whether to load the training or the test set.
    transform : function, default None
        Called as ``transform(data, label)`` on each sample.
    """
    _train_files = ['train.bin']
    _test_files = ['test.bin']
    _archive = 'cifar-100-binary.tar.gz'
    _nlabel = 2

    def __init__(self, root=os.path.join(data_dir(), 'datasets', 'cifar100'),
                 fine_label=False, train=True, transform=None):
        self._train = train
        self._fine_label = fine_label
        self._namespace = 'cifar100'
        _DownloadedDataset.__init__(self, root, transform)

    def _label_column(self):
        return 1 if self._fine_label else 0


def _decode(buf, flag, what):
    """Image bytes -> (H, W, C) uint8 NDArray in RGB (flag=1) or gray (flag=0)."""
    from .... import _imcodec
    img = _imcodec.decode_bgr(buf, 1 if flag else 0)
    if img.ndim == 2:
        img = img[:, :, None]
    elif flag:
        img = img[:, :, ::-1]
    return nd.array(np.ascontiguousarray(img), dtype=np.uint8)


class ImageRecordDataset(dataset.RecordFileDataset):
    """A dataset over a RecordIO file of packed images (``recordio.pack_img``), with its
    ``.idx`` index file beside it.

    Each sample is a decoded (H, W, C) uint8 image NDArray and the record header's label.

    Parameters
    ----------
    filename : str
        Path to the ``.rec`` file.
    flag : {0, 1}, default 1
        0 decodes images to grayscale (1 channel), 1 to colour (3 channels, RGB).
    transform : function, default None
        Called as ``transform(data, label)`` on each sample.
    """

    def __init__(self, filename, flag=1, transform=None):
        super().__init__(filename)
        self._flag = flag
        self._transform = transform

    def __getitem__(self, idx):
        from .... import recordio
        header, img = recordio.unpack(super().__getitem__(idx))
        img = _decode(img, self._flag, 'ImageRecordDataset')
        if self._transform is not None:
            return self._transform(img, header.label)
        return img, header.label


class ImageFolderDataset(dataset.Dataset):
    """A dataset of image files stored one folder per class::

        root/car/0001.jpg
        root/car/xxxa.jpg
        root/bus/123.jpg

    Classes are the sub-folders in sorted order; files other than .jpg/.jpeg/.png are skipped
    with a warning.

    Parameters
    ----------
    root : str
        Path to the root directory.
    flag : {0, 1}, default 1
        0 loads images as grayscale (1 channel), 1 as colour (3 channels, RGB).
    transform : callable, default None
        Called as ``transform(data, label)`` on each sample.

    Attributes
    ----------
    synsets : list
        The class names; ``synsets[i]`` is the name of label ``i``.
    items : list of tuples
        Every image as a (filename, label) pair.
    """

    def __init__(self, root, flag=1, transform=None):
        self._root = os.path.expanduser(root)
        self._flag = flag
        self._transform = transform
        self._exts = ['.jpg', '.jpeg', '.png']
        if not os.path.isdir(self._root):
            raise MXNetError('ImageFolderDataset: root %s is not a directory' % self._root)
        self._list_images(self._root)

    def _list_images(self, root):
        self.synsets = []
        self.items = []
        for folder in sorted(os.listdir(root)):
            path = os.path.join(root, folder)
            if not os.path.isdir(path):
                warnings.warn('Ignoring %s, which is not a directory.' % path, stacklevel=3)
                continue
            label = len(self.synsets)
            self.synsets.append(folder)
            for filename in sorted(os.listdir(path)):
                filename = os.path.join(path, filename)
                ext = os.path.splitext(filename)[1]
                if ext.lower() not in self._exts:
                    warnings.warn('Ignoring %s of type %s. Only support %s'
                                  % (filename, ext, ', '.join(self._exts)))
                    continue
                self.items.append((filename, label))

    def __getitem__(self, idx):
        filename, label = self.items[idx]
        with open(filename, 'rb') as f:
            img = _decode(f.read(), self._flag, 'ImageFolderDataset')
        if self._transform is not None:
            return self._transform(img, label)
        return img, label

    def __len__(self):
        return len(self.items)
