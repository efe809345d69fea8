/**
 * The model input of compile and verify: a quantized model.q.json as is, or a float
 * model (any format loadFloatModel reads) quantized here through the same pipeline and
 * options as `rnnc quantize` (--data, --weights, --lut-size, ...).
 */
import { RnncError } from '../errors.js';
import { quantizeInput } from '../fixed/model.js';
import type { QuantModel } from '../ir/qmodel.js';
import { isQuantModelJson, validateQuantModel } from '../ir/qio.js';
import { nameProblem } from '../ir/names.js';
import { DEFAULT_MARGIN } from '../quantize/pipeline.js';
import { DEFAULT_TUNE } from '../quantize/tune.js';
import { readJson } from '../util/fs.js';
import type { CliIo } from './context.js';
import { type ModelFileOptions, loadModelFile, noModelOutputFor } from './load.js';
import { type QuantCliOptions, dataOptions, pipelineOptions, quantizeFromCli } from './quant-options.js';

export interface ModelCliOptions extends QuantCliOptions, ModelFileOptions {
  /** Symbol prefix replacing the model's name. */
  name?: string;
}

/** How many calibration sequences become extra golden test cases. */
const CALIB_CASES = 4;

/** The model under another symbol prefix, checked like a name in a model file. */
export function renamed(model: QuantModel, name: string | undefined): QuantModel {
  if (name === undefined) return model;
  const bad = nameProblem(name);
  if (bad) throw new RnncError('names/invalid', `--name: ${bad}`);
  return { ...model, name };
}

export interface CliModel {
  model: QuantModel;
  /** A few calibration sequences, quantized, for golden test cases (float input with --data only). */
  calibration: Int16Array[][];
  /** Every file the model was read from (a Keras model's shards too): outputs may not replace them. */
  files: string[];
}

/**
 * Quantizer and data-file options set to something other than their defaults, after
 * checking every one of them (a bad value is refused even where the option would not apply).
 */
export function quantizerOptionsGiven(o: QuantCliOptions): string[] {
  const pipeline = pipelineOptions(o);
  dataOptions(o);
  const given: Array<[string, boolean]> = [
    [o.calib !== undefined ? '--calib' : '--data', o.data !== undefined], ['--weights', o.weights !== 'int8'], ['--lut-size', o.lutSize !== undefined],
    ['--percentile', pipeline.percentile !== 100], ['--margin', pipeline.margin !== DEFAULT_MARGIN], ['--cell', pipeline.cell !== 'auto'],
    ['--tune', o.tune !== DEFAULT_TUNE], ['--max-flash', o.maxFlash !== undefined],
    ['--window', o.window !== undefined], ['--horizon', o.horizon !== undefined], ['--stride', o.stride !== undefined], ['--reconstruct', o.reconstruct === true],
    ['--id-column', o.idColumn !== undefined], ['--label-column', o.labelColumn !== undefined], ['--features', o.features !== undefined],
  ];
  return given.filter(([, set]) => set).map(([flag]) => flag);
}

/** Loads a quantized model, or loads and quantizes a float one (warnings to stderr). */
export function loadQuantForCli(path: string, opts: ModelCliOptions, io: CliIo, maxSteps: number): CliModel {
  const r = loadQuant(path, opts, io, maxSteps);
  return { ...r, model: renamed(r.model, opts.name) };
}

function loadQuant(path: string, opts: ModelCliOptions, io: CliIo, maxSteps: number): CliModel {
  let json: unknown;
  try {
    json = readJson(path);
  } catch (e) {
    // Not JSON (e.g. an ONNX file): the float loader knows the other formats.
    if (!(e instanceof RnncError && (e.code === 'io/bad_json' || e.code === 'io/bad_encoding'))) throw e;
  }
  if (json !== undefined && isQuantModelJson(json)) {
    const given = quantizerOptionsGiven(opts);
    if (given.length > 0) {
      throw new RnncError('usage/invalid', `${given.join(', ')}: ${path} is already quantized; these options apply to float models (rnnc quantize)`);
    }
    noModelOutputFor(path, opts);
    const q = validateQuantModel(json, path);
    return { model: q, calibration: [], files: [path] };
  }
  const { model: float, files } = loadModelFile(path, opts);
  const { model, data } = quantizeFromCli(float, opts, io);
  const calibration = (data?.sequences ?? []).slice(0, CALIB_CASES)
    .map((seq) => seq.slice(0, maxSteps).map((x) => quantizeInput(model, x)));
  return { model, calibration, files };
}
