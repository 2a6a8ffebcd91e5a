"""Fuzzing every loader with mutated inputs (seeded, so a failure reproduces).

Each loader gets thousands of mutations of valid files (bit flips, truncations, byte insertions,
overwrites of size fields with extreme values, chunk moves; for JSON also field-level
mutations), run in-process in batches. For every case:

* the only exception allowed is MXNetError;
* it must finish within a time bound (a SIGALRM watchdog interrupts a hang, counted as one);
* what Python and numpy allocate while loading (traced by tracemalloc) must stay within what
  the input justifies: a claimed huge size must be refused before anything is allocated.

Run with ``-s`` to see the counts per loader (cases, non-MXNetError exceptions, hangs, oversize
allocations). ``REMX_FUZZ_SCALE`` multiplies the number of cases (default 1).
"""
import json
import os
import random
import signal
import struct
import time
import tracemalloc
import warnings

import numpy as np
import pytest

import mxnet as mx
from mxnet.base import MXNetError

SCALE = float(os.environ.get('REMX_FUZZ_SCALE', '1'))
CASE_TIMEOUT = 5.0      # wall-clock seconds after which a case is interrupted as a hang
SLOW_CASE = 0.5         # CPU seconds: a case slower than this counts as a hang too
MB = 1 << 20

_INTERESTING = [0, 1, 2, 3, 4, 7, 8, 16, 31, 32, 33, 64, 127, 128, 255, 256, 1023, 4096,
                0x7fff, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff, 1 << 32, 1 << 40,
                (1 << 62), (1 << 63) - 1, 1 << 63, (1 << 64) - 1]


# -- mutators ------------------------------------------------------------------------------------
def _bitflip(rng, b):
    b = bytearray(b)
    if not b:
        return bytes(b)
    for _ in range(rng.choice((1, 1, 2, 3, 8))):
        i = rng.randrange(len(b))
        b[i] ^= 1 << rng.randrange(8)
    return bytes(b)


def _truncate(rng, b):
    return b[:rng.randrange(len(b) + 1)] if b else b


def _insert(rng, b):
    i = rng.randrange(len(b) + 1)
    return b[:i] + bytes(rng.randrange(256) for _ in range(rng.choice((1, 2, 4, 8, 16)))) + b[i:]


def _delete(rng, b):
    if not b:
        return b
    i = rng.randrange(len(b))
    return b[:i] + b[i + rng.choice((1, 2, 4, 8, 16)):]


def _overwrite_int(rng, b):
    """Overwrite 4 or 8 bytes (often aligned: size fields) with an extreme integer."""
    if len(b) < 8:
        return _bitflip(rng, b)
    width = rng.choice((4, 8))
    i = rng.randrange(len(b) - width + 1)
    if rng.random() < 0.7:
        i -= i % 4
    v = rng.choice(_INTERESTING)
    if rng.random() < 0.2:
        v = -v
    v &= (1 << (8 * width)) - 1
    return b[:i] + v.to_bytes(width, 'little' if rng.random() < 0.8 else 'big') + b[i + width:]


def _overwrite_byte(rng, b):
    if not b:
        return b
    b = bytearray(b)
    b[rng.randrange(len(b))] = rng.choice((0, 1, 0x7f, 0x80, 0xff, rng.randrange(256)))
    return bytes(b)


def _chunk(rng, b):
    """Duplicate, move or drop a chunk."""
    if len(b) < 4:
        return _insert(rng, b)
    i = rng.randrange(len(b))
    j = min(len(b), i + rng.randrange(1, 64))
    c = b[i:j]
    k = rng.randrange(len(b) + 1)
    mode = rng.randrange(3)
    if mode == 0:
        return b[:k] + c + b[k:]
    if mode == 1:
        rest = b[:i] + b[j:]
        k = min(k, len(rest))
        return rest[:k] + c + rest[k:]
    return b[:i] + b[j:]


BYTE_MUTATORS = (_bitflip, _bitflip, _truncate, _insert, _delete, _overwrite_int,
                 _overwrite_int, _overwrite_byte, _chunk)


def mutate_bytes(rng, b):
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        b = rng.choice(BYTE_MUTATORS)(rng, b)
    return b


def _random_json_value(rng, depth=0):
    r = rng.randrange(16)
    if r == 0:
        return None
    if r == 1:
        return rng.choice((True, False))
    if r == 2:
        return rng.choice(_INTERESTING) * rng.choice((1, -1))
    if r == 3:
        return rng.choice((0.5, -1.5, 1e308, -0.0, 3.0))
    if r == 4:
        return rng.choice(('', 'null', '0', '-1', '(2,3)', '(1e9, 1e9)', '(-1,)', 'nan',
                           'inf', '[' * 50, 'None', 'float32', 'x' * 300, '\u00e9\u4e2d',
                           '(' + '1,' * 40 + ')', '99999999999999999999', 'True'))
    if r == 5:
        return [] if depth > 2 else [_random_json_value(rng, depth + 1)
                                     for _ in range(rng.randrange(4))]
    if r == 6:
        return {} if depth > 2 else {'k%d' % i: _random_json_value(rng, depth + 1)
                                     for i in range(rng.randrange(3))}
    if r == 7:
        return [rng.choice(_INTERESTING) * rng.choice((1, -1))
                for _ in range(rng.choice((1, 2, 3, 4)))]
    if r == 8:
        d = rng.choice((10, 500, 5000))
        return json.loads('[' * d + ']' * d) if d < 900 else '[' * d   # deep (or its text)
    return rng.randrange(-3, 12)


def _paths(v, path=()):
    yield path
    if isinstance(v, dict):
        for k, x in v.items():
            yield from _paths(x, path + (k,))
    elif isinstance(v, list):
        for i, x in enumerate(v):
            yield from _paths(x, path + (i,))


def mutate_json_doc(rng, doc):
    """One field-level mutation of a parsed JSON document (a deep copy is changed)."""
    doc = json.loads(json.dumps(doc))
    paths = list(_paths(doc))
    path = rng.choice(paths[1:] or paths)
    if not path:
        return _random_json_value(rng)
    parent = doc
    for p in path[:-1]:
        parent = parent[p]
    key = path[-1]
    op = rng.randrange(8)
    if op <= 2:
        parent[key] = _random_json_value(rng)
    elif op == 3:   # delete
        del parent[key]
    elif op == 4 and isinstance(parent[key], int) and not isinstance(parent[key], bool):
        parent[key] = parent[key] + rng.choice((-2, -1, 1, 2, 100, 1 << 31, -(1 << 31)))
    elif op == 5 and isinstance(parent, list):  # duplicate an element
        parent.insert(rng.randrange(len(parent) + 1), parent[key])
    elif op == 6 and isinstance(parent, dict):  # add a field
        parent[rng.choice(('inputs', 'attrs', 'attr', 'param', 'op', 'name', 'heads',
                           'extra', '__shape__'))] = _random_json_value(rng)
    else:           # wrap in a list / string
        parent[key] = rng.choice(([parent[key]], str(parent[key]), {'v': parent[key]}))
    return doc


def mutate_json_text(rng, text, doc):
    r = rng.random()
    if r < 0.6:
        out = mutate_json_doc(rng, doc)
        if rng.random() < 0.3:
            out = mutate_json_doc(rng, out) if isinstance(out, (dict, list)) else out
        try:
            return json.dumps(out)
        except (ValueError, RecursionError):
            return text
    if r < 0.65:  # deep nesting inside a field
        d = rng.choice((1000, 100000))
        return text.replace('"inputs": []', '"inputs": ' + '[' * d + ']' * d, 1)
    raw = mutate_bytes(rng, text.encode('utf-8'))
    return raw.decode('utf-8', errors=rng.choice(('replace', 'ignore', 'surrogateescape')))


# -- the harness ---------------------------------------------------------------------------------
class _Hang(BaseException):
    pass


def _alarm(signum, frame):
    raise _Hang()


def _allocator_refused(e):
    """Whether MXNetError e was converted from an allocation the OS refused (MemoryError, torch's
    "can't allocate memory"): the loader asked for memory the input did not justify."""
    seen = 0
    e = e.__context__ or e.__cause__
    while e is not None and seen < 20:
        if isinstance(e, MemoryError) or "can't allocate memory" in str(e):
            return True
        e, seen = e.__context__ or e.__cause__, seen + 1
    return False


def fuzz(name, seed, n_cases, make_input, load, alloc_limit, budget_s, valid=()):
    """Run ``load(make_input(rng))`` n_cases times; return and print the counts.

    ``alloc_limit(input)`` is the most bytes Python/numpy may allocate for that input;
    ``budget_s`` bounds the CPU time of the whole run.
    ``valid`` inputs must load; they also warm up lazy imports before the clock starts."""
    for v in valid:
        load(v)
    n_cases = max(1, int(n_cases * SCALE))
    rng = random.Random(seed)
    counts = {'cases': 0, 'mxnet_errors': 0, 'ok': 0, 'other_exceptions': 0, 'hangs': 0,
              'oversize_allocations': 0}
    failures = []
    old = signal.signal(signal.SIGALRM, _alarm)
    tracemalloc.start()
    t_start, cpu_start = time.perf_counter(), time.process_time()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter('ignore')
            for i in range(n_cases):
                data = make_input(rng)
                counts['cases'] += 1
                tracemalloc.reset_peak()
                base = tracemalloc.get_traced_memory()[0]
                t0 = time.process_time()
                signal.setitimer(signal.ITIMER_REAL, CASE_TIMEOUT)
                try:
                    load(data)
                    counts['ok'] += 1
                except MXNetError as e:
                    counts['mxnet_errors'] += 1
                    if _allocator_refused(e):  # it tried to allocate, and only the OS said no
                        counts['oversize_allocations'] += 1
                        failures.append((i, 'an allocation failed: %s' % str(e)[:200], data))
                except _Hang:
                    counts['hangs'] += 1
                    failures.append((i, 'hang (> %.1f s)' % CASE_TIMEOUT, data))
                except Exception as e:  # noqa: BLE001 - what the test counts
                    counts['other_exceptions'] += 1
                    failures.append((i, '%s: %s' % (type(e).__name__, str(e)[:200]), data))
                finally:
                    signal.setitimer(signal.ITIMER_REAL, 0)
                dt = time.process_time() - t0
                if dt > SLOW_CASE:
                    counts['hangs'] += 1
                    failures.append((i, 'slow case: %.2f s of CPU' % dt, data))
                peak = tracemalloc.get_traced_memory()[1] - base
                limit = alloc_limit(data)
                if peak > limit:
                    counts['oversize_allocations'] += 1
                    failures.append((i, 'allocated %d bytes (limit %d)' % (peak, limit), data))
    finally:
        tracemalloc.stop()
        signal.signal(signal.SIGALRM, old)
    elapsed, cpu = time.perf_counter() - t_start, time.process_time() - cpu_start
    print('\nFUZZ %-22s cases=%d non-MXNetError=%d hangs=%d oversize=%d (MXNetError=%d ok=%d) '
          'seed=%d %.1fs (cpu %.1fs)'
          % (name, counts['cases'], counts['other_exceptions'], counts['hangs'],
             counts['oversize_allocations'], counts['mxnet_errors'], counts['ok'], seed,
             elapsed, cpu))
    for i, why, data in failures[:5]:
        print('   case %d: %s; input %r' % (i, why, _show(data)))
    assert not failures, '%s: %d failing cases, first: case %d: %s' % (
        name, len(failures), failures[0][0], failures[0][1])
    # the time bound is on CPU time: other processes on the machine do not make it flaky
    assert cpu < budget_s * max(SCALE, 1), '%s took %.1f s of CPU (budget %d s)' % (
        name, cpu, budget_s)
    return counts


def _show(data):
    if isinstance(data, (bytes, str)):
        return data[:120]
    if isinstance(data, tuple):
        return tuple(_show(d) for d in data)
    return data


def _size(data):
    if isinstance(data, (bytes, str)):
        return len(data)
    if isinstance(data, tuple):
        return sum(_size(d) for d in data)
    return 0


def linear_limit(factor, slack=4 * MB):
    return lambda data: factor * _size(data) + slack


# -- nd.load / nd.load_frombuffer ----------------------------------------------------------------
def _nd_seeds():
    rs = np.random.RandomState(0)
    arrays = {
        'w': mx.nd.array(rs.rand(3, 4)),
        'h': mx.nd.array(rs.rand(5), dtype='float16'),
        'u': mx.nd.array(rs.randint(0, 255, (2, 2, 2)), dtype='uint8'),
        'i': mx.nd.array(rs.randint(-9, 9, (6,)), dtype='int64'),
        'b': mx.nd.array([1, 0, 1], dtype='bool'),
        'z': mx.nd.array(np.zeros((0, 3), np.float32)),
    }
    out = []
    for data in (arrays, list(arrays.values()), [arrays['w']], {}, []):
        f = os.path.join(_TMP, 'seed.nd')
        mx.nd.save(f, data)
        with open(f, 'rb') as fh:
            out.append(fh.read())
    # pre-V1 layout (uint32 ndim, uint32 dims) and V1 (no storage type)
    pre = struct.pack('<QQQ', 0x112, 0, 1) + struct.pack('<III', 2, 2, 2) + \
        struct.pack('<iii', 1, 0, 0) + np.arange(4, dtype='<f4').tobytes() + struct.pack('<Q', 0)
    v1 = struct.pack('<QQQ', 0x112, 0, 1) + struct.pack('<Ii', 0xF993FAC8, 1) + \
        struct.pack('<q', 3) + struct.pack('<iii', 1, 0, 6) + \
        np.arange(3, dtype='<i8').tobytes() + struct.pack('<Q', 1) + struct.pack('<Q', 1) + b'x'
    return out + [pre, v1]


def _put(path, data):
    """Write data to path, rewriting in place: opening with truncation makes ext4 flush the
    file (auto_da_alloc), ~5 ms a write, which would dominate the run time."""
    if isinstance(data, str):
        data = data.encode('utf-8', 'surrogateescape')
    fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o644)
    try:
        os.write(fd, data)
        os.ftruncate(fd, len(data))
    finally:
        os.close(fd)


_TMP = None


@pytest.fixture(scope='module', autouse=True)
def _tmpdir(tmp_path_factory):
    global _TMP
    _TMP = str(tmp_path_factory.mktemp('fuzz'))
    yield


def _nd_loader(data):
    res = mx.nd.load_frombuffer(data)
    items = res.values() if isinstance(res, dict) else res
    for a in items:  # whatever loads must be a usable array
        a.asnumpy()
        assert isinstance(a.shape, tuple)


def _mutate_nd_shape(rng, b):
    """Overwrite one dimension of one V2 array header with an extreme value (0 included): zero
    size arrays with huge other dims, counts whose byte size overflows, ..."""
    starts = []
    i = b.find(b'\xc9\xfa\x93\xf9')
    while i != -1:
        starts.append(i)
        i = b.find(b'\xc9\xfa\x93\xf9', i + 1)
    if not starts:
        return _overwrite_int(rng, b)
    i = rng.choice(starts)
    ndim = struct.unpack('<i', b[i + 8:i + 12])[0] if len(b) >= i + 12 else 0
    if not 0 < ndim <= 32:
        return _overwrite_int(rng, b)
    j = i + 12 + 8 * rng.randrange(ndim)
    v = rng.choice(_INTERESTING + [0, 0, 0]) * rng.choice((1, 1, 1, -1))
    return b[:j] + struct.pack('<q', max(min(v, (1 << 63) - 1), -(1 << 63))) + b[j + 8:]


def test_fuzz_nd_load():
    seeds = _nd_seeds()
    path = os.path.join(_TMP, 'f.nd')

    def make(rng):
        b = rng.choice(seeds)
        if rng.random() < 0.25:
            b = _mutate_nd_shape(rng, b)
            return _mutate_nd_shape(rng, b) if rng.random() < 0.3 else b
        return mutate_bytes(rng, b)

    fuzz('nd.load_frombuffer', 1, 4000, make, _nd_loader, linear_limit(8), 10)

    def load_file(data):  # the file path too (a handful: it is the same reader)
        _put(path, data)
        mx.nd.load(path)
    fuzz('nd.load', 2, 400, make, load_file, linear_limit(8), 5)


# -- mx.sym.load_json / mx.sym.load ------------------------------------------------------------
def _sym_seeds():
    x = mx.sym.var('data')
    fc = mx.sym.FullyConnected(x, num_hidden=8, name='fc1')
    act = mx.sym.Activation(fc, act_type='relu', name='relu1')
    mlp = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(act, num_hidden=3, name='fc2'),
                               name='softmax')
    conv = mx.sym.Convolution(x, kernel=(3, 3), num_filter=4, pad=(1, 1), name='conv')
    bn = mx.sym.BatchNorm(conv, name='bn')
    pool = mx.sym.Pooling(bn, kernel=(2, 2), stride=(2, 2), pool_type='max', name='pool')
    parts = mx.sym.SliceChannel(x, num_outputs=3, axis=1, name='split')
    cat = mx.sym.concat(parts[0], parts[2], dim=1, name='cat')
    grp = mx.sym.Group([pool, cat, mx.sym.sum(parts[1], axis=1)])
    texts = [mlp.tojson(), grp.tojson()]
    # an older layout: "attr" / "param" fields, no version
    old = json.loads(mlp.tojson())
    for n in old['nodes']:
        if 'attrs' in n:
            n['param' if n['op'] != 'null' else 'attr'] = n.pop('attrs')
    old.pop('attrs', None)
    texts.append(json.dumps(old))
    return [(t, json.loads(t)) for t in texts]


def _sym_check(s):
    s.list_arguments()
    s.list_outputs()
    s.list_auxiliary_states()
    s.tojson()


def test_fuzz_symbol_json():
    seeds = _sym_seeds()

    def make(rng):
        text, doc = rng.choice(seeds)
        return mutate_json_text(rng, text, doc)

    def load(text):
        _sym_check(mx.sym.load_json(text))

    fuzz('sym.load_json', 3, 3000, make, load, linear_limit(64, 8 * MB), 15)

    path = os.path.join(_TMP, 'f-symbol.json')

    def load_file(text):
        _put(path, text)
        _sym_check(mx.sym.load(path))
    fuzz('sym.load', 4, 300, make, load_file, linear_limit(64, 8 * MB), 5)


# -- gluon .params -------------------------------------------------------------------------------
def _small_net():
    mx.random.seed(0)   # the seed files, hence the mutated cases, are the same every run
    np.random.seed(0)
    net = mx.gluon.nn.HybridSequential(prefix='net_')
    with net.name_scope():
        net.add(mx.gluon.nn.Dense(4, in_units=3))
        net.add(mx.gluon.nn.BatchNorm(in_channels=4))
        net.add(mx.gluon.nn.Dense(2, in_units=4))
    net.initialize()
    return net


def test_fuzz_gluon_params():
    net = _small_net()
    f = os.path.join(_TMP, 'seed.params')
    net.save_parameters(f)
    with open(f, 'rb') as fh:
        seed_params = fh.read()
    net.collect_params().save(f)
    with open(f, 'rb') as fh:
        seed_pdict = fh.read()
    path = os.path.join(_TMP, 'f.params')
    before = {k: v.data().asnumpy().copy() for k, v in net.collect_params().items()}

    def make(rng):
        which = rng.randrange(2)
        return (b'P' if which == 0 else b'D') + mutate_bytes(rng, (seed_params, seed_pdict)[which])

    def load(data):
        _put(path, data[1:])
        try:
            if data[:1] == b'P':
                net.load_parameters(path)
            else:
                net.collect_params().load(path)
        except MXNetError:
            # a failed load changes nothing
            for k, v in net.collect_params().items():
                assert v.data().shape == before[k].shape, k
            raise
        for k, v in net.collect_params().items():  # a load that passed gives usable params
            v.data().asnumpy()
        for k, v in net.collect_params().items():
            v.set_data(mx.nd.array(before[k]))

    fuzz('gluon .params', 5, 2000, make, load, linear_limit(8), 15,
         valid=[b'P' + seed_params, b'D' + seed_pdict])


# -- optimizer .states ---------------------------------------------------------------------------
def test_fuzz_optimizer_states():
    net = _small_net()
    trainer = mx.gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.1},
                               kvstore=None)
    with mx.autograd.record():
        loss = net(mx.nd.ones((2, 3))).sum()
    loss.backward()
    trainer.step(2)
    f = os.path.join(_TMP, 'seed.states')
    trainer.save_states(f)
    with open(f, 'rb') as fh:
        seeds = [fh.read()]
    seeds.append(trainer._updaters[0].get_states(dump_optimizer=False))
    import pickle
    seeds.append(pickle.dumps(trainer._updaters[0].states, protocol=2))
    seeds.append(pickle.dumps(trainer._updaters[0].states, protocol=0))
    updater = mx.optimizer.get_updater(mx.optimizer.create('sgd', momentum=0.9))

    def make(rng):
        return mutate_bytes(rng, rng.choice(seeds))

    def load(data):
        before = updater.states
        try:
            updater.set_states(data)
        except MXNetError:
            assert updater.states is before  # unchanged
            raise

    fuzz('optimizer .states', 6, 4000, make, load, linear_limit(16), 10)

    kv = mx.kv.create('local')
    kv.set_optimizer(mx.optimizer.create('sgd'))
    path = os.path.join(_TMP, 'f.states')

    def load_kv(data):
        _put(path, data)
        kv.load_optimizer_states(path)
    fuzz('kvstore .states', 7, 300, make, load_kv, linear_limit(16), 5)


# -- mx.model.load_checkpoint ----------------------------------------------------------------------
def test_fuzz_load_checkpoint():
    x = mx.sym.var('data')
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(x, num_hidden=3, name='fc'),
                               name='softmax')
    prefix = os.path.join(_TMP, 'ckpt')
    arg = {'fc_weight': mx.nd.ones((3, 4)), 'fc_bias': mx.nd.zeros((3,))}
    mx.model.save_checkpoint(prefix, 1, net, arg, {})
    with open(prefix + '-symbol.json') as fh:
        sym_text = fh.read()
    sym_doc = json.loads(sym_text)
    with open(prefix + '-0001.params', 'rb') as fh:
        params = fh.read()
    target = os.path.join(_TMP, 'fz')

    def make(rng):
        if rng.random() < 0.5:
            return (mutate_json_text(rng, sym_text, sym_doc).encode('utf-8', 'surrogateescape'),
                    params)
        return (sym_text.encode(), mutate_bytes(rng, params))

    def load(data):
        _put(target + '-symbol.json', data[0])
        _put(target + '-0001.params', data[1])
        s, a, b = mx.model.load_checkpoint(target, 1)
        _sym_check(s)

    fuzz('model.load_checkpoint', 8, 2000, make, load, linear_limit(64, 8 * MB), 15)


# -- mx.recordio with .idx -------------------------------------------------------------------------
def _write_rec(idx, rec):
    w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
    magic = struct.pack('<I', 0xced7230a)
    for i, p in enumerate([b'hello', b'', b'abcd' * 3, magic + b'xyz', b'ab' + magic + b'cd']):
        w.write_idx(i, p)
    w.write_idx(7, mx.recordio.pack(mx.recordio.IRHeader(0, 3.5, 7, 0), b'payload'))
    w.write_idx(8, mx.recordio.pack(mx.recordio.IRHeader(0, [1.0, 2.0], 8, 0), b'multi'))
    w.close()


def _mutate_idx(rng, text):
    lines = text.split('\n')
    r = rng.random()
    if r < 0.5:
        i = rng.randrange(len(lines))
        fields = lines[i].split('\t')
        j = rng.randrange(len(fields))
        fields[j] = rng.choice(('-1', '-8', '999999999999', str((1 << 63) - 1), str(1 << 64),
                                '1.5', 'nan', 'inf', '', 'abc', '0x10', '1e3', '\x00', '7',
                                '9' * 5000, '3 4', '\u0663', fields[j] + '1'))
        lines[i] = '\t'.join(fields)
        if rng.random() < 0.2:
            lines.insert(rng.randrange(len(lines) + 1), lines[i])
        return '\n'.join(lines).encode('utf-8')
    if r < 0.6:
        return text.encode('utf-8') + bytes(rng.randrange(256) for _ in range(8))
    return mutate_bytes(rng, text.encode('utf-8'))


def test_fuzz_recordio():
    idx, rec = os.path.join(_TMP, 's.idx'), os.path.join(_TMP, 's.rec')
    _write_rec(idx, rec)
    with open(idx) as fh:
        idx_text = fh.read()
    with open(rec, 'rb') as fh:
        rec_bytes = fh.read()
    fidx, frec = os.path.join(_TMP, 'f.idx'), os.path.join(_TMP, 'f.rec')

    def make(rng):
        r = rng.random()
        if r < 0.45:
            return (_mutate_idx(rng, idx_text), rec_bytes)
        if r < 0.9:
            return (idx_text.encode(), mutate_bytes(rng, rec_bytes))
        return (_mutate_idx(rng, idx_text), mutate_bytes(rng, rec_bytes))

    def load(data):
        _put(fidx, data[0])
        _put(frec, data[1])
        r = mx.recordio.MXIndexedRecordIO(fidx, frec, 'r')
        try:
            for k in r.keys:
                s = r.read_idx(k)
                if s is not None and len(s) >= 24:
                    mx.recordio.unpack(s)
        finally:
            r.close()
        seq = mx.recordio.MXRecordIO(frec, 'r')  # and sequentially
        try:
            while seq.read() is not None:
                pass
        finally:
            seq.close()

    fuzz('recordio + .idx', 9, 3000, make, load, linear_limit(16), 10)


# -- images: mx.image.imdecode, ImageRecordIter --------------------------------------------------
def _image_seeds():
    from mxnet import _imcodec
    rs = np.random.RandomState(1)
    out = []
    for shape in ((8, 8, 3), (5, 7, 3), (6, 6)):
        img = rs.randint(0, 255, shape).astype(np.uint8)
        out.append(_imcodec.encode_bgr(img, 90, '.png'))
        out.append(_imcodec.encode_bgr(img, 90, '.jpg'))
    return out


def _image_limit(data):
    from mxnet import _imcodec
    return 8 * _imcodec._pixel_limit(_size(data)) + 4 * MB


def test_fuzz_imdecode():
    pytest.importorskip('PIL')
    seeds = _image_seeds()

    def make(rng):
        return mutate_bytes(rng, rng.choice(seeds))

    def load(data):
        flag = data[-1] & 1 if data else 1
        img = mx.image.imdecode(data, flag=flag)
        assert img.ndim == 3 and img.shape[2] == (3 if flag else 1)

    fuzz('image.imdecode', 10, 3000, make, load, _image_limit, 15)


def test_fuzz_image_record_iter():
    pytest.importorskip('PIL')
    rec = os.path.join(_TMP, 'img.rec')
    w = mx.recordio.MXRecordIO(rec, 'w')
    from mxnet import _imcodec
    rs = np.random.RandomState(2)
    for i in range(4):
        img = rs.randint(0, 255, (10, 12, 3)).astype(np.uint8)
        w.write(mx.recordio.pack(mx.recordio.IRHeader(0, float(i), i, 0),
                                 _imcodec.encode_bgr(img, 90, '.png' if i % 2 else '.jpg')))
    w.close()
    with open(rec, 'rb') as fh:
        rec_bytes = fh.read()
    frec = os.path.join(_TMP, 'fimg.rec')

    def make(rng):
        return mutate_bytes(rng, rec_bytes)

    def load(data):
        _put(frec, data)
        it = mx.io.ImageRecordIter(path_imgrec=frec, data_shape=(3, 8, 8), batch_size=2)
        for batch in it:
            batch.data[0].asnumpy()

    fuzz('io.ImageRecordIter', 11, 1000, make, load, _image_limit, 15)
