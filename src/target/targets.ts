/**
 * The target table: one row per `--target`. It says which kernel family the code
 * generator emits, how the cross compiler is invoked, and which QEMU board runs it.
 * Facts about boards and flags: docs/targets.md.
 *
 * src/target/ is the one home of everything about targets and their tools: this table,
 * finding the tools (toolchain.ts), the C flags (flags.ts), running a compiler
 * (cc.ts, build.ts), running a program (run.ts, boards.ts) and measuring objects
 * (size.ts). It sits above src/codegen/ and below verify/, bench/ and cli/
 * (docs/architecture.md): it compiles and measures what the code generator emitted, and
 * the code generator sees a target only through the narrow interface it declares itself
 * (src/codegen/targets.ts: name, kernel family, word alignment), which every row here
 * satisfies. So the phases stay free of compilers and processes, and the compilers,
 * flags and boards are written down once.
 */
import type { Target as CodegenTarget } from '../codegen/targets.js';
import { RnncError } from '../errors.js';

/** A row: what the code generator needs (name, kernel, wordAlign) and the tools. */
export interface Target extends CodegenTarget {
  description: string;
  /** C compiler command (a cross compiler, or the host's cc). */
  cc: string;
  /** Flags selecting the instruction set and ABI. */
  cflags: readonly string[];
  /** QEMU machine that runs this target's code, if any. */
  qemu?: { system: string; machine: string; board: string };
}

const ARM_CC = 'arm-none-eabi-gcc';

export const TARGETS: readonly Target[] = [
  { name: 'host', description: 'the machine running rnnc (portable C)', kernel: 'portable', cc: 'gcc', cflags: [], wordAlign: 1 },
  {
    name: 'cortex-m0', description: 'Armv6-M, no DSP, no FPU (runs on the mps2-an385 M3 core)', kernel: 'portable', cc: ARM_CC,
    cflags: ['-mcpu=cortex-m0', '-mthumb', '-mfloat-abi=soft'], wordAlign: 4,
    qemu: { system: 'qemu-system-arm', machine: 'mps2-an385', board: 'mps2-an385' },
  },
  {
    name: 'cortex-m3', description: 'Armv7-M, no DSP, no FPU', kernel: 'portable', cc: ARM_CC,
    cflags: ['-mcpu=cortex-m3', '-mthumb', '-mfloat-abi=soft'], wordAlign: 1,
    qemu: { system: 'qemu-system-arm', machine: 'mps2-an385', board: 'mps2-an385' },
  },
  {
    name: 'cortex-m4', description: 'Armv7E-M with DSP SIMD and single-precision FPU', kernel: 'dsp', cc: ARM_CC,
    cflags: ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16'], wordAlign: 1,
    qemu: { system: 'qemu-system-arm', machine: 'mps2-an386', board: 'mps2-an386' },
  },
  {
    name: 'cortex-m7', description: 'Armv7E-M with DSP SIMD and double-precision FPU', kernel: 'dsp', cc: ARM_CC,
    cflags: ['-mcpu=cortex-m7', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv5-d16'], wordAlign: 1,
    qemu: { system: 'qemu-system-arm', machine: 'mps2-an500', board: 'mps2-an500' },
  },
  {
    name: 'cortex-m33', description: 'Armv8-M Mainline with DSP and single-precision FPU', kernel: 'dsp', cc: ARM_CC,
    cflags: ['-mcpu=cortex-m33', '-mthumb', '-mfloat-abi=hard'], wordAlign: 1,
    qemu: { system: 'qemu-system-arm', machine: 'mps2-an505', board: 'mps2-an505' },
  },
  {
    name: 'cortex-m55', description: 'Armv8.1-M with Helium (MVE) and FPU', kernel: 'mve', cc: ARM_CC,
    cflags: ['-mcpu=cortex-m55', '-mthumb', '-mfloat-abi=hard'], wordAlign: 1,
    qemu: { system: 'qemu-system-arm', machine: 'mps3-an547', board: 'mps3-an547' },
  },
  {
    name: 'riscv32', description: 'RV32IMAC, no FPU', kernel: 'portable', cc: 'riscv64-unknown-elf-gcc',
    cflags: ['-march=rv32imac', '-mabi=ilp32', '-misa-spec=2.2'], wordAlign: 4,
    qemu: { system: 'qemu-system-riscv32', machine: 'virt', board: 'riscv32-virt' },
  },
];

export const TARGET_NAMES: readonly string[] = TARGETS.map((t) => t.name);

export function getTarget(name: string): Target {
  const t = TARGETS.find((x) => x.name === name);
  if (!t) {
    throw new RnncError('codegen/unknown_target', `unknown target ${JSON.stringify(name)}; valid targets: ${TARGET_NAMES.join(', ')}`);
  }
  return t;
}
