/** The one place the CLI turns a path into a float model: rnnc IR, Keras/TF.js or ONNX, by content. */
import type { FloatModel } from '../ir/model.js';
import { loadAnyModel } from '../import/detect.js';

export function loadFloatModel(path: string): FloatModel {
  return loadAnyModel(path).model;
}
