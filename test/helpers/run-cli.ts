/**
 * Runs the built command line (`node dist/cli/main.js`) as a user would, capturing
 * stdout, stderr and the exit code. `npm test` builds dist first (scripts/deps.sh);
 * alone, build with `npx tsc -p tsconfig.json`.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const BIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export async function rnnc(args: readonly string[], options: { cwd?: string; input?: string } = {}): Promise<CliResult> {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first with npx tsc -p tsconfig.json`);
  const r = await execa('node', [BIN, ...args], { reject: false, stripFinalNewline: false, env: { RNNC_DEBUG: '' }, ...options });
  return { exitCode: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
