/** Validation collects every problem at once, each naming its JSON path. */
import { describe, expect, it } from 'vitest';
import { modelToJson } from '../../../src/ir/io.js';
import { randomModel } from '../../../src/ir/random.js';
import { summarize } from '../../../src/ir/shapes.js';
import { formatPath, validateModel } from '../../../src/ir/validate.js';
import { problemsOf as problemsOfRun } from '../../helpers/refusals.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- tests break raw JSON on purpose */
type Json = any;

const valid = randomModel({
  inputSize: 4, normalization: true,
  layers: [{ type: 'lstm', units: 5, returnSequences: true }, { type: 'gru', units: 3 }, { type: 'dense', units: 2, activation: 'relu' }],
}, 1);
const raw = (): Json => JSON.parse(modelToJson(valid));

const problemsOf = (json: unknown): readonly string[] => problemsOfRun(() => validateModel(json, 'm.json'));

describe('validateModel', () => {
  it('accepts a valid model and fills defaults', () => {
    const m = raw();
    delete m.layers[1].returnSequences;
    expect(validateModel(m, 'm.json').layers[1]).toMatchObject({ type: 'gru', returnSequences: false });
  });

  it('collects every semantic problem at once, in model order', () => {
    const m = raw();
    m.name = 'Bad';
    m.normalization.std[1] = 0;
    m.layers[0].weights.kernel.pop();
    m.layers[0].returnSequences = false;
    m.layers[2].weights.bias.push(1);
    expect(problemsOf(m)).toEqual([
      'name: "Bad" is not a safe C identifier: use lower-case letters, digits and \'_\', starting with a letter',
      'normalization.std[1]: expected a positive number, got 0',
      'layers[1]: a gru layer needs a sequence, but layers[0] has returnSequences false',
      'layers[0].weights.kernel: expected 20×4, got 19×4',
      'layers[2].weights.bias: expected 2 values, got 3',
    ]);
  });

  it('joins them into one line: "<file>: N problems: a; b"', () => {
    const m = raw();
    m.layers[1].units = 0;
    m.layers[2].units = 9999;
    let msg = '';
    try { validateModel(m, 'm.json'); } catch (e) { msg = (e as Error).message; }
    expect(msg).toBe('m.json: 2 problems: layers[1].units: expected an integer from 1 to 4096, got 0; layers[2].units: expected an integer from 1 to 4096, got 9999');
    expect(msg).not.toContain('\n');
  });

  it('collects every schema problem at once, listing at most 8', () => {
    const m = raw();
    m.layers[0].weights.kernel.forEach((row: unknown[], r: number) => { row[0] = `w${r}`; });
    m.extra = 1;
    m.layers[2].activation = 'swish';
    const problems = problemsOf(m);
    expect(problems).toHaveLength(9);
    expect(problems[8]).toMatch(/^and \d+ more$/);
    expect(problems).toContain("(top level): unknown field 'extra'");
    expect(problems).toContain('layers[0].weights.kernel[0][0]: expected a finite number, got "w0"');
  });

  it('a recurrent layer following a many-to-one one is reported once, not for every later layer', () => {
    const m = randomModel({ inputSize: 2, layers: [{ type: 'rnn', units: 2 }, { type: 'rnn', units: 2, returnSequences: true }, { type: 'rnn', units: 2 }] }, 2);
    expect(problemsOf(m)).toEqual(['layers[1]: a rnn layer needs a sequence, but layers[0] has returnSequences false']);
  });

  it('dense layers may follow a many-to-one layer, and may come first', () => {
    const m = randomModel({ inputSize: 2, layers: [{ type: 'dense', units: 3, activation: 'tanh' }, { type: 'gru', units: 2 }, { type: 'dense', units: 2, activation: 'linear' }, { type: 'dense', units: 1, activation: 'sigmoid' }] }, 3);
    expect(problemsOf(m)).toEqual([]);
  });

  it('sizes are checked before shapes, so a wrong size is not buried under derived shape errors', () => {
    const m = raw();
    m.inputSize = 5000;
    expect(problemsOf(m)).toEqual(['inputSize: expected an integer from 1 to 4096, got 5000']);
  });

  it('normalisation must be float32-safe: the emitted C divides by std in float32', () => {
    const m = raw();
    m.normalization.std = [1e-320, 1, 1, 1];
    expect(problemsOf(m)).toEqual(['normalization.std[0]: expected a float32-safe std from 1.18e-38 to 3.4e38 (1/std must stay finite in float32), got 1e-320']);
    m.normalization.std = [1e-9, 1, 1, 1];
    expect(problemsOf(m)).toEqual([]);
  });

  it('a mean or std in large raw units is not a weight: accepted within float32', () => {
    const m = raw();
    m.normalization.mean[0] = 1.5e7;
    m.normalization.std[0] = 2e6;
    expect(problemsOf(m)).toEqual([]);
  });

  it('stops at the header when format or version is wrong', () => {
    expect(problemsOf({ format: 'onnx' })).toEqual(['m.json: format: expected "rnnc-model", got "onnx" (is this an rnnc model.json?)']);
    expect(problemsOf({ format: 'rnnc-model', version: '1' })).toEqual(['m.json: version: this rnnc reads version 1, got "1"']);
    expect(problemsOf(null)).toEqual(['m.json: expected a JSON object with "format": "rnnc-model"']);
  });
});

describe('mingru layers', () => {
  const mg = (): Json => JSON.parse(modelToJson(randomModel({ inputSize: 3, layers: [{ type: 'mingru', units: 4 }, { type: 'dense', units: 2, activation: 'linear' }] }, 2)));

  it('accept a kernel of 2·units rows and no recurrent kernel; params and MACs count no H×H product', () => {
    expect(problemsOf(mg())).toEqual([]);
    expect(summarize(validateModel(mg(), 'm.json')).layers[0]).toMatchObject({ params: 2 * 4 * (3 + 1), macsPerStep: 2 * 4 * 3 });
  });

  it('refuse a recurrent kernel (a missing one elsewhere) in one line each; bidirectional is accepted', () => {
    const m = mg();
    m.layers[0].weights.recurrentKernel = [[0]];
    m.layers[0].weights.kernel.pop();
    expect(problemsOf(m)).toEqual(['layers[0].weights.kernel: expected 8×3, got 7×3', 'layers[0].weights.recurrentKernel: a mingru has no recurrent product; remove it']);
    const b = mg();
    b.layers[0].bidirectional = 'sum';
    b.layers[0].backwardWeights = b.layers[0].weights;
    expect(problemsOf(b)).toEqual([]);
    const l = mg();
    l.layers[0].type = 'minlstm';
    l.layers[0].weights.recurrentKernel = [[0]];
    expect(problemsOf(l)).toEqual(['layers[0].weights.kernel: expected 12×3, got 8×3', 'layers[0].weights.recurrentKernel: a minlstm has no recurrent product; remove it', 'layers[0].weights.bias: expected 12 values, got 8']);
    const g = raw();
    delete g.layers[1].weights.recurrentKernel;
    expect(problemsOf(g)).toEqual(['layers[1].weights.recurrentKernel: required (9×3)']);
  });
});

describe('formatPath', () => {
  it('writes JSON paths as a user would type them', () => {
    expect(formatPath(['layers', 1, 'weights', 'kernel', 3])).toBe('layers[1].weights.kernel[3]');
    expect(formatPath([])).toBe('(top level)');
    expect(formatPath([0, 'a'])).toBe('[0].a');
  });
});
