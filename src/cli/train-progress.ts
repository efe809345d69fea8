/**
 * What `rnnc train` prints while it trains: a progress bar per epoch on a terminal
 * (cli-progress), one plain line per epoch otherwise, or one JSON object per epoch
 * with --json. Every form shows the time since training started and an estimate of the
 * time left (ETA): the mean time per epoch so far times the epochs still to run, so an
 * upper bound when early stopping ends training sooner. Plain lines keep their columns
 * aligned from one epoch to the next.
 *
 * The clock is a parameter (milliseconds, monotonic), so tests give their own.
 */
import cliProgress from 'cli-progress';
import type { Task } from '../data/dataset.js';
import type { EpochReport, LoopHooks } from '../train/loop.js';
import type { CliIo } from './context.js';
import { num } from './format.js';

export type ProgressMode = 'bar' | 'lines' | 'json';

/** Milliseconds from some fixed point; only differences are used. */
export type Clock = () => number;

export const monotonicClock: Clock = () => performance.now();

/** Time since training started and the estimate of what is left, in milliseconds. */
export interface Timing {
  elapsed: number;
  /** undefined until there is anything to estimate from. */
  eta: number | undefined;
}

function metricName(task: Task): string {
  return task === 'classification' ? 'accuracy' : 'rmse';
}

function metricText(task: Task, v: number): string {
  return task === 'classification' ? `${(100 * v).toFixed(1)}%` : num(v, 5);
}

/** "0:07", "12:34", "1:02:03"; "--:--" when unknown. */
export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms) || ms < 0) return '--:--';
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), sec = s % 60;
  const two = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${m}:${two(sec)}`;
}

/** The ETA once `fraction` (0..1] of the whole training has taken `elapsed`. */
export function eta(elapsed: number, fraction: number): number | undefined {
  return fraction > 0 ? (elapsed * (1 - fraction)) / fraction : undefined;
}

/**
 * Widths of the columns of an epoch line: a loss of 5 significant digits usually takes at
 * most 9 characters (1.2345e-5), a percentage 6 (100.0%), a learning rate of 4 digits 8
 * (1.234e-5), a time 5 (59:59). A longer value pushes its line's later columns right.
 */
const W = { loss: 9, percent: 6, lr: 8, time: 5 };

/** One epoch as a line with fixed-width columns; `timing` adds elapsed time and ETA. */
export function epochLine(r: EpochReport, task: Task, timing?: Timing): string {
  const ew = String(r.epochs).length;
  const parts = [`epoch ${String(r.epoch).padStart(ew)}/${r.epochs}`, `loss ${num(r.trainLoss, 5).padEnd(W.loss)}`];
  if (r.val) {
    const metric = metricText(task, r.val.metric);
    parts.push(`val_loss ${num(r.val.loss, 5).padEnd(W.loss)}`,
      `val_${metricName(task)} ${task === 'classification' ? metric.padStart(W.percent) : metric.padEnd(W.loss)}`);
  }
  parts.push(`lr ${num(r.lr, 4).padEnd(W.lr)}`);
  if (timing) parts.push(`elapsed ${duration(timing.elapsed).padStart(W.time)}`, `eta ${duration(timing.eta).padStart(W.time)}`);
  const mark = r.best && r.val ? '*' : '';
  return `${parts.join('  ')}  ${mark}`.trimEnd();
}

export function epochJson(r: EpochReport, task: Task, timing?: Timing): string {
  const o: Record<string, unknown> = { epoch: r.epoch, epochs: r.epochs, lr: r.lr, loss: r.trainLoss };
  if (r.val) { o.val_loss = r.val.loss; o[`val_${metricName(task)}`] = r.val.metric; }
  o.best = r.best;
  if (timing) {
    o.elapsed_s = Math.round(timing.elapsed) / 1000;
    if (timing.eta !== undefined) o.eta_s = Math.round(timing.eta) / 1000;
  }
  return JSON.stringify(o);
}

export interface ProgressOptions {
  /** The most epochs training will run (--epochs): the ETA of the bar before the first epoch ends. */
  epochs?: number;
  clock?: Clock;
}

/**
 * Hooks for the training loop that print progress in the chosen mode. Time counts from
 * this call (the loop starts right after it).
 */
export function progressHooks(io: CliIo, mode: ProgressMode, task: Task, opts: ProgressOptions = {}): LoopHooks & { close(): void } {
  const clock = opts.clock ?? monotonicClock;
  const start = clock();
  let epochs = opts.epochs ?? 0;
  let bar: cliProgress.SingleBar | undefined;
  let epoch = 1;
  const close = () => { bar?.stop(); bar = undefined; };
  return {
    onBatch(done, total) {
      if (mode !== 'bar') return;
      const elapsed = clock() - start;
      const payload = { elapsed: duration(elapsed), eta: duration(epochs > 0 ? eta(elapsed, (epoch - 1 + done / total) / epochs) : undefined) };
      if (!bar) {
        bar = new cliProgress.SingleBar({
          format: `epoch ${epoch}${epochs > 0 ? `/${epochs}` : ''} {bar} {value}/{total} batches  elapsed {elapsed}  eta {eta}`,
          stream: process.stdout, clearOnComplete: true, hideCursor: true,
        }, cliProgress.Presets.shades_classic);
        bar.start(total, 0, payload);
      }
      bar.update(done, payload);
    },
    onEpoch(r) {
      close();
      epoch = r.epoch + 1;
      epochs = r.epochs;
      const elapsed = clock() - start;
      const timing: Timing = { elapsed, eta: eta(elapsed, r.epoch / r.epochs) };
      io.out((mode === 'json' ? epochJson(r, task, timing) : epochLine(r, task, timing)) + '\n');
    },
    close,
  };
}
