/**
 * Kernel families: which runtime function computes a quantized matrix product on a
 * target. Only the portable family exists so far (runtime-c/include/rnnc/rnnc_kernels.h);
 * the DSP and MVE families will add their own rows behind the same call signature,
 * and targets without their own kernels fall back to portable.
 */
import type { KernelFamily } from './targets.js';
import type { QMatmul } from '../ir/qmodel.js';

export interface KernelSet {
  /** The family actually emitted (a target may fall back to portable). */
  family: KernelFamily;
  /** C function for int8/int16 weights with an int32/int64 accumulator. */
  matmul(weightBits: 8 | 16, acc: QMatmul['acc']): string;
  /** The runtime headers the generated .c includes, copied beside it. */
  headers: readonly string[];
}

const portable: KernelSet = {
  family: 'portable',
  matmul: (bits, acc) => `rnnc_matmul_s${bits}_s${acc === 'int64' ? 64 : 32}`,
  headers: ['rnnc_fixed.h', 'rnnc_kernels.h'],
};

const FAMILIES: Record<KernelFamily, KernelSet> = { portable, dsp: portable, mve: portable };

export function kernelSet(family: KernelFamily): KernelSet {
  return FAMILIES[family];
}
