/**
 * `rnnc train` without the CLI: data set + architecture + settings → float model.
 *   1. split train / validation (data/split.ts);
 *   2. input statistics on the training split → model.normalization;
 *   3. regression with a final linear dense layer: targets scaled to t' = (t − m)/s
 *      for training, and afterwards folded back into that layer (W ← s·W, b ← s·b + m),
 *      so the model outputs raw target units;
 *   4. seeded initialisation, the training loop, best parameters kept;
 *   5. the IR with deterministic meta (no timestamps): same data and seed → same bytes.
 */
import type { Dataset } from '../data/dataset.js';
import { applyStats, columnStats, type Stats } from '../data/normalize.js';
import { splitDataset } from '../data/split.js';
import { RnncError } from '../errors.js';
import { wholeSequenceOnly } from '../ir/kinds.js';
import type { DenseLayer as IrDense, FloatModel } from '../ir/model.js';
import { type ResolvedLayer, archText } from './arch.js';
import type { TrainData } from './batches.js';
import { type EpochReport, type LoopConfig, type LoopHooks, type LoopResult, trainLoop } from './loop.js';
import { Net } from './net.js';

export interface TrainSettings extends LoopConfig {
  name: string;
  /** Fraction of the data held out for validation. */
  val: number;
}

export interface TrainOutcome {
  model: FloatModel;
  result: LoopResult;
  trainCount: number;
  valCount: number;
}

/** Refuses architectures the task cannot train, with the reason. */
export function checkArchForTask(arch: ResolvedLayer[], ds: Pick<Dataset, 'task'>, tbptt: number): void {
  const last = arch[arch.length - 1]!;
  if (ds.task === 'classification' && (last.type !== 'dense' || last.activation !== 'softmax')) {
    throw new RnncError('arch/invalid', '--arch: classification needs a final dense:CLASSES:softmax layer');
  }
  const whole = wholeSequenceOnly(arch);
  if (tbptt > 0 && whole) throw new RnncError('usage/invalid', `--tbptt: ${whole.phrase} needs the whole sequence; drop --tbptt or that layer`);
}

function foldTargetScaling(model: FloatModel, s: Stats): void {
  const last = model.layers[model.layers.length - 1] as IrDense;
  last.weights.kernel.forEach((row, k) => { for (let c = 0; c < row.length; c++) row[c] = row[c]! * s.std[k]!; });
  last.weights.bias = last.weights.bias.map((b, k) => b * s.std[k]! + s.mean[k]!);
}

/** Six significant digits: enough for a curve, and the history stays a few hundred bytes. */
function sig6(x: number): number {
  return Number(x.toPrecision(6));
}

/**
 * The per-epoch history as the model records it (`meta.training.history`, docs/model-format.md),
 * column by column so it stays compact: `rnnc report` draws the training curves from it.
 * Deterministic like the rest of the meta (no times), so the same data and seed still give
 * the same bytes.
 */
export function historyMeta(history: readonly EpochReport[], task: Dataset['task']): Record<string, number[]> {
  const out: Record<string, number[]> = {
    epoch: history.map((h) => h.epoch),
    lr: history.map((h) => sig6(h.lr)),
    trainLoss: history.map((h) => sig6(h.trainLoss)),
  };
  // Validation columns only when every epoch was validated (--val 0 validates none).
  if (history.length > 0 && history.every((h) => h.val)) {
    out.valLoss = history.map((h) => sig6(h.val!.loss));
    out[task === 'classification' ? 'valAccuracy' : 'valRmse'] = history.map((h) => sig6(h.val!.metric));
  }
  return out;
}

export async function trainModel(ds: Dataset, arch: ResolvedLayer[], settings: TrainSettings, hooks: LoopHooks = {}): Promise<TrainOutcome> {
  checkArchForTask(arch, ds, settings.tbptt);
  const F = ds.featureNames.length;
  const split = splitDataset(ds, settings.val, settings.seed);
  if (split.train.length === 0) throw new RnncError('data/invalid', `${ds.source}: no training sequences left after the validation split`);
  const inputStats = columnStats(split.train.map((i) => ds.seqs[i]!), F);
  const last = arch[arch.length - 1]!;
  const scaleTargets = ds.task === 'regression' && last.type === 'dense' && last.activation === 'linear';
  const K = ds.targetSize;
  const targetStats = scaleTargets ? columnStats(split.train.map((i) => ds.values[i]!), K) : undefined;
  const data: TrainData = {
    features: F, lengths: ds.lengths, perStep: ds.perStep, outputs: K,
    kind: ds.task === 'classification' ? 'class' : 'value',
    seqs: ds.seqs.map((s) => applyStats(s, inputStats)),
    labels: ds.labels,
    values: targetStats ? ds.values.map((v) => applyStats(v, targetStats)) : ds.values,
  };
  const net = new Net(arch, F);
  if (net.outputSize !== K) {
    throw new RnncError('data/invalid', `${ds.source}: ${K} ${ds.task === 'classification' ? 'classes' : 'target values'}, but the model's last layer has ${net.outputSize} units`);
  }
  net.init(settings.seed);
  const result = await trainLoop(net, data, split.train, split.val, settings, targetStats?.std, hooks);
  const best = result.history.find((h) => h.epoch === result.bestEpoch);
  const meta: Record<string, unknown> = {
    producer: 'rnnc train',
    task: ds.task,
    targets: ds.perStep ? 'per-step' : 'per-sequence',
    ...(ds.task === 'classification' ? { classes: ds.classes } : {}),
    features: ds.featureNames,
    arch: archText(arch),
    seed: settings.seed,
    epochs: result.bestEpoch,
    ...(best?.val ? { validation: { loss: best.val.loss, [ds.task === 'classification' ? 'accuracy' : 'rmse']: best.val.metric } } : {}),
    training: { history: historyMeta(result.history, ds.task) },
  };
  const model = net.toModel(settings.name, { normalization: inputStats, meta });
  if (targetStats) foldTargetScaling(model, targetStats);
  return { model, result, trainCount: split.train.length, valCount: split.val.length };
}
