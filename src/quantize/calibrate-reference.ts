/**
 * Calibration one sequence at a time through runFloat (float/model.ts): the reference
 * the batched calibrate (calibrate.ts) is tested against and benchmarked with
 * (bench/calibrate.ts). Same options, same result.
 */
import { runFloat } from '../float/model.js';
import type { FloatObserver } from '../float/observer.js';
import { prepareModel } from '../float/kinds.js';
import type { FloatModel } from '../ir/model.js';
import { type CalibrateOptions, type Calibration, startCalibration } from './calibrate.js';

export function calibrateReference(model: FloatModel, seqs: readonly number[][][], opts: CalibrateOptions = {}, source = 'calibration data'): Calibration {
  const { rec } = startCalibration(model, seqs, opts, source);
  const prepared = prepareModel(model);
  const observer: FloatObserver = {
    step(i, _backward, pre, state) {
      if (prepared[i]!.kind === 'recurrent') rec.addStep(i, pre, state.h, state.c);
    },
    dense(i, pre) { rec.dense[i]!.addAll(pre); },
    layer(i, out) { for (const o of out) rec.outputs[i]!.addAll(o); },
    ssm(i, probe) { rec.addSsmStep(i, probe); },
    ...(rec.decoder ? { decoder: rec.decoder.observer() } : {}),
  };
  for (const seq of seqs) runFloat(model, seq, prepared, observer);
  return rec.result(seqs.length);
}
