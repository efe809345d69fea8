// A model.q.json is untrusted input to the generator: every inconsistency that would
// make the C read out of bounds, wrap, or differ from the reference is refused.
import { describe, expect, it } from 'vitest';
import { checkQuantModel } from '../../../src/ir/qcheck.js';
import { cArrayBody, cLiteral } from '../../../src/codegen/ctables.js';
import { randomModel } from '../../../src/ir/random.js';
import type { QuantModel } from '../../../src/ir/qmodel.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';

const base = (): QuantModel => quantizeModel(randomModel({ name: 'm', inputSize: 3, layers: [{ type: 'lstm', units: 2 }, { type: 'dense', units: 2, activation: 'softmax' }] }, 1));
const problems = (mutate: (q: QuantModel) => void): string => {
  const q = structuredClone(base());
  mutate(q);
  try {
    checkQuantModel(q, 'm.q.json');
    return '';
  } catch (e) {
    return (e as Error).message;
  }
};

describe('checkQuantModel', () => {
  it('accepts what the quantizer makes', () => {
    expect(problems(() => undefined)).toBe('');
  });
  it('refuses shapes that do not chain', () => {
    expect(problems((q) => { q.inputSize = 4; })).toContain('layers[0].forward.x: expected 8×4, got 8×3');
    expect(problems((q) => { q.outputSize = 3; })).toContain('outputSize: the layers give 2, the model says 3');
  });
  it('refuses integers the C types cannot hold', () => {
    expect(problems((q) => { (q.layers[0] as { forward: { x: { weights: number[] } } }).forward.x.weights[0] = 128; })).toContain('values outside int8');
    expect(problems((q) => { (q.layers[0] as { forward: { h: { shift: number[] } } }).forward.h.shift[1] = 63; })).toContain('shift: values outside [1, 62]');
    expect(problems((q) => { q.lut.sigmoid[0] = 0; })).toContain('lut.sigmoid: entries outside [1, 32767]');
    // A layer's own width bounds its weights, whatever the model's width says.
    expect(problems((q) => { q.layers[0]!.weightBits = 16; (q.layers[0] as { forward: { x: { weights: number[] } } }).forward.x.weights[0] = 300; })).toBe('');
    expect(problems((q) => { q.weightBits = 16; q.layers[1]!.weightBits = 8; (q.layers[1] as { mm: { weights: number[] } }).mm.weights[0] = 300; })).toContain('layers[1].mm.weights: values outside int8');
    expect(problems((q) => { q.lut.tanh.pop(); })).toContain('lut.tanh: expected 257 entries, got 256');
  });
  it('recomputes the accumulator bound instead of trusting acc', () => {
    const msg = problems((q) => {
      const mm = (q.layers[1] as { mm: { bias: number[]; acc: string } }).mm;
      mm.bias[0] = 2147483000;
    });
    expect(msg).toMatch(/layers\[1\]\.mm: acc is int32 but the worst-case accumulator \d+ overflows int32/);
  });
  it('refuses a recurrent layer fed by returnSequences false, as the float validator does', () => {
    const q = quantizeModel(randomModel({ name: 'm', inputSize: 2, layers: [{ type: 'lstm', units: 2, returnSequences: true }, { type: 'rnn', units: 2 }] }, 2));
    (q.layers[0] as { returnSequences: boolean }).returnSequences = false;
    expect(() => checkQuantModel(q, 'm.q.json')).toThrow('m.q.json: layers[1]: a rnn layer needs a sequence, but layers[0] has returnSequences false');
  });
  it('refuses a std the float32 helper cannot divide by', () => {
    const q = quantizeModel(randomModel({ name: 'm', inputSize: 2, layers: [{ type: 'rnn', units: 2 }], normalization: true }, 2));
    q.input.normalization!.std[0] = 1e-320;
    expect(() => checkQuantModel(q, 'm.q.json')).toThrow(/^m\.q\.json: input\.normalization\.std\[0\]: expected a float32-safe std/);
  });
  it('a wrong table size is one problem, not one per table', () => {
    expect(problems((q) => { q.lut.size = 100; })).toBe('m.q.json: lut.size: LUT size must be a power of two from 16 to 4096, got 100');
  });
  it('reports every problem at once', () => {
    expect(problems((q) => { q.inputSize = 4; q.lut.tanh.pop(); })).toMatch(/^m\.q\.json: \d+ problems: /);
  });
});

describe('C number tables', () => {
  it('writes INT32_MIN as an expression and wraps lines', () => {
    expect(cLiteral(-2147483648, 'int32_t')).toBe('(-2147483647 - 1)');
    expect(cLiteral(0.1, 'float')).toBe('0.100000001f');
    expect(cLiteral(3, 'float')).toBe('3.00000000f');
    expect(cArrayBody([1, 2, 3], 'int32_t')).toBe('  1, 2, 3');
    expect(cArrayBody(Array.from({ length: 9 }, (_, i) => i), 'int32_t')).toBe('  0, 1, 2, 3, 4, 5, 6, 7,\n  8');
    expect(() => cLiteral(0.5, 'int16_t')).toThrow('non-integer');
  });
});
