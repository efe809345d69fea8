/**
 * Per-layer quantization error, int8 weights against int16: the quantizer's own error
 * report (quantize/report.ts layerErrors and decoderError, what `rnnc quantize` prints)
 * run on both quantizations of the model over the calibration data.
 */
import type { FloatModel } from '../ir/model.js';
import type { QuantModel } from '../ir/qmodel.js';
import { decoderError, layerErrors } from '../quantize/report.js';
import type { LayerErrorData } from './types.js';

export function layerErrorData(model: FloatModel, int8: QuantModel, int16: QuantModel, seqs: readonly number[][][], source: string): LayerErrorData {
  const e8 = layerErrors(model, int8, seqs);
  const e16 = layerErrors(model, int16, seqs);
  const layers: LayerErrorData['layers'] = e8.map((e, i) => ({
    index: e.index, type: e.type,
    int8: { maxAbs: e.maxAbs, rms: e.rms },
    int16: { maxAbs: e16[i]!.maxAbs, rms: e16[i]!.rms },
  }));
  // An encoder–decoder: one more bar, the decoder's error over its K outputs (what rnnc
  // quantize prints as "decoder error over its outputs").
  if (model.decoder) {
    const d8 = decoderError(model, int8, seqs), d16 = decoderError(model, int16, seqs);
    layers.push({ index: model.layers.length, type: 'decoder', int8: { maxAbs: d8.maxAbs, rms: d8.rms }, int16: { maxAbs: d16.maxAbs, rms: d16.rms } });
  }
  return { source, layers };
}
