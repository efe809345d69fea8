// The long-memory task of npm run bench:kinds (bench/recall.ts): the same seed gives the
// same file, the layout is what docs/comparison.md describes, and chance level is 25 %.
import { describe, expect, it } from 'vitest';
import { RECALL_DEFAULTS, recallCsv, recallSequences } from '../../../bench/recall.js';

describe('bench/recall.ts', () => {
  it('is deterministic in its seed', () => {
    const a = recallCsv(recallSequences({ seed: 12, count: 20 }));
    expect(recallCsv(recallSequences({ seed: 12, count: 20 }))).toBe(a);
    expect(recallCsv(recallSequences({ seed: 13, count: 20 }))).not.toBe(a);
  });

  it('shows the symbol once, then noise below the cue, then the query', () => {
    const K = RECALL_DEFAULTS.symbols;
    for (const { steps, label } of recallSequences({ seed: 1, count: 8 })) {
      expect(steps).toHaveLength(RECALL_DEFAULTS.distractors + 2);
      expect(steps[0]).toEqual([...Array.from({ length: K }, (_, s) => (s === label ? 1 : 0)), 0]);
      const rest = steps.slice(1);
      expect(rest.every((x) => x.length === K + 1)).toBe(true);
      expect(rest.map((x) => x[K])).toEqual([...Array.from({ length: rest.length - 1 }, () => 0), 1]);
      expect(Math.max(...rest.flatMap((x) => x.slice(0, K).map(Math.abs)))).toBeLessThanOrEqual(RECALL_DEFAULTS.noise);
    }
  });

  it('balances the classes exactly, so chance level (and the majority class) is 1 / symbols = 25 %', () => {
    const seqs = recallSequences({ seed: 12, count: 200 });
    const counts = Array.from({ length: RECALL_DEFAULTS.symbols }, (_, k) => seqs.filter((s) => s.label === k).length);
    expect(counts).toEqual([50, 50, 50, 50]);
    expect(Math.max(...counts) / seqs.length).toBe(0.25);
  });

  it('draws each sequence\'s gap from the list it is given', () => {
    const lengths = new Set(recallSequences({ seed: 11, count: 100, distractors: [5, 20, 200] }).map((s) => s.steps.length - 2));
    expect([...lengths].sort((a, b) => a - b)).toEqual([5, 20, 200]);
  });
});
