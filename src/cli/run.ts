/**
 * `rnnc run model.json --input seq.json [--json]`: the float reference on one sequence.
 * `--state STATE.json`: from a given initial state (state-file.ts).
 * `rnnc run model.q.json --input seq.json`: the fixed-point reference.
 * `rnnc run model.json --fixed [--data calib.csv ...]`: quantize on the fly, then fixed point.
 * Fixed-point outputs are printed dequantized (int / 2^frac); --json adds the integers
 * and the range excursions (values the fixed point saturated), which text mode writes to
 * standard error: a summary line, or a warning block.
 */
import { extname } from 'node:path';
import type { Command } from 'commander';
import { readSequence } from '../data/sequence.js';
import { RnncError } from '../errors.js';
import { ExcursionCounter, type ExcursionSummary, excursionSummary } from '../fixed/excursions.js';
import { dequantizeOutput, quantizeInput, runFixed } from '../fixed/model.js';
import { runFloat } from '../float/model.js';
import type { QuantModel } from '../ir/qmodel.js';
import { isQuantModelJson, validateQuantModel } from '../ir/qio.js';
import { readJson } from '../util/fs.js';
import type { CliIo } from './context.js';
import { renderExcursions } from './excursion-text.js';
import { num } from './format.js';
import { type ModelFileOptions, addModelFileOptions, loadFloatModel, noModelOutputFor } from './load.js';
import { type QuantCliOptions, addQuantOptions, quantizeFromCli } from './quant-options.js';
import { quantizerOptionsGiven } from './quant-input.js';
import { readStateFile, stateLayers, withFixedState, withFloatState } from './state-file.js';

interface Options extends QuantCliOptions, ModelFileOptions {
  input: string;
  state?: string;
  json?: boolean;
  fixed?: boolean;
}

/** A quantized model when the file is one, else undefined (float models load via load.ts). */
function tryQuantModel(path: string): QuantModel | undefined {
  if (extname(path).toLowerCase() !== '.json') return undefined;
  const json = readJson(path);
  return isQuantModelJson(json) ? validateQuantModel(json, path) : undefined;
}

/** `step`: what indexes the outputs, t (input timesteps) or k (a decoder's output steps). */
function print(io: CliIo, outputs: number[][], json: boolean, fixed?: { raw: number[][]; frac: number; excursions: ExcursionSummary }, step = 't'): void {
  if (json) {
    io.out(JSON.stringify(fixed ? { outputs, raw: fixed.raw, frac: fixed.frac, excursions: fixed.excursions } : { outputs }) + '\n');
    return;
  }
  outputs.forEach((o, t) => {
    const label = outputs.length === 1 ? 'output' : `${step}=${t}`;
    io.out(`${label}: ${o.map((v) => num(v)).join(' ')}\n`);
  });
  if (fixed) io.err(renderExcursions(fixed.excursions, 'rnnc: '));
}

export function registerRun(program: Command, io: CliIo): void {
  const cmd = program
    .command('run')
    .description('run a model (float, or fixed point for model.q.json / --fixed) on one input sequence and print its outputs')
    .argument('<model>', 'model file: model.q.json (fixed point), or a float model (rnnc model.json, Keras/TF.js model.json or .onnx)')
    .requiredOption('-i, --input <file>', 'sequence: JSON array of timesteps, or CSV with one timestep per row')
    .option('--json', 'print {"outputs": [[...], ...]} (fixed point adds "raw" integers and their "frac")')
    .option('--fixed', 'quantize the float model (options below) and run the fixed-point reference')
    .option('--state <file>', 'start from this state: JSON {"h0": [...], ...} by the exported model\'s state input names, '
      + 'or by the C state fields (l0_h, l0_c, ...); real values, quantized as the C holds them in fixed point');
  addModelFileOptions(addQuantOptions(cmd)).action((path: string, opts: Options) => {
    // Every quantizer option is checked, and refused where it would be ignored.
    const given = quantizerOptionsGiven(opts);
    let q = tryQuantModel(path);
    if (q) noModelOutputFor(path, opts);
    if (q && given.length > 0) {
      throw new RnncError('usage/invalid', `${given.join(', ')}: ${path} is already quantized; these options apply to float models (rnnc quantize)`);
    }
    if (!q) {
      const model = loadFloatModel(path, opts);
      if (!opts.fixed) {
        if (given.length > 0) throw new RnncError('usage/invalid', `${given.join(', ')} only appl${given.length === 1 ? 'ies' : 'y'} with --fixed (or to rnnc quantize)`);
        const start = opts.state ? withFloatState(model, readStateFile(opts.state, stateLayers(model.layers), model.stateInputs)) : model;
        const outputs = runFloat(start, readInput(opts.input, opts.header, model.inputSize)).map((o) => Array.from(o));
        print(io, outputs, Boolean(opts.json), undefined, model.decoder ? 'k' : 't');
        return;
      }
      q = quantizeFromCli(model, opts, io).model;
    }
    let model = q;
    if (opts.state) {
      const r = withFixedState(model, readStateFile(opts.state, stateLayers(model.layers), model.stateInputs));
      if (r.saturated > 0) io.err(`rnnc: warning: ${opts.state}: ${r.saturated} state value${r.saturated > 1 ? 's lie' : ' lies'} beyond the fixed-point format and saturated\n`);
      model = r.model;
    }
    const seq = readInput(opts.input, opts.header, model.inputSize);
    const counter = new ExcursionCounter();
    const raw = runFixed(model, seq.map((x) => quantizeInput(model, x, counter)), counter);
    const excursions = excursionSummary(model, counter, { data: opts.input, sequences: 1, timesteps: seq.length });
    print(io, raw.map((y) => Array.from(dequantizeOutput(model, y))), Boolean(opts.json), { raw: raw.map((y) => Array.from(y)), frac: model.output.frac, excursions }, model.decoder ? 'k' : 't');
  });
}

/** The --input sequence, refused in one line naming the file and timestep when a width is not the model's. */
function readInput(path: string, header: boolean | undefined, inputSize: number): number[][] {
  const seq = readSequence(path, { header });
  const t = seq.findIndex((x) => x.length !== inputSize);
  if (t >= 0) throw new RnncError('data/invalid', `${path}: timestep ${t} has ${seq[t]!.length} features, but the model takes ${inputSize}`);
  return seq;
}
