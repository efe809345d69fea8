/**
 * The model input of compile and verify: a quantized model.q.json as is, or a float
 * model (any format loadFloatModel reads) quantized here with quantizeModel.
 */
import { RnncError } from '../errors.js';
import type { QuantModel } from '../ir/qmodel.js';
import { isQuantModelJson, validateQuantModel } from '../ir/qio.js';
import { nameProblem } from '../ir/names.js';
import { quantizeModel } from '../quantize/quantize.js';
import { readJson } from '../util/fs.js';
import { loadFloatModel } from './load.js';
import { VERSION } from './version.js';

export interface QuantCliOptions {
  weights: string;
  lutSize: string;
  /** Symbol prefix replacing the model's name. */
  name?: string;
}

/** The model under another symbol prefix, checked like a name in a model file. */
export function renamed(model: QuantModel, name: string | undefined): QuantModel {
  if (name === undefined) return model;
  const bad = nameProblem(name);
  if (bad) throw new RnncError('names/invalid', `--name: ${bad}`);
  return { ...model, name };
}

export function positiveInt(text: string, what: string, max: number): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || n < 1 || n > max) throw new RnncError('usage/invalid', `${what}: expected an integer from 1 to ${max}, got ${JSON.stringify(text)}`);
  return n;
}

function weightBits(text: string): 8 | 16 {
  if (text === 'int8' || text === '8') return 8;
  if (text === 'int16' || text === '16') return 16;
  throw new RnncError('usage/invalid', `--weights: expected int8 or int16, got ${JSON.stringify(text)}`);
}

export function loadQuantForCli(path: string, opts: QuantCliOptions): { model: QuantModel; note?: string } {
  const r = loadQuant(path, opts);
  return { ...r, model: renamed(r.model, opts.name) };
}

function loadQuant(path: string, opts: QuantCliOptions): { model: QuantModel; note?: string } {
  const bits = weightBits(opts.weights);
  const lutSize = positiveInt(opts.lutSize, '--lut-size', 4096);
  let json: unknown;
  try {
    json = readJson(path);
  } catch (e) {
    // Not JSON (e.g. an ONNX file): the float loader knows the other formats.
    if (e instanceof RnncError && e.code === 'io/bad_json') return quantizeFloat(path, bits, lutSize);
    throw e;
  }
  if (isQuantModelJson(json)) return { model: validateQuantModel(json, path) };
  return quantizeFloat(path, bits, lutSize);
}

function quantizeFloat(path: string, bits: 8 | 16, lutSize: number): { model: QuantModel; note: string } {
  const float = loadFloatModel(path);
  // Calibration hook: when --calib lands, its ranges go into `ranges` here.
  const model = quantizeModel(float, { weightBits: bits, lutSize, producer: `rnnc ${VERSION}` });
  return { model, note: 'no calibration data: default input and state ranges were used; formats may clip on real data' };
}
