/**
 * The weights of a Keras / TF.js layers model: `weightsManifest` groups in model.json,
 * each naming binary shard files beside it whose concatenation holds the group's
 * tensors back to back (little-endian float32, row-major over `shape`).
 *
 * Shard paths come from the file, so they are untrusted: a shard must resolve (links
 * followed) to a regular file inside the folder of model.json, or below it. Absolute
 * paths, NUL characters and a file listed twice are refused. A path is read as written,
 * as TF.js reads it from disk; when no such file exists and the path holds %XX escapes,
 * the decoded name is tried, as a web server would serve TF.js' request for it.
 */
import { realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve, sep } from 'node:path';
import { RnncError } from '../../errors.js';
import { readBytes } from '../../util/fs.js';
import { quote, escapeText } from '../quote.js';
import { type FlatTensor, sizeOf } from '../tensor.js';

export interface NamedTensor extends FlatTensor {
  name: string;
}

interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
}

function bad(source: string, message: string): RnncError {
  return new RnncError('import/invalid', `${source}: ${message}`, source);
}

function parseSpec(raw: unknown, at: string, source: string): WeightSpec {
  const w = raw as { name?: unknown; shape?: unknown; dtype?: unknown; quantization?: unknown } | null;
  if (typeof w !== 'object' || w === null || typeof w.name !== 'string' || !Array.isArray(w.shape)
    || !w.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw bad(source, `${at}: expected {"name", "shape", "dtype"} with a list of sizes`);
  }
  if (w.quantization !== undefined && w.quantization !== null) {
    throw bad(source, `${at} (${quote(w.name)}): quantized weights are not supported; save the model with float32 weights`);
  }
  const dtype = w.dtype ?? 'float32';
  if (dtype !== 'float32') throw bad(source, `${at} (${quote(w.name)}): dtype ${quote(dtype)} is not supported; expected float32`);
  return { name: w.name, shape: w.shape as number[], dtype };
}

/** Whether `path` (resolved) is `dir` or inside it; `dir` is a real path. */
function inside(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

function looksAbsolute(p: string): boolean {
  // Windows forms too: a manifest written on Windows must not reach C:\ or a share here either.
  return isAbsolute(p) || /^[A-Za-z]:/.test(p) || p.startsWith('\\');
}

/** One shard found on disk: its real path (links resolved) and size. */
interface Shard {
  real: string;
  size: number;
}

/** Where the folder of model.json is, links resolved; the anchor every shard must stay under. */
interface Folder {
  real: string;
  modelReal: string;
}

/** Resolves one manifest path to a regular file inside the folder, or says why not. */
function findShard(raw: string, folder: Folder, at: string, source: string): Shard {
  const fail = (why: string) => bad(source, `${at}: weight file ${quote(raw)} ${why}`);
  const candidates = [raw];
  if (/%[0-9A-Fa-f]{2}/.test(raw)) {
    try {
      const decoded = decodeURIComponent(raw);
      if (decoded !== raw) candidates.push(decoded);
    } catch {
      // Not valid percent-encoding: only the name as written.
    }
  }
  for (const name of candidates) {
    if (name.includes('\0')) throw fail('contains a NUL character');
    if (name === '') throw fail('is an empty path');
    if (looksAbsolute(name)) throw fail('is an absolute path; weightsManifest paths are relative to the folder of model.json');
    const full = resolve(folder.real, name);
    if (!inside(full, folder.real)) {
      throw fail('is outside the folder of model.json; weight files must sit beside model.json or below it');
    }
    let real: string;
    try {
      real = realpathSync(full);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') continue;
      throw fail(`cannot be opened: ${code ?? String(e)}`);
    }
    if (!inside(real, folder.real)) throw fail('resolves through a link to a file outside the folder of model.json; copy the file there instead');
    if (real === folder.modelReal) throw fail('is model.json itself');
    const st = statSync(real);
    if (st.isDirectory()) throw fail('is a directory, not a file');
    if (!st.isFile()) throw fail('is not a regular file');
    return { real, size: st.size };
  }
  throw fail(`not found (looked for ${escapeText(resolve(folder.real, raw), 200)})`);
}

/**
 * Finds every shard of every group before reading any, checking each group's files add
 * up to exactly the bytes its tensors need: a wrong file is refused without being read.
 */
function findShards(manifest: Array<{ paths: string[]; specs: WeightSpec[] }>, modelPath: string, source: string): Shard[][] {
  const dir = dirname(modelPath);
  let folder: Folder;
  try {
    folder = { real: realpathSync(dir), modelReal: realpathSync(modelPath) };
  } catch (e) {
    throw bad(source, `cannot resolve the folder of model.json: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const seen = new Map<string, string>();
  return manifest.map((group, g) => {
    const shards = group.paths.map((p, k) => {
      const at = `weightsManifest[${g}].paths[${k}]`;
      const shard = findShard(p, folder, at, source);
      const first = seen.get(shard.real);
      if (first !== undefined) throw bad(source, `${at}: weight file ${quote(p)} is listed twice (also ${first})`);
      seen.set(shard.real, at);
      return shard;
    });
    const total = shards.reduce((s, f) => s + f.size, 0);
    const expected = group.specs.reduce((s, w) => s + 4 * sizeOf(w.shape), 0);
    if (total !== expected) {
      const names = group.paths.length <= 3 ? group.paths.map((s) => quote(s)).join(', ') : `${group.paths.slice(0, 3).map((s) => quote(s)).join(', ')} and ${group.paths.length - 3} more`;
      throw bad(source, `weightsManifest[${g}]: the weight files ${names} hold ${total} bytes, `
        + `but the ${group.specs.length} float32 tensors listed need ${expected}`);
    }
    return shards;
  });
}

function readGroup(shards: Shard[]): Uint8Array {
  // s.real has no links left (realpath): one appearing there since is refused, not followed.
  const parts = shards.map((s) => readBytes(s.real, { noFollow: true }));
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
  const groups = manifest.map((rawGroup: unknown, g) => {
    const at = `weightsManifest[${g}]`;
    const group = rawGroup as { paths?: unknown; weights?: unknown } | null;
    if (!group || typeof group !== 'object' || !Array.isArray(group.paths) || !group.paths.every((p) => typeof p === 'string')
      || !Array.isArray(group.weights)) {
      throw bad(source, `${at}: expected {"paths": [...], "weights": [...]}`);
    }
    return { paths: group.paths as string[], specs: group.weights.map((w, k) => parseSpec(w, `${at}.weights[${k}]`, source)) };
  });
  const shards = findShards(groups, modelPath, source);
  const out = new Map<string, NamedTensor>();
  groups.forEach((group, g) => {
    const bytes = readGroup(shards[g]!);
    const expected = group.specs.reduce((s, w) => s + 4 * sizeOf(w.shape), 0);
    if (bytes.length !== expected) {
      throw bad(source, `weightsManifest[${g}]: the weight files changed size while being read`);
    }
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let offset = 0;
    group.specs.forEach((spec, k) => {
      const data = new Float64Array(sizeOf(spec.shape));
      for (let i = 0; i < data.length; i++, offset += 4) data[i] = view.getFloat32(offset, true);
      // TF1-era converters kept the ':0' tensor suffix; the layer paths are what matters.
      const key = spec.name.replace(/:0$/, '');
      if (out.has(key)) throw bad(source, `weightsManifest[${g}].weights[${k}]: weight ${quote(spec.name)} is listed twice`);
      out.set(key, { name: spec.name, shape: spec.shape, data });
    });
  });
  return out;
}
