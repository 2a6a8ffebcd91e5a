"""Predefined neural-network models (``gluon.model_zoo``) and their pretrained-weight store."""
from . import model_store  # noqa: F401
from . import vision  # noqa: F401
