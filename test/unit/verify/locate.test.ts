// cutModel: layers [0, k] as a model whose reference output is layer k's output.
import { describe, expect, it } from 'vitest';
import { checkQuantModel } from '../../../src/ir/qcheck.js';
import { runFixed } from '../../../src/fixed/model.js';
import { randomModel } from '../../../src/ir/random.js';
import { quantizeModel } from '../../../src/quantize/quantize.js';
import { cutModel } from '../../../src/verify/locate.js';

describe('cutModel', () => {
  it('gives each layer prefix as a valid model feeding the next layer', () => {
    const q = quantizeModel(randomModel({ name: 'm', inputSize: 3, layers: [
      { type: 'gru', units: 4, returnSequences: true, bidirectional: 'concat' }, { type: 'dense', units: 5, activation: 'relu' }, { type: 'rnn', units: 2 },
    ] }, 4));
    const xs = [[100, -200, 3000], [32767, -32768, 0], [5, 5, 5]];
    for (let k = 0; k < 3; k++) {
      const cut = cutModel(q, k);
      checkQuantModel(cut, 'cut');
      expect(cut.outputSize).toBe([8, 5, 2][k]);
    }
    expect(runFixed(cutModel(q, 2), xs)).toEqual(runFixed(q, xs));
    expect(runFixed(cutModel(q, 0), xs)[0]!.length).toBe(8);
  });
});
