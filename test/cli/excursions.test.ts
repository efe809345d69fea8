// Range excursions through the built binary (build first: npx tsc -p tsconfig.json):
// rnnc quantize --eval, rnnc run (model.q.json and --fixed) and rnnc verify, in text and
// JSON; data beyond the calibration is reported as a warning, exit code 0 throughout,
// and the CLI's counts equal the reference's own on the same inputs.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExcursionCounter } from '../../src/fixed/excursions.js';
import { quantizeInput, runFixed } from '../../src/fixed/model.js';
import { saveModel } from '../../src/ir/io.js';
import { loadQuantModel } from '../../src/ir/qio.js';
import { randomModel, randomSequence } from '../../src/ir/random.js';

const BIN = join(import.meta.dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'rnnc-excursions-'));
const p = (f: string) => join(dir, f);
const rnnc = (...args: string[]) => execa('node', [BIN, ...args], { reject: false });

interface Item { layer: number; type: string; kind: string; steps: number; stepsSaturated: number; values: number; valuesSaturated: number; maxAbs: number; limit: number }
interface Summary { data: string; sequences: number; timesteps: number; saturated: boolean; items: Item[] }

// Calibrated on inputs within ±3; the "far" data reaches ±30 (normalised about ±10 and more).
const near = [5, 6, 7, 8].map((s, k) => ({ x: randomSequence(3, 12, s, 3), label: [0, 1, 2, 1][k] }));
const far = [5, 6, 7, 8].map((s, k) => ({ x: randomSequence(3, 12, s, k < 2 ? 3 : 30), label: [0, 1, 2, 1][k] }));

beforeAll(async () => {
  const m = randomModel({
    inputSize: 3, normalization: true, weightScale: 0.5,
    layers: [{ type: 'lstm', units: 6, returnSequences: true }, { type: 'gru', units: 5 }, { type: 'dense', units: 3, activation: 'softmax' }],
  }, 4);
  saveModel(m, p('m.json'));
  writeFileSync(p('calib.json'), JSON.stringify([1, 2, 3].map((s) => randomSequence(3, 12, s, 3))));
  writeFileSync(p('near.json'), JSON.stringify(near));
  writeFileSync(p('far.json'), JSON.stringify(far));
  writeFileSync(p('seq.json'), JSON.stringify(near[0]!.x));
  writeFileSync(p('farseq.json'), JSON.stringify(far[3]!.x));
  const r = await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p('m.q.json'));
  expect(r.exitCode).toBe(0);
});

/** The reference's own counts on real-valued sequences. */
function counted(seqs: number[][][]) {
  const q = loadQuantModel(p('m.q.json'));
  const c = new ExcursionCounter();
  for (const s of seqs) runFixed(q, s.map((x) => quantizeInput(q, x, c)), c);
  return c.tallyList().map((t) => ({ layer: t.layer, kind: t.kind, stepsSaturated: t.stepsSaturated, valuesSaturated: t.valuesSaturated }));
}

describe('rnnc quantize --eval', () => {
  it('data like the calibration: one summary line', async () => {
    const r = await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p('a.q.json'), '--eval', p('near.json'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`ranges: no value left its calibrated range on ${p('near.json')} (4 sequences, 48 timesteps)\n`);
    expect(r.stdout).not.toContain('warning');
  });
  it('data beyond it: a warning block naming the input, exit 0; --json counts what the reference counts', async () => {
    const r = await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p('b.q.json'), '--eval', p('far.json'));
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain(`warning: values left their calibrated ranges on ${p('far.json')} (4 sequences, 48 timesteps):\n`);
    expect(r.stdout).toMatch(/\n {2}input: values \(normalised units\) beyond ±\d+ in [\d.]+ % of steps, [\d.]+ % of values \(max [\d.]+\): recalibrate with data like this \(--data\), or raise --margin\n/);
    const j = await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p('c.q.json'), '--eval', p('far.json'), '--json');
    expect(j.exitCode).toBe(0);
    const x = (JSON.parse(j.stdout) as { excursions: Summary }).excursions;
    expect(x).toMatchObject({ data: p('far.json'), sequences: 4, timesteps: 48, saturated: true });
    const input = x.items.find((i) => i.layer === -1)!;
    expect(input).toMatchObject({ type: 'input', kind: 'input', steps: 48, values: 144 });
    expect(input.stepsSaturated).toBeGreaterThan(0);
    expect(input.maxAbs).toBeGreaterThan(input.limit);
    expect(x.items.map((i) => ({ layer: i.layer, kind: i.kind, stepsSaturated: i.stepsSaturated, valuesSaturated: i.valuesSaturated })))
      .toEqual(counted(far.map((e) => e.x)));
  });
});

describe('rnnc run, fixed point', () => {
  it('text: the outputs on standard output, the excursion summary on standard error', async () => {
    const ok = await rnnc('run', p('m.q.json'), '-i', p('seq.json'));
    expect(ok.exitCode).toBe(0);
    expect(ok.stdout).toMatch(/^output: /);
    expect(ok.stderr).toBe(`rnnc: ranges: no value left its calibrated range on ${p('seq.json')} (1 sequence, 12 timesteps)`);
    const far1 = await rnnc('run', p('m.json'), '--fixed', '--data', p('calib.json'), '-i', p('farseq.json'));
    expect(far1.exitCode).toBe(0);
    expect(far1.stderr).toMatch(/^rnnc: warning: values left their calibrated ranges on .*farseq\.json \(1 sequence, 12 timesteps\):\n {2}input: /);
  });
  it('--json: "excursions" beside the outputs, nothing on standard error', async () => {
    const r = await rnnc('run', p('m.q.json'), '-i', p('farseq.json'), '--json');
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    const x = (JSON.parse(r.stdout) as { excursions: Summary }).excursions;
    expect(x).toMatchObject({ sequences: 1, timesteps: 12, saturated: true });
    expect(x.items.map((i) => ({ layer: i.layer, kind: i.kind, stepsSaturated: i.stepsSaturated, valuesSaturated: i.valuesSaturated })))
      .toEqual(counted([far[3]!.x]));
  });
});

describe('rnnc verify', () => {
  it('text: the result line alone on standard output; on standard error the summary for the calibration sequences (the synthetic cases only in --json)', async () => {
    const r = await rnnc('verify', p('m.json'), '--data', p('calib.json'), '--cases', '6');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^net on host: \d+ outputs compared in \d+ cases, all bit-exact$/);
    expect(r.stderr).toBe(`rnnc: ranges: no value left its calibrated range on ${p('calib.json')} (3 sequences, 36 timesteps)`);
    const j = await rnnc('verify', p('m.q.json'), '--cases', '6', '--json');
    expect(j.exitCode).toBe(0);
    const o = JSON.parse(j.stdout) as { format: string; bitExact: boolean; excursions: { synthetic: { cases: number; saturated: number }; calibration?: unknown } };
    expect(o).toMatchObject({ format: 'rnnc-verify', bitExact: true, excursions: { synthetic: { cases: 7 } } });
    expect(o.excursions.calibration).toBeUndefined();
  });
});
