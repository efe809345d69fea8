/**
 * `rnnc verify`: the emitted C compiled with the host's gcc (UBSan on), or for a QEMU
 * target with its cross compiler and board support and run under QEMU, on random,
 * extreme and calibration sequences; every output compared with the fixed-point
 * reference, exactly.
 */
import { RnncError } from '../errors.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QuantModel } from '../ir/qmodel.js';
import { type GoldenCase, comparedCount, goldenCases } from '../codegen/testdata.js';
import { ExcursionCounter, type ExcursionSummary, excursionSummary } from '../fixed/excursions.js';
import { runFixed } from '../fixed/model.js';
import type { OptLevel } from '../target/build.js';
import { requireHostCompiler } from '../target/cc.js';
import type { Target } from '../target/targets.js';
import { requireCompiler, requireEmulator } from '../target/toolchain.js';
import { type HarnessOptions, type ModelVerdict, runHarness } from './harness.js';
import { locateMismatch } from './locate.js';

export interface VerifyOptions {
  cases: number;
  maxSeq: number;
  version: string;
  /** Calibration sequences, already int16 (through quantizeInput). */
  calibration?: Int16Array[][];
  /** Where they came from (the --data file), for the excursion report. */
  calibrationSource?: string;
  /** QEMU targets: optimisation level (default O2). The host build is -O1 with UBSan. */
  opt?: OptLevel;
  /** The file the model came from (its base name), for messages and the C banner. */
  source?: string;
}

export interface VerifyResult {
  verdict: ModelVerdict;
  compared: number;
  cases: number;
  /** The first layer whose output differs (the last layer when all match). */
  layer: number;
  excursions: VerifyExcursions;
}

/**
 * Range excursions of the reference on the golden cases: the synthetic ones (random,
 * extreme, zeros) only as how many saturated anything, since the extreme ones drive every
 * saturation on purpose; the user's calibration sequences in full.
 */
export interface VerifyExcursions {
  synthetic: { cases: number; saturated: number };
  calibration?: ExcursionSummary;
}

/** Counts on the whole-sequence (NAME_run) cases; the step-mode cases repeat the same inputs. */
export function verifyExcursions(q: QuantModel, golden: readonly GoldenCase[], calibrationSource = 'the calibration data'): VerifyExcursions {
  const runs = golden.filter((c) => c.mode === 0);
  const user = runs.filter((c) => c.label.startsWith('calibration '));
  let saturated = 0;
  for (const c of runs.filter((r) => !user.includes(r))) {
    const counter = new ExcursionCounter();
    runFixed(q, c.inputs, counter);
    if (counter.tallyList().some((t) => t.valuesSaturated > 0)) saturated++;
  }
  const out: VerifyExcursions = { synthetic: { cases: runs.length - user.length, saturated } };
  if (user.length > 0) {
    const counter = new ExcursionCounter();
    for (const c of user) runFixed(q, c.inputs, counter);
    const timesteps = user.reduce((n, c) => n + c.inputs.length, 0);
    out.calibration = excursionSummary(q, counter, { data: calibrationSource, sequences: user.length, timesteps });
  }
  return out;
}

export async function verifyModel(q: QuantModel, target: Target, opts: VerifyOptions): Promise<VerifyResult> {
  // Missing tools fail before any work, naming the Debian package.
  if (target.qemu) {
    await requireCompiler(target);
    requireEmulator(target);
  } else {
    await requireHostCompiler(target.cc);
  }
  const golden = goldenCases(q, { seed: 1, count: opts.cases, steps: Math.min(16, opts.maxSeq), ...(opts.calibration ? { extra: opts.calibration } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'rnnc-verify-'));
  try {
    const hopts: HarnessOptions = target.qemu
      ? { cc: target.cc, flags: [], opt: opts.opt ?? 'O2', version: opts.version, maxSeq: opts.maxSeq }
      : { cc: target.cc, flags: ['-O1', '-fsanitize=undefined', '-fno-sanitize-recover'], version: opts.version, maxSeq: opts.maxSeq };
    const source = opts.source !== undefined ? { source: opts.source } : {};
    const [verdict] = await runHarness([{ model: q, golden, ...source }], dir, target, hopts);
    // A PASS over fewer outputs than the reference produced proves nothing.
    if (verdict!.pass && verdict!.compared !== comparedCount(golden)) {
      throw new RnncError('verify/mismatch', `${q.name}: the C compared ${verdict!.compared} outputs, the reference has ${comparedCount(golden)}`);
    }
    const excursions = verifyExcursions(q, golden, opts.calibrationSource);
    const result = { verdict: verdict!, compared: verdict!.pass ? verdict!.compared : 0, cases: golden.length, layer: q.layers.length - 1, excursions };
    const failing = verdict!.mismatch ? golden[verdict!.mismatch.caseIndex] : undefined;
    if (!failing) return result;
    // Narrow the mismatch down to the first layer whose own output differs.
    const found = await locateMismatch(q, failing, dir, target, hopts, opts.source);
    if (found?.verdict.mismatch) return { ...result, layer: found.layer, verdict: { ...found.verdict, mismatch: { ...found.verdict.mismatch, caseIndex: verdict!.mismatch!.caseIndex, label: failing.label } } };
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

