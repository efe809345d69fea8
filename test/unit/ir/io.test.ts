/** model.json load/save: save → load is the identical object, and saving again the identical bytes. */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isRnncError } from '../../../src/errors.js';
import { loadModel, modelToJson, parseModel, saveModel } from '../../../src/ir/io.js';
import type { FloatModel } from '../../../src/ir/model.js';
import { randomModel } from '../../../src/ir/random.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnc-io-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const model = randomModel({
  inputSize: 5, normalization: true, weightScale: 3,
  layers: [
    { type: 'lstm', units: 6, returnSequences: true, bidirectional: 'sum' },
    { type: 'gru', units: 4, returnSequences: true, resetAfter: true },
    { type: 'gru', units: 3, resetAfter: false },
    { type: 'dense', units: 2, activation: 'softmax' },
  ],
}, 9);

describe('save and load', () => {
  it('save → load gives an identical object, and saving that gives identical bytes', () => {
    const a = join(dir, 'a.json');
    const b = join(dir, 'b.json');
    saveModel(model, a);
    const loaded = loadModel(a);
    expect(loaded).toEqual(model);
    saveModel(loaded, b);
    expect(readFileSync(b)).toEqual(readFileSync(a));
  });

  it('every float64 within the weight limit survives exactly, including extremes', () => {
    const m: FloatModel = structuredClone(model);
    const extremes = [5e-324, 999999.9999999999, -2.2250738585072014e-308, 0.1 + 0.2, 1 / 3, -123456.789e-10];
    (m.layers[0]!.weights as { bias: number[] }).bias.splice(0, extremes.length, ...extremes);
    const back = parseModel(modelToJson(m));
    expect((back.layers[0]!.weights as { bias: number[] }).bias.slice(0, extremes.length)).toEqual(extremes);
    expect(back).toEqual(m);
  });

  it('the saved text is canonical: key order and spacing of the input do not matter', () => {
    const canonical = modelToJson(model);
    const reordered = JSON.stringify(JSON.parse(canonical, (_k, v: unknown) =>
      v !== null && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v));
    expect(reordered.startsWith('{"layers"')).toBe(true);
    expect(modelToJson(parseModel(reordered))).toBe(canonical);
  });

  it('defaults are written out (returnSequences false), meta is kept', () => {
    const raw = JSON.parse(modelToJson(model)) as { layers: Array<Record<string, unknown>>; meta?: unknown };
    delete raw.layers[2]!.returnSequences;
    raw.meta = { producer: 'hand', classes: ['yes', 'no'] };
    const text = modelToJson(parseModel(JSON.stringify(raw)));
    expect(text).toContain('"returnSequences": false');
    expect(JSON.parse(text).meta).toEqual(raw.meta);
  });

  it('numeric arrays stay on one line (readable diffs of large models)', () => {
    const text = modelToJson(model);
    expect(text).toMatch(/^ {10}\[-?\d[^\n]*\],?$/m);
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('writes atomically into new folders and refuses an impossible path in one line', () => {
    const deep = join(dir, 'x', 'y', 'm.json');
    saveModel(model, deep);
    expect(loadModel(deep)).toEqual(model);
    const file = join(dir, 'plain');
    writeFileSync(file, '');
    let err = '';
    try { saveModel(model, join(file, 'm.json')); } catch (e) { err = isRnncError(e) ? `${e.code} ${e.message}` : 'other'; }
    expect(err).toBe(`io/unwritable cannot write ${join(file, 'm.json')}: ${file} is not a directory`);
  });
});
