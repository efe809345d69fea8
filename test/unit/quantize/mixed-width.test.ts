// Mixed weight widths (--weights auto --max-flash): a layer quantized at its own width is
// exactly the layer the uniform quantization at that width makes, and only a layer whose
// width differs from the model's says so; the messages name the widths per layer.
import { describe, expect, it } from 'vitest';
import { randomModel } from '../../../src/ir/random.js';
import { isMixedWidth, weightWidthsText, widthsText } from '../../../src/ir/qmodel.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';
import { quantizationMeta } from '../../../src/quantize/meta.js';

const model = randomModel({
  name: 'm', inputSize: 4, layers: [{ type: 'lstm', units: 6, returnSequences: true }, { type: 'gru', units: 5, resetAfter: false }, { type: 'dense', units: 2, activation: 'linear' }],
}, 3);
const ranges = { input: 2, layers: [{ cell: 3 }, {}, { dense: 4 }] };

describe('per-layer weight widths', () => {
  it('each layer equals the uniform quantization at its width; only the odd layers carry weightBits', () => {
    const int8 = quantizeModel(model, { ranges, weightBits: 8, lutSize: 256 });
    const int16 = quantizeModel(model, { ranges, weightBits: 16, lutSize: 256 });
    const mixed = quantizeModel(model, { ranges, weightBits: 8, lutSize: 256, layerBits: [16, 8, 16] });
    expect(mixed.weightBits).toBe(8);
    expect(mixed.layers.map((l) => l.weightBits)).toEqual([16, undefined, 16]);
    expect({ ...mixed.layers[0], weightBits: undefined }).toEqual({ ...int16.layers[0], weightBits: undefined });
    expect(mixed.layers[1]).toEqual(int8.layers[1]);
    expect({ ...mixed.layers[2], weightBits: undefined }).toEqual({ ...int16.layers[2], weightBits: undefined });
    // The int16 layer really holds int16 weights (beyond int8's range), the int8 one does not.
    const lstm = mixed.layers[0] as { forward: { x: { weights: number[] } } };
    expect(Math.max(...lstm.forward.x.weights.map(Math.abs))).toBeGreaterThan(127);
    const gru = mixed.layers[1] as { forward: { x: { weights: number[] } } };
    expect(Math.max(...gru.forward.x.weights.map(Math.abs))).toBeLessThanOrEqual(127);
    expect(isMixedWidth(mixed)).toBe(true);
    expect(isMixedWidth(int16)).toBe(false);
    expect(quantizationMeta(mixed, 1.25, undefined).layerWeightBits).toEqual([16, 8, 16]);
    expect(quantizationMeta(int8, 1.25, undefined).layerWeightBits).toBeUndefined();
  });

  it('a layer width equal to the model width is not written; one width for every layer is the model width', () => {
    const q = quantizeModel(model, { ranges, weightBits: 16, layerBits: [16, 16, 16] });
    expect(q.layers.map((l) => l.weightBits)).toEqual([undefined, undefined, undefined]);
    expect(weightWidthsText(q)).toBe('int16 weights');
    const all16 = quantizeModel(model, { ranges, layerBits: [16, 16, 16] });
    expect([all16.weightBits, isMixedWidth(all16), all16.lut.size]).toEqual([16, false, 512]);
    expect(all16).toEqual(quantizeModel(model, { ranges, weightBits: 16 }));
  });

  it('names the widths per layer', () => {
    expect(widthsText([8, 8])).toBe('int8 weights');
    expect(widthsText([16])).toBe('int16 weights');
    expect(widthsText([8, 16, 8])).toBe('int16 weights in layer 1, int8 in layers 0, 2');
    expect(widthsText([16, 16, 8])).toBe('int16 weights in layers 0, 1, int8 in layer 2');
  });
});
