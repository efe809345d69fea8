/**
 * The task metric of float vs int8 vs int16 on labelled held-out data: the number is
 * the quantizer's own (quantize/report.ts evalReport, what `rnnc quantize --eval`
 * prints); beside it, where the predictions went: a confusion matrix per variant for a
 * classifier, predicted against true values for a regressor.
 */
import type { FloatModel } from '../ir/model.js';
import type { QuantModel } from '../ir/qmodel.js';
import { type EvalData, evalReport, fixedRunner, floatRunner } from '../quantize/report.js';
import type { ModelVariant, TaskData } from './types.js';

/** Points per variant in the regression scatter: enough to see the spread, small in the page. */
const MAX_POINTS = 1500;

function argmax(y: ArrayLike<number>): number {
  if (y.length === 1) return y[0]! >= 0.5 ? 1 : 0;
  let best = 0;
  for (let j = 1; j < y.length; j++) if (y[j]! > y[best]!) best = j;
  return best;
}

function classNames(model: FloatModel, count: number): string[] {
  const named = model.meta?.classes;
  if (Array.isArray(named) && named.length === count && named.every((c) => typeof c === 'string')) return named as string[];
  return Array.from({ length: count }, (_, k) => String(k));
}

export function taskData(model: FloatModel, int8: QuantModel, int16: QuantModel, data: EvalData): TaskData {
  // evalReport checks every target against the model's outputs, so the loops below can trust them.
  const r = evalReport(model, int8, int16, data);
  const runners: Array<[ModelVariant, ReturnType<typeof floatRunner>]> = [['float', floatRunner(model)], ['int8', fixedRunner(int8)], ['int16', fixedRunner(int16)]];
  const base: TaskData = { source: data.source, kind: r.kind, metric: r.metric, examples: r.examples, float: r.float, int8: r.int8, int16: r.int16 };
  if (r.kind === 'classification') {
    const K = Math.max(2, int8.outputSize);
    const counts = {} as Record<ModelVariant, number[][]>;
    for (const [variant, run] of runners) {
      const m = Array.from({ length: K }, () => new Array<number>(K).fill(0));
      data.sequences.forEach((seq, s) => run(seq).forEach((y, k) => { m[data.targets[s]![k]![0]!]![argmax(y)]! += 1; }));
      counts[variant] = m;
    }
    return { ...base, confusion: { classes: classNames(model, K), counts } };
  }
  const total = data.targets.reduce((n, ts) => n + ts.length * (ts[0]?.length ?? 0), 0);
  const every = Math.max(1, Math.ceil(total / MAX_POINTS));
  const scatter: NonNullable<TaskData['scatter']> = [];
  for (const [variant, run] of runners) {
    let i = 0;
    data.sequences.forEach((seq, s) => run(seq).forEach((y, k) => {
      const t = data.targets[s]![k]!;
      for (let j = 0; j < t.length; j++, i++) if (i % every === 0) scatter.push({ variant, actual: t[j]!, predicted: y[j]! });
    }));
  }
  return { ...base, scatter };
}
