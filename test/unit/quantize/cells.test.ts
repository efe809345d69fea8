/**
 * LSTM cell formats chosen by measured error (src/quantize/cells.ts): the range rule's
 * format is always among the candidates, so the choice is never worse than it on the
 * calibration data (beyond the 2 % an int16 format may cost to be preferred); --cell
 * int16 / int32 restrict the candidates; the decision is recorded in meta.quantization.
 */
import { describe, expect, it } from 'vitest';
import { randomModel, randomSequence } from '../../../src/ir/random.js';
import { type CellDecision } from '../../../src/quantize/cells.js';
import { quantizeWithData } from '../../../src/quantize/pipeline.js';

const model = randomModel({ inputSize: 3, layers: [{ type: 'lstm', units: 8, returnSequences: true }, { type: 'lstm', units: 6 }, { type: 'dense', units: 2, activation: 'linear' }], weightScale: 2.5 }, 21);
const data = { sequences: Array.from({ length: 24 }, (_, s) => randomSequence(3, 40, 300 + s, 3)), source: 'calib' };
const decisions = (cell: 'int16' | 'int32' | 'auto') => {
  const r = quantizeWithData(model, data, { cell });
  return { q: r.model, cells: (r.model.meta as { quantization: { cells: CellDecision[] } }).quantization.cells };
};

describe('LSTM cell formats chosen by measured error', () => {
  it('auto: one decision per LSTM layer, never worse than the range rule on the calibration data', () => {
    const { q, cells } = decisions('auto');
    expect(cells.map((d) => d.layer)).toEqual([0, 1]);
    for (const d of cells) {
      const rule = d.candidates.find((c) => c.bits === d.rangeRule.bits && c.frac === d.rangeRule.frac);
      const chosen = d.candidates.find((c) => c.bits === d.chosen.bits && c.frac === d.chosen.frac)!;
      expect(rule).toBeDefined();
      expect(chosen.rms).toBeLessThanOrEqual(rule!.rms * 1.02 + 1e-12);
      expect(chosen.rms).toBeLessThanOrEqual(Math.min(...d.candidates.map((c) => c.rms)) * 1.02 + 1e-12);
      const layer = q.layers[d.layer]!;
      expect(layer.type === 'lstm' && layer.cell).toEqual(d.chosen);
    }
  });

  it('int16 and int32 restrict the candidates', () => {
    for (const d of decisions('int16').cells) expect(new Set(d.candidates.map((c) => c.bits))).toEqual(new Set([16]));
    for (const d of decisions('int32').cells) {
      expect(d.candidates.map((c) => c.bits)).toEqual([32]);
      expect(d.chosen.bits).toBe(32);
    }
  });

  it('without calibration data the range rule decides (nothing to measure on)', () => {
    const r = quantizeWithData(model, undefined, {});
    expect((r.model.meta as { quantization: { cells?: unknown } }).quantization.cells).toBeUndefined();
  });
});
