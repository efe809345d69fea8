/**
 * The honest comparison (docs/comparison.md): the recurrent layer kinds at about equal
 * parameter count on three tasks, each trained, quantized, compiled and benched with the
 * rnnc command line exactly as a user would run it.
 *
 *   npm run bench:kinds [-- --quick] [--seeds N] [--tasks gesture,ecg,recall] [--kinds lstm,gru,…]
 *                          [--jobs N] [--epochs-scale X] [--out table.md] [--json runs.json] [--keep DIR]
 *
 * For every task × kind × seed: `rnnc train` (the task's fixed budget, seed = 1..N), `rnnc
 * inspect` (parameters, MACs per step), `rnnc quantize --eval` (float and int8 metric on the
 * held-out data; int8 weights, the default), `rnnc compile --target cortex-m4` (flash, RAM),
 * and, when `scripts/toolchain.sh --check demo` finds the Arm toolchain and QEMU, `rnnc bench
 * --target cortex-m4` (instructions per step, measured flash and RAM). The CLI runs as child
 * processes, --jobs (default 2) at a time.
 *
 * Units: each task names a reference (LSTM 16, the examples' model); every kind gets the
 * units whose whole model (recurrent layer and head) comes closest to the reference's
 * parameter count, counted as `rnnc inspect` counts them. A kind is one entry of KINDS. Whether
 * the trainer takes a kind is found by parsing its architecture; whether `rnnc quantize` takes
 * it, by quantizing the untrained model with the CLI: cells it cannot fill read "n/a (not
 * supported yet)" and the float metric is then measured in this process with the functions
 * `rnnc quantize --eval` uses.
 *
 * --quick: one seed and small data and budgets, to check the whole path in about a minute and
 * a half (its numbers mean nothing). --epochs-scale X multiplies every task's epochs (a longer
 * budget for every kind; the tables say so). --json writes every run's numbers; --keep DIR keeps
 * the data and models there.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';
import { readEvalData } from '../src/cli/calib-data.js';
import { loadModel, modelToJson } from '../src/ir/io.js';
import { loadQuantModel } from '../src/ir/qio.js';
import { summarize } from '../src/ir/shapes.js';
import { fixedRunner, floatRunner, taskKind, taskMetric } from '../src/quantize/report.js';
import { parseArch, resolveArch } from '../src/train/arch.js';
import { Net } from '../src/train/net.js';
import { RECALL_DEFAULTS, recallCsv, recallSequences } from './recall.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** The options and whether each takes a value: anything else stops the bench (a mistyped option would silently measure the default). */
const OPTIONS: Record<string, boolean> = {
  '--quick': false, '--seeds': true, '--tasks': true, '--kinds': true, '--jobs': true, '--epochs-scale': true, '--out': true, '--json': true, '--keep': true,
};
for (let i = 2; i < process.argv.length; i++) {
  const o = process.argv[i]!;
  if (!(o in OPTIONS) || (OPTIONS[o] && process.argv[i + 1] === undefined)) {
    process.stderr.write(`bench:kinds: ${o in OPTIONS ? `${o} needs a value` : `unknown option ${o}`}; options: ${Object.keys(OPTIONS).join(', ')}\n`);
    process.exit(2);
  }
  if (OPTIONS[o]) i++;
}

const QUICK = process.argv.includes('--quick');
const SEEDS = Number(arg('seeds') ?? (QUICK ? 1 : 3));
const JOBS = Number(arg('jobs') ?? 2);
const ONLY_TASKS = arg('tasks')?.split(',');
const ONLY_KINDS = arg('kinds')?.split(',');
const EPOCHS_SCALE = Number(arg('epochs-scale') ?? 1);
const epochsOf = (n: number) => Math.max(1, Math.round(n * EPOCHS_SCALE));
if (!Number.isInteger(SEEDS) || SEEDS < 1 || !Number.isInteger(JOBS) || JOBS < 1 || !(EPOCHS_SCALE > 0)) {
  process.stderr.write('bench:kinds: --seeds and --jobs take an integer from 1, --epochs-scale a number above 0\n');
  process.exit(2);
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** The CLI built from this checkout's src/ by the same tsc run as this script. */
const CLI = fileURLToPath(new URL('../src/cli/main.js', import.meta.url));
const TARGET = 'cortex-m4';

// --- the kinds -------------------------------------------------------------------------

interface Kind {
  /** The layer name in --arch. */
  name: string;
  label: string;
  /** The architecture at `units`, ending with the task's head (e.g. "dense:4:softmax"). */
  arch(units: number, head: string): string;
}

/** One entry per kind: adding a kind here adds its rows to every task. */
const KINDS: Kind[] = [
  { name: 'lstm', label: 'LSTM', arch: (u, head) => `lstm:${u},${head}` },
  { name: 'gru', label: 'GRU', arch: (u, head) => `gru:${u},${head}` },
  { name: 'mingru', label: 'minGRU', arch: (u, head) => `mingru:${u},${head}` },
  { name: 'minlstm', label: 'minLSTM', arch: (u, head) => `minlstm:${u},${head}` },
  // Mamba-style selective state space: the dense layer is its output projection.
  { name: 'ssm', label: 'SSM', arch: (u, head) => `ssm:${u},dense:${u}:linear,${head}` },
];
const TASK_NAMES = ['gesture', 'ecg', 'recall'];
for (const [given, known] of [[ONLY_TASKS, TASK_NAMES], [ONLY_KINDS, KINDS.map((k) => k.name)]] as const) {
  const unknown = given?.filter((g) => !known.includes(g));
  if (unknown?.length) {
    process.stderr.write(`bench:kinds: unknown ${unknown.join(', ')}; known: ${known.join(', ')}\n`);
    process.exit(2);
  }
}

// --- the tasks -------------------------------------------------------------------------

/** The data-file options train, quantize and the in-process evaluation share. */
interface ReadOptions { window?: number; horizon?: number; features?: string[] }

interface EvalSet { label: string; file: string }

interface Task {
  name: string;
  title: string;
  /** Features per step and the head: what sizing needs before any data is read. */
  inputs: number;
  head: string;
  metric: 'accuracy' | 'rmse';
  reference: { kind: string; units: number };
  epochs: number;
  lr: number;
  read: ReadOptions;
  /** Training-only read options (ECG trains on every fourth window). */
  trainRead?: { stride?: number };
  train: string;
  /** The first is what `rnnc quantize --eval` measures; any others are measured in process. */
  evals: EvalSet[];
  /** What the metric is against: chance level or a baseline. */
  baseline: string;
  budget: string;
}

/** The examples' data scripts: quick, and done before any run starts. */
function runNode(args: string[]): string {
  return String(execaSync(process.execPath, args, { cwd: ROOT }).stdout);
}

function tasks(dir: string): Task[] {
  const out: Task[] = [];
  const want = (name: string) => !ONLY_TASKS || ONLY_TASKS.includes(name);
  if (want('gesture')) {
    const count = QUICK ? 200 : 800, test = QUICK ? 100 : 200;
    const train = join(dir, 'gestures.csv'), held = join(dir, 'gestures-test.csv');
    runNode([join(ROOT, 'examples/gesture/generate.mjs'), '--seed', '1', '--count', String(count), '-o', train]);
    runNode([join(ROOT, 'examples/gesture/generate.mjs'), '--seed', '2', '--count', String(test), '-o', held]);
    const epochs = epochsOf(QUICK ? 3 : 12);
    out.push({
      name: 'gesture', title: 'Gesture (examples/gesture: 3-axis accelerometer, 48 steps, 4 classes)', inputs: 3, head: 'dense:4:softmax',
      metric: 'accuracy', reference: { kind: 'lstm', units: 16 }, epochs, lr: 0.01, read: {}, train,
      evals: [{ label: 'test', file: held }],
      baseline: 'chance 25 % (4 classes)',
      budget: `${count} sequences (seed 1; 20 % held out for validation), ${epochs} epochs, batch 32, Adam lr 0.01; test: ${test} fresh sequences (seed 2)`,
    });
  }
  if (want('ecg')) {
    const trainN = QUICK ? 4000 : 20000, testN = QUICK ? 2000 : 20000;
    const ecgDir = join(dir, 'ecg');
    const said = runNode([join(ROOT, 'examples/ecg/prepare.mjs'), '--train', String(trainN), '--test', String(testN), '-o', ecgDir]);
    const persistence = /RMSE ([0-9.]+) mV/.exec(said)?.[1] ?? '?';
    const epochs = epochsOf(QUICK ? 2 : 20);
    out.push({
      name: 'ecg', title: 'ECG (examples/ecg: MIT-BIH record 208, 32 samples → the sample 10 later)', inputs: 1, head: 'dense:1',
      metric: 'rmse', reference: { kind: 'lstm', units: 16 }, epochs, lr: 0.01,
      read: { window: 32, horizon: 10, features: ['ecg_mv'] }, trainRead: { stride: 4 },
      train: join(ecgDir, 'train.csv'), evals: [{ label: 'test', file: join(ecgDir, 'test.csv') }],
      baseline: `persistence forecast ${persistence} mV`,
      budget: `samples 0–${trainN - 1}, every fourth window (--stride 4; 20 % held out for validation), ${epochs} epochs, batch 32, Adam lr 0.01; ` +
        `calibration on every training window; test: the ${testN} samples after them`,
    });
  }
  if (want('recall')) {
    const count = QUICK ? 200 : 1000, test = QUICK ? 40 : 200;
    const gaps = [5, 20, 50, 100, 200], long = QUICK ? 400 : 1000;
    const train = join(dir, 'recall.csv'), at200 = join(dir, 'recall-200.csv'), atLong = join(dir, `recall-${long}.csv`);
    writeFileSync(train, recallCsv(recallSequences({ seed: 11, count, distractors: gaps })));
    writeFileSync(at200, recallCsv(recallSequences({ seed: 12, count: test, distractors: 200 })));
    writeFileSync(atLong, recallCsv(recallSequences({ seed: 13, count: test, distractors: long })));
    const epochs = epochsOf(QUICK ? 3 : 30);
    const K = RECALL_DEFAULTS.symbols;
    out.push({
      name: 'recall', title: `Long memory (bench/recall.ts: recall 1 of ${K} symbols after 200 or ${long} steps of noise)`, inputs: K + 1,
      head: `dense:${K}:softmax`, metric: 'accuracy', reference: { kind: 'lstm', units: 16 }, epochs, lr: 0.01, read: {}, train,
      evals: [{ label: 'gap 200', file: at200 }, { label: `gap ${long}`, file: atLong }],
      baseline: `chance ${100 / K} % (${K} balanced classes)`,
      budget: `${count} sequences (seed 11) with gaps of ${gaps.join(', ')} noise steps (20 % held out for validation), ${epochs} epochs, batch 32, ` +
        `Adam lr 0.01; test: ${test} sequences at gap 200 (seed 12) and ${test} at gap ${long} (seed 13)`,
    });
  }
  return out;
}

// --- sizing and support ----------------------------------------------------------------

/** The untrained model of an architecture, as `rnnc train` would build it; throws what the trainer throws. */
function untrained(arch: string, inputs: number) {
  const net = new Net(resolveArch(parseArch(arch).layers, false), inputs);
  net.init(1);
  return net.toModel('probe', {});
}

const paramsOf = (arch: string, inputs: number) => summarize(untrained(arch, inputs)).params;

/** The units whose model comes closest to `target` parameters (parameters grow with units). */
function unitsFor(kind: Kind, task: Task, target: number): { units: number; params: number } {
  let best = { units: 1, params: paramsOf(kind.arch(1, task.head), task.inputs) };
  for (let u = 2; u <= 4096; u++) {
    const params = paramsOf(kind.arch(u, task.head), task.inputs);
    if (Math.abs(params - target) < Math.abs(best.params - target)) best = { units: u, params };
    if (params > target) break;
  }
  return best;
}

/** Why the trainer refuses the kind, or undefined when it takes it. */
function trainerRefuses(kind: Kind, task: Task): string | undefined {
  try {
    untrained(kind.arch(2, task.head), task.inputs);
    return undefined;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

interface Cli { code: number; stdout: string; stderr: string }

async function rnnc(args: string[]): Promise<Cli> {
  const r = await execa(process.execPath, [CLI, ...args], { reject: false, cwd: ROOT, maxBuffer: 256 * 1024 * 1024 });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}

function must(r: Cli, what: string): string {
  if (r.code !== 0) throw new Error(`${what}: exit ${r.code}: ${r.stderr.trim().split('\n')[0]}`);
  return r.stdout;
}

/** Whether `rnnc quantize` takes the kind: the CLI on the untrained model, without data. */
async function quantizerRefuses(kind: Kind, task: Task, dir: string): Promise<string | undefined> {
  const model = join(dir, `probe-${task.name}-${kind.name}.json`);
  writeFileSync(model, modelToJson(untrained(kind.arch(2, task.head), task.inputs)));
  const r = await rnnc(['quantize', model, '-o', join(dir, `probe-${task.name}-${kind.name}.q.json`), '--force']);
  return r.code === 0 ? undefined : r.stderr.trim().split('\n')[0]!.replace(/^rnnc: /, '');
}

// --- one run ---------------------------------------------------------------------------

interface Result {
  task: string;
  kind: string;
  seed: number;
  units: number;
  params: number;
  macs: number;
  epochsRun: number;
  bestEpoch: number;
  trainSeconds: number;
  float: number[];
  int8?: number[];
  flash?: number;
  ram?: number;
  sizeFrom?: 'bench' | 'compile';
  instrPerStep?: number;
  error?: string;
}

function readArgs(r: ReadOptions & { stride?: number }): string[] {
  return [
    ...(r.window !== undefined ? ['--window', String(r.window)] : []),
    ...(r.horizon !== undefined ? ['--horizon', String(r.horizon)] : []),
    ...(r.stride !== undefined ? ['--stride', String(r.stride)] : []),
    ...(r.features ? ['--features', r.features.join(',')] : []),
  ];
}

/** The task metric of the float model (and of the int8 model when given) on one eval set, as `rnnc quantize --eval` measures it. */
function measure(modelPath: string, qPath: string | undefined, task: Task, file: string): { float: number; int8?: number } {
  const model = loadModel(modelPath);
  const data = readEvalData(file, model, { window: task.read.window, horizon: task.read.horizon, featureColumns: task.read.features });
  const kind = taskKind(model);
  const float = taskMetric(kind, floatRunner(model), data, summarize(model).outputSize);
  if (!qPath) return { float };
  const q = loadQuantModel(qPath);
  return { float, int8: taskMetric(kind, fixedRunner(q), data, q.outputSize) };
}

async function runOne(task: Task, kind: Kind, units: number, seed: number, dir: string, quantOk: boolean, bench: boolean): Promise<Result> {
  const base = join(dir, `${task.name}-${kind.name}-s${seed}`);
  const model = `${base}.json`, q = `${base}.q.json`;
  const arch = kind.arch(units, task.head);
  const started = Date.now();
  const trained = must(await rnnc(['train', '--data', task.train, ...readArgs({ ...task.read, ...task.trainRead }), '--arch', arch,
    '--epochs', String(task.epochs), '--lr', String(task.lr), '--seed', String(seed), '--name', task.name, '-o', model, '--json', '--force']), `train ${arch}`);
  const trainSeconds = (Date.now() - started) / 1000;
  const last = JSON.parse(trained.trim().split('\n').at(-1)!) as { epochsRun: number; bestEpoch: number };
  const size = JSON.parse(must(await rnnc(['inspect', model, '--json']), 'inspect')) as { params: number; macsPerStep: number };
  const result: Result = {
    task: task.name, kind: kind.name, seed, units, params: size.params, macs: size.macsPerStep, epochsRun: last.epochsRun, bestEpoch: last.bestEpoch,
    trainSeconds, float: [],
  };
  if (!quantOk) {
    result.float = task.evals.map((e) => measure(model, undefined, task, e.file).float);
    return result;
  }
  const quant = JSON.parse(must(await rnnc(['quantize', model, '--data', task.train, ...readArgs(task.read), '--eval', task.evals[0]!.file,
    '-o', q, '--json', '--force']), 'quantize')) as { eval: { float: number; int8: number } };
  result.float = [quant.eval.float];
  result.int8 = [quant.eval.int8];
  for (const e of task.evals.slice(1)) {
    const m = measure(model, q, task, e.file);
    result.float.push(m.float);
    result.int8.push(m.int8!);
  }
  const compiled = await rnnc(['compile', q, '--target', TARGET, '-o', `${base}-c`, '--json', '--force']);
  if (compiled.code !== 0) {
    result.error = `compile: ${compiled.stderr.trim().split('\n')[0]}`;
    return result;
  }
  const c = JSON.parse(compiled.stdout) as { flash: { total: number }; ram: { state: number; staticScratch: number; stackScratch: number } };
  result.flash = c.flash.total;
  result.ram = c.ram.state + c.ram.staticScratch + c.ram.stackScratch;
  result.sizeFrom = 'compile';
  if (bench) {
    const b = JSON.parse(must(await rnnc(['bench', q, '--target', TARGET, '--json']), 'bench')) as {
      insns: { perStep: number }; flash: { total: number }; ram: { total: number };
    };
    result.instrPerStep = b.insns.perStep;
    result.flash = b.flash.total;
    result.ram = b.ram.total;
    result.sizeFrom = 'bench';
  }
  return result;
}

// --- the table -------------------------------------------------------------------------

const NA = 'n/a (not supported yet)';
const thousands = (x: number) => Math.round(x).toLocaleString('en-US');

function meanSd(xs: number[]): { mean: number; sd: number } {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = xs.length > 1 ? Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / (xs.length - 1)) : 0;
  return { mean, sd };
}

function metricText(xs: number[], metric: Task['metric']): string {
  const { mean, sd } = meanSd(xs);
  const f = (v: number) => (metric === 'accuracy' ? (100 * v).toFixed(1) : v.toFixed(4));
  return xs.length > 1 ? `${f(mean)} ± ${f(sd)}` : f(mean);
}

interface Row { kind: Kind; units?: number; params?: number; refused?: string; quantRefused?: string; results: Result[] }

function taskTable(task: Task, rows: Row[]): string[] {
  const unit = task.metric === 'accuracy' ? 'accuracy %' : 'RMSE mV';
  const evalHeads = task.evals.flatMap((e) => {
    const at = task.evals.length > 1 ? ` ${e.label}` : '';
    return [`float ${unit}${at}`, `int8 ${unit}${at}`];
  });
  const lines = [
    `| kind | units | params | MACs/step | ${evalHeads.join(' | ')} | flash B | RAM B | M4 instr/step | epochs run (best) | train s |`,
    `|---|---:|---:|---:|${evalHeads.map(() => '---:').join('|')}|---:|---:|---:|---:|---:|`,
  ];
  for (const r of rows) {
    const cols = 8 + evalHeads.length;
    if (r.refused) {
      lines.push(`| ${r.kind.label} | ${Array.from({ length: cols }, () => NA).join(' | ')} |`);
      continue;
    }
    const ok = r.results.filter((x) => !x.error || x.float.length > 0);
    const first = ok[0];
    if (!first) {
      lines.push(`| ${r.kind.label} | ${r.units} | ${thousands(r.params!)} | ${Array.from({ length: cols - 2 }, () => 'failed').join(' | ')} |`);
      continue;
    }
    const evalCells = task.evals.flatMap((_, k) => [
      metricText(ok.map((x) => x.float[k]!), task.metric),
      first.int8 ? metricText(ok.map((x) => x.int8![k]!), task.metric) : NA,
    ]);
    const instr = first.instrPerStep !== undefined ? thousands(meanSd(ok.map((x) => x.instrPerStep!)).mean) : r.quantRefused ? NA : '– (no toolchain)';
    const epochs = `${meanSd(ok.map((x) => x.epochsRun)).mean.toFixed(1)} (${meanSd(ok.map((x) => x.bestEpoch)).mean.toFixed(1)})`;
    // A run that failed leaves fewer seeds behind: say so in the row, the note says why.
    const label = ok.length < r.results.length ? `${r.kind.label} (${ok.length} of ${r.results.length} seeds)` : r.kind.label;
    lines.push(`| ${label} | ${first.units} | ${thousands(first.params)} | ${thousands(first.macs)} | ${evalCells.join(' | ')} | ` +
      `${first.flash !== undefined ? thousands(first.flash) : NA} | ${first.ram !== undefined ? thousands(first.ram) : NA} | ${instr} | ${epochs} | ` +
      `${meanSd(ok.map((x) => x.trainSeconds)).mean.toFixed(1)} |`);
  }
  return lines;
}

// --- main ------------------------------------------------------------------------------

/** The compiled script runs from .tmp/bench/; the CLI beside it reads these from its package root. */
function linkPackageFiles(): void {
  const here = fileURLToPath(new URL('../', import.meta.url));
  mkdirSync(here, { recursive: true });
  for (const d of ['templates', 'boards', 'runtime-c', 'package.json']) {
    if (!existsSync(join(here, d))) symlinkSync(join(ROOT, d), join(here, d), d === 'package.json' ? 'file' : 'dir');
  }
}

async function pool(jobs: Array<() => Promise<void>>, width: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) await jobs[next++]!();
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/**
 * CPU seconds of this process and its finished children (Linux /proc; undefined elsewhere):
 * the wall time of a run depends on what else the machine runs, this does not.
 */
function cpuSeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').replace(/^.*\) /, '').split(' ');
    // utime, stime, cutime, cstime: fields 14–17 of stat(5), 12–15 after the command name.
    return fields.slice(11, 15).reduce((s, f) => s + Number(f), 0) / 100;
  } catch {
    return undefined;
  }
}

async function toolchainPresent(): Promise<boolean> {
  const r = await execa('bash', [join(ROOT, 'scripts/toolchain.sh'), '--check', 'demo'], { reject: false });
  return r.exitCode === 0;
}

async function main(): Promise<void> {
  linkPackageFiles();
  const keep = arg('keep');
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'rnnc-kinds-'));
  mkdirSync(dir, { recursive: true });
  const started = Date.now();
  try {
    const bench = await toolchainPresent();
    const ts = tasks(dir);
    const kinds = KINDS.filter((k) => !ONLY_KINDS || ONLY_KINDS.includes(k.name));
    const rowsByTask = new Map<string, Row[]>();
    let done = 0;
    const jobs: Array<() => Promise<void>> = [];
    for (const task of ts) {
      const ref = KINDS.find((k) => k.name === task.reference.kind)!;
      const target = paramsOf(ref.arch(task.reference.units, task.head), task.inputs);
      const rows: Row[] = [];
      for (const kind of kinds) {
        const refused = trainerRefuses(kind, task);
        if (refused) { rows.push({ kind, refused, results: [] }); continue; }
        const { units, params } = unitsFor(kind, task, target);
        const quantRefused = await quantizerRefuses(kind, task, dir);
        const row: Row = { kind, units, params, quantRefused, results: [] };
        rows.push(row);
        for (let seed = 1; seed <= SEEDS; seed++) {
          jobs.push(async () => {
            try {
              row.results.push(await runOne(task, kind, units, seed, dir, quantRefused === undefined, bench));
            } catch (e) {
              row.results.push({ task: task.name, kind: kind.name, seed, units, params, macs: 0, epochsRun: 0, bestEpoch: 0, trainSeconds: 0, float: [], error: String((e as Error).message) });
            }
            process.stderr.write(`\r${++done}/${jobs.length} runs (${((Date.now() - started) / 1000).toFixed(0)} s)   `);
          });
        }
      }
      rowsByTask.set(task.name, rows);
    }
    // The slowest task first, so the two workers finish together.
    jobs.reverse();
    await pool(jobs, JOBS);
    process.stderr.write('\n');
    for (const rows of rowsByTask.values()) for (const r of rows) r.results.sort((a, b) => a.seed - b.seed);

    const cpu = cpuSeconds();
    const lines: string[] = [];
    const say = (s = '') => { lines.push(s); process.stdout.write(s + '\n'); };
    say(`Recurrent layer kinds at about equal parameter count${QUICK ? ' (--quick: a smoke run, the numbers mean nothing)' : ''}` +
      `${EPOCHS_SCALE !== 1 ? ` (--epochs-scale ${EPOCHS_SCALE}: ${EPOCHS_SCALE}× each task's epochs)` : ''}: ` +
      `${SEEDS > 1 ? `${SEEDS} seeds (rnnc train --seed 1..${SEEDS}), mean ± standard deviation over seeds` : 'one seed (rnnc train --seed 1)'}; ` +
      `int8 weights (rnnc quantize's default), calibrated on the training data; flash, RAM and instructions per step for ${TARGET}` +
      `${bench ? ' measured by rnnc bench under QEMU (-O2; RAM = state + static + peak stack; flash and RAM of the first seed\'s model, instructions the mean over seeds)' : ' from rnnc compile (no Arm toolchain: no instruction counts)'}. ` +
      `${jobs.length} runs in ${((Date.now() - started) / 1000).toFixed(0)} s, ${JOBS} at a time${cpu !== undefined ? `, ${cpu.toFixed(0)} s of CPU time` : ''}.`);
    for (const task of ts) {
      const rows = rowsByTask.get(task.name)!;
      say();
      say(`### ${task.title}`);
      say();
      say(`Reference ${task.reference.kind.toUpperCase()} ${task.reference.units}; ${task.baseline}. Budget: ${task.budget}; early stopping keeps the best validation epoch (patience 10).`);
      say();
      for (const l of taskTable(task, rows)) say(l);
      const notes = rows.flatMap((r) => [
        ...(r.refused ? [`${r.kind.label}: the trainer does not take it: ${r.refused.split('\n')[0]}`] : []),
        ...(r.quantRefused ? [`${r.kind.label}: rnnc quantize does not take it: ${r.quantRefused}`] : []),
        ...r.results.filter((x) => x.error).map((x) => `${r.kind.label}, seed ${x.seed}: ${x.error}`),
      ]);
      if (notes.length > 0) { say(); for (const n of notes) say(`- ${n}`); }
    }
    const out = arg('out');
    if (out) writeFileSync(out, lines.join('\n') + '\n');
    if (arg('json')) writeFileSync(arg('json')!, JSON.stringify([...rowsByTask.values()].flatMap((rows) => rows.flatMap((r) => r.results)), null, 1) + '\n');
  } finally {
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`bench:kinds failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
