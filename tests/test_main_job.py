"""The README's main job (examples/train.py) trains to MXNet 1.9.1's accuracy.

The same script runs under both interpreters on the same data split; their final test
accuracies must agree within run-to-run noise (different random init streams).
"""
import os
import re
import subprocess
import sys

from conftest import ROOT, reference_python

SCRIPT = os.path.join(ROOT, 'examples', 'train.py')


def _final_accuracy(python, extra=()):
    p = subprocess.run([python, SCRIPT, '--epochs', '5', *extra], capture_output=True, text=True,
                       timeout=600, cwd=os.path.dirname(ROOT))  # outside the repo: no shadowing
    assert p.returncode == 0, p.stderr[-3000:]
    m = re.search(r'final test accuracy ([0-9.]+)', p.stdout)
    assert m, p.stdout
    losses = [float(x) for x in re.findall(r'loss ([0-9.]+)', p.stdout)]
    return float(m.group(1)), losses


def test_lenet_digits_matches_mxnet_accuracy():
    env_python = sys.executable
    ours, our_losses = _final_accuracy(env_python)
    ref, _ = _final_accuracy(reference_python())
    assert our_losses[-1] < our_losses[0] / 3, our_losses
    assert ours > 0.85 and ref > 0.85, (ours, ref)
    assert abs(ours - ref) < 0.06, (ours, ref)


def test_lenet_digits_hybridized_trains():
    acc, losses = _final_accuracy(sys.executable, ['--hybridize'])
    assert acc > 0.85 and losses[-1] < losses[0] / 3, (acc, losses)
