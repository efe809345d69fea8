/**
 * The TypeScript twin (rnnc compile --target typescript) against the C on this machine:
 * steps per second of NAME_step in C (gcc -O2, the host target's portable kernels) and of
 * step() in the emitted NAME.ts under this Node, for LSTM(32, 64) with int8 weights
 * (32 inputs, 64 units) unless told otherwise, and the ratio (the issue's target: the twin
 * within 10x of the C). Both stream the same steps from a reset state over the same inputs,
 * and the checksums of every output must agree: the timed code is the bit-exact code.
 *
 *   npm run bench:twin [-- --cell lstm|gru|rnn] [--sizes 32x64,16x32] [--bits 8|16] [--seconds 2]
 *
 * The C runs N steps, N chosen so that it takes about --seconds; the twin runs a warm-up of
 * N/4 steps on a state of its own (the JIT compiles step), then the same N steps. Each is
 * timed three times and the fastest run counts, so a busy machine disturbs the ratio less.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { execa } from 'execa';
import ts from 'typescript';
import { emitModel } from '../src/codegen/emit.js';
import type { RecurrentType } from '../src/ir/model.js';
import type { QuantModel } from '../src/ir/qmodel.js';
import { randomModel } from '../src/ir/random.js';
import { quantizeModel } from '../src/quantize/quantize.js';
import { C_STD } from '../src/target/flags.js';
import { getTarget } from '../src/target/targets.js';
import { emitTwin } from '../src/twin/emit.js';
import { Rng } from '../src/util/rng.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const CELL = (arg('cell') ?? 'lstm') as RecurrentType;
const SIZES = (arg('sizes') ?? '32x64').split(',').map((s) => s.split('x').map(Number) as [number, number]);
const BITS = Number(arg('bits') ?? 8) as 8 | 16;
const SECONDS = Number(arg('seconds') ?? 2);
/** Input vectors the steps cycle through. */
const INPUTS = 256;

// Compiled to .tmp/bench/bench/: the project root is three levels up, and the code
// generator finds templates/ and runtime-c/ beside its src/, so link them there.
const ROOT = new URL('../../../', import.meta.url);
for (const d of ['templates', 'runtime-c']) {
  const link = fileURLToPath(new URL(`../${d}`, import.meta.url));
  if (!existsSync(link)) symlinkSync(fileURLToPath(new URL(d, ROOT)), link, 'dir');
}

interface Twin {
  createState(): unknown;
  step(s: unknown, x: Int16Array, y: Int16Array): void;
}

function inputsFor(q: QuantModel): Int16Array {
  const rng = new Rng(5);
  const typical = 2 * 2 ** q.input.frac;
  return Int16Array.from({ length: INPUTS * q.inputSize }, () => Math.max(-32768, Math.min(32767, Math.round(rng.uniform(-typical, typical)))));
}

/** A C program: N steps over the inputs from a reset state; prints the seconds and the checksum of every output. */
function benchMain(q: QuantModel, xs: Int16Array): string {
  const n = q.name;
  return `#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "${n}.h"
static const int16_t xs[${xs.length}] = { ${[...xs].join(', ')} };
int main(int argc, char **argv) {
  long steps = atol(argv[1]);
  ${n}_state s;
  int16_t y[${q.outputSize}];
  long long sum = 0;
  struct timespec a, b;
  long t;
  int j;
  ${n}_reset(&s);
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (t = 0; t < steps; t++) {
    ${n}_step(&s, xs + (t % ${INPUTS}) * ${q.inputSize}, y);
    for (j = 0; j < ${q.outputSize}; j++) sum += y[j];
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  printf("%.9f %lld\\n", (double)(b.tv_sec - a.tv_sec) + 1e-9 * (double)(b.tv_nsec - a.tv_nsec), sum);
  return 0;
}
`;
}

async function runC(exe: string, steps: number): Promise<{ seconds: number; sum: string }> {
  const [seconds, sum] = (await execa(exe, [String(steps)])).stdout.trim().split(' ');
  return { seconds: Number(seconds), sum: sum! };
}

function runTwin(m: Twin, q: QuantModel, xs: Int16Array, steps: number): { seconds: number; sum: string } {
  const s = m.createState();
  const y = new Int16Array(q.outputSize);
  const views = Array.from({ length: INPUTS }, (_, i) => xs.subarray(i * q.inputSize, (i + 1) * q.inputSize));
  let sum = 0;
  const t0 = performance.now();
  for (let t = 0; t < steps; t++) {
    m.step(s, views[t % INPUTS]!, y);
    for (let j = 0; j < y.length; j++) sum += y[j]!;
  }
  return { seconds: (performance.now() - t0) / 1000, sum: String(sum) };
}

/** The fastest of three runs (all must give the same checksum). */
async function best(run: () => Promise<{ seconds: number; sum: string }>): Promise<{ seconds: number; sum: string }> {
  const runs = [await run(), await run(), await run()];
  if (new Set(runs.map((r) => r.sum)).size !== 1) throw new Error(`the checksum changed between runs: ${runs.map((r) => r.sum).join(', ')}`);
  return runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
}

const fmt = (x: number) => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'rnnc-bench-twin-'));
  const runtime = readFileSync(new URL('runtime-ts/rnnc_twin.ts', ROOT), 'utf8');
  const version = (JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { version: string }).version;
  const gcc = (await execa('gcc', ['--version'])).stdout.split('\n')[0];
  console.log(`TypeScript twin vs C on this machine: Node ${process.version}, ${gcc} -O2`);
  console.log('| cell | in, H | weights | MACs/step | C steps/s | twin steps/s | C / twin | outputs equal |');
  console.log('|---|---|---|---|---|---|---|---|');
  try {
    for (const [input, hidden] of SIZES) {
      const f = randomModel({ name: `${CELL}${hidden}`, inputSize: input, layers: [{ type: CELL, units: hidden, resetAfter: true }] }, 17 + hidden);
      const q = quantizeModel(f, { weightBits: BITS });
      const xs = inputsFor(q);
      const sub = join(dir, q.name);
      const emitted = emitModel(q, getTarget('host'), { version, source: 'bench', maxSeq: 16 });
      mkdirSync(sub, { recursive: true });
      for (const file of emitted.files) writeFileSync(join(sub, file.name), file.content);
      writeFileSync(join(sub, 'bench_main.c'), benchMain(q, xs));
      const exe = join(sub, 'bench');
      await execa('gcc', [C_STD, '-O2', '-I', sub, join(sub, `${q.name}.c`), join(sub, 'bench_main.c'), '-o', exe]);
      // Steps for about SECONDS of C.
      const probe = await runC(exe, 2000);
      const steps = Math.max(2000, Math.round((2000 * SECONDS) / Math.max(probe.seconds, 1e-6)));
      const c = await best(() => runC(exe, steps));

      const twin = await emitTwin(q, runtime, { version, source: 'bench', maxSeq: 16 });
      const js = ts.transpileModule(twin.content, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } }).outputText;
      const mjs = join(sub, `${q.name}.mjs`);
      writeFileSync(mjs, js);
      const m = (await import(pathToFileURL(mjs).href)) as Twin;
      runTwin(m, q, xs, Math.ceil(steps / 4));
      const t = await best(async () => runTwin(m, q, xs, steps));
      const cRate = steps / c.seconds;
      const tRate = steps / t.seconds;
      const macs = emitted.plan.memory.macsPerStep;
      console.log(`| ${CELL.toUpperCase()} | ${input}, ${hidden} | int${BITS} | ${fmt(macs)} | ${fmt(cRate)} | ${fmt(tRate)} | ${(cRate / tRate).toFixed(2)}x | `
        + `${c.sum === t.sum ? 'yes' : `NO (C ${c.sum}, twin ${t.sum})`} |`);
      if (c.sum !== t.sum) process.exitCode = 1;
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
