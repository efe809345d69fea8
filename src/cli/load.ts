/** The one place the CLI turns a path into a float model (importers hook in here). */
import type { FloatModel } from '../ir/model.js';
import { loadModel } from '../ir/io.js';

export function loadFloatModel(path: string): FloatModel {
  return loadModel(path);
}
