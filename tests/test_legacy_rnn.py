"""mx.rnn, MXNet 1.x's legacy symbolic RNN API.

The expected names and numbers below were measured with real MXNet 1.9.1 (.refmx/bin/python,
run from /tmp) on the same graphs and the same deterministic inputs (``_w``); each test says
which snippet produced them.
"""
import os

import numpy as np
import pytest

import mxnet as mx


def _w(shape, scale):
    """Deterministic test values: ((arange % 7) - 3) * scale, reshaped."""
    n = int(np.prod(shape))
    return mx.nd.array((np.arange(n).reshape(shape) % 7 - 3) * scale)


def test_public_names():
    # dir(mx.rnn) in MXNet 1.9.1 (the classes and functions)
    for name in ['BaseRNNCell', 'RNNParams', 'RNNCell', 'LSTMCell', 'GRUCell', 'FusedRNNCell',
                 'SequentialRNNCell', 'DropoutCell', 'ModifierCell', 'ZoneoutCell',
                 'ResidualCell', 'BidirectionalCell', 'BaseConvRNNCell', 'ConvRNNCell',
                 'ConvLSTMCell', 'ConvGRUCell', 'BucketSentenceIter', 'encode_sentences',
                 'save_rnn_checkpoint', 'load_rnn_checkpoint', 'do_rnn_checkpoint',
                 'rnn_unroll']:
        assert hasattr(mx.rnn, name), name
    assert mx.rnn.io.encode_sentences is mx.rnn.encode_sentences


def test_lstm_names_and_values_vs_mxnet():
    # MXNet 1.9.1: LSTMCell(3, prefix='l_').unroll(2, x, merge_outputs=True), Group([out] + st),
    # eval with x=_w((2,2,4),.5), i2h_weight=_w((12,4),.1), i2h_bias=_w((12,),.05),
    # h2h_weight=_w((12,3),.1), h2h_bias=_w((12,),.02)
    cell = mx.rnn.LSTMCell(3, prefix='l_')
    out, states = cell.unroll(2, mx.sym.Variable('x'), layout='NTC', merge_outputs=True)
    g = mx.sym.Group([out] + states)
    # (automatic names such as concat0 count per process, so only the cell's names are checked)
    assert g.list_outputs()[1:] == ['l_t1_out_output', 'l_t1_state_output']
    assert g.list_outputs()[0].startswith('concat')
    assert g.list_arguments() == ['x', 'l_i2h_weight', 'l_i2h_bias', 'l_h2h_weight',
                                  'l_h2h_bias']
    internals = out.get_internals().list_outputs()
    named = [n for n in internals if n.startswith('l_')]
    assert named[:10] == ['l_i2h_weight', 'l_i2h_bias', 'l_t0_i2h_output',
                          'l_begin_state_0_output', 'l_h2h_weight', 'l_h2h_bias',
                          'l_t0_h2h_output', 'l_t0_slice_output0', 'l_t0_slice_output1',
                          'l_t0_slice_output2']
    assert len(internals) == 44
    args, outs, aux = g.infer_shape(x=(2, 2, 4))
    assert args == [(2, 2, 4), (12, 4), (12,), (12, 3), (12,)]
    assert outs == [(2, 2, 3), (2, 3), (2, 3)]
    res = g.eval(x=_w((2, 2, 4), 0.5), l_i2h_weight=_w((12, 4), 0.1),
                 l_i2h_bias=_w((12,), 0.05), l_h2h_weight=_w((12, 3), 0.1),
                 l_h2h_bias=_w((12,), 0.02))
    np.testing.assert_allclose(res[0].asnumpy(), [
        [[0.003607, 0.060563, -0.1721], [0.017299, -0.195672, 0.072878]],
        [[0.09082, 0.027724, -0.140549], [0.015591, -0.211715, -0.049334]]], atol=2e-6)
    np.testing.assert_allclose(res[2].asnumpy(), [[0.043203, -0.366313, 0.151369],
                                                  [0.040634, -0.277689, -0.117222]], atol=2e-6)


@pytest.mark.parametrize('cls,gates,expected,n_internal', [
    # MXNet 1.9.1: C(3, prefix='g_').unroll(2, x, layout='TNC', merge_outputs=False), eval of
    # the second step with x=_w((2,2,4),.5), i2h_weight=_w((3g,4),.1), i2h_bias=_w((3g,),.05),
    # h2h_weight=_w((3g,3),.1), h2h_bias=_w((3g,),.02)
    (mx.rnn.GRUCell, 3, [[0.155687, 0.220426, -0.362691], [-0.010911, -0.472664, 0.312929]], 46),
    (mx.rnn.RNNCell, 1, [[0.134051, -0.448472, 0.439839], [-0.53008, 0.106781, -0.692917]], 16),
])
def test_gru_rnn_values_vs_mxnet(cls, gates, expected, n_internal):
    cell = cls(3, prefix='g_')
    outs, _ = cell.unroll(2, mx.sym.Variable('x'), layout='TNC', merge_outputs=False)
    g = mx.sym.Group(outs)
    assert g.list_outputs() == ['g_t0_out_output', 'g_t1_out_output']
    assert len(g.get_internals().list_outputs()) == n_internal
    h = 3 * gates
    res = g.eval(x=_w((2, 2, 4), 0.5), g_i2h_weight=_w((h, 4), 0.1), g_i2h_bias=_w((h,), 0.05),
                 g_h2h_weight=_w((h, 3), 0.1), g_h2h_bias=_w((h,), 0.02))
    np.testing.assert_allclose(res[1].asnumpy(), expected, atol=2e-6)


def test_fused_lstm_vs_mxnet_and_unfuse():
    # MXNet 1.9.1: FusedRNNCell(3, num_layers=2, mode='lstm', bidirectional=True,
    # get_next_state=True, prefix='f_').unroll(2, x, merge_outputs=True) on x=_w((2,2,4),.5),
    # parameters=_w((480,),.03): output[1] and the last cell state's last row
    f = mx.rnn.FusedRNNCell(3, num_layers=2, mode='lstm', bidirectional=True,
                            get_next_state=True, prefix='f_')
    assert f.state_shape == [(4, 0, 3), (4, 0, 3)]
    x = mx.sym.Variable('x')
    out, states = f.unroll(2, x, layout='NTC', merge_outputs=True)
    g = mx.sym.Group([out] + states)
    assert g.list_outputs()[1:] == ['f_rnn_state_output', 'f_rnn_statecell_output']
    assert g.list_arguments() == ['x', 'f_parameters']
    args, outs, _ = g.infer_shape(x=(2, 2, 4))
    assert args == [(2, 2, 4), (480,)] and outs == [(2, 2, 6), (4, 2, 3), (4, 2, 3)]
    params = _w((480,), 0.03)
    res = g.eval(x=_w((2, 2, 4), 0.5), f_parameters=params)
    np.testing.assert_allclose(res[0].asnumpy()[1], [
        [-0.002236, 0.014039, 0.027551, -0.009538, 0.013183, -0.046533],
        [-0.003294, 0.02226, 0.040385, -0.005651, 0.008178, -0.031785]], atol=2e-6)
    np.testing.assert_allclose(res[2].asnumpy()[-1], [[-0.020155, 0.025309, -0.092209],
                                                      [-0.019785, 0.026462, -0.09073]],
                               atol=2e-6)
    # unpack: one array per layer, direction, group and gate; pack is its exact inverse
    unpacked = f.unpack_weights({'f_parameters': params, 'other': mx.nd.ones(1)})
    assert len(unpacked) == 65 and unpacked['f_l1_i2h_f_weight'].shape == (3, 6)
    assert unpacked['f_r0_i2h_o_weight'].shape == (3, 4)
    assert unpacked['f_l0_h2h_c_bias'].shape == (3,)
    packed = f.pack_weights(unpacked)
    assert sorted(packed) == ['f_parameters', 'other']
    np.testing.assert_array_equal(packed['f_parameters'].asnumpy(), params.asnumpy())
    # the unfused stack computes the same thing from the unpacked weights
    u = f.unfuse()
    uout, _ = u.unroll(2, x, layout='NTC', merge_outputs=True)
    assert uout.list_outputs() == ['f_bi_l1_out_output']
    unpacked.pop('other')
    res2 = uout.eval(x=_w((2, 2, 4), 0.5), **u.pack_weights(unpacked))
    np.testing.assert_allclose(res2[0].asnumpy(), res[0].asnumpy(), atol=1e-5)


def test_containers_names_vs_mxnet():
    # names and shapes printed by MXNet 1.9.1 for the same constructions
    x = mx.sym.Variable('x')
    bi = mx.rnn.BidirectionalCell(mx.rnn.GRUCell(2, prefix='a_'), mx.rnn.RNNCell(2, prefix='b_'))
    out, states = bi.unroll(3, x, layout='TNC', merge_outputs=True)
    assert out.list_outputs() == ['bi_out_output']
    assert [type(s) for s in states] == [list, list] and bi.state_shape == [(0, 2), (0, 2)]
    assert out.infer_shape(x=(3, 2, 4))[1] == [(3, 2, 4)]
    outs, _ = bi.unroll(3, x, layout='TNC')
    assert [o.name for o in outs] == ['bi_t0', 'bi_t1', 'bi_t2']

    seq = mx.rnn.SequentialRNNCell()
    seq.add(mx.rnn.LSTMCell(4, prefix='s0_'))
    seq.add(mx.rnn.DropoutCell(0.3, prefix='d_'))
    seq.add(mx.rnn.ResidualCell(mx.rnn.GRUCell(4, prefix='s1_')))
    seq.add(mx.rnn.ZoneoutCell(mx.rnn.RNNCell(4, prefix='s2_'), 0.2, 0.3))
    assert seq.state_shape == [(0, 4)] * 4
    outs, states = seq.unroll(2, x, merge_outputs=False)
    assert [s.name for s in states][:3] == ['s0_t1_out', 's0_t1_state', 's1_t1_out']
    assert all(o.name.startswith('where') for o in outs)
    g = mx.sym.Group(outs)
    assert g.infer_shape(x=(5, 2, 4))[1] == [(5, 4), (5, 4)]
    assert len(g.get_internals().list_outputs()) == 111
    seq.reset()
    begin = seq.begin_state(dtype='float16')
    assert [b.name for b in begin] == ['s0_begin_state_0', 's0_begin_state_1',
                                       's1_begin_state_0', 's2_begin_state_1']
    assert begin[0].list_attr() == {'dtype': 'float16', 'shape': '(0, 4)', '__layout__': 'NC'}
    with pytest.raises(AssertionError):   # a modified cell is not called directly
        seq._cells[2].base_cell.begin_state()

    res = mx.rnn.ResidualCell(mx.rnn.LSTMCell(4, prefix='rr_'))
    out, _ = res.unroll(2, x, merge_outputs=True)
    assert out.name.endswith('_plus_residual')
    assert out.infer_shape(x=(3, 2, 4))[1] == [(3, 2, 4)]


def test_residual_eval_fills_begin_state_size():
    cell = mx.rnn.ResidualCell(mx.rnn.GRUCell(3, prefix='r_'))
    outs, _ = cell.unroll(2, [mx.sym.Variable('t0'), mx.sym.Variable('t1')])
    z = {'r_i2h_weight': mx.nd.zeros((9, 3)), 'r_i2h_bias': mx.nd.zeros((9,)),
         'r_h2h_weight': mx.nd.zeros((9, 3)), 'r_h2h_bias': mx.nd.zeros((9,))}
    res = mx.sym.Group(outs).eval(t0=mx.nd.ones((2, 3)) * 2, t1=mx.nd.ones((2, 3)), **z)
    # zero weights: r = z = 0.5, candidate tanh(0) = 0, so h stays 0 and output = input
    np.testing.assert_array_equal(res[0].asnumpy(), np.full((2, 3), 2.))
    np.testing.assert_array_equal(res[1].asnumpy(), np.ones((2, 3)))


def test_conv_lstm_vs_mxnet():
    # MXNet 1.9.1: ConvLSTMCell((2, 1, 5, 5), 2, prefix='c_').unroll(2, [t0, t1]), every
    # argument _w(shape, 0.1): the first 6 values of the second output
    c = mx.rnn.ConvLSTMCell((2, 1, 5, 5), 2, prefix='c_')
    assert c.state_shape == [(0, 2, 5, 5), (0, 2, 5, 5)]
    outs, _ = c.unroll(2, [mx.sym.Variable('t0'), mx.sym.Variable('t1')])
    assert len(outs[1].get_internals().list_outputs()) == 40
    g = mx.sym.Group(outs)
    shapes = g.infer_shape(t0=(2, 1, 5, 5), t1=(2, 1, 5, 5))[0]
    vals = {n: _w(s, 0.1) for n, s in zip(g.list_arguments(), shapes)}
    np.testing.assert_allclose(g.eval(**vals)[1].asnumpy().ravel()[:6],
                               [1.078865e-03, -9.192862e-05, 4.735590e-02, 1.149236e-01,
                                9.879363e-02, 1.293067e-01], rtol=1e-5, atol=1e-7)


def test_module_training_step_vs_mxnet():
    # MXNet 1.9.1: LSTMCell(3,'l0_') + GRUCell(3,'l1_') stack, last step -> FC(4) -> Softmax,
    # params _w(shape, .1), one SGD step (lr .5) on data _w((2,2,5),.3), labels [1, 3], then
    # a predict-mode forward
    stack = mx.rnn.SequentialRNNCell()
    stack.add(mx.rnn.LSTMCell(3, prefix='l0_'))
    stack.add(mx.rnn.GRUCell(3, prefix='l1_'))
    outs, _ = stack.unroll(2, mx.sym.Variable('data'), merge_outputs=False)
    net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.Reshape(outs[-1], shape=(-1, 3)),
                                                     num_hidden=4, name='fc'), name='softmax')
    mod = mx.mod.Module(net, context=mx.cpu())
    mod.bind(data_shapes=[('data', (2, 2, 5))], label_shapes=[('softmax_label', (2,))])
    mod.init_params(mx.init.Constant(0))
    mod.set_params({k: _w(v.shape, 0.1) for k, v in mod.get_params()[0].items()}, {})
    mod.init_optimizer(optimizer='sgd', optimizer_params={'learning_rate': 0.5})
    batch = mx.io.DataBatch([_w((2, 2, 5), 0.3)], [mx.nd.array([1, 3])])
    mod.forward(batch, is_train=True)
    mod.backward()
    mod.update()
    mod.forward(batch, is_train=False)
    np.testing.assert_allclose(mod.get_outputs()[0].asnumpy(),
                               [[0.182302, 0.256195, 0.253704, 0.307799],
                                [0.184096, 0.255314, 0.252493, 0.308096]], atol=2e-6)
    np.testing.assert_allclose(mod.get_params()[0]['l0_h2h_weight'].asnumpy()[:3],
                               [[-3.000403e-01, -1.999656e-01, -9.994364e-02],
                                [1.978522e-05, 9.998663e-02, 1.999739e-01],
                                [3.000248e-01, -3.000241e-01, -2.000360e-01]], atol=2e-6)


def test_lstm_forget_bias_init():
    cell = mx.rnn.LSTMCell(2, prefix='lb_', forget_bias=3.0)
    out, _ = cell.unroll(1, mx.sym.Variable('data'))
    mod = mx.mod.Module(mx.sym.Group(out), label_names=None, context=mx.cpu())
    mod.bind(data_shapes=[('data', (4, 1, 5))])
    mod.init_params()
    np.testing.assert_array_equal(mod.get_params()[0]['lb_i2h_bias'].asnumpy(),
                                  [0, 0, 3, 3, 0, 0, 0, 0])


def test_encode_sentences_vs_mxnet():
    # outputs of MXNet 1.9.1 for the same calls
    assert mx.rnn.encode_sentences([['x', 'y'], ['y', 'z', 'x']], invalid_label=0,
                                   start_label=0) == \
        ([[1, 2], [2, 3, 1]], {'\n': 0, 'x': 1, 'y': 2, 'z': 3})
    assert mx.rnn.encode_sentences([['x', 'y'], ['q']], vocab={'x': 5, 'y': 6},
                                   unknown_token='<unk>', start_label=3) == \
        ([[5, 6], [3]], {'x': 5, 'y': 6, '<unk>': 3})
    with pytest.raises(AssertionError):
        mx.rnn.encode_sentences([['q']], vocab={'x': 1})


def test_bucket_sentence_iter(capsys):
    sents = [[1, 2, 3], [4, 5], [6, 7, 8, 9], [1, 1], [2, 2, 2], [3] * 7]
    it = mx.rnn.BucketSentenceIter(sents, 2, invalid_label=0)
    # MXNet 1.9.1 prints this and picks buckets [2, 3]
    assert 'WARNING: discarded 2 sentences longer than the largest bucket.' in \
        capsys.readouterr().out
    assert it.buckets == [2, 3] and it.default_bucket_key == 3
    assert it.provide_data[0].shape == (2, 3) and it.provide_label[0].name == 'softmax_label'
    assert sorted(it.idx) == [(0, 0), (1, 0)]
    seen = {}
    for batch in it:
        data, label = batch.data[0].asnumpy(), batch.label[0].asnumpy()
        assert data.shape == (2, batch.bucket_key) == label.shape
        np.testing.assert_array_equal(label[:, :-1], data[:, 1:])
        assert (label[:, -1] == 0).all()
        seen[batch.bucket_key] = sorted(map(tuple, data.tolist()))
    assert seen == {2: [(1, 1), (4, 5)], 3: [(1, 2, 3), (2, 2, 2)]}
    it2 = mx.rnn.BucketSentenceIter(sents, 1, buckets=[3, 5], layout='TN')
    assert it2.buckets == [3, 5] and len(it2.idx) == 5
    assert it2.provide_data[0].shape == (5, 1)
    batch = next(iter(it2))
    assert batch.data[0].shape == (batch.bucket_key, 1)
    with pytest.raises(ValueError):
        mx.rnn.BucketSentenceIter(sents, 1, layout='XY')


def test_rnn_checkpoints(tmp_path):
    cell = mx.rnn.LSTMCell(2, prefix='k_')
    out, _ = cell.unroll(1, mx.sym.Variable('x'))
    sym = mx.sym.Group(out)
    args = {'k_i2h_weight': _w((8, 3), 1), 'k_i2h_bias': _w((8,), 1),
            'k_h2h_weight': _w((8, 2), 1), 'k_h2h_bias': _w((8,), 1)}
    prefix = str(tmp_path / 'm')
    mx.rnn.save_rnn_checkpoint(cell, prefix, 3, sym, args, {})
    saved = mx.nd.load(prefix + '-0003.params')
    # unpacked on disk, as MXNet 1.9.1 writes it
    assert len(saved) == 16 and 'arg:k_i2h_f_weight' in saved
    np.testing.assert_array_equal(saved['arg:k_h2h_o_bias'].asnumpy(),
                                  args['k_h2h_bias'].asnumpy()[6:])
    _, loaded, aux = mx.rnn.load_rnn_checkpoint([cell], prefix, 3)
    assert sorted(loaded) == sorted(args) and aux == {}
    for k, v in args.items():
        np.testing.assert_array_equal(loaded[k].asnumpy(), v.asnumpy())
    cb = mx.rnn.do_rnn_checkpoint(cell, prefix, period=2)
    cb(0, sym, args, {})
    cb(1, sym, args, {})
    assert sorted(os.listdir(tmp_path)) == ['m-0002.params', 'm-0003.params', 'm-symbol.json']


def test_errors():
    with pytest.raises(NotImplementedError):
        mx.rnn.FusedRNNCell(2)(mx.sym.Variable('x'), [])
    with pytest.raises(AssertionError):
        mx.rnn.ZoneoutCell(mx.rnn.FusedRNNCell(2))
    with pytest.raises(AssertionError):
        mx.rnn.LSTMCell(2).unroll(2, None)
    with pytest.raises(AssertionError):
        mx.rnn.ConvRNNCell((1, 1, 4, 4), 2, h2h_kernel=(2, 2))
