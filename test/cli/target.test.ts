// `rnnc verify --target <board>` and `rnnc bench` through the built binary: runs under
// QEMU, their output fields, and the missing-toolchain errors (PATH without the cross
// compiler or QEMU: exit 2 naming the Debian package).
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { beforeAll, describe, expect, it } from 'vitest';
import { randomModel } from '../../src/ir/random.js';
import { modelToJson } from '../../src/ir/io.js';
import { findOnPath } from '../../src/target/toolchain.js';
import { tempDir } from '../helpers/gcc.js';
import { BIN, rnnc as runCli } from '../helpers/run-cli.js';

/** The CLI without the quantizer's no-calibration warning (these models have no data). */
async function rnnc(args: string[]) {
  const r = await runCli(args);
  return { ...r, stderr: r.stderr.split('\n').filter((l) => !l.startsWith('rnnc: warning: no calibration data')).join('\n') };
}

let dir = '';
let lstm = '';
let bidir = '';

beforeAll(() => {
  dir = tempDir('cli-target');
  lstm = join(dir, 'lstm.json');
  bidir = join(dir, 'bidir.json');
  writeFileSync(lstm, modelToJson(randomModel({ name: 'tl', inputSize: 3, layers: [{ type: 'lstm', units: 4 }, { type: 'dense', units: 2, activation: 'linear' }] }, 5)));
  writeFileSync(bidir, modelToJson(randomModel({ name: 'tb', inputSize: 2, layers: [{ type: 'gru', units: 3, bidirectional: 'concat' }] }, 6)));
});

/** The CLI with PATH holding only links to the named tools. */
async function withOnly(tools: string[], args: string[]) {
  const bin = join(dir, `path-${tools.length}-${tools.join('-')}`);
  mkdirSync(bin, { recursive: true });
  for (const t of tools) symlinkSync(findOnPath(t)!, join(bin, t));
  return execa(process.execPath, [BIN, ...args], { reject: false, env: { PATH: bin }, extendEnv: false });
}

describe('rnnc verify --target', () => {
  it('cortex-m4 (-O2): bit-exact under QEMU', async () => {
    const r = await rnnc(['verify', lstm, '--target', 'cortex-m4', '--cases', '3']);
    expect(r.stderr).not.toContain('rnnc: ');
    expect(r.stdout).toMatch(/^tl on cortex-m4 \(-O2, QEMU mps2-an386\): \d+ outputs compared in 8 cases, all bit-exact\n$/);
    expect(r.exitCode).toBe(0);
  });
  it('riscv32 -Os, a bidirectional model', async () => {
    const r = await rnnc(['verify', bidir, '--target', 'riscv32', '--opt', 'Os', '--cases', '2']);
    expect(r.stdout).toMatch(/^tb on riscv32 \(-Os, QEMU virt\): \d+ outputs compared in 3 cases, all bit-exact\n$/);
    expect(r.exitCode).toBe(0);
  });
  it('exits 2 naming gcc-arm-none-eabi when the cross compiler is not on PATH', async () => {
    const r = await withOnly([], ['verify', lstm, '--target', 'cortex-m4']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^rnnc: target cortex-m4 needs arm-none-eabi-gcc, which is not on PATH; install the Debian package gcc-arm-none-eabi/);
  });
  it('exits 2 naming qemu-system-misc when only QEMU is missing (riscv32)', async () => {
    const r = await withOnly(['riscv64-unknown-elf-gcc'], ['verify', lstm, '--target', 'riscv32']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('needs qemu-system-riscv32, which is not on PATH; install the Debian package qemu-system-misc');
  });
  it('refuses an unknown --opt', async () => {
    const r = await rnnc(['verify', lstm, '--target', 'cortex-m0', '--opt', 'O3']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toBe('rnnc: --opt: expected O2 or Os, got "O3"\n');
  });

  it('a model larger than the board: exit 2 with the overflowing region, not an internal error', async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, modelToJson(randomModel({ name: 'big', inputSize: 64, layers: [{ type: 'lstm', units: 400 }] }, 7)));
    const r = await rnnc(['verify', big, '--target', 'cortex-m55', '--weights', 'int16', '--cases', '1']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^rnnc: the model and its test harness do not fit the cortex-m55 board's memory: region \w+ overflowed by \d+ bytes/);
  });
});

interface BenchJson {
  model: string; target: string; kernel: string; opt: string; weightBits: number; macsPerStep: number; steps: number; mode: string;
  insns: { perStep: number; maxPerStep: number; firstStep: number; perMac: number };
  decoder?: { decode: number; outputs: number; perOutput: number; macsPerOutput: number; encoderInDecode: boolean };
  flash: { code: number; stepCode: number; weights: number; luts: number; total: number };
  ram: { state: number; staticScratch: number; peakStack: number; total: number };
}

describe('rnnc bench', () => {
  it('--json: instructions per step and per MAC, flash and RAM of a small LSTM on cortex-m4', async () => {
    const r = await rnnc(['bench', lstm, '--target', 'cortex-m4', '--steps', '8', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as BenchJson;
    expect([j.model, j.target, j.opt, j.weightBits, j.steps, j.mode]).toEqual(['tl', 'cortex-m4', 'O2', 8, 8, 'step']);
    expect(j.macsPerStep).toBe(4 * 4 * (3 + 4) + 2 * 4);
    expect(j.insns.perStep).toBeGreaterThan(j.macsPerStep);
    expect(j.insns.maxPerStep).toBeGreaterThanOrEqual(j.insns.perStep);
    expect(j.insns.perMac).toBeCloseTo(j.insns.perStep / j.macsPerStep, 10);
    // int8 weights: one byte each, plus int32 bias and multiplier and a uint8 shift per row.
    expect(j.flash.weights).toBeGreaterThanOrEqual(j.macsPerStep);
    expect(j.flash.luts).toBeGreaterThan(0);
    expect(j.flash.stepCode).toBeLessThan(j.flash.code);
    expect(j.flash.total).toBe(j.flash.code + j.flash.weights + j.flash.luts);
    // h and c of 4 units, int16 (a calibrated int32 cell would double c).
    expect(j.ram.state).toBe(16);
    expect(j.ram.staticScratch).toBe(0);
    expect(j.ram.peakStack).toBeGreaterThan(0);
    expect(j.ram.peakStack).toBeLessThan(4096);
    expect(j.ram.total).toBe(j.ram.state + j.ram.staticScratch + j.ram.peakStack);
  });
  it('text output, -Os on riscv32', async () => {
    const r = await rnnc(['bench', lstm, '--target', 'riscv32', '--opt', 'Os', '--steps', '4']);
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('tl on riscv32 (-Os, portable kernels, int8 weights), counted under QEMU, outputs checked bit-exact');
    expect(lines[1]).toMatch(/^ {2}instructions per step: [\d,]+\.\d average, [\d,]+ max over steps 2\.\.4 \(first step [\d,]+\)$/);
    expect(lines[2]).toMatch(/^ {2}instructions per MAC: +\d+\.\d\d \(120 MACs per step\)$/);
    expect(lines[3]).toMatch(/^ {2}flash: [\d,]+ B = code [\d,]+ \(step path [\d,]+\) \+ weights [\d,]+ \+ LUTs [\d,]+ \(measured in \w+\.o at -O[s2], where the compiler may fold small tables into code\)$/);
    expect(lines[4]).toMatch(/^ {2}RAM: +[\d,]+ B = state 16 \+ static scratch 0 \+ peak stack [\d,]+ \(measured\)$/);
  });
  it('a bidirectional model is timed through NAME_run, with its static buffers', async () => {
    const r = await rnnc(['bench', bidir, '--target', 'cortex-m0', '--steps', '6', '--max-seq', '8', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as BenchJson;
    expect(j.mode).toBe('run');
    expect(j.ram.state).toBe(0);
    expect(j.ram.staticScratch).toBeGreaterThanOrEqual(2 * 8 * 6);
  });
  it('an encoder–decoder: per NAME_encode_step, and one NAME_decode over the encoded steps (cortex-m4)', async () => {
    const f = JSON.parse(readFileSync(new URL('../fixtures/torch/seq2seq_bahdanau_lstm.json', import.meta.url), 'utf8')) as { model: unknown };
    const path = join(dir, 's2s.json');
    writeFileSync(path, JSON.stringify(f.model));
    const r = await rnnc(['bench', path, '--target', 'cortex-m4', '--steps', '8', '--max-seq', '16', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout) as BenchJson;
    expect([j.mode, j.steps, j.decoder?.outputs, j.decoder?.encoderInDecode]).toEqual(['encode-decode', 8, 6, false]);
    // The encoder: an LSTM of 8 units over 3 inputs, and the attention's keys (5 × 8) per step.
    expect(j.macsPerStep).toBe(4 * 8 * (3 + 8) + 5 * 8);
    expect(j.insns.perStep).toBeGreaterThan(j.macsPerStep);
    expect(j.decoder!.perOutput).toBeCloseTo(j.decoder!.decode / 6, 10);
    // A decoder step: the LSTM (10 inputs: 2 fed back and a context of 8), the projection, W_q, and per position v·t and α_j m_j.
    expect(j.decoder!.macsPerOutput).toBe(4 * 8 * (10 + 8) + 2 * 8 + 5 * 8 + 8 * (5 + 8));
    expect(j.decoder!.perOutput).toBeGreaterThan(j.decoder!.macsPerOutput);
    // The memory buffer (16 × 8 int16) and the keys (16 × 5 int32) are in the state.
    expect(j.ram.state).toBeGreaterThanOrEqual(16 * 8 * 2 + 16 * 5 * 4);
    const t = await rnnc(['bench', path, '--target', 'cortex-m4', '--steps', '8', '--max-seq', '16']);
    expect(t.stdout).toMatch(/^ {2}instructions per encoder step: [\d,]+\.\d average, [\d,]+ max over steps 2\.\.8 \(first step [\d,]+\) \(s2s_encode_step\)$/m);
    expect(t.stdout).toMatch(/^ {2}instructions per decoder step: [\d,]+\.\d \(one s2s_decode over 8 encoder steps: [\d,]+ for 6 outputs; [\d,]+ MACs per decoder step\)$/m);
  });
  it('refuses the host (no instruction counter)', async () => {
    const r = await rnnc(['bench', lstm, '--target', 'host']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/^rnnc: bench counts instructions under QEMU/);
  });
  it('exits 2 naming the Debian package when the cross compiler is missing', async () => {
    const r = await withOnly([], ['bench', lstm, '--target', 'cortex-m55']);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('install the Debian package gcc-arm-none-eabi');
  });
});
