/**
 * Training speed: rnnc against PyTorch on one CPU thread (float32 and float64) when
 * python3-torch is installed, and optionally TensorFlow.js (pure JS CPU backend). Same
 * model, data shape, optimiser (Adam, global-norm clipping 1.0) and batch: 6 features,
 * 64 steps, batch 32, 4-class softmax head; LSTM and GRU (reset gate after the product,
 * as torch's) at 32, 64, 128 and 256 units.
 *
 *   npx tsc -p tsconfig.bench.json && node .tmp/bench/bench/train.js
 *     [--reps N] [--rep-ms MS] [--sizes 32,64] [--cells lstm,gru] [--tfjs]
 *
 * Each number is the median over --reps (default 7) timed repetitions of milliseconds per
 * batch; a repetition runs as many batches as fill about --rep-ms (default 400) ms. rnnc
 * trains in float64, tfjs in float32; PyTorch runs both dtypes, its two legs alternating
 * repetitions in one process right after rnnc's run of the same model.
 */
import { execFileSync } from 'node:child_process';
import { parseArch, resolveArch } from '../src/train/arch.js';
import { Bptt } from '../src/train/bptt.js';
import { Net } from '../src/train/net.js';
import { Adam, clipGlobalNorm } from '../src/train/optim.js';
import { Rng } from '../src/util/rng.js';

type Cell = 'lstm' | 'gru';
const T = 64, B = 32, F = 6, K = 4;
const args = process.argv.slice(2);
const opt = (name: string): string | undefined => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : undefined; };
const REPS = Number(opt('--reps') ?? 7);
const REP_MS = Number(opt('--rep-ms') ?? 400);
const SIZES = (opt('--sizes') ?? '32,64,128,256').split(',').map(Number);
const CELLS = (opt('--cells') ?? 'lstm,gru').split(',') as Cell[];
const TFJS = args.includes('--tfjs');

function data(seed: number): { x: Float64Array; labels: Int32Array } {
  const rng = new Rng(seed);
  return { x: Float64Array.from({ length: T * B * F }, () => rng.normal()), labels: Int32Array.from({ length: B }, () => rng.int(0, K - 1)) };
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b), m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Median ms per batch of `step` over REPS repetitions of about REP_MS each (after 2 warm-up batches). */
function time(step: () => void): number {
  step(); step();
  let start = performance.now();
  step();
  const per = Math.max(1, Math.round(REP_MS / (performance.now() - start)));
  const reps: number[] = [];
  for (let r = 0; r < REPS; r++) {
    start = performance.now();
    for (let i = 0; i < per; i++) step();
    reps.push((performance.now() - start) / per);
  }
  return median(reps);
}

function timeRnnc(cell: Cell, units: number): number {
  const net = new Net(resolveArch(parseArch(`${cell}:${units},dense:${K}:softmax`).layers, false), F);
  net.init(1);
  const bptt = new Bptt(net), adam = new Adam(net.theta.length);
  const { x, labels } = data(2);
  return time(() => {
    net.grad.fill(0);
    bptt.run(x, T, B, { kind: 'class', labels }, true);
    clipGlobalNorm(net.grad, 1);
    adam.step(net.theta, net.grad, 1e-3);
  });
}

async function timeTfjs(cell: Cell, units: number): Promise<number> {
  const tf = await import('@tensorflow/tfjs');
  await tf.setBackend('cpu');
  const model = tf.sequential();
  model.add(cell === 'lstm' ? tf.layers.lstm({ units, inputShape: [T, F] }) : tf.layers.gru({ units, inputShape: [T, F] }));
  model.add(tf.layers.dense({ units: K, activation: 'softmax' }));
  const adam = tf.train.adam(1e-3);
  const { x, labels } = data(2);
  // rnnc's x is time-major; tfjs wants [batch, time, features].
  const xs = tf.tidy(() => tf.tensor3d(Float32Array.from(x), [T, B, F]).transpose([1, 0, 2]));
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), K);
  const vars = model.trainableWeights.map((w) => w.read() as import('@tensorflow/tfjs').Variable);
  const ms = time(() => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as import('@tensorflow/tfjs').Tensor) as import('@tensorflow/tfjs').Scalar, vars);
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))).dataSync()[0]!;
    const scale = norm > 1 ? 1 / norm : 1;
    adam.applyGradients(names.map((name) => ({ name, tensor: tf.mul(grads[name]!, scale) })));
  }));
  model.dispose(); xs.dispose(); ys.dispose();
  return ms;
}

const hasTorch = (() => {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function timeTorch(cell: Cell, units: number): { float64: number; float32: number } | undefined {
  if (!hasTorch) return undefined;
  const script = new URL('../../../bench/train_torch.py', import.meta.url).pathname;
  return JSON.parse(execFileSync('/usr/bin/python3', [script, cell, String(units), String(REPS), String(REP_MS)], { encoding: 'utf8' })) as { float64: number; float32: number };
}

const num = (v: number | undefined, w = 9) => (v === undefined ? '-' : v.toFixed(v < 10 ? 2 : 1)).padStart(w);
const ratio = (v: number | undefined) => (v === undefined ? '-' : `${v.toFixed(2)}x`).padStart(10);
console.log(`training speed, ms per batch (batch ${B}, ${T} steps, ${F} features, ${K}-class head, Adam + clipping);`);
console.log(`median of ${REPS} repetitions of ~${REP_MS} ms; PyTorch ${hasTorch ? 'on one thread' : 'skipped: /usr/bin/python3 cannot import torch'}`);
console.log(`model          rnnc f64  torch f32  torch f64  rnnc/f32  rnnc/f64${TFJS ? '   tfjs f32  tfjs/rnnc' : ''}`);
for (const cell of CELLS) {
  for (const units of SIZES) {
    const rnnc = timeRnnc(cell, units);
    const torch = timeTorch(cell, units);
    const tfjs = TFJS ? await timeTfjs(cell, units) : undefined;
    console.log(`${`${cell} ${units}`.padEnd(12)}${num(rnnc, 10)}  ${num(torch?.float32)}  ${num(torch?.float64)}${ratio(torch && rnnc / torch.float32)}${ratio(torch && rnnc / torch.float64)}${TFJS ? `  ${num(tfjs)}${ratio(tfjs && tfjs / rnnc)}` : ''}`);
  }
}
