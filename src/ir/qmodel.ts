/**
 * The quantized IR (`model.q.json`, format "rnnc-qmodel" version 1): everything the
 * fixed-point reference and the code generator need, as plain integers and exponents.
 * The code generator is a pure function of this document and a target; the
 * fixed-point reference (src/fixed/) executes it. docs/numeric-contract.md explains
 * every field's arithmetic.
 */
import { z } from 'zod';
import { KINDS, hasRecurrentProduct } from './kinds.js';
import { CONV_ACTIVATIONS, DENSE_ACTIVATIONS, GATE_ACTIVATIONS, LAST_OUTPUTS, MERGE_MODES, RNN_ACTIVATIONS, type RecurrentType, stateInputSchema } from './model.js';

const int = z.number().int();

/** Sigmoid/tanh table sizes (entries N; the tables hold N+1): powers of two from 16 to 4096. */
export const LUT_SIZES = [16, 32, 64, 128, 256, 512, 1024, 2048, 4096] as const;

/** log2 of a valid table size; a RangeError for any other size. */
export function lutLog2(size: number): number {
  const n = Math.log2(size);
  if (!Number.isInteger(n) || n < 4 || n > 12) {
    throw new RangeError(`LUT size must be a power of two from 16 to 4096, got ${size}`);
  }
  return n;
}

/**
 * Fractional bits an int16 format of the model input, a linear/relu dense output or a
 * softmax logit may have: from −16 (spanning ±2^31) to 15 (spanning ±1).
 */
export const FRAC_RANGE = { min: -16, max: 15 } as const;

/**
 * One matrix product y_r = Σ_k W[r,k]·v[k] + bias[r], requantized per row:
 *   acc   = Σ_k W[r,k]·v[k] + bias[r]                 (int32, or int64 when acc = "int64")
 *   acc32 = acc                                       (int32)
 *         = rshrSatS64(acc, preShift)                 (int64: narrowed first)
 *   out_r = requantS32(acc32, mult[r], shift[r])      (int32, in the consumer's format)
 * The real value of W[r,k] is W[r,k]·scale[r]; bias is at the accumulator's scale.
 */
export const qMatmulSchema = z.strictObject({
  rows: int,
  cols: int,
  /** Row-major rows×cols, int8 or int16 per its layer's width (`layerWeightBits`). */
  weights: z.array(int),
  /** rows values, int32, at the accumulator scale; all zero when the float had none. */
  bias: z.array(int),
  /** rows values in [2^30, 2^31) (or 0 for a row whose scale underflows). */
  mult: z.array(int),
  /** rows values in [1, 62]. */
  shift: z.array(int),
  /** Accumulator width the compile-time bound requires. */
  acc: z.enum(['int32', 'int64']),
  /** int64 only: rounding right shift narrowing the accumulator to int32 (0 for int32). */
  preShift: int,
  /** Largest |accumulator| possible for any int16 input (the proof behind `acc`). */
  accBound: z.number(),
  /** Real scale of each row's weights (for reports and dequantization). */
  scale: z.array(z.number()),
});

/** One direction of a recurrent layer: input and recurrent products per gate row. */
export const qDirectionSchema = z.strictObject({
  /** kernel (gates·units × inputs) and bias; output in Q.12 (PRE_FRAC) per gate row. */
  x: qMatmulSchema,
  /**
   * recurrentKernel (gates·units × units) with recurrentBias for GRU resetAfter; output Q.12.
   * Absent for a mingru or minlstm, whose gates read x only (its x product then gives the
   * gates in Q.12 and h̃ in h's format, per row).
   */
  h: qMatmulSchema.optional(),
  /**
   * The state every sequence starts from (NAME_reset loads it): h in h's format (Q0.15, or
   * a relu RNN's), c (LSTM) in the cell format; each sat(round(v·2^frac)) of the float
   * model's initialH / initialC (quantize/state.ts). Absent = zeros.
   */
  h0: z.array(int).optional(),
  c0: z.array(int).optional(),
});

/**
 * A layer's own weight width when it differs from the model's `weightBits` (a mixed-width
 * model: `--weights auto --max-flash`); absent = the model's.
 */
const ownWeightBits = z.union([z.literal(8), z.literal(16)]).optional();

const qRecurrentCommon = {
  units: int,
  weightBits: ownWeightBits,
  returnSequences: z.boolean(),
  bidirectional: z.enum(MERGE_MODES).optional(),
  /** As in the float model (LAST_OUTPUTS): absent = "final". */
  lastOutput: z.enum(LAST_OUTPUTS).optional(),
  /** As in the float model: the one direction reads the sequence backwards. */
  reverse: z.boolean().optional(),
  /** Fractional bits of this layer's int16 input. */
  inFrac: int,
  /** Fractional bits of this layer's int16 output: 15 (h), or 14 for a bidirectional sum. */
  outFrac: int,
  forward: qDirectionSchema,
  backward: qDirectionSchema.optional(),
};

/** LSTM i, f, o and GRU r, z: as in the float model; absent in older files = sigmoid. */
const recurrentActivation = z.enum(GATE_ACTIVATIONS).default('sigmoid').optional();

export const qLayerSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('rnn'),
    ...qRecurrentCommon,
    /**
     * Absent in older files = tanh. relu: both products are requantized to h's own format
     * (outFrac, or outFrac + 1 for a bidirectional sum), h' = max(0, sat16(X + H)).
     */
    activation: z.enum(RNN_ACTIVATIONS).default('tanh').optional(),
  }),
  z.strictObject({
    type: z.literal('lstm'),
    ...qRecurrentCommon,
    recurrentActivation,
    /** Cell state c: int16 or int32 with `frac` fractional bits, chosen by calibration. */
    cell: z.strictObject({ bits: z.union([z.literal(16), z.literal(32)]), frac: int }),
  }),
  z.strictObject({ type: z.literal('gru'), ...qRecurrentCommon, recurrentActivation, resetAfter: z.boolean() }),
  /**
   * minGRU: x rows [0, U) requantized to Q.12 (z = σ(sat16(·)) by the sigmoid table), rows
   * [U, 2U) to h's calibrated format (h̃ = sat16(·)); h' = lerpQ15(z, h̃, h) = sat16(h +
   * rshr(z·(h̃ − h), 15)). h's format: hiddenFrac (outFrac, + 1 under a bidirectional sum).
   */
  z.strictObject({ type: z.literal('mingru'), ...qRecurrentCommon }),
  /**
   * minLSTM: x rows [0, 2U) (f, i) to Q.12 and the sigmoid table, rows [2U, 3U) to h's
   * format (h̃ = sat16(·)); f' = divQ15(f, f + i) (f + i >= 22: the table's floor is 11),
   * h' = lerpQ15(f', h, h̃) = sat16(h̃ + rshr(f'·(h − h̃), 15)), i' = 1 − f' implied.
   */
  z.strictObject({ type: z.literal('minlstm'), ...qRecurrentCommon }),
  z.strictObject({
    type: z.literal('dense'),
    units: int,
    weightBits: ownWeightBits,
    activation: z.enum(DENSE_ACTIVATIONS),
    inFrac: int,
    /** int16 output format: 15 for tanh/sigmoid/softmax, calibrated for linear/relu. */
    outFrac: int,
    /** Requantizes to PRE_FRAC for tanh/sigmoid, to `logitFrac` for softmax, else to outFrac. */
    mm: qMatmulSchema,
    /** softmax only: fractional bits of the int32 logits fed to the exp table. */
    logitFrac: int.optional(),
  }),
  z.strictObject({
    type: z.literal('conv1d'),
    units: int,
    weightBits: ownWeightBits,
    kernelSize: int,
    dilation: int,
    /** Future inputs each output reads (ir/model.ts); absent = 0, causal. */
    lookahead: int.optional(),
    activation: z.enum(CONV_ACTIVATIONS),
    inFrac: int,
    /** As a dense layer's: 15 for tanh/sigmoid, calibrated for linear/relu. */
    outFrac: int,
    /** A dense product over the window [x_{t+a−(k−1)·d}, …, x_{t+a−d}, x_{t+a}] (units × kernelSize·inputs). */
    mm: qMatmulSchema,
  }),
  /**
   * ssm (ir/model.ts ssmLayer), E = units, N = stateSize, k = convSize, R = dtRank. Every
   * value is int16 with the named fractional bits unless said; every operation is a
   * fixed/ops.ts rule. Per step, from x (inFrac):
   *   x'_e, z_e  = sat16(inMm rows [0,E) → xFrac, rows [E,2E) → zFrac)
   *   c_e        = sat16(convMm row e over x'_e's last k values, oldest first → convFrac)
   *   u_e        = siluS16(c_e, convFrac)                                               silu, convFrac
   *   δ, B, C    = sat16(xMm rows → dtInFrac, bFrac, cFrac)
   *   p_e        = sat16(dtMm row e over δ → 12)                                       Q3.12
   *   Δ_e        = satS16(rshrS32(lutSoftplusQ15(softplus, p_e), 15 − deltaFrac))
   *   du_e       = mulRshrS16(Δ_e, u_e, deltaFrac + convFrac − duFrac)                  Δ·u
   *   for each n:
   *     Ā        = expNegQ15(expFine, exp, mulRshrS16S32(Δ_e, aq[e·N+n], deltaFrac + aFrac − 15))   Q0.15
   *     h        = addSatS32(mulQ15S32(Ā, h), mulRshrS16S32(du_e, B_n, duFrac + bFrac − hFrac))      int32, hFrac
   *     acc      = addSatS32(acc, mulRshrS32S16(h, C_n, hFrac + cFrac − yAccFrac))             from acc = 0
   *   acc        = addSatS32(acc, mulRshrS16S32(dq_e, u_e, dFrac + convFrac − yAccFrac))
   *   y_e        = satS16(rshrS32(acc, yAccFrac − yFrac))
   *   g_e        = siluS16(z_e, zFrac)                                                  silu, zFrac
   *   out_e      = mulRshrS16(y_e, g_e, yFrac + zFrac − outFrac)
   * Every shift above is in range by construction (quantize/ssm.ts checks it): the
   * rshrS32 and mulRshrS16S32 shifts ≥ 0, the mulRshrS16 ones ≥ 1. Tables: `softplus`, `expFine`, `exp`.
   */
  z.strictObject({
    type: z.literal('ssm'),
    units: int,
    stateSize: int,
    convSize: int,
    dtRank: int,
    weightBits: ownWeightBits,
    returnSequences: z.boolean(),
    inFrac: int,
    outFrac: int,
    xFrac: int,
    zFrac: int,
    convFrac: int,
    dtInFrac: int,
    bFrac: int,
    cFrac: int,
    deltaFrac: int,
    duFrac: int,
    aFrac: int,
    dFrac: int,
    /** The state h: int32 with hFrac fractional bits. */
    hFrac: int,
    yAccFrac: int,
    yFrac: int,
    /** in-projection, 2E × inputs (with inBias). */
    inMm: qMatmulSchema,
    /** The depthwise conv: row e holds channel e's k taps (with convBias), applied to x'_e's last k values. */
    convMm: qMatmulSchema,
    /** x-projection, (R + 2N) × E, no bias. */
    xMm: qMatmulSchema,
    /** Δ's projection, E × R (with dtBias). */
    dtMm: qMatmulSchema,
    /** |A| = exp(aLog), E·N values in [0, 32767] with aFrac. */
    aq: z.array(int),
    /** D, E values with dFrac. */
    dq: z.array(int),
  }),
]);

/** A decoder's recurrent cell: a forward lstm, gru or tanh rnn layer (qcheck checks which). */
const qDecoderCellSchema = qLayerSchema;

/**
 * The decoder of an encoder–decoder model (docs/seq2seq.md gives the float equations; the
 * float model's `decoder`). Every value is int16 with the named fractional bits unless
 * said; every operation is a fixed/ops.ts rule (fixed/seq2seq.ts runs them).
 *
 * The memory m_0 … m_{T−1} (T ≤ MAX_MEMORY = 4096) is the last encoder layer's int16
 * output sequence, memFrac = that layer's outFrac. Once per sequence:
 *   bahdanau  K_j  = keys·m_j                      (QMatmul A × H_e → Q.12, int32, kept)
 *   general   G_j  = sat16(keys·m_j)               (QMatmul S × H_e → keyFrac)
 *   init      zeros: h = 0, c = 0
 *             copy:  the last encoder layer's final state: h = rescaleS16(h, its h format → 15),
 *                    c as it is (LSTM → LSTM: the decoder's cell format is the encoder's), else 0
 *             bridge: h = bridge (a dense tanh over m_{T−1}, Q0.15), c = 0
 *   u          = feedback start: prediction `start` (uFrac), embedding table row `start`
 * Per step k = 0 … K−1, attend(q) with q the Q0.15 h before the step (into input, both)
 * or after it (into output):
 *   bahdanau  qa   = query·q                       (QMatmul A × S with b → Q.12, int32)
 *             t_a  = lutTanh(sat16(addSatS32(K_j[a], qa[a])))                     Q0.15
 *             s_j  = sat16(v·t)                    (QMatmul 1 × A → logitFrac)
 *   dot       s_j  = rshrSatS64(Σ_i q_i·m_j[i], 15 + memFrac − logitFrac)   exact sum: |Σ| ≤ S·2^30 < 2^53
 *   general   s_j  = rshrSatS64(Σ_i q_i·G_j[i], 15 + keyFrac − logitFrac)
 *   α          = softmaxQ15(exp, s, logitFrac)      Q0.15 (Σ e ≤ T·32767 < 2^27: divQ15's domain)
 *   ctx_i      = satS16(rshrS32(Σ_j α_j·m_j[i], 15))  memFrac; Σ_j α_j ≤ 2^15 + T/2 (divQ15 rounds
 *                half up), so |Σ| ≤ (2^15 + 2^12)·2^15 < 2^31: an int32 sum, exact
 * and then
 *   x          = [rescaleS16(u, uFrac → cell.inFrac) ; rescaleS16(ctx, memFrac → cell.inFrac) if into input/both]
 *   (h, c)     = one step of `cell` (fixed/cells/*.ts, its forward direction) on x
 *   r          = [rescaleS16(h, 15 → projection.inFrac) ; rescaleS16(ctx, memFrac → projection.inFrac) if into output/both]
 *   y_k        = projection (a dense linear or softmax layer) of r, projection.outFrac
 *   u          = prediction: y_k (uFrac = projection.outFrac); embedding: table row argmax(y_k), the
 *                first largest int16 (stop after step k when it is endToken)
 * cell.inFrac = min(uFrac, memFrac) (with the context in; uFrac without), projection.inFrac =
 * min(15, memFrac) (15 without): one input format per product, the coarser of its parts, so
 * each part only loses bits by a rounding right shift and never saturates.
 */
export const qDecoderSchema = z.strictObject({
  units: int,
  outputSize: int,
  steps: int,
  /** The memory's format: the last encoder layer's outFrac. */
  memFrac: int,
  /** The feedback u's format. */
  uFrac: int,
  cell: qDecoderCellSchema,
  feedback: z.discriminatedUnion('kind', [
    /** start: outputSize values at uFrac. */
    z.strictObject({ kind: z.literal('prediction'), start: z.array(int) }),
    /** table: outputSize rows of `width` int16 values at uFrac, row-major. */
    z.strictObject({ kind: z.literal('embedding'), width: int, table: z.array(int), start: int }),
  ]),
  endToken: int.optional(),
  init: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('zeros') }),
    z.strictObject({ kind: z.literal('copy') }),
    z.strictObject({ kind: z.literal('bridge'), dense: qLayerSchema }),
  ]),
  attention: z.strictObject({
    kind: z.enum(['bahdanau', 'dot', 'general']),
    into: z.enum(['input', 'output', 'both']),
    /** The scores' format (the softmax logits). */
    logitFrac: int,
    /** general: G's format. */
    keyFrac: int.optional(),
    /** bahdanau: W_e (→ Q.12); general: W_g (→ keyFrac). */
    keys: qMatmulSchema.optional(),
    /** bahdanau: W_q with b (→ Q.12). */
    query: qMatmulSchema.optional(),
    /** bahdanau: v as one row (input Q0.15 → logitFrac). */
    v: qMatmulSchema.optional(),
  }).optional(),
  /** A dense linear or softmax layer over r. */
  projection: qLayerSchema,
});

/** The longest memory a decoder attends over: Σ e of the softmax stays below divQ15's 2^27. */
export const MAX_MEMORY = 4096;

export const qModelSchema = z.strictObject({
  format: z.literal('rnnc-qmodel'),
  version: z.literal(1),
  name: z.string(),
  /** rnnc version that quantized it, and the sha256 of the float model's canonical JSON. */
  producer: z.string(),
  sourceSha256: z.string(),
  inputSize: int,
  outputSize: int,
  /** Width of every layer's weights, except a layer that gives its own. */
  weightBits: z.union([z.literal(8), z.literal(16)]),
  /** Float helper: x_q = sat16(round((x − mean) / std · 2^frac)). */
  input: z.strictObject({
    frac: int,
    normalization: z.strictObject({ mean: z.array(z.number()), std: z.array(z.number()) }).optional(),
  }),
  /** Sigmoid/tanh tables (src/fixed/lut.ts), N+1 int16 entries each. */
  lut: z.strictObject({ size: int, sigmoid: z.array(int), tanh: z.array(int) }),
  /** Extra tables some layers need (e.g. exp for softmax), by name. */
  tables: z.record(z.string(), z.array(int)).optional(),
  layers: z.array(qLayerSchema),
  /**
   * Output: int16 with `frac` fractional bits, per step (`sequence`) or per sequence. With a
   * decoder: its K outputs (sequence true) at its projection's format.
   */
  output: z.strictObject({ frac: int, sequence: z.boolean() }),
  /** As in the float model: where the exported model's state inputs went. */
  stateInputs: z.array(stateInputSchema).optional(),
  /** An encoder–decoder model: the decoder after the layers (qDecoderSchema); `output` is then its y_k. */
  decoder: qDecoderSchema.optional(),
  /** Free-form: calibration summary, warnings, meta copied from the float model. */
  meta: z.record(z.string(), z.unknown()).optional(),
});

export type QMatmul = z.infer<typeof qMatmulSchema>;
export type QDirection = z.infer<typeof qDirectionSchema>;
export type QLayer = z.infer<typeof qLayerSchema>;
export type QRecurrentLayer = Extract<QLayer, { type: RecurrentType }>;
export type QConv1dLayer = Extract<QLayer, { type: 'conv1d' }>;
export type QDenseLayer = Extract<QLayer, { type: 'dense' }>;
export type QSsmLayer = Extract<QLayer, { type: 'ssm' }>;

/** An ssm layer's four products by field name, in the order a step runs them. */
export function ssmMatmuls(l: QSsmLayer): Array<[name: 'inMm' | 'convMm' | 'xMm' | 'dtMm', mm: QMatmul]> {
  return [['inMm', l.inMm], ['convMm', l.convMm], ['xMm', l.xMm], ['dtMm', l.dtMm]];
}
export type QLstmLayer = Extract<QLayer, { type: 'lstm' }>;
export type QGruLayer = Extract<QLayer, { type: 'gru' }>;
export type QMinGruLayer = Extract<QLayer, { type: 'mingru' }>;
export type QMinLstmLayer = Extract<QLayer, { type: 'minlstm' }>;
export type QuantModel = z.infer<typeof qModelSchema>;
export type QDecoder = z.infer<typeof qDecoderSchema>;

/** Width of a layer's weight tables: its own, else the model's. */
export function layerWeightBits(q: Pick<QuantModel, 'weightBits'>, layer: QLayer): 8 | 16 {
  return layer.weightBits ?? q.weightBits;
}

/** Whether some layer's weights are not at the model's width. */
export function isMixedWidth(q: Pick<QuantModel, 'weightBits' | 'layers'>): boolean {
  return q.layers.some((l) => layerWeightBits(q, l) !== q.weightBits);
}

/**
 * A model's weight widths for messages: "int8 weights", or for a mixed model
 * "int16 weights in layers 0, 2, int8 in layer 1".
 */
export function weightWidthsText(q: Pick<QuantModel, 'weightBits' | 'layers'>): string {
  return widthsText(q.layers.map((l) => layerWeightBits(q, l)));
}

/** widthsText([8, 16, 8]) = "int16 weights in layer 1, int8 in layers 0, 2"; one width: "int8 weights". */
export function widthsText(bits: ReadonlyArray<8 | 16>): string {
  const at = (b: 8 | 16) => bits.flatMap((x, i) => (x === b ? [i] : []));
  const [wide, narrow] = [at(16), at(8)];
  if (wide.length === 0 || narrow.length === 0) return `int${bits[0] ?? 8} weights`;
  const layers = (ix: number[]) => `layer${ix.length > 1 ? 's' : ''} ${ix.join(', ')}`;
  return `int16 weights in ${layers(wide)}, int8 in ${layers(narrow)}`;
}

/** Whether layers emit one output per timestep: only if every recurrent and ssm layer returns sequences. */
export function sequenceOutput(layers: readonly QLayer[]): boolean {
  return layers.every((l) => !(isQRecurrent(l) || l.type === 'ssm') || l.returnSequences);
}

/**
 * Fractional bits of a recurrent layer's h: Q0.15, except a relu RNN, a minGRU and a minLSTM, whose
 * h has its own format (outFrac, or outFrac + 1 when a bidirectional sum halves it).
 */
export function hiddenFrac(layer: QRecurrentLayer): number {
  if (hasRecurrentProduct(layer.type) && (layer.type !== 'rnn' || layer.activation !== 'relu')) return 15;
  return layer.bidirectional === 'sum' ? layer.outFrac + 1 : layer.outFrac;
}

/** Whether a quantized layer is recurrent (has directions, state, returnSequences). */
export function isQRecurrent(layer: QLayer): layer is QRecurrentLayer {
  return KINDS[layer.type].recurrent;
}
