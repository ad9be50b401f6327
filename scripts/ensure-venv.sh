#!/usr/bin/env bash
# Installs pinned Python tools into a project-local virtualenv, so nothing touches the system Python.
# Usage: [KPUFIT_VENV=.venv-moto] scripts/ensure-venv.sh 'moto[server]==5.2.5' [more pins...]
# KPUFIT_VENV (default .venv) keeps tools with clashing dependencies apart: checkov holds botocore at a
# version whose CloudWatch model predates the JSON protocol the SDK now speaks, so moto lives in .venv-moto.
# Idempotent and fast when the pins are already there; serialized with flock because several test
# processes may ask at once. Exits 3 when python3 (with venv) is missing so callers can decide to skip.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${KPUFIT_VENV:-.venv}"

command -v python3 >/dev/null 2>&1 || { echo "ensure-venv: python3 not found" >&2; exit 3; }

exec 9>"$VENV.lock"
flock 9

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" >&2 || { echo "ensure-venv: python3 -m venv failed (install python3-venv)" >&2; exit 3; }
fi

missing=()
for pin in "$@"; do
  name="${pin%%==*}"; name="${name%%[*}"; want="${pin##*==}"
  have="$( ("$VENV/bin/python" -m pip show "$name" 2>/dev/null || true) | sed -n 's/^Version: //p')"
  [ "$have" = "$want" ] || missing+=("$pin")
done

if [ "${#missing[@]}" -gt 0 ]; then
  echo "ensure-venv: installing ${missing[*]} into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "${missing[@]}" >&2
fi
