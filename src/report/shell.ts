/**
 * Shell words for the commands the report prints beside each figure: a reader pastes
 * them into a POSIX shell, so a path with a space or a quote must come out as one word.
 */

/** `s` as one POSIX shell word: as is when it holds only safe characters, else single-quoted. */
export function shellWord(s: string): string {
  if (/^[\w@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** A command line from its words, each quoted as needed. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellWord).join(' ');
}
