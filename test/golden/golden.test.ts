// Golden output: each folder in cases/ is one case, its config.json the model (a float
// model.json beside it, or a random-model spec and seed), the weight bits, calibrated
// ranges and the target; the emitted NAME.h and NAME.c are compared with its _expected/
// (review the diff when templates change; update with `npx vitest run test/golden -u`).
// FILTER=<case> runs one case. README.md lists the cases; the last two tests check that
// the cases cover every kernel family × layer kind and that the list is up to date.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { emitModel } from '../../src/codegen/emit.js';
import { getTarget } from '../../src/target/targets.js';
import { loadModel, parseModel } from '../../src/ir/io.js';
import {
  CONV_ACTIVATIONS, DENSE_ACTIVATIONS, GATE_ACTIVATIONS, LAST_OUTPUTS, MERGE_MODES, RECURRENT_TYPES, RNN_ACTIVATIONS, type FloatModel,
} from '../../src/ir/model.js';
import { type QuantModel, isQRecurrent, ssmMatmuls } from '../../src/ir/qmodel.js';
import { randomModel } from '../../src/ir/random.js';
import { quantizeModel } from '../../src/quantize/quantize.js';

const CASES = new URL('./cases/', import.meta.url).pathname;
const README = new URL('./README.md', import.meta.url).pathname;
const filter = process.env.FILTER;

const int = z.number().int();
/** LayerSpec of src/ir/random.ts, strict so a misspelt option fails instead of vanishing. */
const layerSpec = z.union([
  z.strictObject({
    type: z.enum(RECURRENT_TYPES), units: int, returnSequences: z.boolean().optional(), bidirectional: z.enum(MERGE_MODES).optional(),
    resetAfter: z.boolean().optional(), lastOutput: z.enum(LAST_OUTPUTS).optional(), reverse: z.boolean().optional(),
    recurrentActivation: z.enum(GATE_ACTIVATIONS).optional(), activation: z.enum(RNN_ACTIVATIONS).optional(), initialState: z.boolean().optional(),
  }),
  z.strictObject({ type: z.literal('dense'), units: int, activation: z.enum(DENSE_ACTIVATIONS) }),
  z.strictObject({ type: z.literal('conv1d'), units: int, kernelSize: int, dilation: int.optional(), lookahead: int.optional(), activation: z.enum(CONV_ACTIVATIONS) }),
  z.strictObject({ type: z.literal('ssm'), units: int, stateSize: int, convSize: int, dtRank: int, returnSequences: z.boolean().optional() }),
]);
const configSchema = z.strictObject({
  /** A row of src/target/targets.ts; its kernel family is what the case covers. */
  target: z.string(),
  /** A float model file in the case folder (its name is the C prefix)… */
  model: z.string().optional(),
  /** …or a random model (src/ir/random.ts) named after the case folder. */
  random: z.strictObject({
    seed: int, inputSize: int, layers: z.array(layerSpec).min(1), weightScale: z.number().optional(), normalization: z.boolean().optional(),
  }).optional(),
  weightBits: z.union([z.literal(8), z.literal(16)]).default(8),
  /** Calibrated ranges (quantize.ts Ranges): a large LSTM cell range gives an int32 cell. */
  ranges: z.strictObject({
    input: z.number(),
    layers: z.array(z.strictObject({ cell: z.number().optional(), dense: z.number().optional(), hidden: z.number().optional() })),
  }).optional(),
  /** Static sequence capacity of NAME_run for bidirectional and reverse layers. */
  maxSeq: int.default(8),
}).refine((c) => (c.model === undefined) !== (c.random === undefined), 'give exactly one of "model" and "random"');

interface Case {
  name: string;
  target: string;
  /** The kernel family emitted. */
  family: string;
  float: FloatModel;
  q: QuantModel;
  files: { name: string; content: string }[];
}

function loadCase(name: string): Case {
  const dir = join(CASES, name);
  const config = configSchema.parse(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')));
  const float = config.model !== undefined
    ? loadModel(join(dir, config.model))
    : parseModel(JSON.stringify(randomModel({ name, ...config.random! }, config.random!.seed)), `${name}/config.json`);
  const q = quantizeModel(float, { producer: 'rnnc golden', weightBits: config.weightBits, ...(config.ranges ? { ranges: config.ranges } : {}) });
  const source = config.model ?? 'config.json';
  const { plan, files } = emitModel(q, getTarget(config.target), { version: 'golden', source, maxSeq: config.maxSeq });
  return { name, target: config.target, family: plan.kernel, float, q, files: files.filter((f) => f.name === `${q.name}.h` || f.name === `${q.name}.c`) };
}

const names = readdirSync(CASES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const loaded = new Map<string, Case>();
const getCase = (name: string) => loaded.get(name) ?? loaded.set(name, loadCase(name)).get(name)!;

describe('golden emitted C', () => {
  for (const name of names.filter((c) => !filter || c === filter)) {
    it(name, async () => {
      const c = getCase(name);
      for (const f of c.files) await expect(f.content).toMatchFileSnapshot(join(CASES, name, '_expected', f.name));
      // The emitted C is ASCII: a toolchain's source charset must not matter.
      for (const f of c.files) expect(f.content.match(/[^\x00-\x7f]/g) ?? [], f.name).toEqual([]);
      // A renamed model or case leaves no stale file behind.
      const dir = join(CASES, name, '_expected');
      const stale = existsSync(dir) ? readdirSync(dir).filter((f) => !c.files.some((x) => x.name === f)) : [];
      expect(stale, 'files in _expected/ no longer emitted').toEqual([]);
    });
  }
});

/** What a layer exercises, as the README table writes it. */
function layerText(l: FloatModel['layers'][number]): string {
  if (l.type === 'dense') return `dense(${l.units}, ${l.activation})`;
  if (l.type === 'conv1d') return `conv1d(${l.units}, k=${l.kernelSize}, d=${l.dilation ?? 1}, ${l.lookahead ? `a=${l.lookahead}, ` : ''}${l.activation})`;
  if (l.type === 'ssm') return `ssm(${l.units}, N=${l.stateSize}, k=${l.convSize}, R=${l.dtRank}${l.returnSequences ? ', seq' : ''})`;
  const parts = [String(l.units)];
  if (l.type === 'rnn') parts.push(l.activation ?? 'tanh');
  if (l.type === 'gru') parts.push(l.resetAfter ? 'ra' : 'rb');
  if (l.bidirectional) parts.push(`bi-${l.bidirectional}`);
  if (l.lastOutput === 'last-index') parts.push('last-index');
  if (l.reverse) parts.push('reverse');
  if (l.returnSequences) parts.push('seq');
  if ((l.type === 'lstm' || l.type === 'gru') && l.recurrentActivation && l.recurrentActivation !== 'sigmoid') parts.push(l.recurrentActivation);
  if (l.weights.initialH) parts.push('h0');
  return `${l.type}(${parts.join(', ')})`;
}

/** The accumulator types of a case's matrix products, in order: int32, int64. */
function accumulators(q: QuantModel): string[] {
  const mms = q.layers.flatMap((l) => (l.type === 'ssm' ? ssmMatmuls(l).map(([, mm]) => mm) : !isQRecurrent(l) ? [l.mm] : [l.forward, ...(l.backward ? [l.backward] : [])].flatMap((d) => [d.x, ...(d.h ? [d.h] : [])])));
  return ['int32', 'int64'].filter((a) => mms.some((m) => m.acc === a));
}

/** The README row of a case: case, target, family, input, layers, weights, accumulators, cell. */
function row(c: Case): string[] {
  const cells = [...new Set(c.q.layers.flatMap((l) => (l.type === 'lstm' ? [`int${l.cell.bits}`] : [])))].sort();
  return [
    c.name, c.target, c.family, `${c.float.inputSize}${c.float.normalization ? ', norm' : ''}`,
    c.float.layers.map(layerText).join(' → '), `int${c.q.weightBits}`, accumulators(c.q).join(', '), cells.join(', ') || '–',
  ];
}

/** The features a family must show at least once: every layer kind and option, both weight sizes and cells. */
const REQUIRED = [
  'rnn-tanh', 'rnn-relu', 'lstm', 'gru-ra', 'gru-rb', 'mingru', 'minlstm', ...DENSE_ACTIVATIONS.map((a) => `dense-${a}`),
  'conv1d', 'conv1d-centred', 'ssm', 'bi-concat', 'bi-sum', 'reverse', 'last-index', 'hard_sigmoid', 'hard_sigmoid_v3', 'h0',
  'weights-int8', 'weights-int16', 'acc-int32', 'acc-int64', 'cell-int16', 'cell-int32',
];

function features(c: Case): string[] {
  const out = [`weights-int${c.q.weightBits}`, ...accumulators(c.q).map((a) => `acc-${a}`)];
  for (const l of c.q.layers) {
    if (l.type === 'dense') {
      out.push(`dense-${l.activation}`);
      continue;
    }
    if (l.type === 'ssm') {
      out.push('ssm');
      continue;
    }
    if (l.type === 'conv1d') {
      out.push(l.lookahead ? 'conv1d-centred' : 'conv1d');
      continue;
    }
    out.push(l.type === 'rnn' ? `rnn-${l.activation ?? 'tanh'}` : l.type === 'gru' ? `gru-${l.resetAfter ? 'ra' : 'rb'}` : l.type);
    if (l.type === 'lstm') out.push(`cell-int${l.cell.bits}`);
    if (l.bidirectional) out.push(`bi-${l.bidirectional}`);
    if (l.lastOutput === 'last-index') out.push('last-index');
    if (l.reverse) out.push('reverse');
    if ((l.type === 'lstm' || l.type === 'gru') && l.recurrentActivation && l.recurrentActivation !== 'sigmoid') out.push(l.recurrentActivation);
    if (l.forward.h0) out.push('h0');
  }
  return out;
}

describe.runIf(!filter)('golden case list', () => {
  it('covers every kernel family × layer kind, both weight sizes, accumulators and LSTM cells', () => {
    const missing: string[] = [];
    for (const family of ['portable', 'dsp', 'mve']) {
      const seen = new Set(names.map(getCase).filter((c) => c.family === family).flatMap(features));
      for (const f of REQUIRED) if (!seen.has(f)) missing.push(`${family}: ${f}`);
    }
    expect(missing).toEqual([]);
  });

  it('README.md lists every case as it is', () => {
    // Compared as Markdown lines, so a failure shows the rows to paste.
    const table = readFileSync(README, 'utf8').split('\n').filter((line) => line.startsWith('| `'));
    expect(table).toEqual(names.map((n) => {
      const [name, ...rest] = row(getCase(n));
      return `| \`${name}\` | ${rest.join(' | ')} |`;
    }));
  });
});
