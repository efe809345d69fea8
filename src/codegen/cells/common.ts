/** Plan pieces every cell shares: one matrix product's tables and its kernel call. */
import { type GateActivation, gateActivationOf } from '../../ir/model.js';
import type { QMatmul } from '../../ir/qmodel.js';
import { worstCaseAcc } from '../../ir/qcheck.js';
import { HARD_SIGMOID_MULT } from '../../fixed/ops.js';
import { type CTable, cTable } from '../ctables.js';
import type { KernelSet } from '../kernels.js';

/** What a cell's code needs to know about the model around it. */
export interface CellEnv {
  prefix: string;
  /** The width of this layer's weights (ir/qmodel.ts layerWeightBits). */
  weightBits: 8 | 16;
  kernels: KernelSet;
  /** Symbols of the activation tables and their log2 size. */
  sigmoid: string;
  tanh: string;
  exp: string;
  log2Lut: number;
}

/**
 * A kernel call's holes: `fn(w, b, m, s, pre, v, rows, cols, out)`. A product without
 * bias (every entry 0, e.g. an LSTM's recurrent product) has no `_b` table: `b` is null
 * and the call passes NULL (the kernels start such rows from 0).
 */
export interface MatmulCtx {
  fn: string;
  /** The family's 4-row block function (fused cells only). */
  block: string;
  w: string;
  b: string | null;
  m: string;
  s: string;
  pre: number;
  rows: number;
  cols: number;
}

export interface MatmulPlan {
  ctx: MatmulCtx;
  tables: CTable[];
  macs: number;
}

/**
 * Tables `<base>_w`, `_b`, `_m`, `_s` of one product. `what` names it in the table
 * comments (numbers and fixed words only).
 */
/** Row order of a product's tables (a fused cell's unit groups) and its call segments. */
export interface RowLayout {
  order?: readonly number[];
  segments?: readonly number[];
}

function permute(mm: QMatmul, order: readonly number[]): QMatmul {
  const c = mm.cols;
  return {
    ...mm,
    weights: order.flatMap((r) => mm.weights.slice(r * c, (r + 1) * c)),
    bias: order.map((r) => mm.bias[r]!), mult: order.map((r) => mm.mult[r]!), shift: order.map((r) => mm.shift[r]!),
  };
}

export function planMatmul(src: QMatmul, base: string, what: string, env: CellEnv, rl: RowLayout = {}): MatmulPlan {
  const mm = rl.order ? permute(src, rl.order) : src;
  const segments = rl.segments;
  const wt = env.weightBits === 8 ? 'int8_t' : 'int16_t';
  const acc = mm.acc === 'int64' ? `int64 accumulator, pre-shift ${mm.preShift}` : 'int32 accumulator';
  const hasBias = mm.bias.some((b) => b !== 0);
  const tables = [
    cTable(`${base}_w`, wt, env.kernels.layout(mm.weights, mm.rows, mm.cols, env.weightBits, segments),
      `${what}: ${mm.rows}x${mm.cols} int${env.weightBits} weights${hasBias ? '' : ', no bias'}\n * ${rl.order ? 'rows unit by unit, ' : ''}${layoutName(env)}, ${acc}`,
      'weights', env.kernels.weightAttr),
    ...(hasBias ? [cTable(`${base}_b`, 'int32_t', mm.bias, `${what}: int32 bias at the accumulator scale`)] : []),
    cTable(`${base}_m`, 'int32_t', mm.mult, `${what}: requantization multipliers in [2^30, 2^31)`),
    cTable(`${base}_s`, 'uint8_t', mm.shift, `${what}: requantization shifts`),
  ];
  return {
    ctx: {
      fn: env.kernels.matmul(env.weightBits, mm.acc), block: env.kernels.block(env.weightBits, mm.acc),
      w: `${base}_w`, b: hasBias ? `${base}_b` : null, m: `${base}_m`, s: `${base}_s`,
      pre: mm.preShift, rows: mm.rows, cols: mm.cols,
    },
    tables,
    macs: mm.rows * mm.cols,
  };
}

/**
 * What the block kernels may assume of a product's shifts (rnnc_dsp_requant_row): the one
 * shift above 32 of every row with a nonzero multiplier (such a row gives 0 at any shift),
 * -1 when every row's shift is above 32, 0 otherwise.
 */
export function shiftClass(mm: QMatmul): number {
  const shifts = new Set(mm.shift.filter((_, r) => mm.mult[r] !== 0));
  const [t] = [...shifts];
  if (shifts.size === 1 && t! > 32) return t!;
  return mm.shift.length > 0 && mm.shift.every((s) => s > 32) ? -1 : 0;
}

/**
 * An int64-accumulator product whose narrowing by preShift never saturates
 * (rnnc_dsp_narrow_s64): bound / 2^preShift <= 2^31 - 1, the bound worked out from the
 * integers (a model file's declared accBound could understate it, and the C would wrap
 * where the reference saturates).
 */
export function narrowExact(mm: QMatmul): boolean {
  return mm.acc === 'int64' && mm.preShift >= 1 && worstCaseAcc(mm) / 2 ** mm.preShift <= 2 ** 31 - 1;
}

/**
 * The block call's function and the arguments that say what is known of the product at
 * compile time (rnnc_dsp_block4k_*: its shifts, and whether its int64 narrowing is exact),
 * where the family has such blocks; else the plain block and ''. `paired`: the rows'
 * multipliers come with their shift words (t_all = -2, the fused LSTM's interleaved table).
 */
export function blockCall(mm: QMatmul, block: string, env: CellEnv, paired = false): { block: string; shiftArg: string } {
  const t = shiftClass(mm);
  const k = env.kernels.blockUniformShift;
  if (!k) return { block, shiftArg: '' };
  const arg = paired ? '/*(multiplier, shift word) pairs*/-2, '
    : t > 0 ? `/*every row's shift=*/${t}, ` : t < 0 ? '/*every shift > 32*/-1, ' : '/*shifts from the table*/0, ';
  return { block: k(env.weightBits, mm.acc), shiftArg: `${arg}/*narrowing exact=*/${narrowExact(mm) ? 1 : 0}, ` };
}

function layoutName(env: CellEnv): string {
  return env.kernels.family === 'dsp' ? 'dsp layout (src/codegen/pack.ts)' : 'row-major';
}

/** What every direction's partial template reads. */
export interface StepCtx {
  /** The static step function: `static void fn(int16_t *h, [c,] const int16_t *x)`. */
  fn: string;
  comment: string;
  units: number;
  x: MatmulCtx;
  h: MatmulCtx;
  tanh: string;
  log2: number;
}

/** The sigmoid-type gate call `gateFn(gateArgs, p)` (LSTM i, f, o; GRU r, z). */
export interface GateCtx {
  gateName: string;
  gateFn: string;
  gateArgs: string;
}

/** templates/cells/rnn.c.hbs */
export interface RnnCtx extends StepCtx {
  partial: 'rnn';
  relu: boolean;
  /** Fractional bits of h (relu). */
  hFrac: number;
}

/** templates/cells/lstm.c.hbs */
export interface LstmCtx extends StepCtx, GateCtx {
  partial: 'lstm';
  ctype: 'int16_t' | 'int32_t';
  /** rnnc_lstm_cell_s16 or _s32. */
  cellSuffix: 's16' | 's32';
  cellFrac: number;
  igShift: number;
  preFrac: number;
  /** Weights of one unit's 4-row block in each product. */
  xStride: number;
  hStride: number;
  /** Each product's block function, and its shift argument ('' or the rows' one shift and a comma). */
  xBlock: string;
  hBlock: string;
  xShiftArg: string;
  hShiftArg: string;
  /** The family's fused elementwise step of a unit, or '' for the twins' expressions. */
  unitFn: string;
  sigmoid: string;
  /** Unit j's bias and multiplier arguments of the two block calls (C expressions of j, or NULL). */
  xBiasArg: string;
  xMultArg: string;
  hBiasArg: string;
  hMultArg: string;
  /** Unit j's shift table argument of the two block calls (NULL where the blocks do not read it). */
  xShifts: string;
  hShifts: string;
}

/** templates/cells/gru.c.hbs */
export interface GruCtx extends StepCtx, GateCtx {
  partial: 'gru';
  resetAfter: boolean;
  /** First rows of z and n. */
  z: number;
  n: number;
  /** Rows of the first recurrent call (reset before: r and z). */
  zRows: number;
  /** Offset of the n rows in the recurrent weights table. */
  nWeights: number;
}

/** templates/cells/gru-fused.c.hbs */
export interface GruFusedCtx extends StepCtx, GateCtx {
  partial: 'grufused';
  /** The family's fused elementwise step of a unit, or '' for the twins' expressions. */
  unitFn: string;
  sigmoid: string;
  /** Each product's block function, and its shift argument ('' or what is known of the rows' shifts and a comma). */
  xBlock: string;
  hBlock: string;
  xShiftArg: string;
  hShiftArg: string;
  group: number;
  groupRows: number;
  /** The r, z and n 4-row blocks of a full group: first row (C expression), offset in xg/hg. */
  blocks: ReadonlyArray<{ row: string; out: string }>;
  /** Units in full groups (a multiple of `group`), and the units after them (0 to group − 1). */
  fullUnits: number;
  tail: number;
}

/** templates/cells/mingru.c.hbs: no recurrent product (no `h`). */
export interface MinGruCtx extends Omit<StepCtx, 'h' | 'tanh' | 'log2'>, GateCtx {
  partial: 'mingru';
  /** Fractional bits of h and h~. */
  hFrac: number;
}

/** templates/cells/minlstm.c.hbs: no recurrent product (no `h` product). */
export interface MinLstmCtx extends Omit<StepCtx, 'h' | 'tanh' | 'log2'>, GateCtx {
  partial: 'minlstm';
  /** Fractional bits of h and h~. */
  hFrac: number;
  /** First rows of i and h~. */
  i: number;
  h: number;
}

/** One direction of a recurrent layer as its partial template sees it. */
export type DirectionCtx = RnnCtx | LstmCtx | GruCtx | GruFusedCtx | MinGruCtx | MinLstmCtx;

export interface DirectionPlan<C extends DirectionCtx = DirectionCtx> {
  ctx: C;
  tables: CTable[];
  macs: number;
  /** Bytes of stack the step function's scratch arrays take. */
  stackBytes: number;
}

/**
 * The C call of a layer's sigmoid-type gates, `fn(args, p)`: the sigmoid table
 * (rnnc_lut_sigmoid_q15) or the hard sigmoid with its slope multiplier
 * (rnnc_hard_sigmoid_q15, ops.ts HARD_SIGMOID_MULT).
 */
export function gateCall(layer: { type: string; recurrentActivation?: GateActivation | undefined }, env: CellEnv): GateCtx {
  const kind = gateActivationOf(layer);
  if (kind === 'sigmoid') return { gateName: kind, gateFn: 'rnnc_lut_sigmoid_q15', gateArgs: `${env.sigmoid}, ${env.log2Lut}` };
  return { gateName: kind, gateFn: 'rnnc_hard_sigmoid_q15', gateArgs: String(HARD_SIGMOID_MULT[kind]) };
}

export function directionBase(env: CellEnv, layer: number, dir: 'f' | 'b'): string {
  return `${env.prefix}_l${layer}${dir}`;
}
