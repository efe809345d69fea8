/**
 * The model set of the on-target equivalence suite: every layer kind (LSTM with int16
 * and int32 cells, GRU in both reset variants, Elman RNN, dense heads with each
 * activation; hard sigmoid gates, a relu RNN; minGRUs and a minLSTM; nonzero initial states; causal conv1d; ssm), bidirectional concat and sum, stacks, sizes that leave tails for 2-, 4-,
 * 8- and 16-wide kernels (1, 3, 5, 7, 17, 33) next to round ones (16, 32, 64), and
 * saturating weights, int32 and int64 accumulators with both weight sizes; each spec
 * in int8 and int16 weights; and one encoder–decoder (a PyTorch fixture). Small enough that all of
 * them fit one ELF on every board (the M55's 512 KiB ITCM is the tightest).
 */
import { goldenCases } from '../../src/codegen/testdata.js';
import type { LayerSpec } from '../../src/ir/random.js';
import { randomModel, randomSequence } from '../../src/ir/random.js';
import { readFileSync } from 'node:fs';
import { validateModel } from '../../src/ir/validate.js';
import { quantizeWithData } from '../../src/quantize/pipeline.js';
import { quantizeModel, type Ranges } from '../../src/quantize/quantize.js';
import type { HarnessModel } from '../../src/verify/harness.js';

interface Spec {
  tag: string;
  inputSize: number;
  layers: LayerSpec[];
  weightScale?: number;
  /** LSTM cell ranges large enough to need an int32 cell, per layer. */
  ranges?: Ranges;
  normalization?: boolean;
  /** Fewer golden sequences and steps for a model with a very wide input. */
  small?: boolean;
  /** Weight sizes to build (default both). */
  bits?: Array<8 | 16>;
  /** Per layer: a mixed-width model (built once, whatever `bits` says). */
  layerBits?: Array<8 | 16>;
}

const SPECS: Spec[] = [
  { tag: 'lstm', inputSize: 5, layers: [{ type: 'lstm', units: 7, returnSequences: true }, { type: 'dense', units: 3, activation: 'linear' }] },
  { tag: 'lstmw', inputSize: 16, layers: [{ type: 'lstm', units: 32 }] },
  { tag: 'stack', inputSize: 17, layers: [{ type: 'lstm', units: 33, returnSequences: true }, { type: 'lstm', units: 8 }, { type: 'dense', units: 4, activation: 'softmax' }] },
  { tag: 'gruta', inputSize: 3, layers: [{ type: 'gru', units: 9, returnSequences: true, resetAfter: true }] },
  { tag: 'grutb', inputSize: 32, layers: [{ type: 'gru', units: 64, resetAfter: false }, { type: 'dense', units: 5, activation: 'relu' }] },
  { tag: 'gruw', inputSize: 16, layers: [{ type: 'gru', units: 32, returnSequences: true, resetAfter: true }] },
  { tag: 'rnn', inputSize: 1, layers: [{ type: 'rnn', units: 5, returnSequences: true }, { type: 'dense', units: 2, activation: 'tanh' }] },
  // A causal conv1d front end streaming (its history in the state; int8 only, for the M55's
  // ITCM); 'bisum' has a centred one (lookahead 1) in a whole-sequence pass.
  { tag: 'conv', inputSize: 3, layers: [{ type: 'conv1d', units: 5, kernelSize: 3, dilation: 2, activation: 'relu' }, { type: 'gru', units: 6, returnSequences: true, resetAfter: true }, { type: 'dense', units: 2, activation: 'linear' }], bits: [8] },
  { tag: 'bicat', inputSize: 4, layers: [{ type: 'lstm', units: 6, bidirectional: 'concat', initialState: true }, { type: 'dense', units: 3, activation: 'sigmoid' }] },
  { tag: 'bisum', inputSize: 6, layers: [{ type: 'conv1d', units: 4, kernelSize: 3, lookahead: 1, activation: 'tanh' }, { type: 'gru', units: 5, bidirectional: 'sum', returnSequences: true, resetAfter: false }, { type: 'rnn', units: 4 }] },
  {
    tag: 'deep', inputSize: 8, layers: [
      { type: 'rnn', units: 16, returnSequences: true }, { type: 'gru', units: 12, returnSequences: true, resetAfter: false },
      { type: 'lstm', units: 4, returnSequences: true }, { type: 'dense', units: 5, activation: 'relu' }, { type: 'dense', units: 1, activation: 'linear' },
    ],
  },
  { tag: 'sat', inputSize: 7, layers: [{ type: 'lstm', units: 17, returnSequences: true }, { type: 'gru', units: 3 }], weightScale: 25, normalization: true },
  {
    tag: 'cell32', inputSize: 2, layers: [{ type: 'lstm', units: 16, returnSequences: true }, { type: 'dense', units: 1, activation: 'linear' }],
    ranges: { input: 40, layers: [{ cell: 3000 }, { dense: 200 }] }, weightScale: 8,
  },
  // Mixed widths: each layer's tables and kernels at its own width, in one file.
  {
    tag: 'mix', inputSize: 6, bits: [8], layerBits: [16, 8, 16], layers: [
      { type: 'lstm', units: 7, returnSequences: true }, { type: 'gru', units: 9, returnSequences: true, resetAfter: true }, { type: 'dense', units: 3, activation: 'linear' },
    ],
  },
  // 1100 inputs: the dense layer's bound needs an int64 accumulator even with int8 weights.
  { tag: 'wide', inputSize: 1100, layers: [{ type: 'dense', units: 3, activation: 'relu' }, { type: 'gru', units: 3 }], small: true },
  { tag: 'dense', inputSize: 9, layers: [{ type: 'dense', units: 7, activation: 'relu' }, { type: 'dense', units: 3, activation: 'softmax' }] },
  // Hard sigmoid gates through the fused LSTM and the fused (DSP, MVE) resetAfter GRU; a relu RNN.
  {
    tag: 'hard', inputSize: 3, layers: [
      { type: 'lstm', units: 5, returnSequences: true, recurrentActivation: 'hard_sigmoid', initialState: true },
      { type: 'gru', units: 6, returnSequences: true, resetAfter: true, recurrentActivation: 'hard_sigmoid_v3', initialState: true },
      { type: 'rnn', units: 4, activation: 'relu', initialState: true },
    ],
  },
  // minGRU (no recurrent product, h in a calibrated format): streaming from an initial
  // state with a dense head; 'mingrur' a reverse one after a conv1d (whole sequences).
  { tag: 'mingru', inputSize: 5, layers: [{ type: 'mingru', units: 17, returnSequences: true, initialState: true }, { type: 'dense', units: 3, activation: 'linear' }] },
  {
    tag: 'mingrur', inputSize: 3, layers: [
      { type: 'conv1d', units: 4, kernelSize: 2, activation: 'tanh' }, { type: 'mingru', units: 7, returnSequences: true, reverse: true }, { type: 'mingru', units: 5 },
    ], bits: [8],
  },
  // minLSTM (f' = divQ15(f, f + i): the shift-and-subtract loop on every core), bidirectional
  // (sum), under a mingru.
  { tag: 'minlstm', inputSize: 4, layers: [{ type: 'minlstm', units: 9, bidirectional: 'sum', returnSequences: true, initialState: true }, { type: 'mingru', units: 3 }], bits: [16] },
  // ssm (Mamba's mixer): h and a 3-step conv history in the state, 13 channels (a tail for
  // every kernel width) over 5 states, then a last-only one (NAME_run's tail reads its buffer).
  {
    tag: 'ssm', inputSize: 5, layers: [
      { type: 'ssm', units: 13, stateSize: 5, convSize: 4, dtRank: 2, returnSequences: true }, { type: 'ssm', units: 4, stateSize: 3, convSize: 2, dtRank: 1 },
      { type: 'dense', units: 2, activation: 'linear' },
    ],
  },
];

/** Every spec at int8 and int16 weights, named t<tag><bits>, with golden cases of up to `steps` steps. */
export function targetModels(steps = 10): HarnessModel[] {
  const out: HarnessModel[] = [];
  SPECS.forEach((s, k) => {
    for (const bits of s.bits ?? [8, 16] as const) {
      const float = randomModel({
        name: `t${s.tag}${bits}`, inputSize: s.inputSize, layers: s.layers,
        ...(s.weightScale ? { weightScale: s.weightScale } : {}), ...(s.normalization ? { normalization: true } : {}),
      }, 500 + k);
      const model = quantizeModel(float, { weightBits: bits, ...(s.ranges ? { ranges: s.ranges } : {}), ...(s.layerBits ? { layerBits: s.layerBits } : {}) });
      out.push({ model, golden: goldenCases(model, { seed: 900 + k * 2 + bits, count: s.small ? 2 : 4, steps: s.small ? 3 : steps }) });
    }
  });
  // One encoder–decoder (Bahdanau attention into the input, LSTM state copied, prediction
  // fed back): NAME_encode_step and NAME_decode with the target's kernels.
  const f = JSON.parse(readFileSync(new URL('../fixtures/torch/seq2seq_bahdanau_lstm.json', import.meta.url), 'utf8')) as { model: unknown; input: number[][] };
  const s2s = validateModel(f.model, 'seq2seq_bahdanau_lstm');
  const calib = Array.from({ length: 4 }, (_, s) => randomSequence(s2s.inputSize, f.input.length, 100 + s));
  const model = { ...quantizeWithData(s2s, { sequences: calib, source: 'test' }, { weightBits: 8 }).model, name: 'ts2s8' };
  out.push({ model, golden: goldenCases(model, { seed: 977, count: 4, steps }) });
  return out;
}
