/**
 * Node counts of ONNX graphs by op type, read straight from the protobuf (no ONNX library in
 * Node): `npx tsx tools/onnx-nodes.ts a.onnx [b.onnx ...] [--top 12]`.
 * Used by tools/bench-graphs.ts for the before/after kernel counts in docs/performance.md.
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/** One protobuf field: its number and, for length-delimited fields, the bytes. */
interface Field {
  no: number;
  bytes: Uint8Array | null;
}

function* fields(buf: Uint8Array): Generator<Field> {
  let pos = 0;
  const varint = (): number => {
    let value = 0;
    let scale = 1;
    for (;;) {
      if (pos >= buf.length) throw new Error('truncated protobuf varint');
      const b = buf[pos++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value;
      scale *= 128;
    }
  };
  while (pos < buf.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    switch (key & 7) {
      case 0:
        varint();
        yield { no, bytes: null };
        break;
      case 1:
        pos += 8;
        yield { no, bytes: null };
        break;
      case 2: {
        const len = varint();
        yield { no, bytes: buf.subarray(pos, pos + len) };
        pos += len;
        break;
      }
      case 5:
        pos += 4;
        yield { no, bytes: null };
        break;
      default:
        throw new Error(`unsupported protobuf wire type ${key & 7}`);
    }
  }
}

function sub(buf: Uint8Array, no: number): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (const f of fields(buf)) if (f.no === no && f.bytes) out.push(f.bytes);
  return out;
}

// ONNX field numbers: ModelProto.graph = 7, GraphProto.node = 1, NodeProto.op_type = 4, .domain = 7.
const MODEL_GRAPH = 7;
const GRAPH_NODE = 1;
const NODE_OP_TYPE = 4;
const NODE_DOMAIN = 7;

export interface NodeCount {
  total: number;
  /** op type (prefixed with its domain when not the default one) → count, most frequent first */
  byOp: [string, number][];
}

/** Counts the nodes of a model's main graph (subgraphs of If/Loop are not descended into). */
export function countNodes(model: Uint8Array): NodeCount {
  const graph = sub(model, MODEL_GRAPH)[0];
  if (!graph) throw new Error('not an ONNX model: no graph');
  const decoder = new TextDecoder();
  const counts = new Map<string, number>();
  let total = 0;
  for (const node of sub(graph, GRAPH_NODE)) {
    const op = decoder.decode(sub(node, NODE_OP_TYPE)[0] ?? new Uint8Array());
    const domain = decoder.decode(sub(node, NODE_DOMAIN)[0] ?? new Uint8Array());
    const key = domain && domain !== 'ai.onnx' ? `${domain}.${op}` : op;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    total++;
  }
  return { total, byOp: [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])) };
}

export function formatCount(c: NodeCount, top = 8): string {
  const head = c.byOp.slice(0, top).map(([op, n]) => `${op} ${n}`);
  return `${c.total} nodes (${head.join(', ')}${c.byOp.length > top ? ', …' : ''})`;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values, positionals } = parseArgs({
    options: { top: { type: 'string', default: '12' } },
    allowPositionals: true,
  });
  for (const file of positionals)
    console.log(`${file}: ${formatCount(countNodes(readFileSync(file)), Number(values.top))}`);
}
