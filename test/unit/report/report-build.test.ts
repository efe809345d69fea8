// src/report/ without the command line: the report's data for every layer kind and head
// (bidirectional, conv1d, relu RNN, per-step regression, learned initial state, an
// encoder–decoder), each
// page rendered with a chart per figure that has data; saturation shows in the range
// histograms; SVG ids stay unique per chart; the printed commands quote what a shell
// would split; a malformed training history is named.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { FloatModel } from '../../../src/ir/model.js';
import { type LayerSpec, randomModel, randomSequence } from '../../../src/ir/random.js';
import { validateModel } from '../../../src/ir/validate.js';
import { buildReport } from '../../../src/report/build.js';
import { instructionsChart, rangesChart } from '../../../src/report/charts.js';
import { reportHtml } from '../../../src/report/html.js';
import { prefixIds, renderSvg } from '../../../src/report/render.js';
import { shellLine, shellWord } from '../../../src/report/shell.js';
import { readHistory } from '../../../src/report/training.js';
import { FIGURE_ORDER } from '../../../src/report/types.js';
import { getTarget } from '../../../src/target/targets.js';

const seqs = (n: number, inputs: number, steps = 8) => Array.from({ length: n }, (_, s) => randomSequence(inputs, steps, 100 + s, 2));

function inputs(model: FloatModel, over: Partial<Parameters<typeof buildReport>[0]> = {}): Parameters<typeof buildReport>[0] {
  return {
    model, modelPath: 'm.json', calib: { sequences: seqs(4, model.inputSize), source: 'calib.json' }, target: getTarget('host'), opt: 'O2',
    pipeline: {}, extraArgs: [], version: 'test', command: 'rnnc report m.json', ...over,
  };
}

const KINDS: Array<{ name: string; layers: LayerSpec[]; quantities: string[] }> = [
  {
    name: 'bidirectional LSTM, softmax head',
    layers: [{ type: 'lstm', units: 5, bidirectional: 'concat' }, { type: 'dense', units: 3, activation: 'softmax' }],
    quantities: ['input', 'gate pre-activations', 'cell c', 'W x + b'],
  },
  {
    name: 'conv1d front end, GRU with an initial state, sigmoid unit',
    layers: [{ type: 'conv1d', units: 4, kernelSize: 3, activation: 'relu' }, { type: 'gru', units: 5, initialState: true }, { type: 'dense', units: 1, activation: 'sigmoid' }],
    quantities: ['input', 'W x + b', 'gate pre-activations', 'W x + b'],
  },
  {
    name: 'relu RNN, per-step linear regression',
    layers: [{ type: 'rnn', units: 6, activation: 'relu', returnSequences: true }, { type: 'dense', units: 2, activation: 'linear' }],
    quantities: ['input', 'gate pre-activations', 'h', 'W x + b'],
  },
];

describe('buildReport', () => {
  for (const k of KINDS) {
    it(`${k.name}: every figure but the training curves and instruction counts, and a page with their charts`, async () => {
      const model = randomModel({ inputSize: 3, layers: k.layers }, 7);
      const { data } = await buildReport(inputs(model));
      expect(data.figures.ranges.data!.tensors.map((t) => t.quantity)).toEqual(k.quantities);
      expect(data.figures.layerError.data!.layers).toHaveLength(k.layers.length);
      const missing = FIGURE_ORDER.filter((id) => data.figures[id].data === null);
      expect(missing).toEqual(['training', 'task', 'instructions']);
      const html = await reportHtml(data);
      expect([...html.matchAll(/<div class="chart" data-figure="(\w+)">/g)].map((m) => m[1])).toEqual(FIGURE_ORDER.filter((id) => !missing.includes(id)));
    });
  }

  it('an encoder–decoder: the decoder as a line of the model, a bar of the error figure and its own weight tables', async () => {
    const f = JSON.parse(readFileSync(new URL('../../fixtures/torch/seq2seq_bahdanau_lstm.json', import.meta.url), 'utf8')) as { model: unknown };
    const model = validateModel(f.model, 'm.json');
    const { data } = await buildReport(inputs(model));
    expect(data.model.layers.at(-1)).toMatch(/^decoder: lstm 8 units, \d+ outputs of \d+, .*attention bahdanau .*\([\d,]+ parameters\)$/);
    expect(data.model.outputSize).toBe(model.decoder!.steps * model.decoder!.outputSize);
    const errors = data.figures.layerError.data!.layers;
    expect(errors.map((l) => l.type)).toEqual([...model.layers.map((l) => l.type), 'decoder']);
    expect(errors.at(-1)!.int8.maxAbs).toBeGreaterThan(errors.at(-1)!.int16.maxAbs);
    expect(data.figures.memory.data!.parts.map((p) => p.part)).toEqual(expect.arrayContaining(['weights: decoder cell', 'weights: decoder projection']));
    expect(await reportHtml(data)).toContain('data-figure="layerError"');
  });

  it('instructions of an encoder–decoder: the encoder steps and the decoder step, each width', () => {
    const run = (weightBits: 8 | 16, perOutput: number) => ({ weightBits, kernel: 'dsp', mode: 'encode-decode' as const, steps: 32, firstStep: 900, perStep: 800, maxPerStep: 850,
      perMac: 2, macsPerStep: 400, decoder: { decode: 8 * perOutput, outputs: 8, perOutput } });
    const spec = instructionsChart({ target: 'cortex-m4', opt: 'O2', runs: [run(8, 1000), run(16, 2000)] }) as unknown as { data: { values: Array<{ measure: string; value: number }> } };
    const decoderRows = spec.data.values.filter((r) => r.measure.startsWith('per decoder step'));
    expect(decoderRows.map((r) => [r.measure, r.value])).toEqual([['per decoder step (one decode of 8 over 32 encoder steps)', 1000], ['per decoder step (one decode of 8 over 32 encoder steps)', 2000]]);
    expect(spec.data.values.map((r) => r.measure)).toContain('mean, encoder steps 2..32');
  });

  it('per-step regression with --eval: RMSE of each variant and a predicted-vs-true scatter', async () => {
    const model = randomModel({ inputSize: 3, layers: KINDS[2]!.layers }, 7);
    const sequences = seqs(3, 3, 5);
    const targets = sequences.map((seq) => seq.map((x) => [x[0]!, x[1]! - x[2]!]));
    const { data } = await buildReport(inputs(model, { evalData: { sequences, targets, source: 'eval.json' } }));
    const task = data.figures.task.data!;
    expect(task).toMatchObject({ kind: 'regression', metric: 'rmse', examples: 3 });
    expect(task.scatter).toHaveLength(3 * 3 * 5 * 2);
    const rmse = (variant: string) => Math.sqrt(task.scatter!.filter((p) => p.variant === variant).reduce((s, p) => s + (p.actual - p.predicted) ** 2, 0) / 30);
    for (const v of ['float', 'int8', 'int16'] as const) expect(rmse(v)).toBeCloseTo(task[v], 12);
  });

  it('saturation is visible: ranges clipped at a low percentile leave values beyond their format, drawn as such', async () => {
    const model = randomModel({ inputSize: 3, layers: [{ type: 'lstm', units: 4 }, { type: 'dense', units: 2, activation: 'linear' }] }, 3);
    // Mostly within ±1, the median of |x| about 0.5: the input format holds ±1, and the outliers at ±6 saturate.
    const sequences = [...Array.from({ length: 4 }, (_, s) => randomSequence(3, 8, 200 + s, 1)), [[6, -6, 6], [-6, 6, -6]]];
    const { data } = await buildReport(inputs(model, { calib: { sequences, source: 'calib.json' }, pipeline: { percentile: 50, margin: 1 } }));
    const r = data.figures.ranges.data!;
    const input = r.tensors[0]!;
    expect(input.saturated).toBeGreaterThan(0);
    expect(input.bins.filter((b) => Math.abs((b.lo + b.hi) / 2) > input.limit).reduce((s, b) => s + b.count, 0)).toBeGreaterThan(0);
    const rows = (rangesChart(r, ['lstm', 'dense']) as { data: { values: Array<{ where: string; count: number }> } }).data.values;
    expect(rows.some((x) => x.where.includes('saturates') && x.count > 0)).toBe(true);
  });
});

describe('the report\'s pieces', () => {
  it('prefixIds: every id and reference of one chart gets its prefix; foreign references stay', () => {
    const svg = '<svg><clipPath id="clip1"><rect/></clipPath><g clip-path="url(#clip1)"/><use href="#clip1"/><a href="#elsewhere"/></svg>';
    expect(prefixIds(svg, 'fig-a')).toBe('<svg><clipPath id="fig-a-clip1"><rect/></clipPath><g clip-path="url(#fig-a-clip1)"/><use href="#fig-a-clip1"/><a href="#elsewhere"/></svg>');
  });

  it('renderSvg: two charts of the same kind share no id', async () => {
    const spec = { data: { values: [{ a: 1, b: 2 }, { a: 2, b: 1 }] }, mark: 'bar', encoding: { x: { field: 'a', type: 'nominal' }, y: { field: 'b', type: 'quantitative' } } } as const;
    const ids = (s: string) => [...s.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    const [a, b] = [await renderSvg(spec, 'one'), await renderSvg(spec, 'two')];
    expect(a.startsWith('<svg')).toBe(true);
    expect(ids(a).filter((id) => ids(b).includes(id))).toEqual([]);
  });

  it('shellWord: safe words as they are, anything else single-quoted', () => {
    expect(shellWord('data/g.csv')).toBe('data/g.csv');
    expect(shellWord('my data.csv')).toBe("'my data.csv'");
    expect(shellWord("it's")).toBe("'it'\\''s'");
    expect(shellWord('lstm:16,dense:4:softmax')).toBe('lstm:16,dense:4:softmax');
    expect(shellLine(['rnnc', 'report', '$HOME/m.json'])).toBe("rnnc report '$HOME/m.json'");
  });

  it('readHistory: a history with columns of different lengths is named, not drawn', () => {
    const model = randomModel({ inputSize: 2, layers: [{ type: 'dense', units: 1, activation: 'linear' }] }, 1);
    model.meta = { training: { history: { epoch: [1, 2], trainLoss: [0.5] } } };
    expect(readHistory(model)).toMatch(/is not a history rnnc train wrote/);
    model.meta = { epochs: 2, training: { history: { epoch: [1, 2], trainLoss: [0.5, 0.4], valLoss: [0.6, 0.5], valRmse: [1, 0.9] } } };
    expect(readHistory(model)).toEqual({ history: { epoch: [1, 2], trainLoss: [0.5, 0.4], valLoss: [0.6, 0.5], valMetric: [1, 0.9] }, metric: 'rmse', bestEpoch: 2 });
  });
});
