/**
 * What the fixed-point reference and the code generator demand of a QuantModel beyond
 * its schema: consistent shapes,
 * integer ranges the C types hold, and accumulator bounds that hold for the actual
 * weights. A model.q.json can come from anywhere, so nothing here is trusted: a
 * violation would otherwise become an out-of-bounds read, a wrapped integer or a C
 * result that differs from the reference.
 */
import { RnncProblems } from '../errors.js';
import { lutLog2 } from '../fixed/lut.js';
import { type QMatmul, type QuantModel, sequenceOutput } from './qmodel.js';
import { gateCount } from './model.js';

const INT32_MAX = 2 ** 31 - 1;
/** The TypeScript reference accumulates in doubles: exact below 2^52 (see quantize/matmul.ts). */
const INT64_SAFE = 2 ** 52;

function inRange(xs: readonly number[], lo: number, hi: number): boolean {
  for (const x of xs) if (!(x >= lo && x <= hi)) return false;
  return true;
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
  let bound = 0;
  for (let r = 0; r < rows && mm.weights.length === rows * cols; r++) {
    let s = Math.abs(mm.bias[r] ?? 0);
    for (let c = 0; c < cols; c++) s += Math.abs(mm.weights[r * cols + c]!) * 32768;
    bound = Math.max(bound, s);
  }
  if (mm.acc === 'int32' && bound > INT32_MAX) problems.push(`${what}: acc is int32 but the worst-case accumulator ${bound} overflows int32`);
  if (bound >= INT64_SAFE) problems.push(`${what}: worst-case accumulator ${bound} exceeds 2^52`);
}

function checkTable(t: readonly number[] | undefined, len: number, lo: number, hi: number, what: string, problems: string[]): void {
  if (!t) return;
  if (t.length !== len) problems.push(`${what}: expected ${len} entries, got ${t.length}`);
  if (!inRange(t, lo, hi)) problems.push(`${what}: entries outside [${lo}, ${hi}]`);
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
  const n = q.lut.size + 1;
  // sigmoid entries >= 1 keep 32768 − y inside int16; tanh/exp entries in [0, 32767].
  checkTable(q.lut.sigmoid, n, 1, 32767, 'lut.sigmoid', problems);
  checkTable(q.lut.tanh, n, 0, 32767, 'lut.tanh', problems);
  checkTable(q.tables?.exp, n, 0, 32767, 'tables.exp', problems);
  if (!(q.input.frac >= -16 && q.input.frac <= 15)) problems.push(`input.frac: ${q.input.frac} is outside [-16, 15]`);
  if (q.inputSize < 1 || q.inputSize > 4096) problems.push(`inputSize: ${q.inputSize} is outside 1..4096`);
  if (q.layers.length === 0) problems.push('layers: the model has no layers');
  let width = q.inputSize;
  let frac = q.input.frac;
  q.layers.forEach((l, i) => {
    const what = `layers[${i}]`;
    if (l.units < 1 || l.units > 4096) { problems.push(`${what}.units: ${l.units} is outside 1..4096`); return; }
    if (l.inFrac !== frac) problems.push(`${what}.inFrac: ${l.inFrac}, but the layer before gives ${frac} fractional bits`);
    const outFrac = l.type !== 'dense' ? (l.bidirectional === 'sum' ? 14 : 15) : l.activation === 'linear' || l.activation === 'relu' ? undefined : 15;
    if (outFrac !== undefined ? l.outFrac !== outFrac : !(l.outFrac >= -16 && l.outFrac <= 15)) {
      problems.push(`${what}.outFrac: ${l.outFrac} is not valid for this layer${outFrac !== undefined ? ` (expected ${outFrac})` : ' (expected -16..15)'}`);
    }
    frac = l.outFrac;
    if (l.type === 'dense') {
      checkMatmul(l.mm, l.units, width, q.weightBits, `${what}.mm`, problems);
      if (l.activation === 'softmax') {
        if (!q.tables?.exp) problems.push(`${what}: softmax needs tables.exp`);
        if (l.logitFrac === undefined || l.logitFrac < -16 || l.logitFrac > 26) problems.push(`${what}.logitFrac: missing or outside [-16, 26]`);
      }
      width = l.units;
      return;
    }
    const rows = gateCount(l.type) * l.units;
    const dirs = l.bidirectional ? [['forward', l.forward], ['backward', l.backward]] as const : [['forward', l.forward]] as const;
    if (l.bidirectional && !l.backward) problems.push(`${what}: bidirectional without backward weights`);
    for (const [name, d] of dirs) {
      if (!d) continue;
      checkMatmul(d.x, rows, width, q.weightBits, `${what}.${name}.x`, problems);
      checkMatmul(d.h, rows, l.units, q.weightBits, `${what}.${name}.h`, problems);
    }
    if (l.type === 'lstm') {
      const fc = l.cell.frac;
      // c' uses rshr(i·g, 30 − fc) and rescale(c', fc → 12): both need fc in [0, 30].
      if (!(fc >= 0 && fc <= 30) || (l.cell.bits === 16 && fc > 15)) problems.push(`${what}.cell.frac: ${fc} is outside the range of int${l.cell.bits}`);
    }
    width = l.bidirectional === 'concat' ? 2 * l.units : l.units;
  });
  if (width !== q.outputSize) problems.push(`outputSize: the layers give ${width}, the model says ${q.outputSize}`);
  if (q.output.frac !== frac) problems.push(`output.frac: ${q.output.frac}, but the last layer gives ${frac} fractional bits`);
  const sequence = sequenceOutput(q.layers);
  if (q.output.sequence !== sequence) problems.push(`output.sequence: ${q.output.sequence}, but the layers give ${sequence ? 'one output per step' : 'one output per sequence'}`);
  if (log2 === 0 && problems.length === 0) problems.push('lut.size: invalid');
  if (q.input.normalization) {
    const { mean, std } = q.input.normalization;
    if (mean.length !== q.inputSize || std.length !== q.inputSize) problems.push('input.normalization: mean and std need one value per input');
    // The float helper stores them as float32: they must stay finite there, and std non-zero.
    const f32 = (x: number) => Math.fround(x);
    if (!mean.every((m) => Number.isFinite(f32(m)))) problems.push('input.normalization.mean: values must be finite float32 numbers');
    if (!std.every((s) => s > 0 && Number.isFinite(f32(s)) && f32(s) > 0)) problems.push('input.normalization.std: values must be positive float32 numbers');
  }
  if (problems.length > 0) throw new RnncProblems('ir/invalid', source, problems);
}
