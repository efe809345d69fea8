/**
 * ONNX (.onnx) → float IR, for the graphs torch.onnx.export writes for nn.LSTM /
 * nn.GRU / nn.RNN (+ nn.Linear): unsupported operators and attributes are listed
 * first, all at once; then the graph is followed to the IR layer chain.
 */
import { basename } from 'node:path';
import { RnncError, RnncProblems } from '../../errors.js';
import type { FloatModel } from '../../ir/model.js';
import { validateModel } from '../../ir/validate.js';
import { modelNameFrom } from '../name.js';
import { outputPieces, resolveChain } from './chain.js';
import { unsupportedNodes } from './check.js';
import { runGraph } from './graph.js';
import { Unexpressible } from './layout.js';
import { decodeModel, toInt } from './proto.js';

export function importOnnx(bytes: Uint8Array, path: string, name?: string): FloatModel {
  const source = basename(path);
  const proto = decodeModel(bytes, source);
  const graph = proto.graph!;
  const problems = unsupportedNodes(graph.node ?? []);
  if (problems.length > 0) throw new RnncProblems('import/unsupported', source, problems);
  const opset = toInt((proto.opsetImport ?? []).find((o) => !o.domain || o.domain === 'ai.onnx')?.version) || 1;
  const result = runGraph(graph, opset, source);
  if (result.output.kind !== 'sym') {
    throw new RnncError('import/unsupported', `${source}: output '${result.outputName}' does not depend on the input`, source);
  }
  let layers;
  try {
    layers = resolveChain(outputPieces(result.output));
  } catch (e) {
    if (e instanceof Unexpressible) throw new RnncError('import/unsupported', `${source}: output '${result.outputName}': ${e.message}`, source);
    throw e;
  }
  const producer = [proto.producerName, proto.producerVersion].filter(Boolean).join(' ') || 'unknown';
  const model = {
    format: 'rnnc-model', version: 1, name: name ?? modelNameFrom(graph.name ?? undefined, path),
    inputSize: result.features, layers, meta: { importedFrom: 'onnx', source, producer, opset },
  };
  return validateModel(model, source);
}
