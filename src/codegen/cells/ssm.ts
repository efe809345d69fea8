/**
 * An ssm layer in C (ir/qmodel.ts's ssm entry, fixed/ssm.ts): one step function
 *   static void NAME_l<i>_ssm(int32_t *h, [int16_t *hist,] const int16_t *x, int16_t *y)
 * over the caller's state: h (E×N int32, row e = channel e's N states) and the conv's
 * history hist ((k−1)×E int16, row j = x' of step t−k+1+j, oldest first; absent for k = 1).
 * The in-, x- and Δ-projections are the family's kernel over all rows; the depthwise conv
 * calls the portable kernel on one row of k taps per channel (row-major: a packed layout's
 * 4-row blocks would not fit a one-row call, and k taps leave nothing for SIMD to gain).
 * Every shift is worked out here from the layer's formats, so the template only calls rules.
 */
import type { QSsmLayer } from '../../ir/qmodel.js';
import { type CTable, cTable } from '../ctables.js';
import { kernelSet } from '../kernels.js';
import { type CellEnv, type MatmulCtx, planMatmul } from './common.js';

/** templates/cells/ssm.c.hbs */
export interface SsmCtx {
  fn: string;
  comment: string;
  units: number;
  twoUnits: number;
  stateSize: number;
  convSize: number;
  /** k − 1 history rows, (k−1)·E values (0: no history argument). */
  pastTaps: number;
  hist: number;
  /** The projection products and the conv's one-row calls. */
  inMm: MatmulCtx;
  convMm: MatmulCtx;
  xMm: MatmulCtx;
  dtMm: MatmulCtx;
  /** R + 2N rows of the x-projection: δ, then B from row R, C from row R + N. */
  xRows: number;
  bRow: number;
  cRow: number;
  /** int32 accumulators: max(2E, R + 2N). */
  accLen: number;
  aq: string;
  dq: string;
  sigmoid: string;
  softplus: string;
  expFine: string;
  exp: string;
  log2: number;
  convFrac: number;
  zFrac: number;
  /** Shifts of the step (ir/qmodel.ts), each a number the rules take. */
  deltaShift: number;
  duShift: number;
  aShift: number;
  bShift: number;
  cShift: number;
  dShift: number;
  yShift: number;
  outShift: number;
}

export type SsmShifts = Pick<SsmCtx, 'deltaShift' | 'duShift' | 'aShift' | 'bShift' | 'cShift' | 'dShift' | 'yShift' | 'outShift'>;

/** The step's shifts from the layer's formats (ir/qmodel.ts's ssm entry); the twin's SsmP takes the same. */
export function ssmShifts(l: QSsmLayer): SsmShifts {
  return {
    deltaShift: 15 - l.deltaFrac,
    duShift: l.deltaFrac + l.convFrac - l.duFrac,
    aShift: l.deltaFrac + l.aFrac - 15,
    bShift: l.duFrac + l.bFrac - l.hFrac,
    cShift: l.hFrac + l.cFrac - l.yAccFrac,
    dShift: l.dFrac + l.convFrac - l.yAccFrac,
    yShift: l.yAccFrac - l.yFrac,
    outShift: l.yFrac + l.zFrac - l.outFrac,
  };
}

export interface SsmPlan {
  ctx: SsmCtx;
  tables: CTable[];
  macs: number;
  stackBytes: number;
}

/** Symbols of the model-level tables an ssm layer reads besides the sigmoid (plan.ts emits them). */
export function ssmTableSymbols(prefix: string): { softplus: string; expFine: string } {
  return { softplus: `${prefix}_softplus`, expFine: `${prefix}_exp_fine` };
}

export function planSsm(l: QSsmLayer, index: number, env: CellEnv): SsmPlan {
  const base = `${env.prefix}_l${index}`;
  const { units: e, stateSize: n, convSize: k, dtRank: r } = l;
  const inMm = planMatmul(l.inMm, `${base}_in`, `layer ${index} ssm in-projection (x', then z)`, env);
  const convMm = planMatmul(l.convMm, `${base}_conv`, `layer ${index} ssm depthwise conv, one row of taps per channel`, { ...env, kernels: kernelSet('portable') });
  const xMm = planMatmul(l.xMm, `${base}_xp`, `layer ${index} ssm x-projection (delta, B, C)`, env);
  const dtMm = planMatmul(l.dtMm, `${base}_dt`, `layer ${index} ssm delta projection`, env);
  const syms = ssmTableSymbols(env.prefix);
  const accLen = Math.max(2 * e, r + 2 * n);
  const tables = [
    ...inMm.tables, ...convMm.tables, ...xMm.tables, ...dtMm.tables,
    cTable(`${base}_aq`, 'int16_t', l.aq, `layer ${index} ssm |A| = exp(aLog), ${e}x${n}, ${l.aFrac} fractional bits`),
    cTable(`${base}_dq`, 'int16_t', l.dq, `layer ${index} ssm D, ${e} values, ${l.dFrac} fractional bits`),
  ];
  return {
    ctx: {
      fn: `${base}_ssm`,
      comment: `layer ${index}: ssm, ${e} channels, state ${n}, conv ${k}, dt rank ${r}, h int32 with ${l.hFrac} fractional bits`,
      units: e, twoUnits: 2 * e, stateSize: n, convSize: k, pastTaps: k - 1, hist: (k - 1) * e,
      inMm: inMm.ctx, convMm: convMm.ctx, xMm: xMm.ctx, dtMm: dtMm.ctx,
      xRows: r + 2 * n, bRow: r, cRow: r + n, accLen,
      aq: `${base}_aq`, dq: `${base}_dq`,
      sigmoid: env.sigmoid, softplus: syms.softplus, expFine: syms.expFine, exp: env.exp, log2: env.log2Lut,
      convFrac: l.convFrac, zFrac: l.zFrac,
      ...ssmShifts(l),
    },
    tables,
    // The four products, plus the scan's four products per state (Δ·|A|, Ā·h, Δu·B, h·C).
    macs: inMm.macs + convMm.macs + xMm.macs + dtMm.macs + 4 * e * n,
    // acc, then xz, u, dbc and the window (int16), and the conv's one accumulator.
    stackBytes: 4 * accLen + 2 * (2 * e + e + r + 2 * n + k) + 4,
  };
}
