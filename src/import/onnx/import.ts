/**
 * ONNX (.onnx) → float IR, for the graphs torch.onnx.export writes for nn.LSTM /
 * nn.GRU / nn.RNN (+ nn.Linear): unsupported operators and attributes are listed
 * first, all at once; then the graph is followed to the IR layer chain.
 */
import { basename } from 'node:path';
import { RnncError } from '../../errors.js';
import type { FloatModel } from '../../ir/model.js';
import { validateModel } from '../../ir/validate.js';
import { modelNameFrom } from '../name.js';
import { problemsError, quote } from '../quote.js';
import { inputAffine, outputPieces, resolveChain } from './chain.js';
import { foldInputAffine } from '../fold-affine.js';
import { unsupportedNodes } from './check.js';
import { runGraph } from './graph.js';
import { stateInputsOf } from './state-inputs.js';
import { knownLayerRefusal } from './refusals.js';
import { Unexpressible } from './layout.js';
import { type ModelProto, decodeModel, toInt } from './proto.js';

/** The ONNX opsets whose operators rnnc reads (README): PyTorch's exports from 9 on, up to 17. */
export const OPSETS = { min: 9, max: 17 } as const;

/** The opset of the default domain ('' or 'ai.onnx'), which fixes what every operator means. */
function defaultOpset(proto: ModelProto, source: string): number {
  const versions = [...new Set((proto.opsetImport ?? []).filter((o) => !o.domain || o.domain === 'ai.onnx').map((o) => toInt(o.version)))];
  if (versions.length === 0) {
    throw new RnncError('import/invalid', `${source}: the model declares no opset for the ONNX operators (no opset_import for the domain '' or 'ai.onnx')`, source);
  }
  if (versions.length > 1) {
    throw new RnncError('import/invalid', `${source}: the model declares opsets ${versions.join(' and ')} for the ONNX operators; a model has one`, source);
  }
  const opset = versions[0]!;
  if (opset < OPSETS.min || opset > OPSETS.max) {
    throw new RnncError('import/unsupported', `${source}: opset ${opset} is not supported; rnnc imports ONNX opsets ${OPSETS.min} to ${OPSETS.max} `
      + `(export again with torch.onnx.export(..., opset_version=${OPSETS.max}))`, source);
  }
  return opset;
}

export interface OnnxImportOptions {
  /** Model name (C prefix); default from the graph or file name. */
  name?: string;
  /** Graph output to import; default: the one output that is not a recurrent state (outputs.ts). */
  output?: string;
}

export function importOnnx(bytes: Uint8Array, path: string, options: OnnxImportOptions = {}): FloatModel {
  const { name } = options;
  const source = basename(path);
  const proto = decodeModel(bytes, source);
  const graph = proto.graph!;
  const opset = defaultOpset(proto, source);
  const refusal = knownLayerRefusal(graph);
  if (refusal) throw new RnncError('import/unsupported', `${source}: ${refusal}`, source);
  const problems = unsupportedNodes(graph.node ?? [], opset);
  if (problems.length > 0) throw problemsError('import/unsupported', source, problems);
  const result = runGraph(graph, opset, source, options.output);
  if (result.output.kind !== 'sym') {
    throw new RnncError('import/unsupported', `${source}: output ${quote(result.outputName)} does not depend on the input`, source);
  }
  let entries;
  let affine;
  let stateInputs;
  try {
    const pieces = outputPieces(result.output);
    entries = resolveChain(pieces);
    affine = inputAffine(pieces);
    stateInputs = stateInputsOf(entries, result.stateSlots);
  } catch (e) {
    if (e instanceof Unexpressible) throw new RnncError('import/unsupported', `${source}: output ${quote(result.outputName)}: ${e.message}`, source);
    throw e;
  }
  const producer = [proto.producerName, proto.producerVersion].filter(Boolean).join(' ') || 'unknown';
  const model = {
    format: 'rnnc-model', version: 1, name: name ?? modelNameFrom(graph.name ?? undefined, path),
    inputSize: result.features, layers: entries.map((e) => e.layer), ...(stateInputs ? { stateInputs } : {}),
    meta: { importedFrom: 'onnx', source, producer, opset },
  };
  const imported = validateModel(model, source);
  if (!affine) return imported;
  return validateModel(foldInputAffine(imported, affine, `${source}: node ${quote(affine.node)} (BatchNormalization)`), source);
}
