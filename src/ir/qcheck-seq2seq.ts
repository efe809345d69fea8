/**
 * What the decoder of a model.q.json must satisfy beyond its schema (qcheck.ts calls it):
 * the shapes of every product from the memory's width H_e, the decoder's S and O; every
 * format the steps of ir/qmodel.ts qDecoderSchema assume (the memory's, the inputs' common
 * formats, the projection's output as the feedback's); every shift within its rule's
 * range; the tables it reads. One line per problem, `decoder.<path>: <what is wrong>`.
 */
import { gateCount } from './kinds.js';
import { FRAC_RANGE, type QDecoder, type QLayer, type QMatmul, type QuantModel, isQRecurrent } from './qmodel.js';

export type DecoderMatmulCheck = (mm: QMatmul, rows: number, cols: number, what: string) => void;

const isInt16 = (xs: readonly number[]) => xs.every((v) => Number.isInteger(v) && v >= -32768 && v <= 32767);

export function checkQDecoder(q: QuantModel, d: QDecoder, memory: { width: number; sequence: boolean }, checkMatmul: DecoderMatmulCheck, problems: string[]): void {
  const at = 'decoder';
  const { min, max } = FRAC_RANGE;
  const last: QLayer | undefined = q.layers[q.layers.length - 1];
  const he = memory.width, s = d.units, o = d.outputSize;
  if (!last) { problems.push(`${at}: needs at least one encoder layer`); return; }
  if (d.memFrac !== last.outFrac) problems.push(`${at}.memFrac: ${d.memFrac}, but the last encoder layer gives ${last.outFrac} fractional bits`);
  // The formats below follow from the memory's actual format, not from a wrong memFrac.
  const mem = last.outFrac;
  if (!(d.steps >= 1 && d.steps <= 4096)) problems.push(`${at}.steps: ${d.steps} is outside [1, 4096]`);
  if (!(d.uFrac >= min && d.uFrac <= max)) problems.push(`${at}.uFrac: ${d.uFrac} is outside [${min}, ${max}]`);
  const into = d.attention?.into;
  const input = into === 'input' || into === 'both';
  const output = into === 'output' || into === 'both';
  // The feedback.
  const fb = d.feedback;
  const uw = fb.kind === 'prediction' ? o : fb.width;
  if (fb.kind === 'prediction') {
    if (fb.start.length !== o || !isInt16(fb.start)) problems.push(`${at}.feedback.start: expected ${o} int16 values`);
  } else {
    if (fb.table.length !== o * fb.width || !isInt16(fb.table)) problems.push(`${at}.feedback.table: expected ${o}×${fb.width} int16 values`);
    if (!(fb.start >= 0 && fb.start < o)) problems.push(`${at}.feedback.start: expected a class from 0 to ${o - 1}, got ${fb.start}`);
  }
  if (d.endToken !== undefined && (fb.kind !== 'embedding' || !(d.endToken >= 0 && d.endToken < o))) {
    problems.push(`${at}.endToken: only an embedding feedback stops at a class from 0 to ${o - 1}`);
  }
  // The cell: a forward lstm, gru or tanh rnn over [u ; ctx] at the coarser format.
  const c = d.cell;
  if (!(c.type === 'lstm' || c.type === 'gru' || (c.type === 'rnn' && (c.activation ?? 'tanh') === 'tanh'))) {
    problems.push(`${at}.cell: an lstm, gru or tanh rnn, got ${c.type}`);
  } else {
    if (c.bidirectional || c.backward || c.reverse) problems.push(`${at}.cell: runs forward only`);
    if (c.units !== s) problems.push(`${at}.cell.units: ${c.units}, but the decoder has ${s}`);
    if (c.outFrac !== 15) problems.push(`${at}.cell.outFrac: ${c.outFrac} is not valid (expected 15)`);
    const inFrac = input ? Math.min(d.uFrac, mem) : d.uFrac;
    if (c.inFrac !== inFrac) problems.push(`${at}.cell.inFrac: ${c.inFrac}, expected ${inFrac} (the coarser of u's and the context's)`);
    const rows = gateCount(c.type) * s;
    checkMatmul(c.forward.x, rows, uw + (input ? he : 0), `${at}.cell.forward.x`);
    if (!c.forward.h) problems.push(`${at}.cell.forward.h: required`);
    else checkMatmul(c.forward.h, rows, s, `${at}.cell.forward.h`);
    if (c.forward.h0 || c.forward.c0) problems.push(`${at}.cell.forward: the decoder's first state comes from init, not h0/c0`);
    if (c.type === 'lstm') {
      const fc = c.cell.frac;
      if (!(fc >= 0 && fc <= 30) || (c.cell.bits === 16 && fc > 15)) problems.push(`${at}.cell.cell.frac: ${fc} is outside the range of int${c.cell.bits}`);
      if (d.init.kind === 'copy' && last.type === 'lstm' && (last.cell.bits !== c.cell.bits || last.cell.frac !== fc)) {
        problems.push(`${at}.cell.cell: copies the encoder's c, so its format must be the encoder's (int${last.cell.bits}, ${last.cell.frac} fractional bits)`);
      }
    }
  }
  // The first state.
  if (d.init.kind === 'copy') {
    if (!isQRecurrent(last) || last.bidirectional || last.units !== s) problems.push(`${at}.init: "copy" needs a forward recurrent last encoder layer of ${s} units`);
  } else if (d.init.kind === 'bridge') {
    const b = d.init.dense;
    if (b.type !== 'dense' || b.activation !== 'tanh' || b.units !== s || b.inFrac !== mem || b.outFrac !== 15) {
      problems.push(`${at}.init.dense: expected a dense tanh layer of ${s} units reading the memory (inFrac ${mem}, outFrac 15)`);
    } else checkMatmul(b.mm, s, he, `${at}.init.dense.mm`);
  }
  // The attention.
  const a = d.attention;
  if (a) {
    if (!memory.sequence) problems.push(`${at}.attention: attends over the encoder's outputs, so the last encoder layer needs returnSequences true`);
    if (!q.tables?.exp) problems.push(`${at}.attention: needs tables.exp (the softmax over the scores)`);
    if (!(a.logitFrac >= min && a.logitFrac <= max)) problems.push(`${at}.attention.logitFrac: ${a.logitFrac} is outside [${min}, ${max}]`);
    const scoreShift = (keyFrac: number) => {
      const sh = 15 + keyFrac - a.logitFrac;
      if (!(sh >= 1 && sh <= 62)) problems.push(`${at}.attention: the score's shift 15 + keyFrac − logitFrac is ${sh}, outside [1, 62]`);
    };
    if (a.kind === 'bahdanau') {
      if (!a.keys || !a.query || !a.v) problems.push(`${at}.attention: bahdanau needs keys, query and v`);
      else {
        const units = a.keys.rows;
        checkMatmul(a.keys, units, he, `${at}.attention.keys`);
        checkMatmul(a.query, units, s, `${at}.attention.query`);
        checkMatmul(a.v, 1, units, `${at}.attention.v`);
      }
    } else if (a.kind === 'dot') {
      if (s !== he) problems.push(`${at}.attention: "dot" needs the decoder's ${s} units to equal the memory's width ${he}`);
      if (a.keys || a.query || a.v || a.keyFrac !== undefined) problems.push(`${at}.attention: "dot" has no products and no keyFrac`);
      scoreShift(mem);
    } else {
      if (!a.keys || a.keyFrac === undefined) problems.push(`${at}.attention: "general" needs keys and keyFrac`);
      else {
        checkMatmul(a.keys, s, he, `${at}.attention.keys`);
        if (!(a.keyFrac >= min && a.keyFrac <= max)) problems.push(`${at}.attention.keyFrac: ${a.keyFrac} is outside [${min}, ${max}]`);
        scoreShift(a.keyFrac);
      }
    }
  }
  // The projection over [h ; ctx].
  const p = d.projection;
  if (p.type !== 'dense' || (p.activation !== 'linear' && p.activation !== 'softmax')) {
    problems.push(`${at}.projection: expected a dense linear or softmax layer`);
  } else {
    const inFrac = output ? Math.min(15, mem) : 15;
    if (p.units !== o) problems.push(`${at}.projection.units: ${p.units}, but the decoder writes ${o}`);
    if (p.inFrac !== inFrac) problems.push(`${at}.projection.inFrac: ${p.inFrac}, expected ${inFrac}`);
    checkMatmul(p.mm, o, s + (output ? he : 0), `${at}.projection.mm`);
    if (p.activation === 'softmax') {
      if (p.outFrac !== 15) problems.push(`${at}.projection.outFrac: ${p.outFrac} is not valid (expected 15)`);
      if (!q.tables?.exp) problems.push(`${at}.projection: softmax needs tables.exp`);
      if (p.logitFrac === undefined || p.logitFrac < min || p.logitFrac > max) problems.push(`${at}.projection.logitFrac: missing or outside [${min}, ${max}]`);
    } else if (!(p.outFrac >= min && p.outFrac <= max)) problems.push(`${at}.projection.outFrac: ${p.outFrac} is outside [${min}, ${max}]`);
    if (fb.kind === 'prediction' && d.uFrac !== p.outFrac) problems.push(`${at}.uFrac: ${d.uFrac}, but the prediction fed back is the projection's output (${p.outFrac} fractional bits)`);
    if (q.output.frac !== p.outFrac) problems.push(`output.frac: ${q.output.frac}, but the decoder writes ${p.outFrac} fractional bits`);
  }
  if (q.outputSize !== o) problems.push(`outputSize: the decoder writes ${o}, the model says ${q.outputSize}`);
  if (!q.output.sequence) problems.push('output.sequence: a decoder writes K outputs: true');
}
