// ONNX recurrent `activations`: HardSigmoid gates with (alpha, beta) = (0.2, 0.5) or
// (1/6, 0.5) become the IR's hard_sigmoid / hard_sigmoid_v3 (weights as with Sigmoid);
// any other activation, alpha or beta is refused in one line naming the node.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RnncError } from '../../../src/errors.js';
import { runFloat } from '../../../src/float/model.js';
import { importOnnx } from '../../../src/import/onnx/import.js';
import { type ModelProto, onnx } from '../../../src/import/onnx/proto.js';
import type { FloatModel } from '../../../src/ir/model.js';

const dir = new URL('../../fixtures/onnx/', import.meta.url).pathname;
const { AttributeType } = onnx.AttributeProto;

/** The fixture with its recurrent node's activation attributes replaced. */
function withActivations(fixture: string, acts: string[], alpha?: number[], beta?: number[]): Uint8Array {
  const m: ModelProto = onnx.ModelProto.decode(readFileSync(`${dir}${fixture}.onnx`));
  const node = m.graph!.node!.find((n) => ['LSTM', 'GRU', 'RNN'].includes(n.opType ?? ''))!;
  const keep = (node.attribute ?? []).filter((a) => !['activations', 'activation_alpha', 'activation_beta'].includes(a.name ?? ''));
  keep.push(onnx.AttributeProto.create({ name: 'activations', type: AttributeType.STRINGS, strings: acts.map((a) => new TextEncoder().encode(a)) }));
  if (alpha) keep.push(onnx.AttributeProto.create({ name: 'activation_alpha', type: AttributeType.FLOATS, floats: alpha }));
  if (beta) keep.push(onnx.AttributeProto.create({ name: 'activation_beta', type: AttributeType.FLOATS, floats: beta }));
  node.attribute = keep;
  return onnx.ModelProto.encode(m).finish();
}

const gates = (m: FloatModel) => m.layers.flatMap((l) => (l.type === 'lstm' || l.type === 'gru' ? [l.recurrentActivation] : []));

function refusal(bytes: Uint8Array): string {
  try {
    importOnnx(bytes, 'm.onnx');
  } catch (e) {
    if (e instanceof RnncError) { expect(e.exitCode).toBe(2); return e.message; }
    throw e;
  }
  throw new Error('imported without error');
}

describe('ONNX HardSigmoid gates', () => {
  it('LSTM [HardSigmoid, Tanh, Tanh]: defaults (0.2, 0.5) and explicit (1/6, 0.5); the weights are those of the Sigmoid import', () => {
    const sigmoid = importOnnx(readFileSync(`${dir}lstm1.onnx`), 'lstm1.onnx');
    const k2 = importOnnx(withActivations('lstm1', ['HardSigmoid', 'Tanh', 'Tanh']), 'm.onnx');
    const k3 = importOnnx(withActivations('lstm1', ['HardSigmoid', 'Tanh', 'Tanh'], [1 / 6], [0.5]), 'm.onnx');
    expect(gates(sigmoid)).toEqual(['sigmoid']);
    expect(gates(k2)).toEqual(['hard_sigmoid']);
    expect(gates(k3)).toEqual(['hard_sigmoid_v3']);
    const strip = (m: FloatModel) => JSON.stringify(m.layers.map((l) => ({ ...l, recurrentActivation: undefined })));
    expect(strip(k2)).toEqual(strip(sigmoid));
    // The gate function really changes the output.
    const x = [[0.5, -1, 2], [1, 1, -1]];
    expect(runFloat(k2, x)).not.toEqual(runFloat(sigmoid, x));
  });

  it('RNN [Relu] (nn.RNN(nonlinearity=\'relu\')) is an rnn layer with activation relu; [Tanh] stays tanh', () => {
    const relu = importOnnx(withActivations('rnn1', ['Relu']), 'm.onnx');
    expect(relu.layers[0]).toMatchObject({ type: 'rnn', activation: 'relu' });
    expect(importOnnx(withActivations('rnn1', ['Tanh']), 'm.onnx').layers[0]).toMatchObject({ type: 'rnn', activation: 'tanh' });
    expect(refusal(withActivations('rnn_bi_seq', ['Relu', 'Tanh']))).toMatch(/both directions must use the same activation/);
    expect(refusal(withActivations('rnn1', ['Sigmoid']))).toMatch(/activations \[Sigmoid\] are not supported; supported: Tanh or Relu/);
  });

  it('a bidirectional GRU: both directions HardSigmoid(0.2, 0.5)', () => {
    const m = importOnnx(withActivations('gru2_bi', ['HardSigmoid', 'Tanh', 'HardSigmoid', 'Tanh'], [0.2, 0.2], [0.5, 0.5]), 'm.onnx');
    expect(gates(m)[0]).toBe('hard_sigmoid');
  });

  it('refused: other alpha/beta, mixed directions, extra values, other gate functions', () => {
    expect(refusal(withActivations('lstm1', ['HardSigmoid', 'Tanh', 'Tanh'], [0.25], [0.5])))
      .toMatch(/\(LSTM\): HardSigmoid\(alpha 0\.250000, beta 0\.500000\) is not supported; supported: alpha 0\.2 or 1\/6 with beta 0\.5/);
    expect(refusal(withActivations('gru2_bi', ['HardSigmoid', 'Tanh', 'Sigmoid', 'Tanh'])))
      .toMatch(/\(GRU\): activations \[HardSigmoid, Tanh, Sigmoid, Tanh\]: both directions must use the same gate activation/);
    expect(refusal(withActivations('lstm1', ['Sigmoid', 'Tanh', 'Tanh'], [0.2])))
      .toMatch(/activation_alpha\/activation_beta give more values than the HardSigmoid activations take \(0\)/);
    expect(refusal(withActivations('lstm1', ['Relu', 'Tanh', 'Tanh'])))
      .toMatch(/activations \[Relu, Tanh, Tanh\] are not supported; supported: \[Sigmoid or HardSigmoid, Tanh, Tanh\]/);
    expect(refusal(withActivations('lstm1', ['HardSigmoid', 'Tanh'])))
      .toMatch(/activations \[HardSigmoid, Tanh\]: expected 3 \(3 per direction\)/);
  });
});
