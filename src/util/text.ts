/** Making text from files and paths safe to print in a one-line message. */

/** Longest message printed; longer ones keep their start and end. */
const MAX_MESSAGE = 400;

/**
 * `s` with every control or non-printable character escaped (\n, \t, \x00, \u2028 …) so a
 * message stays on one line and no byte from a hostile file reaches the terminal raw;
 * U+FFFD (what undecodable bytes become) is shown as \ufffd.
 */
export function escapeText(s: string): string {
  return s.replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}\p{Co}\p{Cn}\ufffd]/gu, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    const cp = c.codePointAt(0)!;
    return cp < 0x100 ? `\\x${cp.toString(16).padStart(2, '0')}` : `\\u${cp.toString(16).padStart(4, '0')}`;
  });
}

/** A name taken from a file, escaped and cut to `max` characters, for quoting in a message. */
export function quoteName(s: string, max = 60): string {
  const e = escapeText(s);
  return `'${e.length > max ? `${e.slice(0, max - 1)}…` : e}'`;
}

/** A whole message made printable and at most MAX_MESSAGE characters long. */
export function oneLine(message: string): string {
  const e = escapeText(message);
  if (e.length <= MAX_MESSAGE) return e;
  const keep = MAX_MESSAGE - 5;
  return `${e.slice(0, Math.ceil(keep * 0.7))} … ${e.slice(e.length - Math.floor(keep * 0.3))}`;
}
