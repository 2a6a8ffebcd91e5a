"""Weight initializers (``mx.init`` / ``mx.initializer``), with MXNet 1.9.1's names, defaults,
name-suffix dispatch and ``dumps()`` JSON."""
import json
import logging
import re
import warnings

import numpy as np

from .base import MXNetError, string_types
from .ndarray import NDArray
from . import ndarray as _nd

__all__ = ['InitDesc', 'Initializer', 'register', 'alias', 'create', 'Load', 'Mixed', 'Zero',
           'One', 'Constant', 'Uniform', 'Normal', 'Orthogonal', 'Xavier', 'MSRAPrelu',
           'Bilinear', 'LSTMBias', 'FusedRNN']

_REGISTRY = {}


def register(klass):
    """Register an Initializer subclass under its lower-cased class name (for create/dumps)."""
    if not (isinstance(klass, type) and issubclass(klass, Initializer)):
        raise MXNetError('Can only register subclass of Initializer')
    name = klass.__name__.lower()
    if name in _REGISTRY and _REGISTRY[name] is not klass:
        warnings.warn('New initializer %s.%s is overriding existing initializer %s'
                      % (klass.__module__, klass.__name__, name), UserWarning, stacklevel=2)
    _REGISTRY[name] = klass
    return klass


def alias(*aliases):
    """Register extra names for an Initializer class."""
    def reg(klass):
        for a in aliases:
            _REGISTRY[a.lower()] = klass
        return klass
    return reg


def create(initializer, *args, **kwargs):
    """Create an initializer from an instance, a registered name, or a dumps() JSON string."""
    if isinstance(initializer, Initializer):
        if args or kwargs:
            raise MXNetError('create: extra arguments given with an Initializer instance')
        return initializer
    if isinstance(initializer, string_types):
        s = initializer.strip()
        if s.startswith('['):
            try:
                name, kw = json.loads(s)
            except (ValueError, TypeError):
                raise MXNetError('Cannot parse initializer %r' % initializer) from None
            return create(name, **kw)
        klass = _REGISTRY.get(s.lower())
        if klass is None:
            raise MXNetError('Cannot find initializer %s. Registered: %s'
                             % (initializer, ', '.join(sorted(_REGISTRY))))
        return klass(*args, **kwargs)
    raise MXNetError('Cannot create initializer from %r' % (initializer,))


class InitDesc(str):
    """A parameter name carrying attributes (``__init__``) and the global initializer."""

    def __new__(cls, name, attrs=None, global_init=None):
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


class Initializer:
    """Base class of initializers: ``init(InitDesc(name), arr)`` fills arr in place.

    Without an explicit ``__init__`` attribute the parameter's name suffix picks the rule:
    ``*weight`` -> ``_init_weight``, ``*bias``/``*beta`` -> 0, ``*gamma`` -> 1, ``*min`` -> 0,
    ``*max`` -> 1.
    """

    def __init__(self, **kwargs):
        self._kwargs = kwargs
        self._verbose = False
        self._print_func = None

    def set_verbosity(self, verbose=False, print_func=None):
        self._verbose = verbose
        if print_func is None:
            def print_func(x):
                return str((_nd.norm(x) / np.sqrt(x.size)).asscalar())
        self._print_func = print_func
        return self

    def _verbose_print(self, desc, init, arr):
        if self._verbose and self._print_func:
            logging.info('Initialized %s as %s: %s', desc, init, self._print_func(arr))

    def __eq__(self, other):
        # as MXNet: same class and same arguments (which also makes initializers unhashable)
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self._kwargs == other._kwargs

    def dumps(self):
        """JSON ``[name, kwargs]`` describing this initializer (MXNet's format)."""
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])

    def __call__(self, desc, arr):
        if not isinstance(desc, InitDesc):
            self._legacy_init(desc, arr)
            return
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get('__init__', '')
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, fn, tag in ((('weight',), self._init_weight, 'weight'),
                                (('bias',), self._init_bias, 'bias'),
                                (('gamma',), self._init_gamma, 'gamma'),
                                (('beta',), self._init_beta, 'beta'),
                                (('min',), self._init_zero, 'min'),
                                (('max',), self._init_one, 'max')):
            if desc.endswith(suffix):
                fn(desc, arr)
                self._verbose_print(desc, tag, arr)
                return
        self._init_default(desc, arr)

    def _legacy_init(self, name, arr):
        warnings.warn('Calling initializer with init(str, NDArray) has been deprecated. please '
                      'use init(mx.init.InitDesc(...), NDArray) instead.', DeprecationWarning,
                      stacklevel=3)
        if not isinstance(name, string_types):
            raise TypeError('name must be string')
        if not isinstance(arr, NDArray):
            raise TypeError('arr must be NDArray')
        if name.startswith('upsampling'):
            self._init_bilinear(name, arr)
        elif name.startswith('stn_loc') and name.endswith('weight'):
            self._init_zero(name, arr)
        elif name.startswith('stn_loc') and name.endswith('bias'):
            self._init_loc_bias(name, arr)
        elif name.endswith('bias'):
            self._init_bias(name, arr)
        elif name.endswith('gamma'):
            self._init_gamma(name, arr)
        elif name.endswith('beta'):
            self._init_beta(name, arr)
        elif name.endswith('weight'):
            self._init_weight(name, arr)
        elif name.endswith(('moving_mean', 'moving_inv_var', 'moving_avg', 'min')):
            self._init_zero(name, arr)
        elif name.endswith(('moving_var', 'max')):
            self._init_one(name, arr)
        else:
            self._init_default(name, arr)

    def _init_bilinear(self, _, arr):
        arr[:] = _bilinear_kernel(arr.shape)

    def _init_loc_bias(self, _, arr):
        if arr.shape[0] != 6:
            raise MXNetError('stn_loc bias must have 6 elements, got shape %s' % (arr.shape,))
        arr[:] = np.array([1.0, 0, 0, 0, 1.0, 0])

    def _init_zero(self, _, arr):
        arr[:] = 0.0

    def _init_one(self, _, arr):
        arr[:] = 1.0

    def _init_bias(self, _, arr):
        arr[:] = 0.0

    def _init_gamma(self, _, arr):
        arr[:] = 1.0

    def _init_beta(self, _, arr):
        arr[:] = 0.0

    def _init_weight(self, name, arr):
        raise NotImplementedError('Must override it')

    def _init_default(self, name, _):
        raise ValueError('Unknown initialization pattern for %s. Default initialization is now '
                         'limited to "weight", "bias", "gamma" (1.0), and "beta" (0.0). Please '
                         'use mx.sym.Variable(init=mx.init.*) to set initialization pattern'
                         % name)


def _bilinear_kernel(shape):
    size = int(np.prod(shape))
    f = np.ceil(shape[3] / 2.)
    c = (2 * f - 1 - f % 2) / (2. * f)
    i = np.arange(size)
    x = i % shape[3]
    y = (i // shape[3]) % shape[2]
    w = (1 - np.abs(x / f - c)) * (1 - np.abs(y / f - c))
    return w.astype(np.float32).reshape(shape)


class Load:
    """Initialize parameters from a dict or an ``nd.save`` file (``arg:``/``aux:`` prefixes
    are stripped), falling back to ``default_init`` for names not found."""

    def __init__(self, param, default_init=None, verbose=False):
        if isinstance(param, str):
            param = _nd.load(param)
        if not isinstance(param, dict):
            raise MXNetError('Load: param must be a dict or a file holding a dict')
        self.param = {}
        for name, arr in param.items():
            if name.startswith('arg:') or name.startswith('aux:'):
                self.param[name[4:]] = arr
            else:
                self.param[name] = arr
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name, arr):
        if name in self.param:
            if arr.shape != self.param[name].shape:
                raise MXNetError('Parameter %s cannot be initialized from loading: shape '
                                 'mismatch, target %s vs loaded %s'
                                 % (name, arr.shape, self.param[name].shape))
            arr[:] = self.param[name]
            if self.verbose:
                logging.info('Initialized %s by loading', name)
        else:
            if self.default_init is None:
                raise MXNetError('Cannot Initialize %s. Not found in loaded param and no '
                                 'default Initializer is provided.' % name)
            self.default_init(name, arr)
            if self.verbose:
                logging.info('Initialized %s by default', name)


class Mixed:
    """Apply the first initializer whose regex pattern matches the parameter name."""

    def __init__(self, patterns, initializers):
        if len(patterns) != len(initializers):
            raise MXNetError('Mixed: patterns and initializers differ in length')
        self.map = list(zip([re.compile(p) for p in patterns], initializers))

    def __call__(self, name, arr):
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError('Parameter name %s did not match any pattern. Consider adding a ".*" '
                         'pattern at the and with default Initializer.' % name)


@register
@alias('zeros')
class Zero(Initializer):
    """Initialize to zero."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        arr[:] = 0


@register
@alias('ones')
class One(Initializer):
    """Initialize to one."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        arr[:] = 1


@register
class Constant(Initializer):
    """Initialize to a constant value (a scalar or an array broadcast to the shape)."""

    def __init__(self, value):
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _, arr):
        arr[:] = self.value

    def dumps(self):
        # as MXNet does, an array value is turned into a list in _kwargs itself
        val = self._kwargs['value']
        if not np.isscalar(val):
            if isinstance(val, NDArray):
                val = val.asnumpy().tolist()
            elif hasattr(val, 'tolist'):
                val = val.tolist()
            self._kwargs['value'] = val
        return json.dumps([self.__class__.__name__.lower(), self._kwargs])


@register
class Uniform(Initializer):
    """Uniform random values in [-scale, scale]."""

    def __init__(self, scale=0.07):
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _, arr):
        _nd.random.uniform(-self.scale, self.scale, arr.shape, out=arr)


@register
class Normal(Initializer):
    """Normal random values with mean 0 and standard deviation sigma."""

    def __init__(self, sigma=0.01):
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _, arr):
        _nd.random.normal(0, self.sigma, arr.shape, out=arr)


@register
class Orthogonal(Initializer):
    """Orthogonal matrix initialization (Saxe et al.), scaled by ``scale``."""

    def __init__(self, scale=1.414, rand_type='uniform'):
        super().__init__(scale=scale, rand_type=rand_type)
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _, arr):
        nout = arr.shape[0]
        nin = int(np.prod(arr.shape[1:]))
        if self.rand_type == 'uniform':
            tmp = _nd.random.uniform(-1.0, 1.0, shape=(nout, nin)).asnumpy()
        elif self.rand_type == 'normal':
            tmp = _nd.random.normal(0.0, 1.0, shape=(nout, nin)).asnumpy()
        else:
            raise MXNetError("Orthogonal: rand_type must be 'uniform' or 'normal'")
        u, _, v = np.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        arr[:] = self.scale * res.reshape(arr.shape)


@register
class Xavier(Initializer):
    """Xavier/Glorot initialization: scale sqrt(magnitude / factor) where factor is the
    average of fan-in and fan-out ('avg'), fan-in ('in') or fan-out ('out'); uniform in
    [-scale, scale] or gaussian with that standard deviation."""

    def __init__(self, rnd_type='uniform', factor_type='avg', magnitude=3):
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name, arr):
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError('Xavier initializer cannot be applied to vector {0}. It requires at'
                             ' least 2D.'.format(name))
        hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        if self.factor_type == 'avg':
            factor = (fan_in + fan_out) / 2.0
        elif self.factor_type == 'in':
            factor = fan_in
        elif self.factor_type == 'out':
            factor = fan_out
        else:
            raise ValueError('Incorrect factor type')
        scale = np.sqrt(self.magnitude / factor)
        if self.rnd_type == 'uniform':
            _nd.random.uniform(-scale, scale, arr.shape, out=arr)
        elif self.rnd_type == 'gaussian':
            _nd.random.normal(0, scale, arr.shape, out=arr)
        else:
            raise ValueError('Unknown random type')


@register
class MSRAPrelu(Xavier):
    """He/MSRA initialization for PReLU networks: gaussian Xavier with magnitude
    2 / (1 + slope^2)."""

    def __init__(self, factor_type='avg', slope=0.25):
        magnitude = 2. / (1 + slope ** 2)
        super().__init__('gaussian', factor_type, magnitude)
        self._kwargs = {'factor_type': factor_type, 'slope': slope}


@register
class Bilinear(Initializer):
    """Bilinear-upsampling kernel initialization (for Deconvolution weights)."""

    def __init__(self):
        super().__init__()

    def _init_weight(self, _, arr):
        arr[:] = _bilinear_kernel(arr.shape)


@register
class LSTMBias(Initializer):
    """LSTM bias: zero except the forget gate (the second of the 4 gates) = forget_bias."""

    def __init__(self, forget_bias=1.0):
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name, arr):
        arr[:] = 0.0
        num_hidden = int(arr.shape[0] / 4)
        arr[num_hidden:2 * num_hidden] = self.forget_bias


_GATES = {'rnn_relu': [''], 'rnn_tanh': [''], 'lstm': ['_i', '_f', '_c', '_o'],
          'gru': ['_r', '_z', '_o']}


@register
class FusedRNN(Initializer):
    """Initialize the packed parameter vector of a fused RNN: each gate's weight matrix gets
    ``init`` (or the global initializer), biases zero, LSTM forget-gate biases forget_bias.

    Layout (MXNet's): every layer's and direction's i2h then h2h weights, then every layer's
    and direction's i2h then h2h biases; gates stacked inside each block.
    """

    def __init__(self, init, num_hidden, num_layers, mode, bidirectional=False, forget_bias=1.0):
        if isinstance(init, string_types):
            init = create(init)
        super().__init__(init=init.dumps() if init is not None else None,
                         num_hidden=num_hidden, num_layers=num_layers, mode=mode,
                         bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _blocks(self, total):
        gates = _GATES[self._mode]
        G, H, L = len(gates), self._num_hidden, self._num_layers
        D = 2 if self._bidirectional else 1
        # total = G*H*(in + H) + (L-1)*D*G*H*(D*H + H) weights + L*D*2*G*H biases  (layer 0 per dir)
        rest = (L - 1) * D * G * H * (D * H + H) + L * D * 2 * G * H
        per_dir0 = (total - rest) // D
        in0 = per_dir0 // (G * H) - H
        if in0 <= 0 or D * G * H * (in0 + H) + rest != total:
            raise MXNetError('FusedRNN: parameter size %d does not match mode=%s num_hidden=%d '
                             'num_layers=%d bidirectional=%s' % (total, self._mode, H, L,
                                                                 self._bidirectional))
        blocks = []
        for layer in range(L):
            in_size = in0 if layer == 0 else D * H
            for d in range(D):
                pre = '%s%d_' % ('r' if d else 'l', layer)
                for g in gates:
                    blocks.append((pre + 'i2h%s_weight' % g, (H, in_size)))
                for g in gates:
                    blocks.append((pre + 'h2h%s_weight' % g, (H, H)))
        for layer in range(L):
            for d in range(D):
                pre = '%s%d_' % ('r' if d else 'l', layer)
                for g in gates:
                    blocks.append((pre + 'i2h%s_bias' % g, (H,)))
                for g in gates:
                    blocks.append((pre + 'h2h%s_bias' % g, (H,)))
        return blocks

    def _init_weight(self, desc, arr):
        flat = np.zeros(arr.size, dtype=np.float32)
        pos = 0
        glob = getattr(desc, 'global_init', None) or Uniform()
        for name, shape in self._blocks(arr.size):
            n = int(np.prod(shape))
            part = _nd.zeros(shape)
            if self._mode == 'lstm' and name.endswith('_f_bias'):
                part[:] = self._forget_bias
            elif self._init is None:
                glob(InitDesc(name, global_init=glob), part)
            else:
                self._init(InitDesc(name, global_init=glob), part)
            flat[pos:pos + n] = part.asnumpy().reshape(-1)
            pos += n
        arr[:] = flat.reshape(arr.shape)
