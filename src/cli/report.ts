/**
 * `rnnc report MODEL [--data D] [--eval T] [--target T] -o report.html [--json]`: one
 * self-contained HTML page of charts (src/report/), or with --json the same data as JSON
 * on standard output. Takes the float model (the report quantizes it both ways), the
 * quantizer and data-file options of `rnnc quantize`, and a target for the memory map
 * and, on a QEMU board, the instruction counts.
 */
import type { Command } from 'commander';
import { RnncError } from '../errors.js';
import { shellLine } from '../report/shell.js';
import { FIGURE_ORDER } from '../report/types.js';
import { TARGET_NAMES, getTarget } from '../target/targets.js';
import { readCalibData, readEvalData } from './calib-data.js';
import type { CliIo } from './context.js';
import { givenArgs } from './given-args.js';
import { type ModelFileOptions, addModelFileOptions, loadModelFile } from './load.js';
import { FORCE_HELP, STDOUT, checkOutput, outputName, writeOutput } from './output.js';
import { type QuantCliOptions, addQuantOptions, dataOptions, pipelineOptions, refuseOrphanDataOptions } from './quant-options.js';
import { USER_OPT_LEVELS, parseOpt } from './target-options.js';
import { VERSION } from './version.js';
import { escapeText } from '../util/text.js';

interface ReportOptions extends QuantCliOptions, ModelFileOptions {
  output?: string;
  force?: boolean;
  target: string;
  opt: string;
  eval?: string;
  json?: boolean;
}

/** Options that are not about the model or its data: left out of the per-figure commands. */
const NOT_FOR_FIGURES = new Set(['output', 'force', 'json', 'target', 'opt', 'data', 'calib', 'eval', 'weights']);

/** Left out of the command the page names as its maker: --force changes nothing in it, and --calib is given as --data. */
const ONLY_IN_OWN_COMMAND = new Set(['force', 'calib']);

function checkOutputOptions(opts: ReportOptions): void {
  if (opts.output === undefined && !opts.json) {
    throw new RnncError('usage/invalid', "required option '-o, --output <file>' not specified (or --json for the report's data)");
  }
  if (opts.output === STDOUT && opts.json) {
    throw new RnncError('usage/invalid', '-o - and --json both write to standard output; give a file to -o or drop one of them');
  }
  // The report draws int8 and int16 side by side; --weights picks the one its memory map and instructions show.
  if (opts.weights === 'auto' || opts.maxFlash !== undefined) {
    throw new RnncError('usage/invalid', `${opts.maxFlash !== undefined ? '--max-flash' : '--weights auto'}: the report shows int8 and int16 side by side; `
      + 'give --weights int8 or int16 for its memory map and instruction counts (rnnc quantize chooses under a budget)');
  }
}

export function registerReport(program: Command, io: CliIo): void {
  const cmd = program
    .command('report')
    .description('one self-contained HTML page of charts: training curves, calibrated ranges, quantization and table error, '
      + 'task metric float vs int8 vs int16, flash/RAM map, instructions per step')
    .argument('<model>', 'float model (rnnc model.json, Keras/TF.js model.json or .onnx)')
    .option('-o, --output <file>', 'HTML page to write (- for standard output)')
    .option('--force', FORCE_HELP)
    .option('-t, --target <target>', `target of the flash/RAM map and instruction counts: ${TARGET_NAMES.join(', ')}`, 'host')
    .option('--opt <level>', `optimisation level of the instruction counts: ${USER_OPT_LEVELS.join(' or ')}`, 'O2')
    .option('--eval <file>', 'labelled held-out data (training data format): task metric float vs int8 vs int16')
    .option('--json', 'print the report\'s data as JSON on standard output');
  addModelFileOptions(addQuantOptions(cmd))
    .action(async (path: string, opts: ReportOptions, self: Command) => {
      checkOutputOptions(opts);
      const inputs = [path, opts.data, opts.eval].filter((p): p is string => p !== undefined);
      const output = opts.output;
      // A page rnnc wrote earlier is replaced like rnnc's other files (util/write.ts); anything else needs --force.
      const force = opts.force === true;
      if (output !== undefined) checkOutput({ output, force }, inputs);
      const target = getTarget(opts.target);
      const opt = parseOpt(opts.opt);
      const pipeline = pipelineOptions(opts);
      const { model, files } = loadModelFile(path, opts);
      refuseOrphanDataOptions(opts);
      const dataOpts = dataOptions(opts);
      const calib = opts.data !== undefined ? readCalibData(opts.data, model, dataOpts) : undefined;
      const evalData = opts.eval !== undefined ? readEvalData(opts.eval, model, dataOpts) : undefined;
      // Loaded here, not at startup: the charting library would slow every other command.
      const { buildReport } = await import('../report/build.js');
      const { reportHtml } = await import('../report/html.js');
      const { data, warnings } = await buildReport({
        model, modelPath: path, ...(calib ? { calib } : {}), ...(evalData ? { evalData } : {}), target, opt, pipeline,
        extraArgs: givenArgs(self, NOT_FOR_FIGURES), version: VERSION,
        command: shellLine(['rnnc', 'report', path, ...givenArgs(self, ONLY_IN_OWN_COMMAND)]),
      });
      for (const w of warnings) io.err(`rnnc: warning: ${w}\n`);
      let say = io;
      if (output !== undefined) say = writeOutput(io, { output, force }, await reportHtml(data), [...inputs, ...files]);
      if (opts.json) io.out(JSON.stringify(data, null, 2) + '\n');
      const missing = FIGURE_ORDER.filter((id) => data.figures[id].data === null);
      const drawn = FIGURE_ORDER.length - missing.length;
      const where = output !== undefined ? `wrote ${outputName({ output })}` : 'report data';
      const msg = `${where}: ${drawn} of ${FIGURE_ORDER.length} figures${missing.length > 0 ? ` (without ${missing.map((id) => escapeText(data.figures[id].title, Infinity)).join('; ')}: see the notes in the page)` : ''}\n`;
      // With --json, standard output carries only the JSON.
      (opts.json ? io.err : say.out)(msg);
    });
}
