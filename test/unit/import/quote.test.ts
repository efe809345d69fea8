import { describe, expect, it } from 'vitest';
import { RnncProblems } from '../../../src/errors.js';
import { QUOTE_MAX, escapeText, hasBinary, problemsError, quote } from '../../../src/import/quote.js';

describe('quote: names from files in messages', () => {
  it('leaves ordinary names alone, quoted', () => {
    expect(quote('bidirectional/forward_gru_1/gru_cell/kernel')).toBe("'bidirectional/forward_gru_1/gru_cell/kernel'");
    expect(quote('gewichte_ü_λ')).toBe("'gewichte_ü_λ'");
  });

  it('escapes controls, quotes, invisible characters and undecodable bytes', () => {
    expect(quote("a\nb\tc\u0000d'e\\f")).toBe("'a\\nb\\tc\\x00d\\'e\\\\f'");
    expect(quote('\u001b[31mred\u0007')).toBe("'\\x1b[31mred\\x07'");
    expect(quote('x\u202ey\u200bz\ufffd')).toBe("'x\\u202ey\\u200bz\\ufffd'");
    expect(quote('\u2028')).toBe("'\\u2028'");
  });

  it('cuts long names with an ellipsis, never inside an escape', () => {
    const long = quote('n'.repeat(500));
    expect(long).toBe(`'${'n'.repeat(QUOTE_MAX)}…'`);
    const escapes = escapeText('\u0001'.repeat(100));
    expect(escapes.endsWith('\\x01…')).toBe(true);
    expect(escapes.length).toBeLessThanOrEqual(QUOTE_MAX + 1);
  });

  it('quotes non-strings as text', () => {
    expect(quote(7)).toBe("'7'");
  });

  it('hasBinary tells damaged names from unusual ones', () => {
    expect(hasBinary('/rnn/Constant_5_o\ufffdtput_0')).toBe(true);
    expect(hasBinary('onstant*&\n\u0005value')).toBe(true);
    expect(hasBinary('\ud800')).toBe(true);
    expect(hasBinary('名前/層_1')).toBe(false);
    expect(hasBinary('name with spaces')).toBe(false);
  });
});

describe('problemsError', () => {
  it('lists a few problems in full', () => {
    const e = problemsError('import/unsupported', 'm.onnx', ['a', 'b']);
    expect(e).toBeInstanceOf(RnncProblems);
    expect(e.message).toBe('m.onnx: 2 problems: a; b');
  });

  it('cuts a long list, saying how many more there are', () => {
    const e = problemsError('import/invalid', 'model.json', Array.from({ length: 40 }, (_, i) => `p${i}`));
    expect(e.message).toBe('model.json: 40 problems: p0; p1; p2; p3; and 36 more');
    expect(e.exitCode).toBe(2);
  });

  it('lists fewer long problems, always at least one', () => {
    const long = (c: string) => c.repeat(150);
    expect(problemsError('import/invalid', 'm', [long('a'), long('b'), long('c')]).message).toBe(`m: 3 problems: ${long('a')}; ${long('b')}; and 1 more`);
    expect(problemsError('import/invalid', 'm', [long('a').repeat(3), 'b']).message).toBe(`m: 2 problems: ${long('a').repeat(3)}; and 1 more`);
  });
});
