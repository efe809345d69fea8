/**
 * `rnnc compile model.json --target <t> -o out/`: generate C and its build files, write
 * them (removing what an earlier compile left there), report flash/RAM/MACs.
 * `--json` prints the report as JSON on standard output, `--report-json FILE` writes it.
 */
import type { Command } from 'commander';
import { emitModel } from '../codegen/emit.js';
import { LAYOUTS, type Layout, layoutFiles } from '../codegen/layouts.js';
import { leftovers, outputPaths, writeOutputs } from '../codegen/output.js';
import { buildReport, reportText } from '../codegen/report.js';
import { goldenCases } from '../codegen/testdata.js';
import { measureCode } from '../target/size.js';
import { TARGET_NAMES, type Target, getTarget } from '../target/targets.js';
import { escapeText } from '../util/text.js';
import type { CliIo } from './context.js';
import { type ModelCliOptions, loadQuantForCli } from './quant-input.js';
import { RANGES, int, rangeText } from './numbers.js';
import { addModelFileOptions } from './load.js';
import { addQuantOptions } from './quant-options.js';
import { VERSION } from './version.js';
import { STDOUT } from './output.js';
import { addAlias, aliasNote } from './aliases.js';
import { RnncError } from '../errors.js';
import { TWIN_TARGET, compileTwin } from './compile-twin.js';

interface CompileOptions extends ModelCliOptions {
  target: string;
  output?: string;
  /** Set too when the user typed --out. */
  out?: string;
  json?: boolean;
  maxSeq: string;
  emitTest?: boolean;
  testCases: string;
  reportJson?: string;
  force?: boolean;
  layout: string;
}

export function registerCompile(program: Command, io: CliIo): void {
  const cmd = program
    .command('compile')
    .description('generate dependency-free fixed-point C (NAME.h, NAME.c) and its build files (CMakeLists.txt, NAME.mk) for a target')
    .argument('<model>', 'float model.json (quantized here) or quantized model.q.json')
    .option('-t, --target <target>', `target: ${TARGET_NAMES.join(', ')}, or ${TWIN_TARGET} (NAME.ts: the C's bit-exact TypeScript twin)`, 'host')
    .option('-o, --output <dir>', `output directory (required; a folder, since compile writes several files)${aliasNote('--out')}`)
    .option('--name <prefix>', 'C symbol prefix (default: the model\'s name)')
    .option('--max-seq <n>', `bidirectional models: longest sequence NAME_run accepts (static buffers), ${rangeText(RANGES.maxSeq)}`, '128')
    .option('--emit-test', 'also write test/NAME_test.c: golden sequences and a main that checks bit-exactness')
    .option('--test-cases <n>', `random sequences in NAME_test.c (besides zeros), ${rangeText(RANGES.testCases)}`, '6')
    .option('--json', 'print the report as JSON on standard output (the text report goes to standard error)')
    .option('--report-json <file>', 'also write the report as JSON to this file (- for standard output, as --json)')
    .option('--layout <layout>', `how the folder is laid out: ${LAYOUTS.join(', ')} (plain plus a PlatformIO library.json, `
      + 'or a Zephyr module in zephyr/, or the Arduino library format: library.properties, src/, examples/, extras/test/)', 'plain')
    .option('--force', 'overwrite files in the output directory that rnnc did not generate');
  addAlias(cmd, '--out <dir>', '--output', 'output');
  addModelFileOptions(addQuantOptions(cmd))
    .action(async (path: string, opts: CompileOptions) => {
      const out = outputFolder(opts);
      // The TypeScript twin is not a C target: it takes its own path (compile-twin.ts).
      const target = opts.target === TWIN_TARGET ? undefined : compileTarget(opts.target);
      const maxSeq = int('--max-seq', opts.maxSeq, RANGES.maxSeq);
      const layout = layoutOption(opts.layout, target === undefined);
      if (!target) {
        await compileTwin(path, out, maxSeq, opts, io);
        return;
      }
      const testCases = int('--test-cases', opts.testCases, RANGES.testCases);
      const { model, calibration, files } = loadQuantForCli(path, opts, io, Math.min(64, maxSeq));
      const golden = opts.emitTest
        ? goldenCases(model, { seed: 1, count: testCases, steps: Math.min(16, maxSeq), extra: calibration })
        : undefined;
      const emitted = emitModel(model, target, { version: VERSION, source: path.split(/[\\/]/).pop() ?? path, maxSeq }, golden);
      const folder = layoutFiles(emitted, layout);
      const code = await measureCode(emitted, target);
      const report = buildReport(emitted, code, outputPaths(out, folder), model);
      // The report joins the C files' batch: either everything is written or nothing.
      const json = JSON.stringify(report, null, 2) + '\n';
      const toStdout = opts.json === true || opts.reportJson === STDOUT;
      const extra = opts.reportJson !== undefined && !toStdout ? [{ path: opts.reportJson, content: json }] : [];
      const inputs = [...files, opts.data].filter((p): p is string => p !== undefined);
      // An earlier compile's files that this one does not replace go in the same batch.
      const left = leftovers(out, emitted.plan.name, folder);
      writeOutputs(out, folder, { force: opts.force === true, inputs }, extra, left.remove);
      for (const w of left.warnings) io.err(`rnnc: warning: ${w}\n`);
      if (toStdout) io.out(json);
      const removed = left.remove.length > 0
        ? `  removed: ${left.remove.map((f) => escapeText(f, Infinity)).join(', ')} (left by an earlier compile)\n`
        : '';
      (toStdout ? io.err : io.out)(reportText(report) + removed);
    });
}

/** A C target by name; an unknown name is refused listing the C targets and the TypeScript twin. */
function compileTarget(name: string): Target {
  try {
    return getTarget(name);
  } catch (e) {
    if (e instanceof RnncError && e.code === 'codegen/unknown_target') {
      throw new RnncError('codegen/unknown_target', `${e.message}, or ${TWIN_TARGET} (the TypeScript twin)`);
    }
    throw e;
  }
}

/** --layout: one of LAYOUTS; a C target's only (the TypeScript twin is one file). */
function layoutOption(value: string, twin: boolean): Layout {
  if (!(LAYOUTS as readonly string[]).includes(value)) {
    throw new RnncError('usage/invalid', `--layout ${JSON.stringify(value)}: expected one of ${LAYOUTS.join(', ')}`);
  }
  if (twin && value !== 'plain') throw new RnncError('usage/invalid', `--layout ${value} lays out C files; --target ${TWIN_TARGET} writes one NAME.ts`);
  return value as Layout;
}

/** The output folder: -o/--output (or --out), never standard output. */
function outputFolder(opts: CompileOptions): string {
  const flag = opts.out !== undefined ? '--out' : '-o/--output';
  if (opts.output === undefined) throw new RnncError('usage/invalid', "required option '-o, --output <dir>' not specified");
  if (opts.output === STDOUT) {
    throw new RnncError('usage/invalid', `${flag} -: compile writes several files (NAME.h, NAME.c and build files), so it needs a folder; `
      + 'give a folder path (use ./- for a folder named -)');
  }
  if (opts.json && opts.reportJson === STDOUT) throw new RnncError('usage/invalid', '--json and --report-json - both print the report on standard output; give one');
  return opts.output;
}
