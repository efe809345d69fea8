/** Load and save quantized models (model.q.json), validated like float models. */
import { RnncError, RnncProblems } from '../errors.js';
import { readJson, stringifyJson } from '../util/fs.js';
import { type WritePolicy, writeFile } from '../util/write.js';
import { nameProblem } from './names.js';
import { type QuantModel, qModelSchema } from './qmodel.js';
import { checkQuantModel } from './qcheck.js';
import { formatPath } from './validate.js';

export function isQuantModelJson(json: unknown): boolean {
  return typeof json === 'object' && json !== null && (json as { format?: unknown }).format === 'rnnc-qmodel';
}

export function validateQuantModel(json: unknown, source: string): QuantModel {
  const head = json as { version?: unknown };
  if (head.version !== 1) {
    throw new RnncError('ir/unsupported_version', `${source}: version: this rnnc reads quantized models of version 1, got ${JSON.stringify(head.version)}`);
  }
  const parsed = qModelSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.slice(0, 8).map((i) => `${formatPath(i.path)}: ${i.message}`);
    throw new RnncProblems('ir/invalid', source, problems);
  }
  const bad = nameProblem(parsed.data.name);
  if (bad) throw new RnncError('names/invalid', `${source}: name: ${bad}`);
  checkQuantModel(parsed.data, source);
  return parsed.data;
}

export function loadQuantModel(path: string): QuantModel {
  return validateQuantModel(readJson(path), path);
}

/** The text of a model.q.json (deterministic: same model, same bytes). */
export function quantModelToJson(model: QuantModel): string {
  return stringifyJson(model);
}

export function saveQuantModel(model: QuantModel, path: string, policy: WritePolicy = {}): void {
  writeFile(path, quantModelToJson(model), policy);
}
