/**
 * What `rnnc train` prints while it trains: a progress bar per epoch on a terminal
 * (cli-progress), one plain line per epoch otherwise, or one JSON object per epoch
 * with --json.
 */
import cliProgress from 'cli-progress';
import type { Task } from '../data/dataset.js';
import type { EpochReport, LoopHooks } from '../train/loop.js';
import type { CliIo } from './context.js';
import { num } from './format.js';

export type ProgressMode = 'bar' | 'lines' | 'json';

function metricName(task: Task): string {
  return task === 'classification' ? 'accuracy' : 'rmse';
}

function metricText(task: Task, v: number): string {
  return task === 'classification' ? `${(100 * v).toFixed(1)}%` : num(v, 5);
}

export function epochLine(r: EpochReport, task: Task): string {
  const parts = [`epoch ${r.epoch}/${r.epochs}`, `loss ${num(r.trainLoss, 5)}`];
  if (r.val) parts.push(`val_loss ${num(r.val.loss, 5)}`, `val_${metricName(task)} ${metricText(task, r.val.metric)}`);
  parts.push(`lr ${num(r.lr, 4)}`);
  return parts.join('  ') + (r.best && r.val ? '  *' : '');
}

export function epochJson(r: EpochReport, task: Task): string {
  const o: Record<string, unknown> = { epoch: r.epoch, epochs: r.epochs, lr: r.lr, loss: r.trainLoss };
  if (r.val) { o.val_loss = r.val.loss; o[`val_${metricName(task)}`] = r.val.metric; }
  o.best = r.best;
  return JSON.stringify(o);
}

/** Hooks for the training loop that print progress in the chosen mode. */
export function progressHooks(io: CliIo, mode: ProgressMode, task: Task): LoopHooks & { close(): void } {
  let bar: cliProgress.SingleBar | undefined;
  let epoch = 1;
  const close = () => { bar?.stop(); bar = undefined; };
  return {
    onBatch(done, total) {
      if (mode !== 'bar') return;
      if (!bar) {
        bar = new cliProgress.SingleBar({
          format: `epoch ${epoch} {bar} {value}/{total} batches`, stream: process.stdout, clearOnComplete: true, hideCursor: true,
        }, cliProgress.Presets.shades_classic);
        bar.start(total, 0);
      }
      bar.update(done);
    },
    onEpoch(r) {
      close();
      epoch = r.epoch + 1;
      io.out((mode === 'json' ? epochJson(r, task) : epochLine(r, task)) + '\n');
    },
    close,
  };
}
