/** Training progress (src/cli/train-progress.ts): elapsed time and ETA from an injected clock, aligned columns. */
import { describe, expect, it } from 'vitest';
import type { EpochReport } from '../../../src/train/loop.js';
import { duration, epochLine, eta, progressHooks } from '../../../src/cli/train-progress.js';

function capture(): { io: { out(t: string): void; err(t: string): void; isTty: boolean }; lines: string[] } {
  const lines: string[] = [];
  return { io: { out: (t) => { lines.push(t.replace(/\n$/, '')); }, err: () => undefined, isTty: false }, lines };
}

/** A clock the test moves by hand. */
function fakeClock(): { clock: () => number; advance(ms: number): void } {
  let now = 1_000_000;
  return { clock: () => now, advance: (ms) => { now += ms; } };
}

const report = (epoch: number, epochs: number, over: Partial<EpochReport> = {}): EpochReport => ({
  epoch, epochs, lr: 0.003, trainLoss: 0.5 / epoch, val: { loss: 0.4 / epoch, metric: epoch === 1 ? 0.05 : 1 }, best: epoch !== 2, ...over,
});

describe('durations and the ETA', () => {
  it('m:ss under an hour, h:mm:ss beyond, --:-- when unknown', () => {
    expect(duration(0)).toBe('0:00');
    expect(duration(7_400)).toBe('0:07');
    expect(duration(754_000)).toBe('12:34');
    expect(duration(3_723_000)).toBe('1:02:03');
    expect(duration(undefined)).toBe('--:--');
  });
  it('the time per unit of work so far times the work left', () => {
    expect(eta(10_000, 0.25)).toBe(30_000);
    expect(eta(10_000, 1)).toBe(0);
    expect(eta(0, 0)).toBeUndefined();
  });
});

describe('plain lines', () => {
  it('elapsed time and ETA come from the clock: 10 s per epoch, 12 epochs', () => {
    const { io, lines } = capture();
    const c = fakeClock();
    const hooks = progressHooks(io, 'lines', 'classification', { epochs: 12, clock: c.clock });
    for (let e = 1; e <= 12; e++) {
      c.advance(10_000);
      hooks.onEpoch!(report(e, 12));
    }
    expect(lines[0]).toMatch(/elapsed  0:10  eta  1:50  \*$/);
    expect(lines[1]).toMatch(/elapsed  0:20  eta  1:40$/);
    expect(lines[11]).toMatch(/^epoch 12\/12 .*elapsed  2:00  eta  0:00  \*$/);
  });
  it('columns line up from one epoch to the next', () => {
    const { io, lines } = capture();
    const c = fakeClock();
    const hooks = progressHooks(io, 'lines', 'classification', { epochs: 10, clock: c.clock });
    for (const e of [1, 2, 10]) {
      c.advance(e * 61_000);
      hooks.onEpoch!(report(e, 10, { lr: e === 10 ? 0.000123 : 0.003, trainLoss: e === 2 ? 12.5 : 0.123456 }));
    }
    const starts = (l: string) => ['loss', 'val_loss', 'val_accuracy', 'lr', 'elapsed', 'eta'].map((w) => l.indexOf(` ${w} `));
    expect(lines[0]).toMatch(/^epoch  1\/10  loss 0\.12346 /);
    expect(lines[0]).toMatch(/val_accuracy   5\.0%/);
    expect(starts(lines[1]!)).toEqual(starts(lines[0]!));
    expect(starts(lines[2]!)).toEqual(starts(lines[0]!));
  });
  it('regression lines name the rmse; without validation there are no val columns', () => {
    expect(epochLine(report(1, 3, { val: { loss: 0.25, metric: 0.5 } }), 'regression', { elapsed: 1000, eta: 2000 }))
      .toBe('epoch 1/3  loss 0.5        val_loss 0.25       val_rmse 0.5        lr 0.003     elapsed  0:01  eta  0:02  *');
    expect(epochLine({ epoch: 1, epochs: 1, lr: 0.01, trainLoss: 2, best: true }, 'regression'))
      .toBe('epoch 1/1  loss 2          lr 0.01');
  });
});

describe('JSON lines', () => {
  it('add elapsed_s and eta_s from the clock', () => {
    const { io, lines } = capture();
    const c = fakeClock();
    const hooks = progressHooks(io, 'json', 'regression', { epochs: 4, clock: c.clock });
    c.advance(2_500);
    hooks.onEpoch!(report(1, 4));
    expect(JSON.parse(lines[0]!)).toEqual({ epoch: 1, epochs: 4, lr: 0.003, loss: 0.5, val_loss: 0.4, val_rmse: 0.05, best: true, elapsed_s: 2.5, eta_s: 7.5 });
  });
});
