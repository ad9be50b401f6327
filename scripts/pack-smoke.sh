#!/usr/bin/env bash
# The package as users get it: `npm pack` (which builds dist/ through `prepare`), then install the tarball
# into an empty directory and run the installed `kpufit`. Dependencies come from the npm cache when there
# (--prefer-offline), else from the registry. Exit non-zero on any failure; the temp dir is removed.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/kpufit-pack-XXXXXX")"
trap 'rm -rf "$work"' EXIT

cd "$root"
tarball="$(npm pack --silent --pack-destination "$work" | tail -n 1)"
echo "packed $tarball" >&2

mkdir "$work/app"
cd "$work/app"
npm init -y >/dev/null
npm install --silent --no-audit --no-fund --prefer-offline "$work/$tarball"

npx --no-install kpufit --help >/dev/null
version="$(npx --no-install kpufit --version)"
[ "$version" = "$(node -p "require('$root/package.json').version")" ] || { echo "kpufit --version printed '$version'" >&2; exit 1; }
# A real command end to end, from the installed package only: 1 s of generated load into nowhere.
npx --no-install kpufit load --target null --workload taxi --rate 200 --duration 1 --json > stats.json
node -e "const s = require('./stats.json'); if (!(s.sent > 0 && s.failed === 0)) { console.error(s); process.exit(1); }"
# Files the CLI reads at run time ship with it: the Dashboards saved objects, found from the package root.
npx --no-install kpufit dashboards apply --endpoint http://127.0.0.1:9 --auth none --dry-run --json > dashboards.json
node -e "const j=require('./dashboards.json'); if (j.objects.length !== 14) { console.error('dashboards: ' + j.objects.length + ' objects'); process.exit(1); }"
echo "pack smoke: $tarball installs and runs (kpufit $version)" >&2
