#!/usr/bin/env bash
# remx developer entry point.
#   bash run.sh train   set up .venv and run the main job (a short training run, no download)
#   bash run.sh test    set up .venv and the MXNet 1.9.1 reference venv (.refmx), run the tests
#                       (the project's tests/, the core and Gluon ones again under
#                       MXNET_ENGINE_TYPE=NaiveEngine, then MXNet 1.9.1's own tests listed in
#                       ci/upstream_pass.txt, which must all pass)
#   bash run.sh upstream   only the MXNet 1.9.1 tests of ci/upstream_pass.txt
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}

setup() {
  if [ ! -x .venv/bin/python ]; then
    echo "run.sh: first run: creating .venv and installing remx with torch 2.13.0 (CPU)," \
         "numpy and the test tools (about 90 s)..." >&2
    "$PY" -m venv .venv
    .venv/bin/pip install --progress-bar off -c ci/constraints.txt -e '.[test]'
  else
    .venv/bin/pip install -q -c ci/constraints.txt -e '.[test]'
  fi
}

setup_reference() {
  # real MXNet 1.9.1 beside the project, used as the oracle by differential tests
  if [ ! -x .refmx/bin/python ] || ! .refmx/bin/python -c 'import mxnet, sklearn' 2>/dev/null; then
    echo "run.sh: creating .refmx, real MXNet 1.9.1 for the differential tests (about 60 s)..." >&2
    "$PY" -m venv .refmx
    .refmx/bin/pip install -q mxnet==1.9.1 'numpy<1.24' scipy==1.10.1 scikit-learn==1.2.2
  fi
}

NAIVE_TESTS=(tests/test_core_basics.py tests/test_ndarray.py tests/test_autograd.py
  tests/test_engine.py tests/test_executor.py tests/test_symbol.py tests/test_gluon_core.py
  tests/test_hybridize.py tests/test_gluon_nn_layers.py tests/test_gluon_loss.py
  tests/test_gluon_data.py tests/test_random.py tests/test_op_indexing.py tests/test_profiler.py
  tests/test_custom_op.py tests/test_main_job.py)

upstream() {
  # MXNet 1.9.1's own unit tests (../shared/mxnet-tests): every test listed in
  # ci/upstream_pass.txt passed here once and must keep passing (a ratchet)
  .venv/bin/python ci/upstream.py ci/upstream_pass.txt --python "$PWD/.venv/bin/python"
}

case "${1:-}" in
  train)
    setup
    .venv/bin/python examples/train.py "${@:2}"
    ;;
  test)
    setup
    setup_reference
    REMX_REFERENCE_PYTHON="$PWD/.refmx/bin/python" .venv/bin/python -m pytest tests "${@:2}"
    # the core and Gluon tests again under MXNet's synchronous engine (mxnet/engine.py)
    MXNET_ENGINE_TYPE=NaiveEngine REMX_REFERENCE_PYTHON="$PWD/.refmx/bin/python" \
      .venv/bin/python -m pytest -q "${NAIVE_TESTS[@]}" "${@:2}"
    upstream
    ;;
  upstream)
    setup
    upstream
    ;;
  *)
    echo "usage: bash run.sh train|test|upstream" >&2
    exit 2
    ;;
esac
