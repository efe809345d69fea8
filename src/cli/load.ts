/** The one place the CLI turns a path into a float model: rnnc IR, Keras/TF.js or ONNX, by content. */
import type { Command } from 'commander';
import { RnncError } from '../errors.js';
import type { FloatModel } from '../ir/model.js';
import { type LoadedModel, loadAnyModel } from '../import/detect.js';

/** Options of every command that reads a model file. */
export interface ModelFileOptions {
  /** --model-output: the graph output to import from a model file with several. */
  modelOutput?: string;
}

export const MODEL_OUTPUT_HELP = 'model with several outputs (ONNX: y, h_n, c_n of a bare nn.LSTM; Keras: a functional model\'s '
  + 'output layers, layer[k] for its k-th output): the output to import (default: the one that is not a final state)';

export function addModelFileOptions(cmd: Command): Command {
  return cmd.option('--model-output <name>', MODEL_OUTPUT_HELP);
}

export function loadFloatModel(path: string, opts: ModelFileOptions = {}): FloatModel {
  return loadModelFile(path, opts).model;
}

/** The model and every file it was read from (commands that write keep those files as inputs). */
export function loadModelFile(path: string, opts: ModelFileOptions = {}): LoadedModel {
  return loadAnyModel(path, { output: opts.modelOutput });
}

/** Refuses --model-output for a model that is already quantized (it has one output). */
export function noModelOutputFor(path: string, opts: ModelFileOptions): void {
  if (opts.modelOutput !== undefined) {
    throw new RnncError('usage/invalid', `--model-output: ${path} is already quantized (one output); the option applies to ONNX files with several outputs`);
  }
}
