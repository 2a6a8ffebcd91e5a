"""Fluent methods (``x.sum()``, ``x.exp()``, ``x.argmax(axis=1)``) bound from registry ops."""

FLUENT = ('abs', 'arccos', 'arccosh', 'arcsin', 'arcsinh', 'arctan', 'arctanh', 'argmax',
          'argmax_channel', 'argmin', 'argsort', 'broadcast_axes', 'cbrt', 'ceil', 'clip',
          'cos', 'cosh', 'degrees', 'depth_to_space', 'diag', 'exp', 'expand_dims', 'expm1',
          'fix', 'flatten', 'flip', 'floor', 'log', 'log10', 'log1p', 'log2', 'log_softmax',
          'max', 'mean', 'min', 'nanprod', 'nansum', 'norm', 'one_hot', 'ones_like', 'pad',
          'pick', 'prod', 'radians', 'rcbrt', 'reciprocal', 'relu', 'repeat', 'rint', 'round',
          'rsqrt', 'shape_array', 'sigmoid', 'sign', 'sin', 'sinh', 'size_array', 'slice',
          'slice_axis', 'slice_like', 'softmax', 'softmin', 'sort', 'space_to_depth', 'split',
          'split_v2', 'sqrt', 'square', 'squeeze', 'sum', 'swapaxes', 'take', 'tan', 'tanh',
          'tile', 'topk', 'transpose', 'trunc', 'zeros_like')


def _method(fn, name):
    def m(self, *args, **kwargs):
        return fn(self, *args, **kwargs)
    m.__name__ = name
    m.__doc__ = 'Convenience fluent method for :py:func:`%s`.' % name
    return m


def install(cls, *namespaces):
    """Bind a fluent method on ``cls`` for each name of :data:`FLUENT` it does not define: the
    function of that name in the first of ``namespaces`` (modules) that has one. Imports
    nothing: mx.nd's ``__init__`` calls it with the modules (``op``, then ``ndarray``)."""
    for name in FLUENT:
        fn = None
        for ns in namespaces:
            fn = getattr(ns, name, None)
            if fn is not None:
                break
        if fn is not None and name not in cls.__dict__:
            setattr(cls, name, _method(fn, name))
