/** `rnnc import <file> -o model.json [--name N] [--model-output NAME]`: a Keras/TF.js or ONNX model → rnnc IR. */
import type { Command } from 'commander';
import { loadAnyModel } from '../import/detect.js';
import { modelToJson } from '../ir/io.js';
import { summarize } from '../ir/shapes.js';
import type { CliIo } from './context.js';
import { thousands } from './format.js';
import { MODEL_OUTPUT_HELP, type ModelFileOptions } from './load.js';
import { FORCE_HELP, type OutputOptions, checkOutput, outputName, writeOutput } from './output.js';

export function registerImport(program: Command, io: CliIo): void {
  program
    .command('import')
    .description('convert a Keras/TF.js model.json (with its weight files) or an .onnx file into an rnnc model.json')
    .argument('<file>', 'Keras/TF.js model.json, .onnx file (or an rnnc model.json, copied)')
    .requiredOption('-o, --output <file>', 'rnnc model.json to write (- for standard output)')
    .option('--force', FORCE_HELP)
    .option('--name <name>', 'model name (C prefix); default: from the file or the framework')
    .option('--model-output <name>', MODEL_OUTPUT_HELP)
    .action((path: string, opts: OutputOptions & ModelFileOptions & { name?: string }) => {
      checkOutput(opts, [path]);
      const { model, format, files } = loadAnyModel(path, { name: opts.name, output: opts.modelOutput });
      const say = writeOutput(io, opts, modelToJson(model, path), files);
      const s = summarize(model);
      say.out(`imported ${format} model '${model.name}': ${s.layers.map((l) => l.type).join(' -> ')}, `
        + `${thousands(s.params)} parameters -> ${outputName(opts)}\n`);
    });
}
