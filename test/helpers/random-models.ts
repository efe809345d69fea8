/**
 * Random quantized models for the C-vs-TS equivalence tests: every layer kind (minGRU, minLSTM included), both GRU
 * variants, bidirectional concat/sum, stacks of 1–3 recurrent layers, dense heads with
 * every activation, sigmoid and both hard sigmoid gates, tanh and relu RNNs, nonzero initial
 * states, causal conv1d front ends, units 1..128, inputs 1..64, int8 and int16 weights, int16 and int32 LSTM cells, ssm layers (one model in eight), and some models with huge weights so every requantization saturates.
 */
import type { LayerSpec } from '../../src/ir/random.js';
import { randomModel } from '../../src/ir/random.js';
import { CONV_ACTIVATIONS, DENSE_ACTIVATIONS, type GateActivation, type MergeMode, type RecurrentType } from '../../src/ir/model.js';
import type { QuantModel } from '../../src/ir/qmodel.js';
import { quantizeModel, type Ranges } from '../../src/quantize/quantize.js';
import { goldenCases } from '../../src/codegen/testdata.js';
import type { HarnessModel } from '../../src/verify/harness.js';
import { Rng } from '../../src/util/rng.js';

const TYPES: RecurrentType[] = ['rnn', 'lstm', 'gru'];
const MERGES: MergeMode[] = ['concat', 'sum'];
const LUTS = [64, 128, 256, 512];
/** Half the gated layers keep the sigmoid table. */
const GATES: GateActivation[] = ['sigmoid', 'sigmoid', 'hard_sigmoid', 'hard_sigmoid_v3'];

function size(rng: Rng, max: number): number {
  const r = rng.next();
  if (r < 0.1) return max;
  if (r < 0.25) return rng.int(1, max);
  return rng.int(1, Math.min(max, 16));
}

export function randomQuantModel(i: number, seed: number): QuantModel {
  const rng = new Rng(seed);
  // Gate activations from their own stream, so every other draw stays what it was.
  const gateRng = new Rng(seed ^ 0x6a7e);
  const reluRng = new Rng(seed ^ 0x7e10);
  const stack = rng.int(1, 3);
  const layers: LayerSpec[] = [];
  for (let k = 0; k < stack; k++) {
    const bidirectional = rng.next() < 0.25 ? rng.pick(MERGES) : undefined;
    layers.push({
      type: rng.pick(TYPES), units: size(rng, 128), returnSequences: k < stack - 1 ? rng.next() < 0.8 : rng.next() < 0.5,
      resetAfter: rng.next() < 0.5, ...(bidirectional ? { bidirectional } : {}), recurrentActivation: gateRng.pick(GATES),
      ...(reluRng.next() < 0.3 ? { activation: 'relu' as const } : {}),
    });
  }
  // Half the bidirectional many-to-one layers take the backward output at T−1 (torch
  // out[:, -1]), drawn from their own stream so every other draw stays what it was.
  const lastRng = new Rng(seed ^ 0x1a57);
  for (const l of layers) {
    if (l.type !== 'dense' && l.type !== 'conv1d' && l.type !== 'ssm' && l.bidirectional && !l.returnSequences && lastRng.next() < 0.5) l.lastOutput = 'last-index';
  }
  // One recurrent layer in ten is a minGRU and one in ten a minLSTM, from their own stream too.
  const minRng = new Rng(seed ^ 0x316e);
  for (const l of layers) {
    const r = minRng.next();
    if (l.type !== 'dense' && l.type !== 'conv1d' && l.type !== 'ssm' && r < 1 / 5) l.type = r < 1 / 10 ? 'mingru' : 'minlstm';
  }
  // One forward-only layer in six reads the sequence backwards (reverse), from its own stream too.
  const reverseRng = new Rng(seed ^ 0x7e7e);
  for (const l of layers) if (l.type !== 'dense' && l.type !== 'conv1d' && l.type !== 'ssm' && !l.bidirectional && reverseRng.next() < 1 / 6) l.reverse = true;
  // One recurrent layer in four starts from a nonzero state, from its own stream too.
  const initRng = new Rng(seed ^ 0x1417);
  for (const l of layers) if (l.type !== 'dense' && l.type !== 'conv1d' && l.type !== 'ssm' && initRng.next() < 1 / 4) l.initialState = true;
  // One model in four starts with a causal conv1d front end, from its own stream too.
  const convRng = new Rng(seed ^ 0xc0ff);
  if (convRng.next() < 1 / 4) {
    layers.unshift({ type: 'conv1d', units: size(convRng, 24), kernelSize: convRng.int(1, 4), dilation: convRng.int(1, 3), activation: convRng.pick(CONV_ACTIVATIONS) });
    // A third of them centred (whole sequences only): a lookahead from 1 to (k−1)·d.
    const conv = layers[0] as { kernelSize: number; dilation: number; lookahead?: number };
    const span = (conv.kernelSize - 1) * conv.dilation;
    const aheadRng = new Rng(seed ^ 0xa4ead);
    if (span > 0 && aheadRng.next() < 1 / 3) conv.lookahead = aheadRng.int(1, span);
  }
  // One model in eight gets an ssm layer, at a place that receives a sequence, from its own
  // stream too (it returns sequences when a layer that needs them follows).
  const ssmRng = new Rng(seed ^ 0x55a3);
  if (ssmRng.next() < 1 / 8) {
    const places = [0, ...layers.flatMap((l, j) => (l.type === 'conv1d' || ('returnSequences' in l && l.returnSequences) ? [j + 1] : []))];
    const at = ssmRng.pick(places);
    const followed = at < layers.length;
    layers.splice(at, 0, {
      type: 'ssm', units: size(ssmRng, 32), stateSize: ssmRng.int(1, 16), convSize: ssmRng.int(1, 4), dtRank: ssmRng.int(1, 4),
      returnSequences: followed || ssmRng.next() < 0.5,
    });
  }
  const dense = rng.int(0, 2);
  for (let k = 0; k < dense; k++) layers.push({ type: 'dense', units: size(rng, 32), activation: rng.pick(DENSE_ACTIVATIONS) });
  const extreme = rng.next() < 0.25;
  const inputSize = size(rng, 64);
  const float = randomModel({ name: `e${i}`, inputSize, layers, weightScale: extreme ? rng.uniform(4, 40) : rng.uniform(0.5, 2), normalization: rng.next() < 0.2 }, seed + 1);
  const calibrated = rng.next() < 0.4;
  const ranges: Ranges | undefined = calibrated
    ? { input: rng.uniform(0.1, 50), layers: layers.map((l) => (l.type === 'dense' ? { dense: rng.uniform(0.2, 300) } : { cell: rng.uniform(0.5, 3000) })) }
    : undefined;
  // One model of several layers in three mixes int8 and int16 layers (--weights auto), from its own stream too.
  const mixRng = new Rng(seed ^ 0xb175);
  const mixed = layers.length > 1 && mixRng.next() < 1 / 3;
  const layerBits = mixed ? layers.map(() => (mixRng.next() < 0.5 ? 8 : 16) as 8 | 16) : undefined;
  return quantizeModel(float, { weightBits: rng.next() < 0.5 ? 8 : 16, lutSize: rng.pick(LUTS), ...(ranges ? { ranges } : {}), ...(layerBits ? { layerBits } : {}) });
}

/** `count` models named e<first>..; a spec the quantizer refuses is redrawn with the next seed. */
export function equivalenceModels(count: number, seed: number, first = 0, maxSeq = 16): HarnessModel[] {
  const out: HarnessModel[] = [];
  let s = seed;
  for (let i = first; out.length < count; i++) {
    let model: QuantModel | undefined;
    while (!model) {
      try {
        model = randomQuantModel(i, s);
      } catch {
        model = undefined;
      }
      s += 7919;
    }
    out.push({ model, golden: goldenCases(model, { seed: s, count: 3, steps: Math.min(12, maxSeq) }) });
  }
  return out;
}
