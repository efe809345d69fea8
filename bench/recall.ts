/**
 * The long-memory task of `npm run bench:kinds` (bench/kinds.ts): recall one of a few
 * symbols shown at the start of a sequence, after a long stretch of distractor noise.
 *
 * Each sequence has `symbols` + 1 features per step: one channel per symbol, then a query
 * channel. Step 0 shows the symbol (its channel 1, the others 0); the `distractors` steps
 * after it carry uniform noise in ±`noise` on every symbol channel; the last step raises
 * the query channel to 1 (the symbol channels carry noise there too). The label, read at
 * the last step (many-to-one), is the symbol of step 0.
 *
 * The noise stays below the cue (0.5 against 1), so a layer whose gates read only the
 * current input (minGRU, minLSTM) can tell the cue from noise: what the task measures is
 * keeping the symbol for `distractors` steps, not finding it. A sum over time does not
 * solve it: the noise summed over 200 steps has a standard deviation of 4.1, against a
 * cue of 1. Labels are balanced exactly (sequence i has symbol i mod `symbols`, the order
 * shuffled), so chance level, and the accuracy of always answering the same symbol, is
 * 1 / `symbols` on any multiple of `symbols` sequences.
 */
import { Rng } from '../src/util/rng.js';

export interface RecallOptions {
  seed: number;
  count: number;
  /** Distinct symbols (classes). */
  symbols?: number;
  /**
   * Noise steps between the cue and the query; a list: each sequence draws one of its
   * values (the training sets mix shorter gaps in, see bench/kinds.ts).
   */
  distractors?: number | readonly number[];
  /** Half-width of the uniform distractor noise. */
  noise?: number;
}

export interface RecallSequence {
  /** (its distractors + 2) steps × (symbols + 1) features. */
  steps: number[][];
  label: number;
}

export const RECALL_DEFAULTS = { symbols: 4, distractors: 200, noise: 0.5 } as const;

export function recallSequences(o: RecallOptions): RecallSequence[] {
  const symbols = o.symbols ?? RECALL_DEFAULTS.symbols;
  const gaps = typeof o.distractors === 'number' ? [o.distractors] : o.distractors ?? [RECALL_DEFAULTS.distractors];
  const noise = o.noise ?? RECALL_DEFAULTS.noise;
  const rng = new Rng(o.seed);
  const labels = Array.from({ length: o.count }, (_, i) => i % symbols);
  // Fisher–Yates: balanced classes in a seeded order.
  for (let i = labels.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }
  const noisy = (query: number) => [...Array.from({ length: symbols }, () => rng.uniform(-noise, noise)), query];
  return labels.map((label) => {
    const distractors = gaps[gaps.length === 1 ? 0 : rng.int(0, gaps.length - 1)]!;
    const cue = [...Array.from({ length: symbols }, (_, s) => (s === label ? 1 : 0)), 0];
    const steps = [cue, ...Array.from({ length: distractors }, () => noisy(0)), noisy(1)];
    return { steps, label };
  });
}

/** docs/data-format.md format (a): `seq,s0..,query,label`, one row per step, 4 decimals. */
export function recallCsv(seqs: readonly RecallSequence[]): string {
  const symbols = seqs[0] ? seqs[0].steps[0]!.length - 1 : 0;
  const head = ['seq', ...Array.from({ length: symbols }, (_, s) => `s${s}`), 'query', 'label'].join(',');
  const rows = [head];
  seqs.forEach(({ steps, label }, i) => {
    for (const x of steps) rows.push(`${i},${x.map((v) => (Number.isInteger(v) ? String(v) : v.toFixed(4))).join(',')},${label}`);
  });
  return rows.join('\n') + '\n';
}
