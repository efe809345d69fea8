/**
 * The decoder of an encoder–decoder model in C (docs/seq2seq.md "## C"): the plain
 * context of templates/decoder.c.hbs. The encoder streams (NAME_encode_step appends the
 * last layer's output to the memory in NAME_state, with the attention's per-position
 * keys); NAME_decode_begin starts the decoder and each NAME_decode_step runs one of the K
 * steps of ir/qmodel.ts qDecoderSchema (NAME_decode is the two), each a runtime rule or
 * kernel, in the order src/fixed/seq2seq.ts runs them, so the outputs are bit-identical.
 * The decoder's cell, projection and bridge are planned as the layers they are, indexed
 * after the encoder's (L, L + 1, L + 2), so their functions and tables are the layers'.
 */
import { RnncError } from '../errors.js';
import { wholeSequenceOnly } from '../ir/kinds.js';
import { type QDecoder, type QDenseLayer, type QRecurrentLayer, type QuantModel, MAX_MEMORY, hiddenFrac, isQRecurrent, layerWeightBits } from '../ir/qmodel.js';
import { EXP_FRAC } from '../fixed/dense.js';
import { type ChainCtx, buildChain, denseWidth, firstLastOnly } from './chain.js';
import { type CTable, cTable } from './ctables.js';
import { type CellEnv, type MatmulCtx, planMatmul } from './cells/common.js';
import { codegenKind } from './kinds.js';
import type { PassCtx } from './passes.js';
import { type StateField, cellCType, stepArgs } from './state.js';

export interface DecoderCtx {
  name: string;
  NAME: string;
  maxSeq: number;
  steps: number;
  outputSize: number;
  memWidth: number;
  /**
   * Rows of the memory buffer: MAX_SEQ where the attention reads every encoder step or the
   * encoder runs at decode time; otherwise 1, the last encoder output (the bridge's input).
   */
  memRows: string;
  /** Where encoder step `s->length` writes its output, and where the bridge reads the last. */
  memNext: string;
  memLast: string;
  memRowsText: string;
  units: number;
  /** The encoder reads whole sequences: NAME_decode runs its passes over the buffered inputs. */
  whole: boolean;
  wholeWord: string;
  passes: PassCtx[];
  seqWidth: number;
  seq1Used: boolean;
  /** NAME_encode_step's chain, writing the last layer's output to `m` (the memory row). */
  step: ChainCtx;
  bufWidth: number;
  cellFn: string;
  /** The cell step's state arguments (locals h, c). */
  cellArgs: string[];
  lstm: boolean;
  cctype: string;
  hField: string;
  cField: string;
  xCols: number;
  rCols: number;
  uWidth: number;
  uFrac: number;
  cellIn: number;
  projIn: number;
  memFrac: number;
  memFracInt: number;
  keysType: string;
  projFn: string;
  /** init */
  copy: boolean;
  copyC: boolean;
  encH: string;
  encC: string;
  encHFrac: number;
  bridge: boolean;
  bridgeFn: string;
  /** feedback */
  embedding: boolean;
  uTable: string;
  start: number;
  /** The embedding row of the first step's feedback (the start class). */
  startToken: number;
  endToken: boolean;
  endValue: number;
  /** attention */
  attention: boolean;
  attendBefore: boolean;
  attendAfter: boolean;
  ctxOut: boolean;
  bahdanau: boolean;
  general: boolean;
  dot: boolean;
  keysWidth: number;
  keys: MatmulCtx | false;
  query: MatmulCtx | false;
  v: MatmulCtx | false;
  dotShift: number;
  logitFrac: number;
  expFrac: number;
  tanh: string;
  exp: string;
  log2: number;
}

export interface DecoderPlan {
  ctx: DecoderCtx;
  functions: Array<{ partial: string; ctx: object }>;
  tables: CTable[];
  /** The decoder cell's fields of NAME_state. */
  state: StateField[];
  /** Bytes of the memory buffer and the keys in NAME_state. */
  memoryBytes: number;
  /** Bytes of the per-step decoding's fields in NAME_state: dec_k, and dec_token or dec_u. */
  stepBytes: number;
  /** Deepest stack of NAME_decode (locals, attention, the functions it calls). */
  stackBytes: number;
  /** Multiply-accumulates of one encoder step's keys and of one decoder step (at T = maxSeq). */
  encodeMacs: number;
  decodeMacs: number;
  decodeMacsPerPosition: number;
}

/** The layers of a decoder, typed. */
function cellOf(d: QDecoder): QRecurrentLayer {
  if (!isQRecurrent(d.cell)) throw new RnncError('ir/invalid', 'decoder cell is not recurrent');
  return d.cell;
}
function denseOf(l: QDecoder['projection']): QDenseLayer {
  if (l.type !== 'dense') throw new RnncError('ir/invalid', `decoder dense of type ${l.type}`);
  return l;
}

/** The cell, projection and bridge: layers a decoder reads its activation tables through. */
export function decoderLayers(d: QDecoder): Array<QuantModel['layers'][number]> {
  return [d.cell, d.projection, ...(d.init.kind === 'bridge' ? [d.init.dense] : [])];
}

/** The passes of an encoder that reads whole sequences (plan.ts builds them as for NAME_run). */
export interface WholeEncoder {
  passes: PassCtx[];
  seqWidth: number;
  seq1Used: boolean;
}

/** Values of the input fed back each step: an embedding row, or the prediction (the start input's width). */
export function feedbackWidthQ(d: QDecoder): number {
  return d.feedback.kind === 'embedding' ? d.feedback.width : d.feedback.start.length;
}

export function planDecoder(q: QuantModel, d: QDecoder, env: CellEnv, maxSeq: number, enc: WholeEncoder): DecoderPlan {
  const whole = wholeSequenceOnly(q.layers);
  if (whole && d.init.kind === 'copy') {
    throw new RnncError('unsupported/feature', `${q.name}: an encoder–decoder whose encoder has ${whole.phrase} (run at decode time over the buffered inputs) cannot start its decoder from the encoder's final state (init copy) in C yet`);
  }
  if (maxSeq > MAX_MEMORY) {
    throw new RnncError('usage/invalid', `--max-seq ${maxSeq}: an encoder–decoder's memory holds at most ${MAX_MEMORY} encoder steps (the attention's softmax sum stays within its int32 bound)`);
  }
  const p = q.name;
  const L = q.layers.length;
  // A layer passing on its last step only: the memory is its last output (after any dense
  // layers), which the one-row memory below holds when nothing attends over the steps and
  // only dense layers, stateless, run after it on every step.
  const k = firstLastOnly(q);
  if (k >= 0 && d.attention) {
    throw new RnncError('unsupported/feature', `${q.name}: the decoder attends over every encoder step, but encoder layer ${k} passes on its last step only`);
  }
  const after = k >= 0 ? q.layers.findIndex((l, i) => i > k && l.type !== 'dense') : -1;
  if (after >= 0) {
    throw new RnncError('unsupported/feature', `${q.name}: encoder layer ${k} passes on its last step only and layer ${after} (${q.layers[after]!.type}) after it keeps state; make layer ${k} return sequences (:seq)`);
  }
  const last = q.layers[L - 1]!;
  // The memory's width: a bidirectional concat layer writes both directions.
  const he = isQRecurrent(last) && last.bidirectional === 'concat' ? 2 * last.units : last.units;
  const a = d.attention;
  // Without attention a streaming encoder's outputs are needed only at the last step (for a
  // bridge): one row, overwritten each step. A whole-sequence encoder keeps the inputs too,
  // and whether the memory is up to date.
  const allRows = a !== undefined || whole !== undefined;
  const memoryBytes0 = 2 * (allRows ? maxSeq : 1) * he + (whole ? 4 + 2 * maxSeq * q.inputSize : 0);
  const keysWidth = a?.kind === 'bahdanau' ? a.keys!.rows : a?.kind === 'general' ? d.units : 0;
  const keysBytes = a?.kind === 'bahdanau' ? 4 * maxSeq * keysWidth : 2 * maxSeq * keysWidth;
  const cell = cellOf(d);
  const proj = denseOf(d.projection);
  // Each layer's tables and kernel calls at its own width, as plan.ts does for the encoder's.
  const at = (l: QuantModel['layers'][number]) => ({ ...env, weightBits: layerWeightBits(q, l) });
  const cellPlan = codegenKind(cell).plan(cell, L, at(cell));
  const projPlan = codegenKind(proj).plan(proj, L + 1, at(proj));
  const bridge = d.init.kind === 'bridge' ? denseOf(d.init.dense) : undefined;
  const bridgePlan = bridge ? codegenKind(bridge).plan(bridge, L + 2, at(bridge)) : undefined;
  const tables: CTable[] = [...cellPlan.tables, ...projPlan.tables, ...(bridgePlan?.tables ?? [])];
  const mm = (m: NonNullable<NonNullable<QDecoder['attention']>['keys']>, what: string, tag: string) => {
    const pl = planMatmul(m, `${p}_att_${tag}`, `decoder attention ${what}`, env);
    tables.push(...pl.tables);
    return pl;
  };
  const keys = a && a.kind !== 'dot' ? mm(a.keys!, a.kind === 'bahdanau' ? 'keys W_e' : 'keys W_g', 'k') : undefined;
  const query = a?.kind === 'bahdanau' ? mm(a.query!, 'query W_q', 'q') : undefined;
  const v = a?.kind === 'bahdanau' ? mm(a.v!, 'score v', 'v') : undefined;
  const fb = d.feedback;
  const uTable = `${p}_dec_u`;
  if (fb.kind === 'embedding') {
    tables.push(cTable(uTable, 'int16_t', fb.table, `decoder embedding: ${fb.table.length / fb.width} rows of ${fb.width}, Q${15 - d.uFrac}.${d.uFrac}`));
  } else {
    tables.push(cTable(uTable, 'int16_t', fb.start, `decoder start input, Q${15 - d.uFrac}.${d.uFrac}`));
  }
  const uWidth = feedbackWidthQ(d);
  const hFieldOf = (s: string) => cellPlan.state.find((f) => f.field === `l${L}_${s}`)?.field ?? '';
  const state = cellPlan.state.map((f) => ({ ...f, comment: f.comment.replace(`layer ${L} `, 'decoder ') }));
  const lstm = cell.type === 'lstm';
  const copy = d.init.kind === 'copy' && isQRecurrent(last);
  const into = a?.into;
  const step = buildChain(q, 0, L, 'x', 'm', 's');
  const cellIn = cell.inFrac;
  const attStack = a ? 6 * maxSeq + 4 * he + (a.kind === 'bahdanau' ? 6 * keysWidth : 0) : 0;
  const ctx: DecoderCtx = {
    name: p, NAME: p.toUpperCase(), maxSeq, steps: d.steps, outputSize: d.outputSize, memWidth: he, units: d.units,
    memRows: allRows ? `${p.toUpperCase()}_MAX_SEQ` : '1',
    memNext: allRows ? `s->memory + s->length * ${he}` : 's->memory',
    memLast: allRows ? `s->memory + (s->length - 1) * ${he}` : 's->memory',
    memRowsText: a ? `one row per encoder step, ${p.toUpperCase()}_MAX_SEQ rows, with the attention's keys`
      : whole ? `one row per encoder step, ${p.toUpperCase()}_MAX_SEQ rows` : 'the last step\'s only: without attention the decoder reads nothing else',
    whole: whole !== undefined, wholeWord: whole?.word ?? '', passes: whole ? enc.passes : [], seqWidth: enc.seqWidth, seq1Used: enc.seq1Used,
    step, bufWidth: Math.max(1, denseWidth(q)),
    cellFn: `${p}_l${L}f_step`, cellArgs: stepArgs(cell.type, (s) => (s === 'h' ? 'h' : 'c')), lstm, cctype: cellCType(cell),
    hField: hFieldOf('h'), cField: hFieldOf('c'),
    xCols: cell.forward.x.cols, rCols: proj.mm.cols, uWidth, uFrac: d.uFrac, cellIn, projIn: proj.inFrac, memFrac: d.memFrac, memFracInt: 15 - d.memFrac,
    keysType: a?.kind === 'bahdanau' ? 'int32_t' : 'int16_t',
    projFn: `${p}_l${L + 1}_dense`,
    copy, copyC: copy && lstm && last.type === 'lstm', encH: `l${L - 1}_h`, encC: `l${L - 1}_c`, encHFrac: isQRecurrent(last) ? hiddenFrac(last) : 15,
    bridge: bridgePlan !== undefined, bridgeFn: `${p}_l${L + 2}_dense`,
    embedding: fb.kind === 'embedding', uTable, start: fb.kind === 'embedding' ? fb.start * fb.width : 0, startToken: fb.kind === 'embedding' ? fb.start : 0,
    endToken: d.endToken !== undefined, endValue: d.endToken ?? 0,
    attention: a !== undefined, attendBefore: into === 'input' || into === 'both', attendAfter: into === 'output', ctxOut: into === 'output' || into === 'both',
    bahdanau: a?.kind === 'bahdanau', general: a?.kind === 'general', dot: a?.kind === 'dot',
    keysWidth,
    keys: keys?.ctx ?? false, query: query?.ctx ?? false, v: v?.ctx ?? false,
    dotShift: a && a.kind !== 'bahdanau' ? 15 + (a.kind === 'general' ? a.keyFrac! : d.memFrac) - a.logitFrac : 0,
    logitFrac: a?.logitFrac ?? 0, expFrac: EXP_FRAC, tanh: env.tanh, exp: env.exp, log2: env.log2Lut,
  };
  if (ctx.copyC && cellCType(last as QRecurrentLayer) !== ctx.cctype) throw new RnncError('ir/invalid', `${q.name}: decoder init copy: the encoder's and the decoder's cell state types differ`);
  const cellStack = cellPlan.stackBytes;
  // Per position and decoder step: the score (v·t, or q·m_j / q·G_j) and the context's α_j m_j.
  const perPosition = a ? (v?.macs ?? d.units) + he : 0;
  return {
    ctx,
    functions: [...cellPlan.functions, ...projPlan.functions, ...(bridgePlan?.functions ?? [])],
    tables,
    state,
    memoryBytes: memoryBytes0 + keysBytes,
    stepBytes: 4 + (fb.kind === 'embedding' ? 4 : 2 * uWidth),
    // NAME_decode's own frame (a few words) above NAME_decode_step's.
    stackBytes: 16 + 2 * (ctx.xCols + ctx.rCols) + 2 * he + attStack + Math.max(cellStack, projPlan.stackBytes, bridgePlan?.stackBytes ?? 0),
    encodeMacs: keys?.macs ?? 0,
    decodeMacs: cellPlan.macs + projPlan.macs + (query?.macs ?? 0) + maxSeq * perPosition,
    decodeMacsPerPosition: perPosition,
  };
}
