"""mx.profiler: operators the engine reports, MXNet's aggregate-stats formats, the trace file.

Operators are fed through ``mxnet.engine.report`` with fixed nanosecond times, so every number
in the statistics is known; the custom-operator test runs a real ``mx.nd.Custom``. The
differential test runs the same counter/marker snippet (the one part of MXNet's statistics
that does not depend on timing) under MXNet 1.9.1 and compares the ``dumps()`` text byte for
byte, in every sort order.
"""
import json
import os
from collections import OrderedDict

import pytest

import mxnet as mx
from mxnet import engine, profiler

from conftest import run_reference


@pytest.fixture
def prof(tmp_path):
    """A stopped profiler with fresh statistics, writing to tmp_path/trace.json."""
    fname = str(tmp_path / 'trace.json')

    def reset():
        profiler.set_state('stop')
        profiler.set_config(aggregate_stats=False, continuous_dump=False, profile_all=False,
                            profile_symbolic=True, profile_imperative=True,
                            filename=str(tmp_path / 'flush.json'))
        profiler.dump(True)     # drops the records of earlier tests
        profiler.set_config(aggregate_stats=True, filename=fname)

    reset()
    yield fname
    reset()
    profiler.set_config(aggregate_stats=False, filename='profile.json')


def _ms(us):
    return us / 1000.0


def _report(name, dur_us, start_us=1000, category=None):
    engine.report(name, start_us * 1000, (start_us + dur_us) * 1000, category=category)


def test_hook_follows_state(prof):
    assert engine.E.profile is None
    profiler.set_state('run')
    assert engine.E.profile is not None
    profiler.pause()
    assert engine.E.profile is None
    _report('sqrt', 3)                      # not recorded while paused
    profiler.resume()
    assert engine.E.profile is not None
    _report('exp', 3)
    profiler.set_state('stop')
    assert engine.E.profile is None
    _report('log', 3)                       # nor after stop
    ops = json.loads(profiler.dumps(format='json'))['Time']['operator']
    assert list(ops) == ['exp']


def test_profile_flags(prof):
    profiler.set_config(profile_imperative=False, profile_symbolic=False)
    profiler.set_state('run')
    assert engine.E.profile is None         # no operators profiled
    profiler.set_config(profile_all=True)   # while running: takes effect at once
    assert engine.E.profile is not None
    profiler.set_state('stop')
    profiler.set_config(profile_all='False', profile_imperative='1')   # MXNet's strings
    profiler.set_state('run')
    assert engine.E.profile is not None


def test_json_layout_and_counts(prof):
    profiler.set_state('run')
    _report('sqrt', 5)
    _report('_plus_scalar', 2)
    _report('_plus_scalar', 7)
    profiler.set_state('stop')
    text = profiler.dumps(format='json')
    d = json.loads(text, object_pairs_hook=OrderedDict)
    assert list(d) == ['Time', 'Memory', 'Unit']
    assert d['Unit'] == {'Time': 'ms', 'Memory': 'kB'}
    assert d['Memory'] == {}               # remx has no memory numbers: none are made up
    ops = d['Time']['operator']
    assert list(ops['sqrt']) == ['Count', 'Total', 'Min', 'Max', 'Avg']
    assert ops['sqrt'] == {'Count': 1, 'Total': 0.005, 'Min': 0.005, 'Max': 0.005,
                           'Avg': 0.005}
    assert ops['_plus_scalar'] == {'Count': 2, 'Total': 0.009, 'Min': 0.002, 'Max': 0.007,
                                   'Avg': 0.0045}
    # MXNet's own text layout (comma lines, 4 significant digits)
    assert text.startswith('{\n    "Time": {\n        "operator": {\n'
                           '            "_plus_scalar": {\n                "Count": 2,\n')
    assert '            }\n            ,\n            "sqrt": {\n' in text
    assert text.endswith('    }\n    ,\n    "Memory": {\n    }\n,\n    "Unit": {\n'
                         '        "Time": "ms",\n        "Memory": "kB"\n    }\n}\n')


def test_sorting(prof):
    profiler.set_state('run')
    for name, durs in [('a', [10]), ('b', [1, 1, 1, 1]), ('c', [3, 9]), ('d', [6]),
                       ('e', [6])]:
        for t in durs:
            _report(name, t)
    profiler.set_state('stop')
    field = {'total': 'Total', 'avg': 'Avg', 'min': 'Min', 'max': 'Max', 'count': 'Count'}
    for sort_by, f in field.items():
        for asc in (False, True):
            ops = json.loads(profiler.dumps(format='json', sort_by=sort_by, ascending=asc),
                             object_pairs_hook=OrderedDict)['Time']['operator']
            vals = [v[f] for v in ops.values()]
            assert vals == sorted(vals, reverse=not asc), (sort_by, asc, list(ops))
    # ties go by name, descending, in both directions (MXNet's heap of (value, name))
    ops = json.loads(profiler.dumps(format='json', sort_by='total'))['Time']['operator']
    assert list(ops) == ['c', 'a', 'e', 'd', 'b']
    ops = json.loads(profiler.dumps(format='json', sort_by='total', ascending=True))
    assert list(ops['Time']['operator']) == ['b', 'e', 'd', 'a', 'c']
    with pytest.raises(AssertionError):
        profiler.dumps(sort_by='median')
    with pytest.raises(AssertionError):
        profiler.dumps(format='xml')


def test_table(prof):
    profiler.set_state('run')
    _report('sqrt', 5)
    _report('ResourceParallelRandomSetSeedX', 1234)    # longer than the name column
    profiler.set_state('stop')
    assert profiler.dumps() == (
        '\nProfile Statistics:\n\tNote the difference in units for different entries.\n'
        'operator\n=================\n'
        'Name                          Total Count        Time (ms)    Min Time (ms)    '
        'Max Time (ms)    Avg Time (ms)\n'
        '----                          -----------        ---------    -------------    '
        '-------------    -------------\n'
        'ResourceParallelRandomSetSeedX               1           1.2340           1.2340'
        '           1.2340           1.2340\n'
        'sqrt                                    1           0.0050           0.0050'
        '           0.0050           0.0050\n\n')


def test_reset_and_disabled(prof):
    profiler.set_state('run')
    _report('sqrt', 5)
    assert 'sqrt' in json.loads(profiler.dumps(format='json', reset=True))['Time']['operator']
    assert json.loads(profiler.dumps(format='json')) == {
        'Time': {}, 'Memory': {}, 'Unit': {'Time': 'ms', 'Memory': 'kB'}}
    _report('exp', 5)
    assert list(json.loads(profiler.dumps(format='json'))['Time']) == ['operator']
    profiler.set_config(aggregate_stats=True)          # again: the statistics stay
    assert 'exp' in profiler.dumps()
    profiler.set_config(aggregate_stats=False)         # off: dumps() is empty, as in MXNet
    assert profiler.dumps() == '' and profiler.dumps(format='json') == ''
    profiler.set_config(aggregate_stats=True)          # on again: a fresh start
    assert 'exp' not in profiler.dumps()


def test_user_objects(prof):
    profiler.set_state('run')
    dom = profiler.Domain('Dom')
    task = dom.new_task('work')
    task.start()
    task.stop()
    frame = dom.new_frame('iter')
    frame.start()
    frame.stop()
    ev = profiler.Event('ev')
    ev.start()
    ev.stop()
    c = dom.new_counter('ctr', 7)
    c += 5
    c -= 2
    dom.new_marker('mk').mark('global')
    profiler.set_state('stop')
    t = json.loads(profiler.dumps(format='json'))['Time']
    assert list(t) == ['Dom', 'Dom,frame', 'Dom,instant_marker', 'event']
    assert set(t['Dom']) == {'work', 'ctr'}
    assert t['Dom']['ctr'] == {'Count': 3, 'Total': 0.01, 'Min': 0.007, 'Max': 0.012,
                               'Avg': 0.002}
    assert list(t['Dom,frame']) == ['iter'] and list(t['event']) == ['ev']
    assert t['Dom,instant_marker'] == {}
    profiler.dump()
    with open(prof) as f:
        evs = json.load(f)['traceEvents']
    phases = {(e['cat'], e['name']): set() for e in evs if e['ph'] != 'M'}
    for e in evs:
        if e['ph'] != 'M':
            phases[(e['cat'], e['name'])].add(e['ph'])
    assert phases == {('Dom', 'work'): {'b', 'e'}, ('Dom,frame', 'iter'): {'(', ')'},
                      ('event', 'ev'): {'B', 'E'}, ('Dom', 'ctr'): {'C'},
                      ('Dom,instant_marker', 'mk'): {'n'}}
    assert [e['args'] for e in evs if e['ph'] == 'C'] == [{'ctr': 7}, {'ctr': 12}, {'ctr': 10}]


def test_dump_file(prof):
    profiler.set_state('run')
    _report('sqrt', 5, start_us=100)
    profiler.dump(False)
    with open(prof) as f:
        d = json.load(f)
    assert d['displayTimeUnit'] == 'ms'
    evs = d['traceEvents']
    meta = [e for e in evs if e['ph'] == 'M']
    assert meta == [{'ph': 'M', 'args': {'name': 'operator'}, 'pid': meta[0]['pid'],
                     'name': 'process_name'}]
    ops = [e for e in evs if e['ph'] != 'M']
    assert [(e['name'], e['cat'], e['ph'], e['ts']) for e in ops] == [
        ('sqrt', 'operator', 'B', 100), ('sqrt', 'operator', 'E', 105)]
    size = os.path.getsize(prof)
    _report('_plus_scalar', 2, start_us=200)
    _report('probe', 2, start_us=300, category='Custom Operator')
    profiler.dump(False)                    # appends: the file grows and stays valid JSON
    assert os.path.getsize(prof) > size
    with open(prof) as f:
        evs = json.load(f)['traceEvents']
    names = [(e['cat'], e['name']) for e in evs if e['ph'] == 'B']
    assert names == [('operator', 'sqrt'), ('operator', '_plus_scalar'),
                     ('Custom Operator', 'probe')]
    assert [e['args']['name'] for e in evs if e['ph'] == 'M'] == ['operator', 'Custom Operator']
    profiler.dump(True)                     # ends the session, and profiling
    assert engine.E.profile is None
    profiler.set_state('run')
    _report('exp', 1)
    profiler.dump()                         # a new session: a new file
    with open(prof) as f:
        evs = json.load(f)['traceEvents']
    assert [e['name'] for e in evs if e['ph'] == 'B'] == ['exp']


def test_custom_operator_names(prof):
    class AddOne(mx.operator.CustomOp):
        def forward(self, is_train, req, in_data, out_data, aux):
            engine.report('probe', 0, 1000)          # an operator the forward runs
            self.assign(out_data[0], req[0], in_data[0] + 1)

        def backward(self, req, out_grad, in_data, out_data, in_grad, aux):
            engine.report('probe', 0, 1000)
            self.assign(in_grad[0], req[0], out_grad[0])

    @mx.operator.register('RemxProfAddOne')
    class AddOneProp(mx.operator.CustomOpProp):
        def __init__(self):
            super().__init__(need_top_grad=True)

        def list_arguments(self):
            return ['data']

        def list_outputs(self):
            return ['output']

        def infer_shape(self, in_shape):
            return [in_shape[0]], [in_shape[0]], []

        def create_operator(self, ctx, shapes, dtypes):
            return AddOne()

    profiler.set_state('run')
    x = mx.nd.array([1.0, 2.0])
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Custom(x, op_type='RemxProfAddOne')
    y.backward()
    mx.nd.waitall()
    profiler.set_state('stop')
    assert x.grad.asnumpy().tolist() == [1.0, 1.0]
    t = json.loads(profiler.dumps(format='json'))['Time']
    custom = t['Custom Operator']
    for name in ('RemxProfAddOne::pure_python', '_backward_RemxProfAddOne::pure_python',
                 'RemxProfAddOne::probe', '_backward_RemxProfAddOne::probe'):
        assert custom[name]['Count'] == 1, (name, sorted(custom))
    assert 'probe' not in t.get('operator', {})
    # outside the custom op, operators are 'operator' again
    profiler.set_state('run')
    _report('probe', 1)
    assert json.loads(profiler.dumps(format='json'))['Time']['operator']['probe']['Count'] == 1
    profiler.set_state('stop')
    profiler.dump()
    with open(prof) as f:
        evs = json.load(f)['traceEvents']
    assert ('Custom Operator', 'RemxProfAddOne::pure_python') in {
        (e['cat'], e['name']) for e in evs if e['ph'] == 'B'}


_COUNTERS = '''
from mxnet import profiler
profiler.set_config(filename=FNAME, aggregate_stats=True, profile_symbolic=False,
                    profile_imperative=False, profile_api=False, profile_memory=False)
profiler.set_state('run')
d = profiler.Domain('Dom')
c = d.new_counter('ctr', 7); c += 5; c -= 2; c.set_value(1000)
profiler.Counter(d, 'another', 123456)
d2 = profiler.Domain('Abc')
c3 = d2.new_counter('zz'); c3.increment(3)
c4 = d2.new_counter('aa'); c4.increment(3); c4.increment(1)
c5 = d2.new_counter('wrap'); c5.set_value(10); c5 -= 30; c5.set_value(3000000000)
d.new_marker('mk').mark('global')
profiler.Marker(d2, 'mk3').mark('task')
for sb in ['total', 'avg', 'min', 'max', 'count']:
    for asc in [False, True]:
        OUT['json_%s_%s' % (sb, asc)] = profiler.dumps(format='json', sort_by=sb, ascending=asc)
        OUT['table_%s_%s' % (sb, asc)] = profiler.dumps(sort_by=sb, ascending=asc)
profiler.set_state('stop')
OUT['reset'] = profiler.dumps(format='json', reset=True) != ''
OUT['after_reset'] = profiler.dumps(format='json')
'''


def test_dumps_text_matches_mxnet(prof, tmp_path):
    code = 'FNAME = %r\n' % str(tmp_path / 'ref.json') + _COUNTERS
    ref = run_reference(code)
    env = {'OUT': {}, 'FNAME': prof}
    exec(code.replace('FNAME = %r\n' % str(tmp_path / 'ref.json'), ''), env)
    ours = env['OUT']
    assert sorted(ours) == sorted(ref)
    for k in sorted(ref):
        assert ours[k] == ref[k], '%s differs:\n--- MXNet\n%s\n--- remx\n%s' % (k, ref[k], ours[k])
