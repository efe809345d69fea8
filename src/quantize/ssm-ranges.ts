/**
 * The intermediates of an ssm layer that take a calibrated format (ir/qmodel.ts, the ssm
 * entry), and how one float step (float/ssm.ts SsmProbe) feeds their |x| histograms.
 */
import type { SsmLayer } from '../ir/model.js';
import type { SsmProbe } from '../float/ssm.js';
import type { AbsHistogram } from './histogram.js';

/** x' and z (the in-projection's halves), the conv's c (and u = silu(c)), δ, B, C, Δ, Δ·u, h, y before the gate, the output. */
export const SSM_QUANTITIES = ['x', 'z', 'conv', 'dtIn', 'b', 'c', 'delta', 'du', 'h', 'y', 'out'] as const;
export type SsmQuantity = (typeof SSM_QUANTITIES)[number];

/** Without calibration: what a Mamba-initialised layer on normalised inputs stays within (a guess, as DEFAULT_RANGES). */
export const DEFAULT_SSM_RANGES: Record<SsmQuantity, number> = {
  x: 7.9, z: 7.9, conv: 7.9, dtIn: 7.9, b: 7.9, c: 7.9, delta: 7.9, du: 7.9, h: 63.9, y: 63.9, out: 63.9,
};

export function recordSsmStep(rec: Record<SsmQuantity, AbsHistogram>, l: SsmLayer, p: SsmProbe): void {
  const { units: e, stateSize: n, dtRank: r } = l;
  rec.x.addAll(p.xz.subarray(0, e));
  rec.z.addAll(p.xz.subarray(e));
  // u = silu(c) shares c's format: |silu(c)| <= max(|c|, 0.28).
  rec.conv.addAll(p.c);
  rec.conv.addAll(p.u);
  rec.dtIn.addAll(p.dbc.subarray(0, r));
  rec.b.addAll(p.dbc.subarray(r, r + n));
  rec.c.addAll(p.dbc.subarray(r + n));
  rec.delta.addAll(p.delta);
  const du = new Float64Array(e);
  for (let j = 0; j < e; j++) du[j] = p.delta[j]! * p.u[j]!;
  rec.du.addAll(du);
  rec.h.addAll(p.h);
  rec.y.addAll(p.y);
  rec.out.addAll(p.out);
}
