"""mx.image (decode, resize, crops, augmenters, ImageIter) and the Gluon rotation transforms,
against MXNet 1.9.1.

The reference environment has neither OpenCV's Python bindings nor Pillow, so snippets build
PNG files with a tiny pure-Python encoder (_PNG below) on both sides.
"""

import numpy as np
import pytest

import mxnet as mx
import mxnet.image  # noqa: F401  (the lead adds it to mxnet/__init__)
from mxnet.base import MXNetError

_PNG = '''
import zlib, struct, random, os, tempfile, json
import mxnet.image
def png_bytes(a):
    a = np.ascontiguousarray(a, dtype=np.uint8)
    h, w = a.shape[:2]
    ct = 2 if a.ndim == 3 else 0
    raw = b''.join(b'\\x00' + a[i].tobytes() for i in range(h))
    def chunk(t, d):
        return (struct.pack('>I', len(d)) + t + d
                + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff))
    return (b'\\x89PNG\\r\\n\\x1a\\n'
            + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, ct, 0, 0, 0))
            + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
def err(f):
    try:
        f()
        return 'no error'
    except Exception as e:
        return type(e).__name__
rs = np.random.RandomState(0)
'''


def test_decode_resize_crop(compare):
    compare(_PNG + '''
img = rs.randint(0, 256, (13, 17, 3)).astype(np.uint8)
buf = png_bytes(img)
OUT['dec'] = mx.image.imdecode(buf)
OUT['dec_bgr'] = mx.image.imdecode(buf, to_rgb=False)
OUT['dec_gray'] = mx.image.imdecode(buf, flag=0)
OUT['dec_ba'] = mx.image.imdecode(bytearray(buf), 1, True)
OUT['dec_np'] = mx.image.imdecode(np.frombuffer(buf, dtype=np.uint8))
OUT['dec_nd'] = mx.image.imdecode(nd.array(np.frombuffer(buf, dtype=np.uint8), dtype='uint8'))
o = nd.zeros((13, 17, 3), dtype='uint8')
OUT['dec_out_same'] = mx.image.imdecode(buf, out=o) is o
OUT['dec_out'] = o
OUT['gray_png'] = mx.image.imdecode(png_bytes(img[:, :, 0]))
OUT['gray_png0'] = mx.image.imdecode(png_bytes(img[:, :, 0]), 0)
d = tempfile.mkdtemp()
fn = os.path.join(d, 'a.png')
with open(fn, 'wb') as f:
    f.write(buf)
OUT['read'] = mx.image.imread(fn)
OUT['read0'] = mx.image.imread(fn, 0)
OUT['read_bgr'] = mx.image.imread(fn, to_rgb=0)
x = OUT['dec']
xf = x.astype('float32') * 1.37
for interp in (0, 1, 2, 3, 4):
    for (w, h) in ((5, 4), (40, 31), (17, 13), (30, 7), (8, 6), (6, 13), (17, 4)):
        OUT['rs%d_%d_%d' % (interp, w, h)] = mx.image.imresize(x, w, h, interp)
        OUT['rsf%d_%d_%d' % (interp, w, h)] = mx.image.imresize(xf, w, h, interp=interp)
big = nd.array(rs.randint(0, 256, (40, 64, 3)), dtype='uint8')
OUT['area_half'] = mx.image.imresize(big, 32, 20, interp=3)
OUT['lin_half'] = mx.image.imresize(big, 32, 20)
OUT['auto_up'] = mx.image.resize_short(x, 20, interp=9)
OUT['auto_down'] = mx.image.resize_short(x, 5, interp=9)
OUT['auto_mixed'] = mx.image.ForceResizeAug((30, 6), interp=9)(x)
random.seed(1)
for k in range(6):
    OUT['rand_interp%d' % k] = mx.image.ForceResizeAug((11, 9), interp=10)(x)
OUT['area3'] = mx.image.imresize(nd.array(rs.randint(0, 256, (30, 45, 3)), dtype='uint8'), 15, 10, 3)
OUT['short'] = mx.image.resize_short(x, 10)
OUT['short_t'] = mx.image.resize_short(nd.array(img.transpose(1, 0, 2), dtype='uint8'), 6, 1)
OUT['scale_down'] = [mx.image.scale_down((640, 480), (720, 120)),
                     mx.image.scale_down((360, 1000), (480, 500)), mx.image.scale_down((9, 7), (20, 20))]
OUT['fixed'] = mx.image.fixed_crop(x, 2, 3, 7, 5)
OUT['fixed_rs'] = mx.image.fixed_crop(x, 2, 3, 7, 5, size=(9, 9))
OUT['fixed_rs1'] = mx.image.fixed_crop(x, 2, 3, 7, 5, (4, 3), 1)
c, r = mx.image.center_crop(x, (8, 6))
OUT['center'] = c; OUT['center_r'] = r
c, r = mx.image.center_crop(x, (30, 30))
OUT['center_up'] = c; OUT['center_up_r'] = r
random.seed(3)
crops = []
for i in range(5):
    c, r = mx.image.random_crop(x, (6, 5))
    OUT['rc%d' % i] = c
    crops.append(r)
c, r = mx.image.random_crop(x, (20, 20), interp=1)
OUT['rc_up'] = c; crops.append(r)
for i in range(4):
    c, r = mx.image.random_size_crop(x, (8, 8), 0.3, (0.75, 1.333))
    OUT['rsc%d' % i] = c
    crops.append(r)
c, r = mx.image.random_size_crop(x, (8, 8), (0.99, 1.0), (5.0, 6.0))
OUT['rsc_fallback'] = c; crops.append(r)
OUT['crops'] = crops
OUT['tail'] = random.random()
xn = xf.copy()
OUT['norm'] = mx.image.color_normalize(xn, nd.array([100., 110., 120.]), nd.array([50., 60., 70.]))
OUT['norm_inplace'] = xn
OUT['norm_mean'] = mx.image.color_normalize(xf.copy(), nd.array([100., 110., 120.]))
OUT['norm_none'] = mx.image.color_normalize(xf.copy(), None, 3.0)
OUT['border0'] = mx.image.copyMakeBorder(x, 1, 2, 3, 4)
OUT['border_v'] = mx.image.copyMakeBorder(x, 2, 1, 0, 3, value=9)
OUT['border_vs'] = mx.image.copyMakeBorder(x, 2, 1, 0, 3, values=(1, 2, 3))
for t in (1, 2, 3, 4):
    OUT['border%d' % t] = mx.image.copyMakeBorder(x, 3, 2, 4, 1, type=t)
OUT['border_f'] = mx.image.copyMakeBorder(xf, 1, 1, 1, 1, type=0, value=-1.5)
''', atol=1e-3)  # float32 Lanczos sums in another order; uint8 results are exact


def test_jpeg_decode_close(tmp_path, reference):
    # JPEG decoders differ slightly (libjpeg builds, IDCT); compare within a tolerance
    Image = pytest.importorskip('PIL.Image')
    rs = np.random.RandomState(1)
    base = np.kron(rs.randint(0, 256, (6, 8, 3)), np.ones((8, 8, 1))).astype(np.uint8)
    fn = str(tmp_path / 'a.jpg')
    Image.fromarray(base).save(fn, quality=95)
    ref = reference('OUT["c"] = mx.image.imread(%r); OUT["g"] = mx.image.imread(%r, 0)'
                    % (fn, fn))
    ours_c = mx.image.imread(fn).asnumpy()
    ours_g = mx.image.imread(fn, 0).asnumpy()
    assert ours_c.shape == ref['c'].shape and ours_g.shape == ref['g'].shape
    assert np.abs(ours_c.astype(int) - ref['c']).max() <= 3
    assert np.abs(ours_g.astype(int) - ref['g']).max() <= 3


def test_augmenters(compare):
    compare(_PNG + '''
img = rs.randint(0, 256, (20, 24, 3)).astype(np.uint8)
x = nd.array(img, dtype='uint8')
xf = x.astype('float32')
random.seed(7)
np.random.seed(7)
augs = [mx.image.ResizeAug(12), mx.image.ResizeAug(30, 1), mx.image.ForceResizeAug((10, 7)),
        mx.image.ForceResizeAug((48, 40), interp=9),
        mx.image.RandomCropAug((9, 8)), mx.image.RandomSizedCropAug((8, 8), 0.2, (0.5, 2.0)),
        mx.image.RandomSizedCropAug((8, 8), (0.3, 0.9), (0.75, 1.33), 1),
        mx.image.CenterCropAug((10, 10)), mx.image.CenterCropAug((30, 30), 1),
        mx.image.HorizontalFlipAug(0.5), mx.image.HorizontalFlipAug(1.0),
        mx.image.CastAug(), mx.image.CastAug('float64')]
for i, a in enumerate(augs):
    for k in range(3):
        OUT['a%d_%d' % (i, k)] = a(x)
    OUT['d%d' % i] = a.dumps()
faugs = [mx.image.BrightnessJitterAug(0.3), mx.image.ContrastJitterAug(0.3),
         mx.image.SaturationJitterAug(0.3), mx.image.HueJitterAug(0.2),
         mx.image.ColorJitterAug(0.2, 0.3, 0.4), mx.image.ColorJitterAug(0, 0.3, 0),
         mx.image.LightingAug(0.1, np.array([55.46, 4.794, 1.148]),
                              np.array([[-0.5675, 0.7192, 0.4009], [-0.5808, -0.0045, -0.8140],
                                        [-0.5836, -0.6948, 0.4203]])),
         mx.image.ColorNormalizeAug(nd.array([120., 110., 100.]), nd.array([60., 50., 40.])),
         mx.image.ColorNormalizeAug([1., 2., 3.], None),
         mx.image.RandomGrayAug(0.5), mx.image.RandomGrayAug(1.0),
         mx.image.RandomOrderAug([mx.image.BrightnessJitterAug(0.1),
                                  mx.image.CastAug('float32')]),
         mx.image.SequentialAug([mx.image.CenterCropAug((8, 8)), mx.image.CastAug()])]
for i, a in enumerate(faugs):
    for k in range(3):
        src = xf.copy()
        OUT['f%d_%d' % (i, k)] = a(src)
    OUT['fd%d' % i] = a.dumps()
OUT['seq_dumps_type'] = type(faugs[-1].dumps()).__name__
OUT['tail'] = [random.random(), float(np.random.random())]
''', rtol=1e-5, atol=1e-4)


def test_create_augmenter(compare):
    compare(_PNG + '''
def names(l):
    return [a.dumps() for a in l]
OUT['default'] = names(mx.image.CreateAugmenter((3, 8, 8)))
OUT['all'] = names(mx.image.CreateAugmenter(
    (3, 16, 12), resize=20, rand_crop=True, rand_resize=True, rand_mirror=True, mean=True,
    std=True, brightness=0.1, contrast=0.2, saturation=0.3, hue=0.1, pca_noise=0.1,
    rand_gray=0.2, inter_method=1))
OUT['crop'] = names(mx.image.CreateAugmenter((3, 10, 10), rand_crop=True,
                                            mean=np.array([1., 2., 3.])))
OUT['std_only'] = names(mx.image.CreateAugmenter((3, 10, 10), std=nd.array([2.])))
OUT['types'] = [type(a).__name__ for a in mx.image.CreateAugmenter(
    (3, 16, 12), resize=20, rand_crop=True, rand_mirror=True, mean=True, brightness=0.1)]
OUT['err_rs'] = err(lambda: mx.image.CreateAugmenter((3, 8, 8), rand_resize=True))
OUT['err_mean'] = err(lambda: mx.image.CreateAugmenter((3, 8, 8), mean=[1, 2, 3]))
img = rs.randint(0, 256, (20, 24, 3)).astype(np.uint8)
random.seed(2); np.random.seed(2)
augs = mx.image.CreateAugmenter((3, 12, 12), resize=14, rand_crop=True, rand_mirror=True,
                                mean=True, std=True, brightness=0.2, contrast=0.2,
                                saturation=0.2, pca_noise=0.05, rand_gray=0.3, inter_method=1)
for k in range(3):
    y = nd.array(img, dtype='uint8')
    for a in augs:
        y = a(y)
    OUT['run%d' % k] = y
''', rtol=1e-5, atol=1e-4)


_MAKE_DATA = _PNG + '''
d = tempfile.mkdtemp()
imgs = [rs.randint(0, 256, (10 + i % 3, 12 + i % 4, 3)).astype(np.uint8) for i in range(7)]
rec = mx.recordio.MXIndexedRecordIO(os.path.join(d, 'a.idx'), os.path.join(d, 'a.rec'), 'w')
lst = []
for i, im in enumerate(imgs):
    rec.write_idx(i, mx.recordio.pack(mx.recordio.IRHeader(0, float(i % 3), i, 0),
                                      png_bytes(im)))
    with open(os.path.join(d, 'img%d.png' % i), 'wb') as f:
        f.write(png_bytes(im))
    lst.append('%d\\t%f\\t%f\\timg%d.png' % (i, i % 3, i * 0.5, i))
rec.close()
with open(os.path.join(d, 'a.lst'), 'w') as f:
    f.write('\\n'.join(lst) + '\\n')
rec_path = os.path.join(d, 'a.rec')
idx_path = os.path.join(d, 'a.idx')
lst_path = os.path.join(d, 'a.lst')
def epochs(it, name, n=2):
    for e in range(n):
        for b, batch in enumerate(it):
            OUT['%s_e%d_b%d_data' % (name, e, b)] = batch.data[0]
            OUT['%s_e%d_b%d_label' % (name, e, b)] = batch.label[0]
            OUT['%s_e%d_b%d_pad' % (name, e, b)] = batch.pad
        it.reset()
'''


def test_image_iter(compare):
    compare(_MAKE_DATA + '''
it = mx.image.ImageIter(3, (3, 8, 8), path_imgrec=rec_path)
OUT['pd'] = [list(map(str, x)) for x in it.provide_data]
OUT['pl'] = [list(map(str, x)) for x in it.provide_label]
epochs(it, 'rec')
epochs(mx.image.ImageIter(3, (3, 8, 8), path_imgrec=rec_path, last_batch_handle='discard'),
       'disc')
epochs(mx.image.ImageIter(3, (3, 8, 8), path_imgrec=rec_path, path_imgidx=idx_path,
                          last_batch_handle='roll_over'), 'roll', 3)
it = mx.image.ImageIter(2, (3, 8, 8), path_imglist=lst_path, path_root=d, label_width=2,
                        label_name='lab', data_name='img')
OUT['pl2'] = [list(map(str, x)) for x in it.provide_label]
epochs(it, 'lst', 1)
OUT['hard'] = it.next().label[0]
it.hard_reset()
OUT['hard2'] = it.next().label[0]
it = mx.image.ImageIter(4, (3, 8, 8), imglist=[[float(i), 'img%d.png' % i] for i in range(5)],
                        path_root=d, dtype='int32', resize=9, rand_mirror=True, mean=True)
random.seed(5)
epochs(it, 'list', 1)
it = mx.image.ImageIter(4, (3, 8, 8), imglist=[[1., 2., 'img1.png'], [[3., 4.], 'img2.png']],
                        path_root=d, label_width=2, aug_list=[mx.image.ForceResizeAug((8, 8))])
epochs(it, 'list2', 1)
random.seed(11)
it = mx.image.ImageIter(3, (3, 8, 8), path_imgrec=rec_path, path_imgidx=idx_path, shuffle=True,
                        rand_crop=True)
epochs(it, 'shuf')
it = mx.image.ImageIter(2, (3, 8, 8), path_imgrec=rec_path, path_imgidx=idx_path, num_parts=2,
                        part_index=1)
epochs(it, 'part', 1)
it = mx.image.ImageIter(2, (3, 8, 8), path_imgrec=rec_path, path_imglist=lst_path,
                        path_imgidx=idx_path, label_width=2)
epochs(it, 'reclst', 1)
it = mx.image.ImageIter(3, (3, 8, 8), path_imgrec=rec_path)
OUT['decoded'] = it.imdecode(it.next_sample()[1])
OUT['aug'] = it.augmentation_transform(OUT['decoded'])
OUT['post'] = it.postprocess_data(OUT['aug'])
OUT['e_shape'] = err(lambda: mx.image.ImageIter(3, (8, 8), path_imgrec=rec_path))
OUT['e_chan'] = err(lambda: mx.image.ImageIter(3, (1, 8, 8), path_imgrec=rec_path))
OUT['e_cds'] = err(lambda: it.check_data_shape((3, 8)))
it = mx.image.ImageIter(3, (3, 8, 8), path_imgrec=rec_path, path_imgidx=idx_path)
it.next_sample()
OUT['e_broken'] = err(lambda: it.imdecode(b'notanimage'))
try:
    it.imdecode(b'notanimage')
except RuntimeError as e:
    OUT['e_broken_msg'] = str(e).split(',')[0]
''')


def test_image_iter_errors(tmp_path):
    with pytest.raises(MXNetError):
        mx.image.ImageIter(2, (3, 4, 4))
    with pytest.raises(MXNetError):
        mx.image.ImageIter(2, (3, 4, 4), imglist=[[1., 'a.png']], dtype='uint8')
    with pytest.raises(MXNetError):
        mx.image.ImageIter(2, (3, 4, 4), imglist=[[1., 'a.png']], last_batch_handle='x')
    with pytest.raises(MXNetError):  # missing .rec
        mx.image.ImageIter(2, (3, 4, 4), path_imgrec=str(tmp_path / 'none.rec'))
    it = mx.image.ImageIter(1, (3, 4, 4), imglist=[[1., 'bad.png']], path_root=str(tmp_path))
    (tmp_path / 'bad.png').write_bytes(b'not an image')
    with pytest.raises(RuntimeError, match='Broken image filename: bad.png'):
        it.next()


def test_errors(compare):
    compare(_PNG + '''
img = rs.randint(0, 256, (6, 5, 3)).astype(np.uint8)
buf = png_bytes(img)
x = nd.array(img, dtype='uint8')
OUT['str'] = err(lambda: mx.image.imdecode('abc'))
OUT['int'] = err(lambda: mx.image.imdecode(5))
OUT['garbage'] = err(lambda: mx.image.imdecode(b'garbage'))
OUT['flag'] = err(lambda: mx.image.imdecode(buf, -1))
OUT['flag3'] = mx.image.imdecode(buf, 3)
OUT['missing'] = err(lambda: mx.image.imread('/nonexistent/x.png'))
OUT['interp'] = err(lambda: mx.image.resize_short(x, 3, interp=7))
OUT['rot_both'] = err(lambda: mx.image.imrotate(x.astype('float32'), 3, True, True))
OUT['rot_dtype'] = err(lambda: mx.image.imrotate(x, 3))
OUT['rot_dim'] = err(lambda: mx.image.imrotate(nd.zeros((2, 2), dtype='float32'), 3))
OUT['rot_n'] = err(lambda: mx.image.imrotate(nd.zeros((2, 3, 4, 4)), nd.array([1., 2., 3.])))
OUT['rot_single_vec'] = err(lambda: mx.image.imrotate(nd.zeros((3, 4, 4)), nd.array([1.])))
OUT['rsc_kw'] = err(lambda: mx.image.random_size_crop(x, (3, 3), 0.5, (0.5, 2), foo=1))
OUT['aug_base'] = err(lambda: mx.image.Augmenter()(x))
from mxnet.gluon.data.vision import transforms as T
OUT['t_order'] = err(lambda: T.RandomRotation((10, -10)))
OUT['t_proba'] = err(lambda: T.RandomRotation((-10, 10), rotate_with_proba=2))
OUT['t_dtype'] = err(lambda: T.Rotate(10)(x))
OUT['t_dtype2'] = err(lambda: T.RandomRotation((-10, 10))(x))
''')
    x = mx.nd.zeros((4, 4, 3), dtype='uint8')
    for bad in (lambda: mx.image.imresize(x, 0, 3), lambda: mx.image.imresize(x, 3, 3, 7),
                lambda: mx.image.imresize(mx.nd.zeros((4, 4)), 2, 2),
                lambda: mx.image.copyMakeBorder(x, 1, 1, 1),
                lambda: mx.image.copyMakeBorder(x, 1, 1, 1, 1, type=9)):
        with pytest.raises(MXNetError):
            bad()


def test_rotate(compare):
    compare(_PNG + '''
from mxnet.gluon.data.vision import transforms as T
x = nd.array(rs.uniform(0, 1, (3, 9, 11)), dtype='float32')
xb = nd.array(rs.uniform(0, 1, (2, 3, 6, 8)), dtype='float32')
for deg in (0, 30, -45, 90, 200.5):
    OUT['r%s' % deg] = mx.image.imrotate(x, deg)
    OUT['ri%s' % deg] = mx.image.imrotate(x, deg, zoom_in=True)
    OUT['ro%s' % deg] = mx.image.imrotate(x, deg, zoom_out=True)
OUT['batch'] = mx.image.imrotate(xb, nd.array([10., -70.]))
OUT['batch_s'] = mx.image.imrotate(xb, 15, zoom_out=True)
np.random.seed(4)
OUT['rand'] = mx.image.random_rotate(x, (-30, 30))
OUT['rand_b'] = mx.image.random_rotate(xb, (-30, 30), zoom_in=True)
OUT['T'] = T.Rotate(25)(x)
OUT['Tz'] = T.Rotate(-25, zoom_in=True)(xb)
t = T.RandomRotation((-40, 40), zoom_out=True, rotate_with_proba=0.5)
for i in range(4):
    OUT['TR%d' % i] = t(x)
OUT['tail'] = float(np.random.random())
''', rtol=1e-4, atol=1e-5)


_DET_DATA = _PNG + '''
d = tempfile.mkdtemp()
imgs = [rs.randint(0, 256, (20 + i % 3 * 4, 24 + i % 4 * 3, 3)).astype(np.uint8)
        for i in range(5)]
labels = []
for i in range(5):
    n = 1 + i % 3
    objs = []
    for k in range(n):
        x1, y1 = rs.uniform(0, 0.5, 2)
        w, h = rs.uniform(0.2, 0.5, 2)
        objs.append([float(k % 2), x1, y1, x1 + w, y1 + h])
    labels.append(np.array([2, 5] + sum(objs, []), dtype=np.float32))
rec = mx.recordio.MXIndexedRecordIO(os.path.join(d, 'a.idx'), os.path.join(d, 'a.rec'), 'w')
for i, im in enumerate(imgs):
    rec.write_idx(i, mx.recordio.pack(mx.recordio.IRHeader(0, labels[i], i, 0), png_bytes(im)))
    with open(os.path.join(d, 'img%d.png' % i), 'wb') as f:
        f.write(png_bytes(im))
rec.close()
rec_path = os.path.join(d, 'a.rec')
idx_path = os.path.join(d, 'a.idx')
'''


def test_detection(compare):
    # pad values as 3-tuples: with a scalar, MXNet 1.9.1 fills only the first channel of the
    # padding and leaves the others as whatever memory held (0 or 255 from earlier images)
    compare(_DET_DATA + '''
img = nd.array(imgs[0], dtype='uint8')
lab = labels[2][2:].reshape(-1, 5).astype(np.float64)
random.seed(9)
np.random.seed(9)
augs = [mx.image.DetHorizontalFlipAug(0.5), mx.image.DetHorizontalFlipAug(1.0),
        mx.image.DetRandomCropAug(), mx.image.DetRandomCropAug(0.3, (0.5, 2.0), (0.1, 0.8), 0.2, 30),
        mx.image.DetRandomCropAug(aspect_ratio_range=1.0, area_range=0.5),
        mx.image.DetRandomPadAug(), mx.image.DetRandomPadAug((0.8, 1.2), (1.5, 2.5), 20, (50, 60, 70)),
        mx.image.DetRandomPadAug(pad_val=(1, 2, 3)),
        mx.image.DetBorrowAug(mx.image.ForceResizeAug((10, 10))),
        mx.image.DetRandomSelectAug([mx.image.DetHorizontalFlipAug(1.0),
                                     mx.image.DetRandomPadAug()], 0.3),
        mx.image.CreateMultiRandCropAugmenter([0.1, 0.5], area_range=[(0.1, 1.0)], skip_prob=0.2)]
for i, a in enumerate(augs):
    for k in range(4):
        s, l = a(img, lab.copy())
        OUT['a%d_%d' % (i, k)] = s
        OUT['l%d_%d' % (i, k)] = np.asarray(l, dtype=np.float64)
    OUT['d%d' % i] = a.dumps()
OUT['invalid'] = [err(lambda: mx.image.DetRandomCropAug(area_range=(0.5, 0.1))),
                  err(lambda: mx.image.DetRandomCropAug(aspect_ratio_range=(0, 1))),
                  err(lambda: mx.image.DetRandomPadAug(area_range=(1.0, 1.0))),
                  err(lambda: mx.image.DetRandomPadAug(aspect_ratio_range=(2, 1)))]
OUT['create'] = [a.dumps() for a in mx.image.CreateDetAugmenter(
    (3, 16, 16), resize=20, rand_crop=0.5, rand_pad=0.5, rand_gray=0.1, rand_mirror=True,
    mean=True, std=True, brightness=0.1, contrast=0.1, saturation=0.1, pca_noise=0.1, hue=0.1)]
OUT['create0'] = [a.dumps() for a in mx.image.CreateDetAugmenter((3, 16, 16))]
OUT['e_borrow'] = err(lambda: mx.image.DetBorrowAug(mx.image.DetHorizontalFlipAug(0.5)))
OUT['e_select'] = err(lambda: mx.image.DetRandomSelectAug([mx.image.CastAug()]))
it = mx.image.ImageDetIter(2, (3, 16, 16), path_imgrec=rec_path)
OUT['pl'] = [list(map(str, x)) for x in it.provide_label]
for e in range(2):
    for b, batch in enumerate(it):
        OUT['it_e%d_b%d' % (e, b)] = batch.data[0]
        OUT['itl_e%d_b%d' % (e, b)] = batch.label[0]
        OUT['itp_e%d_b%d' % (e, b)] = batch.pad
    it.reset()
random.seed(4)
it = mx.image.ImageDetIter(2, (3, 12, 12), path_imgrec=rec_path, path_imgidx=idx_path,
                           shuffle=True, rand_crop=0.7, rand_pad=0.5, rand_mirror=True,
                           mean=True, std=True, last_batch_handle='discard')
for b, batch in enumerate(it):
    OUT['aug_b%d' % b] = batch.data[0]
    OUT['augl_b%d' % b] = batch.label[0]
it2 = mx.image.ImageDetIter(3, (3, 12, 12), imglist=[list(labels[2]) + ['img2.png']],
                            path_root=d)
OUT['sync'] = [list(it.sync_label_shape(it2).label_shape), list(it.label_shape)]
it.reshape((3, 10, 10), (4, 5))
OUT['reshaped'] = [list(map(str, x)) for x in it.provide_data + it.provide_label]
OUT['e_reshape'] = err(lambda: it.reshape(None, (2, 5)))
OUT['e_reshape2'] = err(lambda: it.reshape(None, (4, 6)))
OUT['parse'] = it._parse_label(labels[3])
OUT['e_parse'] = err(lambda: it._parse_label(np.array([2, 5, 1, 0.1])))
''', rtol=1e-5, atol=1e-4)
