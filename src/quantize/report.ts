/**
 * The quantization error report: how far the fixed-point reference drifts from the
 * float reference, per layer, on the calibration data; and, given labelled held-out
 * data, the task metric (accuracy or RMSE) of float vs int8 vs int16 weights.
 *
 * Per layer, every output value the layer passes on (every timestep and sequence) is
 * compared: err = fixed / 2^outFrac − float.
 */
import { RnncError } from '../errors.js';
import { runFloatEach } from '../float/batch.js';
import { runFloat } from '../float/model.js';
import { argmax } from '../float/seq2seq.js';
import { prepareModel } from '../float/kinds.js';
import type { FloatModel } from '../ir/model.js';
import { type QuantModel, weightWidthsText } from '../ir/qmodel.js';
import { dequantizeOutput, quantizeInput, runFixed, runFixedLayers } from '../fixed/model.js';
import type { FixedObserver } from '../fixed/observer.js';

export interface LayerError {
  index: number;
  type: QuantModel['layers'][number]['type'];
  maxAbs: number;
  rms: number;
  /** Values compared. */
  count: number;
}

export function layerErrors(model: FloatModel, q: QuantModel, seqs: readonly number[][][]): LayerError[] {
  const n = q.layers.length;
  const maxAbs = new Float64Array(n);
  const sumSq = new Float64Array(n);
  const count = new Float64Array(n);
  // The float side batched (float/batch.ts: runFloat's values bit for bit); the sums run
  // sequence by sequence as before, so the figures are the same to the last bit.
  runFloatEach(model, seqs, prepareModel(model), (start, floats) => {
    for (let b = 0; b < floats[0]!.rows; b++) {
      const fixed = runFixedLayers(q, seqs[start + b]!.map((x) => quantizeInput(q, x)));
      fixed.forEach((outs, i) => {
        const scale = 2 ** -q.layers[i]!.outFrac;
        const f = floats[i]!;
        outs.forEach((o, t) => {
          const at = (t * f.rows + b) * f.width;
          for (let j = 0; j < o.length; j++) {
            const e = Math.abs(o[j]! * scale - f.data[at + j]!);
            if (e > maxAbs[i]!) maxAbs[i] = e;
            sumSq[i]! += e * e;
          }
          count[i]! += o.length;
        });
      });
    }
  });
  return q.layers.map((l, i) => ({ index: i, type: l.type, maxAbs: maxAbs[i]!, rms: Math.sqrt(sumSq[i]! / Math.max(1, count[i]!)), count: count[i]! }));
}

/**
 * An encoder–decoder's error over its K outputs: every value both the fixed and the float
 * decoder wrote, err = fixed / 2^outFrac − float; an embedding decoder's outputs only up
 * to the first step whose classes (argmax) differ (after it each feeds back another row,
 * and the difference is a different decoding, not an error of the arithmetic), that
 * share of steps reported as `agree`.
 */
export interface DecoderError {
  maxAbs: number;
  rms: number;
  count: number;
  /** Embedding feedback: the share of decoder steps, over the sequences, before the classes first differ. */
  agree?: number;
}

export function decoderError(model: FloatModel, q: QuantModel, seqs: readonly number[][][]): DecoderError {
  const prepared = prepareModel(model);
  const classes = model.decoder?.feedback.kind === 'embedding';
  let maxAbs = 0, sumSq = 0, count = 0, same = 0, steps = 0;
  for (const seq of seqs) {
    const f = runFloat(model, seq, prepared);
    const y = runFixed(q, seq.map((x) => quantizeInput(q, x))).map((v) => dequantizeOutput(q, v));
    steps += Math.max(f.length, y.length);
    for (let k = 0; k < Math.min(f.length, y.length); k++) {
      for (let j = 0; j < y[k]!.length; j++) {
        const e = Math.abs(y[k]![j]! - f[k]![j]!);
        if (e > maxAbs) maxAbs = e;
        sumSq += e * e;
        count++;
      }
      if (classes && argmax(f[k]!) !== argmax(y[k]!)) break;
      same++;
    }
  }
  return { maxAbs, rms: Math.sqrt(sumSq / Math.max(1, count)), count, ...(classes ? { agree: same / Math.max(1, steps) } : {}) };
}

/** Labelled held-out data (read from a file by src/cli/calib-data.ts). */
export interface EvalData {
  sequences: number[][][];
  /** Per sequence, one target vector per model output (1, or one per timestep): [class] or K values. */
  targets: number[][][];
  source: string;
}

export type TaskKind = 'classification' | 'regression';

/**
 * Softmax heads and single-unit sigmoid heads are classifiers; everything else regresses.
 * A decoder: its projection's softmax classifies.
 */
export function taskKind(model: FloatModel): TaskKind {
  if (model.decoder) return model.decoder.projection.activation === 'softmax' ? 'classification' : 'regression';
  const last = model.layers[model.layers.length - 1];
  if (last?.type !== 'dense') return 'regression';
  return last.activation === 'softmax' || (last.activation === 'sigmoid' && last.units === 1) ? 'classification' : 'regression';
}

type Runner = (seq: number[][]) => ArrayLike<number>[];

export function floatRunner(model: FloatModel): Runner {
  const prepared = prepareModel(model);
  return (seq) => runFloat(model, seq, prepared);
}

/** The fixed-point reference from real inputs; an observer sees the input clamp and every layer's narrowings. */
export function fixedRunner(q: QuantModel, observer?: FixedObserver): Runner {
  return (seq) => runFixed(q, seq.map((x) => quantizeInput(q, x, observer)), observer).map((y) => dequantizeOutput(q, y));
}

function predictedClass(y: ArrayLike<number>): number {
  if (y.length === 1) return y[0]! >= 0.5 ? 1 : 0;
  let best = 0;
  for (let j = 1; j < y.length; j++) if (y[j]! > y[best]!) best = j;
  return best;
}

/** Accuracy in [0, 1] for classifiers, RMSE over every target value for regression. */
export function taskMetric(kind: TaskKind, run: Runner, data: EvalData, outputSize: number): number {
  let hits = 0;
  let sumSq = 0;
  let n = 0;
  data.sequences.forEach((seq, s) => {
    const ys = run(seq);
    const ts = data.targets[s]!;
    if (ts.length !== ys.length) {
      throw new RnncError('data/invalid', `${data.source}: sequence ${s}: ${ts.length} targets for ${ys.length} model outputs`, data.source);
    }
    ts.forEach((t, k) => {
      const y = ys[k]!;
      if (kind === 'classification') {
        if (t.length !== 1 || !Number.isInteger(t[0]) || t[0]! < 0 || t[0]! >= Math.max(2, outputSize)) {
          throw new RnncError('data/invalid', `${data.source}: sequence ${s}: target ${JSON.stringify(t)} is not a class index below ${Math.max(2, outputSize)}`, data.source);
        }
        hits += predictedClass(y) === t[0] ? 1 : 0;
        n++;
        return;
      }
      if (t.length !== outputSize) {
        throw new RnncError('data/invalid', `${data.source}: sequence ${s}: target has ${t.length} values, the model outputs ${outputSize}`, data.source);
      }
      for (let j = 0; j < t.length; j++) sumSq += (y[j]! - t[j]!) ** 2;
      n += t.length;
    });
  });
  if (n === 0) throw new RnncError('data/invalid', `${data.source}: no labelled examples`, data.source);
  return kind === 'classification' ? hits / n : Math.sqrt(sumSq / n);
}

export interface EvalReport {
  kind: TaskKind;
  metric: 'accuracy' | 'rmse';
  examples: number;
  float: number;
  int8: number;
  int16: number;
  /** The model written, when it mixes int8 and int16 layers (--weights auto). */
  mixed?: { widths: string; value: number };
}

/**
 * The task metric of the float model and of its int8 and int16 quantizations, and of the
 * written model when it is neither. `watch` observes the run of the written model (one of
 * int8, int16 or its own), for its range excursions.
 */
export function evalReport(
  model: FloatModel, int8: QuantModel, int16: QuantModel, data: EvalData, watch?: { written: QuantModel; observer: FixedObserver },
): EvalReport {
  const kind = taskKind(model);
  const out = int8.outputSize;
  const observer = (q: QuantModel) => (watch?.written === q ? watch.observer : undefined);
  const written = watch?.written;
  const mixed = written && written !== int8 && written !== int16 ? written : undefined;
  return {
    kind,
    metric: kind === 'classification' ? 'accuracy' : 'rmse',
    examples: data.sequences.length,
    float: taskMetric(kind, floatRunner(model), data, out),
    int8: taskMetric(kind, fixedRunner(int8, observer(int8)), data, out),
    int16: taskMetric(kind, fixedRunner(int16, observer(int16)), data, out),
    ...(mixed ? { mixed: { widths: weightWidthsText(mixed), value: taskMetric(kind, fixedRunner(mixed, observer(mixed)), data, out) } } : {}),
  };
}
