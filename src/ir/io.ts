/** Load and save float models (model.json). */
import { readJson, stringifyJson, writeAtomic, parseJson } from '../util/fs.js';
import type { FloatModel } from './model.js';
import { validateModel } from './validate.js';

export function loadModel(path: string): FloatModel {
  return validateModel(readJson(path), path);
}

export function parseModel(text: string, source = 'model.json'): FloatModel {
  return validateModel(parseJson(text, source), source);
}

/** Canonical text of a model: fixed key order from the object, numbers round-trip exact. */
export function modelToJson(model: FloatModel): string {
  return stringifyJson(model);
}

export function saveModel(model: FloatModel, path: string): void {
  writeAtomic(path, modelToJson(model));
}
