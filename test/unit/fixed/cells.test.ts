// Hand-checked fixed-point steps, one unit per cell, known integers: they pin the
// specification independently of the implementation. Every product requantizes with
// mult = 2^30, shift = 30 (scale exactly 1), so an accumulator passes through
// unchanged and each number below follows from the formulas in the cell headers.
// Tables of 16 entries (step 0.5 in x, 2^11 in Q3.12); the entries used:
//   sigmoid T_s[0..2] = 16384, 20397, 23955      tanh T_t[0..3] = 0, 15143, 24956, 29660
//   tanh T_t[8], T_t[9] = 32746, 32760            (round(f(k/2)·2^15))
import { describe, expect, it } from 'vitest';
import { buildLuts } from '../../../src/fixed/lut.js';
import { runFixed, streamFixed } from '../../../src/fixed/model.js';
import { buildExpTable } from '../../../src/fixed/lut.js';
import { type QLayer, type QMatmul, type QuantModel, isQRecurrent } from '../../../src/ir/qmodel.js';

function mm(weights: number[][], bias?: number[], mult = 2 ** 30, shift = 30): QMatmul {
  const rows = weights.length;
  const cols = weights[0]!.length;
  return {
    rows, cols, weights: weights.flat(), bias: bias ?? new Array<number>(rows).fill(0),
    mult: new Array<number>(rows).fill(mult), shift: new Array<number>(rows).fill(shift),
    acc: 'int32', preShift: 0, accBound: 0, scale: new Array<number>(rows).fill(1),
  };
}

function model(layer: QLayer, inputSize = 1, outFrac = 15): QuantModel {
  const luts = buildLuts(16);
  return {
    format: 'rnnc-qmodel', version: 1, name: 'hand', producer: 'test', sourceSha256: '', inputSize,
    outputSize: layer.units, weightBits: 8, input: { frac: 12 },
    lut: { size: 16, sigmoid: luts.sigmoid, tanh: luts.tanh }, layers: [layer],
    output: { frac: outFrac, sequence: !isQRecurrent(layer) || layer.returnSequences },
  };
}

const seqOut = (q: QuantModel, xs: number[][]) => runFixed(q, xs).map((y) => Array.from(y));

describe('the 16-entry tables hold the values the hand computations use', () => {
  it('sigmoid and tanh entries', () => {
    const l = buildLuts(16);
    expect(l.sigmoid.slice(0, 3)).toEqual([16384, 20397, 23955]);
    expect(l.tanh.slice(0, 4)).toEqual([0, 15143, 24956, 29660]);
    expect(l.tanh.slice(8, 10)).toEqual([32746, 32760]);
  });
});

describe('mingru, 1 unit: W_z = 2, W_h = 1, x = 1024 (h~ and h with 12 fractional bits)', () => {
  const q = model({ type: 'mingru', units: 1, returnSequences: true, inFrac: 12, outFrac: 12, forward: { x: mm([[2], [1]]) } }, 1, 12);
  it('z = σ(2048) = T_s[1] = 20397, h~ = 1024; h1 = 0 + rshr(20397·1024, 15) = 637; h2 = 637 + rshr(20397·387, 15) = 878', () => {
    expect(seqOut(q, [[1024], [1024]])).toEqual([[637], [878]]);
  });
});

describe('minlstm, 1 unit: W_f = 2, W_i = 0, W_h = 1, x = 1024 (h~ and h with 12 fractional bits)', () => {
  const q = model({ type: 'minlstm', units: 1, returnSequences: true, inFrac: 12, outFrac: 12, forward: { x: mm([[2], [0], [1]]) } }, 1, 12);
  it("f = T_s[1] = 20397, i = T_s[0] = 16384, f' = divQ15(20397, 36781) = 18172; h~ = 1024; h1 = 1024 + rshr(18172·(0 − 1024), 15) = 456; h2 = 1024 + rshr(18172·(456 − 1024), 15) = 709", () => {
    expect(seqOut(q, [[1024], [1024]])).toEqual([[456], [709]]);
  });
});

describe('rnn, 1 unit: W = 2, U = 1, x = 1024', () => {
  const common = { units: 1, returnSequences: true, inFrac: 12, outFrac: 15 } as const;
  const q = model({ type: 'rnn', ...common, forward: { x: mm([[2]]), h: mm([[1]]) } });
  it('h1 = tanh(2048) = T_t[1]; h2 = tanh(2048 + 15143 = 17191): idx 8, frac 807 → 32746 + rshr(14·807, 11) = 32752', () => {
    expect(seqOut(q, [[1024], [1024]])).toEqual([[15143], [32752]]);
  });
});

describe('lstm, 1 unit: W = [1,1,1,1], U = 0, x = 2048 (every gate pre-activation 0.5)', () => {
  // i = f = o = T_s[1] = 20397, g = T_t[1] = 15143; i·g = 308,871,771
  const gates = () => ({ x: mm([[1], [1], [1], [1]]), h: mm([[0], [0], [0], [0]]) });
  const common = { units: 1, returnSequences: true, inFrac: 12, outFrac: 15 } as const;
  it('int16 c, Q4.11: c1 = rshr(i·g, 19) = 589; h1 = rshr(o·tanh(1178), 15) = rshr(20397·8710, 15) = 5422', () => {
    // tanh(1178): idx 0, frac 1178 → rshr(15143·1178, 11) = 8710
    // c2 = rshr(f·589, 15) + 589 = 367 + 589 = 956; tanh(1912) = rshr(15143·1912, 11) = 14137; h2 = 8800
    const q = model({ type: 'lstm', ...common, cell: { bits: 16, frac: 11 }, forward: gates() });
    expect(seqOut(q, [[2048], [2048]])).toEqual([[5422], [8800]]);
  });
  it('int32 c, frac 20: c1 = rshr(i·g, 10) = 301633 → rescaled 1178, the same h', () => {
    const q = model({ type: 'lstm', ...common, cell: { bits: 32, frac: 20 }, forward: gates() });
    const s = streamFixed(q);
    expect(Array.from(s.step([2048]))).toEqual([5422]);
    expect(Array.from(s.step([2048]))).toEqual([8800]); // c2 = rshr(f·301633, 15) + 301633 = 489390
  });
});

describe('gru, 1 unit, x = 2048 through W = [1,1,1]', () => {
  const common = { units: 1, returnSequences: true, inFrac: 12, outFrac: 15 } as const;
  it('resetAfter, U = [1,1,1], b\' = [0,0,4096]: n = tanh(2048 + rshr(r·H_n, 15))', () => {
    // step 1 (h = 0): r = z = 20397; rshr(20397·4096, 15) = 2550; n = tanh(4598):
    //   idx 2, frac 502 → 24956 + rshr(4704·502, 11) = 26109; h = 26109 + rshr(20397·(0 − 26109), 15) = 9857
    const q = model({ type: 'gru', ...common, resetAfter: true, forward: { x: mm([[1], [1], [1]]), h: mm([[1], [1], [1]], [0, 0, 4096]) } });
    expect(seqOut(q, [[2048], [2048]])).toEqual([[9857], [11063]]);
  });
  it('resetAfter false, U = [1,1,2]: rh = rshr(r·h, 15), n = tanh(2048 + 2·rh)', () => {
    // step 1 (h = 0): n = tanh(2048) = 15143, z = 20397, h = 15143 + rshr(20397·(−15143), 15) = 5717
    const q = model({ type: 'gru', ...common, resetAfter: false, forward: { x: mm([[1], [1], [1]]), h: mm([[1], [1], [2]]) } });
    expect(seqOut(q, [[2048], [2048], [2048]])).toEqual([[5717], [9271], [10701]]);
  });
});

describe('dense', () => {
  it('linear, scale 1/2 (mult 2^30, shift 31): 3 → 2 and −3 → −1 (round half up)', () => {
    const q = model({ type: 'dense', units: 1, activation: 'linear', inFrac: 12, outFrac: 12, mm: mm([[1, 2]], [0], 2 ** 30, 31) }, 2, 12);
    expect(seqOut(q, [[1, 1], [-1, -1]])).toEqual([[2], [-1]]);
  });
  it('softmax of logits [0, 1.0] in Q4.11: e = [exp table at 1.0, exp(0)] = [12055, 32767]; y = divQ15(e, 44822)', () => {
    const q = model({ type: 'dense', units: 2, activation: 'softmax', inFrac: 11, outFrac: 15, logitFrac: 11, mm: mm([[0], [1]]) });
    const exp = buildExpTable(16);
    q.tables = { exp };
    expect(exp.slice(0, 2)).toEqual([32767, 12055]);
    // floor((12055·2^16 + 44822) / (2·44822)) = 8813; floor((32767·2^16 + 44822) / (2·44822)) = 23955
    expect(seqOut(q, [[2048]])).toEqual([[8813, 23955]]);
  });
});
