/**
 * `rnnc train` for an encoder–decoder (docs/seq2seq.md, Training): windows of a series in,
 * the next K rows out. As train.ts for the other models:
 *   1. split train / validation (the last windows validate, data/split.ts);
 *   2. input statistics on the training split → model.normalization;
 *   3. regression: targets scaled to t' = (t − m)/s per column for training, then folded
 *      back (foldDecoderScaling) so the model reads and writes raw units;
 *   4. epochs of shuffled mini-batches with teacher forcing and the scheduled-sampling
 *      ratio, global-norm clipping, the learning-rate schedule, validation free running
 *      (every step feeds back its own output, as the deployed model does), early stopping
 *      and the best parameters restored;
 *   5. the IR with deterministic meta.
 */
import type { Dataset } from '../data/dataset.js';
import { type Stats, applyStats, columnStats } from '../data/normalize.js';
import { splitDataset } from '../data/split.js';
import { RnncError } from '../errors.js';
import type { FloatModel } from '../ir/model.js';
import type { Decoder } from '../ir/seq2seq.js';
import { Rng } from '../util/rng.js';
import { type ResolvedLayer, archText } from './arch.js';
import { decoderText } from './arch-decoder.js';
import { planBatches } from './batches.js';
import type { Targets } from './bptt.js';
import type { Evaluation } from './evaluate.js';
import type { EpochReport, LoopHooks } from './loop.js';
import { argmax, crossEntropy, meanSquared } from './loss.js';
import { clipGlobalNorm, makeOptimizer } from './optim.js';
import { learningRate } from './schedule.js';
import { type DecoderSpec, Seq2SeqNet } from './seq2seq.js';
import { type TrainOutcome, type TrainSettings, historyMeta } from './train.js';

export interface Seq2SeqSettings extends TrainSettings {
  /** Scheduled sampling: the probability that a step feeds back the model's own output instead of the truth. */
  sampling: number;
}

const EVAL_BATCH = 256;
const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Normalised windows and their K-step targets (K×O values, or K labels, per window). */
interface Seq2SeqData {
  features: number;
  steps: number;
  seqs: Float64Array[];
  lengths: number[];
  labels: Int32Array[];
  values: Float64Array[];
}

/** A batch time-major: x (T×B×F) and the targets' row k·B + b. */
function gather(data: Seq2SeqData, batch: number[], classes: boolean, outputs: number): { x: Float64Array; targets: Targets } {
  const F = data.features, T = data.lengths[batch[0]!]!, B = batch.length, K = data.steps;
  const x = new Float64Array(T * B * F);
  batch.forEach((s, b) => {
    const seq = data.seqs[s]!;
    for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) x[(t * B + b) * F + f] = seq[t * F + f]!;
  });
  if (classes) {
    const labels = new Int32Array(K * B);
    batch.forEach((s, b) => { for (let k = 0; k < K; k++) labels[k * B + b] = data.labels[s]![k]!; });
    return { x, targets: { kind: 'class', labels } };
  }
  const values = new Float64Array(K * B * outputs);
  batch.forEach((s, b) => {
    const v = data.values[s]!;
    for (let k = 0; k < K; k++) for (let o = 0; o < outputs; o++) values[(k * B + b) * outputs + o] = v[k * outputs + o]!;
  });
  return { x, targets: { kind: 'value', values } };
}

/** Free-running loss and metric (accuracy, or RMSE in raw units) over K×B rows per window. */
function evaluateSeq2Seq(net: Seq2SeqNet, data: Seq2SeqData, indices: number[], targetStd: number[] | undefined): Evaluation {
  const o = net.spec.outputSize, K = data.steps, classes = net.spec.feedback.kind === 'embedding';
  let loss = 0, rows = 0, hits = 0, sq = 0;
  for (const batch of planBatches(indices, data.lengths, EVAL_BATCH, undefined)) {
    const { x, targets } = gather(data, batch, classes, o);
    const B = batch.length, n = K * B;
    const out = net.forward(x, data.lengths[batch[0]!]!, B);
    const grad = new Float64Array(n * o);
    if (targets.kind === 'class') {
      loss += crossEntropy(net.logits, targets.labels, n, o, grad) * n;
      for (let r = 0; r < n; r++) if (argmax(out, r * o, o) === targets.labels[r]) hits++;
    } else {
      loss += meanSquared(out, targets.values, n, o, grad) * n;
      for (let i = 0; i < n * o; i++) sq += ((out[i]! - targets.values[i]!) * (targetStd?.[i % o] ?? 1)) ** 2;
    }
    rows += n;
  }
  return { loss: loss / rows, metric: classes ? hits / rows : Math.sqrt(sq / (rows * o)) };
}

/**
 * Folds the target scaling t' = (t − m)/s into a prediction decoder trained on scaled
 * values, so it reads and writes raw units:
 *   projection  y = s⊙y' + m:  W_o ← diag(s)·W_o, b_o ← s⊙b_o + m
 *   feedback    u' = (u − m)/s:  W_u ← W_u·diag(1/s), b ← b − W_u·(m/s)   (W_u: the kernel's first O columns)
 *   start       u'_0 = start'  →  start = s⊙start' + m
 */
export function foldDecoderScaling(d: Decoder, s: Stats): void {
  const o = d.outputSize;
  d.projection.kernel.forEach((row, k) => { for (let c = 0; c < row.length; c++) row[c] = row[c]! * s.std[k]!; });
  d.projection.bias = d.projection.bias.map((b, k) => b * s.std[k]! + s.mean[k]!);
  if (d.feedback.kind !== 'prediction') return;
  d.weights.kernel.forEach((row, r) => {
    let shift = 0;
    for (let c = 0; c < o; c++) {
      row[c] = row[c]! / s.std[c]!;
      shift += row[c]! * s.mean[c]!;
    }
    d.weights.bias[r] = d.weights.bias[r]! - shift;
  });
  d.feedback.start = d.feedback.start.map((v, c) => v * s.std[c]! + s.mean[c]!);
}

export async function trainSeq2Seq(
  ds: Dataset, encoder: ResolvedLayer[], decoder: DecoderSpec, settings: Seq2SeqSettings, hooks: LoopHooks = {},
): Promise<TrainOutcome> {
  if (settings.tbptt > 0) throw new RnncError('usage/invalid', '--tbptt: an encoder–decoder backpropagates through the whole window; drop --tbptt');
  const classes = decoder.feedback.kind === 'embedding';
  if (classes !== (ds.task === 'classification')) {
    throw new RnncError('arch/invalid', `--arch: ${classes ? 'a decoder with softmax writes classes, so the task is classification' : 'a decoder without softmax writes values, so the task is regression'}`);
  }
  const F = ds.featureNames.length, O = decoder.outputSize;
  const split = splitDataset(ds, settings.val, settings.seed);
  if (split.train.length === 0) throw new RnncError('data/invalid', `${ds.source}: no training windows left after the validation split`);
  const inputStats = columnStats(split.train.map((i) => ds.seqs[i]!), F);
  const targetStats = classes ? undefined : columnStats(split.train.map((i) => ds.values[i]!), O);
  const data: Seq2SeqData = {
    features: F, steps: decoder.steps, lengths: ds.lengths, labels: ds.labels,
    seqs: ds.seqs.map((s) => applyStats(s, inputStats)),
    values: targetStats ? ds.values.map((v) => applyStats(v, targetStats)) : ds.values,
  };
  const net = new Seq2SeqNet(encoder, F, decoder);
  net.init(settings.seed);
  const rng = new Rng(settings.seed ^ 0xba7c4);
  const sampling = { ratio: settings.sampling, rng: new Rng(settings.seed ^ 0x5a3b1e) };
  const opt = makeOptimizer(settings.optimizer, net.theta.length, settings.momentum);
  const best = Float64Array.from(net.theta);
  const history: EpochReport[] = [];
  let bestEpoch = 0, bestLoss = Infinity, sinceBest = 0, interrupted = false, earlyStopped = false;
  for (let epoch = 0; epoch < settings.epochs && !interrupted; epoch++) {
    const lr = learningRate(settings.schedule, settings.lr, epoch, settings.epochs);
    const batches = planBatches(split.train, data.lengths, settings.batch, rng);
    let lossSum = 0;
    for (const [k, batch] of batches.entries()) {
      const { x, targets } = gather(data, batch, classes, O);
      net.grad.fill(0);
      const loss = net.loss(x, data.lengths[batch[0]!]!, batch.length, targets, true, sampling);
      if (!Number.isFinite(loss)) {
        throw new RnncError('train/diverged', `training diverged (the loss became ${loss}); lower --lr, set --clip, or check the data's scale`);
      }
      clipGlobalNorm(net.grad, settings.clip);
      opt.step(net.theta, net.grad, lr);
      lossSum += loss;
      hooks.onBatch?.(k + 1, batches.length);
      await yieldToEvents();
      if (hooks.stopRequested?.()) { interrupted = true; break; }
    }
    if (interrupted) break;
    const val = split.val.length > 0 ? evaluateSeq2Seq(net, data, split.val, targetStats?.std) : undefined;
    const score = val ? val.loss : -epoch;
    const isBest = score < bestLoss;
    if (isBest) { bestLoss = score; bestEpoch = epoch + 1; sinceBest = 0; best.set(net.theta); } else sinceBest++;
    const report: EpochReport = { epoch: epoch + 1, epochs: settings.epochs, lr, trainLoss: lossSum / batches.length, best: isBest, ...(val ? { val } : {}) };
    history.push(report);
    hooks.onEpoch?.(report);
    if (val && settings.patience > 0 && sinceBest >= settings.patience) { earlyStopped = true; break; }
  }
  net.theta.set(best);
  const result = { bestEpoch, epochsRun: history.length, interrupted, earlyStopped, history };
  const bestReport = history.find((h) => h.epoch === bestEpoch);
  const meta: Record<string, unknown> = {
    producer: 'rnnc train',
    task: ds.task,
    targets: `${decoder.steps} steps`,
    ...(classes ? { classes: ds.classes } : {}),
    features: ds.featureNames,
    arch: `${archText(encoder)},${decoderText(decoder)}`,
    seed: settings.seed,
    ...(settings.sampling > 0 ? { sampling: settings.sampling } : {}),
    epochs: bestEpoch,
    ...(bestReport?.val ? { validation: { loss: bestReport.val.loss, [classes ? 'accuracy' : 'rmse']: bestReport.val.metric } } : {}),
    training: { history: historyMeta(history, ds.task) },
  };
  const model: FloatModel = net.toModel(settings.name, { normalization: inputStats, meta });
  if (targetStats) foldDecoderScaling(model.decoder!, targetStats);
  return { model, result, trainCount: split.train.length, valCount: split.val.length };
}
