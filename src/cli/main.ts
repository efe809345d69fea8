#!/usr/bin/env node
/** The rnnc command line: createProgram() for tests, main() for the bin. */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { EXIT, RnncError, isRnncError } from '../errors.js';
import { COMMANDS } from './commands.js';
import { type CliIo, processIo } from './context.js';
import { oneLine } from '../util/text.js';
import { osReason } from '../util/reason.js';

export { VERSION } from './version.js';
import { VERSION } from './version.js';

export function createProgram(io: CliIo = processIo): Command {
  // Commander's own messages ("error: unknown option …") get the same "rnnc: " prefix as ours.
  const output = { writeOut: io.out, writeErr: io.err, outputError: (s: string) => io.err(`${oneLine(s.replace(/^error: /, 'rnnc: ').trimEnd())}\n`) };
  const program = new Command('rnnc')
    .description('Compile recurrent neural networks into dependency-free fixed-point C for microcontrollers')
    .version(VERSION, '-V, --version')
    .showHelpAfterError(false)
    // One-line errors: commander would add a second "(Did you mean compile?)" line.
    .showSuggestionAfterError(false)
    .exitOverride()
    .configureOutput(output);
  for (const register of COMMANDS) register(program, io);
  for (const cmd of program.commands) cmd.exitOverride().configureOutput(output);
  return program;
}

/** Maps any thrown value to one stderr line and an exit code. */
export function reportError(e: unknown, io: CliIo): number {
  if (e instanceof CommanderError) {
    // Commander already printed its message. --help and --version exit 0; usage errors
    // and the help shown for a missing command (on stderr) are bad usage.
    return e.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (isRnncError(e)) {
    // Messages quote paths and names from files: escaped and shortened, always one line.
    io.err(`rnnc: ${oneLine(e.message)}\n`);
    return e.exitCode;
  }
  const msg = e instanceof Error ? e.message : String(e);
  io.err(`rnnc: internal error: ${oneLine(msg.split('\n')[0] ?? '')} (please report this with the command that caused it)\n`);
  if (process.env.RNNC_DEBUG && e instanceof Error) io.err(`${e.stack}\n`);
  return EXIT.internal;
}

export async function main(argv: readonly string[], io: CliIo = processIo): Promise<number> {
  const program = createProgram(io);
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok;
  } catch (e) {
    return reportError(e, io);
  }
}

function isEntry(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/**
 * A failed write to stdout arrives as an 'error' event, which unhandled would crash
 * with a stack trace. A closed pipe (`rnnc run … | head`) means the reader has what it
 * wanted: stop quietly, as Unix tools do. Anything else (a full disk) is one line, exit 2.
 */
function onStdoutError(e: NodeJS.ErrnoException): void {
  if (e.code === 'EPIPE') process.exit(typeof process.exitCode === 'number' ? process.exitCode : EXIT.ok);
  const failure = new RnncError('io/unwritable', `cannot write to standard output: ${osReason(e)}`);
  process.exit(reportError(failure, { ...processIo, out: () => undefined }));
}

if (isEntry()) {
  process.stdout.on('error', onStdoutError);
  process.on('unhandledRejection', (e) => { process.exitCode = reportError(e, processIo); });
  main(process.argv.slice(2)).then(
    (code) => { process.exitCode = code; },
    (e: unknown) => { process.exitCode = reportError(e, processIo); },
  );
}
