import type { Gray } from '../../workers/protocol';

/**
 * Colours for masks and attention maps: a perceptually ordered dark-purple → orange →
 * yellow ramp (close to matplotlib's "inferno"), with opacity rising with the value so a
 * mask laid over an image hides only where it is strong.
 */
const STOPS: readonly [number, number, number][] = [
  [0, 0, 4],
  [40, 11, 84],
  [101, 21, 110],
  [159, 42, 99],
  [212, 72, 66],
  [245, 125, 21],
  [250, 193, 39],
  [252, 255, 164],
];

const clamp01 = (value: number): number => (Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0);

export function heatColor(value: number): [number, number, number] {
  const v = clamp01(value);
  const x = v * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const t = x - i;
  const a = STOPS[i] ?? STOPS[0]!;
  const b = STOPS[i + 1] ?? a;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * t)) as [number, number, number];
}

/** RGBA bytes of a gray map. `overlay` makes low values transparent (for laying over images). */
export function heatmapPixels(gray: Gray, overlay: boolean): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(new ArrayBuffer(gray.width * gray.height * 4));
  for (let i = 0; i < gray.data.length; i++) {
    const v = clamp01(gray.data[i] ?? 0);
    const [r, g, b] = heatColor(v);
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = overlay ? Math.round(255 * v * 0.85) : 255;
  }
  return out;
}
