/**
 * Calibration speed: `calibrate` (the float reference with every range recorded) against
 * the plain float reference on the same sequences, in the same run. A model of about 116k
 * parameters (LSTM 96 → LSTM 96 → dense 8 on 32 features, 48-step sequences), and GRU
 * and relu-RNN variants; the ratio calibrate / runFloat is what recording the ranges
 * costs on top of running the model (1.0 would be free).
 *
 *   npx tsc -p tsconfig.bench.json && node .tmp/bench/bench/calibrate.js [--sequences N]
 */
import { runFloat } from '../src/float/model.js';
import { prepareModel } from '../src/float/kinds.js';
import type { LayerSpec } from '../src/ir/random.js';
import { randomModel, randomSequence } from '../src/ir/random.js';
import { calibrate } from '../src/quantize/calibrate.js';

const arg = process.argv.indexOf('--sequences');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 60;
const T = 48, F = 32;

const MODELS: Record<string, LayerSpec[]> = {
  'lstm96x2': [{ type: 'lstm', units: 96, returnSequences: true }, { type: 'lstm', units: 96 }, { type: 'dense', units: 8, activation: 'softmax' }],
  'gru128 (reset before)': [{ type: 'gru', units: 128, resetAfter: false, returnSequences: true }, { type: 'dense', units: 8, activation: 'linear' }],
  'rnn relu 128': [{ type: 'rnn', units: 128, activation: 'relu' }, { type: 'dense', units: 8, activation: 'linear' }],
};

/** Best of three: milliseconds per sequence. */
function best(f: () => void): number {
  let min = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = process.hrtime.bigint();
    f();
    min = Math.min(min, Number(process.hrtime.bigint() - t0) / 1e6 / N);
  }
  return min;
}

const seqs = Array.from({ length: N }, (_, s) => randomSequence(F, T, 100 + s));
console.log(`calibration vs the plain float reference: ${N} sequences of ${T} steps, ${F} features (ms per sequence, best of 3)`);
for (const [name, layers] of Object.entries(MODELS)) {
  const model = randomModel({ name: 'b', inputSize: F, layers }, 7);
  const prepared = prepareModel(model);
  const plain = best(() => { for (const s of seqs) runFloat(model, s, prepared); });
  const calib = best(() => { calibrate(model, seqs); });
  console.log(`  ${name.padEnd(22)} runFloat ${plain.toFixed(2).padStart(7)}  calibrate ${calib.toFixed(2).padStart(7)}  ratio ${(calib / plain).toFixed(2)}`);
}
