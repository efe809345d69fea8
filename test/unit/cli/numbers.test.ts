// The one parser of numeric options (src/cli/numbers.ts) and the decimal rule under it
// (src/util/decimal.ts), property-based: what is decimal and in range parses to Number(s);
// anything else is a usage error (exit 2), and nothing else is ever thrown.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RANGES, type IntRange, type RealRange, expected, int, oneOf, real, windowOptions } from '../../../src/cli/numbers.js';
import { RnncError } from '../../../src/errors.js';
import { decimalValue, integerValue } from '../../../src/util/decimal.js';
import { QUOTE_MAX, quote } from '../../../src/util/text.js';

const runs = { numRuns: 2000 };

/** The failure of f as [code, exit, message], or 'ok'. Anything but an RnncError fails the test. */
function outcome(f: () => unknown): 'ok' | [string, number, string] {
  try {
    f();
    return 'ok';
  } catch (e) {
    if (!(e instanceof RnncError)) throw e;
    return [e.code, e.exitCode, e.message];
  }
}

const digits = fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 12 });
const sign = fc.constantFrom('', '+', '-');
/** Decimal numerals in every shape the rule admits: 12, -0.5, .5, 5., 1e-3, +2.5E+7 ... */
const decimalText = fc.tuple(sign, digits, fc.option(fc.tuple(fc.boolean(), fc.option(digits, { nil: '' }))), fc.option(fc.tuple(fc.constantFrom('e', 'E'), sign, fc.integer({ min: 0, max: 400 }))))
  .map(([s, d, frac, exp]) => {
    const mantissa = frac === null ? d : frac[0] ? `${d}.${frac[1]}` : `.${d}`;
    return `${s}${mantissa}${exp === null ? '' : `${exp[0]}${exp[1]}${exp[2]}`}`;
  });
const integerText = fc.tuple(sign, digits).map(([s, d]) => s + d);

/** Texts that are not decimal: a decimal spoiled by a prefix, a suffix, a space or a letter; named non-numbers. */
const notDecimal = fc.oneof(
  fc.tuple(fc.constantFrom('0x', '0X', '0o', '0b', '-0x', ' ', '\t', '\n', '$', '#', 'e'), fc.oneof(digits, decimalText)).map(([p, d]) => p + d),
  fc.tuple(decimalText, fc.constantFrom(' ', '\n', 'x', 'e', 'e+', '..', '_0', ',0', '%', 'f', 'n')).map(([d, s]) => d + s),
  fc.tuple(decimalText, fc.nat(), fc.constantFrom(' ', 'a', '_', ',', '\u00a0', '\u0660', 'x')).map(([d, at, c]) => {
    const i = 1 + (at % d.length);
    return d.slice(0, i) + c + d.slice(i);
  }),
  fc.constantFrom('', ' ', 'NaN', 'Infinity', '-Infinity', '+Infinity', 'inf', '1e', '.', '-', '+', 'e5', '.e1', '0x10', '1_000', '1,000', '١٢', '１２'),
);

const intRange = fc.tuple(fc.integer({ min: -1e6, max: 1e6 }), fc.integer({ min: 0, max: 1e6 }))
  .map(([min, span]): IntRange => ({ kind: 'int', min, max: min + span }));
const realRange = fc.tuple(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e6, noNaN: true }), fc.boolean(), fc.boolean())
  .map(([min, span, minExcluded, maxExcluded]): RealRange => ({ kind: 'real', min, max: min + span, minExcluded, maxExcluded }));

describe('the decimal rule', () => {
  it('every decimal numeral with a finite value reads as Number(text)', () => {
    fc.assert(fc.property(decimalText, (s) => {
      const v = Number(s);
      expect(decimalValue(s)).toBe(Number.isFinite(v) ? v : undefined);
    }), runs);
  });
  it('every number JavaScript (and so JSON) writes is decimal and reads back exactly', () => {
    fc.assert(fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
      expect(Object.is(decimalValue(String(x)), x) || (x === 0 && decimalValue(String(x)) === 0)).toBe(true);
      expect(decimalValue(JSON.stringify(x)) === x).toBe(true);
    }), runs);
  });
  it('no text that is not decimal has a value, though Number() may give it one', () => {
    fc.assert(fc.property(notDecimal, (s) => {
      expect(decimalValue(s)).toBeUndefined();
      expect(integerValue(s)).toBeUndefined();
    }), runs);
    expect(Number('0x10')).toBe(16);
    expect(Number(' 8 ')).toBe(8);
    expect(Number('')).toBe(0);
  });
  it('integers: digits only, and only safe integers', () => {
    fc.assert(fc.property(integerText, (s) => {
      const v = Number(s);
      expect(integerValue(s)).toBe(Number.isSafeInteger(v) ? v + 0 : undefined);
    }), runs);
    for (const s of ['1.0', '1e3', '.5', '5.']) expect(integerValue(s)).toBeUndefined();
    expect(integerValue(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
    expect(integerValue('9007199254740992')).toBeUndefined();
    expect(Object.is(integerValue('-0'), 0)).toBe(true);
  });
  it('quote(): one printable line of bounded length, whatever the input', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
      const q = quote(s);
      expect(q).not.toMatch(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\ufffd]/u);
      expect(q.length).toBeLessThanOrEqual(2 + QUOTE_MAX + 1);
    }), runs);
    expect(quote("a'b\\\n")).toBe("'a\\'b\\\\\\n'");
    expect(quote('x'.repeat(70))).toBe(`'${'x'.repeat(QUOTE_MAX)}…'`);
    expect(quote('\u{1f600}\u{f0000}\u0000')).toBe("'\u{1f600}\\u{f0000}\\x00'"); // an emoji prints; private use and NUL do not
  });
});

describe('int(): integer options', () => {
  it('an integer numeral within the range parses to Number(text)', () => {
    fc.assert(fc.property(intRange, fc.nat(), sign, (r, k, s) => {
      const v = r.min + (k % (r.max - r.min + 1));
      const text = v < 0 ? String(v) : `${s === '-' ? '' : s}${v}`;
      expect(int('--n', text, r)).toBe(Number(text));
    }), runs);
  });
  it('out of the range: a usage error, exit 2, one line in the one shape', () => {
    fc.assert(fc.property(intRange, fc.integer({ min: 1, max: 1e9 }), fc.boolean(), (r, d, below) => {
      const text = String(below ? r.min - d : r.max + d);
      expect(outcome(() => int('--n', text, r))).toEqual(['usage/invalid', 2, `--n: expected an integer from ${r.min} to ${r.max}, got '${text}'`]);
    }), runs);
  });
  it('beyond 2^53 (and far beyond every range): refused', () => {
    fc.assert(fc.property(fc.bigInt({ min: 2n ** 53n, max: 10n ** 30n }), (n) => {
      expect(outcome(() => int('--epochs', String(n), RANGES.epochs))).toEqual(['usage/invalid', 2, `--epochs: expected an integer from 1 to 1000000, got '${n}'`]);
    }), runs);
  });
  it('a fraction, an exponent or anything not decimal: refused', () => {
    fc.assert(fc.property(fc.oneof(notDecimal, decimalText.filter((s) => !/^[+-]?\d+$/.test(s))), (s) => {
      const r = outcome(() => int('--batch', s, RANGES.batch));
      expect(r).not.toBe('ok');
      expect(r[0]).toBe('usage/invalid');
      expect(r[1]).toBe(2);
      expect(r[2]).toMatch(/^--batch: expected an integer from 1 to 65536, got '[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}]*'$/u);
    }), runs);
  });
});

describe('real(): real-valued options', () => {
  it('a decimal numeral within the range parses to Number(text); the bounds are honoured', () => {
    fc.assert(fc.property(realRange, decimalText, (r, s) => {
      const v = Number(s);
      const inside = Number.isFinite(v) && v >= r.min && v <= r.max && !(r.minExcluded && v === r.min) && !(r.maxExcluded && v === r.max);
      expect(outcome(() => real('--x', s, r))).toEqual(inside ? 'ok' : ['usage/invalid', 2, `--x: expected ${expected(r)}, got ${quote(s)}`]);
      if (inside) expect(real('--x', s, r)).toBe(v);
    }), runs);
  });
  it('values inside every option range are accepted as written', () => {
    fc.assert(fc.property(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), (f) => {
      expect(real('--momentum', String(f), RANGES.momentum)).toBe(f);
      expect(real('--val', JSON.stringify(f), RANGES.val)).toBe(f);
    }), runs);
    expect(real('--lr', '1e-3', RANGES.lr)).toBe(0.001);
    expect(real('--lr', '10', RANGES.lr)).toBe(10);
    expect(outcome(() => real('--lr', '0', RANGES.lr))).toEqual(['usage/invalid', 2, "--lr: expected a number in (0, 10], got '0'"]);
    expect(outcome(() => real('--val', '1', RANGES.val))).toEqual(['usage/invalid', 2, "--val: expected a number in [0, 1), got '1'"]);
  });
  it('anything not decimal is refused, in every option, with the range in the message', () => {
    const reals = Object.entries(RANGES).filter(([, r]) => r.kind === 'real') as Array<[string, RealRange]>;
    fc.assert(fc.property(fc.constantFrom(...reals), notDecimal, ([name, r], s) => {
      expect(outcome(() => real(`--${name}`, s, r))).toEqual(['usage/invalid', 2, `--${name}: expected ${expected(r)}, got ${quote(s)}`]);
    }), runs);
  });
});

describe('never anything but an RnncError', () => {
  it('any string, any option', () => {
    const all = Object.entries(RANGES) as Array<[string, IntRange | RealRange]>;
    fc.assert(fc.property(fc.constantFrom(...all), fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), decimalText, notDecimal), ([name, r], s) => {
      const r1 = outcome(() => (r.kind === 'int' ? int(`--${name}`, s, r) : real(`--${name}`, s, r)));
      if (r1 !== 'ok') {
        expect(r1.slice(0, 2)).toEqual(['usage/invalid', 2]);
        expect(r1[2]).not.toContain('\n');
      }
      outcome(() => oneOf('--lut-size', s, [16, 256]));
      outcome(() => windowOptions({ window: s, stride: s }));
    }), runs);
  });
});

describe('windowOptions(): --horizon and --stride need --window', () => {
  it('refused without --window whatever their value; checked with it', () => {
    fc.assert(fc.property(fc.string({ maxLength: 12 }), fc.constantFrom('horizon', 'stride'), (s, flag) => {
      expect(outcome(() => windowOptions({ [flag]: s }))).toEqual(['usage/invalid', 2, `--${flag} needs --window`]);
    }), runs);
    expect(windowOptions({ window: '8', horizon: '0', stride: '2' })).toEqual({ window: 8, horizon: 0, stride: 2 });
    expect(outcome(() => windowOptions({ window: '8', stride: '0' }))).toEqual(['usage/invalid', 2, "--stride: expected an integer from 1 to 1000000, got '0'"]);
  });
  it('--reconstruct: needs --window, and excludes --horizon (the target is the window itself)', () => {
    expect(outcome(() => windowOptions({ reconstruct: true }))).toEqual(['usage/invalid', 2, '--reconstruct needs --window']);
    expect(outcome(() => windowOptions({ window: '8', horizon: '0', reconstruct: true }))).toEqual(['usage/invalid', 2, '--horizon: with --reconstruct the target is the window itself; drop --horizon']);
    expect(windowOptions({ window: '8', reconstruct: true })).toEqual({ window: 8, horizon: undefined, stride: undefined, reconstruct: true });
  });
});
