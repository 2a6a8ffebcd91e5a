"""Datasets: indexable collections of samples."""
import os

from ...base import MXNetError
from ... import ndarray

__all__ = ['Dataset', 'SimpleDataset', 'ArrayDataset', 'RecordFileDataset']


class _DatasetAssertionError(MXNetError, AssertionError):
    """Invalid argument (MXNet asserts here; code catching AssertionError still works)."""


class _DatasetTypeError(MXNetError, TypeError):
    """Argument of the wrong type (also a TypeError, as MXNet raises)."""


class Dataset:
    """Abstract dataset: implement ``__getitem__`` and ``__len__``."""

    def __getitem__(self, idx):
        raise NotImplementedError

    def __len__(self):
        raise NotImplementedError

    def filter(self, fn):
        """A dataset of the samples for which fn(sample) is true."""
        from .sampler import FilterSampler
        return _SampledDataset(self, FilterSampler(fn, self))

    def shard(self, num_shards, index):
        """The index-th of num_shards contiguous, near-equal parts."""
        if index >= num_shards:
            raise _DatasetAssertionError('Shard index of out bound: %d out of %d'
                                         % (index, num_shards))
        if num_shards <= 0:
            raise _DatasetAssertionError('Number of shards must be greater than 0')
        if index < 0:
            raise _DatasetAssertionError('Index must be non-negative')
        length = len(self)
        shard_len, rest = divmod(length, num_shards)
        start = shard_len * index + min(index, rest)
        end = start + shard_len + (index < rest)
        from .sampler import SequentialSampler
        return _SampledDataset(self, SequentialSampler(end - start, start))

    def take(self, count):
        """The first count samples (all when count is None or too large)."""
        if count is None or count > len(self):
            count = len(self)
        from .sampler import SequentialSampler
        return _SampledDataset(self, SequentialSampler(count))

    def sample(self, sampler):
        from .sampler import Sampler
        if not isinstance(sampler, Sampler):
            raise _DatasetTypeError('Invalid sampler type: %s. Expected gluon.data.Sampler instead.'
                                    % type(sampler))
        return _SampledDataset(self, sampler)

    def transform(self, fn, lazy=True):
        """Apply fn to each sample (to its elements as arguments when it is a tuple)."""
        trans = _LazyTransformDataset(self, fn)
        if lazy:
            return trans
        return SimpleDataset([i for i in trans])

    def transform_first(self, fn, lazy=True):
        """Apply fn to the first element of each sample only (e.g. the image, not the label)."""
        return self.transform(_TransformFirstClosure(fn), lazy)


class SimpleDataset(Dataset):
    """Wraps any indexable (list, array)."""

    def __init__(self, data):
        self._data = data

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        return self._data[idx]


class _LazyTransformDataset(Dataset):
    def __init__(self, data, fn):
        self._data = data
        self._fn = fn

    def __len__(self):
        return len(self._data)

    def __getitem__(self, idx):
        item = self._data[idx]
        if isinstance(item, tuple):
            return self._fn(*item)
        return self._fn(item)


class _TransformFirstClosure:
    """Picklable closure applying fn to the first element."""

    def __init__(self, fn):
        self._fn = fn

    def __call__(self, x, *args):
        if args:
            return (self._fn(x),) + args
        return self._fn(x)


class _SampledDataset(Dataset):
    def __init__(self, dataset, sampler):
        self._dataset = dataset
        self._sampler = sampler
        self._indices = list(iter(sampler))

    def __len__(self):
        return len(self._sampler)

    def __getitem__(self, idx):
        return self._dataset[self._indices[idx]]


class ArrayDataset(Dataset):
    """Combines arrays (NDArrays, numpy arrays, lists) of equal length: item i is the tuple of
    their i-th elements (the element itself for a single array). 1-D NDArrays are converted to
    numpy, as MXNet does, so items are scalars."""

    def __init__(self, *args):
        if not args:
            raise _DatasetAssertionError('Needs at least 1 arrays')
        self._length = len(args[0])
        self._data = []
        for i, data in enumerate(args):
            if len(data) != self._length:
                raise _DatasetAssertionError('All arrays must have the same length; array[0] has length %d '
                                             'while array[%d] has %d.'
                                             % (self._length, i + 1, len(data)))
            if isinstance(data, ndarray.NDArray) and len(data.shape) == 1:
                data = data.asnumpy()
            self._data.append(data)

    def __getitem__(self, idx):
        if len(self._data) == 1:
            return self._data[0][idx]
        return tuple(data[idx] for data in self._data)

    def __len__(self):
        return self._length


class RecordFileDataset(Dataset):
    """Records of a RecordIO file (with its .idx index beside it), as raw bytes."""

    def __init__(self, filename):
        from ... import recordio
        self.idx_file = os.path.splitext(filename)[0] + '.idx'
        self.filename = filename
        self._record = recordio.MXIndexedRecordIO(self.idx_file, self.filename, 'r')

    def __getitem__(self, idx):
        return self._record.read_idx(self._record.keys[idx])

    def __len__(self):
        return len(self._record.keys)
