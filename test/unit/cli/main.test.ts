/**
 * Exit codes and error lines, in process. No input reaches a non-RnncError through the
 * built CLI (that would be a bug, fixed when found), so the internal-error path
 * (exit 3, one line) is tested here by handing reportError() the errors it must map.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { CommanderError } from 'commander';
import { RnncError } from '../../../src/errors.js';
import { VERSION, main, reportError } from '../../../src/cli/main.js';
import type { CliIo } from '../../../src/cli/context.js';

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '', stderr: '', isTty: false,
    out: (t: string) => { io.stdout += t; },
    err: (t: string) => { io.stderr += t; },
  };
  return io;
}

afterEach(() => { delete process.env.RNNC_DEBUG; });

describe('reportError', () => {
  it('an unexpected exception is one line and exit 3, first line of its message only', () => {
    const io = capture();
    expect(reportError(new TypeError("Cannot read properties of undefined (reading 'h')\n    at step"), io)).toBe(3);
    expect(io.stderr).toBe("rnnc: internal error: Cannot read properties of undefined (reading 'h') (please report this with the command that caused it)\n");
    expect(io.stdout).toBe('');
  });

  it('a thrown non-Error value is exit 3 too', () => {
    const io = capture();
    expect(reportError('boom', io)).toBe(3);
    expect(io.stderr).toBe('rnnc: internal error: boom (please report this with the command that caused it)\n');
  });

  it('RNNC_DEBUG adds the stack for developers', () => {
    process.env.RNNC_DEBUG = '1';
    const io = capture();
    reportError(new Error('deep'), io);
    expect(io.stderr.split('\n').length).toBeGreaterThan(3);
    expect(io.stderr).toMatch(/^rnnc: internal error: deep .*\nError: deep\n\s+at /);
  });

  it('RnncError codes map to their kind: input 2, mismatch 1, internal 3', () => {
    const cases: Array<[RnncError, number]> = [
      [new RnncError('ir/invalid', 'm.json: bad'), 2],
      [new RnncError('io/not_found', 'cannot read x'), 2],
      [new RnncError('verify/mismatch', 'C differs at step 3'), 1],
      [new RnncError('internal/bug', 'plan lost a layer'), 3],
      [new RnncError('toolchain/failed', 'gcc crashed'), 3],
    ];
    for (const [e, code] of cases) {
      const io = capture();
      expect(reportError(e, io)).toBe(code);
      expect(io.stderr).toBe(`rnnc: ${e.message}\n`);
    }
  });

  it("commander's own exits: 0 stays 0, usage errors become 2", () => {
    expect(reportError(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)'), capture())).toBe(0);
    expect(reportError(new CommanderError(1, 'commander.unknownCommand', 'x'), capture())).toBe(2);
    expect(reportError(new CommanderError(1, 'commander.help', '(outputHelp)'), capture())).toBe(2);
  });
});

describe('main, in process', () => {
  it('--version', async () => {
    const io = capture();
    expect(await main(['--version'], io)).toBe(0);
    expect(io.stdout).toBe(`${VERSION}\n`);
  });

  it('a missing model file', async () => {
    const io = capture();
    expect(await main(['inspect', '/nonexistent/m.json'], io)).toBe(2);
    expect(io.stderr).toBe('rnnc: cannot read /nonexistent/m.json: no such file or directory\n');
  });
});
