import { describe, expect, it } from 'vitest';
import { heatColor, heatmapPixels } from './heatmap';

describe('heatColor', () => {
  it('maps the ends of [0, 1] to the ends of the ramp and clamps outside it', () => {
    expect(heatColor(0)).toEqual([0, 0, 4]);
    expect(heatColor(1)).toEqual([252, 255, 164]);
    expect(heatColor(-3)).toEqual(heatColor(0));
    expect(heatColor(9)).toEqual(heatColor(1));
    expect(heatColor(Number.NaN)).toEqual(heatColor(0));
  });
  it('gets brighter as the value rises', () => {
    const luma = ([r, g, b]: number[]) => 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
    for (let v = 0; v < 1; v += 0.05) expect(luma(heatColor(v + 0.05))).toBeGreaterThan(luma(heatColor(v)));
  });
});

describe('heatmapPixels', () => {
  const gray = { width: 2, height: 1, data: new Float32Array([0, 1]) };
  it('is opaque as a standalone image', () => {
    const px = heatmapPixels(gray, false);
    expect([px[3], px[7]]).toEqual([255, 255]);
  });
  it('is transparent where the mask is zero as an overlay', () => {
    const px = heatmapPixels(gray, true);
    expect(px[3]).toBe(0);
    expect(px[7]).toBeGreaterThan(200);
  });
});
