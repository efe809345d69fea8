/**
 * The float IR (`model.json`, format "rnnc-model" version 1): the schema, and the
 * TypeScript types derived from it. docs/model-format.md is the prose twin.
 *
 * Gate order and weight layout are fixed here, once; everything else refers to these
 * constants and importers convert to them.
 *
 * Layout: every weight matrix is row-major with one row per output unit
 * (`rows = gates × units`, `cols = inputs`), so a row is one dot product and the
 * quantizer's per-row scale is per output unit. Gate blocks are stacked in the
 * order below: rows [k·units, (k+1)·units) belong to gate k.
 */
import { z } from 'zod';
import { decoderSchema } from './seq2seq.js';

/** LSTM gates: input, forget, cell candidate, output (PyTorch's order). */
export const LSTM_GATES = ['i', 'f', 'g', 'o'] as const;
/** GRU gates: reset, update, new (candidate) (PyTorch's order). */
export const GRU_GATES = ['r', 'z', 'n'] as const;
/** Elman RNN: one tanh gate. */
export const RNN_GATES = ['h'] as const;
/** minGRU: update gate z, candidate h̃ (Feng et al. 2024), both from x alone. */
export const MINGRU_GATES = ['z', 'h'] as const;
/** minLSTM: forget gate f, input gate i, candidate h̃ (Feng et al. 2024), all from x alone. */
export const MINLSTM_GATES = ['f', 'i', 'h'] as const;

export const RECURRENT_TYPES = ['rnn', 'lstm', 'gru', 'mingru', 'minlstm'] as const;
export const LAYER_TYPES = [...RECURRENT_TYPES, 'dense', 'conv1d', 'ssm'] as const;
export const DENSE_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid', 'softmax'] as const;
/** A convolution's activation: a dense layer's, less softmax (a classifier head is a dense layer). */
export const CONV_ACTIVATIONS = ['linear', 'relu', 'tanh', 'sigmoid'] as const;
export const MERGE_MODES = ['concat', 'sum'] as const;
/**
 * Activation of the LSTM i, f, o and GRU r, z gates ("recurrent activation" in Keras):
 *   sigmoid          1 / (1 + e^−x)
 *   hard_sigmoid     clip(0.2·x + 0.5, 0, 1)   Keras 2, TF.js, ONNX HardSigmoid default
 *   hard_sigmoid_v3  clip(x/6 + 0.5, 0, 1)     Keras 3 (= relu6(x + 3)/6, torch Hardsigmoid)
 */
export const GATE_ACTIVATIONS = ['sigmoid', 'hard_sigmoid', 'hard_sigmoid_v3'] as const;
/**
 * Activation of the Elman RNN: h' = act(W x + b + U h). relu is unbounded, so its
 * fixed-point h takes a calibrated format instead of Q0.15.
 */
export const RNN_ACTIVATIONS = ['tanh', 'relu'] as const;
/**
 * Which time index each direction's output comes from when a bidirectional layer has
 * returnSequences false (T steps, fwd_t / bwd_t = a direction's output at index t):
 *   final       merge(fwd_{T−1}, bwd_0)     each direction's final state (Keras, ONNX Y_h, torch h_n)
 *   last-index  merge(fwd_{T−1}, bwd_{T−1}) torch out[:, -1]: bwd_{T−1} is the backward
 *                                           direction's first step, on x_{T−1} from h = 0
 */
export const LAST_OUTPUTS = ['final', 'last-index'] as const;

/** Largest accepted sizes: far beyond any MCU model, small enough to refuse typos. */
/** `weight`: the largest |weight or bias|; beyond it float math overflows long before any use. */
export const LIMITS = { units: 4096, inputSize: 4096, layers: 64, weight: 1e6, kernelSize: 64, dilation: 64, stateSize: 256 } as const;

export type RecurrentType = (typeof RECURRENT_TYPES)[number];
export type LayerType = (typeof LAYER_TYPES)[number];
export type DenseActivation = (typeof DENSE_ACTIVATIONS)[number];
export type MergeMode = (typeof MERGE_MODES)[number];
export type GateActivation = (typeof GATE_ACTIVATIONS)[number];
export type RnnActivation = (typeof RNN_ACTIVATIONS)[number];
export type LastOutput = (typeof LAST_OUTPUTS)[number];

const matrix = z.array(z.array(z.number()));
const vector = z.array(z.number());

/** Weights of one direction of a recurrent layer. */
const recurrentWeights = z.strictObject({
  /** (gates·units) × inputSize */
  kernel: matrix,
  /**
   * (gates·units) × units. Required by rnn, lstm and gru (validate.ts says so); a mingru or
   * minlstm has no recurrent product and refuses it.
   */
  recurrentKernel: matrix.optional(),
  /** gates·units; added to the input product */
  bias: vector,
  /** GRU with resetAfter only: gates·units; added to the recurrent product (inside r⊙(…) for n). */
  recurrentBias: vector.optional(),
  /**
   * The state this direction starts every sequence from (and NAME_reset loads): h before
   * the first step, units values. Absent = zeros. ONNX initial_h given as a constant.
   */
  initialH: vector.optional(),
  /** LSTM only: the cell state before the first step, units values. Absent = zeros. */
  initialC: vector.optional(),
});

const recurrentCommon = {
  units: z.number().int(),
  returnSequences: z.boolean().default(false),
  /** Absent: forward only. Present: forward and backward directions merged this way. */
  bidirectional: z.enum(MERGE_MODES).optional(),
  /**
   * Bidirectional with returnSequences false only (LAST_OUTPUTS). Absent = "final"; left
   * out when "final" so files written before it existed keep their bytes.
   */
  lastOutput: z.enum(LAST_OUTPUTS).optional(),
  /**
   * Forward-only layers: the one direction reads x_{T−1} … x_0 (ONNX direction "reverse");
   * its output at t is h after x_t, and without returnSequences h after x_0. Absent = false,
   * left out when false.
   */
  reverse: z.boolean().optional(),
  weights: recurrentWeights,
  /** Backward direction's weights; required exactly when `bidirectional` is set. */
  backwardWeights: recurrentWeights.optional(),
};

/** rnn only: written out as "tanh" when absent, like recurrentActivation. */
const rnnActivation = z.enum(RNN_ACTIVATIONS).default('tanh').optional();
const rnnLayer = z.strictObject({ type: z.literal('rnn'), ...recurrentCommon, activation: rnnActivation });
/**
 * LSTM i, f, o and GRU r, z gates: validation writes "sigmoid" when absent (canonical
 * JSON spells it out), while code building a layer may leave it out: read it with
 * gateActivationOf.
 */
const recurrentActivation = z.enum(GATE_ACTIVATIONS).default('sigmoid').optional();
const lstmLayer = z.strictObject({ type: z.literal('lstm'), ...recurrentCommon, recurrentActivation });
const gruLayer = z.strictObject({
  type: z.literal('gru'),
  ...recurrentCommon,
  recurrentActivation,
  /**
   * true (PyTorch, Keras TF2 default): n = tanh(W_n x + b_n + r ⊙ (U_n h + b'_n)).
   * false (Keras TF1, ONNX linear_before_reset=0): n = tanh(W_n x + b_n + U_n (r ⊙ h)).
   */
  resetAfter: z.boolean(),
});
/**
 * minGRU (Feng et al. 2024, "Were RNNs All We Needed?"): both gates read x only,
 *   z = σ(W_z x + b_z),  h̃ = W_h x + b_h,  h' = (1 − z) ⊙ h + z ⊙ h̃
 * so a step is 2·units·inputs MACs and no recurrent product. kernel is (2·units) ×
 * inputs, rows [0, units) z and [units, 2·units) h̃; bias 2·units; no recurrentKernel.
 */
const mingruLayer = z.strictObject({ type: z.literal('mingru'), ...recurrentCommon });
/**
 * minLSTM (Feng et al. 2024): f = σ(W_f x + b_f), i = σ(W_i x + b_i), h̃ = W_h x + b_h,
 *   f' = f / (f + i),  i' = i / (f + i),  h' = f' ⊙ h + i' ⊙ h̃
 * 3·units·inputs MACs; kernel (3·units) × inputs, rows f, i, h̃; no recurrentKernel.
 */
const minlstmLayer = z.strictObject({ type: z.literal('minlstm'), ...recurrentCommon });
const denseLayer = z.strictObject({
  type: z.literal('dense'),
  units: z.number().int(),
  activation: z.enum(DENSE_ACTIVATIONS),
  weights: z.strictObject({
    /** units × inputSize */
    kernel: matrix,
    /** units */
    bias: vector,
  }),
});

/**
 * A 1-D convolution over time: with k = kernelSize, d = dilation, a = lookahead and I inputs,
 *   y_t = act(b + Σ_{j=0}^{k−1} W_j x_{t+a−(k−1−j)·d}),  x_s = 0 outside 0 ≤ s < T,
 * one output per input step. a = 0 (the default) is causal, PyTorch's Conv1d with (k−1)·d
 * zeros of left padding (Keras Conv1D padding="causal"): it streams, and the C keeps the
 * last (k−1)·d inputs. 0 < a ≤ (k−1)·d reads a future inputs, the padding split as
 * (k−1)·d − a zeros before the sequence and a after (PyTorch padding=p with 2p = (k−1)·d:
 * a = p; Keras padding="same": a = ⌈(k−1)·d / 2⌉): such a model runs whole sequences only,
 * like a bidirectional one.
 */
const conv1dLayer = z.strictObject({
  type: z.literal('conv1d'),
  /** Output channels (filters). */
  units: z.number().int(),
  kernelSize: z.number().int(),
  /** Absent = 1. */
  dilation: z.number().int().optional(),
  /** Future inputs each output reads, 0 … (kernelSize−1)·dilation; absent = 0 (causal). */
  lookahead: z.number().int().optional(),
  activation: z.enum(CONV_ACTIVATIONS),
  weights: z.strictObject({
    /**
     * units × (kernelSize·inputSize): row o is the taps oldest first, [W_0 | W_1 | … |
     * W_{k−1}], each block the inputSize weights of one tap (torch weight[o, :, j]).
     */
    kernel: matrix,
    /** units */
    bias: vector,
  }),
});

/**
 * A selective state-space layer: the mixer of a Mamba block (Gu & Dao 2023, "S6") without
 * its output projection (a linear dense layer after it is that). E = units, N = stateSize,
 * k = convSize, R = dtRank. Each step, from the input x_t:
 *   [x'; z] = W_in x_t + b_in                         2E values: rows [0,E) x', [E,2E) z
 *   c_e = b_conv,e + Σ_{j<k} w_conv[e][j]·x'_{t−k+1+j,e}   causal depthwise conv, taps oldest first
 *   u = silu(c)                                       silu(v) = v·σ(v)
 *   [δ; B; C] = W_x u                                 R + N + N values
 *   Δ = softplus(W_dt δ + b_dt)                       E values, softplus(v) = ln(1 + e^v)
 *   h[e][n] ← exp(Δ_e·A[e][n])·h[e][n] + Δ_e·u_e·B_n,  A = −exp(aLog)
 *   y_e = (Σ_n C_n·h[e][n] + D_e·u_e) · silu(z_e)
 * as mamba_simple.Mamba computes it (selective_scan_ref). The state is h (E×N) and the
 * last k−1 values of x'; it starts at zero.
 */
const ssmLayer = z.strictObject({
  type: z.literal('ssm'),
  /** E: the inner channels, and the output width. */
  units: z.number().int(),
  /** N: states per channel. */
  stateSize: z.number().int(),
  /** k: taps of the causal depthwise convolution. */
  convSize: z.number().int(),
  /** R: rank of Δ's projection. */
  dtRank: z.number().int(),
  /** As a recurrent layer's: false emits only the last step's output. */
  returnSequences: z.boolean().default(false),
  weights: z.strictObject({
    /** 2E × inputSize (torch in_proj.weight) */
    inKernel: matrix,
    /** 2E (zeros for Mamba's bias-free in_proj) */
    inBias: vector,
    /** E × k, oldest tap first (torch conv1d.weight[:, 0, :]) */
    convKernel: matrix,
    /** E */
    convBias: vector,
    /** (R + 2N) × E, rows δ, B, C (torch x_proj.weight) */
    xKernel: matrix,
    /** E × R (torch dt_proj.weight) */
    dtKernel: matrix,
    /** E */
    dtBias: vector,
    /** E × N: A = −exp(aLog) */
    aLog: matrix,
    /** E: the skip D */
    d: vector,
  }),
});

export const layerSchema = z.discriminatedUnion('type', [rnnLayer, lstmLayer, gruLayer, mingruLayer, minlstmLayer, denseLayer, conv1dLayer, ssmLayer]);

/** The recurrent states a state input can set. */
export const STATE_KINDS = ['h', 'c'] as const;
export type StateKind = (typeof STATE_KINDS)[number];

/**
 * A graph input of the exported model that held a recurrent state (ONNX `h0`, `c0` of a
 * streaming export): rnnc's C carries the state itself, so the input is gone from the
 * model, and this records where its values went, for `rnnc run --state`.
 */
export const stateInputSchema = z.strictObject({
  /** The input's name in the exported graph. */
  name: z.string(),
  /** Its shape as exported (a dynamic batch axis as 1); values are read row-major. */
  shape: z.array(z.number().int()),
  /** Each state it sets: elements[u] is the flat index of unit u's value in the input. */
  targets: z.array(z.strictObject({
    layer: z.number().int(),
    direction: z.enum(['forward', 'backward']),
    state: z.enum(STATE_KINDS),
    elements: z.array(z.number().int()),
  })),
});
export type StateInput = z.infer<typeof stateInputSchema>;

export const modelSchema = z.strictObject({
  format: z.literal('rnnc-model'),
  version: z.literal(1),
  /** C identifier prefix of everything generated (see codegen/names.ts). */
  name: z.string(),
  inputSize: z.number().int(),
  /** Per-feature input normalisation x' = (x − mean) / std, so the C takes raw sensor units. */
  normalization: z.strictObject({ mean: vector, std: vector }).optional(),
  layers: z.array(layerSchema),
  /** State inputs of the exported model (imports only; see stateInputSchema). */
  stateInputs: z.array(stateInputSchema).optional(),
  /** An encoder–decoder model: the decoder after the encoder `layers` (seq2seq.ts, docs/seq2seq.md). */
  decoder: decoderSchema.optional(),
  /** Free-form provenance (producer, task, class names); never reaches the C unescaped. */
  meta: z.record(z.string(), z.unknown()).optional(),
});

export type FloatModel = z.infer<typeof modelSchema>;
export type Layer = z.infer<typeof layerSchema>;
export type RecurrentLayer = Extract<Layer, { type: RecurrentType }>;
export type DenseLayer = Extract<Layer, { type: 'dense' }>;
export type Conv1dLayer = Extract<Layer, { type: 'conv1d' }>;
export type SsmLayer = Extract<Layer, { type: 'ssm' }>;
export type ConvActivation = (typeof CONV_ACTIVATIONS)[number];
export type GruLayer = Extract<Layer, { type: 'gru' }>;
export type MinGruLayer = Extract<Layer, { type: 'mingru' }>;
export type MinLstmLayer = Extract<Layer, { type: 'minlstm' }>;
export type RecurrentWeights = z.infer<typeof recurrentWeights>;

export function isRecurrent(layer: Layer): layer is RecurrentLayer {
  return (RECURRENT_TYPES as readonly string[]).includes(layer.type);
}

/** A conv1d layer's dilation (1 when unset). */
export function dilationOf(layer: { dilation?: number | undefined }): number {
  return layer.dilation ?? 1;
}

/** A conv1d layer's lookahead (0 when unset: causal). */
export function lookaheadOf(layer: { lookahead?: number | undefined }): number {
  return layer.lookahead ?? 0;
}

/** Where a layer's non-sequence output takes each direction's output from ("final" when unset). */
export function lastOutputOf(layer: { lastOutput?: LastOutput | undefined }): LastOutput {
  return layer.lastOutput ?? 'final';
}

/** The gate activation of a layer (sigmoid for rnn layers and when unset). */
export function gateActivationOf(layer: { type: string; recurrentActivation?: GateActivation | undefined }): GateActivation {
  return layer.type !== 'rnn' && layer.recurrentActivation !== undefined ? layer.recurrentActivation : 'sigmoid';
}

/** The activation of an rnn layer (tanh when unset). */
export function rnnActivationOf(layer: { activation?: RnnActivation | undefined }): RnnActivation {
  return layer.activation ?? 'tanh';
}


