/**
 * What calibration (calibrate.ts) records while the float reference runs: one |x|
 * histogram per quantity and layer, and which input feature holds the largest |x|.
 * Histograms count values (histogram.ts), so the order values arrive in changes nothing:
 * the batched run and the per-sequence one record the same ranges from the same values.
 * A record keeps only what is read from it: at p = 100 a range is the maximum (no bins),
 * the gates give their maximum and the share beyond ±8 (ClipCounter), the outputs their
 * maximum.
 */
import { gateCount, hasRecurrentProduct, hasState } from '../ir/kinds.js';
import { type FloatModel, isRecurrent, rnnActivationOf } from '../ir/model.js';
import { PRE_FRAC } from '../fixed/ops.js';
import type { SsmProbe } from '../float/ssm.js';
import { AbsHistogram, ClipCounter } from './histogram.js';
import type { Calibration, DecoderCalibration, LayerCalibration, RangeSummary } from './calibrate.js';
import type { DecoderObserver } from '../float/observer.js';
import type { Ranges } from './quantize.js';
import { SSM_QUANTITIES, type SsmQuantity, recordSsmStep } from './ssm-ranges.js';

const GATE_LIMIT = 2 ** (15 - PRE_FRAC);

function summarize(h: AbsHistogram, p: number): RangeSummary {
  return { maxAbs: h.maxAbs, range: h.percentile(p) };
}

export class RangeRecorder {
  readonly gates: ClipCounter[];
  readonly cells: AbsHistogram[];
  readonly hidden: AbsHistogram[];
  readonly dense: AbsHistogram[];
  readonly outputs: AbsHistogram[];
  /** Per layer: records c (LSTM) / h (relu rnn) at each step. */
  readonly recordsCell: boolean[];
  readonly recordsHidden: boolean[];
  /**
   * Per layer, mingru and minlstm (no recurrent product): the units of the last gate
   * block, the candidate h̃, whose |h̃| is the `hidden` range (it bounds h, a blend of h
   * and h̃) and which no table reads; 0 for other kinds.
   */
  readonly candidate: number[];
  /** Per layer, an ssm layer's intermediates (ssm-ranges.ts); undefined for other kinds. */
  readonly ssm: Array<Record<SsmQuantity, AbsHistogram> | undefined>;
  /** An encoder–decoder's decoder: its cell, projection, scores and general keys (DecoderRecorder). */
  readonly decoder: DecoderRecorder | undefined;
  /** The feature of the first input value with the largest |x|, in sequence order. */
  inputFeature = 0;
  timesteps = 0;

  readonly input: AbsHistogram;

  /** `p`: the percentile the ranges are taken at. */
  constructor(readonly model: FloatModel, readonly p: number) {
    const n = model.layers.length;
    const each = (binned: boolean) => Array.from({ length: n }, () => new AbsHistogram(binned));
    this.input = new AbsHistogram(p < 100);
    this.gates = Array.from({ length: n }, () => new ClipCounter(GATE_LIMIT));
    this.cells = each(p < 100);
    this.hidden = each(p < 100);
    this.dense = each(p < 100);
    this.outputs = each(false);
    this.recordsCell = model.layers.map((l) => hasState(l.type, 'c'));
    this.recordsHidden = model.layers.map((l) => l.type === 'rnn' && rnnActivationOf(l) === 'relu');
    this.candidate = model.layers.map((l) => (isRecurrent(l) && !hasRecurrentProduct(l.type) ? l.units : 0));
    this.decoder = model.decoder ? new DecoderRecorder(p) : undefined;
    this.ssm = model.layers.map((l) => (l.type === 'ssm'
      ? Object.fromEntries(SSM_QUANTITIES.map((k) => [k, new AbsHistogram(p < 100)])) as Record<SsmQuantity, AbsHistogram> : undefined));
  }

  /** One step of ssm layer `layer` (float/ssm.ts SsmProbe). */
  addSsmStep(layer: number, probe: SsmProbe): void {
    const l = this.model.layers[layer]!;
    if (l.type === 'ssm') recordSsmStep(this.ssm[layer]!, l, probe);
  }

  /** One normalised input vector; call in sequence order (inputFeature keeps the first maximum). */
  addInput(v: Float64Array): void {
    let top = this.input.maxAbs;
    for (let f = 0; f < v.length; f++) {
      if (Math.abs(v[f]!) > top) { top = Math.abs(v[f]!); this.inputFeature = f; }
    }
    this.input.addAll(v);
    this.timesteps++;
  }

  /** A recurrent step (any number of rows): gate pre-activations and the state after. */
  addStep(layer: number, pre: Float64Array, h: ArrayLike<number>, c: ArrayLike<number>): void {
    const u = this.candidate[layer]!;
    if (u > 0) {
      // minGRU, minLSTM: per row, the gates before the last block read the sigmoid table; the last, h̃, bounds h.
      const g = gateCount(this.model.layers[layer]!.type) * u;
      for (let r = 0; r < pre.length; r += g) {
        this.gates[layer]!.addAll(pre.subarray(r, r + g - u));
        this.hidden[layer]!.addAll(pre.subarray(r + g - u, r + g));
      }
      return;
    }
    this.gates[layer]!.addAll(pre);
    if (this.recordsCell[layer]) this.cells[layer]!.addAll(c);
    if (this.recordsHidden[layer]) this.hidden[layer]!.addAll(h);
  }

  result(sequences: number): Calibration {
    const p = this.p;
    const layers = this.model.layers.map((layer, i): LayerCalibration => {
      const out: LayerCalibration = { index: i, type: layer.type, output: { maxAbs: this.outputs[i]!.maxAbs } };
      // A conv1d's product is a dense one over its window: the same |W x + b| range.
      const ssm = this.ssm[i];
      if (ssm) out.ssm = Object.fromEntries(SSM_QUANTITIES.map((k) => [k, summarize(ssm[k], p)])) as Record<SsmQuantity, RangeSummary>;
      else if (layer.type === 'dense' || layer.type === 'conv1d') out.dense = summarize(this.dense[i]!, p);
      else out.gates = { maxAbs: this.gates[i]!.maxAbs, clippedFraction: this.gates[i]!.fraction() };
      if (this.recordsCell[i]) out.cell = summarize(this.cells[i]!, p);
      if (this.recordsHidden[i] || this.candidate[i]! > 0) out.hidden = summarize(this.hidden[i]!, p);
      return out;
    });
    const ranges: Ranges = {
      input: this.input.percentile(p),
      inputFeature: this.inputFeature,
      layers: layers.map((l) => ({
        ...(l.cell ? { cell: l.cell.range } : {}),
        ...(l.dense ? { dense: l.dense.range } : {}),
        ...(l.hidden ? { hidden: l.hidden.range } : {}),
        ...(l.ssm ? { ssm: Object.fromEntries(SSM_QUANTITIES.map((k) => [k, l.ssm![k].range])) as Record<SsmQuantity, number> } : {}),
      })),
    };
    const decoder = this.decoder?.summary(this.model);
    if (decoder) ranges.decoder = decoderRanges(decoder);
    return { ranges, summary: { sequences, timesteps: this.timesteps, percentile: p, input: summarize(this.input, p), layers, ...(decoder ? { decoder } : {}) } };
  }
}

/**
 * A decoder's calibration (float/observer.ts DecoderObserver): gate pre-activations (the
 * report), |c| of an LSTM cell, the projection's |W r + b|, the scores |e| and the general
 * keys |W_g m_j|.
 */
export class DecoderRecorder {
  readonly gates = new ClipCounter(GATE_LIMIT);
  readonly cell: AbsHistogram;
  readonly projection: AbsHistogram;
  readonly scores: AbsHistogram;
  readonly keys: AbsHistogram;
  constructor(readonly p: number) {
    this.cell = new AbsHistogram(p < 100);
    this.projection = new AbsHistogram(p < 100);
    this.scores = new AbsHistogram(p < 100);
    this.keys = new AbsHistogram(p < 100);
  }

  observer(): DecoderObserver {
    return {
      step: (pre, state) => { this.gates.addAll(pre); this.cell.addAll(state.c); },
      scores: (e) => this.scores.addAll(e),
      keys: (ks) => { for (const k of ks) this.keys.addAll(k); },
      projection: (y) => this.projection.addAll(y),
    };
  }

  summary(model: FloatModel): DecoderCalibration | undefined {
    const d = model.decoder;
    if (!d) return undefined;
    const p = this.p;
    return {
      gates: { maxAbs: this.gates.maxAbs, clippedFraction: this.gates.fraction() },
      ...(d.cell === 'lstm' ? { cell: summarize(this.cell, p) } : {}),
      projection: summarize(this.projection, p),
      ...(d.attention ? { scores: summarize(this.scores, p) } : {}),
      ...(d.attention?.kind === 'general' ? { keys: summarize(this.keys, p) } : {}),
    };
  }
}

function decoderRanges(c: DecoderCalibration): NonNullable<Ranges['decoder']> {
  return {
    projection: c.projection.range,
    ...(c.cell ? { cell: c.cell.range } : {}),
    ...(c.scores ? { scores: c.scores.range } : {}),
    ...(c.keys ? { keys: c.keys.range } : {}),
  };
}
