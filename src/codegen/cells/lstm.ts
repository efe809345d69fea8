// LSTM direction, gates i, f, g, o at rows k·U + j, p_k = sat16(X_k + H_k) in Q3.12:
//   c' = sat(rshr(f·c, 15) + rshr(i·g, 30 − fc))     c: int16 or int32 with fc frac bits
//   h' = rshr(o · tanh(rescale(c', fc → 12)), 15)     h: Q0.15
import type { QDirection, QLstmLayer, QMatmul } from '../../ir/qmodel.js';
import { PRE_FRAC } from '../../fixed/ops.js';
import { unitGroupOrder } from '../pack.js';
import { type CTable, cTable } from '../ctables.js';
import { type CellEnv, type DirectionPlan, type LstmCtx, type RowLayout, blockCall, directionBase, gateCall, planMatmul, shiftClass } from './common.js';

export function lstmCellType(layer: QLstmLayer): 'int16_t' | 'int32_t' {
  return layer.cell.bits === 16 ? 'int16_t' : 'int32_t';
}

/**
 * Whether a product's rows take rnnc_dsp_requant_row's (multiplier, shift word) pairs: their
 * shifts differ (one shift for all takes the constant form), all within [33, 55] (a row
 * whose multiplier is 0 gives 0 at any shift).
 */
function pairedShifts(mm: QMatmul): boolean {
  const t = mm.shift.filter((_, r) => mm.mult[r] !== 0);
  return shiftClass(mm) <= 0 && t.length > 0 && t.every((s) => s >= 33 && s <= 55);
}

/** w = 2^(t-33)·2^8 + (t - 32) of row r (t = 33 for a zero multiplier). */
function shiftWord(mm: QMatmul, r: number): number {
  const t = mm.mult[r] === 0 ? 33 : mm.shift[r]!;
  return 2 ** (t - 33) * 256 + (t - 32);
}

/** A table comment's words in lines of at most 90 characters. */
function wrap(text: string): string {
  const lines: string[] = [];
  for (const w of text.split(' ')) {
    const last = lines[lines.length - 1];
    if (last !== undefined && last.length + 1 + w.length <= 90) lines[lines.length - 1] = `${last} ${w}`;
    else lines.push(w);
  }
  return lines.join('\n * ');
}

/** The blocks' bias and multiplier arguments of unit j, and the tables that hold them. */
interface UnitParams {
  xBias: string;
  xMult: string;
  hBias: string;
  hMult: string;
  tables: CTable[];
}

/**
 * Where the family's blocks walk the units (dsp): each unit's biases and multipliers in one
 * interleaved table `<base>_p`, per unit the input product's 4 biases (if it has any) and 4
 * multipliers, then the recurrent product's: one pointer for the step to advance instead
 * of three. The same numbers as the `_b` and `_m` tables, which it replaces.
 */
function unitParams(dir: QDirection, base: string, index: number, order: readonly number[], units: number, env: CellEnv,
  xCtx: { b: string | null; m: string }, hCtx: { b: string | null; m: string }): UnitParams {
  if (!env.kernels.blockUniformShift) {
    return {
      xBias: xCtx.b ? `${xCtx.b} + 4 * j` : 'NULL', xMult: `${xCtx.m} + 4 * j`,
      hBias: hCtx.b ? `${hCtx.b} + 4 * j` : 'NULL', hMult: `${hCtx.m} + 4 * j`, tables: [],
    };
  }
  const h = dir.h!;
  // Per row: the multiplier, or where the rows' shifts differ, the pair (m, w) of
  // rnnc_dsp_requant_row's t_all = -2.
  const multOf = (mm: QMatmul) => (r: number): number[] => (pairedShifts(mm) ? [mm.mult[r]!, shiftWord(mm, r)] : [mm.mult[r]!]);
  const biasOf = (mm: QMatmul) => (r: number): number[] => [mm.bias[r]!];
  const fields = [
    ...(xCtx.b ? [{ arg: 'xBias', of: biasOf(dir.x) }] : []), { arg: 'xMult', of: multOf(dir.x) },
    ...(hCtx.b ? [{ arg: 'hBias', of: biasOf(h) }] : []), { arg: 'hMult', of: multOf(h) },
  ];
  const widths = fields.map((f) => 4 * f.of(order[0]!).length);
  const stride = widths.reduce((a, b) => a + b, 0);
  const values: number[] = [];
  for (let j = 0; j < units; j++) for (const f of fields) for (let k = 0; k < 4; k++) values.push(...f.of(order[4 * j + k]!));
  const args: Record<string, string> = { xBias: 'NULL', hBias: 'NULL' };
  let at = 0;
  fields.forEach((f, k) => { args[f.arg] = `${base}_p + ${stride} * j${at ? ` + ${at}` : ''}`; at += widths[k]!; });
  const pairs = (mm: QMatmul) => (pairedShifts(mm) ? ' multiplier and shift word pairs' : ' multipliers');
  const names = fields.map((f) => ({ xBias: 'input biases', xMult: `input${pairs(dir.x)}`, hBias: 'recurrent biases', hMult: `recurrent${pairs(h)}` })[f.arg]);
  const what = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const word = pairedShifts(dir.x) || pairedShifts(h) ? ';\n * the shift word of shift t: 2^(t-33) * 256 + t - 32, rnnc_dsp_requant_row' : '';
  return {
    xBias: args.xBias!, xMult: args.xMult!, hBias: args.hBias!, hMult: args.hMult!,
    tables: [cTable(`${base}_p`, 'int32_t', values, wrap(`layer ${index}: per unit, its 4 gate rows' ${what}, one table the step walks`) +
      `\n * (biases at the accumulator scale, multipliers in [2^30, 2^31)${word})`)],
  };
}

export function planLstm(layer: QLstmLayer, dir: QDirection, index: number, d: 'f' | 'b', env: CellEnv): DirectionPlan<LstmCtx> {
  const base = directionBase(env, index, d);
  const u = layer.units;
  // The step is fused unit by unit on every kernel family: the 4 gate rows of unit j are
  // rows 4j..4j+3 (one 4-row block), so no gate-sized scratch is needed.
  const rl: RowLayout = unitGroupOrder(u, 4, 1);
  const x = planMatmul(dir.x, `${base}_x`, `layer ${index} input product (gates i, f, g, o)`, env, rl);
  const h = planMatmul(dir.h!, `${base}_h`, `layer ${index} recurrent product (gates i, f, g, o)`, env, rl);
  const gate = gateCall(layer, env);
  const params = unitParams(dir, base, index, rl.order!, u, env, x.ctx, h.ctx);
  // Where the interleaved table holds (multiplier, shift word) pairs, the blocks read them.
  const xPaired = params.tables.length > 0 && pairedShifts(dir.x), hPaired = params.tables.length > 0 && pairedShifts(dir.h!);
  const xb = blockCall(dir.x, x.ctx.block, env, xPaired), hb = blockCall(dir.h!, h.ctx.block, env, hPaired);
  // The family's fused elementwise step, where it has one (sigmoid gates only).
  const unitFn = env.kernels.lstmUnit && gate.gateName === 'sigmoid' ? env.kernels.lstmUnit(layer.cell.bits) : '';
  // The interleaved table replaces the products' bias and multiplier tables.
  // A product whose blocks do not read the shift table (one shift for all rows, or the
  // pairs) passes NULL for it and the table is not emitted.
  const noShifts = (mm: QMatmul, paired: boolean) => params.tables.length > 0 && (shiftClass(mm) > 0 || paired);
  const xNoS = noShifts(dir.x, xPaired), hNoS = noShifts(dir.h!, hPaired);
  const replaced = new Set(params.tables.length ? [x.ctx.b, x.ctx.m, h.ctx.b, h.ctx.m, xNoS ? x.ctx.s : '', hNoS ? h.ctx.s : ''] : []);
  return {
    ctx: {
      partial: 'lstm', fn: `${base}_step`,
      comment: `layer ${index}${d === 'b' ? ' backward' : ''}: lstm, ${u} units, c int${layer.cell.bits} with ${layer.cell.frac} fractional bits`,
      units: u, x: x.ctx, h: h.ctx, tanh: env.tanh, log2: env.log2Lut, ...gate,
      xBlock: xb.block, hBlock: hb.block, xShiftArg: xb.shiftArg, hShiftArg: hb.shiftArg, unitFn, sigmoid: env.sigmoid,
      xShifts: xNoS ? 'NULL' : `${x.ctx.s} + 4 * j`, hShifts: hNoS ? 'NULL' : `${h.ctx.s} + 4 * j`,
      xBiasArg: params.xBias, xMultArg: params.xMult, hBiasArg: params.hBias, hMultArg: params.hMult,
      ctype: lstmCellType(layer), cellSuffix: layer.cell.bits === 16 ? 's16' : 's32', cellFrac: layer.cell.frac,
      igShift: 30 - layer.cell.frac, preFrac: PRE_FRAC, xStride: 4 * dir.x.cols, hStride: 4 * dir.h!.cols,
    },
    tables: [...x.tables, ...h.tables].filter((t) => !replaced.has(t.symbol)).concat(params.tables),
    macs: x.macs + h.macs,
    stackBytes: 2 * u + 2 * 4 * 4,
  };
}
