/**
 * Small float models covering every layer kind and option the float reference runs:
 * rnn tanh and relu, lstm, gru with the reset gate before and after, sigmoid and both
 * hard sigmoid gates, bidirectional concat and sum (sequence out, final and last-index
 * many-to-one), reverse, nonzero initial states, causal and centred dilated conv1d, dense
 * with every activation, mingru and minlstm (one direction, reverse, bidirectional), dense
 * heads of a last output (one direction, bidirectional final concat and sum), ssm (sequence
 * out and many-to-one, no conv history, after a conv1d, two with a dense layer between, as
 * Mamba's out_proj); inputs normalised or not.
 * For the batched-vs-per-sequence tests.
 */
import type { LayerSpec } from '../../src/ir/random.js';
import { randomModel } from '../../src/ir/random.js';
import type { FloatModel } from '../../src/ir/model.js';

const CASES: Record<string, LayerSpec[]> = {
  'rnn tanh → dense softmax': [{ type: 'rnn', units: 5, returnSequences: true }, { type: 'dense', units: 3, activation: 'softmax' }],
  'rnn relu, initial state': [{ type: 'rnn', units: 6, activation: 'relu', initialState: true }, { type: 'dense', units: 2, activation: 'linear' }],
  'lstm → lstm → dense': [{ type: 'lstm', units: 7, returnSequences: true }, { type: 'lstm', units: 5 }, { type: 'dense', units: 3, activation: 'sigmoid' }],
  'lstm hard sigmoid, initial state, reverse': [{ type: 'lstm', units: 5, recurrentActivation: 'hard_sigmoid', initialState: true, reverse: true, returnSequences: true }, { type: 'dense', units: 2, activation: 'tanh' }],
  'gru reset after': [{ type: 'gru', units: 6, resetAfter: true, returnSequences: true }, { type: 'dense', units: 4, activation: 'relu' }],
  'gru reset before, hard sigmoid v3, initial state': [{ type: 'gru', units: 5, resetAfter: false, recurrentActivation: 'hard_sigmoid_v3', initialState: true }],
  'gru reverse many-to-one': [{ type: 'gru', units: 4, resetAfter: false, reverse: true }, { type: 'dense', units: 2, activation: 'linear' }],
  'bidirectional lstm concat, sequence out': [{ type: 'lstm', units: 4, bidirectional: 'concat', returnSequences: true, initialState: true }, { type: 'dense', units: 2, activation: 'linear' }],
  'bidirectional gru sum, final': [{ type: 'gru', units: 5, bidirectional: 'sum', resetAfter: true }],
  'bidirectional rnn concat, last-index': [{ type: 'rnn', units: 4, bidirectional: 'concat', lastOutput: 'last-index' }, { type: 'dense', units: 3, activation: 'softmax' }],
  'bidirectional lstm sum, last-index': [{ type: 'lstm', units: 3, bidirectional: 'sum', lastOutput: 'last-index' }],
  'causal conv1d → gru': [{ type: 'conv1d', units: 6, kernelSize: 3, dilation: 2, activation: 'relu' }, { type: 'gru', units: 5, returnSequences: true }, { type: 'dense', units: 2, activation: 'linear' }],
  'centred conv1d → lstm': [{ type: 'conv1d', units: 4, kernelSize: 4, dilation: 1, lookahead: 2, activation: 'tanh' }, { type: 'lstm', units: 4 }],
  'conv1d sigmoid → dense on the sequence': [{ type: 'conv1d', units: 3, kernelSize: 2, activation: 'sigmoid' }, { type: 'dense', units: 2, activation: 'linear' }],
  // Dense heads of a last output: tuned on the tail's states (quantize/tune-stats.ts HEAD_TAIL).
  'lstm many-to-one, initial state → dense': [{ type: 'lstm', units: 5, returnSequences: false, initialState: true }, { type: 'dense', units: 3, activation: 'linear' }],
  'bidirectional lstm concat, final → dense': [{ type: 'lstm', units: 4, bidirectional: 'concat', lastOutput: 'final', initialState: true }, { type: 'dense', units: 2, activation: 'linear' }],
  'bidirectional gru sum, final → dense': [{ type: 'gru', units: 5, bidirectional: 'sum', lastOutput: 'final', resetAfter: true }, { type: 'dense', units: 3, activation: 'tanh' }],
  // The minimal kinds (no recurrent product; calibration takes |h̃| as h's range).
  'mingru, initial state → dense': [{ type: 'mingru', units: 5, returnSequences: true, initialState: true }, { type: 'dense', units: 2, activation: 'linear' }],
  'mingru reverse many-to-one → dense': [{ type: 'mingru', units: 4, reverse: true }, { type: 'dense', units: 3, activation: 'linear' }],
  'bidirectional mingru concat, last-index': [{ type: 'mingru', units: 4, bidirectional: 'concat', lastOutput: 'last-index' }, { type: 'dense', units: 2, activation: 'sigmoid' }],
  'minlstm, initial state → minlstm → dense': [{ type: 'minlstm', units: 5, returnSequences: true, initialState: true }, { type: 'minlstm', units: 4 }, { type: 'dense', units: 2, activation: 'linear' }],
  'bidirectional minlstm sum, final → dense': [{ type: 'minlstm', units: 4, bidirectional: 'sum', lastOutput: 'final' }, { type: 'dense', units: 3, activation: 'linear' }],
  'bidirectional minlstm concat, sequence out': [{ type: 'minlstm', units: 3, bidirectional: 'concat', returnSequences: true }, { type: 'dense', units: 2, activation: 'tanh' }],
  // Mamba's mixer (appended: the cases above keep their seeds).
  'ssm, sequence out → dense': [{ type: 'ssm', units: 5, stateSize: 3, convSize: 3, dtRank: 2, returnSequences: true }, { type: 'dense', units: 2, activation: 'linear' }],
  'ssm many-to-one, k = 1 → dense softmax': [{ type: 'ssm', units: 4, stateSize: 2, convSize: 1, dtRank: 1 }, { type: 'dense', units: 3, activation: 'softmax' }],
  'conv1d → ssm → dense (out_proj) → ssm many-to-one': [
    { type: 'conv1d', units: 4, kernelSize: 2, activation: 'tanh' }, { type: 'ssm', units: 6, stateSize: 4, convSize: 4, dtRank: 1, returnSequences: true },
    { type: 'dense', units: 4, activation: 'tanh' }, { type: 'ssm', units: 3, stateSize: 2, convSize: 2, dtRank: 3 },
  ],
};

/** Every case as a model on 3 inputs (weights scaled up so gates leave ±8 sometimes). */
export function everyFloatKind(): Array<{ name: string; model: FloatModel }> {
  return Object.entries(CASES).map(([name, layers], k) => ({
    name, model: randomModel({ name: 'k', inputSize: 3, layers, weightScale: 2.5, normalization: k % 3 === 0 }, 40 + k),
  }));
}
