#!/usr/bin/env bash
# Quantization quality on the project's trained examples, through the CLI:
#   gesture   examples/gesture (synthetic 3-axis accelerometer, 4 classes), LSTM and GRU
#   sunspots  examples/data/sunspots.csv, 12-year windows -> next year, train 1700-1946,
#             evaluate on 1947-2008 (windows reaching back into 1935-1946 for input)
# Each model is calibrated on its training data and evaluated (--eval) on held-out data:
# accuracy or RMSE of float vs int8 vs int16.
# Run: npx tsc -p tsconfig.json && bash bench/quant-trained.sh [outdir]
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-.tmp/quant-trained}"
mkdir -p "$out"
rnnc() { node dist/cli/main.js "$@"; }

node examples/gesture/generate.mjs --seed 1 --count 800 -o "$out/gestures.csv"
node examples/gesture/generate.mjs --seed 2 --count 200 -o "$out/gestures-test.csv"
for arch in lstm gru; do
  rnnc train --data "$out/gestures.csv" --arch "$arch:16,dense:4:softmax" --epochs 12 --lr 0.01 --name gesture -o "$out/gesture-$arch.json"
  for w in int8 int16; do
    echo "--- gesture $arch, --weights $w"
    rnnc quantize "$out/gesture-$arch.json" --calib "$out/gestures.csv" --weights "$w" -o "$out/gesture-$arch.$w.q.json" --eval "$out/gestures-test.csv"
  done
done

head -n 248 examples/data/sunspots.csv > "$out/sunspots-train.csv"            # header + 1700-1946
{ echo 'year,sunspots'; sed -n '237,310p' examples/data/sunspots.csv; } > "$out/sunspots-test.csv"  # 1935-2008
for arch in gru:8 lstm:16; do
  name="sunspots-${arch%%:*}"
  rnnc train --data "$out/sunspots-train.csv" --window 12 --features sunspots --arch "$arch,dense:1" --epochs 80 --patience 20 --batch 16 --lr 0.01 --name sunspots -o "$out/$name.json"
  for w in int8 int16; do
    echo "--- $name, --weights $w"
    rnnc quantize "$out/$name.json" --calib "$out/sunspots-train.csv" --window 12 --features sunspots --weights "$w" \
      -o "$out/$name.$w.q.json" --eval "$out/sunspots-test.csv"
  done
done
