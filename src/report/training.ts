/**
 * The training curves: read from the model's `meta.training.history`, where `rnnc train`
 * records every epoch (docs/model-format.md). Imported models and models trained before
 * the history was recorded have none: the figure then says so.
 */
import type { FloatModel } from '../ir/model.js';
import type { Figure, TrainingData } from './types.js';

const CAPTION = 'Loss per epoch on the training split (as trained, mean over the batches) and on the held-out '
  + 'validation split, with the validation metric; the dashed line marks the epoch whose parameters the model keeps.';

function numbers(v: unknown): number[] | undefined {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x)) ? v as number[] : undefined;
}

function record(v: unknown): Record<string, unknown> | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? v as Record<string, unknown> : undefined;
}

/** The history if the meta holds a well-formed one (columns of equal length), else why not. */
export function readHistory(model: FloatModel): TrainingData | string {
  const training = record(model.meta?.training);
  const h = record(training?.history);
  if (!h) {
    return `${model.name} has no training history (meta.training.history): it was imported, or trained by an rnnc `
      + 'that did not record one; train it with rnnc train to see its curves';
  }
  const epoch = numbers(h.epoch);
  const trainLoss = numbers(h.trainLoss);
  if (!epoch || !trainLoss || epoch.length === 0 || trainLoss.length !== epoch.length) {
    return `${model.name}'s meta.training.history is not a history rnnc train wrote (epoch and trainLoss columns of equal length)`;
  }
  const valLoss = numbers(h.valLoss);
  const accuracy = numbers(h.valAccuracy);
  const rmse = numbers(h.valRmse);
  const valMetric = accuracy ?? rmse;
  const same = (c: number[] | undefined) => c !== undefined && c.length === epoch.length;
  const history: TrainingData['history'] = { epoch, trainLoss };
  if (same(valLoss)) history.valLoss = valLoss;
  if (same(valMetric)) history.valMetric = valMetric;
  const best = model.meta?.epochs;
  return {
    history,
    metric: history.valMetric ? (accuracy ? 'accuracy' : 'rmse') : null,
    bestEpoch: typeof best === 'number' && epoch.includes(best) ? best : null,
  };
}

/** The command recorded beside the history, with the model file as output. */
function trainCommand(model: FloatModel, modelPath: string): string {
  const command = record(model.meta?.training)?.command;
  return typeof command === 'string' ? `${command} -o ${modelPath}` : `rnnc train --data DATA --arch ${String(model.meta?.arch ?? 'ARCH')} -o ${modelPath}`;
}

export function trainingFigure(model: FloatModel, modelPath: string): Figure<TrainingData> {
  const h = readHistory(model);
  const base = { title: 'Training curves', caption: CAPTION, command: trainCommand(model, modelPath) };
  if (typeof h === 'string') return { ...base, data: null, note: h };
  return h.history.valLoss ? { ...base, data: h } : { ...base, data: h, note: 'trained without a validation split (--val 0): the training loss only' };
}
