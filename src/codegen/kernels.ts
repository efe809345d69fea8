/**
 * Kernel families: which runtime function computes a quantized matrix product on a
 * target, and in which layout it reads the weights. Every family returns exactly what
 * the portable kernels return (runtime-c/include/rnnc/rnnc_kernels.h).
 *   portable: plain C, row-major weights (host, Cortex-M0/M3, RISC-V)
 *   dsp:      SMLAD/SMLALD with weights packed by pack.ts (rnnc_dsp.h; Cortex-M4/M7/M33)
 *   mve:      VMLADAVA/VMLALDAVA on 8 columns at a time, row-major weights (rnnc_mve.h;
 *             Cortex-M55)
 * Every family fuses LSTM and GRU (resetAfter) steps unit by unit (cells/lstm.ts, gru.ts),
 * so no step keeps whole-layer gate arrays.
 */
import type { KernelFamily } from './targets.js';
import type { QMatmul } from '../ir/qmodel.js';
import { dspSegmentOffset, packDsp } from './pack.js';

export interface KernelSet {
  /** The family actually emitted (a target may fall back to another). */
  family: KernelFamily;
  /** C function for int8/int16 weights with an int32/int64 accumulator. */
  matmul(weightBits: 8 | 16, acc: QMatmul['acc']): string;
  /** Fused cells: the always-inlined 4-row block function (`fn(w, b, m, s, pre, v, cols, out)`). */
  block(weightBits: 8 | 16, acc: QMatmul['acc']): string;
  /**
   * Fused LSTM: the block function taking every row's shift as a compile-time constant
   * (`fn(w, b, m, s, t, pre, v, cols, out)`), where the family has one.
   */
  blockUniformShift?(weightBits: 8 | 16, acc: QMatmul['acc']): string;
  /** Fused LSTM with sigmoid gates: the family's whole-unit elementwise step (`fn(sig, tanh, log2n, xg, hg, &c, igShift, cellFrac)`), by cell width. */
  lstmUnit?(cellBits: 16 | 32): string;
  /** Fused reset-after GRU with sigmoid gates: the whole-unit elementwise step (`fn(sig, tanh, log2n, xr, hr, xz, hz, xn, hn, h)`). */
  gruUnit?: string;
  /** The weight table in this family's layout; `segments`: row counts of separate calls. */
  layout(weights: readonly number[], rows: number, cols: number, bits: 8 | 16, segments?: readonly number[]): readonly number[];
  /** Entry offset in the weight table of a call segment starting at row `row`. */
  segmentOffset(row: number, cols: number, bits: 8 | 16): number;
  /** Declaration suffix of weight tables (an alignment the kernels rely on), or ''. */
  weightAttr: string;
  /** The kernel header the generated .c includes. */
  include: string;
  /** The runtime headers the generated .c needs, copied beside it. */
  headers: readonly string[];
}

const portable: KernelSet = {
  family: 'portable',
  matmul: (bits, acc) => `rnnc_matmul_s${bits}_s${acc === 'int64' ? 64 : 32}`,
  block: (bits, acc) => `rnnc_block4_s${bits}_s${acc === 'int64' ? 64 : 32}`,
  layout: (w) => w,
  segmentOffset: (row, cols) => row * cols,
  weightAttr: '',
  include: 'rnnc_kernels.h',
  headers: ['rnnc_fixed.h', 'rnnc_kernels.h'],
};

const dsp: KernelSet = {
  family: 'dsp',
  matmul: (bits, acc) => `rnnc_dsp_matmul_s${bits}_s${acc === 'int64' ? 64 : 32}`,
  block: (bits, acc) => `rnnc_dsp_block4_s${bits}_s${acc === 'int64' ? 64 : 32}`,
  blockUniformShift: (bits, acc) => `rnnc_dsp_block4k_s${bits}_s${acc === 'int64' ? 64 : 32}`,
  lstmUnit: (cellBits) => `rnnc_dsp_lstm_unit_s${cellBits}`,
  gruUnit: 'rnnc_dsp_gru_unit',
  layout: packDsp,
  segmentOffset: dspSegmentOffset,
  weightAttr: ' RNNC_DSP_ALIGNED',
  include: 'rnnc_dsp.h',
  headers: ['rnnc_fixed.h', 'rnnc_kernels.h', 'rnnc_dsp.h'],
};

const mve: KernelSet = {
  family: 'mve',
  matmul: (bits, acc) => `rnnc_mve_matmul_s${bits}_s${acc === 'int64' ? 64 : 32}`,
  block: (bits, acc) => `rnnc_mve_block4_s${bits}_s${acc === 'int64' ? 64 : 32}`,
  layout: (w) => w,
  segmentOffset: (row, cols) => row * cols,
  weightAttr: '',
  include: 'rnnc_mve.h',
  headers: ['rnnc_fixed.h', 'rnnc_kernels.h', 'rnnc_mve.h'],
};

const FAMILIES: Record<KernelFamily, KernelSet> = { portable, dsp, mve };

export function kernelSet(family: KernelFamily): KernelSet {
  return FAMILIES[family];
}
