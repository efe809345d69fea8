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
import { comparedCount, goldenCases } from '../codegen/testdata.js';
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
    const result = { verdict: verdict!, compared: verdict!.pass ? verdict!.compared : 0, cases: golden.length, layer: q.layers.length - 1 };
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

