"""``mx.io``: data iterators (MXNet 1.9.1's names)."""
from .io import (DataDesc, DataBatch, DataIter, ResizeIter, PrefetchingIter,  # noqa: F401
                 NDArrayIter, MXDataIter)
from . import io  # noqa: F401
from .native import (CSVIter, MNISTIter, LibSVMIter, ImageRecordIter,  # noqa: F401
                     ImageRecordUInt8Iter, ImageRecordIter_v1, ImageRecordUInt8Iter_v1,
                     ImageRecordInt8Iter, ImageDetRecordIter)
