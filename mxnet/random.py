"""``mx.random``: seeding and the sampling functions of ``mx.nd.random``."""
import torch

from .base import MXNetError
from .context import Context
from .ndarray.random import (uniform, normal, randn, poisson, exponential, gamma,  # noqa: F401
                             multinomial, negative_binomial, generalized_negative_binomial,
                             shuffle, randint)

__all__ = ['seed', 'uniform', 'normal', 'randn', 'poisson', 'exponential', 'gamma',
           'multinomial', 'negative_binomial', 'generalized_negative_binomial', 'shuffle',
           'randint']


def seed(seed_state, ctx='all'):
    """Seed the random number generators.

    ``ctx='all'`` seeds the CPU and every GPU generator; a Context seeds only that device's.
    The same seed gives the same draws on the same device (remx's streams are torch's, not
    MXNet's, so values differ from MXNet 1.9.1's for the same seed).
    """
    if not isinstance(seed_state, int):
        raise MXNetError('seed_state must be int')
    seed_state = int(seed_state) & 0xFFFFFFFFFFFFFFFF
    if ctx == 'all':
        torch.manual_seed(seed_state)  # seeds CPU and all CUDA devices
        return
    if not isinstance(ctx, Context):
        raise MXNetError("ctx must be 'all' or a Context, got %r" % (ctx,))
    if ctx.device_type == 'gpu':
        dev = ctx.torch_device
        torch.cuda.manual_seed(seed_state) if dev.index is None else \
            torch.cuda.default_generators[dev.index].manual_seed(seed_state)
    else:
        torch.default_generator.manual_seed(seed_state)
