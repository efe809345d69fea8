/**
 * Rules both model formats obey, checked by one function each so that the float
 * validator (validate.ts) and the quantized-model check (qcheck.ts) cannot disagree:
 * the layer chain (sizes, what may follow what, bidirectional weights, widths) and the
 * input normalisation (float32-safe, because the emitted C's input helper computes in
 * float32), and the state inputs' mapping onto the layers' states. Problems are pushed
 * as `<JSON path>: <what is wrong>`.
 */
import { KINDS } from './kinds.js';
import { type LastOutput, LIMITS, type LayerType, type MergeMode, type StateInput } from './model.js';

/** What the chain rules need of a layer, in either format. */
export interface ChainLayer {
  type: LayerType;
  units: number;
  /** conv1d: taps and their spacing (both from 1). */
  kernelSize?: number;
  dilation?: number;
  /** conv1d: future inputs read, 0 … (kernelSize−1)·dilation. */
  lookahead?: number;
  /** ssm: states per channel, conv taps, Δ's rank. */
  stateSize?: number;
  convSize?: number;
  dtRank?: number;
  /** Recurrent and ssm layers: whether they emit one output per timestep. */
  returnSequences?: boolean;
  bidirectional?: MergeMode | undefined;
  /** Whether the layer carries the backward direction's weights. */
  hasBackward?: boolean;
  lastOutput?: LastOutput | undefined;
  reverse?: boolean | undefined;
}

export interface ChainInfo {
  /** False when a size is out of range: the shapes derived from sizes are then not worth checking. */
  sizesOk: boolean;
  /** Input width of each layer (the first layer's is the model's inputSize). */
  inputs: number[];
  /** Width of the last layer's output. */
  outputSize: number;
  /** Whether the model emits one output per timestep (else one per sequence). */
  sequence: boolean;
}

function checkRange(problems: string[], at: string, value: number, max: number): boolean {
  if (value >= 1 && value <= max) return true;
  problems.push(`${at}: expected an integer from 1 to ${max}, got ${value}`);
  return false;
}

/** Output width of a layer: 2·units for a bidirectional concat, else units. */
export function chainOutputSize(layer: ChainLayer): number {
  return KINDS[layer.type].recurrent && layer.bidirectional === 'concat' ? 2 * layer.units : layer.units;
}

/**
 * The layer chain: inputSize, layer count and units in range; a recurrent layer needs a
 * sequence, so only dense layers may follow `returnSequences: false`; backward weights
 * exactly when bidirectional (`backwardField` names them: `backwardWeights` in
 * model.json, `backward` in model.q.json). Returns the widths the layers chain through.
 */
export function checkChain(inputSize: number, layers: readonly ChainLayer[], backwardField: string, problems: string[]): ChainInfo {
  let sizesOk = checkRange(problems, 'inputSize', inputSize, LIMITS.inputSize);
  if (layers.length === 0) {
    problems.push('layers: expected at least one layer');
    sizesOk = false;
  }
  if (layers.length > LIMITS.layers) {
    problems.push(`layers: expected at most ${LIMITS.layers} layers, got ${layers.length}`);
    sizesOk = false;
  }
  layers.forEach((layer, i) => { sizesOk = checkRange(problems, `layers[${i}].units`, layer.units, LIMITS.units) && sizesOk; });
  const inputs: number[] = [];
  let width = inputSize;
  let sequence = true;
  let producer: string | undefined;
  layers.forEach((layer, i) => {
    inputs.push(width);
    width = chainOutputSize(layer);
    const at = `layers[${i}]`;
    if (KINDS[layer.type].needsSequence && producer) problems.push(`${at}: ${layer.type === 'ssm' ? 'an' : 'a'} ${layer.type} layer needs a sequence, but ${producer} has returnSequences false`);
    if (layer.type === 'conv1d') {
      sizesOk = checkRange(problems, `${at}.kernelSize`, layer.kernelSize ?? 0, LIMITS.kernelSize) && sizesOk;
      sizesOk = checkRange(problems, `${at}.dilation`, layer.dilation ?? 1, LIMITS.dilation) && sizesOk;
      const span = ((layer.kernelSize ?? 1) - 1) * (layer.dilation ?? 1);
      const a = layer.lookahead ?? 0;
      if (!(Number.isInteger(a) && a >= 0 && a <= span)) {
        problems.push(`${at}.lookahead: expected an integer from 0 to ${span} ((kernelSize − 1) · dilation), got ${a}`);
      }
    }
    if (layer.type === 'ssm') {
      sizesOk = checkRange(problems, `${at}.stateSize`, layer.stateSize ?? 0, LIMITS.stateSize) && sizesOk;
      sizesOk = checkRange(problems, `${at}.convSize`, layer.convSize ?? 0, LIMITS.kernelSize) && sizesOk;
      sizesOk = checkRange(problems, `${at}.dtRank`, layer.dtRank ?? 0, LIMITS.units) && sizesOk;
      sequence = layer.returnSequences === true;
      producer = sequence ? undefined : at;
      return;
    }
    if (!KINDS[layer.type].recurrent) return;
    if (layer.bidirectional && !layer.hasBackward) {
      problems.push(`${at}.${backwardField}: required because bidirectional is '${layer.bidirectional}'`);
    } else if (!layer.bidirectional && layer.hasBackward) {
      problems.push(`${at}.${backwardField}: present but the layer is not bidirectional`);
    }
    // "last-index" picks the backward direction's output at T−1 instead of its final
    // state: it means something only for a bidirectional layer's one output per sequence.
    if (layer.lastOutput === 'last-index' && (!layer.bidirectional || layer.returnSequences)) {
      problems.push(`${at}.lastOutput: "last-index" needs a bidirectional layer with returnSequences false`);
    }
    // A bidirectional layer already has its backward direction: reverse is for one direction.
    if (layer.reverse && layer.bidirectional) problems.push(`${at}.reverse: a bidirectional layer already reads the sequence both ways; remove reverse`);
    sequence = layer.returnSequences === true;
    // Reported once: the layer after this one is judged by this layer's own output.
    producer = sequence ? undefined : at;
  });
  return { sizesOk, inputs, outputSize: width, sequence };
}

/** Largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;
/** Smallest positive normal float32 (2^−126): 1/std stays finite in float32, and no FPU flushes it to zero. */
export const FLOAT32_MIN_NORMAL = 2 ** -126;

export interface Normalization {
  mean: readonly number[];
  std: readonly number[];
}

/**
 * Input normalisation x' = (x − mean) / std: the emitted C stores mean and std as
 * float32 and divides in float32, so each mean must be a finite float32 and each std a
 * positive normal float32 (from 2^−126 ≈ 1.18e-38 to 3.4e38). With `inputSize`, both
 * arrays must also have one value per input. `at` is the JSON path of the object.
 */
export function checkNormalization(problems: string[], at: string, norm: Normalization, inputSize?: number): void {
  norm.mean.forEach((m, i) => {
    if (!(Math.abs(m) <= FLOAT32_MAX)) problems.push(`${at}.mean[${i}]: expected a finite float32 number (|mean| at most 3.4e38), got ${m}`);
  });
  norm.std.forEach((s, i) => {
    if (!(s > 0)) problems.push(`${at}.std[${i}]: expected a positive number, got ${s}`);
    else if (!(s >= FLOAT32_MIN_NORMAL && s <= FLOAT32_MAX)) {
      problems.push(`${at}.std[${i}]: expected a float32-safe std from 1.18e-38 to 3.4e38 (1/std must stay finite in float32), got ${s}`);
    }
  });
  if (inputSize === undefined) return;
  for (const key of ['mean', 'std'] as const) {
    if (norm[key].length !== inputSize) problems.push(`${at}.${key}: expected ${inputSize} values, got ${norm[key].length}`);
  }
}

/** What the state-input rules need of a layer, in either format. */
export interface StateLayer {
  type: LayerType;
  units: number;
  bidirectional: boolean;
}

/** Most values one state input may hold: every unit of every state of the largest model. */
const MAX_STATE_VALUES = LIMITS.layers * 2 * 2 * LIMITS.units;

/**
 * State inputs: unique non-empty names, a plausible shape, and targets that name a
 * recurrent layer's existing state (backward only when bidirectional, c only for LSTM),
 * each set by one target, with one in-range element per unit.
 */
export function checkStateInputs(problems: string[], inputs: readonly StateInput[], layers: readonly StateLayer[]): void {
  const names = new Set<string>();
  const targets = new Set<string>();
  inputs.forEach((s, k) => {
    const at = `stateInputs[${k}]`;
    if (s.name === '') problems.push(`${at}.name: expected a non-empty name`);
    else if (names.has(s.name)) problems.push(`${at}.name: ${JSON.stringify(s.name)} names another state input too`);
    names.add(s.name);
    const size = s.shape.reduce((a, b) => a * b, 1);
    if (s.shape.length === 0 || s.shape.some((d) => !(d >= 1)) || size > MAX_STATE_VALUES) {
      problems.push(`${at}.shape: expected sizes of at least 1 and at most ${MAX_STATE_VALUES} values, got [${s.shape.join(', ')}]`);
      return;
    }
    s.targets.forEach((t, j) => {
      const tat = `${at}.targets[${j}]`;
      const layer = layers[t.layer];
      if (!layer || !KINDS[layer.type].recurrent) {
        problems.push(`${tat}.layer: ${t.layer} is not a recurrent layer`);
        return;
      }
      if (t.direction === 'backward' && !layer.bidirectional) problems.push(`${tat}.direction: layer ${t.layer} has no backward direction`);
      if (t.state === 'c' && layer.type !== 'lstm') problems.push(`${tat}.state: a ${layer.type} layer has no cell state c`);
      const key = `${t.layer} ${t.direction} ${t.state}`;
      if (targets.has(key)) problems.push(`${tat}: layer ${t.layer}'s ${t.direction} ${t.state} is set by another target too`);
      targets.add(key);
      if (t.elements.length !== layer.units) problems.push(`${tat}.elements: expected ${layer.units} values (one per unit), got ${t.elements.length}`);
      else if (t.elements.some((e) => !(e >= 0 && e < size))) problems.push(`${tat}.elements: indices must lie in [0, ${size - 1}]`);
    });
  });
}
