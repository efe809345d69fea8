/**
 * A command's output file: a path, written under src/util/write.ts's rules, or `-` for
 * standard output (then the command's own messages go to standard error, so a pipe
 * carries only the file).
 */
import { checkOutputs, writeFile } from '../util/write.js';
import type { CliIo } from './context.js';
import { escapeText } from '../util/text.js';

export const STDOUT = '-';

export interface OutputOptions {
  /** The output path, or `-`. */
  output: string;
  force?: boolean;
}

/** How messages name the output. */
export function outputName(o: OutputOptions): string {
  return o.output === STDOUT ? 'standard output' : escapeText(o.output, Infinity);
}

/** The option every command that writes one file takes besides -o. */
export const FORCE_HELP = 'overwrite an existing file that rnnc did not write';

/** Refuses a bad output before the command does its work (training can take minutes). */
export function checkOutput(o: OutputOptions, inputs: readonly string[]): void {
  if (o.output !== STDOUT) checkOutputs([o.output], { force: o.force === true, inputs });
}

/** Writes the file; returns the io the command reports through. */
export function writeOutput(io: CliIo, o: OutputOptions, text: string, inputs: readonly string[]): CliIo {
  if (o.output === STDOUT) io.out(text);
  else writeFile(o.output, text, { force: o.force === true, inputs });
  return messagesIo(io, o);
}

/** The io for messages while the command works: standard error when the file goes to standard output. */
export function messagesIo(io: CliIo, o: OutputOptions): CliIo {
  return o.output === STDOUT ? { ...io, out: io.err, isTty: false } : io;
}
