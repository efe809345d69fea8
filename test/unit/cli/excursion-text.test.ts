// The text of a range-excursion summary (src/cli/excursion-text.ts): the summary line, the
// warning block's lines per kind with their advice, and percentages small and large.
import { describe, expect, it } from 'vitest';
import type { ExcursionItem, ExcursionSummary } from '../../../src/fixed/excursions.js';
import { excursionLine, percent, renderExcursions } from '../../../src/cli/excursion-text.js';

function item(over: Partial<ExcursionItem>): ExcursionItem {
  return {
    layer: 0, type: 'lstm', kind: 'cell', limit: 8, positiveOnly: false, steps: 1000, stepsSaturated: 9, values: 16000, valuesSaturated: 10,
    maxAbs: 8.857, stepFraction: 0.009, valueFraction: 10 / 16000, ...over,
  };
}
const summary = (items: ExcursionItem[]): ExcursionSummary => ({ data: 'test.csv', sequences: 20000, timesteps: 640000, saturated: items.some((i) => i.valuesSaturated > 0), items });

describe('excursion text', () => {
  it('percentages: one decimal from 0.1 %, two significant digits below', () => {
    expect([percent(0), percent(0.031), percent(1), percent(0.000625), percent(1e-7)]).toEqual(['0 %', '3.1 %', '100.0 %', '0.063 %', '0.00001 %']);
  });
  it('one line per kind, naming layer, limit, shares, the largest value and what to do', () => {
    expect(excursionLine(item({}))).toBe('layer 0 lstm: cell state beyond ±8 in 0.9 % of steps, 0.063 % of values (max 8.86): recalibrate with data like this (--data), or --margin / --cell int32');
    expect(excursionLine(item({ kind: 'preactivation', maxAbs: 12.6, stepFraction: 0.031 }))).toMatch(/^layer 0 lstm: gate pre-activation beyond ±8 in 3\.1 % of steps, .* \(max 12\.6\): the table input is Q3\.12 whatever the calibration; clamped at 8, a sigmoid reads at most 0\.00034 low/);
    expect(excursionLine(item({ layer: 2, type: 'rnn', kind: 'hidden', positiveOnly: true, limit: 4 }))).toMatch(/^layer 2 rnn: h beyond \+4 in .*or raise --margin$/);
    expect(excursionLine(item({ kind: 'preactivation' }))).toMatch(/low, tanh and hard sigmoid nothing$/);
    // A minimal kind's table inputs are its sigmoid gates only.
    expect(excursionLine(item({ type: 'minlstm', kind: 'preactivation' }))).toMatch(/gate pre-activation beyond .* a sigmoid reads at most 0\.00034 low$/);
    expect(excursionLine(item({ layer: 1, type: 'mingru', kind: 'hidden', limit: 4 }))).toMatch(/^layer 1 mingru: candidate h~ beyond ±4 in .*or raise --margin$/);
    expect(excursionLine(item({ layer: -1, type: 'input', kind: 'input', limit: 16 }))).toMatch(/^input: values \(normalised units\) beyond ±16 in /);
    expect(excursionLine(item({ layer: 1, type: 'dense', kind: 'preactivation' }))).toMatch(/^layer 1 dense: activation input beyond ±8/);
  });
  it('nothing saturated: one line; else the warning block lists only what saturated', () => {
    expect(renderExcursions(summary([item({ stepsSaturated: 0, valuesSaturated: 0 })]))).toBe('ranges: no value left its calibrated range on test.csv (20,000 sequences, 640,000 timesteps)\n');
    const block = renderExcursions(summary([item({}), item({ kind: 'preactivation', stepsSaturated: 0, valuesSaturated: 0 })]), 'rnnc: ');
    expect(block.split('\n')).toEqual([
      'rnnc: warning: values left their calibrated ranges on test.csv (20,000 sequences, 640,000 timesteps):',
      expect.stringMatching(/^ {2}layer 0 lstm: cell state beyond ±8/),
      '',
    ]);
  });
});
