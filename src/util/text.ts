/**
 * Making text from files, paths and the command line safe to print in a one-line
 * message: the one escaping rule of rnnc, used by every phase and by the CLI's last resort.
 */

/** Longest message printed; longer ones keep their start and end. */
const MAX_MESSAGE = 400;

/** Longest string from a file or the command line shown in a message (after escaping). */
export const QUOTE_MAX = 60;

/** Control, format, separator, private-use, unassigned and surrogate characters, and U+FFFD (undecodable bytes). */
const INVISIBLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\ufffd]/u;

/** One character as it is printed: itself, or an escape (\n, \x00, \u200b, \u{1f600}). */
function escapeChar(c: string): string {
  if (!INVISIBLE.test(c)) return c;
  if (c === '\n') return '\\n';
  if (c === '\r') return '\\r';
  if (c === '\t') return '\\t';
  const cp = c.codePointAt(0)!;
  if (cp < 0x100) return `\\x${cp.toString(16).padStart(2, '0')}`;
  return cp <= 0xffff ? `\\u${cp.toString(16).padStart(4, '0')}` : `\\u{${cp.toString(16)}}`;
}

/**
 * `s` with every invisible character escaped, so it stays on one line and no raw byte
 * reaches a terminal; cut after `max` characters (Infinity: whole).
 */
export function escapeText(s: string, max = QUOTE_MAX): string {
  let out = '';
  for (const c of s) {
    const e = escapeChar(c);
    if (out.length + e.length > max) return `${out}…`;
    out += e;
  }
  return out;
}

/**
 * A string from a file or the command line, quoted for a message: `'lstm_1'`, `'\x12…'`.
 * Inside the quotes the quote mark and the backslash are escaped too, so it reads back exactly.
 */
export function quote(s: unknown, max = QUOTE_MAX, mark: "'" | '"' = "'"): string {
  const text = typeof s === 'string' ? s : String(s);
  let out = '';
  for (const c of text) {
    const e = c === '\\' || c === mark ? `\\${c}` : escapeChar(c);
    if (out.length + e.length > max) return `${mark}${out}…${mark}`;
    out += e;
  }
  return `${mark}${out}${mark}`;
}

/** A whole message made printable and at most MAX_MESSAGE characters long. */
export function oneLine(message: string): string {
  const e = escapeText(message, Infinity);
  if (e.length <= MAX_MESSAGE) return e;
  const keep = MAX_MESSAGE - 5;
  return `${e.slice(0, Math.ceil(keep * 0.7))} … ${e.slice(e.length - Math.floor(keep * 0.3))}`;
}
