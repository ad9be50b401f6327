#!/usr/bin/env bash
# Security gate: synthesizes every environment's stack and scans the Terraform JSON with checkov.
# checkov lives in the project-local virtualenv (.venv, scripts/ensure-venv.sh) so the scan is reproducible
# and never touches the system Python. A missing python3 is a loud skip on a developer machine but a failure in CI
# (KPUFIT_REQUIRE_CHECKOV=1, set by .ci/run), because CI must prove the gate ran.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKOV_VERSION="3.3.30"
VENV=".venv" # created by scripts/ensure-venv.sh
OUT="cdktf.out"
FIXTURE_JAR="__tests__/fixtures/flink-app-fixture.jar"
PYTHON="${KPUFIT_PYTHON:-python3}" # the interpreter that creates the venv; overridable for tests

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

command -v "$PYTHON" >/dev/null 2>&1 || skip_or_fail "$PYTHON not found"

# The shared project venv (.venv): reinstalls only when the pinned version is not there yet.
set +e
scripts/ensure-venv.sh "checkov==$CHECKOV_VERSION"
status=$?
set -e
[ "$status" -eq 3 ] && skip_or_fail "python3 (with venv) is not usable"
[ "$status" -eq 0 ] || { echo "checkov gate: FAILED: could not install checkov==$CHECKOV_VERSION" >&2; exit 1; }

[ "${1:-}" = "--install-only" ] && exit 0

# Scan exactly what `cdktf deploy` would apply: every environment, synthesized with the small fixture jar
# unless a real jar is given, so the gate does not depend on the Java build.
rm -rf "$OUT"
KPUFIT_ENV=all KPUFIT_FLINK_JAR="${KPUFIT_FLINK_JAR:-$FIXTURE_JAR}" CDKTF_OUTDIR="$OUT" \
  node_modules/.bin/tsx main.ts >&2
# And the opt-in consumers no committed config turns on (QuickSight), so they are scanned too.
KPUFIT_FLINK_JAR="${KPUFIT_FLINK_JAR:-$FIXTURE_JAR}" CDKTF_OUTDIR="$OUT" node_modules/.bin/tsx scripts/synth-opt-in.ts >&2

"$VENV/bin/checkov" --quiet --compact --framework terraform_json --config-file .checkov.yaml -d "$OUT"
