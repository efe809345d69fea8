// `rnnc quantize` and `rnnc run` on quantized models, through the built binary
// (build first: npx tsc -p tsconfig.json): outputs, warnings, exit codes.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { saveModel } from '../../src/ir/io.js';
import { randomModel, randomSequence } from '../../src/ir/random.js';

const BIN = join(import.meta.dirname, '../../dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'rnnc-quantize-'));
const p = (f: string) => join(dir, f);
const rnnc = (...args: string[]) => execa('node', [BIN, ...args], { reject: false });

beforeAll(() => {
  const m = randomModel({
    inputSize: 3, normalization: true, weightScale: 0.5,
    layers: [{ type: 'lstm', units: 6, returnSequences: true }, { type: 'gru', units: 5 }, { type: 'dense', units: 3, activation: 'softmax' }],
  }, 4);
  saveModel(m, p('m.json'));
  const seqs = [1, 2, 3].map((s) => randomSequence(3, 12, s, 3));
  writeFileSync(p('calib.json'), JSON.stringify(seqs));
  writeFileSync(p('seq.json'), JSON.stringify(seqs[0]));
  writeFileSync(p('seq.csv'), seqs[1]!.map((r) => r.join(',')).join('\n'));
  writeFileSync(p('wide.json'), JSON.stringify([[[1, 2, 3, 4]]]));
  writeFileSync(p('wideseq.json'), JSON.stringify([[1, 2, 3, 4]]));
  writeFileSync(p('empty.json'), '[]');
  writeFileSync(p('eval.json'), JSON.stringify([5, 6, 7, 8].map((s, k) => ({ x: randomSequence(3, 12, s, 3), label: [0, 1, 2, 1][k] }))));
  const csvRows = [9, 10].flatMap((s, k) => randomSequence(3, 4, s, 3).map((x) => [`s${k}`, ...x, k].join(',')));
  writeFileSync(p('eval.csv'), `seq,a,b,c,label\n${csvRows.join('\n')}\n`);
});

describe('rnnc quantize', () => {
  it('writes model.q.json and a report; int8 by default', async () => {
    const r = await rnnc('quantize', p('m.json'), '--calib', p('calib.json'), '-o', p('m.q.json'));
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('int8 weights, 256-entry tables');
    expect(r.stdout).toContain('calibration: 3 sequences, 36 timesteps');
    expect(r.stdout).toMatch(/0 +lstm +in Q\d\.\d+, out Q0\.15, cell int16/);
    expect(r.stdout).toContain('accumulators: 5 of 5 products proven safe in int32');
    const q = JSON.parse(readFileSync(p('m.q.json'), 'utf8')) as { format: string; weightBits: number; meta: { quantization: { calibration: unknown } } };
    expect(q.format).toBe('rnnc-qmodel');
    expect(q.weightBits).toBe(8);
    expect(q.meta.quantization.calibration).toMatchObject({ sequences: 3, timesteps: 36 });
  });

  it('--cell: int32 and int16 fix the LSTM cell type; auto records the measured candidates; a bad value exits 2', async () => {
    const cellOf = (f: string) => (JSON.parse(readFileSync(p(f), 'utf8')) as { layers: Array<{ cell?: { bits: number } }> }).layers[0]!.cell!.bits;
    for (const [cell, bits] of [['int32', 32], ['int16', 16]] as const) {
      const r = await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p(`cell-${cell}.q.json`), '--cell', cell);
      expect(r.exitCode).toBe(0);
      expect(cellOf(`cell-${cell}.q.json`)).toBe(bits);
    }
    expect((await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p('cell-auto.q.json'))).exitCode).toBe(0);
    const auto = JSON.parse(readFileSync(p('cell-auto.q.json'), 'utf8')) as { meta: { quantization: { cells: Array<{ layer: number; candidates: unknown[] }> } } };
    expect(auto.meta.quantization.cells.map((d) => d.layer)).toEqual([0]);
    expect(auto.meta.quantization.cells[0]!.candidates.length).toBeGreaterThan(2);
    const bad = await rnnc('quantize', p('m.json'), '--data', p('calib.json'), '-o', p('bad.q.json'), '--cell', 'int8');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe("rnnc: --cell: expected int16, int32, auto, got 'int8'");
  });

  it('int16 weights, --json report, --eval JSON and CSV', async () => {
    const r = await rnnc('quantize', p('m.json'), '--calib', p('calib.json'), '-o', p('m16.q.json'), '--weights', 'int16', '--eval', p('eval.json'), '--json');
    expect(r.exitCode).toBe(0);
    const rep = JSON.parse(r.stdout) as { quantization: { weightBits: number; lut: { size: number } }; layerErrors: unknown[]; eval: { metric: string; examples: number } };
    expect(rep.quantization.weightBits).toBe(16);
    expect(rep.quantization.lut.size).toBe(512);
    expect(rep.layerErrors).toHaveLength(3);
    expect(rep.eval).toMatchObject({ metric: 'accuracy', examples: 4 });
    const c = await rnnc('quantize', p('m.json'), '--calib', p('calib.json'), '-o', p('m.q.json'), '--eval', p('eval.csv'));
    expect(c.exitCode).toBe(0);
    expect(c.stdout).toMatch(/eval on .*eval\.csv \(2 sequences\): accuracy float/);
  });

  it('without calibration data: one warning line on stderr, still exit 0', async () => {
    const r = await rnnc('quantize', p('m.json'), '-o', p('m0.q.json'));
    expect(r.exitCode).toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^rnnc: warning: no calibration data/);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['bad --weights', ['--weights', 'int4'], /^rnnc: --weights: expected int8 or int16, got 'int4'$/],
    ['bad --lut-size', ['--lut-size', '300'], /^rnnc: --lut-size: expected one of 16, 32, .*4096, got '300'$/],
    ['bad --percentile', ['--percentile', '0'], /^rnnc: --percentile: expected a number in \(0, 100\], got '0'$/],
    ['feature count mismatch', ['--calib', 'wide.json'], /^rnnc: .*wide\.json: sequence 0, timestep 0: 4 features, but the model takes 3$/],
    ['empty calibration data', ['--calib', 'empty.json'], /^rnnc: .*empty\.json: no sequences/],
    ['--horizon without --window', ['--horizon', '1'], /^rnnc: --horizon needs --window$/],
    ['bad --window', ['--window', '0'], /^rnnc: --window: expected an integer from 1 to 65535, got '0'$/],
    ['--window without a data file', ['--window', '8'], /^rnnc: --window: there is no data file to read with it; give --data \(calibration data\)$/],
    ['--features without a data file', ['--features', 'a,b'], /^rnnc: --features: there is no data file to read with it; give --data \(calibration data\)$/],
    ['missing calibration file', ['--calib', 'nope.json'], /^rnnc: cannot read .*nope\.json: no such file or directory$/],
  ];
  for (const [what, args, msg] of bad) {
    it(`${what}: exit 2 and one line`, async () => {
      const fixed = args.map((a) => (a.endsWith('.json') ? p(a) : a));
      const r = await rnnc('quantize', p('m.json'), '-o', p('bad.q.json'), ...fixed);
      expect(r.exitCode).toBe(2);
      expect(r.stderr.trim()).toMatch(msg);
      expect(r.stdout).toBe('');
    });
  }
});

describe('rnnc run with fixed point', () => {
  it('runs model.q.json; --fixed on model.json quantizes on the fly to the same result', async () => {
    await rnnc('quantize', p('m.json'), '--calib', p('calib.json'), '-o', p('run.q.json'));
    const a = await rnnc('run', p('run.q.json'), '-i', p('seq.json'), '--json');
    const b = await rnnc('run', p('m.json'), '--fixed', '--calib', p('calib.json'), '-i', p('seq.json'), '--json');
    expect(a.exitCode).toBe(0);
    expect(b.stdout).toBe(a.stdout);
    const out = JSON.parse(a.stdout) as { outputs: number[][]; raw: number[][]; frac: number };
    expect(out.frac).toBe(15);
    expect(out.outputs[0]).toEqual(out.raw[0]!.map((v) => v / 32768));
    const f = JSON.parse((await rnnc('run', p('m.json'), '-i', p('seq.json'), '--json')).stdout) as { outputs: number[][] };
    f.outputs[0]!.forEach((v, j) => expect(Math.abs(v - out.outputs[0]![j]!)).toBeLessThan(0.01));
    const csv = await rnnc('run', p('run.q.json'), '-i', p('seq.csv'));
    expect(csv.stdout).toMatch(/^output: [\d.]+ [\d.]+ [\d.]+$/);
  });
  it('--calib without --fixed on a float model is a usage error', async () => {
    const r = await rnnc('run', p('m.json'), '--calib', p('calib.json'), '-i', p('seq.json'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^rnnc: --calib only applies with --fixed/);
  });
  it('a sequence with the wrong feature count: exit 2', async () => {
    const r = await rnnc('run', p('run.q.json'), '-i', p('wideseq.json'));
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/wideseq\.json: timestep 0 has 4 features, but the model takes 3$/m);
  });
});
