/**
 * `rnnc quantize model.json --data calib.csv -o model.q.json [--weights int8|int16]
 *  [--lut-size N] [--percentile P] [--margin M] [--eval labelled] [--json] [--report-json FILE]`, plus the
 *  data-file options of `rnnc train` (--window, --features, ...) for --data (alias --calib)
 *  and --eval.
 * Writes model.q.json, then reports per-layer error on the calibration data and, with
 * --eval, the task metric of float vs int8 vs int16 (docs/quantize.md). --json prints that
 * report as JSON on standard output; --report-json FILE writes it to a file (in the same
 * batch as the model: both or neither), as compile does.
 */
import type { Command } from 'commander';
import { quantModelToJson } from '../ir/qio.js';
import { type QuantModel, isMixedWidth } from '../ir/qmodel.js';
import { readEvalData } from './calib-data.js';
import type { QuantizationMeta } from '../quantize/meta.js';
import { quantizeWithData } from '../quantize/pipeline.js';
import { decoderError, evalReport, layerErrors } from '../quantize/report.js';
import { ExcursionCounter, excursionSummary } from '../fixed/excursions.js';
import type { CliIo } from './context.js';
import { type ModelFileOptions, addModelFileOptions, loadModelFile } from './load.js';
import { type QuantCliOptions, addQuantOptions, dataOptions, pipelineOptions, quantizeFromCli } from './quant-options.js';
import { type QuantReport, decoderFormats, formatsOf, renderQuantReport } from './quant-report.js';
import { FORCE_HELP, STDOUT, checkOutput, messagesIo, outputName } from './output.js';
import { RnncError } from '../errors.js';
import { checkOutputs, writeFiles } from '../util/write.js';
import { type WidthChoice, widthChoiceText } from './weights-auto.js';

interface Options extends QuantCliOptions, ModelFileOptions {
  output: string;
  force?: boolean;
  eval?: string;
  json?: boolean;
  reportJson?: string;
}

export function registerQuantize(program: Command, io: CliIo): void {
  const cmd = program
    .command('quantize')
    .description('quantize a float model to fixed point (model.q.json) and report the error')
    .argument('<model>', 'float model (rnnc model.json, Keras/TF.js model.json or .onnx)')
    .requiredOption('-o, --output <file>', 'quantized model to write (model.q.json; - for standard output)')
    .option('--force', FORCE_HELP);
  addModelFileOptions(addQuantOptions(cmd))
    .option('--eval <file>', 'labelled held-out data (training data format): task metric float vs int8 vs int16')
    .option('--json', 'print the report as one JSON object on standard output')
    .option('--report-json <file>', 'also write the report as JSON to this file (- for standard output, as --json)')
    .action((path: string, opts: Options) => {
      const inputs = [path, opts.data, opts.eval].filter((p): p is string => p !== undefined);
      checkOutput(opts, inputs);
      const reportFile = reportFileOf(opts, inputs);
      const { model, files } = loadModelFile(path, opts);
      // Check every option and read the eval file before the (slower) quantization.
      const base = pipelineOptions(opts);
      if (model.decoder?.endToken !== undefined && opts.eval !== undefined) {
        throw new RnncError('unsupported/feature', '--eval: a decoder that stops at an end token writes fewer outputs than its K targets; the task metric is not defined for it yet; drop --eval (the report gives the decoder\'s error on --data)');
      }
      const evalData = opts.eval !== undefined ? readEvalData(opts.eval, model, dataOptions(opts)) : undefined;
      const { model: q, data, widthChoice } = quantizeFromCli(model, opts, io);
      const report: QuantReport & { weights?: WidthChoice } = {
        output: outputName(opts),
        quantization: q.meta!.quantization as QuantizationMeta,
        formats: formatsOf(q),
      };
      if (data) report.layerErrors = layerErrors(model, q, data.sequences);
      const decFormats = decoderFormats(q);
      if (decFormats) report.decoder = { formats: decFormats, ...(data ? { error: decoderError(model, q, data.sequences) } : {}) };
      if (widthChoice) report.weights = widthChoice;
      if (evalData) {
        // The uniform widths beside the one written (a mixed model is measured as a third).
        const uniform = (bits: 8 | 16) => (q.weightBits === bits && !isMixedWidth(q)
          ? q : quantizeWithData(model, data, { ...base, weightBits: bits }).model);
        const counter = new ExcursionCounter();
        report.eval = { ...evalReport(model, uniform(8), uniform(16), evalData, { written: q, observer: counter }), source: opts.eval! };
        const timesteps = evalData.sequences.reduce((n, s) => n + s.length, 0);
        report.excursions = excursionSummary(q, counter, { data: opts.eval!, sequences: evalData.sequences.length, timesteps });
      }
      const json = JSON.stringify({ format: 'rnnc-quantize', ...report });
      // The model and the report file are one batch: both are written or neither.
      const batch = [
        ...(opts.output === STDOUT ? [] : [{ path: opts.output, content: quantModelToJson(q) }]),
        ...(reportFile !== undefined ? [{ path: reportFile, content: json + '\n' }] : []),
      ];
      writeFiles(batch, { force: opts.force === true, inputs: [...inputs, ...files] });
      if (opts.output === STDOUT) io.out(quantModelToJson(q));
      const say = messagesIo(io, opts);
      say.out(opts.json || opts.reportJson === STDOUT ? json + '\n' : renderQuantReport(report) + tuningText(q, widthChoice));
    });
}

/** The --report-json file, checked before the work; undefined for none or standard output. */
function reportFileOf(opts: Options, inputs: readonly string[]): string | undefined {
  const r = opts.reportJson;
  if (r === undefined) return undefined;
  if (r === STDOUT) {
    if (opts.json) throw new RnncError('usage/invalid', '--json and --report-json - both print the report on standard output; give one');
    if (opts.output === STDOUT) throw new RnncError('usage/invalid', '-o - and --report-json - both write to standard output; give a file to one of them');
    return undefined;
  }
  checkOutputs(opts.output === STDOUT ? [r] : [opts.output, r], { force: opts.force === true, inputs });
  return r;
}

/** The width search and the weight tuning, as lines of the text report. */
function tuningText(q: QuantModel, choice: WidthChoice | undefined): string {
  const tune = (q.meta?.quantization as { tune?: string } | undefined)?.tune;
  return (choice ? widthChoiceText(choice) : '') + (tune && tune !== 'none' ? `weights tuned on the calibration data: ${tune} (docs/quantize.md)\n` : '');
}
