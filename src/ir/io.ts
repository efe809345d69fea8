/** Load and save float models (model.json). */
import { readJson, stringifyJson, parseJson } from '../util/fs.js';
import { type WritePolicy, writeFile } from '../util/write.js';
import type { FloatModel } from './model.js';
import { validateModel } from './validate.js';

export function loadModel(path: string): FloatModel {
  return validateModel(readJson(path), path);
}

export function parseModel(text: string, source = 'model.json'): FloatModel {
  return validateModel(parseJson(text, source), source);
}

/**
 * Canonical text of a model: validated, fields in the schema's order whatever order the
 * object was built in, defaults written out, numbers in shortest round-trip form. So
 * save → load → save gives the same bytes, and equal models give equal files.
 */
export function modelToJson(model: FloatModel, source = 'model'): string {
  return stringifyJson(validateModel(model, source));
}

export function saveModel(model: FloatModel, path: string, policy: WritePolicy = {}): void {
  writeFile(path, modelToJson(model, path), policy);
}
