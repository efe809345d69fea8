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
import { lengthGroups, runFloatBatch } from '../float/batch.js';
import { normalizeInput, runFloat } from '../float/model.js';
import type { BatchObserver, FloatObserver } from '../float/observer.js';
import { prepareModel } from '../float/kinds.js';
import { packBatch } from '../float/seq-batch.js';
import type { FloatModel } from '../ir/model.js';
import { RangeRecorder } from './range-recorder.js';
import type { SsmQuantity } from './ssm-ranges.js';
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
  /** ssm: each intermediate the fixed point gives a format (ssm-ranges.ts). */
  ssm?: Record<SsmQuantity, RangeSummary>;
  output: { maxAbs: number };
}

/** An encoder–decoder's decoder, over its K steps of every sequence. */
export interface DecoderCalibration {
  /** The cell's gate pre-activations; the LUT input format clips beyond ±8. */
  gates: { maxAbs: number; clippedFraction: number };
  /** LSTM: |c|. */
  cell?: RangeSummary;
  /** |W r + b|: the linear output or softmax logit format. */
  projection: RangeSummary;
  /** With attention: the scores |e_j|, the softmax logits. */
  scores?: RangeSummary;
  /** general attention: |W_g m_j|. */
  keys?: RangeSummary;
}

export interface CalibrationSummary {
  sequences: number;
  timesteps: number;
  percentile: number;
  input: RangeSummary;
  layers: LayerCalibration[];
  decoder?: DecoderCalibration;
}

export interface Calibration {
  ranges: Ranges;
  summary: CalibrationSummary;
}

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

/**
 * The percentile option checked, and the data; a recorder that has seen every normalised
 * input, in sequence order (the inputs are normalised again batch by batch rather than
 * kept: the data can be large).
 */
export function startCalibration(model: FloatModel, seqs: readonly number[][][], opts: CalibrateOptions, source: string): { p: number; rec: RangeRecorder } {
  const p = opts.percentile ?? 100;
  if (!(p > 0 && p <= 100)) throw new RnncError('usage/invalid', `percentile must be in (0, 100], got ${p}`);
  checkCalibrationData(model, seqs, source);
  const rec = new RangeRecorder(model, p);
  for (const seq of seqs) for (const x of seq) rec.addInput(normalizeInput(model, x));
  return { p, rec };
}

/** Listens to the batched float runs of the calibration sequences (calibrate's `also`). */
export interface BatchListener {
  /** Before a batch: its rows' sequence indices and normalised inputs; returns what observes the run. */
  begin(rows: readonly number[], inputs: readonly Float64Array[][]): BatchObserver;
  /** After that batch's run. */
  end(): void;
}

/** Every sequence through the batched float reference, normalised, grouped by length (float/batch.ts lengthGroups). */
export function runBatched(model: FloatModel, seqs: readonly number[][][], listener: BatchListener, prepared = prepareModel(model)): void {
  for (const rows of lengthGroups(seqs)) {
    const batch = rows.map((s) => seqs[s]!.map((x) => normalizeInput(model, x)));
    runFloatBatch(model, packBatch(batch), prepared, listener.begin(rows, batch));
    listener.end();
  }
}

/** Both listeners on the same runs. */
function both(a: BatchListener, b: BatchListener): BatchListener {
  return {
    begin(rows, inputs) {
      const x = a.begin(rows, inputs);
      const y = b.begin(rows, inputs);
      return {
        step(...args) { x.step?.(...args); y.step?.(...args); },
        dense(...args) { x.dense?.(...args); y.dense?.(...args); },
        layer(...args) { x.layer?.(...args); y.layer?.(...args); },
        ssm(...args) { x.ssm?.(...args); y.ssm?.(...args); },
      };
    },
    end() { a.end(); b.end(); },
  };
}

/**
 * The ranges over the sequences, from the batched float reference: sequences grouped by
 * length, BATCH_ROWS at a time. Equal to calibrateReference's (one sequence at a time):
 * the same values are recorded (float/batch.ts is bit for bit runFloat), in another
 * order, which histograms do not see (range-recorder.ts). `also` observes the same runs
 * (the tuning moments: moments-batch.ts), saving a float pass over the data.
 */
export function calibrate(model: FloatModel, seqs: readonly number[][][], opts: CalibrateOptions = {}, source = 'calibration data', also?: BatchListener): Calibration {
  const { rec } = startCalibration(model, seqs, opts, source);
  const observer: BatchObserver = {
    step(i, _backward, _rows, pre, h, c) { rec.addStep(i, pre, h, c); },
    dense(i, pre) { rec.dense[i]!.addAll(pre); },
    layer(i, out) { rec.outputs[i]!.addAll(out.data); },
    ssm(i, probe) { rec.addSsmStep(i, probe); },
  };
  const ranges: BatchListener = { begin: () => observer, end() {} };
  runBatched(model, seqs, also ? both(ranges, also) : ranges);
  // The batched run stops at the encoder: the decoder's values come from each sequence's
  // own runFloat, which records only them (the encoder's were recorded above).
  if (rec.decoder) {
    const prepared = prepareModel(model);
    const only: FloatObserver = { decoder: rec.decoder.observer() };
    for (const seq of seqs) runFloat(model, seq, prepared, only);
  }
  return rec.result(seqs.length);
}
