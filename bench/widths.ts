/**
 * What per-layer weight widths buy under a flash budget (`rnnc quantize --weights auto
 * --max-flash N`, src/cli/weights-auto.ts): for each model, every candidate the search
 * measures (uniform int8/int16 and the greedy mixed ones: flash of the weight and lookup
 * tables, RMS output error against float on the calibration data), then, at every budget
 * from all-int8's flash to all-int16's (each candidate's own flash is a budget), the error
 * of the best candidate that fits against the best *uniform* candidate that fits. A ratio
 * below 1 is what mixing gains at that budget; 1.00 means a uniform width was as good.
 *
 *   npm run bench:widths [-- --only NAME,NAME]
 *
 * Models: the multi-layer PyTorch exports of test/fixtures/onnx/ and onnx/patterns/ that
 * rnnc imports, and three random stacks, calibrated and measured on 32 sequences of 32
 * standard-normal steps (as bench/peer.ts draws fixture inputs).
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { loadAnyModel } from '../src/import/detect.js';
import type { FloatModel } from '../src/ir/model.js';
import { randomModel } from '../src/ir/random.js';
import { type WidthCandidate, chooseWidth } from '../src/cli/weights-auto.js';
import { Rng } from '../src/util/rng.js';

const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt > 0 ? process.argv[onlyAt + 1]!.split(',') : undefined;

function gaussian(seed: number, count: number, steps: number, features: number): number[][][] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Array.from({ length: steps }, () => Array.from({ length: features }, () => rng.normal())));
}

function models(): Array<{ name: string; model: FloatModel }> {
  const out: Array<{ name: string; model: FloatModel }> = [];
  for (const dir of ['test/fixtures/onnx', 'test/fixtures/onnx/patterns']) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort()) {
      const name = `${basename(dir) === 'onnx' ? '' : 'patterns/'}${file.slice(0, -5)}`;
      try {
        const model = loadAnyModel(join(dir, file), { name: 'w' }).model;
        if (model.layers.length > 1) out.push({ name, model });
      } catch {
        // Not importable (the refusal tests' fixtures): nothing to measure.
      }
    }
  }
  const stacks: Array<[string, Parameters<typeof randomModel>[0]]> = [
    ['random/lstm32-gru16-dense4', { inputSize: 8, layers: [{ type: 'lstm', units: 32, returnSequences: true }, { type: 'gru', units: 16 }, { type: 'dense', units: 4, activation: 'linear' }] }],
    ['random/conv8-lstm24-dense2', { inputSize: 3, layers: [{ type: 'conv1d', units: 8, kernelSize: 3, dilation: 1, activation: 'relu' }, { type: 'lstm', units: 24 }, { type: 'dense', units: 2, activation: 'linear' }] }],
    ['random/gru48-dense32-dense3', { inputSize: 6, layers: [{ type: 'gru', units: 48 }, { type: 'dense', units: 32, activation: 'relu' }, { type: 'dense', units: 3, activation: 'linear' }] }],
  ];
  stacks.forEach(([name, spec], k) => out.push({ name, model: randomModel({ name: 'w', ...spec }, 40 + k) }));
  return ONLY ? out.filter((m) => ONLY.includes(m.name)) : out;
}

const uniform = (c: WidthCandidate) => c.layers.every((b) => b === c.layers[0]);
const best = (cs: WidthCandidate[]) => cs.reduce((a, b) => (b.rms! < a.rms! ? b : a));

console.log('per-layer weight widths under a flash budget: best candidate / best uniform candidate, RMS output error');
console.log('model'.padEnd(34) + 'int8 B   rms      int16 B  rms      | budgets  mixed wins  best ratio  (its widths, flash)');
const gains: number[] = [];
let rows = 0;
models().forEach(({ name, model }, k) => {
  const seqs = gaussian(3000 + k, 32, 32, model.inputSize);
  const { choice } = chooseWidth(model, { sequences: seqs, source: name }, {}, 'auto', undefined);
  const c = choice.candidates;
  const int8 = c.find((x) => uniform(x) && x.layers[0] === 8)!;
  const int16 = c.filter((x) => uniform(x) && x.layers[0] === 16).reduce((a, b) => (b.flash.total < a.flash.total ? b : a));
  const budgets = [...new Set(c.map((x) => x.flash.total))].filter((b) => b >= int8.flash.total && b <= int16.flash.total).sort((a, b) => a - b);
  let wins = 0;
  let top: { ratio: number; cand: WidthCandidate } | undefined;
  for (const budget of budgets) {
    const fit = c.filter((x) => x.flash.total <= budget);
    const any = best(fit), uni = best(fit.filter(uniform));
    const ratio = any.rms! / uni.rms!;
    if (ratio < 1) {
      wins++;
      if (!top || ratio < top.ratio) top = { ratio, cand: any };
    }
  }
  rows++;
  if (top) gains.push(top.ratio);
  const e = (x: number) => x.toExponential(2);
  console.log(`${name.padEnd(34)}${String(int8.flash.total).padStart(6)}   ${e(int8.rms!)}  ${String(int16.flash.total).padStart(6)}   ${e(int16.rms!)} | ` +
    `${String(budgets.length).padStart(7)}  ${String(wins).padStart(10)}  ${top ? top.ratio.toFixed(2).padStart(10) : '         —'}` +
    `${top ? `  (${top.cand.widths}, ${top.cand.flash.total} B)` : ''}`);
});
const geo = gains.length ? Math.exp(gains.reduce((s, g) => s + Math.log(g), 0) / gains.length) : NaN;
console.log(`\n${gains.length} of ${rows} models have a budget where mixed widths beat every uniform width that fits; ` +
  `there, best ratio geometric mean ${geo.toFixed(2)} (min ${Math.min(...gains).toFixed(2)})`);
