/**
 * Validation of a parsed model.json: the schema first, then every semantic rule
 * (shapes, finiteness, sizes, layer ordering, name). All problems are collected and
 * thrown once, each naming its JSON path and what was expected.
 */
import type { core } from 'zod';
import { RnncError, RnncProblems } from '../errors.js';
import {
  type FloatModel, type RecurrentLayer, type RecurrentWeights, type SsmLayer, LAYER_TYPES, LIMITS, isRecurrent, modelSchema,
} from './model.js';
import { gateCount, hasRecurrentProduct } from './kinds.js';
import { nameProblem } from './names.js';
import { checkChain, checkNormalization, checkStateInputs } from './rules.js';
import { checkMatrix, checkVector } from './check-arrays.js';
import { checkDecoder } from './validate-seq2seq.js';

const MAX_LISTED = 8;

/** `["layers", 1, "weights", "kernel", 3]` → `layers[1].weights.kernel[3]`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(top level)' : out;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  // JSON.stringify would print Infinity (from 1e999) and NaN as "null".
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const EXPECTED: Record<string, string> = {
  number: 'a finite number', int: 'an integer', array: 'an array', object: 'an object',
  boolean: 'true or false', string: 'a string',
};

function describeIssue(issue: core.$ZodIssue): string {
  const at = formatPath(issue.path);
  switch (issue.code) {
    case 'invalid_type': {
      const want = EXPECTED[issue.expected] ?? issue.expected;
      if (issue.input === undefined) return `${at}: missing (expected ${want})`;
      return `${at}: expected ${want}, got ${shown(issue.input)}`;
    }
    case 'unrecognized_keys':
      return `${at}: unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `'${k}'`).join(', ')}`;
    case 'invalid_value':
      return `${at}: expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}, got ${shown(issue.input)}`;
    case 'invalid_union':
      if ('discriminator' in issue && issue.discriminator === 'type') {
        // zod's path already ends in "type"; its input is the whole layer object.
        const input = issue.input as { type?: unknown } | undefined;
        const got = typeof input === 'object' && input !== null ? input.type : input;
        const where = issue.path[issue.path.length - 1] === 'type' ? at : `${at}.type`;
        const what = got === undefined ? 'missing layer type' : `unknown layer type ${shown(got)}`;
        return `${where}: ${what}; supported: ${LAYER_TYPES.join(', ')}`;
      }
      return `${at}: ${issue.message}`;
    default:
      return `${at}: ${issue.message}`;
  }
}

/**
 * One line per distinct problem: when consecutive elements of the same array fail the
 * same way (a vector where a matrix belongs, a row of strings), the first stands for
 * all of them.
 */
function describeIssues(issues: readonly core.$ZodIssue[]): string[] {
  const out: Array<{ text: string; key: string | undefined; more: number }> = [];
  // Shallow problems first (a misspelt top-level field), then the weights' elements.
  const ordered = [...issues].sort((a, b) => a.path.length - b.path.length);
  for (const issue of ordered) {
    const last = issue.path[issue.path.length - 1];
    const key = typeof last === 'number' && issue.code === 'invalid_type'
      ? `${formatPath(issue.path.slice(0, -1))}|${issue.expected}` : undefined;
    const prev = out[out.length - 1];
    if (key !== undefined && prev?.key === key) prev.more++;
    else out.push({ text: describeIssue(issue), key, more: 0 });
  }
  return out.map((o) => (o.more > 0 ? `${o.text} (and ${o.more} more element${o.more > 1 ? 's' : ''} like it)` : o.text));
}

function checkRecurrentWeights(
  problems: string[], at: string, layer: RecurrentLayer,
  w: RecurrentWeights, inputSize: number,
): void {
  const rows = gateCount(layer.type) * layer.units;
  checkMatrix(problems, `${at}.kernel`, w.kernel, rows, inputSize);
  // A minGRU's or minLSTM's gates read x only: it has no recurrent product.
  const product = hasRecurrentProduct(layer.type);
  if (!product && w.recurrentKernel !== undefined) problems.push(`${at}.recurrentKernel: a ${layer.type} has no recurrent product; remove it`);
  else if (product && w.recurrentKernel === undefined) problems.push(`${at}.recurrentKernel: required (${rows}×${layer.units})`);
  else if (w.recurrentKernel !== undefined) checkMatrix(problems, `${at}.recurrentKernel`, w.recurrentKernel, rows, layer.units);
  checkVector(problems, `${at}.bias`, w.bias, rows);
  const wantsRecurrentBias = layer.type === 'gru' && layer.resetAfter;
  if (wantsRecurrentBias && w.recurrentBias === undefined) {
    problems.push(`${at}.recurrentBias: required for a GRU with resetAfter true (${rows} values)`);
  } else if (!wantsRecurrentBias && w.recurrentBias !== undefined) {
    problems.push(`${at}.recurrentBias: only a GRU with resetAfter true has a recurrent bias; remove it or fold it into bias`);
  } else if (w.recurrentBias !== undefined) {
    checkVector(problems, `${at}.recurrentBias`, w.recurrentBias, rows);
  }
  if (w.initialH !== undefined) checkVector(problems, `${at}.initialH`, w.initialH, layer.units);
  if (w.initialC !== undefined && layer.type !== 'lstm') problems.push(`${at}.initialC: only an LSTM has a cell state; remove it`);
  else if (w.initialC !== undefined) checkVector(problems, `${at}.initialC`, w.initialC, layer.units);
}

/** An ssm layer's weights (ir/model.ts ssmLayer): E = units, N = stateSize, k = convSize, R = dtRank. */
function checkSsmWeights(problems: string[], at: string, layer: SsmLayer, inputSize: number): void {
  const { units: e, stateSize: n, convSize: k, dtRank: r, weights: w } = layer;
  checkMatrix(problems, `${at}.inKernel`, w.inKernel, 2 * e, inputSize);
  checkVector(problems, `${at}.inBias`, w.inBias, 2 * e);
  checkMatrix(problems, `${at}.convKernel`, w.convKernel, e, k);
  checkVector(problems, `${at}.convBias`, w.convBias, e);
  checkMatrix(problems, `${at}.xKernel`, w.xKernel, r + 2 * n, e);
  checkMatrix(problems, `${at}.dtKernel`, w.dtKernel, e, r);
  checkVector(problems, `${at}.dtBias`, w.dtBias, e);
  checkMatrix(problems, `${at}.aLog`, w.aLog, e, n);
  // A = −exp(aLog): beyond ±30 a channel either forgets at once or never (exp(±30) ≈ 1e13).
  w.aLog.some((row, i) => row.some((v, j) => {
    if (Math.abs(v) <= 30) return false;
    problems.push(`${at}.aLog[${i}][${j}]: ${v} is outside [−30, 30] (A = −exp(aLog) would be ${(-Math.exp(v)).toPrecision(3)})`);
    return true;
  }));
  checkVector(problems, `${at}.d`, w.d, e);
}

function checkShapes(model: FloatModel, inputs: readonly number[], problems: string[]): void {
  model.layers.forEach((layer, i) => {
    const at = `layers[${i}]`;
    const inputSize = inputs[i]!;
    if (isRecurrent(layer)) {
      checkRecurrentWeights(problems, `${at}.weights`, layer, layer.weights, inputSize);
      if (layer.bidirectional && layer.backwardWeights !== undefined) {
        checkRecurrentWeights(problems, `${at}.backwardWeights`, layer, layer.backwardWeights, inputSize);
      }
    } else if (layer.type === 'ssm') {
      checkSsmWeights(problems, `${at}.weights`, layer, inputSize);
    } else {
      // conv1d: one row per output channel over the window of kernelSize inputs.
      checkMatrix(problems, `${at}.weights.kernel`, layer.weights.kernel, layer.units, layer.type === 'conv1d' ? layer.kernelSize * inputSize : inputSize);
      checkVector(problems, `${at}.weights.bias`, layer.weights.bias, layer.units);
    }
  });
}

/**
 * Sizes first: when a size is out of range, every shape derived from it would be
 * reported as wrong too, burying the one real mistake; so shapes are checked only
 * once all sizes are plausible. The chain rules and the normalisation rules are the
 * quantized model's too (rules.ts).
 */
function checkModel(model: FloatModel): string[] {
  const problems: string[] = [];
  const bad = nameProblem(model.name);
  if (bad) problems.push(`name: ${bad}`);
  if (model.normalization) {
    // Lengths only against a plausible inputSize (the chain check reports an implausible one).
    const sizeOk = model.inputSize >= 1 && model.inputSize <= LIMITS.inputSize;
    checkNormalization(problems, 'normalization', model.normalization, sizeOk ? model.inputSize : undefined);
  }
  const chain = checkChain(model.inputSize, model.layers.map((l) => ({
    type: l.type, units: l.units,
    ...(isRecurrent(l) ? { returnSequences: l.returnSequences, bidirectional: l.bidirectional, hasBackward: l.backwardWeights !== undefined, lastOutput: l.lastOutput, reverse: l.reverse } : {}),
    ...(l.type === 'conv1d' ? { kernelSize: l.kernelSize, dilation: l.dilation ?? 1, lookahead: l.lookahead ?? 0 } : {}),
    ...(l.type === 'ssm' ? { returnSequences: l.returnSequences, stateSize: l.stateSize, convSize: l.convSize, dtRank: l.dtRank } : {}),
  })), 'backwardWeights', problems);
  if (chain.sizesOk) checkShapes(model, chain.inputs, problems);
  if (chain.sizesOk && model.decoder) checkDecoder(model, model.decoder, { width: chain.outputSize, sequence: chain.sequence }, problems);
  if (model.stateInputs) {
    checkStateInputs(problems, model.stateInputs, model.layers.map((l) => ({ type: l.type, units: l.units, bidirectional: isRecurrent(l) && l.bidirectional !== undefined })));
  }
  return problems;
}

/** Validates parsed JSON as a float model; `source` names the file in messages. */
export function validateModel(json: unknown, source: string): FloatModel {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new RnncError('ir/invalid', `${source}: expected a JSON object with "format": "rnnc-model"`);
  }
  const head = json as { format?: unknown; version?: unknown };
  if (head.format !== 'rnnc-model') {
    const got = head.format === undefined ? 'missing' : `got ${shown(head.format)}`;
    throw new RnncError('ir/invalid', `${source}: format: expected "rnnc-model", ${got} (is this an rnnc model.json?)`);
  }
  if (head.version !== 1) {
    throw new RnncError('ir/unsupported_version', `${source}: version: this rnnc reads version 1, got ${shown(head.version)}`);
  }
  const parsed = modelSchema.safeParse(json, { reportInput: true });
  if (!parsed.success) {
    const issues = describeIssues(parsed.error.issues);
    const listed = issues.slice(0, MAX_LISTED);
    if (issues.length > MAX_LISTED) listed.push(`and ${issues.length - MAX_LISTED} more`);
    throw new RnncProblems('ir/invalid', source, listed);
  }
  const problems = checkModel(parsed.data);
  if (problems.length > 0) throw new RnncProblems('ir/invalid', source, problems);
  return parsed.data;
}
