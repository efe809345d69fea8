/**
 * Streaming drift: does the fixed-point error grow over a long stream? A real series
 * (examples/data/ecg_mitdb208.csv, 108,000 ECG samples at 360 Hz) is streamed PASSES times
 * end to end (10 by default: 1,080,000 steps, 50 minutes of signal) through the fixed-point
 * reference, one step at a time with the state carried across passes (never reset), next to the
 * float reference, and the error of every output is summarised per pass (max and RMS of
 * |fixed − float|, in mV). Each pass feeds the same samples, so a state that drifted would show
 * as a later pass's error growing away from the first's: the last line prints their ratio.
 *
 * The model: LSTM 16 → dense 1 forecasting, at every step, the sample 10 steps (28 ms) ahead,
 * trained here for a few epochs on the first 20,000 samples (rnnc train's loop, in-process) as
 * a streaming model: windows of 256 steps with a target at every step (--per-step), so that
 * running on without a reset is what it learnt (a model trained on short windows from a zero
 * state, streamed for ever, leaves the regime it was trained in: its float output collapses).
 * Quantized with int8 and int16 weights, calibrated on those 20,000 samples as one stream.
 * Its forecast is checked against the persistence forecast on the samples after the training
 * part, so the stream under test is a model that works.
 *
 * Baseline measured in the same run, when Debian's python3-torch is present: PyTorch's
 * quantize_dynamic int8 (best of its engines) of the same float model over the same stream
 * (bench/peer_torch.py stream: one call over the whole series, so its state carries too), error
 * against torch's own float.
 *
 *   npm run bench:drift [-- --passes 10] [--epochs 6] [--torch-engine qnnpack|onednn|all]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readDataset } from '../src/data/read.js';
import { streamFloat } from '../src/float/model.js';
import { dequantizeOutput, quantizeInput, streamFixed } from '../src/fixed/model.js';
import { quantizeWithData } from '../src/quantize/pipeline.js';
import { outputUnits, parseArch, resolveArch } from '../src/train/arch.js';
import { trainModel } from '../src/train/train.js';
import { PYTHON, peerTorch, torchAvailable } from './torch-side.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const PASSES = Number(arg('passes') ?? 10);
const EPOCHS = Number(arg('epochs') ?? 10);
const HORIZON = 10;
/**
 * Each torch engine is one more pass of torch's LSTM over the whole stream, step by step (about
 * 0.1 ms a step on a busy two-core machine: minutes per million steps), so the stream runs under
 * one engine unless told `all`: qnnpack, the best engine on the ECG forecaster in bench/peer.ts.
 */
const ENGINE = arg('torch-engine') ?? 'qnnpack';
const TRAIN_ROWS = 20_000;
const work = mkdtempSync(join(tmpdir(), 'rnnc-drift-'));

/** Per-pass max and RMS of |a − b| (a, b: one output per step). */
class Windows {
  max: number[] = [];
  sq: number[] = [];
  n: number[] = [];
  add(pass: number, e: number): void {
    if (this.max.length <= pass) { this.max.push(0); this.sq.push(0); this.n.push(0); }
    const a = Math.abs(e);
    if (a > this.max[pass]!) this.max[pass] = a;
    this.sq[pass]! += e * e;
    this.n[pass]! += 1;
  }
  rms(pass: number): number { return Math.sqrt(this.sq[pass]! / this.n[pass]!); }
}

async function main(): Promise<void> {
  const text = readFileSync('examples/data/ecg_mitdb208.csv', 'utf8').trimEnd().split('\n');
  const series = text.slice(1).map((l) => Number(l.split(',')[1]));
  const trainCsv = join(work, 'train.csv');
  writeFileSync(trainCsv, `${text.slice(0, TRAIN_ROWS + 1).join('\n')}\n`);

  const layers = resolveArch(parseArch('lstm:16,dense:1').layers, true);
  const ds = readDataset(trainCsv, { task: 'regression', perStep: true, outputs: outputUnits(layers), window: 256, horizon: HORIZON, stride: 64, featureColumns: ['ecg_mv'] });
  const t0 = Date.now();
  const { model, result } = await trainModel(ds, layers, {
    name: 'ecg', epochs: EPOCHS, batch: 32, lr: 0.01, clip: 1, val: 0.2, patience: 0, seed: 1, optimizer: 'adam', momentum: 0.9,
    schedule: { kind: 'constant' }, tbptt: 0,
  });
  const val = result.history.find((h) => h.epoch === result.bestEpoch)?.val?.metric;
  console.log(`model: lstm:16,dense:1, per-step ${HORIZON}-sample-ahead forecaster, ${EPOCHS} epochs on the first ${TRAIN_ROWS} samples in ${((Date.now() - t0) / 1000).toFixed(1)} s (validation RMSE ${val?.toFixed(4)} mV)`);

  const calib = { sequences: [series.slice(0, TRAIN_ROWS).map((v) => [v])], source: 'ecg' };
  const q8 = quantizeWithData(model, calib, { weightBits: 8 }).model;
  const q16 = quantizeWithData(model, calib, { weightBits: 16 }).model;
  const steps = PASSES * series.length;
  console.log(`streaming ${steps.toLocaleString('en')} steps (${PASSES} passes over the ${series.length.toLocaleString('en')}-sample record), state never reset`);

  const float = streamFloat(model);
  const fixed = [q8, q16].map((q) => ({ q, s: streamFixed(q), w: new Windows() }));
  const floats = new Float64Array(steps);
  const t1 = Date.now();
  for (let k = 0; k < steps; k++) {
    const pass = Math.floor(k / series.length);
    const x = [series[k % series.length]!];
    const f = float.step(x)[0]!;
    floats[k] = f;
    for (const m of fixed) m.w.add(pass, dequantizeOutput(m.q, m.s.step(quantizeInput(m.q, x)))[0]! - f);
  }
  console.log(`  (float + int8 + int16 reference streams: ${((Date.now() - t1) / 1000).toFixed(1)} s)`);
  // Forecast quality of the float stream on the first pass's unseen samples.
  let persistence = 0, forecast = 0, n = 0;
  for (let k = TRAIN_ROWS; k + HORIZON < series.length; k++, n++) {
    persistence += (series[k + HORIZON]! - series[k]!) ** 2;
    forecast += (series[k + HORIZON]! - floats[k]!) ** 2;
  }
  console.log(`float forecast on samples ${TRAIN_ROWS.toLocaleString('en')}–${series.length.toLocaleString('en')} (not trained on): RMSE ${Math.sqrt(forecast / n).toFixed(4)} mV, `
    + `persistence ${Math.sqrt(persistence / n).toFixed(4)} mV`);

  let torch: { w: Windows; engine: string; floatDiff: number } | undefined;
  if (!torchAvailable()) {
    console.log(`python3-torch not found (${PYTHON} cannot import torch): the PyTorch baseline is skipped`);
  } else {
    const input = join(work, 'x.f32');
    writeFileSync(input, new Uint8Array(Float32Array.from({ length: steps }, (_, k) => series[k % series.length]!).buffer));
    writeFileSync(join(work, 'model.json'), JSON.stringify(model));
    const info = JSON.parse(peerTorch(['stream', join(work, 'model.json'), input, join(work, 'y'), ENGINE], work)) as { torch: string; engines: string[] };
    const read = (f: string) => new Float32Array(readFileSync(join(work, f)).buffer.slice(0));
    const tf = read('y.float.f32');
    let floatDiff = 0;
    for (let k = 0; k < steps; k++) floatDiff = Math.max(floatDiff, Math.abs(tf[k]! - floats[k]!));
    // The best engine by RMS over the whole stream.
    for (const engine of info.engines) {
      const tq = read(`y.${engine}.f32`);
      const w = new Windows();
      for (let k = 0; k < steps; k++) w.add(Math.floor(k / series.length), tq[k]! - tf[k]!);
      const total = (x: Windows) => x.sq.reduce((s, v) => s + v, 0);
      if (!torch || total(w) < total(torch.w)) torch = { w, engine, floatDiff };
    }
    if (!torch) throw new Error(`this torch offers no quantized engine '${ENGINE}'`);
    console.log(`PyTorch ${info.torch} quantize_dynamic int8, engine${info.engines.length > 1 ? 's' : ''} ${info.engines.join(', ')}${info.engines.length > 1 ? `: best ${torch.engine}` : ''}; its float32 stream differs from rnnc's float64 one by at most ${floatDiff.toExponential(2)} mV`);
  }

  const e = (x: number) => x.toExponential(2);
  console.log('');
  console.log(`| pass | steps | rnnc int8 max | int8 rms | rnnc int16 max | int16 rms |${torch ? ` torch int8 max | torch rms | int8 rms / torch rms |` : ''}`);
  console.log(`|---:|---|---:|---:|---:|---:|${torch ? '---:|---:|---:|' : ''}`);
  const [a, b] = fixed.map((m) => m.w);
  for (let p = 0; p < PASSES; p++) {
    const span = `${(p * series.length).toLocaleString('en')}–${((p + 1) * series.length).toLocaleString('en')}`;
    const t = torch ? ` ${e(torch.w.max[p]!)} | ${e(torch.w.rms(p))} | ${(a!.rms(p) / torch.w.rms(p)).toFixed(2)}× |` : '';
    console.log(`| ${p + 1} | ${span} | ${e(a!.max[p]!)} | ${e(a!.rms(p))} | ${e(b!.max[p]!)} | ${e(b!.rms(p))} |${t}`);
  }
  const last = PASSES - 1;
  const ratio = (w: Windows) => `rms ${(w.rms(last) / w.rms(0)).toFixed(3)}×, max ${(w.max[last]! / w.max[0]!).toFixed(3)}×`;
  console.log('');
  console.log(`last pass / first pass: int8 ${ratio(a!)}; int16 ${ratio(b!)}${torch ? `; torch ${ratio(torch.w)}` : ''}`);
  const sig = Math.sqrt(series.reduce((s, v) => s + v * v, 0) / series.length);
  console.log(`(the signal's own RMS is ${sig.toFixed(3)} mV; float forecasts are compared with each other, not with the signal)`);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
