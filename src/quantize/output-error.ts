/**
 * How far a quantized model's outputs are from the float model's on calibration data:
 * the measure the quantizer chooses candidates by (the LSTM cell format, cells.ts; the
 * weight width under a flash budget, cli/weights-auto.ts). RMS over every output value of
 * the sequences' first MAX_STEPS steps (the fixed-point runs' cost bounds it):
 *   rms = √(Σ (dequantize(y_fixed) − y_float)² / N)
 */
import { dequantizeOutput, quantizeInput, runFixed } from '../fixed/model.js';
import { runFloatEach } from '../float/batch.js';
import { runFloat } from '../float/model.js';
import { prepareModel } from '../float/kinds.js';
import type { FloatModel } from '../ir/model.js';
import type { QuantModel } from '../ir/qmodel.js';

/** Steps of calibration data the candidates are measured on. */
export const MAX_STEPS = 2048;

/** The sequences measured on (whole ones, the last cut at MAX_STEPS steps in all) and the float outputs on them. */
export interface ErrorBench {
  seqs: number[][][];
  want: Float64Array[][];
}

export function errorBench(model: FloatModel, seqs: readonly number[][][]): ErrorBench {
  const out: number[][][] = [];
  let steps = 0;
  for (const s of seqs) {
    if (steps >= MAX_STEPS) break;
    out.push(s.slice(0, MAX_STEPS - steps));
    steps += Math.min(s.length, MAX_STEPS - steps);
  }
  // The batched float run stops at the encoder: a decoder's outputs come from runFloat.
  const prepared = prepareModel(model);
  return { seqs: out, want: model.decoder ? out.map((s) => runFloat(model, s, prepared)) : runFloatEach(model, out, prepared) };
}

/**
 * A class decoder with an end token may stop at a different step in fixed point than in
 * float: an output vector only one of them wrote is compared with zeros (its whole
 * magnitude counts as error), so stopping early or late is never free.
 */
export function outputRms(q: QuantModel, bench: ErrorBench): number {
  let sum = 0;
  let n = 0;
  bench.seqs.forEach((seq, s) => {
    const got = runFixed(q, seq.map((x) => quantizeInput(q, x))).map((y) => dequantizeOutput(q, y));
    const want = bench.want[s]!;
    for (let t = 0; t < Math.max(got.length, want.length); t++) {
      const g = got[t], w = want[t];
      const width = Math.max(g?.length ?? 0, w?.length ?? 0);
      for (let j = 0; j < width; j++) { sum += ((g?.[j] ?? 0) - (w?.[j] ?? 0)) ** 2; n++; }
    }
  });
  return Math.sqrt(sum / Math.max(1, n));
}
