/**
 * `rnnc verify model.json [--target T] [--cases N] [--json]`: emitted C vs the fixed-point
 * reference, on the host (gcc, UBSan) or on a target under QEMU. Then, on standard error,
 * the range excursions of the reference on the calibration sequences when --data gave
 * some (src/verify/verify.ts); the synthetic cases' own, by design, only in --json.
 */
import type { Command } from 'commander';
import { TARGET_NAMES, getTarget } from '../target/targets.js';
import { RnncError } from '../errors.js';
import { verifyModel } from '../verify/verify.js';
import type { CliIo } from './context.js';
import { renderExcursions } from './excursion-text.js';
import { type ModelCliOptions, loadQuantForCli } from './quant-input.js';
import { RANGES, int, rangeText } from './numbers.js';
import { addModelFileOptions } from './load.js';
import { addQuantOptions } from './quant-options.js';
import { parseOpt, requireBoardTools } from './target-options.js';
import { VERSION } from './version.js';

interface VerifyCliOptions extends ModelCliOptions {
  target: string;
  cases: string;
  maxSeq: string;
  opt: string;
  json?: boolean;
}

export function registerVerify(program: Command, io: CliIo): void {
  const cmd = program
    .command('verify')
    .description('build the generated C (host: gcc with UBSan; targets: cross compiler, run under QEMU) and check it bit for bit against the fixed-point reference')
    .argument('<model>', 'float model.json (quantized here) or quantized model.q.json')
    .option('-t, --target <target>', `target: ${TARGET_NAMES.join(', ')}`, 'host')
    .option('--opt <level>', 'targets other than host: optimisation level, O2 or Os', 'O2')
    .option('--cases <n>', `random and extreme input sequences, ${rangeText(RANGES.cases)} (zeros are always added)`, '20')
    .option('--name <prefix>', 'C symbol prefix (default: the model\'s name)')
    .option('--max-seq <n>', `bidirectional models: NAME_MAX_SEQ, ${rangeText(RANGES.maxSeq)}`, '128')
    .option('--json', 'print the result as one JSON object (outputs compared, cases, range excursions)');
  addModelFileOptions(addQuantOptions(cmd))
    .action(async (path: string, opts: VerifyCliOptions) => {
      const target = getTarget(opts.target);
      const cases = int('--cases', opts.cases, RANGES.cases);
      const maxSeq = int('--max-seq', opts.maxSeq, RANGES.maxSeq);
      const opt = parseOpt(opts.opt);
      await requireBoardTools(target);
      const { model, calibration } = loadQuantForCli(path, opts, io, Math.min(64, maxSeq));
      const source = path.split(/[\\/]/).pop() ?? path;
      const r = await verifyModel(model, target, {
        cases, maxSeq, version: VERSION, calibration, opt, source, ...(opts.data !== undefined ? { calibrationSource: opts.data } : {}),
      });
      const m = r.verdict.mismatch;
      if (!r.verdict.pass) {
        if (!m) throw new RnncError('verify/mismatch', `${model.name}: ${r.verdict.line}`);
        throw new RnncError('verify/mismatch', `${model.name}: mismatch at layer ${r.layer}${r.layer === model.layers.length - 1 ? ' (model output)' : ''}, case ${m.caseIndex} (${m.label}), ` +
          `step ${m.step}, index ${m.index}: expected ${m.expected}, got ${m.got}`);
      }
      const how = target.qemu ? ` (-${opt}, QEMU ${target.qemu.machine})` : '';
      const x = r.excursions;
      if (opts.json) {
        io.out(JSON.stringify({ format: 'rnnc-verify', model: model.name, target: target.name, bitExact: true, compared: r.compared, cases: r.cases, excursions: x }) + '\n');
        return;
      }
      io.out(`${model.name} on ${target.name}${how}: ${r.compared} outputs compared in ${r.cases} cases, all bit-exact\n`);
      // Standard output keeps the one result line scripts read; the excursions go with the diagnostics.
      // The synthetic cases' extreme inputs are built to saturate: only --json counts them.
      if (x.calibration) io.err(renderExcursions(x.calibration, 'rnnc: '));
    });
}
