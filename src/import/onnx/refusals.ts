/**
 * Layers PyTorch users commonly put around a recurrent network that rnnc does not import,
 * recognised as the layer they came from so the refusal is one line that names it and
 * says what to do (instead of one message per operator the exporter decomposed it into):
 *   - nn.Embedding: Gather of the rows of a weight table by an integer graph input;
 *   - nn.LayerNorm: LayerNormalization (opset 17) or, before, ReduceMean → Sub → Pow →
 *     ReduceMean → Add(ε) → Sqrt → Div (→ Mul γ → Add β).
 * (nn.RNN(nonlinearity='relu') is imported: activations.ts; a causal nn.Conv1d too: conv.ts.)
 */
import { quote } from '../quote.js';
import { type ModelProto, type NodeProto, nodeLabel } from './proto.js';

type Graph = NonNullable<ModelProto['graph']>;

function embedding(graph: Graph): string | undefined {
  const inits = new Set((graph.initializer ?? []).map((t) => t.name ?? ''));
  const inputs = new Set((graph.input ?? []).map((i) => i.name ?? '').filter((n) => !inits.has(n)));
  // The integer input may arrive through a Cast (e.g. int32 token ids).
  const casts = new Map<string, string>();
  for (const n of graph.node ?? []) if (n.opType === 'Cast' && inputs.has(n.input?.[0] ?? '')) casts.set(n.output?.[0] ?? '', n.input![0]!);
  const node = (graph.node ?? []).find((n) => n.opType === 'Gather' && inits.has(n.input?.[0] ?? '')
    && (inputs.has(n.input?.[1] ?? '') || casts.has(n.input?.[1] ?? '')));
  if (!node) return undefined;
  const index = node.input![1]!;
  return `node ${nodeLabel(node)}: an Embedding (rows of ${quote(node.input![0]!)} picked by the integer input ${quote(casts.get(index) ?? index)}) `
    + 'is not supported; export the model after the embedding (forward() taking the embedded vectors [batch, time, dim]) and feed rnnc those vectors';
}

function consumers(graph: Graph, name: string, op: string): NodeProto[] {
  return (graph.node ?? []).filter((n) => n.opType === op && (n.input ?? []).includes(name));
}

/** The first node of a LayerNorm: LayerNormalization, or the ReduceMean that starts the decomposed form. */
function layerNorm(graph: Graph): NodeProto | undefined {
  const nodes = graph.node ?? [];
  const op = nodes.find((n) => n.opType === 'LayerNormalization');
  if (op) return op;
  return nodes.find((mean) => {
    if (mean.opType !== 'ReduceMean') return false;
    const x = mean.input?.[0] ?? '';
    // x − mean(x), squared and averaged (the variance), and x − mean(x) divided by a square root.
    return consumers(graph, mean.output?.[0] ?? '', 'Sub').some((sub) => sub.input?.[0] === x
      && consumers(graph, sub.output?.[0] ?? '', 'Pow').length > 0
      && consumers(graph, sub.output?.[0] ?? '', 'Div').some((div) => nodes.some((s) => s.opType === 'Sqrt' && s.output?.[0] === div.input?.[1])));
  });
}

function layerNormLine(graph: Graph): string | undefined {
  const node = layerNorm(graph);
  if (!node) return undefined;
  const form = node.opType === 'LayerNormalization' ? '' : ' starts a LayerNorm exported as ReduceMean/Sub/Pow/Sqrt/Div';
  return `node ${nodeLabel(node)}${form}: LayerNorm is not supported, rnnc has no per-timestep normalisation; `
    + 'retrain without it, or for the input use nn.BatchNorm1d in eval mode, which rnnc folds into its input normalisation';
}

/** One line naming a recognised unsupported layer and what to do, or undefined. */
export function knownLayerRefusal(graph: Graph): string | undefined {
  return embedding(graph) ?? layerNormLine(graph);
}
