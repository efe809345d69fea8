/**
 * `rnnc bench`: a model built for a QEMU target with its real flags, run there, and
 * measured. Instructions come from the board's exact counter (docs/targets.md), one
 * reading per NAME_step call (or one NAME_run over the sequence for bidirectional
 * models); the outputs are checked against the fixed-point reference on the way, so
 * a benchmark never reports the speed of wrong code. Peak stack is painted and
 * scanned in the harness (templates/bench.c.hbs); flash and static RAM come from
 * the object file (src/target/size.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitModel } from '../codegen/emit.js';
import { cArrayBody } from '../codegen/ctables.js';
import { render } from '../codegen/render.js';
import { RnncError } from '../errors.js';
import { runFixed, streamFixed } from '../fixed/model.js';
import { type QuantModel, isMixedWidth, layerWeightBits } from '../ir/qmodel.js';
import { type OptLevel, buildForTarget } from '../target/build.js';
import { EXTRA_WARNINGS } from '../target/flags.js';
import { runOnTarget } from '../target/run.js';
import { objectSizes } from '../target/size.js';
import type { Target } from '../target/targets.js';
import { requireCompiler, requireEmulator } from '../target/toolchain.js';
import { Rng } from '../util/rng.js';

export interface BenchOptions {
  opt: OptLevel;
  /** Timesteps measured (bidirectional models: at most maxSeq). */
  steps: number;
  maxSeq: number;
  version: string;
  seed?: number;
  /** Keep the build directory here instead of a temporary one. */
  workDir?: string;
}

export interface BenchResult {
  model: string;
  target: string;
  kernel: string;
  opt: OptLevel;
  weightBits: number;
  /** A mixed-width model only: each layer's weight width. */
  layerWeightBits?: number[];
  macsPerStep: number;
  steps: number;
  /**
   * 'step': one count per NAME_step; 'run': one NAME_run over all steps (bidirectional);
   * 'encode-decode': an encoder–decoder, one count per NAME_encode_step (insns) and one
   * NAME_decode over the steps (`decoder`).
   */
  mode: 'step' | 'run' | 'encode-decode';
  /** An encoder–decoder: NAME_decode's count over `steps` encoder steps, the vectors it wrote, and per vector. */
  decoder?: { decode: number; outputs: number; perOutput: number; macsPerOutput: number; encoderInDecode: boolean };
  insns: {
    /** Mean per timestep over steps 2..T (steady state), or NAME_run's total / T. */
    perStep: number;
    /** Largest single step in steps 2..T (mode 'step'); the mean for mode 'run'. */
    maxPerStep: number;
    /** The first step after NAME_reset (mode 'step'); the mean for mode 'run'. */
    firstStep: number;
    perMac: number;
  };
  flash: { code: number; stepCode: number; weights: number; luts: number; total: number };
  ram: { state: number; staticScratch: number; peakStack: number; total: number };
}

/** Typical inputs: uniform in about ±3 real units at the model's input format (as the golden cases). */
function inputs(q: QuantModel, steps: number, seed: number): Int16Array[] {
  const rng = new Rng(seed);
  const typical = 3 * 2 ** q.input.frac;
  return Array.from({ length: steps }, () => Int16Array.from({ length: q.inputSize },
    () => Math.max(-32768, Math.min(32767, Math.round(rng.uniform(-typical, typical))))));
}

function flat(rows: readonly Int16Array[]): number[] {
  return rows.flatMap((r) => [...r]);
}

/** The program's lines as `key rest` pairs; a failed check or a crash is an error. */
export function parseRun(stdout: string, exitCode: number, what: string): { counts: number[]; stack: number; state: number } {
  const lines = stdout.split('\n');
  const fail = lines.find((l) => l.startsWith('check fail') || l.startsWith('rnnc-board: fault'));
  if (fail?.startsWith('check fail')) throw new RnncError('verify/mismatch', `${what}: the output differs from the reference (${fail.slice(6)}); run rnnc verify for details`);
  const value = (key: string): number => {
    const line = lines.find((l) => l.startsWith(`${key} `));
    if (exitCode !== 0 || !line || !lines.includes('check pass')) {
      throw new RnncError('toolchain/failed', `${what}: the bench program exited ${exitCode}${fail ? `: ${fail}` : ''} (output: ${JSON.stringify(stdout.slice(0, 200))})`);
    }
    return Number(line.slice(key.length + 1));
  };
  const counts = lines.filter((l) => l.startsWith('insns ')).map((l) => Number(l.split(' ')[2]));
  return { counts, stack: value('stack'), state: value('state') };
}

export function noCounter(target: string): string {
  return `bench counts instructions under QEMU, which target ${target} has none of; choose a board target (cortex-m0 ... cortex-m55, riscv32)`;
}

export async function benchModel(q: QuantModel, target: Target, opts: BenchOptions): Promise<BenchResult> {
  if (!target.qemu) throw new RnncError('usage/invalid', noCounter(target.name));
  await requireCompiler(target);
  requireEmulator(target);
  const emitted = emitModel(q, target, { version: opts.version, source: `${q.name}.q.json`, maxSeq: opts.maxSeq });
  const { plan } = emitted;
  // An encoder–decoder's memory holds at most maxSeq encoder steps.
  const dec = plan.decoder !== false;
  const perStepCalls = plan.streaming || dec;
  const steps = plan.streaming && !dec ? opts.steps : Math.min(opts.steps, opts.maxSeq);
  if (steps < 2) throw new RnncError('usage/invalid', `--steps: bench needs at least 2 timesteps, got ${steps}`);
  const xs = inputs(q, steps, opts.seed ?? 7);
  const expected = plan.streaming && !dec ? (() => { const s = streamFixed(q); return xs.map((x) => s.step(x)); })() : runFixed(q, xs);
  const ys = flat(expected);
  const dir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'rnnc-bench-'));
  try {
    for (const f of emitted.files) writeFileSync(join(dir, f.name), f.content);
    writeFileSync(join(dir, 'bench_main.c'), render('bench.c', {
      name: plan.name, NAME: plan.NAME, streaming: plan.streaming, decoder: dec, stateful: perStepCalls, steps, stackCalls: dec ? steps + 1 : plan.streaming ? steps : 1,
      inputs: cArrayBody(flat(xs), 'int16_t'), inputCount: steps * q.inputSize, expected: cArrayBody(ys, 'int16_t'), expectedCount: ys.length,
    }));
    const elf = await buildForTarget({
      target, sources: [join(dir, 'bench_main.c'), join(dir, `${plan.name}.c`)], includeDirs: [dir], opt: opts.opt,
      defines: { [`${plan.NAME}_NO_FLOAT`]: true }, extraCflags: EXTRA_WARNINGS, outDir: dir, name: 'bench',
    });
    const r = await runOnTarget(target, elf, { timeoutMs: 120_000 });
    const run = parseRun(r.stdout, r.exitCode, `${q.name} on ${target.name}`);
    // The harness paints 16 KiB (BENCH_PAINT_WORDS): a call that used all of it went deeper than it can see.
    if (run.stack >= 16384) throw new RnncError('unsupported/feature', `${q.name} on ${target.name}: the peak stack is 16 KiB or more, beyond what bench measures`);
    const size = await objectSizes(plan, target, opts.opt, dir);
    // An encoder–decoder's last count is NAME_decode's.
    const encodes = dec ? run.counts.slice(0, steps) : run.counts;
    const steady = perStepCalls ? encodes.slice(1) : [];
    const perStep = perStepCalls ? steady.reduce((s, n) => s + n, 0) / steady.length : (run.counts[0] ?? 0) / steps;
    const macs = plan.memory.macsPerStep;
    const decode = run.counts[steps] ?? 0;
    const outputs = expected.length;
    // MACs of one decoder step at `steps` positions (the plan's figure is at maxSeq).
    const m = plan.memory;
    const decMacs = dec ? (m.decodeMacsPerStep ?? 0) - (opts.maxSeq - steps) * (m.decodeMacsPerPosition ?? 0) : 0;
    return {
      model: q.name, target: target.name, kernel: plan.kernel, opt: opts.opt, weightBits: q.weightBits,
      ...(isMixedWidth(q) ? { layerWeightBits: q.layers.map((l) => layerWeightBits(q, l)) } : {}), macsPerStep: macs, steps,
      mode: dec ? 'encode-decode' : plan.streaming ? 'step' : 'run',
      insns: {
        perStep, maxPerStep: perStepCalls ? Math.max(...steady) : perStep, firstStep: perStepCalls ? run.counts[0] ?? 0 : perStep, perMac: macs > 0 ? perStep / macs : 0,
      },
      ...(dec ? { decoder: { decode, outputs, perOutput: outputs > 0 ? decode / outputs : 0, macsPerOutput: decMacs, encoderInDecode: plan.decoder !== false && plan.decoder.whole } } : {}),
      flash: { code: size.code, stepCode: size.stepCode, weights: size.weights, luts: size.luts, total: size.code + size.weights + size.luts },
      ram: { state: run.state, staticScratch: size.staticRam, peakStack: run.stack, total: run.state + size.staticRam + run.stack },
    };
  } finally {
    if (!opts.workDir) rmSync(dir, { recursive: true, force: true });
  }
}
