// LSTM direction, gates i, f, g, o at rows k·U + j, p_k = sat16(X_k + H_k) in Q3.12:
//   c' = sat(rshr(f·c, 15) + rshr(i·g, 30 − fc))     c: int16 or int32 with fc frac bits
//   h' = rshr(o · tanh(rescale(c', fc → 12)), 15)     h: Q0.15
import type { QDirection, QLstmLayer } from '../../ir/qmodel.js';
import { PRE_FRAC } from '../../fixed/ops.js';
import { unitGroupOrder } from '../pack.js';
import { type CTable, cTable } from '../ctables.js';
import { type CellEnv, type DirectionPlan, type LstmCtx, type RowLayout, blockCall, directionBase, gateCall, planMatmul } from './common.js';

export function lstmCellType(layer: QLstmLayer): 'int16_t' | 'int32_t' {
  return layer.cell.bits === 16 ? 'int16_t' : 'int32_t';
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
  const fields = [
    ...(xCtx.b ? [{ arg: 'xBias', values: dir.x.bias }] : []), { arg: 'xMult', values: dir.x.mult },
    ...(hCtx.b ? [{ arg: 'hBias', values: h.bias }] : []), { arg: 'hMult', values: h.mult },
  ];
  const stride = 4 * fields.length;
  const values: number[] = [];
  for (let j = 0; j < units; j++) for (const f of fields) for (let k = 0; k < 4; k++) values.push(f.values[order[4 * j + k]!]!);
  const args: Record<string, string> = { xBias: 'NULL', hBias: 'NULL' };
  fields.forEach((f, k) => { args[f.arg] = `${base}_p + ${stride} * j${k ? ` + ${4 * k}` : ''}`; });
  const names = fields.map((f) => ({ xBias: 'input biases', xMult: 'input multipliers', hBias: 'recurrent biases', hMult: 'recurrent multipliers' })[f.arg]);
  const what = `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  return {
    xBias: args.xBias!, xMult: args.xMult!, hBias: args.hBias!, hMult: args.hMult!,
    tables: [cTable(`${base}_p`, 'int32_t', values, `layer ${index}: per unit, its 4 gate rows' ${what}\n * (biases at the accumulator scale, multipliers in [2^30, 2^31)), one table the step walks`)],
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
  const xb = blockCall(dir.x, x.ctx.block, env), hb = blockCall(dir.h!, h.ctx.block, env);
  // The family's fused elementwise step, where it has one (sigmoid gates only).
  const unitFn = env.kernels.lstmUnit && gate.gateName === 'sigmoid' ? env.kernels.lstmUnit(layer.cell.bits) : '';
  const params = unitParams(dir, base, index, rl.order!, u, env, x.ctx, h.ctx);
  // The interleaved table replaces the products' bias and multiplier tables.
  const replaced = new Set(params.tables.length ? [x.ctx.b, x.ctx.m, h.ctx.b, h.ctx.m] : []);
  return {
    ctx: {
      partial: 'lstm', fn: `${base}_step`,
      comment: `layer ${index}${d === 'b' ? ' backward' : ''}: lstm, ${u} units, c int${layer.cell.bits} with ${layer.cell.frac} fractional bits`,
      units: u, x: x.ctx, h: h.ctx, tanh: env.tanh, log2: env.log2Lut, ...gate,
      xBlock: xb.block, hBlock: hb.block, xShiftArg: xb.shiftArg, hShiftArg: hb.shiftArg, unitFn, sigmoid: env.sigmoid,
      xBiasArg: params.xBias, xMultArg: params.xMult, hBiasArg: params.hBias, hMultArg: params.hMult,
      ctype: lstmCellType(layer), cellSuffix: layer.cell.bits === 16 ? 's16' : 's32', cellFrac: layer.cell.frac,
      igShift: 30 - layer.cell.frac, preFrac: PRE_FRAC, xStride: 4 * dir.x.cols, hStride: 4 * dir.h!.cols,
    },
    tables: [...x.tables, ...h.tables].filter((t) => !replaced.has(t.symbol)).concat(params.tables),
    macs: x.macs + h.macs,
    stackBytes: 2 * u + 2 * 4 * 4,
  };
}
