/**
 * Many models in one program: each model's C and its conformance test (NAME_test.c,
 * golden outputs from the TypeScript reference) are compiled together with a main that
 * calls every NAME_test(), so one compiler run checks a whole batch. Each test compares
 * in C, exactly, and prints PASS or its first mismatch; this module parses those lines.
 * Host programs run natively; a target with a QEMU board is built with its cross
 * compiler and board support (src/target/) and runs under QEMU.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emitModel } from '../codegen/emit.js';
import { render } from '../codegen/render.js';
import { type GoldenCase, comparedCount } from '../codegen/testdata.js';
import type { QuantModel } from '../ir/qmodel.js';
import { type OptLevel, buildForTarget } from '../target/build.js';
import { compileC, runProgram } from '../target/cc.js';
import { EXTRA_WARNINGS, STRICT_FLAGS } from '../target/flags.js';
import { runOnTarget } from '../target/run.js';
import type { Target } from '../target/targets.js';

export interface HarnessModel {
  model: QuantModel;
  golden: GoldenCase[];
  /** The file the model came from, named in messages and in the C banner (default `<name>.q.json`). */
  source?: string;
}

export interface Mismatch {
  caseIndex: number;
  label: string;
  mode: 'run' | 'step';
  step: number;
  index: number;
  expected: number;
  got: number;
}

export interface ModelVerdict {
  name: string;
  pass: boolean;
  /** Outputs the C compared (all of them when it passed). */
  compared: number;
  mismatch?: Mismatch;
  /** The raw line, for failures the parser did not understand. */
  line: string;
}

export interface HarnessOptions {
  /** Host compiler (QEMU targets use the target table's cross compiler). */
  cc: string;
  /** Extra flags: optimisation, sanitizers (host); more warnings (QEMU targets). */
  flags: readonly string[];
  /** QEMU targets: optimisation level (default O2); the host takes it from flags. */
  opt?: OptLevel;
  version: string;
  maxSeq: number;
}

/** Writes the batch's sources into `dir` and returns the .c files to compile. */
export function writeHarness(models: readonly HarnessModel[], dir: string, target: Target, opts: HarnessOptions): string[] {
  mkdirSync(dir, { recursive: true });
  const sources: string[] = [];
  for (const m of models) {
    const e = emitModel(m.model, target, { version: opts.version, source: m.source ?? `${m.model.name}.q.json`, maxSeq: opts.maxSeq }, m.golden);
    for (const f of e.files) writeFileSync(join(dir, f.name), f.content);
    sources.push(`${m.model.name}.c`, `${m.model.name}_test.c`);
  }
  writeFileSync(join(dir, 'harness_main.c'), render('harness.c', { models: models.map((m) => m.model.name) }));
  sources.push('harness_main.c');
  return sources;
}

const FAIL_RE = /^(\w+): FAIL case (\d+) \((run|step)\), step (\d+), output (\d+): expected (-?\d+), got (-?\d+) \[[^\]]*\]$/;
const PASS_RE = /^(\w+): PASS \((\d+) outputs/;

export function parseVerdicts(stdout: string, models: readonly HarnessModel[]): ModelVerdict[] {
  const byName = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^(\w+): (PASS|FAIL)/.exec(line);
    if (m) byName.set(m[1]!, line);
  }
  return models.map(({ model, golden }) => {
    const line = byName.get(model.name) ?? `${model.name}: no result (the program stopped before this model)`;
    const pass = PASS_RE.exec(line);
    if (pass) return { name: model.name, pass: true, compared: Number(pass[2]), line };
    const f = FAIL_RE.exec(line);
    if (!f) return { name: model.name, pass: false, compared: 0, line };
    const c = Number(f[2]);
    return {
      name: model.name, pass: false, compared: 0, line,
      mismatch: {
        caseIndex: c, label: golden[c]?.label ?? '?', mode: f[3] as 'run' | 'step', step: Number(f[4]), index: Number(f[5]),
        expected: Number(f[6]), got: Number(f[7]),
      },
    };
  });
}

/** Builds the batch for a QEMU target (buildForTarget adds the base warnings) and runs it there. */
async function runOnBoard(sources: readonly string[], noMain: readonly string[], dir: string, target: Target, opts: HarnessOptions) {
  const elf = await buildForTarget({
    target, sources: sources.map((s) => join(dir, s)), opt: opts.opt ?? 'O2', extraCflags: [...EXTRA_WARNINGS, ...opts.flags, ...noMain],
    outDir: dir, name: 'harness',
  });
  // A big batch on the M0 runs a few million instructions: QEMU needs well under 10 s.
  return runOnTarget(target, elf, { timeoutMs: 120_000 });
}

/** Compiles and runs one batch in `dir`; one verdict per model. */
export async function runHarness(models: readonly HarnessModel[], dir: string, target: Target, opts: HarnessOptions): Promise<ModelVerdict[]> {
  const sources = writeHarness(models, dir, target, opts);
  const noMain = models.map((m) => `-D${m.model.name.toUpperCase()}_TEST_NO_MAIN`);
  let r: { exitCode: number; stdout: string; stderr: string };
  if (target.qemu) {
    r = await runOnBoard(sources, noMain, dir, target, opts);
  } else {
    await compileC(opts.cc, [...STRICT_FLAGS, ...opts.flags, ...noMain, ...sources, '-o', 'harness'], dir);
    r = await runProgram(join(dir, 'harness'), dir);
  }
  const verdicts = parseVerdicts(r.stdout, models);
  if (r.exitCode !== 0 && verdicts.every((v) => v.pass)) {
    // A crash or sanitizer report after every PASS line still fails the batch.
    const why = r.stderr.split('\n')[0] || r.stdout.split('\n').find((l) => l.startsWith('rnnc-board: fault')) || '';
    return verdicts.map((v) => ({ ...v, pass: false, line: `harness exited ${r.exitCode}: ${why}` }));
  }
  return verdicts;
}

export function expectedCount(models: readonly HarnessModel[]): number {
  return models.reduce((s, m) => s + comparedCount(m.golden), 0);
}
