import { type GateActivation, gateActivationOf } from '../../ir/model.js';
import { HARD_SIGMOID_MULT, PRE_FRAC, addSatS32, hardSigmoidQ15, lutSigmoid, narrowing, satS16 } from '../ops.js';
import type { Narrowing } from '../observer.js';
import type { FixedContext, FixedScratch } from './types.js';

/**
 * A gate's Q3.12 LUT input from its two requantized products (both int32, Q.12):
 *   p = sat16(gateWide(xg, hg)),  gateWide = xg + hg saturated to int32 (no term wraps)
 */
export function gateInput(xg: number, hg: number): number {
  return satS16(gateWide(xg, hg));
}

/** The pre-activation before its narrowing to Q3.12 (the cells keep it in the scratch). */
export function gateWide(xg: number, hg: number): number {
  return addSatS32(xg, hg);
}

/** xg[k] = gateWide(xg[k], hg[k]) for rows k in [r0, r1): the wide pre-activations, in place. */
export function addGateRows(s: FixedScratch, r0: number, r1: number): void {
  const { xg, hg } = s;
  for (let k = r0; k < r1; k++) xg[k] = gateWide(xg[k]!, hg[k]!);
}

/** The narrowing of a Q3.12 pre-activation: sat16, the table's domain ±8. */
export const PREACTIVATION: Narrowing = { kind: 'preactivation', frac: PRE_FRAC, bits: 16, positiveOnly: false, saturates: narrowing.saturatesS16 };

/** The scratch's wide pre-activations (xg, every row) as one narrowing. */
export const preactivationRows = { how: PREACTIVATION, wide: (s: FixedScratch) => s.xg };

/** A sigmoid-type gate (LSTM i, f, o; GRU r, z): Q3.12 → Q0.15 in [0, 32767]. */
export type GateFn = (p: number) => number;

/**
 * The layer's gate activation: the sigmoid table, or the piecewise-linear hard sigmoid
 * (hardSigmoidQ15 with the definition's slope multiplier; no table).
 */
export function gateFn(layer: { type: string; recurrentActivation?: GateActivation | undefined }, ctx: FixedContext): GateFn {
  const kind = gateActivationOf(layer);
  if (kind === 'sigmoid') {
    const { lut: { sigmoid }, log2Lut } = ctx;
    return (p) => lutSigmoid(sigmoid, log2Lut, p);
  }
  const m = HARD_SIGMOID_MULT[kind];
  return (p) => hardSigmoidQ15(m, p);
}
