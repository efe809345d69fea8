/**
 * Calibration speed, in one run on the same sequences: the plain float reference
 * (runFloat, one sequence at a time) as the baseline, calibration one sequence at a time
 * through it (calibrateReference), and calibration on the batched float reference
 * (calibrate: float/batch.ts, BATCH_ROWS sequences at once); then the same two ways for
 * the tuning moments (`--tune`: quantize/tune-stats.ts). A model of 124,424 parameters
 * (LSTM 96 → LSTM 96 → dense 8 on 32 features, 48-step sequences), and GRU and relu-RNN
 * variants. `speed-up` is per-sequence / batched; both ways give equal results (checked
 * here too). Times are CPU time, best of 3.
 *
 *   npx tsc -p tsconfig.bench.json && node .tmp/bench/bench/calibrate.js [--sequences N]
 */
import { runFloat } from '../src/float/model.js';
import { prepareModel } from '../src/float/kinds.js';
import type { LayerSpec } from '../src/ir/random.js';
import { randomModel, randomSequence } from '../src/ir/random.js';
import { calibrate } from '../src/quantize/calibrate.js';
import { calibrateReference } from '../src/quantize/calibrate-reference.js';
import { collectMoments } from '../src/quantize/moments-batch.js';
import { collectMomentsReference } from '../src/quantize/tune-stats-reference.js';

const arg = process.argv.indexOf('--sequences');
const N = arg > 0 ? Number(process.argv[arg + 1]) : 60;
const T = 48, F = 32;

const MODELS: Record<string, LayerSpec[]> = {
  'lstm96x2': [{ type: 'lstm', units: 96, returnSequences: true }, { type: 'lstm', units: 96 }, { type: 'dense', units: 8, activation: 'softmax' }],
  'gru128 (reset before)': [{ type: 'gru', units: 128, resetAfter: false, returnSequences: true }, { type: 'dense', units: 8, activation: 'linear' }],
  'rnn relu 128': [{ type: 'rnn', units: 128, activation: 'relu' }, { type: 'dense', units: 8, activation: 'linear' }],
};

/** CPU milliseconds of this process (user + system): less disturbed than wall time on a shared machine. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Best of three: CPU milliseconds per sequence. */
function best(f: () => void): number {
  let min = Infinity;
  for (let r = 0; r < 3; r++) {
    const t0 = cpuMs();
    f();
    min = Math.min(min, (cpuMs() - t0) / N);
  }
  return min;
}

const seqs = Array.from({ length: N }, (_, s) => randomSequence(F, T, 100 + s));
console.log(`calibration: ${N} sequences of ${T} steps, ${F} features (CPU ms per sequence, best of 3)`);
for (const [name, layers] of Object.entries(MODELS)) {
  const model = randomModel({ name: 'b', inputSize: F, layers }, 7);
  const prepared = prepareModel(model);
  const plain = best(() => { for (const s of seqs) runFloat(model, s, prepared); });
  const ref = best(() => { calibrateReference(model, seqs); });
  const batched = best(() => { calibrate(model, seqs); });
  const same = JSON.stringify(calibrate(model, seqs)) === JSON.stringify(calibrateReference(model, seqs));
  console.log(`  ${name.padEnd(22)} runFloat ${plain.toFixed(2).padStart(6)}  calibrate: per-sequence ${ref.toFixed(2).padStart(6)}  batched ${batched.toFixed(2).padStart(6)}  speed-up ${(ref / batched).toFixed(1)}×  ranges ${same ? 'equal' : 'DIFFER'}`);
  const mRef = best(() => { collectMomentsReference(model, seqs); });
  const mBatched = best(() => { collectMoments(model, seqs); });
  const mSame = JSON.stringify(collectMoments(model, seqs), (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v))
    === JSON.stringify(collectMomentsReference(model, seqs), (_k, v: unknown) => (v instanceof Float64Array ? Array.from(v) : v));
  console.log(`  ${''.padEnd(22)} ${''.padEnd(15)}  moments:   per-sequence ${mRef.toFixed(2).padStart(6)}  batched ${mBatched.toFixed(2).padStart(6)}  speed-up ${(mRef / mBatched).toFixed(1)}×  moments ${mSame ? 'equal' : 'DIFFER'}`);
}
