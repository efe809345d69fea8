/**
 * Training speed: rnnc against TensorFlow.js (pure JS CPU backend) in the same run, and
 * PyTorch on one CPU thread when python3-torch is installed. Same model, data shape,
 * optimiser (Adam, global-norm clipping 1.0) and batch: 6 features, 64 steps, batch 32,
 * 4-class softmax head; LSTM 32 units and GRU 64 units.
 *
 *   npx tsc -p tsconfig.bench.json && node .tmp/bench/bench/train.js [--batches N]
 *
 * Prints milliseconds per batch and the ratios. rnnc trains in float64, tfjs in
 * float32, PyTorch in float64.
 */
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { parseArch, resolveArch } from '../src/train/arch.js';
import { Bptt } from '../src/train/bptt.js';
import { Net } from '../src/train/net.js';
import { Adam, clipGlobalNorm } from '../src/train/optim.js';
import { Rng } from '../src/util/rng.js';

const T = 64, B = 32, F = 6, K = 4;
const arg = process.argv.indexOf('--batches');
const BATCHES = arg > 0 ? Number(process.argv[arg + 1]) : 20;

function data(seed: number): { x: Float64Array; labels: Int32Array } {
  const rng = new Rng(seed);
  return { x: Float64Array.from({ length: T * B * F }, () => rng.normal()), labels: Int32Array.from({ length: B }, () => rng.int(0, K - 1)) };
}

function timeRnnc(cell: 'lstm' | 'gru', units: number): number {
  const net = new Net(resolveArch(parseArch(`${cell}:${units},dense:${K}:softmax`).layers, false), F);
  net.init(1);
  const bptt = new Bptt(net), opt = new Adam(net.theta.length);
  const { x, labels } = data(2);
  const step = () => {
    net.grad.fill(0);
    bptt.run(x, T, B, { kind: 'class', labels }, true);
    clipGlobalNorm(net.grad, 1);
    opt.step(net.theta, net.grad, 1e-3);
  };
  for (let i = 0; i < 3; i++) step();
  const start = performance.now();
  for (let i = 0; i < BATCHES; i++) step();
  return (performance.now() - start) / BATCHES;
}

async function timeTfjs(cell: 'lstm' | 'gru', units: number, batches: number): Promise<number> {
  await tf.setBackend('cpu');
  const model = tf.sequential();
  model.add(cell === 'lstm' ? tf.layers.lstm({ units, inputShape: [T, F] }) : tf.layers.gru({ units, inputShape: [T, F] }));
  model.add(tf.layers.dense({ units: K, activation: 'softmax' }));
  const opt = tf.train.adam(1e-3);
  const { x, labels } = data(2);
  // rnnc's x is time-major; tfjs wants [batch, time, features].
  const xs = tf.tidy(() => tf.tensor3d(Float32Array.from(x), [T, B, F]).transpose([1, 0, 2]));
  const ys = tf.oneHot(tf.tensor1d(labels, 'int32'), K);
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const step = () => tf.tidy(() => {
    const { grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(ys, model.apply(xs) as tf.Tensor) as tf.Scalar, vars);
    const names = Object.keys(grads);
    const norm = tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]!))))).dataSync()[0]!;
    const scale = norm > 1 ? 1 / norm : 1;
    opt.applyGradients(names.map((name) => ({ name, tensor: tf.mul(grads[name]!, scale) })));
  });
  step();
  const start = performance.now();
  for (let i = 0; i < batches; i++) step();
  return (performance.now() - start) / batches;
}

function timeTorch(cell: 'lstm' | 'gru', units: number): number | undefined {
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import torch'], { stdio: 'ignore' });
  } catch {
    return undefined;
  }
  const script = new URL('../../../bench/train_torch.py', import.meta.url).pathname;
  const out = execFileSync('/usr/bin/python3', [script, cell, String(units), String(BATCHES)], { encoding: 'utf8' });
  return (JSON.parse(out) as { msPerBatch: number }).msPerBatch;
}

const fmt = (v: number) => v.toFixed(1).padStart(8);
console.log(`training speed, ms per batch (batch ${B}, ${T} steps, ${F} features, Adam + clipping; rnnc ${BATCHES} batches)`);
console.log('model                  rnnc      tfjs     torch1   tfjs/rnnc  rnnc/torch');
for (const [cell, units] of [['lstm', 32], ['gru', 64]] as const) {
  const rnnc = timeRnnc(cell, units);
  const tfjs = await timeTfjs(cell, units, cell === 'lstm' ? 4 : 2);
  const torch = timeTorch(cell, units);
  console.log(`${`${cell} ${units} + dense ${K}`.padEnd(20)}${fmt(rnnc)}  ${fmt(tfjs)}  ${torch === undefined ? '       -' : fmt(torch)}  ${fmt(tfjs / rnnc)}x  ${torch === undefined ? '       -' : `${fmt(rnnc / torch)}x`}`);
}
