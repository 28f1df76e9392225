import { describe, expect, it } from 'vitest';
import { packLoadLine } from './pack-load-line';

const files = (loadedBytes: number, totalBytes = 100) => ({
  file: 'unet.onnx',
  loadedBytes,
  totalBytes,
  fromCache: false,
  resumedAtBytes: null,
  etaMs: null,
});

describe('packLoadLine', () => {
  it('names the step once the files are in, with an indeterminate bar', () => {
    expect(packLoadLine(files(100), 'unet')).toEqual({
      label: 'Preparing the image model…',
      fraction: null,
      step: 'unet',
    });
    expect(packLoadLine(files(100), 'runtime').label).toBe('Starting the inference runtime…');
  });

  it('keeps the files’ bar while the runtime starts beside the download', () => {
    const line = packLoadLine(files(40), 'runtime');
    expect(line.step).toBe('files');
    expect(line.fraction).toBeCloseTo(0.4);
    expect(line.label).toBe('Downloading unet.onnx · 40 B of 100 B');
    expect(packLoadLine(files(40), 'runtime', true).label).toBe('Reading unet.onnx · 40 B of 100 B');
  });

  it('says where a resumed download continued and the time left', () => {
    const gb = 1024 ** 3;
    const line = packLoadLine({ ...files(1.5 * gb, 3.4 * gb), resumedAtBytes: 1.2 * gb, etaMs: 125_000 }, null);
    expect(line.label).toBe('Downloading unet.onnx · 1.5 GB of 3.4 GB · resumed at 1.2 GB · about 2 min 5 s left');
    const cached = packLoadLine({ ...files(40), fromCache: true, etaMs: 3000 }, null);
    expect(cached.label).toBe('From cache unet.onnx · 40 B of 100 B');
  });

  it('never shows a full bar without a step name after the files', () => {
    const before = packLoadLine(files(100), null);
    expect(before.step).toBe('files'); // the instant between the last byte and the next step
    for (const step of ['textEncoder', 'imageEncoder', 'decoder', 'helpers'] as const) {
      const line = packLoadLine(files(100), step);
      expect(line.fraction).toBeNull();
      expect(line.label).toMatch(/^Preparing the .+…$/);
    }
  });

  it('names the device probe before any file, and says the pack is loading before that', () => {
    expect(packLoadLine(null, 'capabilities').label).toBe('Checking this device for WebGPU…');
    expect(packLoadLine(null, null)).toEqual({ label: 'Loading model pack…', fraction: null, step: 'starting' });
  });
});
