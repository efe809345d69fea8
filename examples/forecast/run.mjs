#!/usr/bin/env node
// Multi-step forecasting on real series: an encoder–decoder writing K steps in one decode
// against a one-step model iterated K times, the naive and (sunspots) the seasonal-naive
// forecasts, in float and through the fixed-point reference with int8 and int16 weights.
//   npm run build && node examples/forecast/run.mjs [--series sunspots,ecg] [--seeds 1,2] [-o DIR]
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

/** Two encoder–decoders (with and without attention) and the one-step model; an LSTM of
 * 24 units has about as many weights as they have (counted in the tables). */
const models = (K, sampling) => [
  { name: 'encoder–decoder, Bahdanau attention', file: 's2s-att', arch: `lstm:16:seq,decoder:lstm:16:steps=${K}:out=1:bahdanau=8:init=copy`, extra: ['--sampling', sampling] },
  { name: 'encoder–decoder, no attention', file: 's2s', arch: `lstm:16:seq,decoder:lstm:16:steps=${K}:out=1:init=copy`, extra: ['--sampling', sampling] },
  { name: 'one-step LSTM, iterated', file: 'one', arch: 'lstm:24,dense:1', extra: [], iterated: true },
];

const SERIES = {
  // Yearly, 1700–2008 (309 rows). Training and calibration: 1700–1929 (the first 230
  // rows); every forecast target is 1930 or later.
  sunspots: {
    file: 'sunspots.csv', column: 'sunspots', unit: '', timeName: 'years',
    trainRows: 230,
    // Input windows: one and two solar cycles of context. On the validation years (the last
    // windows of the training part) 12 suited the encoder–decoders better and the one-step
    // model equally well, but the one-step model's validation is one step ahead, which says
    // little about it iterated: both are run.
    windows: [12, 24],
    steps: 10, // K: 10 years ahead, about one cycle
    season: 11, // the seasonal-naive lag (the ~11-year cycle)
    stride: 1,
    originStep: 1,
    seeds: [1, 2, 3],
    train: ['--epochs', '80', '--patience', '20', '--batch', '16', '--lr', '0.01'],
    models: models(10, '0.5'),
    digits: 1,
  },
  // MIT-BIH record 208 at 360 Hz (examples/ecg/): training and calibration on samples
  // 0–19,999, forecasts of samples 20,000–39,999 as in that example. A beat-to-beat
  // "season" is not a fixed lag here (the RR interval varies and there are PVCs), so only
  // the naive forecast is the baseline.
  ecg: {
    file: 'ecg_mitdb208.csv', column: 'ecg_mv', unit: ' mV', timeName: 'samples',
    trainRows: 20000,
    testRows: 20000,
    windows: [32],
    steps: 10, // K: 10 samples, 28 ms, the ECG example's horizon
    // Every eighth window to train and calibrate (2,496), every tenth test sample starts a
    // forecast (2,000 origins), one seed: what keeps the whole run within a few minutes.
    stride: 8,
    originStep: 10,
    seeds: [1],
    train: ['--epochs', '20', '--lr', '0.01'],
    models: models(10, '0.5'),
    digits: 4,
  },
};

function args(argv) {
  const out = { series: Object.keys(SERIES), seeds: undefined, output: join(ROOT, '.tmp', 'forecast') };
  for (let i = 0; i < argv.length; i += 2) {
    const [k, v] = [argv[i], argv[i + 1]];
    if (k === '--seeds' && /^\d+(,\d+)*$/.test(v ?? '')) out.seeds = v.split(',').map(Number);
    else if (k === '--series' && (v ?? '').split(',').every((s) => s in SERIES)) out.series = v.split(',');
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

const fixedOf = (q) => (xs) => runFixed(q, xs.map((x) => quantizeInput(q, x))).map((o) => dequantizeOutput(q, o)[0]);
const floatOf = (m) => (xs) => runFloat(m, xs).map((o) => o[0]);

/** Every experiment on one series; returns markdown. */
function runSeries(id, cfg, opts) {
  const { trainRows, steps: K, season } = cfg;
  const seeds = opts.seeds ?? cfg.seeds;
  const [header, ...rows] = readFileSync(join(ROOT, 'examples', 'data', cfg.file), 'utf8').trimEnd().split('\n');
  const stamps = rows.map((r) => Number(r.split(',')[0]));
  const last = cfg.testRows ? trainRows + cfg.testRows : rows.length;
  const y = rows.slice(0, last).map((r) => Number(r.split(',')[1]));
  const dir = join(opts.output, id);
  mkdirSync(dir, { recursive: true });
  const trainCsv = join(dir, 'train.csv');
  writeFileSync(trainCsv, `${[header, ...rows.slice(0, trainRows)].join('\n')}\n`);
  const windowArgs = (W) => ['--window', String(W), '--stride', String(cfg.stride), '--features', cfg.column];

  // Forecast origins: t whose K targets y[t … t+K−1] lie in the held-out part; the
  // inputs y[t−W … t−1] may reach back into the training part, the targets never do.
  const origins = [];
  for (let t = trainRows; t + K <= y.length; t += cfg.originStep) origins.push(t);
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
  const seasonal = season ? rmse((t) => Array.from({ length: K }, (_, k) => y[t + k - season])) : undefined;
  const fmt = (v) => v.toFixed(cfg.digits);

  /** Trains, quantizes and measures every model on windows of W rows; returns markdown. */
  function experiment(W) {
    const results = []; // { name, precision, seed, perK, all }
    const params = {};
    const epochs = {}; // the epoch early stopping kept, by model and seed
    const started = Date.now();
    for (const seed of seeds) {
      for (const { name, file, arch, extra, iterated: iter } of cfg.models) {
        const base = join(dir, `${file}-w${W}-seed${seed}`);
        const trained = rnnc(['train', '--data', trainCsv, ...windowArgs(W), '--arch', arch,
          ...extra, ...cfg.train, '--seed', String(seed), '--name', 'forecast', '-o', `${base}.json`, '--force']);
        const summary = trained.trim().split('\n').at(-1);
        process.stderr.write(`${id}, window ${W}, ${name}, seed ${seed}: ${summary}\n`);
        epochs[`${name} ${seed}`] = (summary.match(/kept epoch (\d+)/) ?? summary.match(/(\d+) epochs/))?.[1] ?? '?';
        const model = loadAnyModel(`${base}.json`).model;
        params[name] = countParams(JSON.parse(readFileSync(`${base}.json`, 'utf8')));
        const shape = iter ? iterated : direct;
        results.push({ name, precision: 'float', seed, ...rmse(shape(W, floatOf(model))) });
        for (const weights of ['int8', 'int16']) {
          const qPath = `${base}.${weights}.q.json`;
          rnnc(['quantize', `${base}.json`, '--data', trainCsv, ...windowArgs(W), '--weights', weights, '-o', qPath, '--force']);
          const q = validateQuantModel(JSON.parse(readFileSync(qPath, 'utf8')), qPath);
          results.push({ name, precision: weights, seed, ...rmse(shape(W, fixedOf(q))) });
        }
      }
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(0);

    // Tables: mean over seeds per row, and the spread (min–max over seeds) of the overall RMSE.
    const out = [`### ${id}, window ${W}`, ''];
    const span = (a, b) => `${cfg.timeName} ${stamps[a]}–${stamps[b]}`;
    out.push(`Forecasts of ${span(origins[0], y.length - 1)} (rows ${origins[0] + 1}–${y.length} of the file's data), `
      + `${origins.length} forecast origins (first targets ${stamps[origins[0]]}, ${stamps[origins[0] + cfg.originStep]}, … ${stamps[origins.at(-1)]}), K = ${K}, window ${W}; `
      + `training and calibration on ${span(0, trainRows - 1)} (rows 1–${trainRows}, windows every ${cfg.stride}). `
      + `Seeds ${seeds.join(', ')}; ${seconds} s. RMSE${cfg.unit ? ` in${cfg.unit}` : ''}:`);
    out.push('');
    out.push(`| forecast | weights | params | ${Array.from({ length: K }, (_, k) => `k=${k + 1}`).join(' | ')} | overall | spread over seeds |`);
    out.push(`|---|---|---|${'---|'.repeat(K)}---|---|`);
    out.push(`| naive (last value) | | | ${naive.perK.map(fmt).join(' | ')} | ${fmt(naive.all)} | |`);
    if (seasonal) out.push(`| seasonal naive (value ${season} ${cfg.timeName} earlier) | | | ${seasonal.perK.map(fmt).join(' | ')} | ${fmt(seasonal.all)} | |`);
    for (const { name } of cfg.models) {
      for (const precision of ['float', 'int8', 'int16']) {
        const rs = results.filter((r) => r.name === name && r.precision === precision);
        const mean = (f) => rs.reduce((s, r) => s + f(r), 0) / rs.length;
        const perK = Array.from({ length: K }, (_, k) => mean((r) => r.perK[k]));
        const alls = rs.map((r) => r.all);
        out.push(`| ${name} | ${precision} | ${params[name]} | ${perK.map(fmt).join(' | ')} | ${fmt(mean((r) => r.all))} | ${fmt(Math.min(...alls))}–${fmt(Math.max(...alls))} |`);
      }
    }
    out.push('');
    out.push('Overall RMSE per seed (the epoch early stopping kept):');
    out.push('');
    out.push(`| forecast | weights | ${seeds.map((s) => `seed ${s}`).join(' | ')} |`);
    out.push(`|---|---|${'---|'.repeat(seeds.length)}`);
    for (const { name } of cfg.models) {
      for (const precision of ['float', 'int8', 'int16']) {
        const cell = (s) => `${fmt(results.find((r) => r.name === name && r.precision === precision && r.seed === s).all)} (${epochs[`${name} ${s}`]})`;
        out.push(`| ${name} | ${precision} | ${seeds.map(cell).join(' | ')} |`);
      }
    }
    writeFileSync(join(dir, `results-w${W}.json`), JSON.stringify({ config: cfg, window: W, seeds, origins: origins.length, naive, seasonal, results, params }, null, 1));
    return out.join('\n');
  }

  return cfg.windows.map(experiment).join('\n\n');
}

const opts = args(process.argv.slice(2));
const total = Date.now();
const tables = opts.series.map((id) => runSeries(id, SERIES[id], opts));
process.stdout.write(`${tables.join('\n\n')}\n\nTotal ${((Date.now() - total) / 1000).toFixed(0)} s.\n`);
