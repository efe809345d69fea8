import { describe, expect, it } from 'vitest';
import { GRU_ORDER, KERAS_GRU, KERAS_LSTM, LSTM_ORDER, ONNX_GRU, ONNX_LSTM } from '../../../src/import/gates.js';
import { reorderGates, toRows, transposed } from '../../../src/import/tensor.js';
import { GRU_GATES, LSTM_GATES } from '../../../src/ir/model.js';

describe('gate orders (the framework comparisons in keras/onnx tests are the real check)', () => {
  it('maps each framework block to the IR gate of the same meaning', () => {
    const alias = (g: string) => ({ c: 'g', h: 'n' } as Record<string, string>)[g] ?? g;
    expect(LSTM_ORDER.keras.map((k) => alias(KERAS_LSTM[k]!))).toEqual([...LSTM_GATES]);
    expect(LSTM_ORDER.onnx.map((k) => alias(ONNX_LSTM[k]!))).toEqual([...LSTM_GATES]);
    expect(GRU_ORDER.keras.map((k) => alias(KERAS_GRU[k]!))).toEqual([...GRU_GATES]);
    expect(GRU_ORDER.onnx.map((k) => alias(ONNX_GRU[k]!))).toEqual([...GRU_GATES]);
    expect(LSTM_ORDER.onnx).toEqual([0, 2, 3, 1]);
    expect(GRU_ORDER.keras).toEqual([1, 0, 2]);
  });

  it('reorders whole blocks of `units` rows', () => {
    // ONNX LSTM rows for 2 units: i i o o f f c c → IR i i f f g g o o
    const rows = ['i0', 'i1', 'o0', 'o1', 'f0', 'f1', 'c0', 'c1'];
    expect(reorderGates(rows, 2, LSTM_ORDER.onnx)).toEqual(['i0', 'i1', 'f0', 'f1', 'c0', 'c1', 'o0', 'o1']);
  });

  it('transposes Keras in×out kernels into IR out×in rows', () => {
    // 2 inputs × 3 outputs, row-major: [[1,2,3],[4,5,6]]
    expect(transposed([1, 2, 3, 4, 5, 6], 2, 3)).toEqual([[1, 4], [2, 5], [3, 6]]);
    expect(toRows([1, 2, 3, 4, 5, 6, 7, 8], 2, 2, 4)).toEqual([[5, 6], [7, 8]]);
  });
});
