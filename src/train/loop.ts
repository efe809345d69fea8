/**
 * The training loop: epochs of shuffled mini-batches, one optimiser step per batch
 * (per chunk with truncated BPTT), global-norm clipping, a per-epoch learning-rate
 * schedule, validation with early stopping, and the best parameters restored at the end.
 * "Best" is the lowest validation loss, or without validation the last finished epoch.
 * The loop yields to the event loop after every batch so Ctrl-C can stop it cleanly.
 */
import { RnncError } from '../errors.js';
import { Rng } from '../util/rng.js';
import { Gather, type TrainData, planBatches } from './batches.js';
import { Bptt, type Targets } from './bptt.js';
import { type Evaluation, evaluate } from './evaluate.js';
import type { Net } from './net.js';
import { type OptimizerName, clipGlobalNorm, makeOptimizer } from './optim.js';
import { type Schedule, learningRate } from './schedule.js';

export interface LoopConfig {
  epochs: number;
  batch: number;
  lr: number;
  /** Global gradient-norm limit; 0 disables clipping. */
  clip: number;
  /** Epochs without validation improvement before stopping; 0 never stops early. */
  patience: number;
  optimizer: OptimizerName;
  momentum: number;
  schedule: Schedule;
  /** Truncated BPTT chunk length; 0 backpropagates through whole sequences. */
  tbptt: number;
  seed: number;
}

export interface EpochReport {
  epoch: number;
  epochs: number;
  lr: number;
  /** Mean loss over the epoch's batches (as they were trained). */
  trainLoss: number;
  val?: Evaluation;
  best: boolean;
}

export interface LoopHooks {
  onBatch?(done: number, total: number): void;
  onEpoch?(report: EpochReport): void;
  /** Polled after every batch; true stops training (Ctrl-C). */
  stopRequested?(): boolean;
}

export interface LoopResult {
  /** 1-based epoch whose parameters were kept; 0 when no epoch finished. */
  bestEpoch: number;
  epochsRun: number;
  interrupted: boolean;
  earlyStopped: boolean;
  history: EpochReport[];
}

const yieldToEvents = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function trainLoop(
  net: Net, data: TrainData, trainIdx: number[], valIdx: number[], cfg: LoopConfig,
  targetStd: number[] | undefined, hooks: LoopHooks = {},
): Promise<LoopResult> {
  const rng = new Rng(cfg.seed ^ 0xba7c4);
  const opt = makeOptimizer(cfg.optimizer, net.theta.length, cfg.momentum);
  const bptt = new Bptt(net);
  const gather = new Gather(data);
  const best = Float64Array.from(net.theta);
  const history: EpochReport[] = [];
  let bestEpoch = 0, bestLoss = Infinity, sinceBest = 0, interrupted = false, earlyStopped = false;

  const step = (x: Float64Array, T: number, B: number, lr: number): number => {
    net.grad.fill(0);
    const targets: Targets = data.kind === 'class' ? { kind: 'class', labels: gather.labels } : { kind: 'value', values: gather.values };
    const loss = bptt.run(x, T, B, targets, true);
    if (!Number.isFinite(loss)) {
      throw new RnncError('train/diverged', `training diverged (the loss became ${loss}); lower --lr, set --clip, or check the data's scale`);
    }
    clipGlobalNorm(net.grad, cfg.clip);
    opt.step(net.theta, net.grad, lr);
    return loss;
  };

  for (let epoch = 0; epoch < cfg.epochs && !interrupted; epoch++) {
    const lr = learningRate(cfg.schedule, cfg.lr, epoch, cfg.epochs);
    const batches = planBatches(trainIdx, data.lengths, cfg.batch, rng);
    let lossSum = 0, lossCount = 0;
    for (const [k, batch] of batches.entries()) {
      const T = data.lengths[batch[0]!]!, B = batch.length;
      const chunk = cfg.tbptt > 0 && cfg.tbptt < T ? cfg.tbptt : T;
      for (let t0 = 0; t0 < T; t0 += chunk) {
        const t1 = Math.min(T, t0 + chunk);
        net.setCarry(t0 > 0);
        gather.fill(batch, t0, t1);
        if (data.perStep || t1 === T) { lossSum += step(gather.x, t1 - t0, B, lr); lossCount++; }
        else net.forward(gather.x, t1 - t0, B);
      }
      net.setCarry(false);
      hooks.onBatch?.(k + 1, batches.length);
      await yieldToEvents();
      if (hooks.stopRequested?.()) { interrupted = true; break; }
    }
    if (interrupted) break;
    const val = valIdx.length > 0 ? evaluate(net, data, valIdx, targetStd) : undefined;
    const score = val ? val.loss : -epoch;
    const isBest = score < bestLoss;
    if (isBest) { bestLoss = score; bestEpoch = epoch + 1; sinceBest = 0; best.set(net.theta); } else sinceBest++;
    const report: EpochReport = { epoch: epoch + 1, epochs: cfg.epochs, lr, trainLoss: lossSum / lossCount, best: isBest, ...(val ? { val } : {}) };
    history.push(report);
    hooks.onEpoch?.(report);
    if (val && cfg.patience > 0 && sinceBest >= cfg.patience) { earlyStopped = true; break; }
  }
  net.theta.set(best);
  return { bestEpoch, epochsRun: history.length, interrupted, earlyStopped, history };
}
