/**
 * An ONNX LSTM / GRU / RNN node's `activations` (with `activation_alpha` and
 * `activation_beta`) → the IR layer's gate activation, or an RNN's activation.
 *
 * Per direction ONNX lists f (the sigmoid-type gates), g and h: LSTM [f, g, h], GRU
 * [f, g], RNN [f]; a bidirectional node lists the forward direction's, then the
 * backward's, and both must agree (one IR layer has one gate activation). Accepted:
 * LSTM / GRU f = Sigmoid or HardSigmoid, g = h = Tanh; RNN f = Tanh or Relu
 * (nn.RNN(nonlinearity='relu')).
 *
 * HardSigmoid(alpha, beta) = clip(alpha·x + beta, 0, 1): (0.2, 0.5) is the IR's
 * hard_sigmoid, (1/6, 0.5) its hard_sigmoid_v3 (compared as the float32 ONNX stores).
 * activation_alpha / activation_beta are consumed in order by the activations that take
 * them (of the accepted ones, only HardSigmoid: onnxruntime reads them so), and a
 * HardSigmoid without a value of its own takes the operator's defaults 0.2 and 0.5.
 */
import type { GateActivation, RnnActivation } from '../../ir/model.js';
import { escapeText } from '../quote.js';
import { type NodeProto, attrString, attrStrings, attributes } from './proto.js';

const DEFAULTS: Record<string, string[]> = { LSTM: ['sigmoid', 'tanh', 'tanh'], GRU: ['sigmoid', 'tanh'], RNN: ['tanh'] };
const HARD: Array<[GateActivation, number, number]> = [['hard_sigmoid', 0.2, 0.5], ['hard_sigmoid_v3', 1 / 6, 0.5]];

export interface NodeActivations {
  gate: GateActivation;
  /** RNN only: tanh or relu. */
  rnn: RnnActivation;
  /** One line per problem, without the node's label. */
  problems: string[];
}

function floats(node: NodeProto, name: string): number[] {
  return attributes(node).get(name)?.floats ?? [];
}

export function recurrentActivations(node: NodeProto): NodeActivations {
  const op = node.opType ?? '';
  const attrs = attributes(node);
  const want = DEFAULTS[op] ?? [];
  const dirs = attrString(attrs, 'direction') === 'bidirectional' ? 2 : 1;
  const raw = attrStrings(attrs, 'activations');
  const acts = (raw ?? Array.from({ length: dirs }, () => want).flat()).map((a) => a.toLowerCase());
  const alphas = floats(node, 'activation_alpha');
  const betas = floats(node, 'activation_beta');
  const listed = `activations [${escapeText((raw ?? acts).join(', '), 80)}]`;
  const refuse = (why: string): NodeActivations => ({ gate: 'sigmoid', rnn: 'tanh', problems: [why] });
  const supported = op === 'RNN' ? 'Tanh or Relu' : `${op === 'LSTM' ? '[Sigmoid or HardSigmoid, Tanh, Tanh]' : '[Sigmoid or HardSigmoid, Tanh]'}`;
  if (acts.length !== want.length * dirs) return refuse(`${listed}: expected ${want.length * dirs} (${want.length} per direction); supported: ${supported}`);
  const gates = new Set<GateActivation>();
  const rnn = new Set<RnnActivation>();
  let used = 0;
  for (let d = 0; d < dirs; d++) {
    const mine = acts.slice(d * want.length, (d + 1) * want.length);
    if (mine.some((a, i) => i > 0 && a !== want[i])) return refuse(`${listed} are not supported; supported: ${supported}`);
    if (op === 'RNN') {
      if (mine[0] !== 'tanh' && mine[0] !== 'relu') return refuse(`${listed} are not supported; supported: ${supported}`);
      rnn.add(mine[0]);
      continue;
    }
    if (mine[0] === 'sigmoid') { gates.add('sigmoid'); continue; }
    if (mine[0] !== 'hardsigmoid') return refuse(`${listed} are not supported; supported: ${supported}`);
    const alpha = Math.fround(alphas[used] ?? 0.2), beta = Math.fround(betas[used] ?? 0.5);
    used++;
    const hit = HARD.find(([, a, b]) => alpha === Math.fround(a) && beta === Math.fround(b));
    if (!hit) return refuse(`HardSigmoid(alpha ${alpha.toPrecision(6)}, beta ${beta.toPrecision(6)}) is not supported; supported: alpha 0.2 or 1/6 with beta 0.5 (Keras 2 and Keras 3 hard_sigmoid)`);
    gates.add(hit[0]);
  }
  if (alphas.length > used || betas.length > used) return refuse(`activation_alpha/activation_beta give more values than the HardSigmoid activations take (${used})`);
  if (gates.size > 1 || rnn.size > 1) return refuse(`${listed}: both directions must use the same ${op === 'RNN' ? 'activation' : 'gate activation'}`);
  return { gate: [...gates][0] ?? 'sigmoid', rnn: [...rnn][0] ?? 'tanh', problems: [] };
}
