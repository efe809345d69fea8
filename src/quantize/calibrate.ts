/**
 * Calibration: run the float reference over representative sequences and record the
 * ranges the data-dependent formats need (quantize.ts `Ranges`):
 *   input   |normalised x|              → model input format
 *   cell    |c| of LSTM layers          → cell-state format (int16 or int32)
 *   dense   |W x + b| of dense layers   → linear/relu output, softmax logit formats
 *   hidden  |h| of relu rnn layers      → their hidden-state format
 *           |h̃| of mingru, minlstm     → their h format (h', a blend of h and h̃, stays within it)
 * and, for the report only, gate pre-activations (fixed Q3.12: the fraction beyond ±8)
 * and each layer's output range.
 *
 * A range is the p-th percentile of |x| (p = 100: the plain maximum). Percentiles
 * below 100 clip rare outliers for finer resolution; the quantizer's margin then adds
 * headroom on top.
 */
import { RnncError } from '../errors.js';
import { normalizeInput, runFloat } from '../float/model.js';
import type { FloatObserver } from '../float/observer.js';
import { prepareModel } from '../float/kinds.js';
import { gateCount, hasRecurrentProduct, hasState } from '../ir/kinds.js';
import { type FloatModel, isRecurrent, rnnActivationOf } from '../ir/model.js';
import { PRE_FRAC } from '../fixed/ops.js';
import { AbsHistogram } from './histogram.js';
import type { Ranges } from './quantize.js';

export interface CalibrateOptions {
  /** Percentile of |x| taken as each range, in (0, 100]; default 100 (max-abs). */
  percentile?: number;
}

export interface RangeSummary {
  /** Largest |x| seen. */
  maxAbs: number;
  /** The range used: the percentile of |x| (equal to maxAbs at 100). */
  range: number;
}

export interface LayerCalibration {
  index: number;
  type: FloatModel['layers'][number]['type'];
  /** Recurrent layers: gate pre-activations; the LUT input format clips beyond ±8. */
  gates?: { maxAbs: number; clippedFraction: number };
  cell?: RangeSummary;
  dense?: RangeSummary;
  /** relu rnn: |h| of both directions at every step; mingru, minlstm: |h̃| (which bounds h). */
  hidden?: RangeSummary;
  output: { maxAbs: number };
}

export interface CalibrationSummary {
  sequences: number;
  timesteps: number;
  percentile: number;
  input: RangeSummary;
  layers: LayerCalibration[];
}

export interface Calibration {
  ranges: Ranges;
  summary: CalibrationSummary;
}

const GATE_LIMIT = 2 ** (15 - PRE_FRAC);

/** Checks the sequences' shape against the model: one line naming the first problem. */
export function checkCalibrationData(model: FloatModel, seqs: readonly number[][][], source: string): void {
  if (seqs.length === 0) throw new RnncError('data/invalid', `${source}: no sequences: calibration needs at least one`, source);
  seqs.forEach((seq, s) => {
    if (seq.length === 0) throw new RnncError('data/invalid', `${source}: sequence ${s} is empty`, source);
    seq.forEach((step, t) => {
      if (step.length !== model.inputSize) {
        throw new RnncError('data/invalid',
          `${source}: sequence ${s}, timestep ${t}: ${step.length} features, but the model takes ${model.inputSize}`, source);
      }
    });
  });
}

function summarize(h: AbsHistogram, p: number): RangeSummary {
  return { maxAbs: h.maxAbs, range: h.percentile(p) };
}

export function calibrate(model: FloatModel, seqs: readonly number[][][], opts: CalibrateOptions = {}, source = 'calibration data'): Calibration {
  const p = opts.percentile ?? 100;
  if (!(p > 0 && p <= 100)) throw new RnncError('usage/invalid', `percentile must be in (0, 100], got ${p}`);
  checkCalibrationData(model, seqs, source);
  const prepared = prepareModel(model);
  const n = model.layers.length;
  const input = new AbsHistogram();
  const gates = Array.from({ length: n }, () => new AbsHistogram());
  const cells = Array.from({ length: n }, () => new AbsHistogram());
  const hidden = Array.from({ length: n }, () => new AbsHistogram());
  const dense = Array.from({ length: n }, () => new AbsHistogram());
  const outputs = Array.from({ length: n }, () => new AbsHistogram());
  const observer: FloatObserver = {
    step(i, _backward, pre, state) {
      const pl = prepared[i]!;
      if (pl.kind !== 'recurrent') return;
      if (!hasRecurrentProduct(pl.layer.type)) {
        // minGRU, minLSTM: the gates before the last block read the sigmoid table; the last, h̃, bounds h (a blend of h and h̃).
        const g = (gateCount(pl.layer.type) - 1) * pl.layer.units;
        gates[i]!.addAll(pre.subarray(0, g));
        hidden[i]!.addAll(pre.subarray(g));
        return;
      }
      gates[i]!.addAll(pre);
      if (hasState(pl.layer.type, 'c')) cells[i]!.addAll(state.c);
      if (pl.layer.type === 'rnn' && rnnActivationOf(pl.layer) === 'relu') hidden[i]!.addAll(state.h);
    },
    dense(i, pre) { dense[i]!.addAll(pre); },
    layer(i, out) { for (const o of out) outputs[i]!.addAll(o); },
  };
  let timesteps = 0;
  let inputFeature = 0;
  for (const seq of seqs) {
    timesteps += seq.length;
    for (const x of seq) {
      const v = normalizeInput(model, x);
      let top = input.maxAbs;
      for (let f = 0; f < v.length; f++) {
        if (Math.abs(v[f]!) > top) { top = Math.abs(v[f]!); inputFeature = f; }
      }
      input.addAll(v);
    }
    runFloat(model, seq, prepared, observer);
  }
  const layers = model.layers.map((layer, i): LayerCalibration => {
    const out: LayerCalibration = { index: i, type: layer.type, output: { maxAbs: outputs[i]!.maxAbs } };
    // A conv1d's product is a dense one over its window: the same |W x + b| range.
    if (layer.type === 'dense' || layer.type === 'conv1d') out.dense = summarize(dense[i]!, p);
    else out.gates = { maxAbs: gates[i]!.maxAbs, clippedFraction: gates[i]!.fractionAbove(GATE_LIMIT) };
    if (hasState(layer.type, 'c')) out.cell = summarize(cells[i]!, p);
    if ((layer.type === 'rnn' && rnnActivationOf(layer) === 'relu') || (isRecurrent(layer) && !hasRecurrentProduct(layer.type))) out.hidden = summarize(hidden[i]!, p);
    return out;
  });
  const ranges: Ranges = {
    input: input.percentile(p),
    inputFeature,
    layers: layers.map((l) => ({
      ...(l.cell ? { cell: l.cell.range } : {}),
      ...(l.dense ? { dense: l.dense.range } : {}),
      ...(l.hidden ? { hidden: l.hidden.range } : {}),
    })),
  };
  return { ranges, summary: { sequences: seqs.length, timesteps, percentile: p, input: summarize(input, p), layers } };
}
