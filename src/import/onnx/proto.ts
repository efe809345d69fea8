/**
 * Decoding `.onnx` files with protobufjs, from the part of the ONNX schema rnnc reads
 * (onnx.proto; onnx-schema.ts and onnx-types.d.ts are generated from it by
 * scripts/gen-onnx.mjs), plus readers for tensors and attributes in the forms rnnc needs
 * (numbers, never Long or bytes). Why reflection over the JSON schema rather than pbjs'
 * static module: the static module is JavaScript, which this TypeScript build would have
 * to copy beside its output; the JSON is a TypeScript value, and protobufjs compiles the
 * same decoders from it at load time. Fields outside the subset are skipped, as any
 * protobuf decoder skips unknown fields.
 */
import protobuf from 'protobufjs';
import { RnncError } from '../../errors.js';
import { escapeText, hasBinary, quote } from '../quote.js';
import { ONNX_SCHEMA } from './onnx-schema.js';
import type { onnx as pb } from './onnx-types.js';

const root = protobuf.Root.fromJSON(ONNX_SCHEMA);
type Codec = 'create' | 'encode' | 'decode';

/** A message's create/encode/decode, typed as pbjs' static class has them. */
function message<T extends Record<Codec, unknown>>(name: string): Pick<T, Codec> {
  const t = root.lookupType(`onnx.${name}`);
  return { create: t.create.bind(t), encode: t.encode.bind(t), decode: t.decode.bind(t) } as unknown as Pick<T, Codec>;
}
const values = <T>(name: string): T => root.lookupEnum(`onnx.${name}`).values as unknown as T;

/** The messages and enums the importer and its tests use. */
export const onnx = {
  ModelProto: message<typeof pb.ModelProto>('ModelProto'),
  NodeProto: message<typeof pb.NodeProto>('NodeProto'),
  AttributeProto: {
    ...message<typeof pb.AttributeProto>('AttributeProto'),
    AttributeType: values<typeof pb.AttributeProto.AttributeType>('AttributeProto.AttributeType'),
  },
  TensorProto: {
    ...message<typeof pb.TensorProto>('TensorProto'),
    DataType: values<typeof pb.TensorProto.DataType>('TensorProto.DataType'),
    DataLocation: values<typeof pb.TensorProto.DataLocation>('TensorProto.DataLocation'),
  },
};
export type ModelProto = pb.ModelProto;
export type NodeProto = pb.INodeProto;
export type TensorProto = pb.ITensorProto;
export type AttributeProto = pb.IAttributeProto;

type IntLike = number | { toNumber(): number } | null | undefined;

export function toInt(v: IntLike): number {
  if (v === null || v === undefined) return 0;
  return typeof v === 'number' ? v : v.toNumber();
}

/**
 * Names that are no text: a flipped length byte makes a name swallow the fields after it,
 * which protobuf reads without complaint. The first such name, for the message.
 */
function damagedName(model: ModelProto): string | undefined {
  const graph = model.graph!;
  const named: Array<[string, string | null | undefined]> = [];
  for (const o of model.opsetImport ?? []) named.push(['an opset domain', o.domain]);
  (graph.node ?? []).forEach((n, i) => {
    named.push([`node ${i}'s name`, n.name], [`node ${i}'s operator`, n.opType], [`node ${i}'s domain`, n.domain]);
    for (const x of n.input ?? []) named.push([`an input of node ${i}`, x]);
    for (const x of n.output ?? []) named.push([`an output of node ${i}`, x]);
    for (const a of n.attribute ?? []) named.push([`an attribute of node ${i}`, a.name]);
  });
  for (const t of graph.initializer ?? []) named.push(['an initializer name', t.name]);
  for (const v of [...(graph.input ?? []), ...(graph.output ?? [])]) named.push(['a graph input or output name', v.name]);
  const hit = named.find(([, v]) => typeof v === 'string' && hasBinary(v));
  return hit ? `${hit[0]} holds bytes that are no text: ${quote(hit[1])}` : undefined;
}

/** Parses the bytes of an .onnx file; a truncated, damaged or foreign file gives one clear line. */
export function decodeModel(bytes: Uint8Array, source: string): ModelProto {
  const unreadable = (why: string) => new RnncError('import/invalid', `${source}: not a readable ONNX model (${why})`, source);
  let model: ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw unreadable(`truncated or corrupt protobuf: ${escapeText(why, 100)}`);
  }
  if (!model.graph || (model.graph.node ?? []).length === 0) throw unreadable('no graph nodes; is the file truncated?');
  const damage = damagedName(model);
  if (damage) throw unreadable(`damaged: ${damage}`);
  return model;
}

const { DataType } = onnx.TensorProto;

/** Largest dimension a tensor may declare (ONNX stores int64; no real weight comes near). */
const MAX_DIM = 2 ** 31 - 1;

/** Tensor contents as float64 (integers exactly, up to 2^53), with their dimensions and element type. */
export function tensorValues(t: TensorProto, source: string): { dims: number[]; data: Float64Array; dtype: number } {
  const dims = (t.dims ?? []).map(toInt);
  const what = `${source}: tensor ${quote(t.name ?? '')}`;
  if (dims.some((d) => !Number.isSafeInteger(d) || d < 0 || d > MAX_DIM)) {
    throw new RnncError('import/invalid', `${what}: dimensions [${dims.join(', ')}] are not sizes (0 to ${MAX_DIM})`, source);
  }
  const count = dims.reduce((a, b) => a * b, 1);
  if (t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new RnncError('import/unsupported', `${what} is stored in an external data file; save the model with weights inside`, source);
  }
  const raw = t.rawData && t.rawData.length > 0 ? t.rawData : undefined;
  let data: Float64Array;
  const type = t.dataType ?? 0;
  if (raw) {
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    const width = type === DataType.FLOAT || type === DataType.INT32 ? 4 : type === DataType.DOUBLE || type === DataType.INT64 ? 8 : type === DataType.BOOL ? 1 : 0;
    if (width === 0) throw new RnncError('import/unsupported', `${what}: element type ${DataType[type] ?? type} is not supported`, source);
    if (raw.length !== count * width) {
      throw new RnncError('import/invalid', `${what}: holds ${raw.length} bytes, expected ${count * width} for ${dims.join('×') || 'a scalar'}`, source);
    }
    data = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      data[i] = type === DataType.FLOAT ? view.getFloat32(4 * i, true)
        : type === DataType.DOUBLE ? view.getFloat64(8 * i, true)
          : type === DataType.INT32 ? view.getInt32(4 * i, true)
            : type === DataType.INT64 ? Number(view.getBigInt64(8 * i, true))
              : view.getUint8(i);
    }
  } else {
    // int32_data also carries FLOAT16/BFLOAT16/INT8... as bit patterns: accept only the
    // types whose values it holds as numbers.
    if (![DataType.FLOAT, DataType.DOUBLE, DataType.INT64, DataType.INT32, DataType.BOOL].includes(type)) {
      throw new RnncError('import/unsupported', `${what}: element type ${DataType[type] ?? type} is not supported`, source);
    }
    const list: IntLike[] = type === DataType.FLOAT ? t.floatData ?? []
      : type === DataType.DOUBLE ? t.doubleData ?? []
        : type === DataType.INT64 ? t.int64Data ?? []
          : t.int32Data ?? [];
    data = Float64Array.from(list, toInt);
    if (data.length !== count) {
      throw new RnncError('import/invalid', `${what}: holds ${data.length} values, expected ${count}`, source);
    }
  }
  return { dims, data, dtype: type };
}

/** The attributes of a node, by name. */
export function attributes(node: NodeProto): Map<string, AttributeProto> {
  return new Map((node.attribute ?? []).map((a) => [a.name ?? '', a]));
}

export function attrInt(attrs: Map<string, AttributeProto>, name: string, fallback: number): number {
  const a = attrs.get(name);
  return a ? toInt(a.i) : fallback;
}

export function attrFloat(attrs: Map<string, AttributeProto>, name: string, fallback: number): number {
  const a = attrs.get(name);
  return a ? a.f ?? fallback : fallback;
}

export function attrInts(attrs: Map<string, AttributeProto>, name: string): number[] | undefined {
  const a = attrs.get(name);
  return a ? (a.ints ?? []).map(toInt) : undefined;
}

export function attrString(attrs: Map<string, AttributeProto>, name: string): string | undefined {
  const a = attrs.get(name);
  return a?.s ? new TextDecoder().decode(a.s) : undefined;
}

export function attrStrings(attrs: Map<string, AttributeProto>, name: string): string[] | undefined {
  const a = attrs.get(name);
  return a ? (a.strings ?? []).map((s) => new TextDecoder().decode(s)) : undefined;
}

/** How a node is named in messages: its name, else its op and first output. */
export function nodeLabel(node: NodeProto): string {
  const op = escapeText(node.opType ?? '');
  return node.name ? `${quote(node.name)} (${op})` : `${op} → ${quote(node.output?.[0] ?? '?')}`;
}

/** An element type's ONNX name (FLOAT, INT32...), for messages. */
export function dataTypeName(type: number): string {
  return onnx.TensorProto.DataType[type] ?? String(type);
}
