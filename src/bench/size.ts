/**
 * Flash and static RAM of a model as the target's compiler lays it out: NAME.c
 * compiled alone (float helpers left out, the bench's optimisation level) and its
 * object read with the matching `size -A` (sections) and `nm -S` (symbol sizes).
 * Code is .text; weights and LUTs are the sizes of their tables, told apart by the
 * plan's table list; static RAM is .data + .bss (bidirectional sequence buffers).
 */
import { join } from 'node:path';
import { execa } from 'execa';
import type { ModelCtx } from '../codegen/plan.js';
import type { Target } from '../codegen/targets.js';
import { RnncError } from '../errors.js';
import type { OptLevel } from '../target/build.js';

export interface ObjectSizes {
  /** .text of NAME.o: every function of the integer API. */
  code: number;
  /** .text without NAME_run and NAME_reset: what a streaming user of NAME_step links. */
  stepCode: number;
  weights: number;
  luts: number;
  /** .data + .bss bytes. */
  staticRam: number;
}

/** binutils tool beside a gcc (arm-none-eabi-gcc → arm-none-eabi-nm). */
function binutil(cc: string, tool: string): string {
  return cc.endsWith('gcc') ? `${cc.slice(0, -3)}${tool}` : tool;
}

async function tool(cmd: string, args: string[], cwd: string): Promise<string> {
  const r = await execa(cmd, args, { cwd, reject: false, all: true });
  if (r.exitCode !== 0) throw new RnncError('toolchain/failed', `${cmd} ${args.join(' ')} failed:\n${(r.all ?? '').split('\n').slice(0, 12).join('\n')}`);
  return String(r.stdout);
}

export async function objectSizes(plan: ModelCtx, target: Target, opt: OptLevel, dir: string): Promise<ObjectSizes> {
  const obj = `${plan.name}.size.o`;
  const libc = target.cc.startsWith('riscv') ? ['--specs=picolibc.specs'] : [];
  await tool(target.cc, ['-std=c99', `-${opt}`, ...target.cflags, ...libc, `-D${plan.NAME}_NO_FLOAT`, '-c', join(dir, `${plan.name}.c`), '-o', obj], dir);
  let code = 0;
  let staticRam = 0;
  for (const line of (await tool(binutil(target.cc, 'size'), ['-A', obj], dir)).split('\n')) {
    const m = /^(\.\S+)\s+(\d+)/.exec(line);
    if (!m) continue;
    if (m[1]!.startsWith('.text')) code += Number(m[2]);
    else if (/^\.s?(bss|data)/.test(m[1]!)) staticRam += Number(m[2]);
  }
  const symbols = new Map<string, number>();
  for (const line of (await tool(binutil(target.cc, 'nm'), ['-S', '--defined-only', obj], dir)).split('\n')) {
    const m = /^[0-9a-f]+ ([0-9a-f]+) \w (\S+)$/.exec(line.trim());
    if (m) symbols.set(m[2]!, parseInt(m[1]!, 16));
  }
  const kindBytes = (kind: 'weights' | 'luts') => plan.tables.filter((t) => t.kind === kind).reduce((s, t) => s + (symbols.get(t.symbol) ?? 0), 0);
  const apiOnlyForRun = [`${plan.name}_run`, `${plan.name}_reset`].reduce((s, f) => s + (symbols.get(f) ?? 0), 0);
  return { code, stepCode: plan.streaming ? code - apiOnlyForRun : code, weights: kindBytes('weights'), luts: kindBytes('luts'), staticRam };
}
