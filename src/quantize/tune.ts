/**
 * `--tune`: which post-training techniques choose the stored weights (tune-rows.ts),
 * and the quantizer options that apply them with the calibration data's moments
 * (tune-stats.ts). Without calibration data nothing is tuned.
 */
import type { FloatModel } from '../ir/model.js';
import { TECHNIQUES, type Technique } from './tune-rows.js';
import { collectMoments } from './moments-batch.js';
import type { LayerMoments } from './tune-stats.js';
import type { QuantizeOptions } from './quantize.js';

/** `--tune`: none, all, or a comma-separated list of techniques. */
export const TUNE_CHOICES = ['none', ...TECHNIQUES, 'all'] as const;

/**
 * The default, by measurement (bench/tune.ts, docs/quantize.md): adaptive rounding
 * with bias correction.
 */
export const DEFAULT_TUNE = 'bias,round';

/** The techniques a --tune value names, or undefined for a value that names none of them. */
export function parseTechniques(text: string): Set<Technique> | undefined {
  if (text === 'none') return new Set();
  if (text === 'all') return new Set(TECHNIQUES);
  const parts = text.split(',').map((p) => p.trim());
  if (parts.some((p) => !(TECHNIQUES as readonly string[]).includes(p))) return undefined;
  return new Set(parts as Technique[]);
}

/** The techniques as --tune would name them. */
export function techniquesText(t: ReadonlySet<Technique>): string {
  if (t.size === 0) return 'none';
  if (t.size === TECHNIQUES.length) return 'all';
  return TECHNIQUES.filter((x) => t.has(x)).join(',');
}

/**
 * The quantizer's tuning option: the moments of every product's calibration inputs
 * (`moments` if already collected, as the pipeline does during calibration).
 */
export function tuneOption(model: FloatModel, seqs: readonly number[][][], techniques: ReadonlySet<Technique>, moments?: LayerMoments[]): QuantizeOptions['tune'] {
  if (techniques.size === 0) return undefined;
  // One cache per quantization: the cell search re-quantizes the model with the same rows.
  return { moments: moments ?? collectMoments(model, seqs), techniques, cache: new Map() };
}
