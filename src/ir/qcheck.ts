/**
 * What the fixed-point reference and the code generator demand of a QuantModel beyond
 * its schema: the float model's layer-chain and normalisation rules (rules.ts, the same
 * functions the float validator runs), consistent shapes and formats, integer ranges the
 * C types hold, and accumulator bounds that hold for the actual weights. A model.q.json can come from anywhere, so nothing here is trusted: a
 * violation would otherwise become an out-of-bounds read, a wrapped integer or a C
 * result that differs from the reference.
 */
import { RnncProblems } from '../errors.js';
import { FRAC_RANGE, type QDirection, type QMatmul, type QRecurrentLayer, type QuantModel, isQRecurrent, layerWeightBits, lutLog2 } from './qmodel.js';
import { gateCount, hasRecurrentProduct } from './kinds.js';
import { checkChain, checkNormalization, checkStateInputs } from './rules.js';
import { checkSsmLayer } from './qcheck-ssm.js';
import { checkQDecoder } from './qcheck-seq2seq.js';

const INT32_MAX = 2 ** 31 - 1;
/** The TypeScript reference accumulates in doubles: exact below 2^52 (see quantize/matmul.ts). */
const INT64_SAFE = 2 ** 52;

function inRange(xs: readonly number[], lo: number, hi: number): boolean {
  for (const x of xs) if (!(x >= lo && x <= hi)) return false;
  return true;
}

/**
 * The largest |accumulator| a product can reach, from its integers alone (a declared
 * accBound is not trusted): max over rows of |bias| + 32768 · Σ |w| (|int16 input| ≤ 32768).
 * Exact in doubles below 2^53, which checkMatmul requires.
 */
export function worstCaseAcc(mm: Pick<QMatmul, 'rows' | 'cols' | 'weights' | 'bias'>): number {
  let bound = 0;
  for (let r = 0; r < mm.rows; r++) {
    let s = Math.abs(mm.bias[r] ?? 0);
    for (let c = 0; c < mm.cols; c++) s += Math.abs(mm.weights[r * mm.cols + c] ?? 0) * 32768;
    bound = Math.max(bound, s);
  }
  return bound;
}

function checkMatmul(mm: QMatmul, rows: number, cols: number, bits: 8 | 16, what: string, problems: string[]): void {
  if (mm.rows !== rows || mm.cols !== cols) {
    problems.push(`${what}: expected ${rows}×${cols}, got ${mm.rows}×${mm.cols}`);
    return;
  }
  const qmax = bits === 8 ? 127 : 32767;
  if (mm.weights.length !== rows * cols) problems.push(`${what}.weights: expected ${rows * cols} values, got ${mm.weights.length}`);
  if (!inRange(mm.weights, -qmax - 1, qmax)) problems.push(`${what}.weights: values outside int${bits}`);
  for (const [k, n] of [['bias', rows], ['mult', rows], ['shift', rows]] as const) {
    if (mm[k].length !== n) problems.push(`${what}.${k}: expected ${n} values, got ${mm[k].length}`);
  }
  if (!inRange(mm.bias, -INT32_MAX, INT32_MAX)) problems.push(`${what}.bias: values outside int32`);
  if (!mm.mult.every((m) => m === 0 || (m >= 2 ** 30 && m <= INT32_MAX))) problems.push(`${what}.mult: values outside [2^30, 2^31) and not 0`);
  if (!inRange(mm.shift, 1, 62)) problems.push(`${what}.shift: values outside [1, 62]`);
  if (mm.acc === 'int32' ? mm.preShift !== 0 : !(mm.preShift >= 1 && mm.preShift <= 62)) {
    problems.push(`${what}.preShift: ${mm.preShift} is not valid for an ${mm.acc} accumulator`);
  }
  // Recompute the worst case from the integers themselves: the declared accBound is not trusted.
  const bound = mm.weights.length === rows * cols ? worstCaseAcc(mm) : 0;
  if (mm.acc === 'int32' && bound > INT32_MAX) problems.push(`${what}: acc is int32 but the worst-case accumulator ${bound} overflows int32`);
  if (bound >= INT64_SAFE) problems.push(`${what}: worst-case accumulator ${bound} exceeds 2^52`);
}

function checkTable(t: readonly number[] | undefined, len: number, lo: number, hi: number, what: string, problems: string[]): void {
  if (!t) return;
  if (t.length !== len) problems.push(`${what}: expected ${len} entries, got ${t.length}`);
  if (!inRange(t, lo, hi)) problems.push(`${what}: entries outside [${lo}, ${hi}]`);
}

/** h0 holds int16 values; c0 belongs to an LSTM and holds values of its cell type. */
function checkInitialState(d: QDirection, l: QRecurrentLayer, what: string, problems: string[]): void {
  if (d.h0 && (d.h0.length !== l.units || !inRange(d.h0, -32768, 32767))) problems.push(`${what}.h0: expected ${l.units} int16 values`);
  if (!d.c0) return;
  if (l.type !== 'lstm') problems.push(`${what}.c0: only an LSTM has a cell state`);
  else if (d.c0.length !== l.units || !inRange(d.c0, l.cell.bits === 16 ? -32768 : -INT32_MAX - 1, l.cell.bits === 16 ? 32767 : INT32_MAX)) {
    problems.push(`${what}.c0: expected ${l.units} int${l.cell.bits} values`);
  }
}

/** Throws RnncProblems listing every inconsistency at once. */
export function checkQuantModel(q: QuantModel, source: string): void {
  const problems: string[] = [];
  let log2 = 0;
  try {
    log2 = lutLog2(q.lut.size);
  } catch (e) {
    problems.push(`lut.size: ${(e as Error).message}`);
  }
  if (log2 > 0) {
    // Against a valid size only (a wrong size is the one problem, not every table's length).
    const n = q.lut.size + 1;
    // sigmoid entries >= 1 keep 32768 − y inside int16; tanh/exp entries in [0, 32767].
    checkTable(q.lut.sigmoid, n, 1, 32767, 'lut.sigmoid', problems);
    checkTable(q.lut.tanh, n, 0, 32767, 'lut.tanh', problems);
    checkTable(q.tables?.exp, n, 0, 32767, 'tables.exp', problems);
    checkTable(q.tables?.expFine, n, 0, 32767, 'tables.expFine', problems);
    checkTable(q.tables?.softplus, n, 0, 32767, 'tables.softplus', problems);
  }
  const { min, max } = FRAC_RANGE;
  if (!(q.input.frac >= min && q.input.frac <= max)) problems.push(`input.frac: ${q.input.frac} is outside [${min}, ${max}]`);
  // The structure rules of the float model (rules.ts), so both formats accept the same chains.
  const chain = checkChain(q.inputSize, q.layers.map((l) => ({
    type: l.type, units: l.units,
    ...(isQRecurrent(l) ? { returnSequences: l.returnSequences, bidirectional: l.bidirectional, hasBackward: l.backward !== undefined, lastOutput: l.lastOutput, reverse: l.reverse } : {}),
    ...(l.type === 'conv1d' ? { kernelSize: l.kernelSize, dilation: l.dilation, lookahead: l.lookahead ?? 0 } : {}),
    ...(l.type === 'ssm' ? { returnSequences: l.returnSequences, stateSize: l.stateSize, convSize: l.convSize, dtRank: l.dtRank } : {}),
  })), 'backward', problems);
  if (q.input.normalization) {
    // The float helper stores mean and std as float32 and divides by std in float32.
    checkNormalization(problems, 'input.normalization', q.input.normalization, chain.sizesOk ? q.inputSize : undefined);
  }
  let frac = q.input.frac;
  q.layers.forEach((l, i) => {
    const what = `layers[${i}]`;
    const width = chain.inputs[i]!;
    if (l.inFrac !== frac) problems.push(`${what}.inFrac: ${l.inFrac}, but the layer before gives ${frac} fractional bits`);
    // A relu RNN's and a minGRU's or minLSTM's h format is calibrated (its outFrac + 1 for a sum must stay a format).
    const reluRnn = (l.type === 'rnn' && l.activation === 'relu') || (isQRecurrent(l) && !hasRecurrentProduct(l.type));
    const outFrac = reluRnn || l.type === 'ssm' ? undefined : isQRecurrent(l) ? (l.bidirectional === 'sum' ? 14 : 15) : l.activation === 'linear' || l.activation === 'relu' ? undefined : 15;
    if (outFrac !== undefined ? l.outFrac !== outFrac : !(l.outFrac >= min && l.outFrac <= (reluRnn && isQRecurrent(l) && l.bidirectional === 'sum' ? max - 1 : max))) {
      problems.push(`${what}.outFrac: ${l.outFrac} is not valid for this layer${outFrac !== undefined ? ` (expected ${outFrac})` : ` (expected ${min}..${max})`}`);
    }
    frac = l.outFrac;
    if (!chain.sizesOk) return;
    const bits = layerWeightBits(q, l);
    if (l.type === 'dense') {
      checkMatmul(l.mm, l.units, width, bits, `${what}.mm`, problems);
      if (l.activation === 'softmax') {
        if (!q.tables?.exp) problems.push(`${what}: softmax needs tables.exp`);
        if (l.logitFrac === undefined || l.logitFrac < min || l.logitFrac > 26) problems.push(`${what}.logitFrac: missing or outside [${min}, 26]`);
      }
      return;
    }
    if (l.type === 'ssm') {
      checkSsmLayer(q, l, width, what, (mm, rows, cols, w) => checkMatmul(mm, rows, cols, bits, w, problems), problems);
      return;
    }
    if (l.type === 'conv1d') {
      // A dense product over the window of kernelSize inputs (ir/qmodel.ts).
      checkMatmul(l.mm, l.units, l.kernelSize * width, bits, `${what}.mm`, problems);
      return;
    }
    const rows = gateCount(l.type) * l.units;
    const dirs = l.bidirectional ? [['forward', l.forward], ['backward', l.backward]] as const : [['forward', l.forward]] as const;
    for (const [name, d] of dirs) {
      if (!d) continue;
      checkMatmul(d.x, rows, width, bits, `${what}.${name}.x`, problems);
      // A minGRU or minLSTM has no recurrent product; every other recurrent kind has one.
      const product = hasRecurrentProduct(l.type);
      if (!product && d.h) problems.push(`${what}.${name}.h: a ${l.type} has no recurrent product; remove it`);
      else if (product && !d.h) problems.push(`${what}.${name}.h: required (${rows}×${l.units} recurrent product)`);
      else if (d.h) checkMatmul(d.h, rows, l.units, bits, `${what}.${name}.h`, problems);
      checkInitialState(d, l, `${what}.${name}`, problems);
    }
    if (l.type === 'lstm') {
      const fc = l.cell.frac;
      // c' uses rshr(i·g, 30 − fc) and rescale(c', fc → 12): both need fc in [0, 30].
      if (!(fc >= 0 && fc <= 30) || (l.cell.bits === 16 && fc > 15)) problems.push(`${what}.cell.frac: ${fc} is outside the range of int${l.cell.bits}`);
    }
  });
  if (q.decoder) {
    // The decoder writes the outputs: its check covers outputSize and output.
    if (chain.sizesOk) {
      const bits = q.weightBits;
      checkQDecoder(q, q.decoder, { width: chain.outputSize, sequence: chain.sequence }, (mm, rows, cols, w) => checkMatmul(mm, rows, cols, bits, w, problems), problems);
    }
  } else {
    if (chain.sizesOk && chain.outputSize !== q.outputSize) problems.push(`outputSize: the layers give ${chain.outputSize}, the model says ${q.outputSize}`);
    if (q.output.frac !== frac) problems.push(`output.frac: ${q.output.frac}, but the last layer gives ${frac} fractional bits`);
    if (q.output.sequence !== chain.sequence) {
      problems.push(`output.sequence: ${q.output.sequence}, but the layers give ${chain.sequence ? 'one output per step' : 'one output per sequence'}`);
    }
  }
  if (q.stateInputs) {
    checkStateInputs(problems, q.stateInputs, q.layers.map((l) => ({ type: l.type, units: l.units, bidirectional: isQRecurrent(l) && l.bidirectional !== undefined })));
  }
  if (log2 === 0 && problems.length === 0) problems.push('lut.size: invalid');
  if (problems.length > 0) throw new RnncProblems('ir/invalid', source, problems);
}
