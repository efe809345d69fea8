/**
 * The weights of a Keras / TF.js layers model: `weightsManifest` groups in model.json,
 * each naming binary shard files beside it whose concatenation holds the group's
 * tensors back to back (little-endian float32, row-major over `shape`).
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { RnncError } from '../../errors.js';
import { readBytes } from '../../util/fs.js';
import { type FlatTensor, sizeOf } from '../tensor.js';

export interface NamedTensor extends FlatTensor {
  name: string;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

function bad(source: string, message: string): RnncError {
  return new RnncError('import/invalid', `${source}: ${message}`, source);
}

function parseSpec(raw: unknown, at: string, source: string): WeightSpec {
  const w = raw as Partial<WeightSpec> | null;
  if (typeof w !== 'object' || w === null || typeof w.name !== 'string' || !Array.isArray(w.shape)
    || !w.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw bad(source, `${at}: expected {"name", "shape", "dtype"} with a list of sizes`);
  }
  if (w.quantization !== undefined && w.quantization !== null) {
    throw bad(source, `${at} (${w.name}): quantized weights are not supported; save the model with float32 weights`);
  }
  const dtype = w.dtype ?? 'float32';
  if (dtype !== 'float32') throw bad(source, `${at} (${w.name}): dtype '${dtype}' is not supported; expected float32`);
  return { name: w.name, shape: w.shape, dtype };
}

function readGroup(paths: string[], dir: string, at: string, source: string): Uint8Array {
  const parts = paths.map((p) => {
    const file = join(dir, p);
    if (!existsSync(file)) throw bad(source, `${at}: weight file '${p}' not found (looked for ${file})`);
    return readBytes(file);
  });
  const total = parts.reduce((s, p) => s + p.length, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) { out.set(p, offset); offset += p.length; }
  return out;
}

/** Reads every weight the manifest names, checking each group's shards hold exactly its tensors. */
export function readKerasWeights(manifest: unknown, modelPath: string): Map<string, NamedTensor> {
  const source = basename(modelPath);
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw bad(source, 'weightsManifest: expected a list of weight groups (is this model saved without weights?)');
  }
  const out = new Map<string, NamedTensor>();
  manifest.forEach((rawGroup: unknown, g) => {
    const at = `weightsManifest[${g}]`;
    const group = rawGroup as { paths?: unknown; weights?: unknown } | null;
    if (!group || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string') || !Array.isArray(group.weights)) {
      throw bad(source, `${at}: expected {"paths": [...], "weights": [...]}`);
    }
    const specs = group.weights.map((w, k) => parseSpec(w, `${at}.weights[${k}]`, source));
    const bytes = readGroup(group.paths as string[], dirname(modelPath), at, source);
    const expected = specs.reduce((s, w) => s + 4 * sizeOf(w.shape), 0);
    if (bytes.length !== expected) {
      throw bad(source, `${at}: the weight files ${(group.paths as string[]).join(', ')} hold ${bytes.length} bytes, `
        + `but the ${specs.length} float32 tensors listed need ${expected}`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    for (const spec of specs) {
      const data = new Float64Array(sizeOf(spec.shape));
      for (let i = 0; i < data.length; i++, offset += 4) data[i] = view.getFloat32(offset, true);
      // TF1-era converters kept the ':0' tensor suffix; the layer paths are what matters.
      out.set(spec.name.replace(/:0$/, ''), { name: spec.name, shape: spec.shape, data });
    }
  });
  return out;
}
