"""Contributed optimizers (``mx.optimizer.contrib``): GroupAdaGrad."""
import torch

from ..base import MXNetError
from ..ndarray import NDArray, zeros
from .optimizer import Optimizer, register

__all__ = ['GroupAdaGrad']


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one accumulator (and so one effective learning rate) per row.

    For a 2-D weight of shape (rows, cols) the state is a (rows, 1) history::

        grad = clip(grad * rescale_grad, clip_gradient)
        history += mean(square(grad), axis=1, keepdims=True)
        weight -= lr * grad / sqrt(history + eps)

    Weight decay is not supported (``wd`` must be 0).

    Parameters
    ----------
    eps : float, default 1e-5
        Added to the history before the square root, to avoid division by zero.
    """

    def __init__(self, eps=1e-5, **kwargs):
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def create_state(self, index, weight):
        if len(weight.shape) != 2:
            raise MXNetError('GroupAdaGrad expects 2-D weights, got shape %s'
                             % (weight.shape,))
        return zeros((weight.shape[0], 1), weight.context, dtype=weight.dtype)

    def update(self, index, weight, grad, state):
        if not isinstance(weight, NDArray) or not isinstance(grad, NDArray):
            raise MXNetError('GroupAdaGrad.update expects NDArrays')
        self._update_count(index)
        lr = self._get_lr(index)
        wd = self._get_wd(index)
        if wd != 0:
            raise MXNetError('Weight decay is not supported for GroupAdaGrad')
        g = self._prep_grad(grad)
        h, w = state._data, weight._data
        with torch.no_grad():
            h.add_((g * g).mean(dim=1, keepdim=True))
            w.sub_(lr * g / torch.sqrt(h + self.float_stable_eps))
