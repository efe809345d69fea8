// What each post-training technique (src/quantize/tune-rows.ts, `--tune`) contributes:
// max-abs and RMS error of the fixed-point outputs against the float model, int8 and
// int16 weights, for the baseline (`--tune none`), each technique alone, and all of them,
// with ratios against the baseline measured in the same run.
//   - the repo's PyTorch ONNX exports (test/fixtures/onnx/*.onnx and patterns/*.onnx),
//     calibrated on their own input sequence (the .json next to each, 6–10 steps) and
//     measured on it ("own"); that is too little data to tune against (tune-rows.ts
//     MIN_VECTORS_PER_COL), so each is also calibrated on 16 N(0, 1) sequences of 32
//     steps (the fixtures' inputs are N(0, 1) draws) and measured on 8 others ("fresh");
//   - random models of bench/quant-error.ts's configuration (6 inputs uniform in [−1, 1],
//     weightScale 0.5), seeds 1–4, calibrated on 8 sequences of 100 steps, measured on 4
//     others ("held");
//   - an ECG forecaster (examples/data/ecg_mitdb208.csv, 360 Hz, mV): LSTM 16 → dense 1,
//     32-sample windows → the sample 10 ahead, trained briefly with `rnnc train` on samples
//     0–19,999, calibrated on the same windows, measured on them and on samples
//     20,000–39,999 (held out).
//
//   npx tsc -p tsconfig.json && npm run bench:tune [-- --no-ecg] [-- --only NAME]
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runFloat } from '../src/float/model.js';
import { dequantizeOutput, quantizeInput, runFixed } from '../src/fixed/model.js';
import { loadAnyModel } from '../src/import/detect.js';
import { loadModel } from '../src/ir/io.js';
import { type LayerSpec, randomModel, randomSequence } from '../src/ir/random.js';
import type { FloatModel } from '../src/ir/model.js';
import { quantizeWithData } from '../src/quantize/pipeline.js';
import { parseTechniques } from '../src/quantize/tune.js';
import { Rng } from '../src/util/rng.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
const CONFIGS = ['none', 'scale', 'bias', 'round', 'round,bias', 'all'] as const;
const args = process.argv.slice(2);
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;

interface Err { max: number; rms: number }

function measure(model: FloatModel, q: ReturnType<typeof quantizeWithData>['model'], seqs: readonly number[][][]): Err {
  let max = 0, sum = 0, n = 0;
  for (const s of seqs) {
    const want = runFloat(model, s);
    const got = runFixed(q, s.map((x) => quantizeInput(q, x))).map((y) => dequantizeOutput(q, y));
    got.forEach((y, t) => y.forEach((v, j) => {
      const e = Math.abs(v - want[t]![j]!);
      max = Math.max(max, e);
      sum += e * e;
      n++;
    }));
  }
  return { max, rms: Math.sqrt(sum / Math.max(1, n)) };
}

interface Row { name: string; set: string; bits: 8 | 16; errs: Record<string, Err>; ms: Record<string, number> }
const rows: Row[] = [];

/** Every configuration at both widths, calibrated on `calib`, measured on each named set. */
function bench(name: string, model: FloatModel, calib: number[][][], sets: Record<string, number[][][]>): void {
  for (const bits of [8, 16] as const) {
    const per: Record<string, Record<string, Err>> = {};
    const ms: Record<string, number> = {};
    for (const c of CONFIGS) {
      const t0 = performance.now();
      const q = quantizeWithData(model, { sequences: calib, source: name }, { weightBits: bits, tune: parseTechniques(c)! }).model;
      ms[c] = performance.now() - t0;
      for (const [set, seqs] of Object.entries(sets)) (per[set] ??= {})[c] = measure(model, q, seqs);
    }
    for (const [set, errs] of Object.entries(per)) {
      const row = { name, set, bits, errs, ms };
      rows.push(row);
      print(row);
    }
  }
}

const fmt = (x: number) => x.toExponential(2);
const ratio = (x: number, b: number) => (b > 0 ? (x / b).toFixed(2) : x === 0 ? '1.00' : 'inf');
function print(r: Row): void {
  const b = r.errs.none!;
  const cells = CONFIGS.map((c) => (c === 'none'
    ? `${fmt(b.max)} ${fmt(b.rms)}`
    : `${ratio(r.errs[c]!.max, b.max)} ${ratio(r.errs[c]!.rms, b.rms)}`));
  console.log(`${r.name.padEnd(24)} ${r.set.padEnd(5)} int${r.bits}`.padEnd(37) + ' | ' + cells.join(' | ') +
    ` | ms ${CONFIGS.map((c) => r.ms[c]!.toFixed(0)).join('/')}`);
}

function fresh(inputSize: number, count: number, seed: number): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Array.from({ length: 32 }, () => Array.from({ length: inputSize }, () => rng.normal())));
}

function onnxFixtures(): void {
  for (const dir of ['test/fixtures/onnx', 'test/fixtures/onnx/patterns']) {
    for (const f of readdirSync(join(ROOT, dir)).filter((x) => x.endsWith('.onnx')).sort()) {
      const name = f.replace(/\.onnx$/, '');
      if (only && name !== only) continue;
      let model: FloatModel;
      let input: unknown;
      try {
        model = loadAnyModel(join(ROOT, dir, f)).model;
        input = (JSON.parse(readFileSync(join(ROOT, dir, `${name}.json`), 'utf8')) as { input: unknown }).input;
      } catch (e) {
        console.log(`${name.padEnd(24)} skipped: ${(e as Error).message.split('\n')[0]!.slice(0, 90)}`);
        continue;
      }
      const seq = input as number[][];
      if (!Array.isArray(seq[0])) { console.log(`${name.padEnd(24)} skipped: input is not a sequence of vectors`); continue; }
      try {
        bench(name, model, [seq], { own: [seq] });
        bench(name, model, fresh(model.inputSize, 16, 3), { fresh: fresh(model.inputSize, 8, 7) });
      } catch (e) {
        console.log(`${name.padEnd(24)} skipped: ${(e as Error).message.split('\n')[0]!.slice(0, 90)}`);
      }
    }
  }
}

const RANDOM: Record<string, LayerSpec[]> = {
  'random lstm 32': [{ type: 'lstm', units: 32, returnSequences: true }],
  'random gru 32': [{ type: 'gru', units: 32, returnSequences: true, resetAfter: true }],
  'random rnn 32': [{ type: 'rnn', units: 32, returnSequences: true }],
  'random gru>relu>linear': [{ type: 'gru', units: 32, returnSequences: true }, { type: 'dense', units: 16, activation: 'relu' }, { type: 'dense', units: 3, activation: 'linear' }],
};

function randomModels(): void {
  for (const [kind, layers] of Object.entries(RANDOM)) {
    if (only && only !== 'random') continue;
    for (let seed = 1; seed <= 4; seed++) {
      const model = randomModel({ inputSize: 6, layers, weightScale: 0.5 }, seed);
      const calib = Array.from({ length: 8 }, (_, k) => randomSequence(6, 100, 10_000 + 100 * seed + k));
      const held = Array.from({ length: 4 }, (_, k) => randomSequence(6, 100, 20_000 + 100 * seed + k));
      bench(`${kind} s${seed}`, model, calib, { held });
    }
  }
}

const WINDOW = 32, AHEAD = 10;
function windows(series: number[], from: number, to: number, stride: number): number[][][] {
  const out: number[][][] = [];
  for (let s = from; s + WINDOW + AHEAD <= to; s += stride) out.push(series.slice(s, s + WINDOW).map((v) => [v]));
  return out;
}

function ecg(): void {
  if (only && only !== 'ecg') return;
  const tmp = join(ROOT, '.tmp/bench-tune');
  mkdirSync(tmp, { recursive: true });
  const lines = readFileSync(join(ROOT, 'examples/data/ecg_mitdb208.csv'), 'utf8').trim().split('\n');
  const series = lines.slice(1).map((l) => Number(l.split(',')[1]));
  const train = join(tmp, 'ecg-train.csv');
  writeFileSync(train, [lines[0], ...lines.slice(1, 20_001)].join('\n') + '\n');
  const modelPath = join(tmp, 'ecg-lstm16.json');
  execFileSync('node', [join(ROOT, 'dist/cli/main.js'), 'train', '--data', train, '--window', String(WINDOW), '--horizon', String(AHEAD),
    '--stride', '4', '--features', 'ecg_mv', '--label-column', 'ecg_mv', '--arch', 'lstm:16,dense:1', '--epochs', '4', '--batch', '32', '--lr', '0.01',
    '--name', 'ecg', '-o', modelPath, '--force'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const model = loadModel(modelPath);
  const calib = windows(series, 0, 20_000, 4);
  bench('ecg lstm16 +10', model, calib, { calib: calib.filter((_, i) => i % 4 === 0), held: windows(series, 20_000, 40_000, 16) });
}

console.log(`error of the fixed point against float: baseline (--tune none) max-abs and RMS, then each configuration's ratios max/rms to it`);
console.log(`${'model'.padEnd(24)} set   bits`.padEnd(37) + ' | ' + CONFIGS.join(' | ') + ' | ms to quantize each');
onnxFixtures();
randomModels();
if (!args.includes('--no-ecg')) ecg();

// Geometric means of each ratio over the rows, per width and set kind.
const geo = (xs: number[]) => Math.exp(xs.reduce((s, x) => s + Math.log(Math.max(x, 1e-12)), 0) / Math.max(1, xs.length));
console.log('\ngeometric mean of the ratios to the baseline (max / rms), rows with a nonzero baseline');
for (const bits of [8, 16] as const) {
  for (const set of ['own', 'fresh', 'calib', 'held']) {
    const rs = rows.filter((r) => r.bits === bits && r.set === set && r.errs.none!.max > 0 && r.errs.none!.rms > 0);
    if (rs.length === 0) continue;
    const cells = CONFIGS.filter((c) => c !== 'none').map((c) =>
      `${c} ${geo(rs.map((r) => r.errs[c]!.max / r.errs.none!.max)).toFixed(3)} / ${geo(rs.map((r) => r.errs[c]!.rms / r.errs.none!.rms)).toFixed(3)}`);
    console.log(`int${bits} ${set.padEnd(5)} (${rs.length} rows): ${cells.join(' | ')}`);
  }
}
