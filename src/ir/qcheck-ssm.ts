/**
 * What an ssm layer of a model.q.json must satisfy beyond its schema (qcheck.ts calls it):
 * the products' shapes, every format within its type, and every shift of the step
 * (ir/qmodel.ts, the ssm entry) within the range its rule takes, so the reference and the
 * C never shift by a negative or oversized amount.
 */
import { FRAC_RANGE, type QMatmul, type QSsmLayer, type QuantModel } from './qmodel.js';

/** The Q3.12 input of the sigmoid and softplus tables (fixed/ops.ts PRE_FRAC). */
const TABLE_FRAC = 12;

export interface MatmulCheck {
  (mm: QMatmul, rows: number, cols: number, what: string): void;
}

/**
 * Each shift of the step (ir/qmodel.ts, the ssm entry) with the range its rule takes:
 * rshrS32 and mulRshrS16S32 [0, 31], mulRshrS16 [1, 31], mulRshrS32S16 [1, 46].
 * The quantizer (quantize/ssm.ts) checks its own choice against the same list.
 */
export function ssmShifts(l: QSsmLayer): Array<[name: string, shift: number, lo: number, hi: number]> {
  return [
    ['15 − deltaFrac', 15 - l.deltaFrac, 0, 31],
    ['deltaFrac + convFrac − duFrac', l.deltaFrac + l.convFrac - l.duFrac, 1, 31],
    ['deltaFrac + aFrac − 15', l.deltaFrac + l.aFrac - 15, 0, 31],
    ['duFrac + bFrac − hFrac', l.duFrac + l.bFrac - l.hFrac, 0, 31],
    ['hFrac + cFrac − yAccFrac', l.hFrac + l.cFrac - l.yAccFrac, 1, 46],
    ['dFrac + convFrac − yAccFrac', l.dFrac + l.convFrac - l.yAccFrac, 0, 31],
    ['yAccFrac − yFrac', l.yAccFrac - l.yFrac, 0, 31],
    ['yFrac + zFrac − outFrac', l.yFrac + l.zFrac - l.outFrac, 1, 31],
  ];
}

export function checkSsmLayer(q: QuantModel, l: QSsmLayer, width: number, what: string, checkMatmul: MatmulCheck, problems: string[]): void {
  const { units: e, stateSize: n, convSize: k, dtRank: r } = l;
  checkMatmul(l.inMm, 2 * e, width, `${what}.inMm`);
  checkMatmul(l.convMm, e, k, `${what}.convMm`);
  checkMatmul(l.xMm, r + 2 * n, e, `${what}.xMm`);
  checkMatmul(l.dtMm, e, r, `${what}.dtMm`);
  const { min, max } = FRAC_RANGE;
  for (const f of ['xFrac', 'zFrac', 'convFrac', 'dtInFrac', 'bFrac', 'cFrac', 'duFrac', 'yFrac'] as const) {
    if (!(l[f] >= min && l[f] <= max)) problems.push(`${what}.${f}: ${l[f]} is outside [${min}, ${max}]`);
  }
  for (const f of ['deltaFrac', 'aFrac', 'dFrac'] as const) {
    if (!(l[f] >= 0 && l[f] <= 15)) problems.push(`${what}.${f}: ${l[f]} is outside [0, 15]`);
  }
  if (!(l.hFrac >= 0 && l.hFrac <= 30)) problems.push(`${what}.hFrac: ${l.hFrac} is outside [0, 30]`);
  for (const [name, sh, lo, hi] of ssmShifts(l)) {
    if (!(sh >= lo && sh <= hi)) problems.push(`${what}: the shift ${name} is ${sh}, outside [${lo}, ${hi}]`);
  }
  // rescaleS16 to the tables' Q3.12 and back needs the formats within int16's reach of it.
  for (const f of ['convFrac', 'zFrac'] as const) {
    if (Math.abs(l[f] - TABLE_FRAC) > 31) problems.push(`${what}.${f}: too far from the tables' Q3.12`);
  }
  if (l.aq.length !== e * n || !l.aq.every((v) => Number.isInteger(v) && v >= 0 && v <= 32767)) problems.push(`${what}.aq: expected ${e * n} values in [0, 32767]`);
  if (l.dq.length !== e || !l.dq.every((v) => Number.isInteger(v) && v >= -32768 && v <= 32767)) problems.push(`${what}.dq: expected ${e} int16 values`);
  for (const t of ['softplus', 'expFine', 'exp'] as const) {
    if (!q.tables?.[t]) problems.push(`${what}: an ssm layer needs tables.${t}`);
  }
}
