/**
 * A tiny graph builder over `encodeModel`, so helper graphs read like the math they do:
 * `const y = g.op('Mul', [x, w])`. Intermediate names are generated; graph outputs are
 * bound to their contract names with Identity (free at run time).
 */
import {
  encodeModel,
  type AttrValue,
  type Dim,
  type Elem,
  type Initializer,
  type NodeSpec,
  type ValueInfo,
} from './model';

export class GraphBuilder {
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly nodes: NodeSpec[] = [];
  private readonly initializers: Initializer[] = [];
  private counter = 0;

  constructor(private readonly name: string) {}

  input(name: string, elem: Elem, shape?: readonly Dim[]): string {
    this.inputs.push({ name, elem, shape });
    return name;
  }

  /** Adds a single-output node and returns its output name. */
  op(op: string, inputs: readonly string[], attrs?: Readonly<Record<string, AttrValue>>): string {
    const out = `${op.toLowerCase()}_${this.counter++}`;
    this.nodes.push({ op, inputs, outputs: [out], attrs });
    return out;
  }

  ints(values: readonly number[]): string {
    const name = `const_${this.counter++}`;
    this.initializers.push({ name, elem: 'int64', dims: [values.length], values });
    return name;
  }

  /** A float constant of shape `dims` (values in row-major order). */
  floats(values: readonly number[], dims: readonly number[]): string {
    const name = `const_${this.counter++}`;
    this.initializers.push({ name, elem: 'float', dims, values });
    return name;
  }

  /** A float scalar (rank 0), broadcastable against anything. */
  scalar(value: number): string {
    const name = `const_${this.counter++}`;
    this.initializers.push({ name, elem: 'float', dims: [], values: [value] });
    return name;
  }

  output(name: string, value: string, elem: Elem, shape?: readonly Dim[]): void {
    this.nodes.push({ op: 'Identity', inputs: [value], outputs: [name] });
    this.outputs.push({ name, elem, shape });
  }

  build(): Uint8Array {
    return encodeModel({
      name: this.name,
      inputs: this.inputs,
      outputs: this.outputs,
      nodes: this.nodes,
      initializers: this.initializers,
    });
  }
}
