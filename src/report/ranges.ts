/**
 * Calibrated range histograms: every quantity whose fixed-point format calibration
 * chose (or whose format is fixed, like the Q3.12 gate inputs of the lookup tables),
 * binned over the calibration data, beside the largest value its format holds. Bars
 * beyond that limit are values the integer code saturates.
 *
 * The quantizer keeps only log-spaced |x| histograms for its percentiles
 * (quantize/histogram.ts) and no signed distribution, so the values are binned here, in
 * one more float pass with the float reference's observer; the bins span the maxima the
 * quantizer's calibration summary recorded.
 */
import { prepareModel } from '../float/kinds.js';
import { normalizeInput, runFloat } from '../float/model.js';
import type { FloatObserver } from '../float/observer.js';
import { PRE_FRAC } from '../fixed/ops.js';
import { hasRecurrentProduct } from '../ir/kinds.js';
import type { FloatModel } from '../ir/model.js';
import { type QLayer, type QuantModel, hiddenFrac, isQRecurrent } from '../ir/qmodel.js';
import type { CalibrationSummary } from '../quantize/calibrate.js';
import type { RangeData, RangeTensor } from './types.js';

const BINS = 48;

/** A signed `bits`-bit integer with `frac` fractional bits: its name and the largest |value| it holds. */
function format(bits: number, frac: number): { name: string; limit: number } {
  const name = `Q${bits - 1 - frac}.${frac}`;
  return { name: bits === 16 ? name : `int${bits} ${name}`, limit: 2 ** (bits - 1 - frac) };
}

/** Fixed-width bins over [-span, span], counting |x| > limit on the way. */
class Binner {
  readonly counts = new Float64Array(BINS);
  count = 0;
  above = 0;
  maxAbs = 0;
  constructor(readonly span: number, readonly limit: number) {}

  addAll(xs: ArrayLike<number>): void {
    const w = (2 * this.span) / BINS;
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const a = Math.abs(x);
      this.count++;
      if (a > this.maxAbs) this.maxAbs = a;
      if (a > this.limit) this.above++;
      const k = Math.floor((x + this.span) / w);
      this.counts[Math.max(0, Math.min(BINS - 1, k))]! += 1;
    }
  }
}

interface Slot {
  layer: number | null;
  quantity: string;
  format: string;
  binner: Binner;
}

/**
 * The span of a quantity's bins: its calibrated maximum with a little room, and the
 * format's limit when that is near (so the limit line shows); a limit far beyond the data
 * (an int32 logit) would squeeze every value into one bin, so it is left off the axis.
 */
function span(maxAbs: number, limit: number): number {
  const data = Math.max(maxAbs, 1e-9) * 1.1;
  return limit <= 4 * data ? Math.max(data, limit * 1.1) : data;
}

/** What a dense or conv1d layer's W x + b is requantized into, by activation. */
function productFormat(l: Extract<QLayer, { type: 'dense' | 'conv1d' }>): { name: string; limit: number } {
  if (l.activation === 'tanh' || l.activation === 'sigmoid') return format(16, PRE_FRAC);
  if (l.type === 'dense' && l.activation === 'softmax' && l.logitFrac !== undefined) return format(32, l.logitFrac);
  return format(16, l.outFrac);
}

function slotsFor(q: QuantModel, c: CalibrationSummary): { input: Slot; layers: Array<Record<string, Slot>> } {
  const input = format(16, q.input.frac);
  const slot = (layer: number | null, quantity: string, f: { name: string; limit: number }, maxAbs: number): Slot =>
    ({ layer, quantity, format: f.name, binner: new Binner(span(maxAbs, f.limit), f.limit) });
  const layers = q.layers.map((l, i) => {
    const cl = c.layers[i];
    const out: Record<string, Slot> = {};
    if (isQRecurrent(l)) {
      out.gates = slot(i, 'gate pre-activations', format(16, PRE_FRAC), cl?.gates?.maxAbs ?? 8);
      if (l.type === 'lstm') out.cell = slot(i, 'cell c', format(l.cell.bits, l.cell.frac), cl?.cell?.maxAbs ?? 1);
      if (l.type === 'rnn' && l.activation === 'relu') out.hidden = slot(i, 'h', format(16, hiddenFrac(l)), cl?.hidden?.maxAbs ?? 1);
      // minGRU, minLSTM: the last gate block, h~ = W_h x + b_h, is in h's format, not a table's input.
      if (!hasRecurrentProduct(l.type)) out.candidate = slot(i, 'h~', format(16, hiddenFrac(l)), cl?.hidden?.maxAbs ?? 1);
    } else if (l.type === 'dense' || l.type === 'conv1d') {
      out.dense = slot(i, 'W x + b', productFormat(l), cl?.dense?.maxAbs ?? 1);
    }
    return out;
  });
  return { input: slot(null, 'input', input, c.input.maxAbs), layers };
}

function tensorOf(s: Slot): RangeTensor {
  const b = s.binner;
  const w = (2 * b.span) / BINS;
  return {
    layer: s.layer, quantity: s.quantity, format: s.format, limit: b.limit, maxAbs: b.maxAbs, count: b.count,
    saturated: b.count > 0 ? b.above / b.count : 0,
    bins: Array.from(b.counts, (count, k) => ({ lo: -b.span + k * w, hi: -b.span + (k + 1) * w, count })),
  };
}

/** Histograms of every calibrated quantity of `q` (quantized from `model`) over `seqs`. */
export function rangeHistograms(model: FloatModel, q: QuantModel, seqs: readonly number[][][], summary: CalibrationSummary, source: string): RangeData {
  const { input, layers } = slotsFor(q, summary);
  const prepared = prepareModel(model);
  const observer: FloatObserver = {
    step(i, _backward, pre, state) {
      const s = layers[i];
      // The minimal kinds' candidate rows (the last `units` values) are binned as h~, not as gates.
      const split = s?.candidate ? pre.length - q.layers[i]!.units : pre.length;
      s?.gates?.binner.addAll(pre.subarray(0, split));
      s?.candidate?.binner.addAll(pre.subarray(split));
      if (s?.cell && state.c) s.cell.binner.addAll(state.c);
      s?.hidden?.binner.addAll(state.h);
    },
    dense(i, pre) { layers[i]?.dense?.binner.addAll(pre); },
  };
  for (const seq of seqs) {
    for (const x of seq) input.binner.addAll(normalizeInput(model, x));
    runFloat(model, seq, prepared, observer);
  }
  const tensors = [input, ...layers.flatMap((l) => Object.values(l))].map(tensorOf);
  return { source, sequences: summary.sequences, timesteps: summary.timesteps, tensors };
}
