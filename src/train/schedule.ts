/**
 * Learning-rate schedules, evaluated once per epoch e = 0 … E−1:
 *   constant:            lr
 *   step:N:γ             lr · γ^⌊e / N⌋
 *   cosine[:min]         lr · (min + (1 − min) · ½(1 + cos(π·e / E)))   (min default 0.05)
 */
import { RnncError } from '../errors.js';
import { decimalValue, integerValue } from '../util/decimal.js';
import { quote } from '../util/text.js';

export type Schedule =
  | { kind: 'constant' }
  | { kind: 'step'; every: number; gamma: number }
  | { kind: 'cosine'; min: number };

export function parseSchedule(text: string): Schedule {
  const [kind, ...args] = text.split(':');
  const shown = quote(text, 60).slice(1, -1);
  // Numbers follow the decimal rule of every option (src/util/decimal.ts).
  const num = (v: number | undefined, what: string, ok: (v: number) => boolean): number => {
    if (v === undefined || !ok(v)) throw new RnncError('usage/invalid', `--schedule ${shown}: ${what}`);
    return v;
  };
  if (kind === 'constant' && args.length === 0) return { kind: 'constant' };
  if (kind === 'step' && args.length === 2) {
    return {
      kind: 'step',
      every: num(integerValue(args[0]!), 'step interval must be an integer from 1 to 1000000', (v) => v >= 1 && v <= 1_000_000),
      gamma: num(decimalValue(args[1]!), 'factor must be a number in (0, 1]', (v) => v > 0 && v <= 1),
    };
  }
  if (kind === 'cosine' && args.length <= 1) {
    return { kind: 'cosine', min: args.length ? num(decimalValue(args[0]!), 'minimum fraction must be a number in [0, 1]', (v) => v >= 0 && v <= 1) : 0.05 };
  }
  throw new RnncError('usage/invalid', `--schedule ${shown}: expected constant, step:EPOCHS:FACTOR or cosine[:MIN]`);
}

export function learningRate(s: Schedule, base: number, epoch: number, epochs: number): number {
  switch (s.kind) {
    case 'constant': return base;
    case 'step': return base * s.gamma ** Math.floor(epoch / s.every);
    case 'cosine': return base * (s.min + (1 - s.min) * 0.5 * (1 + Math.cos((Math.PI * epoch) / Math.max(1, epochs))));
  }
}
