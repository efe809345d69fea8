#!/usr/bin/env node
// Abnormal heartbeats flagged by an LSTM autoencoder's reconstruction error, on the real
// ECG of MIT-BIH record 208 (examples/data): beats found, cut and labelled by their QRS
// width here; the autoencoder trained on the narrow beats of the first 150 s with
// `rnnc train --reconstruct`, quantized to int8 and int16 with `rnnc quantize`; every beat
// of the last 150 s scored in float and through the fixed-point reference (the integers
// the C computes: `rnnc verify` checks that), against a template-distance baseline.
//   npm run build && node examples/anomaly/run.mjs [--seeds 1,2,3] [--epochs N] [-o DIR]
// Prints markdown tables; writes the models, beats.csv (every beat, label and scores) and
// beats.svg (example beats and their reconstructions) to DIR (default .tmp/anomaly).
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAnyModel } from '../../dist/import/detect.js';
import { gateCount } from '../../dist/ir/kinds.js';
import { decoderParams } from '../../dist/ir/seq2seq.js';
import { summarize } from '../../dist/ir/shapes.js';
import { renderSvg } from '../../dist/report/render.js';
import { validateQuantModel } from '../../dist/ir/qio.js';
import { dequantizeOutput, quantizeInput, runFixed } from '../../dist/fixed/model.js';
import { runFloat } from '../../dist/float/model.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const FS = 360; // the record's sampling rate, Hz
const DECIMATE = 4; // beats are fed at 90 Hz: the mean of every 4 samples
const BEFORE = 16, AFTER = 32; // beat window at 90 Hz: 178 ms before the R peak to 356 ms after
const W = BEFORE + AFTER;
const SPLIT_S = 150; // beats before 150 s train, the rest are scored
const ARCH = `lstm:16:seq,decoder:lstm:16:steps=${W}:out=1:init=copy`;

function args(argv) {
  const out = { seeds: [1], epochs: 150, output: join(ROOT, '.tmp', 'anomaly') };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--seeds' && /^\d{1,6}(,\d{1,6})*$/.test(v ?? '')) out.seeds = v.split(',').map(Number);
    else if (k === '--epochs' && /^[1-9]\d{0,5}$/.test(v ?? '')) out.epochs = Number(v);
    else if ((k === '-o' || k === '--output') && v !== undefined) out.output = v;
    else {
      process.stderr.write(`run: ${['--seeds', '--epochs', '-o', '--output'].includes(k) ? `${k}: missing or bad value ${JSON.stringify(v ?? '')} (--seeds 1,2,3; --epochs 1 to 999999; -o DIR)` : `unknown option ${k}`}\n`);
      process.exit(2);
    }
  }
  return out;
}

/**
 * R peaks and QRS widths. The baseline is the centred 1-s moving mean, y = x − baseline; an
 * R peak is the largest y within ±250 ms that exceeds 0.35 × the 99th percentile of y (this
 * record's QRS complexes point up in lead MLII, normal and ventricular alike). The width is
 * the time y stays above half the peak's height around it (full width at half maximum), a
 * stand-in for the QRS duration, which is what separates ventricular beats (wide, ≥ 120 ms
 * clinically) from conducted ones.
 */
function beats(x) {
  const n = x.length, half = Math.round(0.5 * FS), sums = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) sums[i + 1] = sums[i] + x[i];
  const y = Float64Array.from(x, (v, i) => {
    const a = Math.max(0, i - half), b = Math.min(n, i + half + 1);
    return v - (sums[b] - sums[a]) / (b - a);
  });
  const threshold = 0.35 * Float64Array.from(y).sort()[Math.floor(0.99 * n)];
  const R = Math.round(0.25 * FS), peaks = [];
  for (let i = R; i < n - R; i++) {
    if (y[i] < threshold) continue;
    let top = true;
    for (let k = i - R; k <= i + R && top; k++) top = y[k] < y[i] || (y[k] === y[i] && k >= i);
    if (top) peaks.push(i);
  }
  return peaks.map((p) => {
    let a = p, b = p;
    while (a > 0 && y[a] > y[p] / 2) a--;
    while (b < n - 1 && y[b] > y[p] / 2) b++;
    const widthMs = ((b - a) / FS) * 1000;
    const first = p - BEFORE * DECIMATE, last = p + AFTER * DECIMATE;
    const window = first < 0 || last > n ? undefined
      : Array.from({ length: W }, (_, j) => { let s = 0; for (let k = 0; k < DECIMATE; k++) s += y[first + j * DECIMATE + k]; return s / DECIMATE; });
    return { peak: p, time: p / FS, widthMs, label: labelOf(widthMs), window };
  });
}

/** Reference label from the width (ms); the gap 45–70 ms holds the fusion-like beats. */
function labelOf(widthMs) {
  if (widthMs < 45) return 'narrow';
  if (widthMs < 70) return 'intermediate';
  if (widthMs < 150) return 'wide';
  return 'artifact'; // a baseline jump or saturation, not a heartbeat
}

const rnnc = (argList) => execFileSync(process.execPath, [CLI, ...argList], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
const mse = (a, b) => a.reduce((s, v, i) => s + (v - b[i]) ** 2, 0) / a.length;
const quantile = (xs, q) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor(q * s.length))]; };

/** Area under the ROC curve: the chance a wide beat scores above a narrow one (ties count half). */
function auc(pos, neg) {
  let wins = 0;
  for (const p of pos) for (const q of neg) wins += p > q ? 1 : p === q ? 0.5 : 0;
  return wins / (pos.length * neg.length);
}

async function main() {
  const opts = args(process.argv.slice(2));
  mkdirSync(opts.output, { recursive: true });
  const [header, ...rows] = readFileSync(join(ROOT, 'examples', 'data', 'ecg_mitdb208.csv'), 'utf8').trimEnd().split('\n');
  if (header !== 'sample,ecg_mv') throw new Error(`unexpected header ${header}`);
  const all = beats(rows.map((r) => Number(r.split(',')[1])));
  const usable = all.filter((b) => b.window);
  const train = usable.filter((b) => b.time < SPLIT_S), test = usable.filter((b) => b.time >= SPLIT_S);
  const trainNormal = train.filter((b) => b.label === 'narrow');

  // The narrow training beats, one after another: --window W --stride W cuts them back apart.
  const trainCsv = join(opts.output, 'train.csv');
  writeFileSync(trainCsv, `ecg_mv\n${trainNormal.flatMap((b) => b.window.map((v) => v.toFixed(5))).join('\n')}\n`);
  const data = ['--data', trainCsv, '--window', String(W), '--stride', String(W), '--reconstruct', '--features', 'ecg_mv'];
  // Scores: the squared distance to the mean narrow training beat (the baseline), and for
  // each seed and precision the reconstruction's mean squared error per beat (mV²).
  const template = Array.from({ length: W }, (_, j) => trainNormal.reduce((s, b) => s + b.window[j], 0) / trainNormal.length);
  const scorers = { 'template distance': (b) => mse(b.window, template) };
  const reconstructions = {}; // by detector name: beat -> reconstruction
  const trainedLines = [];
  let params = 0;
  for (const seed of opts.seeds) {
    const modelPath = join(opts.output, `ae-seed${seed}.json`);
    const started = Date.now();
    const trained = rnnc(['train', ...data, '--arch', ARCH, '--epochs', String(opts.epochs), '--patience', '20',
      '--batch', '16', '--lr', '0.01', '--seed', String(seed), '--name', 'beat_ae', '-o', modelPath, '--force']).trim().split('\n').at(-1);
    trainedLines.push(`seed ${seed}: ${trained.replace(/^wrote [^:]*: /, '')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    const model = loadAnyModel(modelPath).model;
    const shape = summarize(model);
    params = shape.params + decoderParams(model.decoder, shape.outputSize, gateCount(model.decoder.cell));
    const precisions = { float: (xs) => runFloat(model, xs).map((o) => o[0]) };
    for (const weights of ['int8', 'int16']) {
      const qPath = join(opts.output, `ae-seed${seed}.${weights}.q.json`);
      rnnc(['quantize', modelPath, ...data, '--weights', weights, '-o', qPath, '--force']);
      const q = validateQuantModel(JSON.parse(readFileSync(qPath, 'utf8')), qPath);
      precisions[weights] = (xs) => runFixed(q, xs.map((x) => quantizeInput(q, x))).map((o) => dequantizeOutput(q, o)[0]);
    }
    for (const [name, run] of Object.entries(precisions)) {
      const key = `autoencoder, ${name}${opts.seeds.length > 1 ? `, seed ${seed}` : ''}`;
      reconstructions[key] = new Map();
      scorers[key] = (b) => {
        const r = run(b.window.map((v) => [v]));
        reconstructions[key].set(b, r);
        return mse(b.window, r);
      };
    }
  }
  const scores = new Map(usable.map((b) => [b, {}]));
  for (const [name, score] of Object.entries(scorers)) for (const b of usable) scores.get(b)[name] = score(b);

  // The alarm threshold of each detector: a high percentile (95th, 99th) of its scores on
  // the narrow training beats, which a device can calibrate without abnormal examples.
  const count = (bs, label) => bs.filter((b) => b.label === label).length;
  const lines = [];
  lines.push(`Beats found: ${all.length} (${usable.length} with a whole window); training part (0–${SPLIT_S} s): ${train.length} beats, `
    + `${trainNormal.length} narrow used to train and calibrate; test part (${SPLIT_S}–300 s): ${test.length} beats: `
    + `${count(test, 'narrow')} narrow, ${count(test, 'wide')} wide, ${count(test, 'intermediate')} intermediate, ${count(test, 'artifact')} artifact.`);
  lines.push(`Autoencoder \`${ARCH}\`, ${params} parameters; ${trainedLines.join('; ')}.`);
  lines.push('');
  lines.push('| detector | AUC, wide vs narrow | margin | 95th pct: wide flagged | narrow flagged | intermediate flagged | 99th pct: wide flagged | narrow flagged | intermediate flagged |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  const of = (k, n) => `${k} / ${n}`;
  for (const name of Object.keys(scorers)) {
    const on = (label) => test.filter((b) => b.label === label).map((b) => scores.get(b)[name]);
    const wide = on('wide'), narrow = on('narrow'), mid = on('intermediate');
    const cells = [auc(wide, narrow).toFixed(3), (Math.min(...wide) / Math.max(...narrow)).toFixed(2)];
    for (const q of [0.95, 0.99]) {
      const threshold = quantile(trainNormal.map((b) => scores.get(b)[name]), q);
      const above = (xs) => xs.filter((v) => v > threshold).length;
      cells.push(of(above(wide), wide.length), of(above(narrow), narrow.length), of(above(mid), mid.length));
    }
    lines.push(`| ${name} | ${cells.join(' | ')} |`);
  }
  // Fixed point against float, the same trained model: how far the reconstructions move.
  lines.push('');
  for (const seed of opts.seeds) {
    const tag = opts.seeds.length > 1 ? `, seed ${seed}` : '';
    const float = reconstructions[`autoencoder, float${tag}`];
    const parts = ['int8', 'int16'].map((w) => {
      let max = 0, sq = 0, n = 0;
      for (const b of test) {
        const f = float.get(b);
        reconstructions[`autoencoder, ${w}${tag}`].get(b).forEach((v, j) => { const d = Math.abs(v - f[j]); max = Math.max(max, d); sq += d * d; n++; });
      }
      return `${w} max ${max.toPrecision(2)} mV, RMS ${Math.sqrt(sq / n).toPrecision(2)} mV`;
    });
    lines.push(`Reconstructions of the test beats, fixed point against float${tag}: ${parts.join('; ')}.`);
  }
  const names = Object.keys(scorers);
  writeFileSync(join(opts.output, 'beats.csv'), `time_s,width_ms,label,part,${names.map((n) => n.replace(/[ ,]+/g, '_')).join(',')}\n`
    + usable.map((b) => [b.time.toFixed(3), b.widthMs.toFixed(1), b.label, b.time < SPLIT_S ? 'train' : 'test', ...names.map((n) => scores.get(b)[n].toExponential(4))].join(',')).join('\n') + '\n');
  writeFileSync(join(opts.output, 'beats.svg'), await picture(test, reconstructions[`autoencoder, int8${opts.seeds.length > 1 ? `, seed ${opts.seeds[0]}` : ''}`]));
  console.log(lines.join('\n'));
}

/** The first narrow and the first wide test beat, each with its int8 reconstruction (first seed). */
async function picture(test, reconstructions) {
  const values = [];
  for (const label of ['narrow', 'wide']) {
    const b = test.find((t) => t.label === label);
    const r = reconstructions.get(b);
    const beat = `${label} beat at ${b.time.toFixed(1)} s`;
    b.window.forEach((v, j) => {
      const ms = ((j - BEFORE) * DECIMATE * 1000) / FS;
      values.push({ beat, ms, mV: v, curve: 'ECG (90 Hz, baseline removed)' });
      values.push({ beat, ms, mV: r[j], curve: 'autoencoder, int8' });
    });
  }
  const spec = {
    data: { values },
    facet: { column: { field: 'beat', type: 'nominal', title: null } },
    spec: {
      width: 360, height: 220, mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'ms', type: 'quantitative', title: 'ms from the R peak' },
        y: { field: 'mV', type: 'quantitative', title: 'mV' },
        color: { field: 'curve', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 400 } },
      },
    },
  };
  return renderSvg(spec, 'beats');
}

await main();
