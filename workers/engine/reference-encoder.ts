/**
 * The reference's features, encoded once per reference. The image encoder's outputs are kept
 * on the CPU (17 KB for the toy pack, at most 1.3 MB for ViT-H/14's hidden states), so the
 * next job with the same reference runs no image encoder at all, only re-uploads them.
 *
 * A pack whose image encoder is large (version 2: ViT-H/14, 1.26 GB in fp16) gets its session
 * released as soon as it has encoded: its weights leave the GPU (or the WASM heap's live set)
 * while the UNet runs, and the session is created again from the pack's bytes when another
 * reference comes. The toy pack's encoder is small and stays.
 */
import type { GraphSession, TensorHandle } from './backend';
import type { TrackedBackend } from './tracked-backend';

/** What the encoder needs of a pack graph (pack-graphs.ts's PackGraph is one). */
export interface EncoderGraph {
  spec: { readonly inputs: readonly { readonly name: string }[] };
  session: GraphSession;
}

export interface EncodedReference {
  /** Output name → its values and shape. */
  readonly outputs: ReadonlyMap<string, { data: Float32Array; dims: readonly number[] }>;
}

export class ReferenceEncoder {
  private graph: EncoderGraph | null;
  readonly spec: EncoderGraph['spec'];
  private last: { pixels: Float32Array; outputs: EncodedReference['outputs'] } | null = null;

  constructor(
    private readonly backend: TrackedBackend,
    created: EncoderGraph,
    /** Creates the session again (after it was released). */
    private readonly recreate: () => Promise<EncoderGraph>,
    /** Release the session after each encoding (a large encoder). */
    readonly releaseAfterUse: boolean,
  ) {
    this.graph = created;
    this.spec = created.spec;
  }

  /** The live session, if any (it is released between references when `releaseAfterUse`). */
  get session(): GraphSession | null {
    return this.graph?.session ?? null;
  }

  /**
   * Encodes `pixels` ([1, 3, S, S], already normalized for the pack), or returns the outputs of
   * the previous call when the pixels are the same. `checkAbort` runs before the session is
   * created again (the slow part of a large encoder), so a cancel does not wait for it.
   */
  async encode(
    pixels: Float32Array,
    dims: readonly number[],
    checkAbort: () => Promise<void> = async () => undefined,
  ): Promise<EncodedReference> {
    if (this.last !== null && sameValues(this.last.pixels, pixels)) return { outputs: this.last.outputs };
    if (this.graph === null) {
      await checkAbort();
      this.graph = await this.recreate();
    }
    const input = this.backend.float32(pixels, dims);
    let raw: Record<string, TensorHandle> = {};
    try {
      raw = await this.graph.session.run({ [this.spec.inputs[0]!.name]: input });
      const outputs = new Map<string, { data: Float32Array; dims: readonly number[] }>();
      for (const [name, t] of Object.entries(raw))
        outputs.set(name, { data: await this.backend.read(t), dims: t.dims });
      this.last = { pixels: pixels.slice(), outputs };
      return { outputs };
    } finally {
      this.backend.dispose(input);
      for (const t of Object.values(raw)) this.backend.dispose(t);
      if (this.releaseAfterUse) await this.dropSession();
    }
  }

  private async dropSession(): Promise<void> {
    const graph = this.graph;
    this.graph = null;
    await graph?.session.release();
  }
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
