"""gluon.data: datasets, samplers and DataLoader, differentially against MXNet 1.9.1."""
import os
import tempfile
import time

import numpy as np
import pytest

import mxnet as mx
from mxnet import gluon
from mxnet.base import MXNetError
from mxnet.gluon.data.sampler import IntervalSampler

gdata = gluon.data

MAIN_SNIPPET = r'''
from mxnet import gluon
class EveryOther(gluon.data.Sampler):
    def __init__(self, n): self.n = n
    def __iter__(self): return iter(list(range(0, self.n, 2)) + list(range(1, self.n, 2)))
    def __len__(self): return self.n
gdata = gluon.data
rs = np.random.RandomState(0)
X = rs.rand(10, 3).astype('float32')
y = np.arange(10)
ds = gdata.ArrayDataset(X, y)
OUT['len'] = len(ds)
OUT['item1_type'] = [type(v).__name__ for v in ds[1]]
for mode in ['keep', 'discard', 'rollover']:
    dl = gdata.DataLoader(ds, batch_size=4, last_batch=mode)
    OUT['len_' + mode] = len(dl)
    for ep in range(2):
        bs = list(dl)
        OUT['n_%s_%d' % (mode, ep)] = len(bs)
        for i, (a, b) in enumerate(bs):
            OUT['%s_%d_%d_x' % (mode, ep, i)] = a
            OUT['%s_%d_%d_y' % (mode, ep, i)] = b
        OUT['len2_%s_%d' % (mode, ep)] = len(dl)
# nd arrays in dataset
ds2 = gdata.ArrayDataset(nd.array(X), nd.array(y))
OUT['nd_item_types'] = [type(v).__name__ for v in ds2[0]]
for i, (a, b) in enumerate(gdata.DataLoader(ds2, batch_size=3)):
    OUT['nd_%d_x' % i] = a; OUT['nd_%d_y' % i] = b
# python scalars / lists / nested tuples
ds3 = gdata.SimpleDataset([(i, float(i) / 2, (i, [i, i + 1])) for i in range(5)])
b = next(iter(gdata.DataLoader(ds3, batch_size=5)))
OUT['nest_types'] = [type(v).__name__ for v in b]
OUT['nest0'] = b[0]; OUT['nest1'] = b[1]; OUT['nest2a'] = b[2][0]; OUT['nest2b'] = b[2][1]
# numpy dtypes
for dt in ['uint8', 'int32', 'float16', 'float64', 'bool']:
    ds4 = gdata.SimpleDataset([np.ones((2,), dtype=dt) * i for i in range(3)])
    OUT['np_' + dt] = next(iter(gdata.DataLoader(ds4, batch_size=3)))
# transform / transform_first / filter / shard / take / sample
ds5 = gdata.SimpleDataset(list(range(10)))
OUT['t'] = [v for v in ds5.transform(lambda x: x * 2)]
OUT['t_eager'] = [v for v in ds5.transform(lambda x: x * 3, lazy=False)]
OUT['tf'] = [list(v) for v in ds.transform_first(lambda x: x.sum()).take(3)]
OUT['tf_single'] = [v for v in ds5.transform_first(lambda x: x + 1)]
OUT['filter'] = list(ds5.filter(lambda x: x % 3 == 0))
OUT['shard'] = [list(ds5.shard(3, i)) for i in range(3)]
OUT['shard4'] = [list(ds5.shard(4, i)) for i in range(4)]
OUT['take'] = [list(ds5.take(3)), list(ds5.take(None)), list(ds5.take(100))]
OUT['sample'] = list(ds5.sample(EveryOther(10)))
OUT['chain'] = list(ds5.filter(lambda x: x > 2).shard(2, 1).take(2).transform(lambda x: -x))
# samplers
OUT['seq'] = list(gdata.SequentialSampler(5, 3))
OUT['filt'] = list(gdata.FilterSampler(lambda x: x > 1, [0, 1, 2, 3]))
bsamp = gdata.BatchSampler(gdata.SequentialSampler(7), 3, 'rollover')
OUT['roll'] = [list(bsamp), len(bsamp), list(bsamp), len(bsamp), list(bsamp)]
OUT['bs_keep'] = [list(gdata.BatchSampler(gdata.SequentialSampler(7), 3, 'keep'))]
OUT['bs_disc'] = [list(gdata.BatchSampler(gdata.SequentialSampler(7), 3, 'discard'))]
# batch_sampler / sampler / batchify_fn
dl = gdata.DataLoader(ds5, batch_sampler=gdata.BatchSampler(EveryOther(10), 3))
OUT['bsampler'] = [b.asnumpy().tolist() for b in dl]
dl = gdata.DataLoader(ds5, batch_size=4, sampler=EveryOther(10), batchify_fn=lambda d: sum(d))
OUT['batchify'] = [b for b in dl]
# shuffled: sizes and set
dl = gdata.DataLoader(ds5, batch_size=4, shuffle=True)
bs = [b.asnumpy().tolist() for b in dl]
OUT['shuf_sizes'] = [len(b) for b in bs]
OUT['shuf_set'] = sorted(sum(bs, []))
# workers
dl = gdata.DataLoader(ds, batch_size=3, num_workers=2)
for i, (a, b) in enumerate(dl):
    OUT['w_%d_x' % i] = a; OUT['w_%d_y' % i] = b
dl = gdata.DataLoader(ds, batch_size=3, num_workers=2, thread_pool=True, last_batch='discard')
for i, (a, b) in enumerate(dl):
    OUT['tp_%d_x' % i] = a; OUT['tp_%d_y' % i] = b
dl = gdata.DataLoader(ds, batch_size=4, num_workers=2, pin_memory=True, prefetch=0)
OUT['pin'] = [str(b[0].context) for b in dl]
OUT['pin_vals'] = [b[0].asnumpy().tolist() for b in dl]
'''


def test_data_matches_mxnet(compare):
    compare(MAIN_SNIPPET)


def test_interval_sampler_and_errors(reference):
    ref = reference('''
from mxnet.gluon.contrib.data import IntervalSampler
from mxnet import gluon
OUT['roll'] = list(IntervalSampler(7, 3)); OUT['noroll'] = list(IntervalSampler(7, 3, rollover=False))
OUT['lens'] = [len(IntervalSampler(7, 3)), len(IntervalSampler(7, 3, rollover=False))]
OUT['big'] = list(IntervalSampler(3, 3))
errs = {}
def err(name, f):
    try:
        f()
        errs[name] = None
    except Exception as e:
        errs[name] = [c.__name__ for c in type(e).__mro__ if c.__name__ in ('ValueError', 'TypeError', 'AssertionError')]
gd = gluon.data
err('no_bs', lambda: gd.DataLoader([1, 2]))
err('shuffle_sampler', lambda: gd.DataLoader([1, 2], 1, shuffle=True, sampler=gd.SequentialSampler(2)))
err('bsampler_bs', lambda: gd.DataLoader([1, 2], 1, batch_sampler=gd.BatchSampler(gd.SequentialSampler(2), 1)))
err('timeout', lambda: gd.DataLoader([1, 2], 1, timeout=0))
err('shard', lambda: gd.SimpleDataset([1]).shard(2, 2))
err('shard_neg', lambda: gd.SimpleDataset([1]).shard(2, -1))
err('sample', lambda: gd.SimpleDataset([1]).sample([0]))
err('arr_len', lambda: gd.ArrayDataset([1, 2], [1]))
err('arr_none', lambda: gd.ArrayDataset())
err('interval', lambda: IntervalSampler(3, 5))
err('bad_last', lambda: list(gd.BatchSampler(gd.SequentialSampler(3), 2, 'x')))
OUT['errs'] = errs
''')
    assert list(IntervalSampler(7, 3)) == ref['roll']
    assert list(IntervalSampler(7, 3, rollover=False)) == ref['noroll']
    assert [len(IntervalSampler(7, 3)), len(IntervalSampler(7, 3, rollover=False))] == ref['lens']
    assert list(IntervalSampler(3, 3)) == ref['big']
    gd = gdata
    cases = {
        'no_bs': lambda: gd.DataLoader([1, 2]),
        'shuffle_sampler': lambda: gd.DataLoader([1, 2], 1, shuffle=True,
                                                 sampler=gd.SequentialSampler(2)),
        'bsampler_bs': lambda: gd.DataLoader(
            [1, 2], 1, batch_sampler=gd.BatchSampler(gd.SequentialSampler(2), 1)),
        'timeout': lambda: gd.DataLoader([1, 2], 1, timeout=0),
        'shard': lambda: gd.SimpleDataset([1]).shard(2, 2),
        'shard_neg': lambda: gd.SimpleDataset([1]).shard(2, -1),
        'sample': lambda: gd.SimpleDataset([1]).sample([0]),
        'arr_len': lambda: gd.ArrayDataset([1, 2], [1]),
        'arr_none': lambda: gd.ArrayDataset(),
        'interval': lambda: IntervalSampler(3, 5),
        'bad_last': lambda: list(gd.BatchSampler(gd.SequentialSampler(3), 2, 'x')),
    }
    for name, f in cases.items():
        with pytest.raises(MXNetError) as info:
            f()
        kinds = [c.__name__ for c in type(info.value).__mro__
                 if c.__name__ in ('ValueError', 'TypeError', 'AssertionError')]
        assert kinds == ref['errs'][name], name


class _Crash(gdata.Dataset):
    def __len__(self):
        return 8

    def __getitem__(self, i):
        if i == 5:
            os._exit(3)
        return np.full((2,), i, dtype='float32')


class _Raise(gdata.Dataset):
    def __len__(self):
        return 4

    def __getitem__(self, i):
        if i == 3:
            raise KeyError('boom')
        return i


class _Slow(gdata.Dataset):
    def __len__(self):
        return 2

    def __getitem__(self, i):
        time.sleep(3)
        return i


def test_worker_crash_raises_instead_of_hanging():
    t = time.time()
    got = []
    with pytest.raises(MXNetError, match='exited unexpectedly with exit code 3'):
        for b in gdata.DataLoader(_Crash(), batch_size=2, num_workers=2, timeout=30):
            got.append(b.asnumpy()[:, 0].tolist())
    assert time.time() - t < 10
    assert got == [[0, 1], [2, 3]]


def test_worker_exception_propagates():
    with pytest.raises(KeyError, match='boom'):
        for _ in gdata.DataLoader(_Raise(), batch_size=2, num_workers=2):
            pass
    with pytest.raises(KeyError):
        for _ in gdata.DataLoader(_Raise(), batch_size=2, num_workers=2, thread_pool=True):
            pass


def test_worker_timeout():
    import multiprocessing
    t = time.time()
    with pytest.raises(MXNetError, match='timed out') as info:
        list(gdata.DataLoader(_Slow(), batch_size=1, num_workers=1, timeout=1))
    assert isinstance(info.value, multiprocessing.TimeoutError)
    assert time.time() - t < 5


def test_workers_custom_batchify_and_auto_reload():
    ds = gdata.ArrayDataset(np.arange(12, dtype='float32').reshape(6, 2), np.arange(6))
    dl = gdata.DataLoader(ds, batch_size=4, num_workers=2,
                          batchify_fn=lambda s: mx.nd.array([x.sum() for x, _ in s]))
    assert [b.asnumpy().tolist() for b in dl] == [[1, 5, 9, 13], [17, 21]]
    dl = gdata.DataLoader(ds, batch_size=4, num_workers=2, auto_reload=True)
    for _ in range(2):  # two epochs, the second prefetched at the end of the first
        bs = list(dl)
        assert [b[1].asnumpy().tolist() for b in bs] == [[0, 1, 2, 3], [4, 5]]
        assert bs[0][0].dtype == np.float32 and bs[0][1].dtype == np.int64
    dl.clean()
    assert len(list(dl)) == 2
    dl = gdata.DataLoader(ds, batch_size=4, last_batch='rollover', num_workers=2, prefetch=0)
    assert [len(list(dl)), len(list(dl)), len(list(dl))] == [1, 2, 1]


def test_record_file_dataset():
    with tempfile.TemporaryDirectory() as d:
        rec, idx = os.path.join(d, 'x.rec'), os.path.join(d, 'x.idx')
        w = mx.recordio.MXIndexedRecordIO(idx, rec, 'w')
        for i in range(5):
            w.write_idx(i, b'rec%d' % i)
        w.close()
        ds = gdata.RecordFileDataset(rec)
        assert len(ds) == 5
        assert [ds[i] for i in range(5)] == [b'rec%d' % i for i in range(5)]
        assert list(ds.take(2)) == [b'rec0', b'rec1']
        loader = gdata.DataLoader(ds.transform(lambda r: int(r[3:])), batch_size=2,
                                  num_workers=2)
        assert [b.asnumpy().tolist() for b in loader] == [[0, 1], [2, 3], [4]]


def test_public_names():
    assert sorted(n for n in dir(gdata) if not n.startswith('_') and n[0].isupper()) == [
        'ArrayDataset', 'BatchSampler', 'DataLoader', 'Dataset', 'FilterSampler',
        'RandomSampler', 'RecordFileDataset', 'Sampler', 'SequentialSampler', 'SimpleDataset']


SHUTDOWN_SCRIPT = r'''
import gc, os, sys, time
import numpy as np
import mxnet as mx
gdata = mx.gluon.data
big = np.random.rand(64, 4000)   # 256 kB batches of 8: workers block writing them
fds0 = len(os.listdir('/proc/self/fd'))
pids = []

def loader(i, thread_pool):
    dl = gdata.DataLoader(big, batch_size=8, num_workers=1 + i % 2, thread_pool=thread_pool)
    if not thread_pool:
        pids.extend(p.pid for p in dl._worker_pool._procs)
    return dl

t = time.time()
for i in range(50):
    tp = i % 5 == 4
    how = i % 4
    dl = loader(i, tp)
    if how == 0:      # exhausted
        assert len(list(dl)) == 8
    elif how == 1:    # broken off mid-epoch, iterator dropped first
        it = iter(dl); next(it); del it
    elif how == 2:    # loader dropped while its iterator lives on, then the iterator
        it = iter(dl); next(it); del dl; next(it); del it
    else:             # garbage: a reference cycle, found by the collector
        dl.cycle = dl
        it = iter(dl); next(it)
        box = [it]; box.append(box)
        del it, box
    dl = None
gc.collect()
elapsed = time.time() - t
time.sleep(0.2)
alive = [p for p in pids if os.path.exists('/proc/%d' % p) and
         open('/proc/%d/stat' % p).read().split(')')[1].split()[0] != 'Z']
print('RESULT', elapsed, len(os.listdir('/proc/self/fd')) - fds0, len(alive))
# interpreter exit with a loader mid-epoch, workers blocked on full pipes
dl, tdl = loader(0, False), loader(1, True)
it, tit = iter(dl), iter(tdl)
next(it), next(tit)
print('PIDS', ' '.join(str(p.pid) for p in dl._worker_pool._procs))
sys.stdout.flush()
'''


def test_workers_always_shut_down():
    """50 loaders ended every way (exhausted, broken off, deleted with a live iterator,
    garbage-collected, and interpreter exit): no hang, no leftover process or descriptor."""
    import subprocess
    import sys
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(
        __file__))))
    import signal
    proc = subprocess.Popen([sys.executable, '-c', SHUTDOWN_SCRIPT], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=tempfile.gettempdir(),
                            start_new_session=True)
    try:
        stdout, stderr = proc.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)  # the script and the workers it left
        proc.communicate()
        pytest.fail('DataLoader shutdown hung')
    assert proc.returncode == 0, stderr[-3000:]
    lines = dict(line.split(' ', 1) for line in stdout.splitlines()
                 if line.startswith(('RESULT', 'PIDS')))
    elapsed, fd_growth, alive = lines['RESULT'].split()
    assert int(fd_growth) <= 0 and int(alive) == 0, lines['RESULT']
    deadline = time.time() + 10
    left = [int(p) for p in lines['PIDS'].split()]
    while left and time.time() < deadline:
        left = [p for p in left if os.path.exists('/proc/%d' % p)]
        time.sleep(0.1)
    assert not left, 'workers outlived the interpreter: %s' % left


def test_mxnet_module_names():
    import multiprocessing.reduction
    from mxnet.gluon.data import dataloader
    assert dataloader.ForkingPickler is multiprocessing.reduction.ForkingPickler
    for name in ['ConnectionWrapper', 'DataLoaderV1', 'Queue', 'SimpleQueue', 'ThreadPool',
                 'default_mp_batchify_fn', 'fetcher_loop_v1', 'worker_loop_v1',
                 'rebuild_ndarray', 'reduce_ndarray', 'rebuild_np_ndarray',
                 'reduce_np_ndarray']:
        assert hasattr(dataloader, name), name
    x = mx.nd.array([[1, 2], [3, 4]])
    y = dataloader.ForkingPickler.loads(dataloader.ForkingPickler.dumps(x))
    assert y.asnumpy().tolist() == [[1, 2], [3, 4]] and y.dtype == np.float32
    q = dataloader.SimpleQueue()
    q.put((0, x))
    assert q.get()[1].asnumpy().tolist() == [[1, 2], [3, 4]]
    ds = gdata.ArrayDataset(np.arange(10, dtype='float32'))
    for workers in (0, 2):
        dl = dataloader.DataLoaderV1(ds, batch_size=4, num_workers=workers)
        assert [b.asnumpy().tolist() for b in dl] == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
