/**
 * The decoder's rules (docs/seq2seq.md), after the encoder's chain checked out: sizes in
 * range, then every weight's shape from the encoder's output width H_e, the decoder's S
 * and O and the attention's routes. validate.ts calls it; problems are pushed as
 * `decoder.<path>: <what is wrong>`.
 */
import { gateCount } from './kinds.js';
import { type FloatModel, LIMITS, isRecurrent } from './model.js';
import { type Decoder, MAX_DECODE_STEPS, contextRoutes, feedbackWidth } from './seq2seq.js';
import { checkMatrix, checkVector } from './check-arrays.js';

function inRange(problems: string[], at: string, v: number, max: number): boolean {
  if (Number.isInteger(v) && v >= 1 && v <= max) return true;
  problems.push(`${at}: expected an integer from 1 to ${max}, got ${v}`);
  return false;
}

/** `encoder`: the chain's output width and whether the last layer gives a sequence. */
export function checkDecoder(model: FloatModel, d: Decoder, encoder: { width: number; sequence: boolean }, problems: string[]): void {
  const at = 'decoder';
  let ok = inRange(problems, `${at}.units`, d.units, LIMITS.units);
  ok = inRange(problems, `${at}.outputSize`, d.outputSize, LIMITS.units) && ok;
  ok = inRange(problems, `${at}.steps`, d.steps, MAX_DECODE_STEPS) && ok;
  if (d.feedback.kind === 'embedding') {
    const dims = d.feedback.table[0]?.length ?? 0;
    ok = inRange(problems, `${at}.feedback.table[0]`, dims, LIMITS.inputSize) && ok;
  }
  if (d.attention?.kind === 'bahdanau') ok = inRange(problems, `${at}.attention.units`, d.attention.units, LIMITS.units) && ok;
  if (d.cell === 'gru' && d.resetAfter === undefined) problems.push(`${at}.resetAfter: required for a gru decoder (true: PyTorch's GRU)`);
  if (d.cell !== 'gru' && d.resetAfter !== undefined) problems.push(`${at}.resetAfter: only a gru decoder has it; remove it`);
  if (!ok) return;
  const { units: s, outputSize: o } = d;
  const he = encoder.width;
  const last = model.layers[model.layers.length - 1];
  if (d.feedback.kind === 'prediction') checkVector(problems, `${at}.feedback.start`, d.feedback.start, o);
  else {
    checkMatrix(problems, `${at}.feedback.table`, d.feedback.table, o, feedbackWidth(d));
    if (!(d.feedback.start >= 0 && d.feedback.start < o)) problems.push(`${at}.feedback.start: expected a class from 0 to ${o - 1}, got ${d.feedback.start}`);
  }
  if (d.endToken !== undefined) {
    if (d.feedback.kind !== 'embedding') problems.push(`${at}.endToken: only a decoder that feeds back classes (feedback "embedding") can stop at one`);
    else if (!(d.endToken >= 0 && d.endToken < o)) problems.push(`${at}.endToken: expected a class from 0 to ${o - 1}, got ${d.endToken}`);
  }
  if (d.init.kind === 'copy') {
    if (!last || !isRecurrent(last) || last.bidirectional) problems.push(`${at}.init: "copy" needs a forward recurrent last encoder layer; use "bridge"`);
    else if (last.units !== s) problems.push(`${at}.init: "copy" needs the last encoder layer's ${last.units} units to equal the decoder's ${s}; use "bridge"`);
  } else if (d.init.kind === 'bridge') {
    checkMatrix(problems, `${at}.init.kernel`, d.init.kernel, s, he);
    checkVector(problems, `${at}.init.bias`, d.init.bias, s);
  }
  const a = d.attention;
  if (a) {
    if (!encoder.sequence) problems.push(`${at}.attention: attends over the encoder's outputs, so the last encoder layer needs returnSequences true`);
    if (a.kind === 'dot' && s !== he) problems.push(`${at}.attention: "dot" needs the decoder's ${s} units to equal the encoder's output width ${he}; use "general"`);
    if (a.kind === 'bahdanau') {
      checkMatrix(problems, `${at}.attention.weights.encoderKernel`, a.weights.encoderKernel, a.units, he);
      checkMatrix(problems, `${at}.attention.weights.stateKernel`, a.weights.stateKernel, a.units, s);
      checkVector(problems, `${at}.attention.weights.bias`, a.weights.bias, a.units);
      checkVector(problems, `${at}.attention.weights.v`, a.weights.v, a.units);
    } else if (a.kind === 'general') {
      checkMatrix(problems, `${at}.attention.weights.kernel`, a.weights.kernel, s, he);
    }
  }
  const routes = contextRoutes(d);
  const rows = gateCount(d.cell) * s;
  checkMatrix(problems, `${at}.weights.kernel`, d.weights.kernel, rows, feedbackWidth(d) + (routes.input ? he : 0));
  checkMatrix(problems, `${at}.weights.recurrentKernel`, d.weights.recurrentKernel, rows, s);
  checkVector(problems, `${at}.weights.bias`, d.weights.bias, rows);
  const wantsRecurrentBias = d.cell === 'gru' && d.resetAfter === true;
  if (wantsRecurrentBias && !d.weights.recurrentBias) problems.push(`${at}.weights.recurrentBias: required for a gru decoder with resetAfter true (${rows} values)`);
  else if (!wantsRecurrentBias && d.weights.recurrentBias) problems.push(`${at}.weights.recurrentBias: only a gru decoder with resetAfter true has one; remove it`);
  else if (d.weights.recurrentBias) checkVector(problems, `${at}.weights.recurrentBias`, d.weights.recurrentBias, rows);
  checkMatrix(problems, `${at}.projection.kernel`, d.projection.kernel, o, s + (routes.output ? he : 0));
  checkVector(problems, `${at}.projection.bias`, d.projection.bias, o);
}
