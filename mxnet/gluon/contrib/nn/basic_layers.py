"""Contributed layers: parallel containers, Identity, SparseEmbedding, SyncBatchNorm and the
pixel-shuffle (sub-pixel upsampling) layers."""
import numbers
import warnings

from ....base import MXNetError
from .... import ndarray as nd
from ....ndarray import NDArray
from ...block import Block, HybridBlock
from ...nn.basic_layers import Sequential, HybridSequential, BatchNorm

__all__ = ['Concurrent', 'HybridConcurrent', 'Identity', 'SparseEmbedding', 'SyncBatchNorm',
           'PixelShuffle1D', 'PixelShuffle2D', 'PixelShuffle3D']


class Concurrent(Sequential):
    """Runs every child on the same input and concatenates their outputs along ``axis``.

    Arguments: axis (int, default -1), the axis the outputs are joined on; prefix; params.
    Input: any array the children accept. Output: the children's outputs concatenated, so
    their shapes must agree on every axis but ``axis``.

    Example::

        net = Concurrent(axis=1)
        with net.name_scope():
            net.add(nn.Dense(10, activation='relu'))
            net.add(nn.Dense(20))
            net.add(Identity())
    """

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def forward(self, x):
        outs = [block(x) for block in self._children.values()]
        return nd.concat(*outs, dim=self.axis)


class HybridConcurrent(HybridSequential):
    """HybridBlock version of :class:`Concurrent`: every child (a HybridBlock) sees the same
    input; the outputs are concatenated along ``axis`` (default -1)."""

    def __init__(self, axis=-1, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def hybrid_forward(self, F, x):
        outs = [block(x) for block in self._children.values()]
        return F.concat(*outs, dim=self.axis)

    def forward(self, x):
        if not self._active and isinstance(x, NDArray):
            # a container holds no parameters of its own: run the children directly
            return self.hybrid_forward(nd, x)
        return HybridBlock.forward(self, x)


class Identity(HybridBlock):
    """Returns its input unchanged (useful as a shortcut branch inside
    :class:`HybridConcurrent`). Output shape = input shape."""

    def __init__(self, prefix=None, params=None):
        super().__init__(prefix=prefix, params=params)

    def hybrid_forward(self, F, x):
        return x


class SparseEmbedding(Block):
    """Embedding lookup table meant for large vocabularies (MXNet keeps its weight and gradient
    in row_sparse storage).

    remx stores the weight densely and its gradient is a *dense* array the size of the whole
    table (rows that were not looked up get zero gradient), so an optimizer with momentum or
    weight decay updates every row, where MXNet's lazy row_sparse update touches only the rows
    present in the batch. The forward result is the same.

    As in MXNet, the forward pass needs a :class:`~mxnet.gluon.Trainer` created with the
    weight (it raises RuntimeError otherwise).

    Arguments: input_dim (vocabulary size), output_dim (embedding size), dtype (of the weight,
    default 'float32'), weight_initializer.
    Input: integer indices of any shape (d0, ..., dk). Output: (d0, ..., dk, output_dim).
    """

    def __init__(self, input_dim, output_dim, dtype='float32', weight_initializer=None,
                 **kwargs):
        super().__init__(**kwargs)
        self._kwargs = {'input_dim': input_dim, 'output_dim': output_dim, 'dtype': dtype,
                        'sparse_grad': True}
        self._lookup = {'input_dim': input_dim, 'output_dim': output_dim, 'dtype': dtype}
        self.weight = self.params.get('weight', shape=(input_dim, output_dim),
                                      init=weight_initializer, dtype=dtype)

    def forward(self, x):
        if self.weight._trainer is None:
            # MXNet pulls the rows through the Trainer's kvstore and needs one to exist
            raise RuntimeError("Cannot get row_sparse data for Parameter '%s' when no Trainer "
                               "is created with it." % self.weight.name)
        weight = self.weight.data(x.context)
        return nd.Embedding(x, weight, name='fwd', **self._lookup)

    def __repr__(self):
        return '{block_name}({input_dim} -> {output_dim}, {dtype})'.format(
            block_name=self.__class__.__name__, **self._kwargs)


class SyncBatchNorm(BatchNorm):
    """Cross-device synchronized batch normalization (channel axis 1).

    MXNet computes the batch statistics over the union of the mini-batches on ``num_devices``
    devices. remx runs each call in one process, so the statistics are those of the batch given
    to the call, i.e. it behaves as :class:`~mxnet.gluon.nn.BatchNorm` with ``axis=1``;
    ``num_devices`` is accepted and recorded (``ndev``) but no cross-device reduction happens.

    Arguments: in_channels (0 = inferred), num_devices (default: the number of GPUs, at least
    1, with a warning), momentum, epsilon, center, scale, use_global_stats and the four
    initializers, as for BatchNorm.
    Input (N, C, ...) -> output of the same shape.
    """

    def __init__(self, in_channels=0, num_devices=None, momentum=0.9, epsilon=1e-5,
                 center=True, scale=True, use_global_stats=False, beta_initializer='zeros',
                 gamma_initializer='ones', running_mean_initializer='zeros',
                 running_variance_initializer='ones', **kwargs):
        if num_devices is not None and (
                not isinstance(num_devices, numbers.Integral) or num_devices < 1):
            raise MXNetError('SyncBatchNorm: num_devices must be a positive int, got %r'
                             % (num_devices,))
        super().__init__(1, momentum, epsilon, center, scale, use_global_stats,
                         beta_initializer, gamma_initializer, running_mean_initializer,
                         running_variance_initializer, in_channels, **kwargs)
        if num_devices is None:
            num_devices = self._get_num_devices()
        self._kwargs = {'eps': epsilon, 'momentum': momentum, 'fix_gamma': not scale,
                        'use_global_stats': use_global_stats, 'ndev': num_devices,
                        'key': self.prefix}
        self._bn_kwargs = {'axis': 1, 'eps': epsilon, 'momentum': momentum,
                           'fix_gamma': not scale, 'use_global_stats': use_global_stats}

    @staticmethod
    def _get_num_devices():
        warnings.warn('Caution using SyncBatchNorm: if not using all the GPUs, please mind set '
                      'properly num_devices', stacklevel=3)
        from ....context import num_gpus
        n = num_gpus()
        return n if n > 0 else 1

    def hybrid_forward(self, F, x, gamma, beta, running_mean, running_var):
        return F.BatchNorm(x, gamma, beta, running_mean, running_var, name='fwd',
                           **self._bn_kwargs)


def _factors(factor, n, cls):
    try:
        return (int(factor),) * n
    except TypeError:
        pass
    try:
        fac = tuple(int(f) for f in factor)
    except (TypeError, ValueError):
        raise MXNetError('%s: factor must be an int or a sequence of %d ints, got %r'
                         % (cls, n, factor)) from None
    if len(fac) != n:
        raise MXNetError('%s: wrong length %d of factor %r, expected %d'
                         % (cls, len(fac), factor, n))
    return fac


def _check_factors(fac, cls):
    if any(f < 1 for f in fac):
        raise MXNetError('%s: factors must be positive, got %r' % (cls, fac))


class PixelShuffle1D(HybridBlock):
    """Sub-pixel 1-D upsampling: moves channel groups into the width axis.

    Argument: factor (int), the upsampling factor f.
    Input (N, f*C, W) -> output (N, C, W*f); output[n, c, w*f + i] = input[n, c*f + i, w].
    """

    def __init__(self, factor):
        super().__init__()
        try:
            self._factor = int(factor)
        except (TypeError, ValueError):
            raise MXNetError('PixelShuffle1D: factor must be an int, got %r'
                             % (factor,)) from None
        _check_factors((self._factor,), 'PixelShuffle1D')

    def hybrid_forward(self, F, x):
        f = self._factor
        x = F.reshape(x, (0, -4, -1, f, 0))      # (N, C, f, W)
        x = F.swapaxes(x, 2, 3)                  # (N, C, W, f)
        return F.reshape(x, (0, 0, -3))          # (N, C, W*f)

    def __repr__(self):
        return '{}({})'.format(self.__class__.__name__, self._factor)


class PixelShuffle2D(HybridBlock):
    """Sub-pixel 2-D upsampling (Shi et al. 2016): moves channel groups into H and W.

    Argument: factor, an int or a pair (f1, f2).
    Input (N, f1*f2*C, H, W) -> output (N, C, H*f1, W*f2).
    """

    def __init__(self, factor):
        super().__init__()
        self._factors = _factors(factor, 2, 'PixelShuffle2D')
        _check_factors(self._factors, 'PixelShuffle2D')

    def hybrid_forward(self, F, x):
        f1, f2 = self._factors
        x = F.reshape(x, (0, -4, -1, f1 * f2, 0, 0))   # (N, C, f1*f2, H, W)
        x = F.reshape(x, (0, 0, -4, f1, f2, 0, 0))     # (N, C, f1, f2, H, W)
        x = F.transpose(x, (0, 1, 4, 2, 5, 3))         # (N, C, H, f1, W, f2)
        return F.reshape(x, (0, 0, -3, -3))            # (N, C, H*f1, W*f2)

    def __repr__(self):
        return '{}({})'.format(self.__class__.__name__, self._factors)


class PixelShuffle3D(HybridBlock):
    """Sub-pixel 3-D upsampling: moves channel groups into D, H and W.

    Argument: factor, an int or a triple (f1, f2, f3).
    Input (N, f1*f2*f3*C, D, H, W) -> output (N, C, D*f1, H*f2, W*f3).
    """

    def __init__(self, factor):
        super().__init__()
        self._factors = _factors(factor, 3, 'PixelShuffle3D')
        _check_factors(self._factors, 'PixelShuffle3D')

    def hybrid_forward(self, F, x):
        f1, f2, f3 = self._factors
        x = F.reshape(x, (0, -4, -1, f1 * f2 * f3, 0, 0, 0))   # (N, C, f1*f2*f3, D, H, W)
        x = F.reshape(x, (0, 0, -4, f1, f2 * f3, 0, 0, 0))     # (N, C, f1, f2*f3, D, H, W)
        x = F.reshape(x, (0, 0, 0, -4, f2, f3, 0, 0, 0))       # (N, C, f1, f2, f3, D, H, W)
        x = F.transpose(x, (0, 1, 5, 2, 6, 3, 7, 4))           # (N, C, D, f1, H, f2, W, f3)
        return F.reshape(x, (0, 0, -3, -3, -3))                # (N, C, D*f1, H*f2, W*f3)

    def __repr__(self):
        return '{}({})'.format(self.__class__.__name__, self._factors)
