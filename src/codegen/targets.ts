/**
 * What the code generator needs to know of a target: its name (banner, summary), its
 * kernel family and the word alignment of its packed weights. The target table itself,
 * with each target's compiler, flags and QEMU board, is src/target/targets.ts; its rows
 * have this shape and more, so the code generator never depends on the toolchain.
 */

/** Kernel families; every target's results are bit-identical to the reference. */
export type KernelFamily = 'portable' | 'dsp' | 'mve';

export interface Target {
  name: string;
  kernel: KernelFamily;
  /** Natural alignment requirement for word loads of packed weights (bytes). */
  wordAlign: number;
}
