/** The evaluation's job list and the raw per-job record workers write (shared by run.ts and worker.ts). */
import type { Gray, Rgba } from '../../workers/protocol';
import type { ResolvedConfig } from './configs';

export interface RawResult {
  config: string;
  caseIndex: number;
  error: string | null;
  image: string | null; // RGBA bytes, base64
  width: number;
  height: number;
  mask: string | null; // float32 little-endian, base64
  maskWidth: number;
  maskHeight: number;
  totalMs: number;
}

export interface Output {
  image: Rgba;
  mask: Gray | null;
  totalMs: number;
}

/** Case-major order, so a worker's share covers every config evenly. */
export function jobList(configs: readonly ResolvedConfig[], cases: number): { config: string; caseIndex: number }[] {
  const out: { config: string; caseIndex: number }[] = [];
  for (let caseIndex = 0; caseIndex < cases; caseIndex++) {
    for (const c of configs) out.push({ config: c.key, caseIndex });
  }
  return out;
}

export function decodeRaw(r: RawResult): Output {
  if (r.error !== null || r.image === null)
    throw new Error(`${r.config} case ${r.caseIndex}: ${r.error ?? 'no image'}`);
  const bytes = Buffer.from(r.image, 'base64');
  const image: Rgba = { width: r.width, height: r.height, data: new Uint8ClampedArray(bytes) };
  let mask: Gray | null = null;
  if (r.mask !== null) {
    const mb = Buffer.from(r.mask, 'base64');
    const data = new Float32Array(mb.byteLength / 4);
    for (let i = 0; i < data.length; i++) data[i] = mb.readFloatLE(i * 4);
    mask = { width: r.maskWidth, height: r.maskHeight, data };
  }
  return { image, mask, totalMs: r.totalMs };
}
