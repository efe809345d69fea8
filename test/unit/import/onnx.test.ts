import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RnncError } from '../../../src/errors.js';
import { runFloat } from '../../../src/float/model.js';
import { loadAnyModel } from '../../../src/import/detect.js';
import { importOnnx } from '../../../src/import/onnx/import.js';
import { type Layer, isRecurrent } from '../../../src/ir/model.js';
import { maxAbsDiff } from '../../helpers/diff.js';

const dir = new URL('../../fixtures/onnx/', import.meta.url).pathname;

/** Each PyTorch-made fixture and the IR chain it must become. */
const CASES: Record<string, string[]> = {
  lstm1: ['lstm last', 'dense linear'],
  lstm2_bi: ['lstm concat seq', 'lstm concat last', 'dense linear'],
  lstm2_bi_seq: ['lstm concat seq', 'lstm concat seq', 'dense relu', 'dense linear'],
  gru1: ['gru after last', 'dense linear'],
  gru2_bi: ['gru after concat seq', 'gru after concat last', 'dense linear'],
  gru2_seq: ['gru after seq', 'gru after seq', 'dense tanh', 'dense linear'],
  gru_lbr0: ['gru before seq'],
  gru_layout1: ['gru before seq'],
  rnn1: ['rnn last', 'dense linear'],
  rnn2: ['rnn seq', 'rnn last', 'dense linear'],
  rnn_bi_seq: ['rnn concat seq', 'dense sigmoid', 'dense linear'],
  lstm_reverse: ['lstm reverse seq'],
  gru2_hn_dyn: ['gru after seq', 'gru after last', 'dense softmax'],
  lstm_y_last9: ['lstm last', 'dense linear'],
  rnn_bi_sum17: ['rnn sum seq', 'dense linear'],
  // y[:, -1] of a bidirectional layer: the backward half is its first step (lastOutput last-index).
  lstm_bi_last: ['lstm concat last-index', 'dense linear'],
  // Registered buffers h0/c0 passed to the LSTM: constant initial states (initialH/initialC).
  lstm_h0: ['lstm last init', 'dense linear'],
};

function describeLayer(l: Layer): string {
  if (l.type === 'dense') return `dense ${l.activation}`;
  if (l.type === 'ssm') return 'ssm';
  if (!isRecurrent(l)) return `${l.type} ${l.activation}`;
  const parts: string[] = [l.type];
  if (l.type === 'gru') parts.push(l.resetAfter ? 'after' : 'before');
  if (l.bidirectional) parts.push(l.bidirectional);
  if (l.reverse) parts.push('reverse');
  parts.push(l.returnSequences ? 'seq' : l.lastOutput === 'last-index' ? 'last-index' : 'last');
  if (l.weights.initialH || l.weights.initialC) parts.push('init');
  return parts.join(' ');
}

function importError(path: string, bytes?: Uint8Array): RnncError {
  try {
    if (bytes) importOnnx(bytes, path); else loadAnyModel(path);
  } catch (e) {
    if (e instanceof RnncError) return e;
    throw e;
  }
  throw new Error(`${path} imported without error`);
}

describe('ONNX import vs PyTorch outputs', () => {
  for (const [name, chain] of Object.entries(CASES)) {
    it(`${name}: ${chain.join(' → ')}, max |rnnc float − reference| < 1e-5`, () => {
      const { model, format } = loadAnyModel(`${dir}${name}.onnx`);
      expect(format).toBe('onnx');
      expect(model.layers.map(describeLayer)).toEqual(chain);
      const expected = JSON.parse(readFileSync(`${dir}${name}.json`, 'utf8')) as { input: number[][]; output: number[][] };
      expect(maxAbsDiff(runFloat(model, expected.input), expected.output)).toBeLessThan(1e-5);
    });
  }

  it('a reverse node is one direction with reverse: true, at the MACs of one direction', () => {
    const { model } = loadAnyModel(`${dir}lstm_reverse.onnx`);
    const l = model.layers[0]!;
    if (!isRecurrent(l)) throw new Error('expected a recurrent layer');
    expect(l.reverse).toBe(true);
    expect(l.bidirectional).toBeUndefined();
    expect(l.backwardWeights).toBeUndefined();
    expect(l.weights.kernel.flat().some((v) => v !== 0)).toBe(true);
  });
});

describe('ONNX import refuses with specific messages', () => {
  it('lists every unsupported operator and attribute with its node name, exit code 2', () => {
    const e = importError(`${dir}unsupported.onnx`);
    expect(e.code).toBe('import/unsupported');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain("4 problems");
    expect(e.message).toContain("node 'peephole_clip_lstm' (LSTM): peephole weights (input P) are not supported");
    expect(e.message).toContain("node 'peephole_clip_lstm' (LSTM): clip 3 is not supported");
    expect(e.message).toContain("node 'relu_gru' (GRU): activations [Relu, Tanh] are not supported");
    expect(e.message).toContain("node 'elu_head' (Elu): operator Elu is not supported");
  });

  it('a truncated .onnx file', () => {
    const bytes = readFileSync(`${dir}lstm2_bi.onnx`);
    for (const cut of [17, 1000, bytes.length - 7]) {
      const e = importError('cut.onnx', bytes.subarray(0, cut));
      expect(e.code).toBe('import/invalid');
      expect(e.message).toMatch(/^cut\.onnx: not a readable ONNX model \((truncated|no graph nodes)/);
    }
  });
});
