/**
 * On-target performance table: LSTM and GRU (reset after, the PyTorch/Keras default)
 * at (input 16, hidden 32), (32, 64) and (64, 128), int8 and int16 weights, -O2 and
 * -Os, on every QEMU target, each built with the target's real flags, run under QEMU,
 * counted exactly and checked bit-exact (rnnc bench, src/bench/bench.ts). On targets
 * whose kernel family is not portable, the same model is also built with the portable
 * kernels (the target row with kernel: 'portable') in the same run, and the ratio is
 * printed: that is the speed-up of the target's own kernels.
 *
 *   npm run bench:target [-- --steps N] [--targets cortex-m4,riscv32] [--sizes 16x32] [--out table.md]
 *
 * Prints a markdown table (instructions per step are the mean of steps 2..N).
 */
import { existsSync, mkdirSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { type BenchResult, benchModel } from '../src/bench/bench.js';
import { type Target, getTarget } from '../src/target/targets.js';
import { randomModel } from '../src/ir/random.js';
import type { RecurrentType } from '../src/ir/model.js';
import { quantizeModel } from '../src/quantize/quantize.js';
import type { OptLevel } from '../src/target/build.js';
import { writeFile } from '../src/util/write.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const STEPS = Number(arg('steps') ?? 8);
const TARGET_NAMES = (arg('targets') ?? 'cortex-m4,cortex-m7,cortex-m33,cortex-m55,cortex-m3,cortex-m0,riscv32').split(',');
const SIZES = (arg('sizes') ?? '16x32,32x64,64x128').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const CELLS: RecurrentType[] = ['lstm', 'gru'];
const BITS = [8, 16] as const;
const LEVELS: OptLevel[] = ['O2', 'Os'];

/**
 * The compiled bench runs from .tmp/bench/, and the package reads templates/, boards/
 * and runtime-c/ beside its src/: link them there.
 */
function linkPackageFolders(): void {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const here = fileURLToPath(new URL('../', import.meta.url));
  mkdirSync(here, { recursive: true });
  for (const d of ['templates', 'boards', 'runtime-c']) {
    if (!existsSync(join(here, d))) symlinkSync(join(root, d), join(here, d), 'dir');
  }
}

interface Row {
  cell: RecurrentType;
  input: number;
  hidden: number;
  bits: 8 | 16;
  opt: OptLevel;
  target: Target;
  result?: BenchResult;
  portable?: BenchResult;
}

async function pool(jobs: Array<() => Promise<void>>, width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: width }, worker));
}

function model(cell: RecurrentType, input: number, hidden: number, bits: 8 | 16) {
  const f = randomModel({ name: `${cell}${hidden}`, inputSize: input, layers: [{ type: cell, units: hidden, resetAfter: true }] }, 17 + hidden);
  return quantizeModel(f, { weightBits: bits });
}

const fmt = (x: number, d = 0) => x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });

function tableLines(rows: readonly Row[]): string[] {
  const out = [
    '| cell | in, H | weights | target | opt | kernel | instr/step | max | instr/MAC | portable instr/MAC | speed-up | code B | step code B | weights B | LUT B | state B | peak stack B |',
    '|---|---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of rows) {
    const b = r.result!;
    const p = r.portable;
    out.push(`| ${r.cell.toUpperCase()} | ${r.input}, ${r.hidden} | int${r.bits} | ${r.target.name} | -${r.opt} | ${b.kernel} | ${fmt(b.insns.perStep)} | ${fmt(b.insns.maxPerStep)} | ` +
      `${fmt(b.insns.perMac, 2)} | ${p ? fmt(p.insns.perMac, 2) : '(same)'} | ${p ? `${fmt(p.insns.perStep / b.insns.perStep, 2)}×` : '1.00×'} | ` +
      `${fmt(b.flash.code)} | ${fmt(b.flash.stepCode)} | ${fmt(b.flash.weights)} | ${fmt(b.flash.luts)} | ${fmt(b.ram.state)} | ${fmt(b.ram.peakStack)} |`);
  }
  return out;
}

async function main(): Promise<void> {
  linkPackageFolders();
  const targets = TARGET_NAMES.map(getTarget);
  for (const t of targets) if (!t.qemu) throw new Error(`${t.name} has no QEMU board`);
  const rows: Row[] = [];
  for (const cell of CELLS) for (const [input, hidden] of SIZES) for (const bits of BITS) for (const target of targets) for (const opt of LEVELS) {
    rows.push({ cell, input, hidden, bits, opt, target });
  }
  const started = Date.now();
  const opts = (opt: OptLevel) => ({ opt, steps: STEPS, maxSeq: 128, version: 'bench' });
  let done = 0;
  await pool(rows.map((r) => async () => {
    const q = model(r.cell, r.input, r.hidden, r.bits);
    r.result = await benchModel(q, r.target, opts(r.opt));
    // The portable kernels on the same core: only where the target has kernels of its own.
    if (r.target.kernel !== 'portable') r.portable = await benchModel(q, { ...r.target, kernel: 'portable' }, opts(r.opt));
    done++;
    process.stderr.write(`\r${done}/${rows.length} builds`);
  }), 2);
  process.stderr.write('\n');
  const kernels = new Set(rows.map((r) => `${r.target.name}: ${r.result!.kernel}`));
  const lines = [
    `Instructions counted under QEMU (-icount), ${STEPS} steps per run (mean and max of steps 2..${STEPS}), outputs checked bit-exact;`,
    `${rows.length} configurations in ${((Date.now() - started) / 1000).toFixed(0)} s. Kernels emitted: ${[...kernels].join(', ')}.`,
    '',
    ...tableLines(rows),
  ];
  const text = lines.join('\n') + '\n';
  process.stdout.write(text);
  const out = arg('out');
  if (out) writeFile(out, text, { force: true }); // a benchmark table, rewritten on every run
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:target failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
