/**
 * `rnnc verify`: the emitted C compiled with the host's gcc (UBSan on) and run on
 * random, extreme and calibration sequences; every output compared with the
 * fixed-point reference, exactly.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RnncError } from '../errors.js';
import type { QuantModel } from '../ir/qmodel.js';
import type { Target } from '../codegen/targets.js';
import { goldenCases } from '../codegen/testdata.js';
import { requireCompiler } from './cc.js';
import { type ModelVerdict, runHarness } from './harness.js';
import { locateMismatch } from './locate.js';

export interface VerifyOptions {
  cases: number;
  maxSeq: number;
  version: string;
  /** Calibration sequences, already int16 (through quantizeInput). */
  calibration?: Int16Array[][];
}

export interface VerifyResult {
  verdict: ModelVerdict;
  compared: number;
  cases: number;
  /** The first layer whose output differs (the last layer when all match). */
  layer: number;
}

export async function verifyModel(q: QuantModel, target: Target, opts: VerifyOptions): Promise<VerifyResult> {
  if (target.name !== 'host') {
    throw new RnncError('unsupported/feature', `verify runs on the host only for now; on-target runs (QEMU) are not available yet: use --target host`);
  }
  await requireCompiler(target.cc);
  const golden = goldenCases(q, { seed: 1, count: opts.cases, steps: Math.min(16, opts.maxSeq), ...(opts.calibration ? { extra: opts.calibration } : {}) });
  const dir = mkdtempSync(join(tmpdir(), 'rnnc-verify-'));
  try {
    const hopts = { cc: target.cc, flags: ['-O1', '-fsanitize=undefined', '-fno-sanitize-recover'], version: opts.version, maxSeq: opts.maxSeq };
    const [verdict] = await runHarness([{ model: q, golden }], dir, target, hopts);
    const result = { verdict: verdict!, compared: verdict!.pass ? verdict!.compared : 0, cases: golden.length, layer: q.layers.length - 1 };
    const failing = verdict!.mismatch ? golden[verdict!.mismatch.caseIndex] : undefined;
    if (!failing) return result;
    // Narrow the mismatch down to the first layer whose own output differs.
    const found = await locateMismatch(q, failing, dir, target, hopts);
    if (found?.verdict.mismatch) return { ...result, layer: found.layer, verdict: { ...found.verdict, mismatch: { ...found.verdict.mismatch, caseIndex: verdict!.mismatch!.caseIndex, label: failing.label } } };
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

