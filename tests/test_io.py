"""mx.io against MXNet 1.9.1: NDArrayIter, ResizeIter, PrefetchingIter, CSVIter, MNISTIter,
LibSVMIter, ImageRecordIter / ImageRecordUInt8Iter (small files made in tmp)."""
import struct

import numpy as np
import pytest

import mxnet as mx
import mxnet.io  # noqa: F401
from mxnet.base import MXNetError

# Snippet helper (both sides): every batch of `it` over `eps` epochs, as JSON-able values.
_DUMP = '''
import mxnet.io
def dump(it, eps=2, full=True):
    r = []
    for e in range(eps):
        for b in it:
            r.append([b.data[0].asnumpy().tolist() if full else
                      b.data[0].asnumpy().ravel()[:6].tolist(),
                      [l.asnumpy().tolist() for l in b.label], b.pad,
                      None if b.index is None else [int(i) for i in b.index],
                      str(b.data[0].dtype), [d.shape for d in b.data]])
        r.append('|')
        it.reset()
    return r
'''


def test_ndarrayiter_last_batch_and_shuffle(compare):
    compare(_DUMP + '''
np.random.seed(3)
X = np.arange(40).reshape(10, 2, 2).astype('float32'); Y = np.arange(10)
for h in ['pad', 'discard', 'roll_over']:
    for sh in [False, True]:
        for bs in [3, 4, 25]:
            try:  # roll_over with batch_size > size fails in MXNet (slice past the end)
                it = mx.io.NDArrayIter(X, Y, bs, sh, last_batch_handle=h)
                OUT['%s_%s_%d' % (h, sh, bs)] = dump(it, 3)
            except mx.base.MXNetError:
                OUT['%s_%s_%d' % (h, sh, bs)] = 'MXNetError'
# roll_over: partial epoch then reset, and hard_reset dropping the cache
it = mx.io.NDArrayIter(X, Y, 4, last_batch_handle='roll_over')
for b in it: pass
it.hard_reset()
OUT['hard'] = dump(it, 2)
it = mx.io.NDArrayIter(X, Y, 4, last_batch_handle='roll_over')
it.next(); it.reset()
OUT['midreset'] = dump(it, 2)
''')


def test_ndarrayiter_csr(compare):
    # CSR inputs (CSRNDArray or scipy.sparse) need last_batch_handle='discard'; batches are
    # dense slices (MXNet's slice_axis falls back to dense); shuffling keeps them CSR
    compare(_DUMP + '''
import os
os.environ['MXNET_STORAGE_FALLBACK_LOG_VERBOSE'] = '0'
import scipy.sparse as spsp
dns = np.arange(35.).reshape(7, 5) * (np.arange(35).reshape(7, 5) % 3 == 0)
csr = mx.nd.array(dns).tostype('csr')
errs = []
for d in (csr, {'data': spsp.csr_matrix(dns)}):
    for h in ('pad', 'roll_over'):
        try:
            mx.io.NDArrayIter(d, dns, 3, last_batch_handle=h)
            errs.append('ok')
        except NotImplementedError as e:
            errs.append(str(e))
OUT['errs'] = errs
it = mx.io.NDArrayIter(csr, csr, 3, last_batch_handle='discard')
OUT['pd'] = repr(it.provide_data + it.provide_label)
OUT['csr'] = dump(it, 2)
OUT['types'] = [type(b.data[0]).__name__ + type(b.label[0]).__name__ for b in it]
it = mx.io.NDArrayIter({'data': spsp.csr_matrix(dns)}, None, 2, last_batch_handle='discard')
OUT['scipy_pd'] = repr(it.provide_data)
OUT['scipy'] = dump(it, 1)
np.random.seed(1)
it = mx.io.NDArrayIter({'a': csr, 'b': dns}, [], 3, shuffle=True, last_batch_handle='discard')
OUT['shuffled_rows_match'] = [np.array_equal(b.data[0].asnumpy(), b.data[1].asnumpy())
                              for b in it]
OUT['shuffled_stype'] = it.data[0][1].stype
''')


def test_ndarrayiter_inputs_names_descs(compare):
    compare(_DUMP + '''
np.random.seed(0)
X = np.arange(40).reshape(10, 2, 2).astype('float32'); Y = np.arange(10)
it = mx.io.NDArrayIter({'b': X, 'a': mx.nd.array(Y, dtype='int32')}, [Y, Y * 2], 4,
                       shuffle=True)
OUT['pd'] = repr(it.provide_data); OUT['pl'] = repr(it.provide_label)
b = it.next()
OUT['dtypes'] = [str(d.dtype) for d in b.data]
OUT['labels'] = [d.asnumpy().tolist() for d in b.label]
it = mx.io.NDArrayIter(mx.nd.array(X, dtype='int32'), None, 5)
OUT['int'] = dump(it, 1)
OUT['int_pd'] = repr(it.provide_data); OUT['int_pl'] = repr(it.provide_label)
it = mx.io.NDArrayIter(X[:2], Y[:2], 5, data_name='x', label_name='y')
OUT['small'] = dump(it, 2); OUT['small_pd'] = repr(it.provide_data + it.provide_label)
it = mx.io.NDArrayIter(np.arange(12).reshape(2, 6), None, 4, layout='TNC')
OUT['tnc_pd'] = repr(it.provide_data); OUT['tnc'] = dump(it, 1)
it = mx.io.NDArrayIter([X, X + 1], [Y], 5, last_batch_handle='discard')
OUT['list_pd'] = repr(it.provide_data + it.provide_label); OUT['list'] = dump(it, 1)
it = mx.io.NDArrayIter(np.arange(6.).reshape(3, 2), np.arange(3.), 2)
OUT['f64'] = dump(it, 1); OUT['f64_pd'] = repr(it.provide_data)
# protocol: iter_next / getdata / getlabel / getpad / getindex, __next__, DataBatch str
it = mx.io.NDArrayIter(X, Y, 4)
seq = []
while it.iter_next():
    seq.append([it.getdata()[0].asnumpy()[:, 0, 0].tolist(), it.getlabel()[0].asnumpy().tolist(),
                it.getpad(), it.getindex()])
OUT['proto'] = seq
it.reset()
OUT['str'] = str(next(it))
OUT['desc'] = [repr(mx.io.DataDesc('x', (2, 3))), repr(mx.io.DataDesc('x', (2, 3), 'int32', 'NTC')),
               mx.io.DataDesc.get_batch_axis('TNC'), mx.io.DataDesc.get_batch_axis(None),
               repr(mx.io.DataDesc.get_list([('a', (1, 2)), ('b', (3,))], [('a', np.int32),
                                                                            ('b', np.float16)])),
               repr(mx.io.DataDesc.get_list([('a', (1, 2))], None)),
               list(mx.io.DataDesc('x', (2, 3)))]
db = mx.io.DataBatch([mx.nd.ones((2, 3))], pad=1)
OUT['batch'] = [str(db), db.pad, db.index, db.bucket_key, db.label]
''')


def test_resize_and_prefetching_iter(compare):
    compare(_DUMP + '''
X = np.arange(40).reshape(10, 4).astype('float32'); Y = np.arange(10)
for size in [2, 7]:
    it = mx.io.ResizeIter(mx.io.NDArrayIter(X, Y, 3), size)
    OUT['resize%d' % size] = dump(it, 2)
    OUT['resize_pd%d' % size] = repr(it.provide_data + it.provide_label) + str(it.batch_size)
it = mx.io.ResizeIter(mx.io.NDArrayIter(X, Y, 3), 2, reset_internal=False)
OUT['resize_noreset'] = dump(it, 3)
i1 = mx.io.NDArrayIter({'data': X}, {'softmax_label': Y}, 4)
i2 = mx.io.NDArrayIter({'data': X * 2}, {'softmax_label': Y * 3}, 4)
p = mx.io.PrefetchingIter([i1, i2], rename_data=[{'data': 'd1'}, {'data': 'd2'}],
                          rename_label=[{'softmax_label': 'l1'}, {'softmax_label': 'l2'}])
OUT['pf_pd'] = repr(p.provide_data); OUT['pf_pl'] = repr(p.provide_label)
OUT['pf_bs'] = p.batch_size
res = []
for e in range(2):
    for b in p:
        res.append([[d.asnumpy().tolist() for d in b.data], [l.asnumpy().tolist() for l in b.label],
                    b.pad, repr(b.provide_data)])
    p.reset()
OUT['pf'] = res
p = mx.io.PrefetchingIter(mx.io.NDArrayIter(X, Y, 5))
OUT['pf1'] = dump(p, 2); OUT['pf1_pd'] = repr(p.provide_data)
''')


@pytest.fixture(scope='module')
def files(tmp_path_factory):
    d = tmp_path_factory.mktemp('io')
    np.savetxt(d / 'x.csv', np.arange(21).reshape(7, 3) * 1.5 - 4, delimiter=',', fmt='%g')
    np.savetxt(d / 'y.csv', np.arange(7), delimiter=',', fmt='%g')
    (d / 'dir').mkdir()
    np.savetxt(d / 'dir' / 'a.csv', np.arange(6).reshape(3, 2), delimiter=',', fmt='%g')
    np.savetxt(d / 'dir' / 'b.csv', np.arange(6, 10).reshape(2, 2), delimiter=',', fmt='%g')
    np.savetxt(d / 'big.csv', np.arange(62).reshape(31, 2), delimiter=',', fmt='%g')
    np.savetxt(d / 'big2.csv', np.arange(116).reshape(58, 2), delimiter=',', fmt='%g')
    (d / 'bad.csv').write_text('1,2,3\n4,5\n')
    rs = np.random.RandomState(0)
    for name, n in [('img', 23), ('pimg', 40)]:
        img = rs.randint(0, 256, (n, 4, 5)).astype(np.uint8)
        if name == 'pimg':
            img[:, 0, 0] = np.arange(n)
        lab = rs.randint(0, 10, n).astype(np.uint8)
        (d / name).write_bytes(struct.pack('>iiii', 2051, n, 4, 5) + img.tobytes())
        (d / (name + '.lab')).write_bytes(struct.pack('>ii', 2049, n) + lab.tobytes())
    (d / 'trunc').write_bytes(struct.pack('>iiii', 2051, 5, 4, 5) + b'\0' * 30)
    (d / 'data.t').write_text('1.0 0:0.5 2:1.2\n-2.0\n-3.0 0:0.6 1:2.4 2:1.2\n4 2:-1.2\n')
    (d / 'label.t').write_text('1.0\n-2.0 0:0.125\n-3.0 2:1.2\n4 1:1.0 2:-1.2\n')
    # RecordIO of PNG images (lossless: decoding is exact on both sides)
    w = mx.recordio.MXIndexedRecordIO(str(d / 'im.idx'), str(d / 'im.rec'), 'w')
    for i in range(7):
        img = rs.randint(0, 256, (10 + i, 12, 3)).astype(np.uint8)
        w.write_idx(i, mx.recordio.pack_img(mx.recordio.IRHeader(0, float(i), i, 0), img,
                                            img_fmt='.png'))
    w.close()
    w = mx.recordio.MXRecordIO(str(d / 'ml.rec'), 'w')
    lst = []
    for i in range(5):
        img = rs.randint(0, 256, (9, 11, 3)).astype(np.uint8)
        w.write(mx.recordio.pack_img(mx.recordio.IRHeader(0, [i, i + 0.5], i + 100, 0), img,
                                     img_fmt='.png'))
        lst.append('%d\t%g\t%g\t%g\tx%d.png' % (i + 100, i * 2, i * 3, -i, i))
    w.close()
    (d / 'ml.lst').write_text('\n'.join(lst) + '\n')
    # RGBA PNGs (4-channel records)
    import io
    from PIL import Image
    w = mx.recordio.MXRecordIO(str(d / 'rgba.rec'), 'w')
    for i in range(7):
        img = rs.randint(0, 256, (10 + i, 12, 4)).astype(np.uint8)
        buf = io.BytesIO()
        Image.fromarray(img, 'RGBA').save(buf, format='PNG')
        w.write(mx.recordio.pack(mx.recordio.IRHeader(0, float(i), i, 0), buf.getvalue()))
    w.close()
    return str(d)


def test_csviter(compare, files):
    compare(_DUMP + '''
d = %r
for rb in [True, False]:
    it = mx.io.CSVIter(data_csv=d + '/x.csv', data_shape=(3,), label_csv=d + '/y.csv',
                       batch_size=3, round_batch=rb)
    OUT['pd%%s' %% rb] = repr(it.provide_data + it.provide_label) + str(it.batch_size)
    OUT['rb%%s' %% rb] = dump(it, 3)
for dt in ['int32', 'int64', 'float32']:
    it = mx.io.CSVIter(data_csv=d + '/x.csv', data_shape=(1, 3), batch_size=2, dtype=dt)
    OUT['dt_' + dt] = dump(it, 1); OUT['dtpd_' + dt] = repr(it.provide_data + it.provide_label)
it = mx.io.CSVIter(data_csv=d + '/x.csv', data_shape=(3,), label_csv=d + '/x.csv',
                   label_shape=(3,), batch_size=4)
OUT['lab3'] = dump(it, 1); OUT['lab3pd'] = repr(it.provide_label)
it = mx.io.CSVIter(data_csv=d + '/dir', data_shape=(2,), batch_size=2, data_name='x',
                   label_name='y')
OUT['dir'] = dump(it, 2); OUT['dirpd'] = repr(it.provide_data + it.provide_label)
# iteration protocol of the native wrappers
it = mx.io.CSVIter(data_csv=d + '/x.csv', data_shape=(3,), batch_size=3)
for _ in it:  # a reset at the end of an epoch is deterministic in MXNet (its read-ahead
    pass      # thread has finished); right after construction it races with that thread
it.reset()
seq = []
while it.iter_next():
    seq.append([it.getdata().asnumpy().tolist(), it.getpad(), it.getindex().tolist()])
OUT['proto'] = seq
it.reset()
OUT['after_reset'] = it.next().data[0].asnumpy().tolist()
# reset in mid-epoch: MXNet's loader runs prefetch_buffer batches ahead
for f, k in [('big', 3), ('big', 8), ('big2', 1), ('big2', 5)]:
    it = mx.io.CSVIter(data_csv=d + '/%%s.csv' %% f, data_shape=(2,), batch_size=3)
    for _ in range(k):
        it.next()
    it.reset()
    OUT['mid%%s%%d' %% (f, k)] = dump(it, 2, False)
''' % files, ref_timeout=90, ref_attempts=3)


def test_csviter_errors(compare, files):
    compare('''
d = %r
errs = []
for kw in [dict(data_csv=d + '/nope.csv', data_shape=(3,), batch_size=2),
           dict(data_csv=d + '/x.csv', data_shape=(4,), batch_size=2),
           dict(data_csv=d + '/x.csv', data_shape=(3,), batch_size=20),
           dict(data_csv=d + '/x.csv', data_shape=(3,), batch_size=2, dtype='float64'),
           dict(data_csv=d + '/x.csv', data_shape=(3,), batch_size=2, dtype='uint8')]:
    try:  # MXNet's reader thread may report a bad row at construction or on a later next()
        for _ in mx.io.CSVIter(**kw):
            pass
        errs.append('ok')
    except mx.base.MXNetError:
        errs.append('MXNetError')
OUT['errs'] = errs
''' % files, ref_timeout=90, ref_attempts=3)


def test_mnistiter(compare, files):
    compare(_DUMP + '''
d = %r
for i, kw in enumerate([dict(shuffle=False), dict(), dict(seed=5, flat=True),
                        dict(shuffle=False, num_parts=3, part_index=1),
                        dict(num_parts=2, part_index=1, seed=7, batch_size=4)]):
    kw.setdefault('batch_size', 5)
    it = mx.io.MNISTIter(image=d + '/img', label=d + '/img.lab', silent=True, **kw)
    OUT['pd%%d' %% i] = repr(it.provide_data + it.provide_label) + str(it.batch_size)
    OUT['b%%d' %% i] = dump(it, 2)
it = mx.io.MNISTIter(image=d + '/pimg', label=d + '/pimg.lab', batch_size=40, silent=True,
                     seed=11)
OUT['perm'] = it.next().data[0].asnumpy()[:, 0, 0, 0] * 256
errs = []
for kw in [dict(image=d + '/nope'), dict(image=d + '/trunc', label=d + '/img.lab'),
           dict(image=d + '/img', label=d + '/img.lab', dtype='float64')]:
    try:
        mx.io.MNISTIter(silent=True, batch_size=2, **kw)
        errs.append('ok')
    except mx.base.MXNetError:
        errs.append('MXNetError')
OUT['errs'] = errs
''' % files, ref_timeout=90, ref_attempts=3)


def test_libsvmiter_dense_values(compare, files):
    # remx returns dense arrays where MXNet returns CSRNDArray: the values are compared
    compare(_DUMP + '''
d = %r
it = mx.io.LibSVMIter(data_libsvm=d + '/data.t', data_shape=(3,), batch_size=3)
OUT['a'] = dump(it, 3); OUT['apd'] = repr(it.provide_data + it.provide_label)
it = mx.io.LibSVMIter(data_libsvm=d + '/data.t', data_shape=(3,), label_libsvm=d + '/label.t',
                      label_shape=(3,), batch_size=3)
OUT['b'] = dump(it, 1); OUT['bpd'] = repr(it.provide_data + it.provide_label)
parts = []
for P in [2, 3]:
    for k in range(P):
        it = mx.io.LibSVMIter(data_libsvm=d + '/data.t', data_shape=(3,), batch_size=1,
                              num_parts=P, part_index=k)
        parts.append([b.label[0].asnumpy().tolist() for b in it])
OUT['parts'] = parts
try:
    mx.io.LibSVMIter(data_libsvm=d + '/data.t', data_shape=(3,), batch_size=3, round_batch=False)
    OUT['err'] = 'ok'
except mx.base.MXNetError:
    OUT['err'] = 'MXNetError'
''' % files, ref_timeout=90, ref_attempts=3)


def test_imagerecorditer(compare, files):
    compare(_DUMP + '''
d = %r
rec = d + '/im.rec'
it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=3,
                           preprocess_threads=2)
OUT['pd'] = repr(it.provide_data + it.provide_label) + str(it.batch_size)
OUT['plain'] = dump(it, 3)
it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=3, resize=9,
                           mean_r=10, mean_g=20, mean_b=30, std_r=2, std_g=3, std_b=4, scale=0.5)
OUT['norm'] = dump(it, 1)
it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 14, 16), batch_size=7, pad=2,
                           fill_value=7, mirror=True)
OUT['padmirror'] = dump(it, 1)
it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=2, resize=20)
OUT['resize'] = dump(it, 1)
it = mx.io.ImageRecordUInt8Iter(path_imgrec=rec, data_shape=(1, 8, 8), batch_size=4)
OUT['u8pd'] = repr(it.provide_data + it.provide_label); OUT['u8'] = dump(it, 1)
it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=4, dtype='uint8',
                           mean_r=5)
OUT['u8b'] = dump(it, 1)
# round_batch=False: MXNet leaves the unfilled rows (and their labels) undefined and reports pad 0
it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=3, round_batch=False)
nb = [[b.data[0].asnumpy()[:7 - 3 * i].tolist(), b.label[0].asnumpy()[:7 - 3 * i].tolist(), b.pad]
      for i, b in enumerate(it)]
OUT['noround'] = nb
mean = np.random.RandomState(0).uniform(0, 255, (3, 8, 8)).astype('float32')
mx.nd.save(d + '/mean.nd', {'mean_img': mx.nd.array(mean)})
it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=7,
                           mean_img=d + '/mean.nd', scale=0.25)
OUT['meanimg'] = it.next().data[0]
for sh in [(11, 15), (15, 14), (17, 5)]:   # images smaller than data_shape get enlarged
    it = mx.io.ImageRecordUInt8Iter(path_imgrec=rec, data_shape=(3,) + sh, batch_size=7)
    OUT['small%%d_%%d' %% sh] = it.next().data[0]
it = mx.io.ImageRecordIter(path_imgrec=d + '/ml.rec', data_shape=(3, 9, 11), batch_size=5,
                           label_width=2)
OUT['ml'] = dump(it, 1); OUT['mlpd'] = repr(it.provide_label)
it = mx.io.ImageRecordIter(path_imgrec=d + '/ml.rec', path_imglist=d + '/ml.lst',
                           data_shape=(3, 9, 11), batch_size=5, label_width=3)
OUT['lst'] = dump(it, 1)
parts = []
for P in [2, 3, 4]:
    for k in range(P):
        it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=1,
                                   num_parts=P, part_index=k)
        parts.append([b.label[0].asnumpy().tolist() for b in it])
OUT['parts'] = parts
errs = []
for kw in [dict(data_shape=(3, 8, 8), label_width=2),
           dict(data_shape=(4, 8, 8)), dict(data_shape=(3, 8, 8), dtype='float16')]:
    try:
        mx.io.ImageRecordIter(path_imgrec=rec, batch_size=3, **kw)
        errs.append('ok')
    except mx.base.MXNetError:
        errs.append('MXNetError')
OUT['errs'] = errs
''' % files, ref_timeout=90, ref_attempts=3)


def test_imagerecorditer_augmentations(compare, files):
    # the deterministic settings of MXNet's default augmenter, bit for bit: affine warps
    # (rotate, scale, aspect, image-size limits; OpenCV's fixed-point interpolation), pad,
    # crop sizes, resize methods, mean image creation, 4-channel fill; and MXNet's errors
    compare(_DUMP + """
d = %r
rec = d + '/im.rec'
def first(**kw):
    try:
        it = mx.io.ImageRecordIter(path_imgrec=kw.pop('rec', rec), batch_size=7, **kw)
        return it.next().data[0]
    except mx.base.MXNetError:
        return 'MXNetError'
S = (3, 8, 8)
cases = dict(
    rot=dict(rotate=30), rot_fill=dict(rotate=200, fill_value=0),
    rot_cubic=dict(rotate=15, inter_method=2), rot_lanczos=dict(rotate=15, inter_method=4),
    rot_auto=dict(rotate=15, inter_method=9, min_random_scale=1.5, max_random_scale=1.5),
    rot_area=dict(rotate=15, inter_method=3), rot_neg=dict(rotate=-30),
    rot_list=dict(rotate_list='25'), rot_pad=dict(rotate=10, pad=2, fill_value=3),
    rot_resize=dict(rotate=10, resize=14),
    scale=dict(min_random_scale=0.7, max_random_scale=0.7),
    aspect=dict(min_aspect_ratio=1.4, max_aspect_ratio=1.4),
    aspect_scale=dict(min_aspect_ratio=0.8, max_aspect_ratio=0.8, min_random_scale=1.2,
                      max_random_scale=1.2, rotate=5),
    imgsize=dict(max_img_size=11, min_img_size=9), imgsize_big=dict(min_img_size=20),
    crop=dict(min_crop_size=9, max_crop_size=9), crop_nn=dict(min_crop_size=9, max_crop_size=9,
                                                                inter_method=0),
    crop_cubic=dict(min_crop_size=9, max_crop_size=9, inter_method=2),
    crop_rot=dict(min_crop_size=10, max_crop_size=10, rotate=20),
    rrc_noop=dict(random_resized_crop=True), rrc_rot=dict(random_resized_crop=True, rotate=30),
    gray_rot=dict(rotate=20, data_shape=(1, 8, 8)),
    err_rot_nn=dict(rotate=30, inter_method=0), err_resize5=dict(resize=9, inter_method=5),
    err_rrc=dict(random_resized_crop=True, rand_crop=True),
    err_rrc_ar=dict(random_resized_crop=True, min_random_area=0.3, max_aspect_ratio=2),
    err_rrc_area=dict(random_resized_crop=True, min_random_area=0.6, max_random_area=0.5),
    err_crop=dict(min_crop_size=9, max_crop_size=13),
    err_gray_hsl=dict(random_h=5, data_shape=(1, 8, 8)),
    err_gray_bright=dict(brightness=0.5, data_shape=(1, 8, 8)),
)
for m in (0, 2, 3, 4, 9):
    cases['resize%%d' %% m] = dict(resize=11, inter_method=m)
for k, kw in cases.items():
    kw.setdefault('data_shape', S)
    OUT[k] = first(**kw)
OUT['rgba'] = first(rec=d + '/rgba.rec', data_shape=(4, 8, 8))
OUT['rgba_rot'] = first(rec=d + '/rgba.rec', data_shape=(4, 8, 8), rotate=30)
OUT['rgba_pad'] = first(rec=d + '/rgba.rec', data_shape=(4, 12, 14), pad=2)
# int8 data (floor(pixel - mean), saturated; no std / scale) and the pre-1.0 iterators
# (pad reported without round_batch)
OUT['int8'] = first(data_shape=S, dtype='int8', mean_r=10.5, mean_g=-3.25, mean_b=200, std_r=3)
it = mx.io.ImageRecordInt8Iter(path_imgrec=rec, data_shape=S, batch_size=3, mean_g=20.5,
                               scale=3)
OUT['int8_iter'] = dump(it, 1); OUT['int8_pd'] = repr(it.provide_data)
for cls in ('ImageRecordIter_v1', 'ImageRecordUInt8Iter_v1'):
    it = getattr(mx.io, cls)(path_imgrec=rec, data_shape=S, batch_size=3, round_batch=False,
                             rotate=10, mean_r=4)
    OUT[cls] = [[b.data[0].asnumpy()[:3 - b.pad].tolist(), b.pad] for b in it]
    OUT[cls + '_pd'] = repr(it.provide_data + it.provide_label)
# mean_img naming no file: the mean of every augmented (mirrored) image, saved, then used
import os
for nm, kw in (('plain', {}), ('mirror', dict(mirror=True, rotate=10))):
    path = d + '/mean_%%s.bin' %% nm
    if os.path.exists(path):
        os.remove(path)
    OUT['mean_out_' + nm] = first(data_shape=S, mean_img=path, std_r=2, scale=0.5, **kw)
    OUT['mean_file_' + nm] = mx.nd.load(path)['mean_img']
    os.remove(path)
""" % files, ref_timeout=120, ref_attempts=3, atol=2e-5)


def test_imagerecord_random_and_departures(files):
    rec = files + '/im.rec'
    # random crop / mirror: every output is one of the possible crops, in either orientation
    it = mx.io.ImageRecordUInt8Iter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=7,
                                    rand_crop=True, rand_mirror=True, seed=3)
    b = it.next().data[0].asnumpy()
    r = mx.recordio.MXRecordIO(rec, 'r')
    for i in range(7):
        src = mx.recordio.unpack_img(r.read(), 1)[1][:, :, ::-1].transpose(2, 0, 1)
        cands = [src[:, y:y + 8, x:x + 8] for y in range(3 + i) for x in range(5)]
        cands += [c[:, :, ::-1] for c in cands]
        assert any(np.array_equal(b[i], c) for c in cands)
    # shuffle: a permutation of the labels per epoch
    it = mx.io.ImageRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=7,
                               shuffle=True, round_batch=False)
    for _ in range(2):
        labels = it.next().label[0].asnumpy()
        assert sorted(labels.tolist()) == list(range(7))
        it.reset()
    # seed_aug: the same seed gives the same augmented images, another seed others
    kw = dict(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=7, rand_crop=True,
              rand_mirror=True, max_rotate_angle=20, max_shear_ratio=0.3, random_h=10,
              random_s=20, random_l=20, brightness=0.2, contrast=0.2, saturation=0.2,
              pca_noise=0.1, max_random_contrast=0.2, max_random_illumination=5, seed_aug=3)
    a = mx.io.ImageRecordIter(**kw).next().data[0].asnumpy()
    b = mx.io.ImageRecordIter(**kw).next().data[0].asnumpy()
    kw['seed_aug'] = 4
    c = mx.io.ImageRecordIter(**kw).next().data[0].asnumpy()
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    # random resized crop: every output is a resized crop of the chosen size
    it = mx.io.ImageRecordUInt8Iter(path_imgrec=rec, data_shape=(3, 6, 6), batch_size=7,
                                    random_resized_crop=True, min_random_area=0.5,
                                    max_random_area=0.5, min_aspect_ratio=1,
                                    max_aspect_ratio=1, seed_aug=1)
    b = it.next().data[0].asnumpy()
    r = mx.recordio.MXRecordIO(rec, 'r')
    from mxnet.io._augment import resize
    for i in range(7):
        src = mx.recordio.unpack_img(r.read(), 1)[1]
        s = int(round((src.shape[0] * src.shape[1] * 0.5) ** 0.5))
        cands = [resize(src[y:y + s, x:x + s], 6, 6, 1)[:, :, ::-1].transpose(2, 0, 1)
                 for y in range(src.shape[0] - s + 1) for x in range(src.shape[1] - s + 1)]
        assert any(np.array_equal(b[i], c) for c in cands)
    with pytest.raises(MXNetError):
        mx.io.ImageRecordIter(path_imgrec=files + '/nope.rec', data_shape=(3, 8, 8),
                              batch_size=2)
    with pytest.raises(TypeError):
        mx.io.CSVIter(files + '/x.csv', data_shape=(3,), batch_size=2)
    with pytest.raises(MXNetError, match='not implemented'):
        mx.io.ImageDetRecordIter(path_imgrec=rec, data_shape=(3, 8, 8), batch_size=2)
    # MXNet reports a short row from its reader thread (at creation or at a later next());
    # remx reads the file up front and raises at creation
    with pytest.raises(MXNetError, match='row-length=2'):
        mx.io.CSVIter(data_csv=files + '/bad.csv', data_shape=(3,), batch_size=1)


def test_prefetching_iter_propagates_errors_and_mismatch():
    class Bad(mx.io.DataIter):
        def __init__(self):
            super().__init__(2)
            self.provide_data = [mx.io.DataDesc('data', (2, 3))]
            self.provide_label = []

        def next(self):
            raise ValueError('boom')
    p = mx.io.PrefetchingIter(Bad())
    with pytest.raises(ValueError, match='boom'):
        p.next()
    # MXNet counts examples by the first data array: a shorter label fails when sliced
    it = mx.io.NDArrayIter(np.zeros((4, 2)), np.zeros(3), 2)
    it.next()
    with pytest.raises(MXNetError):
        it.next()
    with pytest.raises(MXNetError):
        mx.io.NDArrayIter(np.zeros((4, 2)), None, 2, last_batch_handle='keep')
    with pytest.raises(TypeError):
        mx.io.NDArrayIter('not an array', None, 2)
