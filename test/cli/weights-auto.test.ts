// `rnnc quantize --weights auto --max-flash N` and `--tune` through the built binary
// (build first: npx tsc -p tsconfig.json): the widths chosen within the budget (one per
// layer when mixing pays), the flash it reports equal to what `rnnc compile` reports for
// the written model, an impossible budget refused in one line (exit 2) naming the
// smallest flash, --tune recorded.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/ir/io.js';
import { randomModel, randomSequence } from '../../src/ir/random.js';

const BIN = join(import.meta.dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'rnnc-wauto-'));
const p = (f: string) => join(dir, f);
const rnnc = (...args: string[]) => execa('node', [BIN, ...args], { reject: false });

interface Candidate { layers: number[]; widths: string; lutSize: number; flash: { weights: number; luts: number; total: number }; rms: number; fits: boolean }
interface Quantization { weightBits: number; tune: string; layerWeightBits?: number[] }
interface Choice { weights: string; maxFlash: number | null; chosen: number[]; widths: string; lutSize: number; candidates: Candidate[] }

async function auto(...extra: string[]): Promise<{ exitCode: number | undefined; json: { weights: Choice; quantization: Quantization } }> {
  const r = await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p('q.json'), '--force', '--json', ...extra);
  expect(r.stderr).toBe('');
  return { exitCode: r.exitCode, json: JSON.parse(r.stdout) };
}

/** `--weights auto` without a budget, run once: the candidates the other tests set budgets from. */
let unboundedRun: ReturnType<typeof auto> | undefined;
const unbounded = () => (unboundedRun ??= auto('--weights', 'auto'));

beforeAll(() => {
  saveModel(randomModel({ inputSize: 3, weightScale: 0.5, layers: [{ type: 'gru', units: 12, returnSequences: true }, { type: 'dense', units: 2, activation: 'linear' }] }, 5), p('m.json'));
  writeFileSync(p('calib.json'), JSON.stringify([1, 2, 3, 4].map((s) => randomSequence(3, 40, s))));
});

describe('rnnc quantize --weights auto --max-flash', () => {
  it('without a budget: the widths of least measured error (int16 here), every candidate reported', async () => {
    const { exitCode, json } = await unbounded();
    expect(exitCode).toBe(0);
    // The uniform widths, then the greedy search from all int8: each layer widened alone.
    expect(json.weights.candidates.map((c) => [c.layers.join('/'), c.lutSize])).toEqual([['8/8', 256], ['16/16', 256], ['16/16', 512], ['16/8', 256], ['8/16', 256]]);
    const [c8, c16s, c16] = json.weights.candidates;
    expect(c16!.rms).toBeLessThan(c8!.rms);
    expect(c16s!.flash.total).toBeLessThan(c16!.flash.total);
    expect(json.weights.chosen).toEqual([16, 16]);
    expect(json.quantization.weightBits).toBe(16);
    const best = Math.min(...json.weights.candidates.map((c) => c.rms));
    expect(json.weights.candidates.find((c) => c.rms === best)!.lutSize).toBe(json.weights.lutSize);
  }, 60_000);

  it('an encoder–decoder: the uniform widths measured on its K outputs, no per-layer search', async () => {
    const f = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/torch/seq2seq_bahdanau_lstm.json'), 'utf8')) as { model: unknown; input: number[][] };
    writeFileSync(p('s2s.json'), JSON.stringify(f.model));
    writeFileSync(p('s2s-calib.json'), JSON.stringify([f.input]));
    const r = await rnnc('quantize', p('s2s.json'), '--data', p('s2s-calib.json'), '-o', p('s2s.q.json'), '--force', '--json', '--weights', 'auto');
    expect([r.exitCode, r.stderr]).toEqual([0, '']);
    const { weights } = JSON.parse(r.stdout) as { weights: Choice };
    expect(weights.candidates.map((c) => [c.layers.join('/'), c.lutSize])).toEqual([['8', 256], ['16', 256], ['16', 512]]);
    expect(weights.candidates[1]!.rms).toBeLessThan(weights.candidates[0]!.rms);
  }, 60_000);

  it('a budget int16 fits only with the smaller tables picks those when more accurate than int8', async () => {
    const [c8, c16s] = (await unbounded()).json.weights.candidates;
    expect(c16s!.rms).toBeLessThan(c8!.rms);
    const { json } = await auto('--weights', 'auto', '--max-flash', String(c16s!.flash.total));
    expect([json.weights.chosen, json.weights.lutSize]).toEqual([[16, 16], 256]);
    expect(json.weights.candidates.slice(0, 3).map((c) => c.fits)).toEqual([true, true, false]);
  }, 60_000);

  it('a budget only int8 fits picks int8; its flash is what compile reports for the written model', async () => {
    const first = await unbounded();
    const [c8, c16] = first.json.weights.candidates;
    const budget = c8!.flash.total;
    const { exitCode, json } = await auto('--weights', 'auto', '--max-flash', String(budget));
    expect(exitCode).toBe(0);
    expect(json.weights.chosen).toEqual([8, 8]);
    expect(json.weights.candidates.map((c) => c.fits)).toEqual([true, false, false, false, false]);
    expect(json.quantization.weightBits).toBe(8);
    const compiled = await rnnc('compile', p('q.json'), '-o', p('c'), '--json', '--force');
    expect(compiled.exitCode).toBe(0);
    const report = JSON.parse(compiled.stdout) as { flash: { weights: number; luts: number } };
    expect(report.flash.weights + report.flash.luts).toBe(c8!.flash.total);
    expect(report.flash.weights + report.flash.luts).toBeLessThanOrEqual(budget);
    const text = await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p('q2.json'), '--weights', 'auto', '--max-flash', String(budget));
    expect(text.stdout).toMatch(new RegExp(`weights auto under --max-flash ${budget}: int8 for every layer, 256-entry tables; int8 weights \\(LUT 256\\) ${c8!.flash.total} B .*int16 weights \\(LUT 256\\) ${c16!.flash.total} B .*over budget`));
  }, 60_000);

  it('a budget between the widths: one layer widened (the one that lowers the error most per byte), written, compiled and evaluated as such', async () => {
    const first = await unbounded();
    const [c8, c16s] = first.json.weights.candidates;
    const mixed = first.json.weights.candidates.slice(3).filter((c) => c.flash.total < c16s!.flash.total && c.rms < c8!.rms);
    expect(mixed.length).toBeGreaterThan(0);
    const want = mixed.reduce((a, b) => (b.rms < a.rms ? b : a));
    const { json } = await auto('--weights', 'auto', '--max-flash', String(want.flash.total));
    expect(json.weights.chosen).toEqual(want.layers);
    expect(json.weights.widths).toBe(want.widths);
    expect(json.quantization.layerWeightBits).toEqual(want.layers);
    const q = JSON.parse(readFileSync(p('q.json'), 'utf8')) as { weightBits: number; layers: Array<{ weightBits?: number }> };
    expect(q.weightBits).toBe(8);
    expect(q.layers.map((l) => l.weightBits ?? 8)).toEqual(want.layers);
    const compiled = await rnnc('compile', p('q.json'), '-o', p('cm'), '--json', '--force');
    const report = JSON.parse(compiled.stdout) as { layerWeightBits: number[]; flash: { weights: number; luts: number } };
    expect(report.layerWeightBits).toEqual(want.layers);
    expect(report.flash.weights + report.flash.luts).toBe(want.flash.total);
    const header = readFileSync(p('cm/net.h'), 'utf8');
    expect(header).toContain(`Quantization: ${want.widths} (per-row scale)`);
    // --eval measures the written (mixed) model beside the uniform widths.
    writeFileSync(p('eval.json'), JSON.stringify([5, 6].map((s) => ({ x: randomSequence(3, 30, s), labels: randomSequence(2, 30, s + 10) }))));
    const text = await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p('q3.json'), '--weights', 'auto', '--max-flash', String(want.flash.total), '--eval', p('eval.json'));
    expect(text.stderr).toBe('');
    expect(text.stdout).toContain(`wrote ${p('q3.json')}: ${want.widths}, 256-entry tables`);
    expect(text.stdout).toMatch(new RegExp(`int16 [0-9.]+ \\([-+][0-9.]+%\\), mixed \\(${want.widths}\\) [0-9.]+`));
  }, 60_000);

  it('an impossible budget: one line, exit 2, the smallest flash named; no file written', async () => {
    const first = await unbounded();
    const least = first.json.weights.candidates[0]!.flash;
    for (const w of ['auto', 'int16']) {
      const r = await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p('none.q.json'), '--weights', w, '--max-flash', String(least.total - 1));
      expect(r.exitCode).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      const smallest = w === 'auto' ? least.total : first.json.weights.candidates[1]!.flash.total;
      expect(r.stderr).toContain(`--max-flash ${least.total - 1}: too small: the smallest flash is ${smallest} bytes`);
      expect(() => readFileSync(p('none.q.json'))).toThrow();
    }
    const bad = await rnnc('quantize', p('m.json'), '-o', p('none.q.json'), '--max-flash', '1e3');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe("rnnc: --max-flash: expected an integer from 1 to 2147483647, got '1e3'");
  }, 60_000);

  it('--tune is recorded and checked', async () => {
    expect((await auto('--tune', 'none')).json.quantization.tune).toBe('none');
    expect((await auto()).json.quantization.tune).toBe('bias,round');
    const bad = await rnnc('quantize', p('m.json'), '-o', p('none.q.json'), '--tune', 'round,fast');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe("rnnc: --tune: expected none, scale, bias, round, all or a comma-separated list of scale, bias, round, got 'round,fast'");
  }, 60_000);
});
