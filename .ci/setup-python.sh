#!/usr/bin/env bash
# Create .venv at the repo root with the Python stack the KeyMapper tests need:
# numpy, jax, jaxlib, flax, torch (CPU) and pytest, pycodestyle and isort (the
# generated files' import placement is checked with them), and pre-commit (the hook manifest is
# validated, and the hook installed and run, with it), installed OFFLINE from this
# machine's local mirror (file indexes + /opt/wheels). Never touches the network index.
# Idempotent: if .venv already imports everything, it exits at once.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VENV="$ROOT/.venv"
PY="$VENV/bin/python"
PACKAGES=(numpy jax jaxlib flax torch pytest pycodestyle isort pre-commit)
CHECK='import numpy, jax, jaxlib, flax, torch, pytest, pycodestyle, isort, pre_commit'

INDEX_URL="${SWITCHEROO_PIP_INDEX_URL:-file:///opt/pypi/simple}"
EXTRA_INDEX_URL="${SWITCHEROO_PIP_EXTRA_INDEX_URL:-file:///opt/pypi-more/simple}"
FIND_LINKS="${SWITCHEROO_PIP_FIND_LINKS:-/opt/wheels}"

start=$(date +%s)

if [ -x "$PY" ] && "$PY" -c "$CHECK" >/dev/null 2>&1; then
  echo "setup-python: $VENV already has ${PACKAGES[*]}; nothing to do."
  exit 0
fi

if [ ! -x "$PY" ]; then
  echo "setup-python: creating $VENV"
  python3 -m venv "$VENV"
else
  echo "setup-python: reusing $VENV (some packages missing)"
fi

echo "setup-python: installing ${PACKAGES[*]} offline (index $INDEX_URL, extra $EXTRA_INDEX_URL, find-links $FIND_LINKS)"
# The constraints file (/etc/xdg/pip/constraints.txt) is applied through pip's config.
# --index-url replaces the default (network) index; PIP_NO_INPUT avoids any prompt.
# One retry: an install interrupted half-way (seen once: a wheel's file missing while unpacking
# torch, with another pip running on the machine) leaves nothing that a second attempt trips on.
for attempt in 1 2; do
  if PIP_NO_INPUT=1 "$VENV/bin/pip" install --quiet --disable-pip-version-check \
    --index-url "$INDEX_URL" \
    --extra-index-url "$EXTRA_INDEX_URL" \
    --find-links "$FIND_LINKS" \
    "${PACKAGES[@]}" > "$VENV/pip.log" 2>&1; then
    grep -v 'is ignored: it is neither a file nor a directory' "$VENV/pip.log" || true
    break
  fi
  grep -v 'is ignored: it is neither a file nor a directory' "$VENV/pip.log" || true
  if [ "$attempt" = 2 ]; then echo "setup-python: pip failed twice" >&2; exit 1; fi
  echo "setup-python: pip failed; trying once more"
done
# (pip looks each project up in both file indexes; the filtered lines are its notes about the
# index that does not hold that project.)

"$PY" - <<'PY'
import importlib
from importlib.metadata import version
for name in ("numpy", "jax", "jaxlib", "flax", "torch", "pytest", "pycodestyle", "isort", "pre_commit"):
    importlib.import_module(name)
    print(f"setup-python:   {name} {version(name.replace('_', '-'))}")
PY
echo "setup-python: done in $(( $(date +%s) - start ))s"
