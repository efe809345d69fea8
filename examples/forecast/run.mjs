#!/usr/bin/env node
// Multi-step forecasting on a real series: an encoder–decoder writing K steps in one decode
// against a one-step model iterated K times, the naive and the seasonal-naive forecasts, in
// float and through the fixed-point reference with int8 and int16 weights.
//   npm run build && node examples/forecast/run.mjs [--seeds 1,2,3] [-o DIR]
// Trains and quantizes with the CLI (dist/cli/main.js), then evaluates with the library's
// float and fixed-point references (dist/), because the iterated model's feedback loop
// (its prediction appended to its own input window) is not something `rnnc quantize
// --eval` does. Prints markdown tables: RMSE per horizon step k = 1…K and overall.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAnyModel } from '../../dist/import/detect.js';
import { validateQuantModel } from '../../dist/ir/qio.js';
import { dequantizeOutput, quantizeInput, runFixed } from '../../dist/fixed/model.js';
import { runFloat } from '../../dist/float/model.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'dist', 'cli', 'main.js');
const SOURCE = join(ROOT, 'examples', 'data', 'sunspots.csv');

// The experiment. Sunspots are yearly, 1700–2008 (309 rows); the last year used for
// training or calibration is 1929 (the first 230 rows), every forecast target is 1930 or later.
const CFG = {
  trainRows: 230, // 1700–1929
  // Input windows: one and two solar cycles of context. On the validation years (the last
  // windows of the training part) 12 suited the encoder–decoders better and the one-step
  // model equally well, but the one-step model's validation is one step ahead, which says
  // little about it iterated: both are run.
  windows: [12, 24],
  steps: 10, // K: forecast 10 years ahead, about one cycle
  season: 11, // the seasonal-naive lag (the ~11-year cycle)
  train: ['--epochs', '80', '--patience', '20', '--batch', '16', '--lr', '0.01'],
  // Two encoder–decoders (with and without attention) and the one-step model; an LSTM of
  // 24 units has about as many weights as they have (counted in the table).
  models: [
    { name: 'encoder–decoder, Bahdanau attention', file: 's2s-att', arch: 'lstm:16:seq,decoder:lstm:16:steps=10:out=1:bahdanau=8:init=copy', extra: ['--sampling', '0.5'] },
    { name: 'encoder–decoder, no attention', file: 's2s', arch: 'lstm:16:seq,decoder:lstm:16:steps=10:out=1:init=copy', extra: ['--sampling', '0.5'] },
    { name: 'one-step LSTM, iterated', file: 'one', arch: 'lstm:24,dense:1', extra: [], iterated: true },
  ],
};

function args(argv) {
  const out = { seeds: [1, 2, 3], output: join(ROOT, '.tmp', 'forecast') };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--seeds' && /^\d+(,\d+)*$/.test(v ?? '')) out.seeds = v.split(',').map(Number);
    else if ((k === '-o' || k === '--output') && v !== undefined) out.output = v;
    else { process.stderr.write(`run: unknown option or missing value: ${k}\n`); process.exit(2); }
  }
  return out;
}

function rnnc(argList) {
  return execFileSync(process.execPath, [CLI, ...argList], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Number of trained parameters: every number in the layers and the decoder (not normalisation). */
function countParams(json) {
  const count = (v) => (typeof v === 'number' ? 1 : Array.isArray(v) ? v.reduce((s, x) => s + count(x), 0)
    : v && typeof v === 'object' ? Object.values(v).reduce((s, x) => s + count(x), 0) : 0);
  const weights = (l) => count(l.weights ?? {}) + count(l.forward?.weights ?? {}) + count(l.backward?.weights ?? {});
  const d = json.decoder;
  const dec = d ? count(d.weights) + count(d.projection?.kernel) + count(d.projection?.bias)
    + count(d.attention?.weights ?? {}) + count(d.init?.kernel ?? []) + count(d.init?.bias ?? []) : 0;
  return json.layers.reduce((s, l) => s + weights(l), 0) + dec;
}

const opts = args(process.argv.slice(2));
const { trainRows, steps: K, season } = CFG;
const lines = readFileSync(SOURCE, 'utf8').trimEnd().split('\n');
const [header, ...rows] = lines;
const years = rows.map((r) => Number(r.split(',')[0]));
const y = rows.map((r) => Number(r.split(',')[1]));
mkdirSync(opts.output, { recursive: true });
const trainCsv = join(opts.output, 'train.csv');
writeFileSync(trainCsv, `${[header, ...rows.slice(0, trainRows)].join('\n')}\n`);

// Forecast origins: every t whose K targets y[t … t+K−1] lie in the held-out part; the
// inputs y[t−W … t−1] may reach back into the training years, the targets never do.
const origins = [];
for (let t = trainRows; t + K <= y.length; t++) origins.push(t);
const windowAt = (W, t) => y.slice(t - W, t).map((v) => [v]);

/** Squared errors per step k, summed over the origins, into an RMSE per k and overall. */
function rmse(forecast) {
  const sq = new Float64Array(K);
  for (const t of origins) {
    const f = forecast(t);
    for (let k = 0; k < K; k++) sq[k] += (f[k] - y[t + k]) ** 2;
  }
  const perK = Array.from(sq, (s) => Math.sqrt(s / origins.length));
  const all = Math.sqrt(sq.reduce((a, b) => a + b, 0) / (K * origins.length));
  return { perK, all };
}

const fixedOf = (q) => (xs) => runFixed(q, xs.map((x) => quantizeInput(q, x))).map((o) => dequantizeOutput(q, o)[0]);
const floatOf = (m) => (xs) => runFloat(m, xs).map((o) => o[0]);

/** The encoder–decoder: K outputs from one decode. */
const direct = (W, run) => (t) => run(windowAt(W, t));
/** The one-step model fed its own prediction K−1 times; the fixed-point variant feeds back
 * the dequantized output, which the device does by converting its output to input units. */
const iterated = (W, run) => (t) => {
  const win = windowAt(W, t);
  const out = [];
  for (let k = 0; k < K; k++) {
    const p = run(win).at(-1);
    out.push(p);
    win.shift();
    win.push([p]);
  }
  return out;
};

const naive = rmse((t) => Array(K).fill(y[t - 1]));
const seasonal = rmse((t) => Array.from({ length: K }, (_, k) => y[t + k - season]));
const f1 = (v) => v.toFixed(1);

/** Trains, quantizes and measures every model on windows of W rows; returns markdown. */
function experiment(W) {
  const results = []; // { name, precision, seed, perK, all }
  const params = {};
  const epochs = {}; // the epoch early stopping kept, by model and seed
  const started = Date.now();
  for (const seed of opts.seeds) {
    for (const { name, file, arch, extra, iterated: iter } of CFG.models) {
      const base = join(opts.output, `${file}-w${W}-seed${seed}`);
      const trained = rnnc(['train', '--data', trainCsv, '--window', String(W), '--features', 'sunspots', '--arch', arch,
        ...extra, ...CFG.train, '--seed', String(seed), '--name', 'forecast', '-o', `${base}.json`, '--force']);
      const summary = trained.trim().split('\n').at(-1);
      process.stderr.write(`window ${W}, ${name}, seed ${seed}: ${summary}\n`);
      const kept = (summary.match(/kept epoch (\d+)/) ?? summary.match(/(\d+) epochs/))?.[1] ?? '?';
      epochs[`${name} ${seed}`] = kept;
      const model = loadAnyModel(`${base}.json`).model;
      params[name] = countParams(JSON.parse(readFileSync(`${base}.json`, 'utf8')));
      const shape = iter ? iterated : direct;
      results.push({ name, precision: 'float', seed, ...rmse(shape(W, floatOf(model))) });
      for (const weights of ['int8', 'int16']) {
        rnnc(['quantize', `${base}.json`, '--data', trainCsv, '--window', String(W), '--features', 'sunspots',
          '--weights', weights, '-o', `${base}.${weights}.q.json`, '--force']);
        const q = validateQuantModel(JSON.parse(readFileSync(`${base}.${weights}.q.json`, 'utf8')), `${base}.${weights}.q.json`);
        results.push({ name, precision: weights, seed, ...rmse(shape(W, fixedOf(q))) });
      }
    }
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(0);

  // Tables: mean over seeds per row, and the spread (min–max over seeds) of the overall RMSE.
  const out = [`### Window ${W}`, ''];
  out.push(`Held-out targets: years ${years[origins[0]]}–${years.at(-1)} (rows ${origins[0] + 1}–${y.length} of ${y.length}), `
    + `${origins.length} forecast origins (first target ${years[origins[0]]}…${years[origins.at(-1)]}), K = ${K}, window ${W}; `
    + `training and calibration on ${years[0]}–${years[trainRows - 1]} (rows 1–${trainRows}). Seeds ${opts.seeds.join(', ')}; ${seconds} s.`);
  out.push('');
  out.push(`| forecast | weights | params | ${Array.from({ length: K }, (_, k) => `k=${k + 1}`).join(' | ')} | overall | spread over seeds |`);
  out.push(`|---|---|---|${'---|'.repeat(K)}---|---|`);
  out.push(`| naive (last value) | | | ${naive.perK.map(f1).join(' | ')} | ${f1(naive.all)} | |`);
  out.push(`| seasonal naive (value ${season} years earlier) | | | ${seasonal.perK.map(f1).join(' | ')} | ${f1(seasonal.all)} | |`);
  for (const { name } of CFG.models) {
    for (const precision of ['float', 'int8', 'int16']) {
      const rs = results.filter((r) => r.name === name && r.precision === precision);
      const mean = (f) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
      const perK = Array.from({ length: K }, (_, k) => mean((r) => r.perK[k]));
      const alls = rs.map((r) => r.all);
      out.push(`| ${name} | ${precision} | ${params[name]} | ${perK.map(f1).join(' | ')} | ${f1(mean((r) => r.all))} | ${f1(Math.min(...alls))}–${f1(Math.max(...alls))} |`);
    }
  }
  out.push('');
  out.push('Overall RMSE per seed (the epoch early stopping kept):');
  out.push('');
  out.push(`| forecast | weights | ${opts.seeds.map((s) => `seed ${s}`).join(' | ')} |`);
  out.push(`|---|---|${'---|'.repeat(opts.seeds.length)}`);
  for (const { name } of CFG.models) {
    for (const precision of ['float', 'int8', 'int16']) {
      out.push(`| ${name} | ${precision} | ${opts.seeds.map((s) => `${f1(results.find((r) => r.name === name && r.precision === precision && r.seed === s).all)} (${epochs[`${name} ${s}`]})`).join(' | ')} |`);
    }
  }
  writeFileSync(join(opts.output, `results-w${W}.json`), JSON.stringify({ config: CFG, window: W, seeds: opts.seeds, origins: origins.length, naive, seasonal, results, params }, null, 1));
  return out.join('\n');
}

const total = Date.now();
const tables = CFG.windows.map(experiment);
process.stdout.write(`${tables.join('\n\n')}\n\nTotal ${((Date.now() - total) / 1000).toFixed(0)} s.\n`);
