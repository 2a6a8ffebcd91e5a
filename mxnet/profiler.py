"""MXNet 1.9.1's ``mx.profiler``: operators recorded by the engine, under their MXNet names.

``set_config(filename=..., profile_all=..., aggregate_stats=...)``, ``set_state('run'|'stop')``,
``pause``/``resume``, ``dump()`` (a Chrome trace JSON file, chrome://tracing) and ``dumps()``
(aggregate statistics as MXNet's table or JSON). While the profiler runs, the engine reports
every operator it runs (:func:`mxnet.engine.set_profile_hook`) with its MXNet name ('sqrt',
'_plus_scalar', '_zeros'...) in the category 'operator'; a custom operator's Python
forward/backward is 'Custom Operator' '<op_type>::pure_python' ('_backward_<op_type>::...'), and
the operators it calls are '<op_type>::<name>'. The user's ``Domain``/``Task``/``Frame``/
``Event``/``Counter``/``Marker`` objects are recorded as MXNet records them (a Task under its
Domain's name, a Frame under '<domain>,frame', an Event under 'event', a Counter's values
under its Domain's name, a Marker under '<domain>,instant_marker').

The statistics follow MXNet's arithmetic: durations in whole microseconds, shown in ms as
float32 (``%.4g`` in the JSON, ``%.4f`` in the table); a counter's Total is its last value,
its Avg ``(max - min) / 2`` (in unsigned 64-bit integers, as MXNet keeps them); entries sorted
by the chosen stat, ties by name, both in the order MXNet's heap gives.

What remx cannot record, and so leaves out rather than invent: the C API calls
(``profile_api``: remx has no C API; MXNet's 'MXNET_C_API' category), device memory
(``profile_memory``: MXNet's 'Device Storage' counters; the 'Memory' section stays empty), the
engine's internal operators (WaitForVar, DeleteVariable...), and the device an operator ran
on (the trace has one lane per category, where MXNet also drew one per device). remx's engine
does not tell imperative operators from those an executor runs, so ``profile_imperative`` and
``profile_symbolic`` both switch all operators (either one on records them).

The trace file holds every event since the session began (the first dump after ``'run'``, or
after a ``dump(finished=True)``): each dump appends the events recorded since the last one and
leaves a complete JSON file (MXNet's continuous dump left it unterminated until the end).
``continuous_dump=True`` also dumps every ``dump_period`` seconds (default 1) while running, as
MXNet did. Only the worker process can be profiled (``profile_process='server'`` needs a
distributed kvstore, which remx does not have yet) and raises MXNetError.
"""
import json
import os
import struct
import threading
import warnings

from . import base as _base
from . import engine as _engine
from .base import MXNetError

__all__ = ['set_config', 'profiler_set_config', 'set_state', 'profiler_set_state', 'dump',
           'dump_profile', 'dumps', 'pause', 'resume', 'Domain', 'Task', 'Frame', 'Event',
           'Counter', 'Marker', 'set_kvstore_handle']

# names MXNet's profiler module exposes (its C API helpers)
c_str, c_str_array, py_str = _base.c_str, _base.c_str_array, _base.py_str
check_call = _base.check_call
KVStoreHandle, ProfileHandle = _base.KVStoreHandle, _base.ProfileHandle
profiler_kvstore_handle = None   # MXNet's kvstore handle for profiling a server (none in remx)

_BOOL_KEYS = ('profile_all', 'profile_symbolic', 'profile_imperative', 'profile_memory',
              'profile_api', 'continuous_dump', 'aggregate_stats')
_CONFIG_KEYS = set(_BOOL_KEYS) | {'filename', 'dump_period', 'profile_process',
                                  'gpu_memory_profile_filename_prefix'}

_U64 = (1 << 64) - 1
_DURATION, _COUNTER, _OTHER = 1, 2, 4    # MXNet's AggregateStats::StatData types


def _parse_bool(key, v):
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v != 0
    s = str(v).strip().lower()
    if s in ('true', '1'):
        return True
    if s in ('false', '0'):
        return False
    raise MXNetError('Invalid Parameter format for %s expect boolean but value=%r' % (key, v))


def _now_us():
    return _engine.now_ns() // 1000


class _Profiler:
    """The profiler's state. ``lock`` guards the state, ``slock`` the records and statistics
    (taken by the hook on every operator, from any thread; nothing is called under it)."""

    def __init__(self):
        self.lock = threading.RLock()
        self.slock = threading.Lock()
        self.config = {'filename': 'profile.json', 'profile_all': False,
                       'profile_symbolic': True, 'profile_imperative': True,
                       'profile_memory': True, 'profile_api': True,
                       'continuous_dump': False, 'dump_period': 1.0,
                       'aggregate_stats': False}
        self.running = False
        self.paused = False
        self.recording = False   # running and not paused: the user's objects are recorded
        self.records = []        # recorded since the last dump: op tuples and event dicts
        self.stats = None        # category -> name -> [type, count, total, min, max]
        self.trace = None        # the trace file of this session: _TraceFile
        self.dumper = None       # the continuous dump thread's stop event

    # -- recording (any thread) ----------------------------------------------------------
    def add(self, cat, name, kind, value, rec):
        """Record one event: ``rec`` for the trace, and (``kind``, ``value``) for the stats
        (a duration in us, a counter's value; ``_OTHER``: only the category's name)."""
        with self.slock:
            if rec is not None:
                self.records.append(rec)
            stats = self.stats
            if stats is not None:
                _save(stats, cat, name, kind, value)


def _save(stats, cat, name, kind, value):
    by_name = stats.get(cat)
    if by_name is None:
        by_name = stats[cat] = {}
    s = by_name.get(name)
    if s is None:
        # MXNet's StatData starts at min = INT_MAX: a value above it never becomes the min
        s = by_name[name] = [kind, 0, 0, 0, 0x7fffffff]
    if kind == _OTHER:
        return
    s[0] = kind
    s[1] += 1
    if kind == _COUNTER:
        s[2] = value
    else:
        s[2] += value
    if value > s[3]:
        s[3] = value
    if value < s[4]:
        s[4] = value


_P = _Profiler()


def _op_hook(cat, name, start_ns, end_ns):
    """The engine's profile hook: one operator ran from ``start_ns`` to ``end_ns``."""
    t0 = start_ns // 1000
    t1 = end_ns // 1000
    _P.add(cat, name, _DURATION, t1 - t0, (cat, name, t0, t1, threading.get_ident()))


def _ops_profiled():
    c = _P.config
    return bool(c['profile_all'] or c['profile_imperative'] or c['profile_symbolic'])


def _update_hook():
    """Install the engine hook while operators are recorded, remove it otherwise."""
    on = _P.running and not _P.paused
    _P.recording = on
    _engine.set_profile_hook(_op_hook if on and _ops_profiled() else None)


def _check_process(profile_process):
    if profile_process not in ('worker', 'server'):
        raise MXNetError("profile_process must be 'worker' or 'server', got %r"
                         % (profile_process,))
    if profile_process == 'server':
        raise MXNetError('profiling the kvstore server needs a distributed kvstore (dist_*), '
                         'which remx does not implement yet')


def set_config(**kwargs):
    """Set up the configure of profiler (only accepts keyword arguments).

    Parameters
    ----------
    filename : string,
        output file for profile data
    profile_all : boolean,
        all profile types enabled
    profile_symbolic : boolean,
        whether to profile symbolic operators
    profile_imperative : boolean,
        whether to profile imperative operators
    profile_memory : boolean,
        whether to profile memory usage (remx records no memory statistics)
    profile_api : boolean,
        whether to profile the C API (remx has none)
    continuous_dump : boolean,
        whether to periodically dump profiling data to file
    dump_period : float,
        seconds between profile data dumps
    aggregate_stats : boolean,
        whether to maintain aggregate stats in memory for console dump (``dumps()``)
    profile_process : string
        whether to profile kvstore `server` or `worker` (only `worker` in remx)
    """
    unknown = sorted(set(kwargs) - _CONFIG_KEYS)
    if unknown:
        raise MXNetError('Invalid profiler config parameter(s): %s; valid: %s'
                         % (', '.join(unknown), ', '.join(sorted(_CONFIG_KEYS))))
    _check_process(kwargs.pop('profile_process', 'worker'))
    new = {}
    for k, v in kwargs.items():
        if k in _BOOL_KEYS:
            new[k] = _parse_bool(k, v)
        elif k == 'dump_period':
            try:
                new[k] = float(v)
            except (TypeError, ValueError):
                raise MXNetError('Invalid Parameter format for dump_period expect float but '
                                 'value=%r' % (v,)) from None
        elif k == 'filename':
            new[k] = os.fspath(v) if not isinstance(v, str) else v
        else:
            new[k] = v
    with _P.lock:
        _P.config.update(new)
        with _P.slock:
            if not _P.config['aggregate_stats']:
                _P.stats = None
            elif _P.stats is None:
                _P.stats = {}
        if _P.running:
            _update_hook()
            _update_dumper()


def profiler_set_config(mode='symbolic', filename='profile.json'):
    """Set up the configure of profiler (Deprecated); ``mode``: 'symbolic' or 'all'."""
    warnings.warn('profiler.profiler_set_config() is deprecated. '
                  'Please use profiler.set_config() instead')
    set_config(**{'profile_' + mode: True, 'filename': filename})


def set_state(state='stop', profile_process='worker'):
    """Set up the profiler state to 'run' or 'stop'."""
    if state not in ('run', 'stop'):
        raise MXNetError("profiler state must be 'run' or 'stop', got %r" % (state,))
    _check_process(profile_process)
    with _P.lock:
        if state == 'run' and not _P.running:
            _P.running, _P.paused = True, False
        elif state == 'stop' and _P.running:
            _P.running = _P.paused = False
        else:
            return
        _update_hook()
        _update_dumper()


def profiler_set_state(state='stop'):
    """Set up the profiler state to 'run' or 'stop' (Deprecated)."""
    warnings.warn('profiler.profiler_set_state() is deprecated. '
                  'Please use profiler.set_state() instead')
    set_state(state)


def pause(profile_process='worker'):
    """Pause profiling: nothing is recorded until :func:`resume`."""
    _check_process(profile_process)
    with _P.lock:
        if _P.running and not _P.paused:
            _P.paused = True
            _update_hook()


def resume(profile_process='worker'):
    """Resume profiling after :func:`pause`."""
    _check_process(profile_process)
    with _P.lock:
        if _P.running and _P.paused:
            _P.paused = False
            _update_hook()


# -- the trace file ----------------------------------------------------------------------------
_HEAD = '{\n    "traceEvents": [\n'
_TAIL = '\n    ],\n    "displayTimeUnit": "ms"\n}\n'


def _json_str(s):
    return json.dumps(s, ensure_ascii=False)


class _TraceFile:
    """One session's Chrome trace file: events are appended before the closing ``]}``,
    which is rewritten after them, so the file is complete JSON after every dump."""

    def __init__(self, fname):
        self.fname = fname
        self.end = None     # offset of the closing text; None: not written yet
        self.n = 0          # events written
        self.pids = {}      # category -> pid of its lane (process_name metadata written)

    def _pid(self, cat, out):
        pid = self.pids.get(cat)
        if pid is None:
            pid = self.pids[cat] = len(self.pids)
            out.append('{"ph": "M", "args": {"name": %s}, "pid": %d, "name": "process_name"}'
                       % (_json_str(cat), pid))
        return pid

    def events(self, records):
        out = []
        pid_of = self._pid
        for r in records:
            if type(r) is tuple:    # an operator: (cat, name, start_us, end_us, tid)
                cat, name, t0, t1, tid = r
                pid = pid_of(cat, out)
                head = '{"name": %s, "cat": %s, "ph": ' % (_json_str(name), _json_str(cat))
                out.append('%s"B", "ts": %d, "pid": %d, "tid": %d}' % (head, t0, pid, tid))
                out.append('%s"E", "ts": %d, "pid": %d, "tid": %d}' % (head, t1, pid, tid))
            else:
                e = dict(r)
                e['pid'] = pid_of(e['cat'], out)
                out.append(json.dumps(e, ensure_ascii=False))
        return out

    def write(self, records):
        lines = self.events(records)
        mode = 'r+'
        if self.end is None or not os.path.isfile(self.fname) \
                or os.path.getsize(self.fname) < self.end:
            if self.end is not None:     # the file went away: start it again
                self.n = 0
                self.pids = {}
                lines = self.events(records)
            mode = 'w'
        with open(self.fname, mode, encoding='utf-8') as f:
            if mode == 'w':
                f.write(_HEAD)
            else:
                f.seek(self.end)
            if lines:
                body = ',\n'.join('        ' + s for s in lines)
                f.write((',\n' if self.n else '') + body)
                self.n += len(lines)
            self.end = f.tell()
            f.write(_TAIL)
            f.truncate()


def _take_records():
    with _P.slock:
        recs, _P.records = _P.records, []
    return recs


def dump(finished=True, profile_process='worker'):
    """Dump profile and stop profiler. Use this to save profile in advance in case your
    program cannot exit normally.

    Writes what was recorded since the session began to the configured file, as a Chrome
    trace. ``finished=True`` (the default) ends the session: profiling stops, and the next
    dump starts a new file."""
    _check_process(profile_process)
    with _P.lock:
        fname = _P.config['filename']
        tf = _P.trace
        if tf is None or tf.fname != fname:
            tf = _P.trace = _TraceFile(fname)
        tf.write(_take_records())
        if finished:
            _P.trace = None
            if _P.running:
                _P.running = _P.paused = False
                _update_hook()
                _update_dumper()


def dump_profile():
    """Dump profile and stop profiler (Deprecated)."""
    warnings.warn('profiler.dump_profile() is deprecated. '
                  'Please use profiler.dump() instead')
    dump(True)


def _dumper(stop, period):
    while not stop.wait(period):
        with _P.lock:
            if stop.is_set() or not _P.running:
                return
            try:
                dump(False)
            except OSError:   # the directory went away; MXNet's dump thread went on too
                pass


def _update_dumper():
    """Run the continuous dump thread while running with ``continuous_dump``."""
    want = _P.running and _P.config['continuous_dump']
    if _P.dumper is not None and (not want or _P.dumper[1] != _P.config['dump_period']):
        _P.dumper[0].set()
        _P.dumper = None
    if want and _P.dumper is None:
        stop = threading.Event()
        period = max(_P.config['dump_period'], 0.001)
        _P.dumper = (stop, _P.config['dump_period'])
        threading.Thread(target=_dumper, args=(stop, period), name='remx-profiler-dump',
                         daemon=True).start()


# -- aggregate statistics ----------------------------------------------------------------------
def _f32(x):
    """``x`` as the float32 MXNet prints."""
    return struct.unpack('f', struct.pack('f', x))[0]


def _avg(s):
    if s[0] == _COUNTER:
        return float((s[3] - s[4]) // 2)
    return s[2] / s[1] if s[1] else 0.0   # count 0: a marker's entry, never printed


def _columns(s):
    """(count, total, min, max, avg) of one entry in ms, as MXNet prints them."""
    return (s[1], _f32(s[2] / 1000.0), _f32(s[4] / 1000.0), _f32(s[3] / 1000.0),
            _f32(_avg(s) / 1000.0))


_SORT_KEYS = {'total': lambda s: float(s[2]), 'avg': _avg, 'min': lambda s: float(s[4]),
              'max': lambda s: float(s[3]), 'count': lambda s: float(s[1])}


def _sorted(by_name, sort_by, ascending):
    """The entries to print, in MXNet's order: a max-heap of (value, name), with the value
    negated for ascending order (ties: the name, descending, either way)."""
    key = _SORT_KEYS[sort_by]
    sign = -1.0 if ascending else 1.0
    order = sorted(by_name.items(), key=lambda kv: (sign * key(kv[1]), kv[0]), reverse=True)
    return [(n, s) for n, s in order if s[0] in (_DURATION, _COUNTER)]


def _g(x):
    return '%.4g' % x


def _json(stats, sort_by, ascending):
    time_parts = []
    for cat in sorted(stats):
        entries = []
        for name, s in _sorted(stats[cat], sort_by, ascending):
            cnt, tot, mn, mx_, avg = _columns(s)
            entries.append('            %s: {\n'
                           '                "Count": %d,\n'
                           '                "Total": %s,\n'
                           '                "Min": %s,\n'
                           '                "Max": %s,\n'
                           '                "Avg": %s\n'
                           '            }\n' % (_json_str(name), cnt, _g(tot), _g(mn), _g(mx_),
                                                _g(avg)))
        time_parts.append('        %s: {\n%s        }\n'
                          % (_json_str(cat), '            ,\n'.join(entries)))
    return ('{\n    "Time": {\n' + '        ,\n'.join(time_parts) + '    }\n    ,\n'
            '    "Memory": {\n    }\n,\n'
            '    "Unit": {\n        "Time": "ms",\n        "Memory": "kB"\n    }\n}\n')


def _table(stats, sort_by, ascending):
    out = ['\nProfile Statistics:\n\tNote the difference in units for different entries.\n']
    for cat in sorted(stats):
        out.append('%s\n=================\n' % cat)
        out.append('%-25s%16s %16s %16s %16s %16s\n' % ('Name', 'Total Count', 'Time (ms)',
                                                       'Min Time (ms)', 'Max Time (ms)',
                                                       'Avg Time (ms)'))
        out.append('%-25s%16s %16s %16s %16s %16s\n' % ('----', '-----------', '---------',
                                                       '-------------', '-------------',
                                                       '-------------'))
        for name, s in _sorted(stats[cat], sort_by, ascending):
            cnt, tot, mn, mx_, avg = _columns(s)
            out.append('%-25s%16d %16.4f %16.4f %16.4f %16.4f\n' % (name, cnt, tot, mn, mx_,
                                                                   avg))
        out.append('\n')
    return ''.join(out)


_FORMATS = ('table', 'json')
_SORT_BY = ('total', 'avg', 'min', 'max', 'count')


def dumps(reset=False, format='table', sort_by='total', ascending=False):  # pylint: disable=redefined-builtin
    """Return a printable string of aggregate profile stats.

    Parameters
    ----------
    reset: boolean
        indicates whether to clean aggeregate statistical data collected up to this point
    format: string
        whether to return the aggregate stats in table of json format
        can take 'table' or 'json'
        defaults to 'table'
    sort_by: string
        can take 'total', 'avg', 'min', 'max', or 'count'
        by which stat to sort the entries in each category
        defaults to 'total'
    ascending: boolean
        whether to sort ascendingly
        defaults to False

    Needs ``set_config(aggregate_stats=True)``; without it the string is empty, as in MXNet.
    """
    if format not in _FORMATS:
        raise AssertionError("Invalid value provided for format: {0}. Support: 'table', "
                             "'json'".format(format))
    if sort_by not in _SORT_BY:
        raise AssertionError("Invalid value provided for sort_by: {0}. Support: 'total', "
                             "'avg', 'min', 'max', 'count'".format(sort_by))
    if ascending not in (False, True):
        raise AssertionError('Invalid value provided for ascending: {0}. Support: False, '
                             'True'.format(ascending))
    if reset not in (False, True):
        raise AssertionError('Invalid value provided for reset: {0}. Support: False, '
                             'True'.format(reset))
    with _P.slock:
        stats = _P.stats
        if stats is None:
            return ''
        snap = {cat: {n: list(s) for n, s in by_name.items()} for cat, by_name in stats.items()}
        if reset:
            stats.clear()
    return (_json if format == 'json' else _table)(snap, sort_by, bool(ascending))


def set_kvstore_handle(handle):
    """MXNet passed its kvstore's C handle here to profile a server; remx has no server."""
    raise MXNetError('profiling a kvstore server needs a distributed kvstore (dist_*), which '
                     'remx does not implement yet')


# -- the user's objects ------------------------------------------------------------------------
class Domain:
    """Profiling domain, used to group sub-objects like tasks, counters, etc into categories.
    Serves as part of 'categories' for chrome://tracing."""

    def __init__(self, name):
        self.name = name

    def __str__(self):
        return self.name

    def new_task(self, name):
        """Create new Task object owned by this domain."""
        return Task(self, name)

    def new_frame(self, name):
        """Create new Frame object owned by this domain."""
        return Frame(self, name)

    def new_counter(self, name, value=None):
        """Create new Counter object owned by this domain."""
        return Counter(self, name, value)

    def new_marker(self, name):
        """Create new Marker object owned by this domain."""
        return Marker(self, name)


class _Span:
    """A duration (MXNet's ProfileDuration): ``start()``/``stop()``, recorded at ``stop()``
    while the profiler runs; ``_phases`` are the trace's begin/end phases."""
    _phases = ('B', 'E')

    def __init__(self, name, category):
        self.name = name
        self._cat = category
        self._start = None

    def start(self):
        """Start timing the scope."""
        self._start = _now_us()

    def stop(self):
        """Stop timing the scope (recorded if the profiler runs)."""
        t1 = _now_us()
        t0 = self._start
        if t0 is None:
            raise MXNetError('%s %r stopped without being started'
                             % (type(self).__name__, self.name))
        self._start = None
        if not _P.recording:
            return
        tid = threading.get_ident()
        b, e = self._phases
        recs = [{'name': self.name, 'cat': self._cat, 'ph': b, 'ts': t0, 'tid': tid},
                {'name': self.name, 'cat': self._cat, 'ph': e, 'ts': t1, 'tid': tid}]
        if b == 'b':    # async events carry an id
            for r in recs:
                r['id'] = tid
        with _P.slock:
            _P.records.extend(recs)
            if _P.stats is not None:
                _save(_P.stats, self._cat, self.name, _DURATION, t1 - t0)

    def __str__(self):
        return self.name


class Task(_Span):
    """A task is a logical unit of work performed by a particular thread (``start()``/
    ``stop()``); all passes through it are aggregated under its Domain's name."""
    _phases = ('b', 'e')

    def __init__(self, domain, name):
        super().__init__(name, str(domain))
        self.domain = domain


class Frame(_Span):
    """A frame: the time between its begin and end points, e.g. one training iteration
    (``start()``/``stop()``); aggregated under '<domain>,frame'."""
    _phases = ('(', ')')

    def __init__(self, domain, name):
        super().__init__(name, '%s,frame' % (domain,))
        self.domain = domain


class Event(_Span):
    """An event marks how long a demarcated region of code takes (``start()``/``stop()``);
    aggregated under 'event'."""

    def __init__(self, name):
        super().__init__(name, 'event')


def _c_int(v):
    """``int(v)`` as ctypes passes it to a C ``int`` (MXNet's counter API): 32-bit, wrapped."""
    return ((int(v) + (1 << 31)) & 0xffffffff) - (1 << 31)


class Counter:
    """The counter event can track a value as it changes over time; each change is traced,
    and aggregated under the Domain's name (Total: the last value).

    As in MXNet, the value is an unsigned 64-bit integer set and adjusted by 32-bit signed
    amounts (a counter decremented below 0 wraps around)."""

    def __init__(self, domain, name, value=None):
        self.domain = domain
        self.name = name
        self.value = 0
        if value is not None:
            self.set_value(value)

    def _record(self):
        if not _P.recording:
            return
        cat = str(self.domain)
        _P.add(cat, self.name, _COUNTER, self.value,
               {'name': self.name, 'cat': cat, 'ph': 'C', 'ts': _now_us(),
                'args': {self.name: self.value}, 'tid': threading.get_ident()})

    def set_value(self, value):
        """Set counter value."""
        self.value = _c_int(value) & _U64
        self._record()

    def increment(self, delta=1):
        """Increment counter value."""
        self.value = (self.value + _c_int(delta)) & _U64
        self._record()

    def decrement(self, delta=1):
        """Decrement counter value."""
        self.value = (self.value + _c_int(-int(delta))) & _U64
        self._record()

    def __iadd__(self, delta):
        self.increment(delta)
        return self

    def __isub__(self, delta):
        self.decrement(delta)
        return self

    def __str__(self):
        return self.name


_SCOPES = {'global': 'g', 'process': 'p', 'thread': 't', 'task': 'p', 'marker': 'p'}


class Marker:
    """The marker event marks a particular instant in time across some scope boundaries
    (``mark(scope)``, scope one of global/process/thread/task/marker)."""

    def __init__(self, domain, name):
        self.name = name
        self.domain = domain

    def mark(self, scope='process'):
        """Mark the instant (recorded if the profiler runs)."""
        if scope not in _SCOPES:
            raise MXNetError('Marker scope must be one of %s, got %r'
                             % (', '.join(_SCOPES), scope))
        if not _P.recording:
            return
        cat = '%s,instant_marker' % (self.domain,)
        _P.add(cat, self.name, _OTHER, 0,
               {'name': self.name, 'cat': cat, 'ph': 'n', 'ts': _now_us(),
                's': _SCOPES[scope], 'tid': threading.get_ident()})
