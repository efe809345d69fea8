// Quantization error of random models: max |y_fixed − y_float| of the model output (h, or
// the dense head's output) at the last of 100 steps,
// per layer kind, weight precision and LUT size. Realistic contractive weights
// (randomModel weightScale 0.5, Glorot-uniform × 0.5; recurrent × 1), inputs uniform in
// [−1, 1], calibration on 8 other sequences of the same distribution.
//
//   npx tsc -p tsconfig.bench.json && node .tmp/bench/bench/quant-error.js [seeds] [lut sizes, comma-separated]
import { runFloat } from '../src/float/model.js';
import { quantizeInput, runFixed } from '../src/fixed/model.js';
import { type LayerSpec, randomModel, randomSequence } from '../src/ir/random.js';
import { quantizeWithData } from '../src/quantize/pipeline.js';

const KINDS: Record<string, LayerSpec[]> = {
  rnn: [{ type: 'rnn', units: 32, returnSequences: true }],
  lstm: [{ type: 'lstm', units: 32, returnSequences: true }],
  'gru (resetAfter)': [{ type: 'gru', units: 32, returnSequences: true, resetAfter: true }],
  'gru (resetBefore)': [{ type: 'gru', units: 32, returnSequences: true, resetAfter: false }],
  'bi-lstm (concat)': [{ type: 'lstm', units: 16, returnSequences: true, bidirectional: 'concat' }],
  'bi-gru (sum)': [{ type: 'gru', units: 16, returnSequences: true, bidirectional: 'sum' }],
  'stacked lstm+gru+rnn': [
    { type: 'lstm', units: 24, returnSequences: true },
    { type: 'gru', units: 24, returnSequences: true },
    { type: 'rnn', units: 24, returnSequences: true },
  ],
  'lstm > dense tanh > softmax': [
    { type: 'lstm', units: 32, returnSequences: true }, { type: 'dense', units: 16, activation: 'tanh' }, { type: 'dense', units: 5, activation: 'softmax' },
  ],
  'gru > dense relu > linear': [
    { type: 'gru', units: 32, returnSequences: true }, { type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 3, activation: 'linear' },
  ],
  'rnn > dense sigmoid': [{ type: 'rnn', units: 32, returnSequences: true }, { type: 'dense', units: 4, activation: 'sigmoid' }],
  'lstm hard_sigmoid': [{ type: 'lstm', units: 32, returnSequences: true, recurrentActivation: 'hard_sigmoid' }],
  'gru (resetAfter) hard_sigmoid_v3': [{ type: 'gru', units: 32, returnSequences: true, resetAfter: true, recurrentActivation: 'hard_sigmoid_v3' }],
  'rnn relu': [{ type: 'rnn', units: 32, returnSequences: true, activation: 'relu' }],
  mingru: [{ type: 'mingru', units: 32, returnSequences: true }],
  minlstm: [{ type: 'minlstm', units: 32, returnSequences: true }],
  'bi-mingru (sum)': [{ type: 'mingru', units: 16, returnSequences: true, bidirectional: 'sum' }],
  'bi-minlstm (concat)': [{ type: 'minlstm', units: 16, returnSequences: true, bidirectional: 'concat' }],
};

const STEPS = 100;
const INPUTS = 6;

function errorAtLast(layers: LayerSpec[], bits: 8 | 16, lutSize: number, seed: number): number {
  const model = randomModel({ inputSize: INPUTS, layers, weightScale: 0.5 }, seed);
  const calib = Array.from({ length: 8 }, (_, k) => randomSequence(INPUTS, STEPS, 10_000 + 100 * seed + k));
  const q = quantizeWithData(model, { sequences: calib, source: 'calib' }, { weightBits: bits, lutSize }).model;
  const xs = randomSequence(INPUTS, STEPS, 20_000 + seed);
  const f = runFloat(model, xs)[STEPS - 1]!;
  const y = runFixed(q, xs.map((x) => quantizeInput(q, x)))[STEPS - 1]!;
  const scale = 2 ** -q.output.frac;
  let e = 0;
  for (let j = 0; j < f.length; j++) e = Math.max(e, Math.abs(y[j]! * scale - f[j]!));
  return e;
}

const seeds = Number(process.argv[2] ?? 10);
const sizes = (process.argv[3] ?? '256,512').split(',').map(Number);
const fmt = (x: number) => x.toExponential(2);
console.log(`max |output error| at step ${STEPS}: median / worst over ${seeds} seeds`);
console.log(['kind', ...sizes.flatMap((n) => [`int8 LUT ${n}`, `int16 LUT ${n}`])].join(' | '));
for (const [name, layers] of Object.entries(KINDS)) {
  const cells: string[] = [];
  for (const n of sizes) {
    for (const bits of [8, 16] as const) {
      const es = Array.from({ length: seeds }, (_, s) => errorAtLast(layers, bits, n, s + 1)).sort((a, b) => a - b);
      cells.push(`${fmt(es[Math.floor((seeds - 1) / 2)]!)} / ${fmt(es[seeds - 1]!)}`);
    }
  }
  console.log([name, ...cells].join(' | '));
}
