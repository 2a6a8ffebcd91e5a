"""MXNet 1.9.1's ``mx.profiler`` on torch.profiler.

``set_config(filename=..., profile_all=..., aggregate_stats=...)``, ``set_state('run'|'stop')``,
``pause``/``resume``, ``dump()`` (a Chrome trace JSON file, the format MXNet wrote too) and
``dumps()`` (aggregate statistics as a table or JSON). The operators recorded are torch's (the
kernels that ran), plus the user's own ``Domain``/``Task``/``Frame``/``Event``/``Counter``/
``Marker`` objects, which appear in both the trace and the statistics under their names.

Only the worker process can be profiled (``profile_process='server'`` needs a distributed
kvstore, which remx does not have yet) and raises MXNetError.
"""
import ctypes  # noqa: F401
import json
import os
import threading
import time

from .base import MXNetError, _atomic_write, _LIB, check_call, c_str, c_str_array, py_str  # noqa: F401
from .base import KVStoreHandle, ProfileHandle  # noqa: F401

__all__ = ['set_config', 'profiler_set_config', 'set_state', 'profiler_set_state', 'dump',
           'dump_profile', 'dumps', 'pause', 'resume', 'Domain', 'Task', 'Frame', 'Event',
           'Counter', 'Marker', 'set_kvstore_handle']

_CONFIG_KEYS = {'filename', 'profile_all', 'profile_symbolic', 'profile_imperative',
                'profile_memory', 'profile_api', 'continuous_dump', 'dump_period',
                'aggregate_stats', 'profile_process', 'gpu_memory_profile_filename_prefix'}


class _Profiler:
    def __init__(self):
        self.lock = threading.Lock()
        self.config = {'filename': 'profile.json', 'profile_all': False,
                       'profile_symbolic': True, 'profile_imperative': True,
                       'profile_memory': True, 'profile_api': True,
                       'aggregate_stats': False}
        self.running = False
        self.paused = False
        self.prof = None
        self.t0 = time.perf_counter()
        self.events = []      # chrome-trace events of the user's objects and finished runs
        self.stats = {}       # name -> [count, total_us, min_us, max_us]

    def now_us(self):
        return (time.perf_counter() - self.t0) * 1e6

    def add_stat(self, cat, name, dur_us):
        key = (cat, name)
        s = self.stats.get(key)
        if s is None:
            self.stats[key] = [1, dur_us, dur_us, dur_us]
        else:
            s[0] += 1
            s[1] += dur_us
            s[2] = min(s[2], dur_us)
            s[3] = max(s[3], dur_us)

    def collect(self):
        """Move what torch recorded into our events and statistics."""
        prof, self.prof = self.prof, None
        if prof is None:
            return
        try:
            evts = prof.events()
        except (RuntimeError, AssertionError):
            return
        for e in evts:
            start = e.time_range.start
            dur = e.time_range.end - e.time_range.start
            self.events.append({'name': e.name, 'cat': 'operator', 'ph': 'X', 'ts': start,
                                'dur': dur, 'pid': os.getpid(), 'tid': e.thread})
            self.add_stat('operator', e.name, dur)


_P = _Profiler()


def _check_process(profile_process):
    if profile_process not in ('worker', 'server'):
        raise MXNetError("profile_process must be 'worker' or 'server', got %r"
                         % (profile_process,))
    if profile_process == 'server':
        raise MXNetError('profiling the kvstore server needs a distributed kvstore (dist_*), '
                         'which remx does not implement yet')


def set_config(**kwargs):
    """Configure the profiler (keyword arguments only; MXNet's names: filename, profile_all,
    profile_symbolic, profile_imperative, profile_memory, profile_api, continuous_dump,
    dump_period, aggregate_stats, profile_process)."""
    unknown = sorted(set(kwargs) - _CONFIG_KEYS)
    if unknown:
        raise MXNetError('Invalid profiler config parameter(s): %s; valid: %s'
                         % (', '.join(unknown), ', '.join(sorted(_CONFIG_KEYS))))
    _check_process(kwargs.pop('profile_process', 'worker'))
    with _P.lock:
        _P.config.update(kwargs)


def profiler_set_config(mode='symbolic', filename='profile.json'):
    """Deprecated spelling of :func:`set_config` (MXNet < 1.2)."""
    set_config(profile_symbolic=True, profile_imperative=(mode == 'all'), filename=filename)


def _start_torch():
    import torch
    acts = [torch.profiler.ProfilerActivity.CPU]
    if torch.cuda.is_available():
        acts.append(torch.profiler.ProfilerActivity.CUDA)
    prof = torch.profiler.profile(activities=acts,
                                  profile_memory=bool(_P.config.get('profile_memory')))
    prof.__enter__()
    _P.prof = prof


def _stop_torch():
    if _P.prof is not None:
        _P.prof.__exit__(None, None, None)
        _P.collect()


def set_state(state='stop', profile_process='worker'):
    """Start (``'run'``) or stop (``'stop'``) profiling."""
    if state not in ('run', 'stop'):
        raise MXNetError("profiler state must be 'run' or 'stop', got %r" % (state,))
    _check_process(profile_process)
    with _P.lock:
        if state == 'run' and not _P.running:
            _P.running, _P.paused = True, False
            _start_torch()
        elif state == 'stop' and _P.running:
            _P.running = False
            if not _P.paused:
                _stop_torch()
            _P.paused = False


def profiler_set_state(state='stop'):
    """Deprecated spelling of :func:`set_state`."""
    set_state(state)


def pause(profile_process='worker'):
    """Stop recording until :func:`resume` (the profiler stays in the 'run' state)."""
    _check_process(profile_process)
    with _P.lock:
        if _P.running and not _P.paused:
            _P.paused = True
            _stop_torch()


def resume(profile_process='worker'):
    """Resume recording after :func:`pause`."""
    _check_process(profile_process)
    with _P.lock:
        if _P.running and _P.paused:
            _P.paused = False
            _start_torch()


def dump(finished=True, profile_process='worker'):
    """Write what was recorded to the configured file as a Chrome trace (chrome://tracing).

    ``finished=True`` (the default) also ends the profiling session, as in MXNet."""
    _check_process(profile_process)
    with _P.lock:
        was_running = _P.running and not _P.paused
        if was_running:
            _stop_torch()
        events = list(_P.events)
        fname = _P.config.get('filename', 'profile.json')
        _atomic_write(fname, json.dumps({'traceEvents': events, 'displayTimeUnit': 'ms'}))
        if finished:
            _P.running = _P.paused = False
            _P.events = []
        elif was_running:
            _start_torch()


def dump_profile():
    """Deprecated spelling of :func:`dump`."""
    dump(True)


_SORT = {'total': 1, 'avg': None, 'min': 2, 'max': 3, 'count': 0}


def dumps(reset=False, format='table', sort_by='total', ascending=False):  # pylint: disable=redefined-builtin
    """Aggregate statistics of what was recorded, as a table (or ``format='json'``).

    Needs ``set_config(aggregate_stats=True)``, as in MXNet."""
    if format not in ('table', 'json'):
        raise MXNetError("format must be 'table' or 'json', got %r" % (format,))
    if sort_by not in _SORT:
        raise MXNetError("sort_by must be one of %s, got %r" % (', '.join(_SORT), sort_by))
    with _P.lock:
        if _P.running and not _P.paused:
            _stop_torch()
            _start_torch()
        if not _P.config.get('aggregate_stats'):
            stats = {}
        else:
            stats = dict(_P.stats)
        if reset:
            _P.stats = {}
    by_cat = {}
    for (cat, name), (cnt, tot, mn, mx_) in stats.items():
        by_cat.setdefault(cat, []).append((name, cnt, tot / 1e3, mn / 1e3, mx_ / 1e3,
                                           tot / cnt / 1e3))
    col = {'count': 1, 'total': 2, 'min': 3, 'max': 4, 'avg': 5}[sort_by]
    for rows in by_cat.values():
        rows.sort(key=lambda r: r[col], reverse=not ascending)
    if format == 'json':
        out = {'Time': 'ms', 'Unit': {'Time': 'ms', 'Memory': 'kB'}}
        for cat, rows in by_cat.items():
            out[cat] = {r[0]: {'Count': r[1], 'Total': r[2], 'Min': r[3], 'Max': r[4],
                               'Avg': r[5]} for r in rows}
        return json.dumps(out, indent=4)
    lines = ['', 'Profile Statistics:',
             '\tNote the difference in units for different entries.']
    for cat, rows in by_cat.items():
        lines += [cat, '=' * len(cat),
                  '%-40s %16s %16s %16s %16s %16s' % ('Name', 'Total Count', 'Time (ms)',
                                                     'Min Time (ms)', 'Max Time (ms)',
                                                     'Avg Time (ms)'),
                  '%-40s %16s %16s %16s %16s %16s' % ('----', '-----------', '---------',
                                                     '-------------', '-------------',
                                                     '-------------')]
        for name, cnt, tot, mn, mx_, avg in rows:
            lines.append('%-40s %16d %16.4f %16.4f %16.4f %16.4f' % (name[:40], cnt, tot, mn,
                                                                   mx_, avg))
        lines.append('')
    return '\n'.join(lines) + '\n'


def set_kvstore_handle(handle):
    """MXNet passed its kvstore's C handle here to profile a server; remx has no server."""
    raise MXNetError('profiling a kvstore server needs a distributed kvstore (dist_*), which '
                     'remx does not implement yet')


class Domain:
    """A named group of profiling objects (tasks, frames, counters, markers)."""

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    def new_task(self, name):
        return Task(self, name)

    def new_frame(self, name):
        return Frame(self, name)

    def new_counter(self, name, value=None):
        return Counter(self, name, value)

    def new_marker(self, name):
        return Marker(self, name)


class _Span:
    _cat = 'event'

    def __init__(self, name, domain=None):
        self.name = name
        self.domain = domain
        self._start = None

    def _label(self):
        return self.name

    def start(self):
        """Begin the span (recorded only while the profiler runs)."""
        self._start = _P.now_us()

    def stop(self):
        """End the span started by :meth:`start`."""
        if self._start is None:
            raise MXNetError('%s %r stopped without being started' % (self._cat, self.name))
        end = _P.now_us()
        with _P.lock:
            if _P.running and not _P.paused:
                _P.events.append({'name': self._label(), 'cat': self._cat, 'ph': 'X',
                                  'ts': self._start, 'dur': end - self._start,
                                  'pid': os.getpid(), 'tid': threading.get_ident()})
                _P.add_stat(self._cat if self.domain is None else str(self.domain),
                            self._label(), end - self._start)
        self._start = None

    def __str__(self):
        return self.name


class Task(_Span):
    """A named span of work in a Domain (``start()``/``stop()``)."""
    _cat = 'task'

    def __init__(self, domain, name):
        super().__init__(name, domain)


class Frame(_Span):
    """A named frame in a Domain (``start()``/``stop()``), e.g. one training iteration."""
    _cat = 'frame'

    def __init__(self, domain, name):
        super().__init__(name, domain)


class Event(_Span):
    """A named span not tied to a Domain (``start()``/``stop()``)."""
    _cat = 'event'

    def __init__(self, name):
        super().__init__(name)


class Counter:
    """A named integer value in a Domain, traced each time it changes."""

    def __init__(self, domain, name, value=None):
        self.domain = domain
        self.name = name
        self.value = 0
        if value is not None:
            self.set_value(value)

    def _record(self):
        with _P.lock:
            if _P.running and not _P.paused:
                _P.events.append({'name': self.name, 'cat': 'counter', 'ph': 'C',
                                  'ts': _P.now_us(), 'pid': os.getpid(),
                                  'args': {self.name: self.value}})

    def set_value(self, value):
        self.value = int(value)
        self._record()

    def increment(self, delta=1):
        self.value += int(delta)
        self._record()

    def decrement(self, delta=1):
        self.value -= int(delta)
        self._record()

    def __iadd__(self, delta):
        self.increment(delta)
        return self

    def __isub__(self, delta):
        self.decrement(delta)
        return self

    def __str__(self):
        return self.name


class Marker:
    """An instant event in a Domain (``mark(scope)``, scope one of global/process/thread/task)."""

    def __init__(self, domain, name):
        self.domain = domain
        self.name = name

    def mark(self, scope='process'):
        scopes = {'global': 'g', 'process': 'p', 'thread': 't', 'task': 't', 'marker': 'p'}
        if scope not in scopes:
            raise MXNetError('Marker scope must be one of %s, got %r' % (', '.join(scopes),
                                                                         scope))
        with _P.lock:
            if _P.running and not _P.paused:
                _P.events.append({'name': self.name, 'cat': 'marker', 'ph': 'i',
                                  'ts': _P.now_us(), 's': scopes[scope], 'pid': os.getpid(),
                                  'tid': threading.get_ident()})
