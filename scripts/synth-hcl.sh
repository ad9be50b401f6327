#!/usr/bin/env bash
# Exports every stack as HCL (cdktf.out/stacks/<stack>/cdk.tf), CDKTF's exit now that it is archived
# upstream. terraform fmt then parses each file (a syntax check that needs no provider) and rewrites it
# in canonical style; without terraform the raw cdktf output is left as is.
set -euo pipefail
cd "$(dirname "$0")/.."
CHECKPOINT_DISABLE=1 node_modules/.bin/cdktf synth --hcl "$@"
# terraform would read a stale cdk.tf.json from an earlier JSON synth next to the new cdk.tf.
rm -f cdktf.out/stacks/*/cdk.tf.json
if command -v terraform >/dev/null 2>&1; then
  for file in cdktf.out/stacks/*/cdk.tf; do
    terraform fmt -no-color "$file" >/dev/null 2>/tmp/kpufit-fmt.$$ || { cat /tmp/kpufit-fmt.$$ >&2; rm -f /tmp/kpufit-fmt.$$; echo "synth:hcl: $file is not valid HCL" >&2; exit 1; }
  done
  rm -f /tmp/kpufit-fmt.$$
  echo "synth:hcl: HCL written and formatted: $(ls cdktf.out/stacks/*/cdk.tf | tr '\n' ' ')"
else
  echo "synth:hcl: terraform not found: HCL written unformatted and not syntax-checked" >&2
fi
