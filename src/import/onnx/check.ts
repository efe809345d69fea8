/**
 * The first pass over an ONNX graph: every operator and attribute rnnc cannot import,
 * each with its node's name, collected so one error lists them all.
 */
import { escapeText, quote } from '../quote.js';
import { recurrentActivations } from './activations.js';
import { type NodeProto, attrFloat, attrInt, attrInts, attrString, attributes, nodeLabel, onnx } from './proto.js';

/**
 * Operators the importer follows (recurrent cells, dense heads, causal 1-D convolutions
 * with their padding, an input BatchNormalization and the glue torch.onnx.export emits).
 */
export const SUPPORTED_OPS = [
  'LSTM', 'GRU', 'RNN', 'Gemm', 'MatMul', 'Add', 'Relu', 'Tanh', 'Sigmoid', 'Softmax', 'Conv', 'Pad',
  'Squeeze', 'Unsqueeze', 'Transpose', 'Reshape', 'Slice', 'Gather', 'Concat',
  'Shape', 'Constant', 'ConstantOfShape', 'Expand', 'Identity', 'Cast', 'Dropout', 'BatchNormalization',
] as const;

/** Input slots that must be empty: sequence_lens (4) for all, peepholes P (7) for LSTM. */
function emptyInputProblems(node: NodeProto, label: string): string[] {
  const out: string[] = [];
  const inputs = node.input ?? [];
  if (inputs[4]) out.push(`${label}: sequence_lens is not supported (every sequence runs to its end)`);
  if (node.opType === 'LSTM' && inputs[7]) out.push(`${label}: peephole weights (input P) are not supported`);
  return out;
}

const { AttributeType } = onnx.AttributeProto;

/** The attributes ONNX defines for each recurrent operator (opsets 7 on), with their types. */
const COMMON_ATTRIBUTES: Record<string, number> = {
  activation_alpha: AttributeType.FLOATS, activation_beta: AttributeType.FLOATS, activations: AttributeType.STRINGS,
  clip: AttributeType.FLOAT, direction: AttributeType.STRING, hidden_size: AttributeType.INT, layout: AttributeType.INT,
};
const RECURRENT_ATTRIBUTES: Record<string, Record<string, number>> = {
  LSTM: { ...COMMON_ATTRIBUTES, input_forget: AttributeType.INT },
  GRU: { ...COMMON_ATTRIBUTES, linear_before_reset: AttributeType.INT },
  RNN: COMMON_ATTRIBUTES,
};
/** `layout` came with opset 14. */
const LAYOUT_OPSET = 14;

/** Unknown, repeated or mistyped attributes: each would otherwise be ignored or misread. */
function attributeProblems(node: NodeProto, op: string, label: string, opset: number): string[] {
  const known = RECURRENT_ATTRIBUTES[op]!;
  const out: string[] = [];
  const seen = new Set<string>();
  for (const a of node.attribute ?? []) {
    const name = a.name ?? '';
    const want = Object.hasOwn(known, name) ? known[name] : undefined;
    if (seen.has(name)) out.push(`${label}: attribute ${quote(name)} is given twice`);
    seen.add(name);
    if (want === undefined) {
      out.push(`${label}: unknown attribute ${quote(name)} (not an attribute of ONNX's ${op})`);
    } else if (name === 'layout' && opset < LAYOUT_OPSET) {
      out.push(`${label}: attribute 'layout' exists from opset ${LAYOUT_OPSET} on; the model declares opset ${opset}`);
    } else if (a.type && a.type !== want) {
      out.push(`${label}: attribute ${quote(name)} is ${AttributeType[a.type] ?? a.type}, expected ${AttributeType[want]}`);
    }
  }
  return out;
}

function recurrentProblems(node: NodeProto, label: string, opset: number): string[] {
  const op = node.opType ?? '';
  const attrs = attributes(node);
  const out = [...attributeProblems(node, op, label, opset), ...emptyInputProblems(node, label)];
  const direction = attrString(attrs, 'direction') ?? 'forward';
  if (!['forward', 'reverse', 'bidirectional'].includes(direction)) out.push(`${label}: direction ${quote(direction)} is not an ONNX direction`);
  out.push(...recurrentActivations(node).problems.map((p) => `${label}: ${p}`));
  if (attrs.has('clip')) out.push(`${label}: clip ${attrFloat(attrs, 'clip', 0)} is not supported (cell clipping)`);
  if (op === 'LSTM' && attrInt(attrs, 'input_forget', 0) !== 0) out.push(`${label}: input_forget 1 (coupled gates) is not supported`);
  if (attrInt(attrs, 'layout', 0) !== 0 && attrInt(attrs, 'layout', 0) !== 1) out.push(`${label}: layout ${attrInt(attrs, 'layout', 0)} is not an ONNX layout`);
  if (!attrs.has('hidden_size')) out.push(`${label}: hidden_size is missing`);
  else if (attrInt(attrs, 'hidden_size', 0) < 1) out.push(`${label}: hidden_size ${attrInt(attrs, 'hidden_size', 0)} is not a positive size`);
  return out;
}

const AUTO_PADS = ['NOTSET', 'VALID', 'SAME_UPPER', 'SAME_LOWER'];

/** A Conv rnnc's conv1d is: 1-D, stride 1, groups 1 (the padding is judged on the graph, conv.ts). */
function convProblems(node: NodeProto, label: string): string[] {
  const attrs = attributes(node);
  const out: string[] = [];
  const kernel = attrInts(attrs, 'kernel_shape');
  if (kernel && kernel.length !== 1) {
    return [`${label}: a ${kernel.length}-D convolution is not supported; rnnc's conv1d is 1-D over time (nn.Conv1d)`];
  }
  const strides = attrInts(attrs, 'strides') ?? [1];
  if (strides.some((s) => s !== 1)) out.push(`${label}: stride ${strides.join('×')} is not supported; rnnc's conv1d emits one output per input step (stride 1)`);
  const group = attrInt(attrs, 'group', 1);
  if (group !== 1) out.push(`${label}: groups ${group} (a grouped or depthwise convolution) is not supported; rnnc's conv1d is dense over the channels (groups=1)`);
  const autoPad = attrString(attrs, 'auto_pad') ?? 'NOTSET';
  if (!AUTO_PADS.includes(autoPad)) out.push(`${label}: auto_pad ${quote(autoPad)} is not an ONNX auto_pad`);
  return out;
}

function headProblems(node: NodeProto, label: string): string[] {
  const attrs = attributes(node);
  if (node.opType === 'Gemm' && attrInt(attrs, 'transA', 0) !== 0) return [`${label}: transA 1 is not supported`];
  if (node.opType === 'Conv') return convProblems(node, label);
  const mode = attrString(attrs, 'mode') ?? 'constant';
  if (node.opType === 'Pad' && mode !== 'constant') {
    return [`${label}: mode ${quote(mode)} is not supported; a convolution's padding must be zeros (mode 'constant', F.pad's default)`];
  }
  return [];
}

export function unsupportedNodes(nodes: readonly NodeProto[], opset: number): string[] {
  const problems: string[] = [];
  const supported = new Set<string>(SUPPORTED_OPS);
  for (const node of nodes) {
    const label = `node ${nodeLabel(node)}`;
    const op = node.opType ?? '';
    if (node.domain && node.domain !== 'ai.onnx') {
      problems.push(`${label}: operator domain ${quote(node.domain)} is not supported`);
    } else if (!supported.has(op)) {
      problems.push(`${label}: operator ${escapeText(op)} is not supported`);
    } else if (op === 'LSTM' || op === 'GRU' || op === 'RNN') {
      problems.push(...recurrentProblems(node, label, opset));
    } else {
      problems.push(...headProblems(node, label));
    }
  }
  return problems;
}
