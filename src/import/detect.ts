/**
 * Reads any model file rnnc accepts, telling the format from the content: an rnnc
 * model.json ("format": "rnnc-model"), a Keras / TF.js layers model.json
 * ("modelTopology" + "weightsManifest", shards beside it), or an ONNX protobuf.
 */
import { basename, dirname, extname, join } from 'node:path';
import { RnncError } from '../errors.js';
import type { FloatModel } from '../ir/model.js';
import { validateModel } from '../ir/validate.js';
import { decodeText, parseJson, readBytes } from '../util/fs.js';
import { type KerasJson, importKeras } from './keras/import.js';
import { importOnnx } from './onnx/import.js';

export type ModelFormat = 'rnnc' | 'keras' | 'onnx';

export interface LoadedModel {
  model: FloatModel;
  format: ModelFormat;
  /** Every file read: the model file, and a Keras model's weight shards (no output may replace them). */
  files: string[];
}

function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09 || b === 0xef || b === 0xbb || b === 0xbf) continue;
    return b === 0x7b || b === 0x5b; // '{' or '['
  }
  return false;
}

function fromJson(json: unknown, path: string, name?: string, output?: string): LoadedModel {
  const head = (typeof json === 'object' && json !== null ? json : {}) as { format?: unknown; modelTopology?: unknown };
  if (head.format === 'rnnc-model') {
    return { model: validateModel(name ? { ...head, name } : json, path), format: 'rnnc', files: [path] };
  }
  if (head.format === 'rnnc-qmodel') {
    throw new RnncError('usage/invalid', `${path} is a quantized model (model.q.json); this command takes the float model it came from (compile, verify and run take either)`, path);
  }
  if (head.format === 'graph-model') {
    throw new RnncError('import/unsupported', `${basename(path)}: a TF.js graph model (converted from a SavedModel) is not supported; `
      + 'convert the Keras model to the layers format (tensorflowjs_converter --input_format keras)', path);
  }
  if (head.modelTopology !== undefined) {
    const model = importKeras(json as KerasJson, path, name, output);
    return { model, format: 'keras', files: [path, ...kerasShards(json as KerasJson, path)] };
  }
  if (head.format === 'layers-model') {
    throw new RnncError('import/invalid', `${basename(path)}: a TF.js layers model.json without "modelTopology"`, path);
  }
  // Neither: let the IR validator say precisely what is wrong.
  return { model: validateModel(json, path), format: 'rnnc', files: [path] };
}

/** The shard files of a Keras model that imported (so every path was checked to lie in its folder). */
function kerasShards(json: KerasJson, path: string): string[] {
  const groups = (json as { weightsManifest?: Array<{ paths?: unknown }> }).weightsManifest ?? [];
  return groups.flatMap((g) => (Array.isArray(g.paths) ? g.paths.filter((p): p is string => typeof p === 'string') : []))
    // A %XX name may have been read decoded (keras/weights.ts): keep both spellings.
    .flatMap((p) => [p, decoded(p)]).map((p) => join(dirname(path), p));
}

function decoded(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

export interface LoadOptions {
  /** Overrides the model name. */
  name?: string;
  /** The graph output to import, for a model file with several outputs (ONNX). */
  output?: string;
}

/** Loads a float model from any supported file. */
export function loadAnyModel(path: string, options: LoadOptions = {}): LoadedModel {
  const { name, output } = options;
  const bytes = readBytes(path);
  const ext = extname(path).toLowerCase();
  if (ext === '.json' || (ext !== '.onnx' && looksLikeJson(bytes))) {
    const loaded = fromJson(parseJson(decodeText(bytes, path), path), path, name, output);
    if (output !== undefined && loaded.format !== 'keras') {
      throw new RnncError('usage/invalid', `--model-output picks one output of a multi-output ONNX or Keras model; ${basename(path)} is an rnnc model, which has one`, path);
    }
    return loaded;
  }
  if (ext === '.onnx') return { model: importOnnx(bytes, path, options), format: 'onnx', files: [path] };
  try {
    return { model: importOnnx(bytes, path, options), format: 'onnx', files: [path] };
  } catch (e) {
    if (e instanceof RnncError && e.code === 'import/invalid' && e.message.includes('not a readable ONNX model')) {
      throw new RnncError('io/foreign_file', `${path}: not a model rnnc reads (expected an rnnc model.json, a Keras/TF.js model.json or an .onnx file)`, path);
    }
    throw e;
  }
}
