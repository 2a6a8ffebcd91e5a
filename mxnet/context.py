"""MXNet device contexts mapped onto torch devices."""
import threading
import torch

from .base import MXNetError, classproperty

__all__ = ['Context', 'cpu', 'gpu', 'cpu_pinned', 'current_context', 'num_gpus',
           'gpu_memory_info']


class Context:
    """A device: ``Context('cpu', 0)``, ``Context('gpu', 1)``.

    ``with ctx:`` makes it the default context of array creation in that block.
    """
    devtype2str = {1: 'cpu', 2: 'gpu', 3: 'cpu_pinned', 5: 'cpu_shared'}
    devstr2type = {'cpu': 1, 'gpu': 2, 'cpu_pinned': 3, 'cpu_shared': 5}
    _default_ctx = threading.local()

    # _tag: what an NDArray created on this context stores as its ``_ctx`` (None when the torch
    # device alone says the context: cpu(0), gpu(i)); _opc: the ``_ctx`` of the outputs of an
    # operator whose first input lives here (MXNet computes cpu_pinned(i) inputs on cpu(i))
    __slots__ = ('device_typeid', 'device_id', '_old_ctx', '_torch_device', '_tag', '_opc')

    def __init__(self, device_type, device_id=0):
        if isinstance(device_type, Context):
            self.device_typeid = device_type.device_typeid
            self.device_id = device_type.device_id
        else:
            if device_type not in Context.devstr2type:
                raise MXNetError("Unknown device type '%s'; expected one of %s"
                                 % (device_type, sorted(Context.devstr2type)))
            self.device_typeid = Context.devstr2type[device_type]
            self.device_id = int(device_id)
        self._old_ctx = None
        self._torch_device = None
        typ = self.device_typeid
        self._tag = None if (typ == 2 or (typ == 1 and self.device_id == 0)) else self
        if typ == 3:
            self._opc = Context('cpu', self.device_id)._tag
        else:
            self._opc = self._tag

    @property
    def device_type(self):
        return Context.devtype2str[self.device_typeid]

    def __hash__(self):
        return hash((self.device_typeid, self.device_id))

    def __eq__(self, other):
        return (isinstance(other, Context) and self.device_typeid == other.device_typeid
                and self.device_id == other.device_id)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __str__(self):
        return '%s(%d)' % (self.device_type, self.device_id)

    __repr__ = __str__

    def __enter__(self):
        if not hasattr(Context._default_ctx, 'value'):
            Context._default_ctx.value = Context('cpu', 0)
        self._old_ctx = Context._default_ctx.value
        Context._default_ctx.value = self
        return self

    def __exit__(self, ptype, value, trace):
        Context._default_ctx.value = self._old_ctx

    @classproperty
    def default_ctx(cls):
        if not hasattr(Context._default_ctx, 'value'):
            Context._default_ctx.value = Context('cpu', 0)
        return Context._default_ctx.value

    @property
    def torch_device(self):
        """The torch.device this context stands for (checked on first use)."""
        dev = self._torch_device
        if dev is None:
            if self.device_typeid == 2:
                n = num_gpus()
                if self.device_id >= n:
                    raise MXNetError('Context %s: no such GPU (this machine has %d GPU%s visible'
                                     ' to torch)' % (self, n, '' if n == 1 else 's'))
                dev = torch.device('cuda', self.device_id)
            else:
                dev = _CPU
            self._torch_device = dev
        return dev

    def empty_cache(self):
        if self.device_typeid == 2 and torch.cuda.is_available():
            with torch.cuda.device(self.device_id):
                torch.cuda.empty_cache()


_CPU = torch.device('cpu')
_CPU_CTX = Context('cpu', 0)
_CTX_OF_DEVICE = {}


def context_of(device):
    """Context of a torch.device (cached)."""
    ctx = _CTX_OF_DEVICE.get(device)
    if ctx is None:
        if device.type == 'cuda':
            ctx = Context('gpu', device.index if device.index is not None else 0)
        elif device.type == 'cpu':
            ctx = Context('cpu', 0)
        else:
            raise MXNetError('remx has no context for torch device %s' % device)
        _CTX_OF_DEVICE[device] = ctx
    return ctx


def cpu(device_id=0):
    """CPU context. MXNet ignores device_id for computation on CPU."""
    return Context('cpu', device_id)


def cpu_pinned(device_id=0):
    """Page-locked CPU memory context (torch pinned memory when CUDA is present)."""
    return Context('cpu_pinned', device_id)


def gpu(device_id=0):
    """GPU context; creating arrays on it raises MXNetError when the GPU does not exist."""
    return Context('gpu', device_id)


def num_gpus():
    return torch.cuda.device_count() if torch.cuda.is_available() else 0


def gpu_memory_info(device_id=0):
    """(free, total) bytes on a GPU."""
    if device_id >= num_gpus():
        raise MXNetError('gpu(%d) does not exist' % device_id)
    return torch.cuda.mem_get_info(device_id)


def current_context():
    """The default context (cpu(0) unless inside a ``with ctx:`` block)."""
    return Context.default_ctx
