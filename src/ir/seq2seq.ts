/**
 * The decoder of an encoder–decoder model (`model.json` field `decoder`): the schema and
 * its types. docs/seq2seq.md is the prose twin and gives every equation; the encoder is
 * the model's `layers`.
 */
import { z } from 'zod';

const matrix = z.array(z.array(z.number()));
const vector = z.array(z.number());

export const DECODER_CELLS = ['lstm', 'gru', 'rnn'] as const;
export const ATTENTION_KINDS = ['bahdanau', 'dot', 'general'] as const;
/** Where the context goes: the cell's input (Bahdanau), the projection's (Luong), or both. */
export const CONTEXT_INTO = ['input', 'output', 'both'] as const;
/** Longest output: far beyond any device use, small enough to refuse typos. */
export const MAX_DECODE_STEPS = 4096;

const attentionSchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('bahdanau'),
    into: z.enum(CONTEXT_INTO),
    /** A, the attention's hidden width. */
    units: z.number().int(),
    weights: z.strictObject({
      /** A × H_e */
      encoderKernel: matrix,
      /** A × S */
      stateKernel: matrix,
      /** A */
      bias: vector,
      /** A */
      v: vector,
    }),
  }),
  z.strictObject({ kind: z.literal('dot'), into: z.enum(CONTEXT_INTO) }),
  z.strictObject({
    kind: z.literal('general'),
    into: z.enum(CONTEXT_INTO),
    weights: z.strictObject({
      /** S × H_e */
      kernel: matrix,
    }),
  }),
]);

const feedbackSchema = z.discriminatedUnion('kind', [
  /** Regression: the previous output, `start` (O values) before the first. */
  z.strictObject({ kind: z.literal('prediction'), start: vector }),
  /** Classes: row argmax(y_{k−1}) of `table` (O rows of D), row `start` before the first. */
  z.strictObject({ kind: z.literal('embedding'), table: matrix, start: z.number().int() }),
]);

const initSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('zeros') }),
  z.strictObject({ kind: z.literal('copy') }),
  /** h_0 = tanh(kernel · m_{T−1} + bias): kernel S × H_e. */
  z.strictObject({ kind: z.literal('bridge'), kernel: matrix, bias: vector }),
]);

export const decoderSchema = z.strictObject({
  cell: z.enum(DECODER_CELLS),
  /** GRU only, as its layer's. */
  resetAfter: z.boolean().optional(),
  units: z.number().int(),
  outputSize: z.number().int(),
  steps: z.number().int(),
  feedback: feedbackSchema,
  /** embedding feedback only: stop after the step whose argmax is this class. */
  endToken: z.number().int().optional(),
  init: initSchema,
  attention: attentionSchema.optional(),
  weights: z.strictObject({
    /** G·S × W_in: columns [u | ctx] */
    kernel: matrix,
    /** G·S × S */
    recurrentKernel: matrix,
    /** G·S */
    bias: vector,
    /** GRU with resetAfter only: G·S */
    recurrentBias: vector.optional(),
  }),
  projection: z.strictObject({
    /** O × W_out: columns [h | ctx] */
    kernel: matrix,
    bias: vector,
    activation: z.enum(['linear', 'softmax']),
  }),
});

export type Decoder = z.infer<typeof decoderSchema>;
export type Attention = NonNullable<Decoder['attention']>;

/** Whether the context enters the cell's input, and whether the projection reads it. */
export function contextRoutes(d: Pick<Decoder, 'attention'>): { input: boolean; output: boolean } {
  const into = d.attention?.into;
  return { input: into === 'input' || into === 'both', output: into === 'output' || into === 'both' };
}

/** Width of the feedback input u: O (prediction) or the embedding's D. */
export function feedbackWidth(d: Pick<Decoder, 'feedback' | 'outputSize'>): number {
  return d.feedback.kind === 'prediction' ? d.outputSize : (d.feedback.table[0]?.length ?? 0);
}

/** The decoder's parameter count (its cell, attention, bridge, embedding and projection), given H_e. */
export function decoderParams(d: Decoder, memoryWidth: number, gates: number): number {
  const routes = contextRoutes(d);
  const rows = gates * d.units;
  const cell = rows * (feedbackWidth(d) + (routes.input ? memoryWidth : 0) + d.units + (d.weights.recurrentBias ? 2 : 1));
  const a = d.attention;
  const attention = !a || a.kind === 'dot' ? 0 : a.kind === 'general' ? d.units * memoryWidth : a.units * (memoryWidth + d.units + 2);
  const bridge = d.init.kind === 'bridge' ? d.units * (memoryWidth + 1) : 0;
  const embedding = d.feedback.kind === 'embedding' ? d.outputSize * feedbackWidth(d) : 0;
  const projection = d.outputSize * (d.units + (routes.output ? memoryWidth : 0) + 1);
  return cell + attention + bridge + embedding + projection;
}

/** One line: "lstm 32 units, 10 outputs of 4, feedback prediction, init bridge, attention bahdanau (A = 16) into input". */
export function describeDecoder(d: Decoder): string {
  const a = d.attention;
  const att = a ? `, attention ${a.kind}${a.kind === 'bahdanau' ? ` (A = ${a.units})` : ''} into ${a.into}` : ', no attention';
  const stop = d.endToken !== undefined ? ` (or until class ${d.endToken})` : '';
  return `${d.cell}${d.cell === 'gru' ? ` resetAfter=${d.resetAfter === true}` : ''} ${d.units} units, ${d.steps} outputs of ${d.outputSize}${stop}, feedback ${d.feedback.kind}, init ${d.init.kind}${att}`;
}
