/**
 * `rnnc compile model.json --target <t> -o out/`: generate C and its build files, write
 * them (removing what an earlier compile left there), report flash/RAM/MACs.
 */
import type { Command } from 'commander';
import { emitModel, folderFiles } from '../codegen/emit.js';
import { leftovers, outputPaths, writeOutputs } from '../codegen/output.js';
import { buildReport, reportText } from '../codegen/report.js';
import { goldenCases } from '../codegen/testdata.js';
import { measureCode } from '../target/size.js';
import { TARGET_NAMES, getTarget } from '../target/targets.js';
import { escapeText } from '../util/text.js';
import type { CliIo } from './context.js';
import { type ModelCliOptions, loadQuantForCli } from './quant-input.js';
import { RANGES, int, rangeText } from './numbers.js';
import { addModelFileOptions } from './load.js';
import { addQuantOptions } from './quant-options.js';
import { VERSION } from './version.js';
import { STDOUT } from './output.js';

interface CompileOptions extends ModelCliOptions {
  target: string;
  out: string;
  maxSeq: string;
  emitTest?: boolean;
  testCases: string;
  reportJson?: string;
  force?: boolean;
}

export function registerCompile(program: Command, io: CliIo): void {
  const cmd = program
    .command('compile')
    .description('generate dependency-free fixed-point C (NAME.h, NAME.c) and its build files (CMakeLists.txt, NAME.mk) for a target')
    .argument('<model>', 'float model.json (quantized here) or quantized model.q.json')
    .option('-t, --target <target>', `target: ${TARGET_NAMES.join(', ')}`, 'host')
    .requiredOption('-o, --out <dir>', 'output directory')
    .option('--name <prefix>', 'C symbol prefix (default: the model\'s name)')
    .option('--max-seq <n>', `bidirectional models: longest sequence NAME_run accepts (static buffers), ${rangeText(RANGES.maxSeq)}`, '128')
    .option('--emit-test', 'also write test/NAME_test.c: golden sequences and a main that checks bit-exactness')
    .option('--test-cases <n>', `random sequences in NAME_test.c (besides zeros), ${rangeText(RANGES.testCases)}`, '6')
    .option('--report-json <file>', 'also write the report as JSON (- for standard output)')
    .option('--force', 'overwrite files in the output directory that rnnc did not generate');
  addModelFileOptions(addQuantOptions(cmd))
    .action(async (path: string, opts: CompileOptions) => {
      const target = getTarget(opts.target);
      const maxSeq = int('--max-seq', opts.maxSeq, RANGES.maxSeq);
      const testCases = int('--test-cases', opts.testCases, RANGES.testCases);
      const { model, calibration, files } = loadQuantForCli(path, opts, io, Math.min(64, maxSeq));
      const golden = opts.emitTest
        ? goldenCases(model, { seed: 1, count: testCases, steps: Math.min(16, maxSeq), extra: calibration })
        : undefined;
      const emitted = emitModel(model, target, { version: VERSION, source: path.split(/[\\/]/).pop() ?? path, maxSeq }, golden);
      const folder = folderFiles(emitted);
      const code = await measureCode(emitted, target);
      const report = buildReport(emitted, code, outputPaths(opts.out, folder), model.weightBits);
      // The report joins the C files' batch: either everything is written or nothing.
      const json = JSON.stringify(report, null, 2) + '\n';
      const toStdout = opts.reportJson === STDOUT;
      const extra = opts.reportJson !== undefined && !toStdout ? [{ path: opts.reportJson, content: json }] : [];
      const inputs = [...files, opts.calib].filter((p): p is string => p !== undefined);
      // An earlier compile's files that this one does not replace go in the same batch.
      const left = leftovers(opts.out, emitted.plan.name, folder);
      writeOutputs(opts.out, folder, { force: opts.force === true, inputs }, extra, left.remove);
      for (const w of left.warnings) io.err(`rnnc: warning: ${w}\n`);
      if (toStdout) io.out(json);
      const removed = left.remove.length > 0
        ? `  removed: ${left.remove.map((f) => escapeText(f, Infinity)).join(', ')} (left by an earlier compile)\n`
        : '';
      (toStdout ? io.err : io.out)(reportText(report) + removed);
    });
}
