#!/usr/bin/env bash
# Security gate: synthesizes every environment's stack and scans the Terraform JSON with checkov.
# checkov lives in a project-local virtualenv (.venv) so the scan is reproducible and never touches the
# system Python. A missing python3 is a loud skip on a developer machine but a failure in CI
# (KPUFIT_REQUIRE_CHECKOV=1, set by .ci/run), because CI must prove the gate ran.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKOV_VERSION="3.3.30"
VENV=".venv"
OUT="cdktf.out"
FIXTURE_JAR="__tests__/fixtures/flink-app-fixture.jar"

skip_or_fail() {
  if [ "${KPUFIT_REQUIRE_CHECKOV:-0}" = "1" ]; then
    echo "checkov gate: FAILED: $1 (KPUFIT_REQUIRE_CHECKOV=1 makes the security scan mandatory)" >&2
    exit 1
  fi
  echo "" >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "!! WARNING: security scan (checkov) SKIPPED: $1" >&2
  echo "!! The infrastructure was NOT checked. Install python3 (with venv) and rerun npm test." >&2
  echo "!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!" >&2
  echo "" >&2
  exit 0
}

command -v python3 >/dev/null 2>&1 || skip_or_fail "python3 not found"

if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" >&2 || skip_or_fail "python3 -m venv failed (install the python3-venv package)"
fi

# Reinstall only when the pinned version is not already in the venv: keeps repeated `npm test` fast.
if [ "$("$VENV/bin/python" -m pip show checkov 2>/dev/null | sed -n 's/^Version: //p')" != "$CHECKOV_VERSION" ]; then
  echo "checkov gate: installing checkov==$CHECKOV_VERSION into $VENV (first run takes a minute)" >&2
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION" >&2
fi

[ "${1:-}" = "--install-only" ] && exit 0

# Scan exactly what `cdktf deploy` would apply: every environment, synthesized with the small fixture jar
# unless a real jar is given, so the gate does not depend on the Java build.
rm -rf "$OUT"
KPUFIT_ENV=all KPUFIT_FLINK_JAR="${KPUFIT_FLINK_JAR:-$FIXTURE_JAR}" CDKTF_OUTDIR="$OUT" \
  node_modules/.bin/tsx main.ts >&2

"$VENV/bin/checkov" --quiet --compact --framework terraform_json --config-file .checkov.yaml -d "$OUT"
