// Quantization quality on two briefly trained models, measured through `rnnc quantize --eval`:
//   gesture:  synthetic 3-axis accelerometer gestures (idle, shake, circle, lift; noisy),
//             GRU(16, resetAfter false) -> dense softmax(4); metric: accuracy
//   sunspots: yearly sunspot numbers (bench/data/sunspots.csv), 20-year windows -> next
//             year, LSTM(16) -> dense linear(1); metric: RMSE (normalised units)
// Models are trained with TensorFlow.js (a devDependency) as stand-ins for the project's
// own trainer examples, converted to the rnnc IR (gate order and row layout), then
// quantized with calibration on training sequences and evaluated on held-out ones.
// Run: npx tsc -p tsconfig.json && node bench/quant-examples.mjs [outdir]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../dist/util/rng.js';

const here = new URL('.', import.meta.url).pathname;
const out = process.argv[2] ?? join(here, '../.tmp/quant-examples');
mkdirSync(out, { recursive: true });

/** tfjs kernel [in, G·u] (gate blocks in tfjs order) -> rnnc rows [G·u][in] in rnnc order. */
function rows(kernel, units, perm) {
  const [inDim] = kernel.shape;
  const k = kernel.arraySync();
  return perm.flatMap((g) => Array.from({ length: units }, (_, j) => Array.from({ length: inDim }, (_, c) => k[c][g * units + j])));
}
function vec(bias, units, perm) {
  const b = bias.arraySync();
  return perm.flatMap((g) => Array.from({ length: units }, (_, j) => b[g * units + j]));
}

function convert(model, name, type, units, inputSize, norm, head) {
  const [k, rk, b] = model.layers[0].getWeights();
  const perm = type === 'gru' ? [1, 0, 2] : [0, 1, 2, 3]; // tfjs GRU gates z, r, h; LSTM i, f, c, o
  const rec = { type, units, returnSequences: false, weights: { kernel: rows(k, units, perm), recurrentKernel: rows(rk, units, perm), bias: vec(b, units, perm) } };
  if (type === 'gru') rec.resetAfter = false;
  const [dk, db] = model.layers[1].getWeights();
  const dense = { type: 'dense', units: head.units, activation: head.activation, weights: { kernel: rows(dk, head.units, [0]), bias: db.arraySync() } };
  return { format: 'rnnc-model', version: 1, name, inputSize, normalization: norm, layers: [rec, dense] };
}

function meanStd(seqs, n) {
  const mean = new Array(n).fill(0);
  const sq = new Array(n).fill(0);
  let count = 0;
  for (const s of seqs) for (const x of s) { count++; x.forEach((v, i) => { mean[i] += v; sq[i] += v * v; }); }
  const m = mean.map((v) => v / count);
  return { mean: m, std: sq.map((v, i) => Math.sqrt(Math.max(1e-8, v / count - m[i] ** 2))) };
}

async function train(type, units, inputSize, head, xs, ys, epochs) {
  const model = tf.sequential();
  // Seeded initializers: the same weights, hence the same numbers, on every run.
  const cfg = {
    units, inputShape: [null, inputSize], recurrentActivation: 'sigmoid',
    kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }),
  };
  model.add(type === 'gru' ? tf.layers.gru(cfg) : tf.layers.lstm(cfg));
  model.add(tf.layers.dense({ units: head.units, activation: head.activation, kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: head.activation === 'softmax' ? 'sparseCategoricalCrossentropy' : 'meanSquaredError' });
  await model.fit(tf.tensor3d(xs), tf.tensor2d(ys), { epochs, batchSize: 32, verbose: 0, shuffle: false });
  return model;
}

function gesture(rng, cls, steps) {
  const noise = () => 0.6 * rng.normal();
  const a = rng.uniform(0.5, 1.2);
  const f = rng.uniform(0.8, 1.6);
  const ph = rng.uniform(0, 2 * Math.PI);
  return Array.from({ length: steps }, (_, t) => {
    const s = t / 25; // 25 Hz
    let x = 0, y = 0, z = 1;
    if (cls === 1) x = a * Math.sin(2 * Math.PI * 4 * f * s + ph);
    if (cls === 2) { x = a * Math.cos(2 * Math.PI * f * s + ph); y = a * Math.sin(2 * Math.PI * f * s + ph); }
    if (cls === 3) z += a * Math.exp(-(((s - 0.8) / 0.3) ** 2));
    return [x + noise(), y + noise(), z + noise()];
  });
}

function normalise(seqs, norm) {
  return seqs.map((s) => s.map((x) => x.map((v, i) => (v - norm.mean[i]) / norm.std[i])));
}

function quantize(name, model, calib, evalData) {
  const m = join(out, `${name}.json`);
  writeFileSync(m, JSON.stringify(model));
  writeFileSync(join(out, `${name}.calib.json`), JSON.stringify(calib));
  writeFileSync(join(out, `${name}.eval.json`), JSON.stringify(evalData));
  for (const w of ['int8', 'int16']) {
    const report = execFileSync('node', [join(here, '../dist/cli/main.js'), 'quantize', m, '--calib', join(out, `${name}.calib.json`),
      '-o', join(out, `${name}.${w}.q.json`), '--weights', w, '--eval', join(out, `${name}.eval.json`)], { encoding: 'utf8' });
    process.stdout.write(`--- ${name}, --weights ${w}\n${report}`);
  }
}

async function gestureExample() {
  const rng = new Rng(2024);
  const make = (n) => Array.from({ length: n }, (_, i) => ({ cls: i % 4, seq: gesture(rng, i % 4, 40) }));
  const trainSet = make(800);
  const test = make(400);
  const norm = meanStd(trainSet.map((e) => e.seq), 3);
  const model = await train('gru', 16, 3, { units: 4, activation: 'softmax' }, normalise(trainSet.map((e) => e.seq), norm), trainSet.map((e) => [e.cls]), 15);
  const ir = convert(model, 'gesture', 'gru', 16, 3, norm, { units: 4, activation: 'softmax' });
  quantize('gesture', ir, trainSet.slice(0, 100).map((e) => e.seq), { inputs: test.map((e) => e.seq), targets: test.map((e) => e.cls) });
}

async function sunspotExample() {
  const text = readFileSync(join(here, 'data/sunspots.csv'), 'utf8').trim().split('\n').slice(1);
  const series = text.map((l) => Number(l.split(',')[1]));
  const W = 20;
  const windows = [];
  for (let t = 0; t + W < series.length; t++) windows.push({ seq: series.slice(t, t + W).map((v) => [v]), y: series[t + W] });
  const split = 230;
  const trainSet = windows.slice(0, split);
  const test = windows.slice(split);
  const norm = meanStd(trainSet.map((e) => e.seq), 1);
  const z = (v) => (v - norm.mean[0]) / norm.std[0];
  const model = await train('lstm', 16, 1, { units: 1, activation: 'linear' }, normalise(trainSet.map((e) => e.seq), norm), trainSet.map((e) => [z(e.y)]), 60);
  const ir = convert(model, 'sunspots', 'lstm', 16, 1, norm, { units: 1, activation: 'linear' });
  quantize('sunspots', ir, trainSet.map((e) => e.seq), { inputs: test.map((e) => e.seq), targets: test.map((e) => z(e.y)) });
}

await gestureExample();
await sunspotExample();
