/**
 * The model's constants in the TypeScript twin: weights, tables and initial states as
 * typed-array literals, and one parameter object per layer (direction) of the runtime's
 * types (runtime-ts/rnnc_twin.ts: Mat, RnnDir, LstmDir, GruDir, DenseP, ConvP, SsmP). Names
 * follow the C's: L<i> a layer, L<i>F / L<i>B its forward / backward direction.
 */
import { RnncError } from '../errors.js';
import { EXP_FRAC } from '../fixed/dense.js';
import { HARD_SIGMOID_MULT } from '../fixed/ops.js';
import { lutLog2 } from '../fixed/lut.js';
import { hasRecurrentProduct } from '../ir/kinds.js';
import { gateActivationOf } from '../ir/model.js';
import { type QConv1dLayer, type QDenseLayer, type QDirection, type QLayer, type QMatmul, type QRecurrentLayer, type QSsmLayer, type QuantModel, isQRecurrent, layerWeightBits } from '../ir/qmodel.js';
import { ssmTables } from '../fixed/ssm.js';
import { ssmShifts } from '../codegen/cells/ssm.js';
import { decoderLayers } from '../codegen/decoder.js';
import { type ArrayType, ELEMENT_BYTES, typedArray } from './literals.js';

/** One `const NAME: type = init;` of the module, with its doc comment. */
export interface ConstDecl {
  name: string;
  type?: string;
  init: string;
  doc: string;
  /** Bytes of its typed array (0 for a parameter object). */
  bytes: number;
}

/** The module's constants, in declaration order (each before its first use). */
export class Consts {
  readonly list: ConstDecl[] = [];

  array(name: string, t: ArrayType, values: readonly number[], doc: string): string {
    this.list.push({ name, init: typedArray(t, values), doc, bytes: values.length * ELEMENT_BYTES[t] });
    return name;
  }

  object(name: string, type: string, init: string, doc: string): string {
    this.list.push({ name, type, init, doc, bytes: 0 });
    return name;
  }
}

/** Which shared tables the layers read. */
export interface Tables {
  sigmoid: string;
  tanh: string;
  exp: string;
  /** The ssm's softplus and fine exp tables. */
  softplus: string;
  expFine: string;
  log2: number;
}

const EMPTY = 'EMPTY';

/** The shared tables the model reads, declared once; an absent one is the empty array. */
export function declareTables(q: QuantModel, c: Consts): Tables {
  const gated = (l: QLayer) => (l.type === 'lstm' || l.type === 'gru' || (isQRecurrent(l) && !hasRecurrentProduct(l.type))) && gateActivationOf(l) === 'sigmoid';
  const act = (l: QLayer, a: string) => (l.type === 'dense' || l.type === 'conv1d') && l.activation === a;
  const recurrentTanh = (l: QLayer) => l.type === 'lstm' || l.type === 'gru' || (l.type === 'rnn' && l.activation !== 'relu');
  // An encoder–decoder's cell, projection and bridge read the tables as layers do; its attention reads exp (and Bahdanau's tanh).
  const all = q.decoder ? [...q.layers, ...decoderLayers(q.decoder)] : q.layers;
  const att = q.decoder?.attention;
  const needs = {
    sigmoid: all.some((l) => gated(l) || act(l, 'sigmoid') || l.type === 'ssm'),
    tanh: all.some((l) => recurrentTanh(l) || act(l, 'tanh')) || att?.kind === 'bahdanau',
    exp: all.some((l) => act(l, 'softmax') || l.type === 'ssm') || att !== undefined,
    ssm: q.layers.some((l) => l.type === 'ssm'),
  };
  const n = q.lut.size;
  const t: Tables = { sigmoid: EMPTY, tanh: EMPTY, exp: EMPTY, softplus: EMPTY, expFine: EMPTY, log2: lutLog2(n) };
  // Layers that do not read a table get the empty one (every layer object has the three fields).
  c.array(EMPTY, 'Int16Array', [], 'The table of a layer that reads none.');
  if (needs.sigmoid) t.sigmoid = c.array('SIGMOID', 'Int16Array', q.lut.sigmoid, `sigmoid(8k/${n}), k = 0..${n}, Q0.15`);
  if (needs.tanh) t.tanh = c.array('TANH', 'Int16Array', q.lut.tanh, `tanh(8k/${n}), k = 0..${n}, Q0.15`);
  if (needs.exp) {
    if (!q.tables?.exp) throw new RnncError('internal/bug', 'a softmax or ssm layer without the exp table');
    t.exp = c.array('EXP', 'Int16Array', q.tables.exp, `exp(-16k/${n}), k = 0..${n}, Q0.15`);
  }
  if (needs.ssm) {
    const st = ssmTables(q);
    t.softplus = c.array('SOFTPLUS', 'Int16Array', st.softplus, `softplus(-8k/${n}), k = 0..${n}, Q0.15`);
    t.expFine = c.array('EXP_FINE', 'Int16Array', st.expFine, `exp(-k/${n}), k = 0..${n}, Q0.15`);
  }
  return t;
}

function allZero(v: readonly number[]): boolean {
  return v.every((x) => x === 0);
}

/** A product's four tables and its Mat literal. */
export function mat(c: Consts, name: string, mm: QMatmul, bits: 8 | 16, what: string): string {
  const w = c.array(`${name}W`, bits === 8 ? 'Int8Array' : 'Int16Array', mm.weights, `${what}: weights, ${mm.rows} x ${mm.cols}, row-major`);
  // An all-zero bias is null (the C passes NULL): every LSTM and SimpleRNN recurrent product.
  const b = allZero(mm.bias) ? 'null' : c.array(`${name}B`, 'Int32Array', mm.bias, `${what}: bias at the accumulator scale`);
  const m = c.array(`${name}M`, 'Int32Array', mm.mult, `${what}: requantization multipliers, [2^30, 2^31) or 0`);
  const s = c.array(`${name}S`, 'Uint8Array', mm.shift, `${what}: requantization shifts`);
  const pre = mm.acc === 'int64' ? mm.preShift : 0;
  return `{ rows: ${mm.rows}, cols: ${mm.cols}, w: ${w}, bias: ${b}, mult: ${m}, shift: ${s}, preShift: ${pre} }`;
}

/** One direction of a recurrent layer as a parameter object; returns its name. */
export function direction(c: Consts, q: QuantModel, t: Tables, l: QRecurrentLayer, dir: QDirection, i: number, tag: 'F' | 'B'): string {
  const name = `L${i}${tag}`;
  const where = `layer ${i}${tag === 'B' ? ' backward' : ''} (${l.type})`;
  const x = mat(c, `${name}_X`, dir.x, layerWeightBits(q, l), `${where} input product`);
  // A minGRU or minLSTM has no recurrent product (its parameter object has no h).
  const h = dir.h ? mat(c, `${name}_H`, dir.h, layerWeightBits(q, l), `${where} recurrent product`) : null;
  const h0 = dir.h0 ? c.array(`${name}_H0`, 'Int16Array', dir.h0, `${where}: initial h`) : 'null';
  const gated = l.type === 'lstm' || l.type === 'gru' || !hasRecurrentProduct(l.type);
  const g = gated ? gateActivationOf(l) : 'sigmoid';
  const fields = [
    `kind: '${l.type}'`, `units: ${l.units}`, `x: ${x}`, ...(h ? [`h: ${h}`] : []), `h0: ${h0}`,
    `gate: ${g === 'sigmoid' ? 0 : HARD_SIGMOID_MULT[g]}`,
    `sigmoid: ${gated && g === 'sigmoid' ? t.sigmoid : EMPTY}`,
    `tanh: ${(l.type === 'rnn' && l.activation === 'relu') || !hasRecurrentProduct(l.type) ? EMPTY : t.tanh}`, `log2: ${t.log2}`,
  ];
  let type = 'RnnDir';
  if (l.type === 'mingru') type = 'MinGruDir';
  if (l.type === 'minlstm') type = 'MinLstmDir';
  if (l.type === 'rnn') fields.push(`relu: ${l.activation === 'relu'}`);
  if (l.type === 'gru') { type = 'GruDir'; fields.push(`resetAfter: ${l.resetAfter}`); }
  if (l.type === 'lstm') {
    type = 'LstmDir';
    const c0 = dir.c0 ? c.array(`${name}_C0`, 'Int32Array', dir.c0, `${where}: initial c, ${l.cell.frac} fractional bits`) : 'null';
    fields.push(`cellBits: ${l.cell.bits}`, `cellFrac: ${l.cell.frac}`, `c0: ${c0}`);
  }
  return c.object(name, type, `{\n  ${fields.join(',\n  ')},\n}`, `${where}: one direction's parameters`);
}

export function denseFields(c: Consts, q: QuantModel, t: Tables, l: QDenseLayer | QConv1dLayer, i: number, what: string): string[] {
  const mm = mat(c, `L${i}_`, l.mm, layerWeightBits(q, l), `layer ${i} (${what})`);
  return [
    `units: ${l.units}`, `mm: ${mm}`, `act: '${l.activation}'`,
    `sigmoid: ${l.activation === 'sigmoid' ? t.sigmoid : EMPTY}`, `tanh: ${l.activation === 'tanh' ? t.tanh : EMPTY}`, `log2: ${t.log2}`,
    `exp: ${l.activation === 'softmax' ? t.exp : EMPTY}`, `logitFrac: ${l.type === 'dense' ? l.logitFrac ?? 0 : 0}`, `expFrac: ${EXP_FRAC}`,
  ];
}

/** An ssm layer's SsmP object: its products, |A| and D, tables and the step's shifts (codegen/cells/ssm.ts ssmShifts). */
function ssmParams(c: Consts, q: QuantModel, t: Tables, l: QSsmLayer, i: number): string {
  const bits = layerWeightBits(q, l);
  const what = `layer ${i} (ssm)`;
  const sh = ssmShifts(l);
  const fields = [
    `units: ${l.units}`, `stateSize: ${l.stateSize}`, `convSize: ${l.convSize}`, `dtRank: ${l.dtRank}`,
    `inMm: ${mat(c, `L${i}_IN`, l.inMm, bits, `${what} in-projection (x', then z)`)}`,
    `convMm: ${mat(c, `L${i}_CONV`, l.convMm, bits, `${what} depthwise conv, one row of taps per channel`)}`,
    `xMm: ${mat(c, `L${i}_XP`, l.xMm, bits, `${what} x-projection (delta, B, C)`)}`,
    `dtMm: ${mat(c, `L${i}_DT`, l.dtMm, bits, `${what} delta projection`)}`,
    `aq: ${c.array(`L${i}_AQ`, 'Int16Array', l.aq, `${what} |A| = exp(aLog), ${l.aFrac} fractional bits`)}`,
    `dq: ${c.array(`L${i}_DQ`, 'Int16Array', l.dq, `${what} D, ${l.dFrac} fractional bits`)}`,
    `sigmoid: ${t.sigmoid}`, `softplus: ${t.softplus}`, `expFine: ${t.expFine}`, `exp: ${t.exp}`, `log2: ${t.log2}`,
    `convFrac: ${l.convFrac}`, `zFrac: ${l.zFrac}`,
    ...Object.entries(sh).map(([k, v]) => `${k}: ${v}`),
  ];
  return c.object(`L${i}`, 'SsmP', `{\n  ${fields.join(',\n  ')},\n}`, what);
}

/** What the step and run code call for each layer: the parameter objects' names. */
export interface LayerNames {
  fwd: string;
  bwd: string | null;
}

/** Every layer's constants; returns the names of its parameter objects. */
export function declareLayers(q: QuantModel, c: Consts, t: Tables = declareTables(q, c)): LayerNames[] {
  return q.layers.map((l, i) => {
    if (l.type === 'dense') {
      return { fwd: c.object(`L${i}`, 'DenseP', `{\n  ${denseFields(c, q, t, l, i, 'dense').join(',\n  ')},\n}`, `layer ${i} (dense)`), bwd: null };
    }
    if (l.type === 'conv1d') {
      const a = l.lookahead ?? 0;
      const fields = [...denseFields(c, q, t, l, i, 'conv1d'), `inputs: ${l.mm.cols / l.kernelSize}`, `kernel: ${l.kernelSize}`, `dilation: ${l.dilation}`, `lookahead: ${a}`];
      return { fwd: c.object(`L${i}`, 'ConvP', `{\n  ${fields.join(',\n  ')},\n}`, `layer ${i} (${a > 0 ? `centred conv1d, lookahead ${a}` : 'causal conv1d'})`), bwd: null };
    }
    if (l.type === 'ssm') return { fwd: ssmParams(c, q, t, l, i), bwd: null };
    const fwd = direction(c, q, t, l, l.forward, i, 'F');
    const bwd = l.bidirectional && l.backward ? direction(c, q, t, l, l.backward, i, 'B') : null;
    return { fwd, bwd };
  });
}
