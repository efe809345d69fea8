/**
 * The ssm layer in fixed point: the step of ir/qmodel.ts's ssm entry, every integer
 * operation a fixed/ops.ts rule (the C twin runs the same rules in the same order).
 * State: h (E×N int32, hFrac) and the conv's last k−1 values of x' (int16, xFrac), both
 * zero at reset. E = units, N = stateSize, k = convSize, R = dtRank.
 */
import type { QSsmLayer, QuantModel } from '../ir/qmodel.js';
import type { FixedContext } from './cells/types.js';
import { matmulRows } from './matmul.js';
import type { Narrowing } from './observer.js';
import {
  PRE_FRAC, addSatS32, expNegQ15, mulQ15S32, mulRshrS16, mulRshrS16S32, mulRshrS32S16, narrowing, rshrS32, satS16, siluS16, softplusQ15,
} from './ops.js';
import type { LayerWatch } from './recurrent.js';

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


/** Each saturating narrowing of the step (observer.ts), by the quantity it narrows. */
function ssmNarrowings(l: QSsmLayer) {
  const s16 = (quantity: string, frac: number, kind: Narrowing['kind'] = 'hidden'): Narrowing => ({ kind, quantity, frac, bits: 16, positiveOnly: false, saturates: narrowing.saturatesS16 });
  return {
    x: s16("x' (in-projection)", l.xFrac), z: s16('z (gate, in-projection)', l.zFrac), conv: s16('conv output c', l.convFrac),
    dt: s16('δ (x-projection)', l.dtInFrac), b: s16('B (x-projection)', l.bFrac), c: s16('C (x-projection)', l.cFrac),
    p: s16('softplus input (Δ before softplus)', PRE_FRAC, 'preactivation'), delta: s16('Δ', l.deltaFrac), du: s16('Δ·u', l.duFrac),
    h: { kind: 'cell', quantity: 'state h', frac: l.hFrac, bits: 32, positiveOnly: false, saturates: narrowing.saturatesS32 } satisfies Narrowing,
    y: s16('y (before the gate)', l.yFrac), out: s16('output', l.outFrac, 'output'),
  };
}

/**
 * One streaming instance. With `watch`, each step hands the wide value of every saturating
 * narrowing to the observer (computed again from the same operands: the rules themselves
 * return only the narrowed value).
 */
export function ssmStreamFixed(l: QSsmLayer, ctx: FixedContext, tables: SsmTables, watch?: LayerWatch): { reset(): void; step(x: Int16Array): Int16Array } {
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
  const how = watch ? ssmNarrowings(l) : undefined;
  const wide = watch ? { conv: new Float64Array(e), delta: new Float64Array(e), du: new Float64Array(e), h: new Float64Array(e * n), y: new Float64Array(e), out: new Float64Array(e) } : undefined;
  const see = (h: Narrowing, v: ArrayLike<number>) => watch!.observer.values(watch!.layer, h, v);
  return {
    reset() {
      h.fill(0);
      hist.fill(0);
    },
    step(x) {
      matmulRows(l.inMm, x, 0, 2 * e, acc);
      for (let j = 0; j < 2 * e; j++) xz[j] = satS16(acc[j]!);
      if (how) { see(how.x, acc.subarray(0, e)); see(how.z, acc.subarray(e, 2 * e)); }
      for (let ch = 0; ch < e; ch++) {
        for (let j = 0; j < k - 1; j++) win[j] = hist[j * e + ch]!;
        win[k - 1] = xz[ch]!;
        matmulRows(l.convMm, win, ch, ch + 1, one);
        if (wide) wide.conv[ch] = one[0]!;
        u[ch] = siluS16(ctx.lut.sigmoid, ctx.log2Lut, satS16(one[0]!), l.convFrac);
      }
      if (k > 1) {
        hist.copyWithin(0, e);
        hist.set(xz.subarray(0, e), (k - 2) * e);
      }
      matmulRows(l.xMm, u, 0, r + 2 * n, acc);
      for (let j = 0; j < r + 2 * n; j++) dbc[j] = satS16(acc[j]!);
      if (how) { see(how.conv, wide!.conv); see(how.dt, acc.subarray(0, r)); see(how.b, acc.subarray(r, r + n)); see(how.c, acc.subarray(r + n, r + 2 * n)); }
      matmulRows(l.dtMm, dbc.subarray(0, r), 0, e, acc);
      for (let ch = 0; ch < e; ch++) p[ch] = satS16(acc[ch]!);
      if (how) see(how.p, acc.subarray(0, e));
      const y = new Int16Array(e);
      for (let ch = 0; ch < e; ch++) {
        const dWide = rshrS32(softplusQ15(tables.softplus, ctx.log2Lut, p[ch]!), 15 - l.deltaFrac);
        const delta = satS16(dWide);
        const du = mulRshrS16(delta, u[ch]!, l.deltaFrac + l.convFrac - l.duFrac);
        if (wide) { wide.delta[ch] = dWide; wide.du[ch] = rshrS32(delta * u[ch]!, l.deltaFrac + l.convFrac - l.duFrac); }
        let a = 0;
        for (let j = 0; j < n; j++) {
          const at = ch * n + j;
          const decay = expNegQ15(tables.expFine, tables.exp, ctx.log2Lut, mulRshrS16S32(delta, l.aq[at]!, l.deltaFrac + l.aFrac - 15));
          const keep = mulQ15S32(decay, h[at]!), add = mulRshrS16S32(du, dbc[r + j]!, l.duFrac + l.bFrac - l.hFrac);
          if (wide) wide.h[at] = keep + add;
          h[at] = addSatS32(keep, add);
          a = addSatS32(a, mulRshrS32S16(h[at]!, dbc[r + n + j]!, l.hFrac + l.cFrac - l.yAccFrac));
        }
        a = addSatS32(a, mulRshrS16S32(l.dq[ch]!, u[ch]!, l.dFrac + l.convFrac - l.yAccFrac));
        const yv = satS16(rshrS32(a, l.yAccFrac - l.yFrac));
        const g = siluS16(ctx.lut.sigmoid, ctx.log2Lut, xz[e + ch]!, l.zFrac);
        y[ch] = mulRshrS16(yv, g, l.yFrac + l.zFrac - l.outFrac);
        if (wide) { wide.y[ch] = rshrS32(a, l.yAccFrac - l.yFrac); wide.out[ch] = rshrS32(yv * g, l.yFrac + l.zFrac - l.outFrac); }
      }
      if (how) { see(how.delta, wide!.delta); see(how.du, wide!.du); see(how.h, wide!.h); see(how.y, wide!.y); see(how.out, wide!.out); }
      return y;
    },
  };
}

/** Over a whole sequence: one output per step, or the last step's. */
export function runSsmFixed(l: QSsmLayer, xs: Int16Array[], ctx: FixedContext, tables: SsmTables, watch?: LayerWatch): Int16Array[] {
  const s = ssmStreamFixed(l, ctx, tables, watch);
  const ys = xs.map((x) => s.step(x));
  return l.returnSequences ? ys : ys.slice(-1);
}
