/**
 * QuantModel + target → the plain context the templates render: strings, numbers,
 * booleans and number tables, nothing else. Pure: the same model and options give the
 * same context, hence the same C.
 */
import { RnncError } from '../errors.js';
import { lutLog2 } from '../fixed/lut.js';
import { hasRecurrentProduct, wholeSequenceOnly } from '../ir/kinds.js';
import { type QuantModel, isQRecurrent, layerWeightBits } from '../ir/qmodel.js';
import { gateActivationOf } from '../ir/model.js';
import { nameProblem } from '../ir/names.js';
import { type ChainCtx, buildChain, denseWidth, firstLastOnly, lastOnlyChains } from './chain.js';
import { checkQuantModel } from '../ir/qcheck.js';
import { type CTable, cTable } from './ctables.js';
import type { CellEnv } from './cells/common.js';
import { kernelSet } from './kernels.js';
import { codegenKind } from './kinds.js';
import { ssmTableSymbols } from './cells/ssm.js';
import { ssmTables } from '../fixed/ssm.js';
import { type MemoryFigures, tableBytes } from './memory.js';
import { type PassCtx, buildPasses, seqWidth } from './passes.js';
import { type InitialTables, type StateField, hasInitialState } from './state.js';
import { summaryLines } from './summary.js';
import { type DecoderCtx, decoderLayers, planDecoder } from './decoder.js';
import type { Target } from './targets.js';

export interface PlanOptions {
  /** rnnc version written into the banner and header. */
  version: string;
  /** Where the model came from, for the banner (a file name; sanitized). */
  source: string;
  /** Static sequence capacity of NAME_run for bidirectional models. */
  maxSeq: number;
}

export interface ModelCtx {
  banner: string;
  name: string;
  NAME: string;
  version: string;
  target: string;
  kernel: string;
  /** The kernel header NAME.c includes, and every runtime header to copy beside it. */
  kernelInclude: string;
  kernelHeaders: readonly string[];
  summary: string[];
  inputSize: number;
  outputSize: number;
  inFrac: number;
  outFrac: number;
  outputPerStep: boolean;
  streaming: boolean;
  maxSeq: number;
  stateFields: StateField[];
  stateEmpty: boolean;
  /** Some direction starts from a nonzero state (NAME_reset loads tables). */
  initialState: boolean;
  tables: CTable[];
  functions: Array<{ partial: string; ctx: object }>;
  step: ChainCtx;
  runHead: ChainCtx;
  runTail: ChainCtx;
  bufWidth: number;
  runBuf0: boolean;
  runBuf1: boolean;
  passes: PassCtx[];
  seqWidth: number;
  /** The second sequence buffer is needed from the second layer on. */
  seq1Used: boolean;
  floatNorm: boolean;
  inScale: string;
  outScale: string;
  normTables: CTable[];
  memory: MemoryFigures;
  /** An encoder–decoder's NAME_encode_step / NAME_decode (decoder.ts), else false. */
  decoder: (DecoderCtx & { stateFields: StateField[] }) | false;
}

/** A file name safe inside a C comment: anything outside [A-Za-z0-9._-] becomes '_'. */
export function commentSafe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
}

export function planModel(q: QuantModel, target: Target, opts: PlanOptions): ModelCtx {
  const bad = nameProblem(q.name);
  if (bad) throw new RnncError('names/invalid', `model name: ${bad}`);
  checkQuantModel(q, commentSafe(opts.source));
  const p = q.name;
  const kernels = kernelSet(target.kernel);
  const log2Lut = lutLog2(q.lut.size);
  const env: CellEnv = { prefix: p, weightBits: q.weightBits, kernels, sigmoid: `${p}_sigmoid`, tanh: `${p}_tanh`, exp: `${p}_exp`, log2Lut };
  // Only the tables some layer reads (an unused static const is a warning).
  const tables: CTable[] = [];
  // An encoder–decoder's cell, projection and bridge read the tables as layers do.
  const all = q.decoder ? [...q.layers, ...decoderLayers(q.decoder)] : q.layers;
  const uses = (f: (l: QuantModel['layers'][number]) => boolean) => all.some(f);
  const att = q.decoder?.attention;
  // Hard sigmoid gates are computed (rnnc_hard_sigmoid_q15): no table.
  if (uses((l) => ((l.type === 'lstm' || l.type === 'gru' || (isQRecurrent(l) && !hasRecurrentProduct(l.type))) && gateActivationOf(l) === 'sigmoid') || l.type === 'ssm' || (!isQRecurrent(l) && l.activation === 'sigmoid'))) {
    tables.push(cTable(env.sigmoid, 'int16_t', q.lut.sigmoid, `sigmoid(8k/${q.lut.size}), k = 0..${q.lut.size}, Q0.15`, 'luts'));
  }
  // A relu RNN, a minGRU and a minLSTM read no tanh.
  if (att?.kind === 'bahdanau' || uses((l) => (isQRecurrent(l) && !(l.type === 'rnn' && l.activation === 'relu') && hasRecurrentProduct(l.type)) || (!isQRecurrent(l) && l.type !== 'ssm' && l.activation === 'tanh'))) {
    tables.push(cTable(env.tanh, 'int16_t', q.lut.tanh, `tanh(8k/${q.lut.size}), k = 0..${q.lut.size}, Q0.15`, 'luts'));
  }
  const ssm = uses((l) => l.type === 'ssm');
  const needsExp = ssm || att !== undefined || all.some((l) => l.type === 'dense' && l.activation === 'softmax');
  if (needsExp && q.tables?.exp) tables.push(cTable(env.exp, 'int16_t', q.tables.exp, `exp(-16k/${q.lut.size}), k = 0..${q.lut.size}, Q0.15`, 'luts'));
  if (ssm) {
    // The ssm's softplus (Δ) and its fine exp below 1 (the decay exp(−Δ·|A|)): fixed/ssm.ts.
    const t = ssmTables(q);
    const sym = ssmTableSymbols(p);
    tables.push(cTable(sym.softplus, 'int16_t', t.softplus, `softplus(-8k/${q.lut.size}), k = 0..${q.lut.size}, Q0.15`, 'luts'));
    tables.push(cTable(sym.expFine, 'int16_t', t.expFine, `exp(-k/${q.lut.size}), k = 0..${q.lut.size}, Q0.15`, 'luts'));
  }
  const functions: ModelCtx['functions'] = [];
  const stateFields: StateField[] = [];
  const initials = new Map<number, InitialTables[]>();
  let macs = 0;
  let stack = 0;
  q.layers.forEach((l, i) => {
    // A mixed-width model declares each layer's tables and kernel calls at its own width.
    const lp = codegenKind(l).plan(l, i, { ...env, weightBits: layerWeightBits(q, l) });
    functions.push(...lp.functions);
    tables.push(...lp.tables);
    macs += lp.macs;
    stack = Math.max(stack, lp.stackBytes);
    stateFields.push(...lp.state);
    initials.set(i, lp.initials);
  });
  const whole = wholeSequenceOnly(q.layers) !== undefined;
  const dec = q.decoder
    ? planDecoder(q, q.decoder, env, opts.maxSeq, { passes: whole ? buildPasses(q, initials) : [], seqWidth: seqWidth(q), seq1Used: q.layers.length > 1 })
    : undefined;
  if (dec) {
    functions.push(...dec.functions);
    tables.push(...dec.tables);
    // An encoder that runs at decode time keeps no state between steps: only the decoder's fields.
    if (whole) stateFields.length = 0;
    stateFields.push(...dec.state);
  }
  // int32 arrays first: no padding between fields.
  stateFields.sort((a, b) => (a.ctype === b.ctype ? 0 : a.ctype === 'int32_t' ? -1 : 1));
  // A bidirectional, reverse or centred layer needs the whole sequence before its first output.
  const streaming = wholeSequenceOnly(q.layers) === undefined;
  const L = q.layers.length;
  const k = firstLastOnly(q);
  const step = buildChain(q, 0, L, 'x', 'y', 's');
  let runHead = buildChain(q, 0, L, 'xt', 'yt', 's');
  let runTail: ChainCtx = { calls: [], copyFrom: '', copyTo: '', copyCount: 0, buf0: false, buf1: false, last: '' };
  if (k >= 0) ({ head: runHead, tail: runTail } = lastOnlyChains(q, k));
  const bufWidth = denseWidth(q);
  const sw = seqWidth(q);
  const staticScratch = streaming ? 0 : (q.layers.length > 1 ? 2 : 1) * 2 * opts.maxSeq * sw;
  stack += 2 * 2 * bufWidth;
  const norm = q.input.normalization;
  const normTables = norm
    ? [cTable(`${p}_in_mean`, 'float', norm.mean, 'input normalisation: mean'), cTable(`${p}_in_std`, 'float', norm.std, 'input normalisation: std')]
    : [];
  const memory: MemoryFigures = {
    weightBytes: tableBytes(tables, 'weights'), lutBytes: tableBytes(tables, 'luts'),
    stateBytes: stateFields.reduce((s, f) => s + f.units * (f.ctype === 'int32_t' ? 4 : 2), 0) + (dec ? dec.memoryBytes + dec.stepBytes + 4 : 0),
    staticScratchBytes: staticScratch, stackScratchBytes: dec ? Math.max(stack, dec.stackBytes) : stack, macsPerStep: macs + (dec?.encodeMacs ?? 0),
    ...(dec ? { memoryBufferBytes: dec.memoryBytes, decodeMacsPerStep: dec.decodeMacs, decodeMacsPerPosition: dec.decodeMacsPerPosition } : {}),
  };
  const sha = /^[0-9a-f]{64}$/.test(q.sourceSha256) ? q.sourceSha256.slice(0, 12) : 'unknown';
  const ctx: ModelCtx = {
    banner: `/* Generated by rnnc ${commentSafe(opts.version)} from ${commentSafe(opts.source)} (sha256:${sha}). Do not edit. */`,
    name: p, NAME: p.toUpperCase(), version: commentSafe(opts.version), target: target.name, kernel: kernels.family, kernelInclude: kernels.include, kernelHeaders: kernels.headers,
    summary: [],
    inputSize: q.inputSize, outputSize: q.outputSize, inFrac: q.input.frac, outFrac: q.output.frac,
    // Per step exactly when no layer keeps only its last output (runFixed's length rule;
    // a recurrent layer after a last-only one sees a sequence of one step).
    outputPerStep: k < 0, streaming, maxSeq: opts.maxSeq,
    stateFields, stateEmpty: stateFields.length === 0, initialState: hasInitialState(q),
    tables, functions, step, runHead, runTail, bufWidth, runBuf0: runHead.buf0 || runTail.buf0, runBuf1: runHead.buf1 || runTail.buf1, passes: streaming ? [] : buildPasses(q, initials), seqWidth: sw, seq1Used: q.layers.length > 1,
    decoder: dec ? { ...dec.ctx, stateFields } : false,
    floatNorm: norm !== undefined, inScale: hexPow2(q.input.frac), outScale: hexPow2(-q.output.frac), normTables, memory,
  };
  ctx.summary = summaryLines(q, target, kernels.family, memory, opts.maxSeq, streaming);
  return ctx;
}

/** 2^e as an exact C99 hexadecimal float literal. */
function hexPow2(e: number): string {
  if (!Number.isInteger(e) || Math.abs(e) > 100) throw new RnncError('ir/invalid', `format exponent ${e} is out of range`);
  return `0x1p${e}f`;
}
