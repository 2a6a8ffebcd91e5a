"""``mx.optimizer``: optimizers, the registry, and Updater."""
from . import optimizer, contrib  # noqa: F401
from .optimizer import *  # noqa: F401,F403
from .optimizer import Optimizer, Updater, create, get_updater, register  # noqa: F401

__all__ = optimizer.__all__ + ['contrib']
