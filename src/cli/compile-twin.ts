/**
 * `rnnc compile MODEL --target typescript -o DIR`: the TypeScript twin, NAME.ts (src/twin/),
 * instead of C. Not a row of the C target table (src/target/targets.ts): no compiler, no
 * kernels, no flash report, so compile.ts branches here before it looks a target up. The
 * twin generator (and ts-morph with it) is imported only on this path.
 *
 * Refused here, each in one line: --emit-test (its test is C: the twin is checked against
 * the reference by rnnc's own tests instead) and --json / --report-json (the report's flash,
 * RAM and code figures describe a C build).
 */
import { readFileSync } from 'node:fs';
import { RnncError } from '../errors.js';
import { leftovers, writeOutputs } from '../codegen/output.js';
import { escapeText } from '../util/text.js';
import type { CliIo } from './context.js';
import { type ModelCliOptions, loadQuantForCli } from './quant-input.js';
import { VERSION } from './version.js';

/** The --target value of the twin. */
export const TWIN_TARGET = 'typescript';

/** The runtime every NAME.ts embeds, shipped with the package beside runtime-c/. */
const RUNTIME = new URL('../../runtime-ts/rnnc_twin.ts', import.meta.url);

export interface TwinCliOptions extends ModelCliOptions {
  emitTest?: boolean;
  json?: boolean;
  reportJson?: string;
  force?: boolean;
}

export async function compileTwin(path: string, out: string, maxSeq: number, opts: TwinCliOptions, io: CliIo): Promise<void> {
  if (opts.emitTest) {
    throw new RnncError('usage/invalid', '--emit-test writes a C conformance test; --target typescript has none (compile for --target host to get it)');
  }
  if (opts.json || opts.reportJson !== undefined) {
    throw new RnncError('usage/invalid', `${opts.json ? '--json' : '--report-json'}: the compile report (flash, RAM, code size) describes C; --target typescript has none`);
  }
  const { model, files } = loadQuantForCli(path, opts, io, Math.min(64, maxSeq));
  const { emitTwin } = await import('../twin/emit.js');
  const twin = await emitTwin(model, readFileSync(RUNTIME, 'utf8'), { version: VERSION, source: path.split(/[\\/]/).pop() ?? path, maxSeq });
  const inputs = [...files, opts.data].filter((p): p is string => p !== undefined);
  // The C an earlier compile of this model left in the folder goes in the same batch.
  const left = leftovers(out, model.name, [twin]);
  const [written] = writeOutputs(out, [twin], { force: opts.force === true, inputs }, [], left.remove);
  for (const w of left.warnings) io.err(`rnnc: warning: ${w}\n`);
  io.out(`wrote ${escapeText(written!, Infinity)}: the TypeScript twin of model ${model.name}, ${Buffer.byteLength(twin.content)} B\n`
    + (left.remove.length > 0 ? `  removed: ${left.remove.map((f) => escapeText(f, Infinity)).join(', ')} (left by an earlier compile)\n` : ''));
}
