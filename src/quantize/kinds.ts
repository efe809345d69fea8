/**
 * The quantizer's part of each layer kind (ir/kinds.ts): a float layer and the format
 * of its input → the quantized layer, whose outFrac the next layer reads. quantize.ts
 * dispatches through this record only. Formats (formats.ts): h Q0.15 (a relu RNN's from
 * its calibrated |h|), gate pre-activations Q3.12, an LSTM cell int16 or int32 from its
 * calibrated |c|, a linear/relu dense output or softmax logit from its |W x + b|; without
 * calibration the DEFAULT_RANGES.
 */
import { RnncError } from '../errors.js';
import { gateCount, hasRecurrentProduct } from '../ir/kinds.js';
import {
  type Conv1dLayer, type DenseLayer, type Layer, type LayerType, type RecurrentLayer, type RecurrentWeights, dilationOf, gateActivationOf, lookaheadOf, rnnActivationOf,
} from '../ir/model.js';
import { FRAC_RANGE, type QConv1dLayer, type QDenseLayer, type QDirection, type QLayer, type QMatmul, type QRecurrentLayer } from '../ir/qmodel.js';
import { PRE_FRAC, Q15_FRAC } from '../fixed/ops.js';
import { DEFAULT_RANGES, fracFor, int16Frac, qName } from './formats.js';
import { type TunedRows, quantizeMatmul } from './matmul.js';
import type { Ranges } from './quantize.js';
import { quantizeSsm } from './ssm.js';
import { withInitialState } from './state.js';
import type { Technique } from './tune-rows.js';
import type { InputMoments, LayerMoments } from './tune-stats.js';

/** What quantizing one layer needs to know of the model around it. */
export interface LayerQuantizeCtx {
  index: number;
  /** Fractional bits of the layer's int16 input. */
  inFrac: number;
  bits: 8 | 16;
  margin: number;
  /** The layer's calibrated ranges, if any. */
  range: Ranges['layers'][number] | undefined;
  /** Prefix naming the calibration file in messages ('' without one). */
  from: string;
  /** LSTM: the cell format to use, when chosen by measured error (cells.ts). */
  cell?: CellFormat;
  /** The layer's name in messages when it is not `layers[index]` (a decoder's cell: `decoder.cell`). */
  name?: string;
  /** Post-training tuning of the weights: the layer's calibration moments and the techniques. */
  tune?: { moments: LayerMoments; techniques: ReadonlySet<Technique>; cache?: TunedRows };
}

/** The layer's name in messages: `layers[i]`, or the name given. */
function layerName(c: Pick<LayerQuantizeCtx, 'index' | 'name'>): string {
  return c.name ?? `layers[${c.index}]`;
}

/** The tuning of one product, given its input moments (none: no tuning). */
function tuneOf(c: LayerQuantizeCtx, moments: InputMoments | undefined) {
  return c.tune && moments ? { moments, techniques: c.tune.techniques, ...(c.tune.cache ? { cache: c.tune.cache } : {}) } : undefined;
}

/** An LSTM cell state's format: int16 or int32 with `frac` fractional bits. */
export interface CellFormat {
  bits: 16 | 32;
  frac: number;
}

/** The extra tables a quantized model may carry (fixed/lut.ts builds each). */
export type TableName = 'exp' | 'softplus' | 'expFine';

export interface QuantizedLayer {
  layer: QLayer;
  /** The extra tables (QuantModel.tables) the layer reads: exp for a softmax, all three for an ssm. */
  tables: readonly TableName[];
}

export interface QuantizeKind<L extends Layer> {
  quantize(layer: L, c: LayerQuantizeCtx): QuantizedLayer;
}

/**
 * Both products of a direction, requantized to `preFrac` (Q.12 for the tables; a relu
 * RNN's h format, so h' = max(0, X + H) needs no rescale) from `hFrac` (h's format:
 * Q0.15, or a relu RNN's calibrated one).
 */
function quantizeDirection(
  layer: RecurrentLayer, w: RecurrentWeights, c: LayerQuantizeCtx, direction: 0 | 1, what: string, hFrac: number, preFrac: number,
): QDirection {
  const { inFrac, bits } = c;
  if (!hasRecurrentProduct(layer.type)) {
    // No recurrent product (minGRU, minLSTM): the gate rows go to Q.12 for the sigmoid table, the
    // last block, h̃, to h's format, so the blend takes h̃ as it is.
    const gateRows = (gateCount(layer.type) - 1) * layer.units;
    const outFrac = [...new Array<number>(gateRows).fill(PRE_FRAC), ...new Array<number>(layer.units).fill(hFrac)];
    return { x: quantizeMatmul({ what: `${what}.kernel`, kernel: w.kernel, bias: w.bias, weightBits: bits, inFrac, outFrac, tune: tuneOf(c, c.tune?.moments.x) }) };
  }
  return {
    x: quantizeMatmul({ what: `${what}.kernel`, kernel: w.kernel, bias: w.bias, weightBits: bits, inFrac, outFrac: preFrac, tune: tuneOf(c, c.tune?.moments.x) }),
    h: quantizeMatmul({
      what: `${what}.recurrentKernel`, kernel: w.recurrentKernel!, bias: layer.type === 'gru' && layer.resetAfter ? w.recurrentBias : undefined,
      weightBits: bits, inFrac: hFrac, outFrac: preFrac, tune: tuneOf(c, c.tune?.moments.h?.[direction]),
    }),
  };
}

/** Largest |value| of a layer's initial h or c over its directions (0 without one). */
function initialAbs(layer: RecurrentLayer, key: 'initialH' | 'initialC'): number {
  let m = 0;
  for (const w of [layer.weights, layer.backwardWeights]) for (const v of w?.[key] ?? []) m = Math.max(m, Math.abs(v));
  return m;
}

/** The quantized layer with each direction's initial state (quantize/state.ts). */
function withInitialStates<L extends QRecurrentLayer>(layer: RecurrentLayer, q: L): L {
  const init = (w: RecurrentWeights | undefined, dir: QDirection) => withInitialState(q, dir, { h: w?.initialH, c: w?.initialC }).dir;
  const out = { ...q, forward: init(layer.weights, q.forward) };
  if (q.backward) out.backward = init(layer.backwardWeights, q.backward);
  return out;
}


/**
 * A dense product and its activation: linear/relu outputs and softmax logits take the
 * calibrated |W x + b| format, tanh/sigmoid read the tables at Q3.12 and give Q0.15.
 * Also a conv1d's, over its window (`cols` = kernelSize·inputs).
 */
function quantizeProduct(layer: DenseLayer | Conv1dLayer, c: LayerQuantizeCtx): { mm: QMatmul; outFrac: number; logitFrac: number | undefined } {
  const what = layerName(c);
  const r = c.range;
  const act = layer.activation;
  const absMax = r?.dense ?? DEFAULT_RANGES.dense;
  const m = r?.dense !== undefined ? c.margin : 1;
  let outFrac = Q15_FRAC;
  let mmFrac = PRE_FRAC;
  let logitFrac: number | undefined;
  const reached = () => `${c.from}the ${act === 'softmax' ? 'logits' : 'outputs'} W x + b of ${what} (dense ${act})`;
  if (act === 'linear' || act === 'relu') {
    outFrac = int16Frac(absMax, m, reached);
    mmFrac = outFrac;
  } else if (act === 'softmax') {
    logitFrac = int16Frac(absMax, m, reached);
    mmFrac = logitFrac;
  }
  const mm = quantizeMatmul({ what: `${what}.weights.kernel`, kernel: layer.weights.kernel, bias: layer.weights.bias, weightBits: c.bits, inFrac: c.inFrac, outFrac: mmFrac,
    tune: tuneOf(c, c.tune?.moments.x),
  });
  return { mm, outFrac, logitFrac };
}

function quantizeDense(layer: DenseLayer, c: LayerQuantizeCtx): QuantizedLayer {
  const { mm, outFrac, logitFrac } = quantizeProduct(layer, c);
  const q: QDenseLayer = { type: 'dense', units: layer.units, activation: layer.activation, inFrac: c.inFrac, outFrac, mm };
  if (logitFrac !== undefined) q.logitFrac = logitFrac;
  return { layer: q, tables: layer.activation === 'softmax' ? ['exp'] : [] };
}

function quantizeConv(layer: Conv1dLayer, c: LayerQuantizeCtx): QuantizedLayer {
  const { mm, outFrac } = quantizeProduct(layer, c);
  const q: QConv1dLayer = {
    type: 'conv1d', units: layer.units, kernelSize: layer.kernelSize, dilation: dilationOf(layer), ...(lookaheadOf(layer) > 0 ? { lookahead: lookaheadOf(layer) } : {}),
    activation: layer.activation, inFrac: c.inFrac, outFrac, mm,
  };
  return { layer: q, tables: [] };
}

/** The fields every recurrent kind shares: sizes, formats, both directions' products. */
function recurrentCommon(layer: RecurrentLayer, c: LayerQuantizeCtx) {
  const what = layerName(c);
  const r = c.range;
  // h is Q0.15 (tanh and gates keep it within ±1), but a relu RNN's h is unbounded: its
  // format comes from the calibrated |h| (or the dense default), like a relu dense output.
  const relu = layer.type === 'rnn' && rnnActivationOf(layer) === 'relu';
  // A minGRU's or minLSTM's h is a blend of h and h̃ = W_h x + b_h, unbounded too: its format holds
  // the calibrated |h̃| (and so every h the blend makes from them).
  const ownFormat = relu || !hasRecurrentProduct(layer.type);
  // A relu h and an LSTM c take formats that also hold the initial state exactly.
  const h0Abs = initialAbs(layer, 'initialH');
  const hFrac = ownFormat
    ? int16Frac(Math.max(r?.hidden ?? DEFAULT_RANGES.dense, h0Abs), r?.hidden !== undefined ? c.margin : 1, () => `${c.from}the hidden state h of ${what} (${relu ? 'rnn relu' : layer.type})`)
    : Q15_FRAC;
  if (layer.bidirectional === 'sum' && hFrac - 1 < FRAC_RANGE.min) {
    throw new RnncError('quantize/range_overflow', `${c.from}${what} (${relu ? 'rnn relu' : layer.type}, bidirectional sum): the hidden state is too large for the sum's format (${qName(FRAC_RANGE.min)})`);
  }
  const preFrac = relu ? hFrac : PRE_FRAC;
  return {
    units: layer.units,
    returnSequences: layer.returnSequences,
    inFrac: c.inFrac,
    outFrac: layer.bidirectional === 'sum' ? hFrac - 1 : hFrac,
    forward: quantizeDirection(layer, layer.weights, c, 0, `${what}.weights`, hFrac, preFrac),
    ...(layer.bidirectional && layer.backwardWeights
      ? { bidirectional: layer.bidirectional, backward: quantizeDirection(layer, layer.backwardWeights, c, 1, `${what}.backwardWeights`, hFrac, preFrac) }
      : {}),
    ...(layer.lastOutput === 'last-index' ? { lastOutput: layer.lastOutput } : {}),
    ...(layer.reverse ? { reverse: true } : {}),
  };
}

/**
 * The finest int16 and int32 formats holding the cell's range (calibrated |c| with the
 * margin, or the default; and the initial c): the range rule picks one, cells.ts
 * measures around them.
 */
export function cellRangeFormats(layer: RecurrentLayer, c: Pick<LayerQuantizeCtx, 'range' | 'margin'>): { int16: CellFormat; int32: CellFormat } {
  const cAbs = Math.max(c.range?.cell ?? DEFAULT_RANGES.cell, initialAbs(layer, 'initialC'));
  const m = c.range?.cell !== undefined ? c.margin : 1;
  return { int16: { bits: 16, frac: fracFor(cAbs, 16, m, 15) }, int32: { bits: 32, frac: Math.min(24, fracFor(cAbs, 32, m, 24)) } };
}

/**
 * The LSTM cell state's format by the range rule: the finest int16 format holding the
 * calibrated |c| with margin when that leaves 8 fractional bits, else int32. (cells.ts
 * can choose by measured error instead.)
 */
export function rangeCellFormat(layer: RecurrentLayer, c: LayerQuantizeCtx): CellFormat {
  const { int16, int32 } = cellRangeFormats(layer, c);
  // Below 8 fractional bits int16 loses too much precision: widen to int32 instead.
  const cell = int16.frac >= 8 ? int16 : int32;
  const cAbs = Math.max(c.range?.cell ?? DEFAULT_RANGES.cell, initialAbs(layer, 'initialC'));
  if (!(cell.frac >= 0)) {
    // |c| grows by at most 1 per step: only a sequence of about 2^31 steps gets here.
    throw new RnncError('quantize/range_overflow', `${c.from}${layerName(c)} (lstm): the cell state reaches ${cAbs.toPrecision(3)}, beyond the ±2^31 an int32 cell spans`);
  }
  return cell;
}

type Kinds = { [K in LayerType]: QuantizeKind<Extract<Layer, { type: K }>> };

export const QUANTIZE_KINDS: Kinds = {
  rnn: { quantize: (l, c) => ({ layer: withInitialStates(l, { type: 'rnn', ...recurrentCommon(l, c), activation: rnnActivationOf(l) }), tables: [] }) },
  lstm: {
    quantize: (l, c) => ({
      layer: withInitialStates(l, { type: 'lstm', ...recurrentCommon(l, c), recurrentActivation: gateActivationOf(l), cell: c.cell ?? rangeCellFormat(l, c) }), tables: [],
    }),
  },
  gru: {
    quantize: (l, c) => ({
      layer: withInitialStates(l, { type: 'gru', ...recurrentCommon(l, c), recurrentActivation: gateActivationOf(l), resetAfter: l.resetAfter }), tables: [],
    }),
  },
  mingru: { quantize: (l, c) => ({ layer: withInitialStates(l, { type: 'mingru', ...recurrentCommon(l, c) }), tables: [] }) },
  minlstm: { quantize: (l, c) => ({ layer: withInitialStates(l, { type: 'minlstm', ...recurrentCommon(l, c) }), tables: [] }) },
  dense: { quantize: quantizeDense },
  conv1d: { quantize: quantizeConv },
  ssm: { quantize: quantizeSsm },
};

/** The kind of `layer`, typed for it. */
export function quantizeKind<L extends Layer>(layer: L): QuantizeKind<L> {
  return QUANTIZE_KINDS[layer.type] as unknown as QuantizeKind<L>;
}
