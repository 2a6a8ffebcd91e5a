"""``mx.symbol.numpy``: MXNet 1.9.1's NumPy-style symbols. Not implemented in remx.

Only the class exists, so that ``isinstance(s, mxnet.symbol.numpy._Symbol)`` (how
``mx.test_utils`` tells NumPy symbols from classic ones) answers False for every classic
Symbol.
"""
from .symbol import Symbol


class _Symbol(Symbol):
    """A NumPy-semantics symbol (``mx.sym.np``); remx builds none."""
