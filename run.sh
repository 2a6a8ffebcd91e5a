#!/usr/bin/env bash
# remx developer entry point.
#   bash run.sh train   set up .venv and run the main job (a short training run, no download)
#   bash run.sh test    set up .venv and the MXNet 1.9.1 reference venv (.refmx), run the tests
set -euo pipefail
cd "$(dirname "$0")"
PY=${PYTHON:-python3}

setup() {
  if [ ! -x .venv/bin/python ]; then "$PY" -m venv .venv; fi
  .venv/bin/pip install -q -c ci/constraints.txt -e '.[test]'
}

setup_reference() {
  # real MXNet 1.9.1 beside the project, used as the oracle by differential tests
  if [ ! -x .refmx/bin/python ] || ! .refmx/bin/python -c 'import mxnet, sklearn' 2>/dev/null; then
    "$PY" -m venv .refmx
    .refmx/bin/pip install -q mxnet==1.9.1 'numpy<1.24' scipy==1.10.1 scikit-learn==1.2.2
  fi
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
    ;;
  *)
    echo "usage: bash run.sh train|test" >&2
    exit 2
    ;;
esac
