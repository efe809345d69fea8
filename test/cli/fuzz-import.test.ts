/**
 * Seeded fuzzing of the importers: single-byte changes and truncations of the committed
 * ONNX and Keras/TF.js fixtures (model.json text and binary weight shards). Every case
 * must end in exit 0 or 2 within a time limit, with at most three lines on stderr, all
 * printable, and no stack trace or internal error.
 *
 * Most cases run in-process through the CLI's main() (a few milliseconds each), and the
 * importer's own message is checked too, before the CLI's last-resort escaping: names
 * from the file must already arrive quoted. A sample also runs through the built
 * binary, to prove nothing else reaches a real stderr.
 * Fixed seeds: a failure names its case, and rerunning reproduces it.
 */
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { RnncError } from '../../src/errors.js';
import { loadAnyModel } from '../../src/import/detect.js';
import { Rng } from '../../src/util/rng.js';
import { rnnc } from '../helpers/run-cli.js';

const root = new URL('../../', import.meta.url).pathname;
const onnxDir = join(root, 'test/fixtures/onnx');
const kerasDir = join(root, 'test/fixtures/keras/gru_reset_after');
const KERAS_FILES = ['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin'];

/** In-process time limit per case; the slowest legitimate import takes a few ms. */
const CASE_MS = 3000;
const FLIPS_PER_ONNX = 30;
const CUTS_PER_ONNX = 6;
const KERAS_JSON_FLIPS = 150;
const KERAS_JSON_CUTS = 30;
const KERAS_SHARD_FLIPS = 40;
const KERAS_SHARD_CUTS = 20;
/** Cases also run through the built binary (about 0.3 s each). */
const REAL_PROCESS_CASES = 10;

interface Case {
  label: string;
  /** Files to write into the case folder: name → bytes. */
  files: Record<string, Uint8Array>;
  /** The model file given to the command. */
  model: string;
}

function flip(bytes: Uint8Array, rng: Rng): { out: Uint8Array; at: number; xor: number } {
  const out = Uint8Array.from(bytes);
  const at = rng.int(0, out.length - 1);
  const xor = rng.int(1, 255);
  out[at]! ^= xor;
  return { out, at, xor };
}

function cut(bytes: Uint8Array, rng: Rng): { out: Uint8Array; at: number } {
  const at = rng.int(0, bytes.length - 1);
  return { out: bytes.slice(0, at), at };
}

function onnxCases(rng: Rng): Case[] {
  const out: Case[] = [];
  for (const name of readdirSync(onnxDir).filter((f) => f.endsWith('.onnx')).sort()) {
    const bytes = new Uint8Array(readFileSync(join(onnxDir, name)));
    for (let i = 0; i < FLIPS_PER_ONNX; i++) {
      const m = flip(bytes, rng);
      out.push({ label: `${name}: byte ${m.at} ^= 0x${m.xor.toString(16)}`, files: { [name]: m.out }, model: name });
    }
    for (let i = 0; i < CUTS_PER_ONNX; i++) {
      const m = cut(bytes, rng);
      out.push({ label: `${name}: cut at ${m.at} of ${bytes.length}`, files: { [name]: m.out }, model: name });
    }
  }
  return out;
}

function kerasCases(rng: Rng): Case[] {
  const original = Object.fromEntries(KERAS_FILES.map((f) => [f, new Uint8Array(readFileSync(join(kerasDir, f)))]));
  const out: Case[] = [];
  const add = (file: string, flips: number, cuts: number) => {
    for (let i = 0; i < flips + cuts; i++) {
      const m = i < flips ? flip(original[file]!, rng) : cut(original[file]!, rng);
      const what = 'xor' in m ? `byte ${m.at} ^= 0x${(m.xor as number).toString(16)}` : `cut at ${m.at} of ${original[file]!.length}`;
      out.push({ label: `keras ${file}: ${what}`, files: { ...original, [file]: m.out }, model: 'model.json' });
    }
  };
  add('model.json', KERAS_JSON_FLIPS, KERAS_JSON_CUTS);
  const shard = () => (rng.next() < 0.5 ? KERAS_FILES[1]! : KERAS_FILES[2]!);
  for (let i = 0; i < KERAS_SHARD_FLIPS; i++) add(shard(), 1, 0);
  for (let i = 0; i < KERAS_SHARD_CUTS; i++) add(shard(), 0, 1);
  return out;
}

/** Everything wrong with one outcome; empty when it is fine. */
function problems(exitCode: number, stderr: string, ms?: number): string[] {
  const out: string[] = [];
  if (exitCode !== 0 && exitCode !== 2) out.push(`exit ${exitCode}`);
  const lines = stderr.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  if (lines.length > 3) out.push(`${lines.length} lines on stderr`);
  if (exitCode === 2 && lines.length === 0) out.push('exit 2 without a message');
  if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\uFFFD]/u.test(stderr.replaceAll('\n', ''))) out.push('unprintable characters on stderr');
  if (/internal error/i.test(stderr)) out.push('internal error');
  if (/^\s+at .+[(:]/m.test(stderr) || /\n\s+at /.test(stderr)) out.push('stack trace');
  if (ms !== undefined && ms > CASE_MS) out.push(`took ${Math.round(ms)} ms`);
  return out;
}

let tmp: string;
const rng = new Rng(20240610);
const CASES = [...onnxCases(rng), ...kerasCases(rng)];

beforeAll(() => { tmp = mkdtempSync(join(tmpdir(), 'rnnc-fuzz-')); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Writes a case into its own folder; returns the model path. */
function materialise(c: Case, index: number): string {
  const dir = join(tmp, `case-${index}`);
  mkdirSync(dir, { recursive: true });
  for (const [name, bytes] of Object.entries(c.files)) writeFileSync(join(dir, name), bytes);
  return join(dir, c.model);
}

/** inspect for most cases; every fourth goes through import, which also writes the IR. */
function command(index: number, model: string): string[] {
  return index % 4 === 3 ? ['import', model, '-o', join(tmp, `out-${index}.json`)] : ['inspect', model];
}

/** Longest raw importer message accepted: a few problems, each naming what it is about. */
const MESSAGE_MAX = 800;

/**
 * The importer's own message, before the CLI's last-resort escaping: names from the file
 * must already be quoted (escaped, shortened) by the importer, so the line means something.
 */
function rawMessageProblems(model: string): string[] {
  try {
    loadAnyModel(model);
    return [];
  } catch (e) {
    if (!(e instanceof RnncError)) return [`threw ${e instanceof Error ? e.name : typeof e}: ${String(e).slice(0, 200)}`];
    const out: string[] = [];
    if (e.exitCode !== 2) out.push(`error code ${e.code}`);
    if (/[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\uFFFD]/u.test(e.message)) out.push('unescaped characters in the importer\'s message');
    if (e.message.length > MESSAGE_MAX) out.push(`importer's message is ${e.message.length} characters`);
    return out.map((p) => `${p}: ${JSON.stringify(e.message.slice(0, 200))}`);
  }
}

async function runInProcess(args: string[]): Promise<{ exitCode: number; stderr: string; ms: number }> {
  let stderr = '';
  const io = { out: () => undefined, err: (t: string) => { stderr += t; }, isTty: false };
  const start = performance.now();
  const exitCode = await main(args, io);
  return { exitCode, stderr, ms: performance.now() - start };
}

describe('seeded fuzzing of the importers', () => {
  it(`has at least 300 cases over every ONNX fixture and the Keras model.json and shards (${CASES.length})`, () => {
    expect(CASES.length).toBeGreaterThanOrEqual(300);
    const onnxFiles = readdirSync(onnxDir).filter((f) => f.endsWith('.onnx'));
    for (const f of [...onnxFiles, ...KERAS_FILES]) expect(CASES.some((c) => c.label.includes(`${f}:`)), f).toBe(true);
  });

  it('every flipped or truncated file ends in exit 0 or 2 with at most 3 printable lines (in-process)', async () => {
    const failures: string[] = [];
    const seen = { 0: 0, 2: 0 } as Record<number, number>;
    for (const [i, c] of CASES.entries()) {
      const model = materialise(c, i);
      const r = await runInProcess(command(i, model));
      seen[r.exitCode] = (seen[r.exitCode] ?? 0) + 1;
      const p = problems(r.exitCode, r.stderr, r.ms);
      if (p.length > 0) failures.push(`${c.label} [${command(i, c.model).join(' ')}]: ${p.join(', ')}: ${JSON.stringify(r.stderr.slice(0, 300))}`);
      for (const q of rawMessageProblems(model)) failures.push(`${c.label} (importer): ${q}`);
    }
    expect(failures).toEqual([]);
    // Both outcomes occur: the flips reach past the parsers into weights and names.
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[2]).toBeGreaterThan(0);
  }, 120_000);

  it('a sample through the built binary: no stack trace reaches the real stderr', async () => {
    const step = Math.floor(CASES.length / REAL_PROCESS_CASES);
    const failures: string[] = [];
    for (let k = 0; k < REAL_PROCESS_CASES; k++) {
      const i = k * step + (k % step);
      const c = CASES[i]!;
      const model = materialise(c, i);
      const r = await rnnc(command(i, model), { cwd: tmp });
      const p = problems(r.exitCode, r.stderr);
      if (p.length > 0) failures.push(`${c.label}: ${p.join(', ')}: ${JSON.stringify(r.stderr.slice(0, 300))}`);
    }
    expect(failures).toEqual([]);
  }, 60_000);
});

// Keep the fixture list honest: the Keras fixture folder holds exactly these files.
it('the Keras fixture is model.json and two shards', () => {
  expect(readdirSync(kerasDir).filter((f) => f !== 'expected.json').sort()).toEqual([...KERAS_FILES].sort());
});
