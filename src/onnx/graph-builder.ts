// A small ONNX graph writer: add nodes, constants and weights by name, then encode a ModelProto.
// Field numbers follow onnx.proto (IR version 8, default domain).
import { ProtoWriter } from './protobuf.js';

/** ONNX TensorProto.DataType values the library uses. */
export const DataType = { FLOAT: 1, INT64: 7, BOOL: 9 } as const;
export type DataTypeCode = (typeof DataType)[keyof typeof DataType];

/** A weight stored outside the graph, at a byte range of a file handed to the session. */
export interface ExternalTensor {
  name: string;
  dims: readonly number[];
  file: string;
  offset: number;
  length: number;
}

/** A graph input or output: a name, an element type and dims (a string is a symbolic dim). */
export interface ValueInfo {
  name: string;
  type: DataTypeCode;
  dims: readonly (number | string)[];
}

type Attribute = number | number[] | string;

interface NodeSpec {
  op: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, Attribute>;
}

/**
 * Collects nodes and initializers; names are generated from a prefix so a forward pass reads
 * like code: `const h = g.op('MatMul', [x, w])`.
 */
export class GraphBuilder {
  private nodes: NodeSpec[] = [];
  private inline: ProtoWriter[] = [];
  private external: ExternalTensor[] = [];
  private inputs: ValueInfo[] = [];
  private outputs: ValueInfo[] = [];
  private counter = 0;
  private constants = new Map<string, string>();

  input(info: ValueInfo): string {
    this.inputs.push(info);
    return info.name;
  }

  /** Marks `value` as a graph output named `name` (an Identity node when the names differ). */
  output(value: string, info: ValueInfo): void {
    if (value !== info.name) this.nodes.push({ op: 'Identity', inputs: [value], outputs: [info.name], attributes: {} });
    this.outputs.push(info);
  }

  /** Adds a node with one output and returns the output's name. */
  op(op: string, inputs: string[], attributes: Record<string, Attribute> = {}): string {
    return this.opN(op, inputs, 1, attributes)[0];
  }

  /** Adds a node with `count` outputs. An input named '' is an omitted optional input. */
  opN(op: string, inputs: string[], count: number, attributes: Record<string, Attribute> = {}): string[] {
    const id = this.counter++;
    const outputs = Array.from({ length: count }, (_, i) => `${op.toLowerCase()}_${id}${count > 1 ? `_${i}` : ''}`);
    this.nodes.push({ op, inputs, outputs, attributes });
    return outputs;
  }

  /** A small constant initializer, deduplicated by value. */
  constant(type: typeof DataType.FLOAT | typeof DataType.INT64, dims: readonly number[], values: readonly number[]): string {
    const key = `${type}:${dims.join(',')}:${values.join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = `const_${this.constants.size}`;
    const raw = type === DataType.FLOAT ? new Float32Array(values) : new BigInt64Array(values.map(BigInt));
    const tensor = new ProtoWriter().packedVarints(1, dims).varint(2, type).string(8, name);
    tensor.bytes(9, new Uint8Array(raw.buffer));
    this.inline.push(tensor);
    this.constants.set(key, name);
    return name;
  }

  /** A FLOAT weight read from an external file; returns its name. `describe` runs once per name. */
  weight(name: string, describe: () => Omit<ExternalTensor, 'name'>): string {
    if (!this.external.some((t) => t.name === name)) this.external.push({ name, ...describe() });
    return name;
  }

  /** Encodes the model. Opset 17 is the first with LayerNormalization. */
  encode(graphName: string, opset = 17): Uint8Array {
    const graph = new ProtoWriter();
    for (const node of this.nodes) graph.message(1, encodeNode(node));
    graph.string(2, graphName);
    for (const tensor of this.inline) graph.message(5, tensor);
    for (const tensor of this.external) graph.message(5, encodeExternal(tensor));
    for (const info of this.inputs) graph.message(11, encodeValueInfo(info));
    for (const info of this.outputs) graph.message(12, encodeValueInfo(info));
    return new ProtoWriter()
      .varint(1, 8) // ir_version
      .string(2, 'transformer-xray')
      .message(7, graph)
      .message(8, new ProtoWriter().string(1, '').varint(2, opset))
      .finish();
  }
}

function encodeNode(node: NodeSpec): ProtoWriter {
  const w = new ProtoWriter();
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.outputs[0]);
  w.string(4, node.op);
  for (const [name, value] of Object.entries(node.attributes)) w.message(5, encodeAttribute(name, value));
  return w;
}

// AttributeProto: name 1, f 2, i 3, s 4, ints 8, type 20 (FLOAT 1, INT 2, STRING 3, INTS 7).
function encodeAttribute(name: string, value: Attribute): ProtoWriter {
  const w = new ProtoWriter().string(1, name);
  if (typeof value === 'string') return w.string(4, value).varint(20, 3);
  if (Array.isArray(value)) return w.packedVarints(8, value).varint(20, 7);
  if (Number.isInteger(value) && !Object.is(value, -0) && !isFloatAttribute(name)) return w.varint(3, value).varint(20, 2);
  return w.float(2, value).varint(20, 1);
}

/** Attributes that ONNX declares as float even when the value happens to be whole. */
function isFloatAttribute(name: string): boolean {
  return name === 'epsilon' || name === 'alpha' || name === 'beta';
}

// TensorProto: dims 1, data_type 2, name 8, external_data 13, data_location 14 (EXTERNAL = 1).
function encodeExternal(tensor: ExternalTensor): ProtoWriter {
  const w = new ProtoWriter().packedVarints(1, tensor.dims).varint(2, DataType.FLOAT).string(8, tensor.name);
  const entries: [string, string][] = [
    ['location', tensor.file],
    ['offset', String(tensor.offset)],
    ['length', String(tensor.length)],
  ];
  for (const [key, value] of entries) w.message(13, new ProtoWriter().string(1, key).string(2, value));
  return w.varint(14, 1);
}

// ValueInfoProto { name 1, type 2 { tensor_type 1 { elem_type 1, shape 2 { dim 1 { value 1 | param 2 } } } } }
function encodeValueInfo(info: ValueInfo): ProtoWriter {
  const shape = new ProtoWriter();
  for (const dim of info.dims) {
    const d = new ProtoWriter();
    if (typeof dim === 'number') d.varint(1, dim);
    else d.string(2, dim);
    shape.message(1, d);
  }
  const tensorType = new ProtoWriter().varint(1, info.type).message(2, shape);
  return new ProtoWriter().string(1, info.name).message(2, new ProtoWriter().message(1, tensorType));
}
