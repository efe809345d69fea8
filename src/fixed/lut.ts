/**
 * The sigmoid and tanh lookup tables: the single source of their contents. A table of
 * size N holds N+1 int16 Q0.15 entries f(8·k/N), k = 0..N, for x >= 0 only (the
 * negative half comes from symmetry in ops.ts). Input Q3.12, so the table spans the
 * whole int16 input range [−8, 8).
 */
import { sigmoid } from '../float/math.js';
import { lutLog2 } from '../ir/qmodel.js';
import { EXP_FRAC } from './dense.js';
import { softplus } from '../float/ssm.js';
import { PRE_FRAC, Q15_FRAC, expNegQ15, lutSigmoid, lutTanh, siluS16, softplusQ15 } from './ops.js';

/** The table sizes are part of the quantized format (ir/qmodel.ts); re-exported for the fixed-point code. */
export { LUT_SIZES, lutLog2 } from '../ir/qmodel.js';
/** Default size: see docs/numeric-contract.md for the measured error per size. */
export const DEFAULT_LUT_SIZE = 256;

export interface LutSet {
  size: number;
  log2Size: number;
  sigmoid: number[];
  tanh: number[];
}

function toQ15(v: number): number {
  return Math.min(32767, Math.round(v * 2 ** Q15_FRAC));
}

export function buildLuts(size: number): LutSet {
  const log2Size = lutLog2(size);
  const xs = Array.from({ length: size + 1 }, (_, k) => (8 * k) / size);
  return { size, log2Size, sigmoid: xs.map((x) => toQ15(sigmoid(x))), tanh: xs.map((x) => toQ15(Math.tanh(x))) };
}

export interface LutError {
  size: number;
  /** Max abs error over every int16 input, in real units (output LSBs are 2^-15). */
  sigmoid: number;
  tanh: number;
}

/** Exhaustive error of the interpolated tables over all 65536 Q3.12 inputs. */
export function measureLutError(luts: LutSet): LutError {
  let es = 0;
  let et = 0;
  for (let x = -32768; x <= 32767; x++) {
    const real = x / 2 ** PRE_FRAC;
    es = Math.max(es, Math.abs(lutSigmoid(luts.sigmoid, luts.log2Size, x) / 2 ** Q15_FRAC - sigmoid(real)));
    et = Math.max(et, Math.abs(lutTanh(luts.tanh, luts.log2Size, x) / 2 ** Q15_FRAC - Math.tanh(real)));
  }
  return { size: luts.size, sigmoid: es, tanh: et };
}

/** softplus(−8k/N) = ln(1 + e^(−8k/N)), k = 0..N, Q0.15: softplusQ15's table (fixed/ops.ts). */
export function buildSoftplusTable(size: number): number[] {
  return Array.from({ length: size + 1 }, (_, k) => Math.round(Math.log1p(Math.exp((-8 * k) / size)) * 32768));
}

/** exp(−k/N), k = 0..N, Q0.15 (1 saturates to 32767): expNegQ15's table below 1 (fixed/ops.ts). */
export function buildExpFineTable(size: number): number[] {
  return Array.from({ length: size + 1 }, (_, k) => Math.min(32767, Math.round(Math.exp(-k / size) * 32768)));
}

/** exp(−u) for u = 16·k/N, k = 0..N, Q0.15 (input Q4.11, see fixed/dense.ts). */
export function buildExpTable(size: number): number[] {
  const span = 2 ** (15 - EXP_FRAC);
  return Array.from({ length: size + 1 }, (_, k) => Math.min(32767, Math.round(Math.exp((-span * k) / size) * 32768)));
}

/** Max abs error (real units) of the ssm layer's table-based functions. */
export interface SsmTableError {
  /** softplusQ15 over every Q3.12 input. */
  softplus: number;
  /** expNegQ15 over every u in [0, 17) with 15 fractional bits (beyond, both are below 2^−24). */
  expNeg: number;
  /** siluS16 over every int16 v in Q6.9 (|v| < 64: the clamp to Q3.12 at both ends counts too). */
  silu: number;
}

/** The format silu's error is measured in: wide enough to reach past the table's ±8 on both sides. */
const SILU_FRAC = 9;

/** Exhaustive error of the ssm tables of `size` entries (src/fixed/ssm.ts reads them). */
export function measureSsmTableError(luts: LutSet, soft: readonly number[], fine: readonly number[], exp: readonly number[]): SsmTableError {
  let sp = 0, en = 0, si = 0;
  for (let x = -32768; x <= 32767; x++) {
    const real = x / 2 ** PRE_FRAC;
    sp = Math.max(sp, Math.abs(softplusQ15(soft, luts.log2Size, x) / 2 ** Q15_FRAC - softplus(real)));
    const v = x / 2 ** SILU_FRAC;
    si = Math.max(si, Math.abs(siluS16(luts.sigmoid, luts.log2Size, x, SILU_FRAC) / 2 ** SILU_FRAC - v * sigmoid(v)));
  }
  for (let u = 0; u < 17 * 2 ** Q15_FRAC; u++) en = Math.max(en, Math.abs(expNegQ15(fine, exp, luts.log2Size, u) / 2 ** Q15_FRAC - Math.exp(-u / 2 ** Q15_FRAC)));
  return { softplus: sp, expNeg: en, silu: si };
}
