/**
 * Learning-rate schedules, evaluated once per epoch e = 0 … E−1:
 *   constant:            lr
 *   step:N:γ             lr · γ^⌊e / N⌋
 *   cosine[:min]         lr · (min + (1 − min) · ½(1 + cos(π·e / E)))   (min default 0.05)
 */
import { RnncError } from '../errors.js';

export type Schedule =
  | { kind: 'constant' }
  | { kind: 'step'; every: number; gamma: number }
  | { kind: 'cosine'; min: number };

export function parseSchedule(text: string): Schedule {
  const [kind, ...args] = text.split(':');
  const num = (s: string | undefined, what: string, ok: (v: number) => boolean): number => {
    const v = Number(s);
    if (s === undefined || s === '' || !Number.isFinite(v) || !ok(v)) {
      throw new RnncError('usage/invalid', `--schedule ${text}: ${what}`);
    }
    return v;
  };
  if (kind === 'constant' && args.length === 0) return { kind: 'constant' };
  if (kind === 'step' && args.length === 2) {
    return { kind: 'step', every: num(args[0], 'step interval must be a positive integer', (v) => Number.isInteger(v) && v > 0), gamma: num(args[1], 'factor must be in (0, 1]', (v) => v > 0 && v <= 1) };
  }
  if (kind === 'cosine' && args.length <= 1) {
    return { kind: 'cosine', min: args.length ? num(args[0], 'minimum fraction must be in [0, 1]', (v) => v >= 0 && v <= 1) : 0.05 };
  }
  throw new RnncError('usage/invalid', `--schedule ${text}: expected constant, step:EPOCHS:FACTOR or cosine[:MIN]`);
}

export function learningRate(s: Schedule, base: number, epoch: number, epochs: number): number {
  switch (s.kind) {
    case 'constant': return base;
    case 'step': return base * s.gamma ** Math.floor(epoch / s.every);
    case 'cosine': return base * (s.min + (1 - s.min) * 0.5 * (1 + Math.cos((Math.PI * epoch) / Math.max(1, epochs))));
  }
}
