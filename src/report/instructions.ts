/**
 * Instructions per step on a QEMU board: `rnnc bench` (bench/bench.ts) run on the int8
 * and the int16 quantization. Its exact counts, its bit-exact check on the way, and its
 * flash and RAM measurements, which the memory map then uses.
 */
import { type BenchResult, benchModel } from '../bench/bench.js';
import { RnncError, isRnncError } from '../errors.js';
import type { QuantModel } from '../ir/qmodel.js';
import type { OptLevel } from '../target/build.js';
import type { Target } from '../target/targets.js';
import type { InstructionRun } from './types.js';

/** Instructions per step of both weight widths, or why they were not counted. */
export async function benchBoth(t: Target, opt: OptLevel, version: string, models: Record<8 | 16, QuantModel>): Promise<Record<8 | 16, BenchResult> | string> {
  if (!t.qemu) {
    return `target ${t.name} runs on no QEMU board, so there is nothing to count instructions on; `
      + 'pass --target cortex-m0 ... cortex-m55 or riscv32';
  }
  try {
    const opts = { opt, steps: 32, maxSeq: 64, version };
    return { 8: await benchModel(models[8], t, opts), 16: await benchModel(models[16], t, opts) };
  } catch (e) {
    // A missing cross compiler, C library or QEMU leaves this figure out, saying what to install;
    // so does a model bench cannot measure (a stack beyond what it paints). Anything else is an error.
    if (isRnncError(e) && (e.code === 'toolchain/missing' || e.code === 'unsupported/feature')) return `not measured: ${e.message}`;
    throw e;
  }
}

export function instructionRun(r: BenchResult): InstructionRun {
  const d = r.decoder;
  if (r.mode === 'encode-decode' && !d) throw new RnncError('internal/bug', `${r.model}: an encoder–decoder's bench has no decode count`);
  return {
    weightBits: r.weightBits === 16 ? 16 : 8, kernel: r.kernel, mode: r.mode, steps: r.steps,
    firstStep: r.insns.firstStep, perStep: r.insns.perStep, maxPerStep: r.insns.maxPerStep, perMac: r.insns.perMac, macsPerStep: r.macsPerStep,
    ...(d ? { decoder: { decode: d.decode, outputs: d.outputs, perOutput: d.perOutput } } : {}),
  };
}
