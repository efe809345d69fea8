/**
 * Quantizing the decoder of an encoder–decoder model (ir/qmodel.ts qDecoderSchema says
 * what each format is for and every integer step). The decoder's products reuse the
 * layers' quantization: its cell is quantized as a forward recurrent layer of its kind,
 * its projection and bridge as dense layers, the attention's products as QMatmuls. The
 * formats that depend on data come from the calibrated decoder ranges (calibrate.ts:
 * LSTM |c|, the projection's |W r + b|, the scores |e|, general's keys |W_g m|), or the
 * default ranges without calibration. The decoder's weights are not tuned (--tune).
 */
import type { DenseLayer, RecurrentLayer } from '../ir/model.js';
import type { Decoder } from '../ir/seq2seq.js';
import { contextRoutes } from '../ir/seq2seq.js';
import { type QDecoder, type QLayer, type QMatmul, isQRecurrent } from '../ir/qmodel.js';
import { RnncError } from '../errors.js';
import { cells, largest } from '../util/extremes.js';
import { PRE_FRAC, Q15_FRAC } from '../fixed/ops.js';
import { DEFAULT_RANGES, fracFor, int16Frac } from './formats.js';
import { type CellFormat, type TableName, quantizeKind } from './kinds.js';
import { quantizeMatmul } from './matmul.js';
import type { Ranges } from './quantize.js';

export interface DecoderQuantizeCtx {
  /** The last encoder layer, quantized: its outFrac is the memory's format. */
  last: QLayer;
  bits: 8 | 16;
  margin: number;
  ranges: Ranges['decoder'] | undefined;
  from: string;
  /** LSTM → LSTM with init copy: the encoder's cell format, which the copied c keeps. */
  cell?: CellFormat;
}

const sat16 = (v: number) => Math.max(-32768, Math.min(32767, v));

export function quantizeDecoder(d: Decoder, c: DecoderQuantizeCtx): { decoder: QDecoder; tables: TableName[] } {
  const memFrac = c.last.outFrac;
  const routes = contextRoutes(d);
  const r = c.ranges;
  const m = (calibrated: number | undefined) => (calibrated !== undefined ? c.margin : 1);
  const what = (name: string) => () => `${c.from}${name} of the decoder`;
  const base = { bits: c.bits, margin: c.margin, from: c.from };
  // The projection: a dense layer over r = [h ; ctx], one input format, the coarser part's.
  const projIn = routes.output ? Math.min(Q15_FRAC, memFrac) : Q15_FRAC;
  const projLayer: DenseLayer = { type: 'dense', units: d.outputSize, activation: d.projection.activation, weights: { kernel: d.projection.kernel, bias: d.projection.bias } };
  // A prediction decoder feeds back the projection's output and reads `start` first in that
  // format: the format holds both (start exactly, as rounding allows).
  const startAbs = d.feedback.kind === 'prediction' ? Math.max(0, largest(d.feedback.start, Math.abs)) : 0;
  const projRange = r ? { dense: Math.max(r.projection, startAbs) } : startAbs > DEFAULT_RANGES.dense ? { dense: startAbs } : undefined;
  const projection = quantizeKind(projLayer).quantize(projLayer, { ...base, index: -1, name: 'decoder.projection', inFrac: projIn, range: projRange }).layer;
  // The feedback u: the projection's own output, or the embedding table at its max-abs format.
  const fb = d.feedback;
  let uFrac: number;
  let feedback: QDecoder['feedback'];
  if (fb.kind === 'prediction') {
    uFrac = projection.outFrac;
    feedback = { kind: 'prediction', start: fb.start.map((v) => sat16(Math.round(v * 2 ** uFrac))) };
  } else {
    const abs = Math.max(0, largest(cells(fb.table), Math.abs));
    uFrac = fracFor(abs, 16, 1, 15);
    int16Frac(abs, 1, what('the embedding table'));
    feedback = { kind: 'embedding', width: fb.table[0]!.length, table: fb.table.flat().map((v) => sat16(Math.round(v * 2 ** uFrac))), start: fb.start };
  }
  // The cell: a forward recurrent layer over x = [u ; ctx] at the coarser of their formats.
  const cellIn = routes.input ? Math.min(uFrac, memFrac) : uFrac;
  const cellLayer = {
    type: d.cell, units: d.units, returnSequences: false,
    weights: { kernel: d.weights.kernel, recurrentKernel: d.weights.recurrentKernel, bias: d.weights.bias, ...(d.weights.recurrentBias ? { recurrentBias: d.weights.recurrentBias } : {}) },
    ...(d.cell === 'gru' ? { resetAfter: d.resetAfter === true } : {}),
  } as RecurrentLayer;
  const cellRange = r?.cell !== undefined ? { cell: r.cell } : undefined;
  const cell = quantizeKind(cellLayer).quantize(cellLayer, { ...base, index: -1, name: 'decoder.cell', inFrac: cellIn, range: cellRange, ...(c.cell ? { cell: c.cell } : {}) }).layer;
  let init: QDecoder['init'];
  if (d.init.kind === 'bridge') {
    const bridge: DenseLayer = { type: 'dense', units: d.units, activation: 'tanh', weights: { kernel: d.init.kernel, bias: d.init.bias } };
    init = { kind: 'bridge', dense: quantizeKind(bridge).quantize(bridge, { ...base, index: -1, name: 'decoder.init', inFrac: memFrac, range: undefined }).layer };
  } else {
    // The decoder's h is Q0.15: a copied h must be one too (a tanh-bounded encoder layer's).
    const l = c.last;
    if (d.init.kind === 'copy' && isQRecurrent(l) && l.outFrac !== 15) {
      throw new RnncError('unsupported/feature', `decoder init "copy": the last encoder layer (${l.type}${l.type === 'rnn' ? ' relu' : ''}) has an h beyond ±1, which the decoder's Q0.15 state cannot hold; use init "bridge"`);
    }
    init = { kind: d.init.kind };
  }
  const tables = new Set<TableName>(d.projection.activation === 'softmax' ? ['exp'] : []);
  let attention: QDecoder['attention'];
  const a = d.attention;
  if (a) {
    tables.add('exp');
    const logits = int16Frac(r?.scores ?? DEFAULT_RANGES.dense, m(r?.scores), what('the attention scores e'));
    const mm = (name: string, kernel: number[][], inFrac: number, outFrac: number, bias?: number[]): QMatmul =>
      quantizeMatmul({ what: `decoder.attention.${name}`, kernel, bias, weightBits: c.bits, inFrac, outFrac });
    if (a.kind === 'bahdanau') {
      attention = {
        kind: a.kind, into: a.into, logitFrac: logits,
        keys: mm('encoderKernel', a.weights.encoderKernel, memFrac, PRE_FRAC),
        query: mm('stateKernel', a.weights.stateKernel, Q15_FRAC, PRE_FRAC, a.weights.bias),
        v: mm('v', [a.weights.v], Q15_FRAC, logits),
      };
    } else if (a.kind === 'dot') {
      // The score's shift 15 + memFrac − logitFrac is at least 1 (rshrSatS64).
      attention = { kind: a.kind, into: a.into, logitFrac: Math.min(logits, 14 + memFrac) };
    } else {
      const keyFrac = int16Frac(r?.keys ?? DEFAULT_RANGES.dense, m(r?.keys), what('the general attention keys W_g m'));
      attention = { kind: a.kind, into: a.into, logitFrac: Math.min(logits, 14 + keyFrac), keyFrac, keys: mm('kernel', a.weights.kernel, memFrac, keyFrac) };
    }
  }
  const decoder: QDecoder = {
    units: d.units, outputSize: d.outputSize, steps: d.steps, memFrac, uFrac, cell, feedback,
    ...(d.endToken !== undefined ? { endToken: d.endToken } : {}),
    init, ...(attention ? { attention } : {}), projection,
  };
  return { decoder, tables: [...tables] };
}
