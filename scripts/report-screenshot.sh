#!/usr/bin/env bash
# docs/report.png, the README's picture of `rnnc report`: the gesture example generated,
# trained, and reported for Cortex-M4 (instruction counts under QEMU), then the page
# photographed in headless Chromium. Needs dist/ (npm run build) and the toolchains
# (scripts/toolchain.sh all).
# Usage: scripts/report-screenshot.sh [OUT.png]   (default docs/report.png)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=$(realpath -m "${1:-$root/docs/report.png}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
rnnc() { node "$root/dist/cli/main.js" "$@"; }
cd "$work"
node "$root/examples/gesture/generate.mjs" --seed 1 --count 400 -o gestures.csv
node "$root/examples/gesture/generate.mjs" --seed 2 --count 200 -o heldout.csv
rnnc train --data gestures.csv --arch "lstm:16,dense:4:softmax" --epochs 12 --lr 0.01 --name gesture -o gesture.json >/dev/null
rnnc report gesture.json --data gestures.csv --eval heldout.csv --target cortex-m4 -o report.html
node "$root/scripts/screenshot.mjs" report.html "$out"
echo "wrote $out ($(stat -c %s "$out") bytes)"
