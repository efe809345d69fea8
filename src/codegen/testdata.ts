/**
 * Golden cases for NAME_test.c and rnnc verify: int16 input sequences (typical,
 * extreme values that drive every saturation, zeros, and any calibration sequences)
 * with the outputs the fixed-point reference computes for them, through NAME_run
 * (runFixed) and, for streaming models, step by step through NAME_step (streamFixed).
 */
import { RnncError } from '../errors.js';
import { wholeSequenceOnly } from '../ir/kinds.js';
import { runFixed, streamFixed } from '../fixed/model.js';
import type { QuantModel } from '../ir/qmodel.js';
import { Rng } from '../util/rng.js';
import { cArrayBody } from './ctables.js';

export interface GoldenCase {
  label: string;
  /** 0: NAME_run, 1: NAME_step from a reset state. */
  mode: 0 | 1;
  inputs: Int16Array[];
  expected: Int16Array[];
}

export interface GoldenOptions {
  seed: number;
  /** Random sequences (typical and extreme alternate); zeros are always added. */
  count: number;
  /** Steps per sequence (bidirectional models: at most maxSeq). */
  steps: number;
  /** Extra sequences already in int16 (e.g. calibration data through quantizeInput). */
  extra?: Int16Array[][];
}

function clamp16(v: number): number {
  return Math.max(-32768, Math.min(32767, Math.round(v)));
}

/** Typical: roughly ±3 in real units at the model's input format. Extreme: the int16 ends. */
function sequence(q: QuantModel, rng: Rng, steps: number, extreme: boolean): Int16Array[] {
  const typical = 3 * 2 ** q.input.frac;
  const ends = [-32768, 32767, -32767, 0, 32767, -32768];
  return Array.from({ length: steps }, () => Int16Array.from({ length: q.inputSize }, () => {
    if (!extreme) return clamp16(rng.uniform(-typical, typical));
    return rng.next() < 0.7 ? rng.pick(ends) : rng.int(-32768, 32767);
  }));
}

export function goldenCases(q: QuantModel, opts: GoldenOptions): GoldenCase[] {
  const rng = new Rng(opts.seed);
  const seqs: Array<{ label: string; xs: Int16Array[] }> = [];
  for (let i = 0; i < opts.count; i++) {
    const extreme = i % 2 === 1;
    const steps = Math.max(1, Math.min(opts.steps, 1 + rng.int(Math.floor(opts.steps / 2), opts.steps - 1)));
    seqs.push({ label: `${extreme ? 'extreme' : 'random'} ${i}`, xs: sequence(q, rng, steps, extreme) });
  }
  seqs.push({ label: 'zeros', xs: Array.from({ length: Math.min(3, opts.steps) }, () => new Int16Array(q.inputSize)) });
  (opts.extra ?? []).forEach((xs, i) => seqs.push({ label: `calibration ${i}`, xs }));
  // An encoder–decoder has no NAME_step: its one mode is NAME_encode_step, then NAME_decode.
  const streaming = wholeSequenceOnly(q.layers) === undefined && !q.decoder;
  const cases: GoldenCase[] = [];
  for (const s of seqs) {
    cases.push({ label: `${s.label}, ${q.decoder ? 'decode' : 'run'}`, mode: 0, inputs: s.xs, expected: runFixed(q, s.xs) });
    if (streaming) {
      const st = streamFixed(q);
      cases.push({ label: `${s.label}, step`, mode: 1, inputs: s.xs, expected: s.xs.map((x) => st.step(x)) });
    }
  }
  return cases;
}

export interface TestCtx {
  inputs: string;
  inputCount: number;
  expected: string;
  expectedCount: number;
  caseCount: number;
  maxOut: number;
  /** outputs: the output vectors expected (an encoder–decoder's count, compared in NAME_test.c). */
  cases: Array<{ steps: number; xOffset: number; yOffset: number; mode: number; label: string; outputs: number }>;
}

export function testContext(cases: readonly GoldenCase[]): TestCtx {
  const xs: number[] = [];
  const ys: number[] = [];
  const rows: TestCtx['cases'] = [];
  let maxOut = 1;
  for (const c of cases) {
    // Labels are rnnc's own words, but they land in a C string: keep them plain.
    if (!/^[A-Za-z0-9 ,]+$/.test(c.label)) throw new RnncError('internal/bug', `test case label ${JSON.stringify(c.label)} is not plain text`);
    rows.push({ steps: c.inputs.length, xOffset: xs.length, yOffset: ys.length, mode: c.mode, label: c.label, outputs: c.expected.length });
    for (const x of c.inputs) xs.push(...x);
    let n = 0;
    for (const y of c.expected) { ys.push(...y); n += y.length; }
    maxOut = Math.max(maxOut, n);
  }
  return {
    inputs: cArrayBody(xs, 'int16_t'), inputCount: xs.length, expected: cArrayBody(ys, 'int16_t'), expectedCount: ys.length,
    caseCount: rows.length, maxOut, cases: rows,
  };
}

/** Outputs compared by one run of the test. */
export function comparedCount(cases: readonly GoldenCase[]): number {
  return cases.reduce((s, c) => s + c.expected.reduce((a, y) => a + y.length, 0), 0);
}
