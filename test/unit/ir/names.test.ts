/** The model-name policy: the name prefixes every exported C symbol. */
import { describe, expect, it } from 'vitest';
import { MAX_NAME_LENGTH, nameProblem } from '../../../src/ir/names.js';

describe('nameProblem', () => {
  it('accepts short lower-case C identifiers', () => {
    for (const ok of ['kws', 'a', 'net2', 'gesture_m4', 'abcdefghijkl', 'rnncar', 'rnn', 'x_1_y']) {
      expect(nameProblem(ok), ok).toBeUndefined();
    }
    expect('abcdefghijkl').toHaveLength(MAX_NAME_LENGTH);
  });

  const refused: Array<[string, RegExp]> = [
    ['', /^must not be empty$/],
    ['Kws', /not a safe C identifier/],
    ['my net', /not a safe C identifier/],
    ['a"b', /^"a\\"b" is not a safe C identifier/],
    ['a*/b', /not a safe C identifier/],
    ['a-b', /not a safe C identifier/],
    ['_kws', /not a safe C identifier/],
    ['9lives', /not a safe C identifier/],
    ['kwś', /not a safe C identifier/],
    ['abcdefghijklm', /is 13 characters long; at most 12/],
    ['int', /reserved word in C or C\+\+/],
    ['class', /reserved word in C or C\+\+/],
    ['main', /reserved word/],
    ['rnnc', /must not start with 'rnnc_'/],
    ['rnnc_kws', /must not start with 'rnnc_'/],
    ['a__b', /must not contain '__'/],
    ['kws_', /must not end with '_'/],
  ];
  for (const [name, why] of refused) {
    it(`refuses ${JSON.stringify(name)}`, () => expect(nameProblem(name)).toMatch(why));
  }

  it('keeps the message short for a huge name', () => {
    expect(nameProblem('X'.repeat(10000))!.length).toBeLessThan(200);
  });
});
