#!/usr/bin/env bash
# The main job end to end on the default example (gesture recognition from a 3-axis
# accelerometer): generate data, train an LSTM, quantize and evaluate it, compile it for
# the host and for Cortex-M4, build and run the C, verify it bit for bit, report.
set -euo pipefail
cd "$(dirname "$0")/.."
# The demo needs gcc, the Arm cross compiler with newlib and qemu-system-arm.
bash scripts/toolchain.sh demo
bash scripts/toolchain.sh --check demo >/dev/null
bash scripts/deps.sh

out=out/demo
rm -rf "$out"
mkdir -p "$out"
rnnc() { node dist/cli/main.js "$@"; }
step() { printf '\n== %s\n' "$*"; }

step "1. data: synthetic accelerometer gestures (examples/gesture)"
node examples/gesture/generate.mjs --seed 1 --count 800 -o "$out/gestures.csv"
node examples/gesture/generate.mjs --seed 2 --count 200 -o "$out/gestures-test.csv"

step "2. train: LSTM(16) + dense softmax, BPTT in TypeScript"
rnnc train --data "$out/gestures.csv" --arch "lstm:16,dense:4:softmax" --epochs 12 --lr 0.01 \
  --name gesture -o "$out/gesture.json"
rnnc inspect "$out/gesture.json"

step "3. quantize: int8 weights, calibrated on the training data; accuracy on held-out data"
rnnc quantize "$out/gesture.json" --data "$out/gestures.csv" --eval "$out/gestures-test.csv" -o "$out/gesture.q.json"

step "4. compile for the host, build with gcc, run the conformance test"
rnnc compile "$out/gesture.q.json" --target host -o "$out/host" --emit-test
gcc -std=c99 -O2 -Wall -Wextra -Wpedantic -Wconversion -Wshadow -Werror -I "$out/host" \
  "$out/host/gesture.c" "$out/host/test/gesture_test.c" -o "$out/host/gesture_test"
"$out/host/gesture_test"

step "5. compile for Cortex-M4 (flash/RAM report)"
rnnc compile "$out/gesture.q.json" --target cortex-m4 -o "$out/cortex-m4" --emit-test --report-json "$out/cortex-m4/report.json"

step "6. verify: the C against the TypeScript fixed-point reference, bit for bit (gcc; arm-none-eabi-gcc + QEMU mps2-an386)"
rnnc verify "$out/gesture.q.json" --target host --cases 50
rnnc verify "$out/gesture.q.json" --target cortex-m4 --cases 20

step "7. bench on Cortex-M4 under QEMU: executed instructions per step, flash, RAM"
rnnc bench "$out/gesture.q.json" --target cortex-m4

step "8. report: one HTML page with every figure (open $out/report.html in a browser)"
rnnc report "$out/gesture.json" --data "$out/gestures.csv" --eval "$out/gestures-test.csv" --target cortex-m4 -o "$out/report.html"

printf '\nAll outputs are in %s/.\n' "$out"
