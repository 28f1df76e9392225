/**
 * The pack's evaluation-side graphs on onnxruntime-node: the judge (image → background /
 * class / colour / pattern logits, trained by models/ on the generator's labels) and the
 * image encoder's `image_embed` (the CLIP-like embedding the encoders stage trained
 * contrastively, text↔image and reference↔reference). Files are checked like the engine's.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { GraphSession, TensorHandle } from '../../workers/engine';
import { referencePixels } from '../../workers/engine/image';
import { verifyFile } from '../../workers/packs/integrity';
import type { Manifest } from '../../workers/packs/manifest';
import type { Rgba } from '../../workers/protocol';
import { NodeBackend } from '../node-backend';
import { sigmoid, softmax, type JudgeProbs } from './metrics';

export class EvalModels {
  private constructor(
    private readonly backend: NodeBackend,
    private readonly judgeSession: GraphSession | null,
    private readonly encoder: GraphSession,
    private readonly imageSize: number,
    private readonly referenceSize: number,
  ) {}

  static async load(packDir: string, manifest: Manifest, threads = 1): Promise<EvalModels> {
    const backend = new NodeBackend({ threads });
    const open = async (key: 'judge' | 'imageEncoder') => {
      const ref = manifest.graphs[key];
      if (ref === undefined) return null;
      const bytes = new Uint8Array(await readFile(join(packDir, ref.file)));
      await verifyFile(ref, bytes);
      return backend.createSession(key, bytes);
    };
    const encoder = await open('imageEncoder');
    if (encoder === null) throw new Error('the pack has no image encoder');
    return new EvalModels(backend, await open('judge'), encoder, manifest.image.size, manifest.reference.size);
  }

  get hasJudge(): boolean {
    return this.judgeSession !== null;
  }

  /** Judge probabilities for each image (batched). */
  async judge(images: readonly Rgba[], batch = 64): Promise<JudgeProbs[]> {
    const session = this.judgeSession;
    if (session === null) throw new Error('the pack has no judge graph');
    const S = this.imageSize;
    const out: JudgeProbs[] = [];
    for (let start = 0; start < images.length; start += batch) {
      const chunk = images.slice(start, start + batch);
      const data = new Float32Array(chunk.length * 3 * S * S);
      chunk.forEach((img, b) => {
        if (img.width !== S || img.height !== S)
          throw new Error(`judge: image is ${img.width}×${img.height}, not ${S}`);
        for (let p = 0; p < S * S; p++) {
          for (let c = 0; c < 3; c++) data[(b * 3 + c) * S * S + p] = img.data[p * 4 + c]! / 127.5 - 1;
        }
      });
      const input = this.backend.float32(data, [chunk.length, 3, S, S]);
      const res = await session.run({ image: input });
      const read = async (name: string, h: TensorHandle | undefined) => {
        if (h === undefined) throw new Error(`judge: no output ${name}`);
        return { data: await this.backend.read(h), width: h.dims[1]! };
      };
      const bg = await read('bg_logits', res.bg_logits);
      const cls = await read('class_logits', res.class_logits);
      const col = await read('color_logits', res.color_logits);
      // The per-object judge (toy world v3 on) binds colour to class: [batch, classes, colours].
      const obj = res.object_logits ? await this.backend.read(res.object_logits) : null;
      const objWidth = res.object_logits ? res.object_logits.dims[1]! * res.object_logits.dims[2]! : 0;
      for (const h of Object.values(res)) this.backend.dispose(h);
      this.backend.dispose(input);
      chunk.forEach((_, b) => {
        const row = (t: { data: Float32Array; width: number }) => t.data.subarray(b * t.width, (b + 1) * t.width);
        out.push({
          background: softmax(row(bg)),
          classes: sigmoid(row(cls)),
          colors: sigmoid(row(col)),
          objects: obj ? sigmoid(obj.subarray(b * objWidth, (b + 1) * objWidth)) : null,
        });
      });
    }
    return out;
  }

  /** `image_embed` of an image, preprocessed as the engine preprocesses references. */
  async embed(image: Rgba): Promise<Float32Array> {
    const S = this.referenceSize;
    const input = this.backend.float32(referencePixels(image, S), [1, 3, S, S]);
    const res = await this.encoder.run({ pixels: input });
    const h = res.image_embed;
    if (h === undefined) throw new Error('image encoder: no image_embed output');
    const e = await this.backend.read(h);
    for (const t of Object.values(res)) this.backend.dispose(t);
    this.backend.dispose(input);
    return e;
  }

  async release(): Promise<void> {
    await this.judgeSession?.release();
    await this.encoder.release();
  }
}
