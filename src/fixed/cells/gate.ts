import { type GateActivation, gateActivationOf } from '../../ir/model.js';
import { HARD_SIGMOID_MULT, addSatS32, hardSigmoidQ15, lutSigmoid, satS16 } from '../ops.js';
import type { FixedContext } from './types.js';

/**
 * A gate's Q3.12 LUT input from its two requantized products (both int32, Q.12):
 *   p = sat16(xg + hg)   (saturating int32 add first, so no term wraps)
 */
export function gateInput(xg: number, hg: number): number {
  return satS16(addSatS32(xg, hg));
}

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
