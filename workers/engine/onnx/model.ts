/**
 * Encodes a small ONNX ModelProto from plain data. Only what the engine's helper graphs
 * need: float/int64/bool tensors, int/float/ints attributes, symbolic or fixed dims.
 * Field numbers follow onnx/onnx.proto (IR version 8, opset 17).
 */
import { ProtoWriter } from './protobuf';

export const OPSET = 17;
const IR_VERSION = 8;

/** TensorProto.DataType values. */
export const ElemType = { float: 1, int64: 7, bool: 9 } as const;
export type Elem = keyof typeof ElemType;

/** A dimension: a fixed size, a symbolic name, or null (unknown). */
export type Dim = number | string | null;

export interface ValueInfo {
  name: string;
  elem: Elem;
  /** Omit the shape entirely (any rank) with `undefined`. */
  shape?: readonly Dim[];
}

export type AttrValue = number | readonly number[] | { float: number };

export interface NodeSpec {
  op: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attrs?: Readonly<Record<string, AttrValue>>;
}

export interface Initializer {
  name: string;
  elem: 'float' | 'int64';
  dims: readonly number[];
  values: readonly number[];
}

export interface GraphSpec {
  name: string;
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
  nodes: readonly NodeSpec[];
  initializers?: readonly Initializer[];
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_INTS = 7;

function writeAttr(w: ProtoWriter, name: string, value: AttrValue): void {
  w.string(1, name);
  if (typeof value === 'number') {
    w.int(3, value).int(20, ATTR_INT);
  } else if ('float' in value) {
    w.float(2, value.float).int(20, ATTR_FLOAT);
  } else {
    for (const v of value) w.int(8, v);
    w.int(20, ATTR_INTS);
  }
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, ElemType[v.elem]);
      if (v.shape === undefined) return;
      const shape = v.shape;
      tensor.message(2, (s) => {
        for (const d of shape) {
          s.message(1, (dim) => {
            if (typeof d === 'number') dim.int(1, d);
            else if (typeof d === 'string') dim.string(2, d);
          });
        }
      });
    }),
  );
}

function writeInitializer(w: ProtoWriter, t: Initializer): void {
  for (const d of t.dims) w.int(1, d);
  w.int(2, ElemType[t.elem]);
  w.string(8, t.name);
  const raw =
    t.elem === 'float'
      ? new Uint8Array(Float32Array.from(t.values).buffer)
      : new Uint8Array(BigInt64Array.from(t.values, (v) => BigInt(v)).buffer);
  w.bytes(9, raw); // raw_data is little-endian, which typed arrays are on every target we run
}

function writeNode(w: ProtoWriter, n: NodeSpec, index: number): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, `${n.op}_${index}`);
  w.string(4, n.op);
  for (const [name, value] of Object.entries(n.attrs ?? {})) {
    w.message(5, (a) => writeAttr(a, name, value));
  }
}

export function encodeModel(graph: GraphSpec): Uint8Array {
  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, 'realcustom-web engine');
  w.message(7, (g) => {
    graph.nodes.forEach((n, i) => g.message(1, (nw) => writeNode(nw, n, i)));
    g.string(2, graph.name);
    for (const t of graph.initializers ?? []) g.message(5, (tw) => writeInitializer(tw, t));
    for (const v of graph.inputs) g.message(11, (vw) => writeValueInfo(vw, v));
    for (const v of graph.outputs) g.message(12, (vw) => writeValueInfo(vw, v));
  });
  w.message(8, (o) => o.string(1, '').int(2, OPSET));
  return w.finish();
}
