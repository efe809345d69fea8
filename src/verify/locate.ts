/**
 * Which layer a mismatch starts at: the model cut after each layer in turn (same
 * weights, the cut layer's output becomes the model's output) is checked on the failing
 * case's inputs, and the first cut that fails names the layer.
 */
import { type QuantModel, isQRecurrent, sequenceOutput } from '../ir/qmodel.js';
import type { GoldenCase } from '../codegen/testdata.js';
import { runFixed, streamFixed } from '../fixed/model.js';
import type { Target } from '../target/targets.js';
import { type HarnessOptions, type ModelVerdict, runHarness } from './harness.js';

/** Layers [0, k] of q as a model of their own. */
export function cutModel(q: QuantModel, k: number): QuantModel {
  const layers = q.layers.slice(0, k + 1);
  const last = layers[k]!;
  const outputSize = isQRecurrent(last) && last.bidirectional === 'concat' ? 2 * last.units : last.units;
  return { ...q, layers, outputSize, output: { frac: last.outFrac, sequence: sequenceOutput(layers) } };
}

function recompute(q: QuantModel, c: GoldenCase): GoldenCase {
  if (c.mode === 0) return { ...c, expected: runFixed(q, c.inputs) };
  const s = streamFixed(q);
  return { ...c, expected: c.inputs.map((x) => s.step(x)) };
}

/** Index of the first layer whose output differs on `failing`, with that cut's verdict. */
export async function locateMismatch(q: QuantModel, failing: GoldenCase, dir: string, target: Target, opts: HarnessOptions, source?: string):
  Promise<{ layer: number; verdict: ModelVerdict } | undefined> {
  for (let k = 0; k < q.layers.length - 1; k++) {
    const cut = cutModel(q, k);
    const [verdict] = await runHarness([{ model: cut, golden: [recompute(cut, failing)], ...(source !== undefined ? { source } : {}) }], `${dir}/cut${k}`, target, opts);
    if (verdict && !verdict.pass) return { layer: k, verdict };
  }
  return undefined;
}
