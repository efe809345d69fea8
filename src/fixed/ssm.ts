/**
 * The ssm layer in fixed point: the step of ir/qmodel.ts's ssm entry, every integer
 * operation a fixed/ops.ts rule (the C twin runs the same rules in the same order).
 * State: h (E×N int32, hFrac) and the conv's last k−1 values of x' (int16, xFrac), both
 * zero at reset. E = units, N = stateSize, k = convSize, R = dtRank.
 */
import type { QSsmLayer, QuantModel } from '../ir/qmodel.js';
import type { FixedContext } from './cells/types.js';
import { matmulRows } from './matmul.js';
import { addSatS32, expNegQ15, mulQ15S32, mulRshrS16, mulRshrS32S16, rshrS32, satS16, siluS16, softplusQ15 } from './ops.js';

/** The three tables an ssm layer reads besides the sigmoid (quantize puts them in `tables`). */
export interface SsmTables {
  softplus: readonly number[];
  expFine: readonly number[];
  exp: readonly number[];
}

export function ssmTables(model: QuantModel): SsmTables {
  const t = model.tables;
  if (!t?.softplus || !t.expFine || !t.exp) throw new Error('an ssm layer needs tables.softplus, tables.expFine and tables.exp');
  return { softplus: t.softplus, expFine: t.expFine, exp: t.exp };
}


export function ssmStreamFixed(l: QSsmLayer, ctx: FixedContext, tables: SsmTables): { reset(): void; step(x: Int16Array): Int16Array } {
  const { units: e, stateSize: n, convSize: k, dtRank: r } = l;
  const h = new Int32Array(e * n);
  // x' of the last k−1 steps, oldest first: row j holds x'_{t−k+1+j} before the step.
  const hist = new Int16Array(Math.max(0, k - 1) * e);
  const acc = new Int32Array(Math.max(2 * e, r + 2 * n));
  const xz = new Int16Array(2 * e);
  const u = new Int16Array(e);
  const dbc = new Int16Array(r + 2 * n);
  const win = new Int16Array(k);
  const one = new Int32Array(1);
  const p = new Int16Array(e);
  return {
    reset() {
      h.fill(0);
      hist.fill(0);
    },
    step(x) {
      matmulRows(l.inMm, x, 0, 2 * e, acc);
      for (let j = 0; j < 2 * e; j++) xz[j] = satS16(acc[j]!);
      for (let ch = 0; ch < e; ch++) {
        for (let j = 0; j < k - 1; j++) win[j] = hist[j * e + ch]!;
        win[k - 1] = xz[ch]!;
        matmulRows(l.convMm, win, ch, ch + 1, one);
        u[ch] = siluS16(ctx.lut.sigmoid, ctx.log2Lut, satS16(one[0]!), l.convFrac);
      }
      if (k > 1) {
        hist.copyWithin(0, e);
        hist.set(xz.subarray(0, e), (k - 2) * e);
      }
      matmulRows(l.xMm, u, 0, r + 2 * n, acc);
      for (let j = 0; j < r + 2 * n; j++) dbc[j] = satS16(acc[j]!);
      matmulRows(l.dtMm, dbc.subarray(0, r), 0, e, acc);
      for (let ch = 0; ch < e; ch++) p[ch] = satS16(acc[ch]!);
      const y = new Int16Array(e);
      for (let ch = 0; ch < e; ch++) {
        const delta = satS16(rshrS32(softplusQ15(tables.softplus, ctx.log2Lut, p[ch]!), 15 - l.deltaFrac));
        const du = mulRshrS16(delta, u[ch]!, l.deltaFrac + l.convFrac - l.duFrac);
        let a = 0;
        for (let j = 0; j < n; j++) {
          const at = ch * n + j;
          const decay = expNegQ15(tables.expFine, tables.exp, ctx.log2Lut, rshrS32(delta * l.aq[at]!, l.deltaFrac + l.aFrac - 15));
          h[at] = addSatS32(mulQ15S32(decay, h[at]!), rshrS32(du * dbc[r + j]!, l.duFrac + l.bFrac - l.hFrac));
          a = addSatS32(a, mulRshrS32S16(h[at]!, dbc[r + n + j]!, l.hFrac + l.cFrac - l.yAccFrac));
        }
        a = addSatS32(a, rshrS32(l.dq[ch]! * u[ch]!, l.dFrac + l.convFrac - l.yAccFrac));
        const yv = satS16(rshrS32(a, l.yAccFrac - l.yFrac));
        y[ch] = mulRshrS16(yv, siluS16(ctx.lut.sigmoid, ctx.log2Lut, xz[e + ch]!, l.zFrac), l.yFrac + l.zFrac - l.outFrac);
      }
      return y;
    },
  };
}

/** Over a whole sequence: one output per step, or the last step's. */
export function runSsmFixed(l: QSsmLayer, xs: Int16Array[], ctx: FixedContext, tables: SsmTables): Int16Array[] {
  const s = ssmStreamFixed(l, ctx, tables);
  const ys = xs.map((x) => s.step(x));
  return l.returnSequences ? ys : ys.slice(-1);
}
