import { describe, expect, it } from 'vitest';
import { jobLabel, type LabelContext } from './job-label';

const warmWasm: LabelContext = { pack: 'done', ep: 'wasm', firstJob: false };
const loading = (phase: string) => ({ status: 'loading' as const, jobId: 'j', phase, startedAt: 0 });

describe('job label', () => {
  it('never shows an engine phase name', () => {
    for (const phase of ['starting', 'encoding-text', 'encoding-reference', 'preparing', 'something-new']) {
      const text = jobLabel(loading(phase), warmWasm);
      expect(text).not.toMatch(/encoding-|preparing|starting|something-new/);
      expect(text.length).toBeGreaterThan(0);
    }
    expect(jobLabel(loading('encoding-text'), warmWasm)).toBe('Reading the prompt');
  });

  it('says the first WebGPU job is compiling shaders', () => {
    expect(jobLabel(loading('preparing'), { pack: 'done', ep: 'webgpu', firstJob: true })).toMatch(
      /compiling GPU shaders/,
    );
    expect(jobLabel(loading('preparing'), { pack: 'done', ep: 'webgpu', firstJob: false })).not.toMatch(/shaders/);
    expect(jobLabel(loading('preparing'), { pack: 'done', ep: 'wasm', firstJob: true })).not.toMatch(/shaders/);
  });

  it('the idle line follows the pack', () => {
    const idle = { status: 'idle' as const };
    expect(jobLabel(idle, { pack: 'loading', ep: null, firstJob: true })).toBe('Ready when the pack is');
    expect(jobLabel(idle, warmWasm)).toBe('Ready');
    expect(jobLabel(idle, { pack: 'error', ep: null, firstJob: true })).toMatch(/No model pack loaded/);
  });
});
