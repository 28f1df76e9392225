import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { countNodes, formatCount } from './onnx-nodes';

describe('countNodes', () => {
  it('reads op types straight from the ONNX protobuf', () => {
    // the decoder: two Reshapes around a Transpose, a Clip, and their four Constant inputs
    const c = countNodes(readFileSync('public/models/test-tiny/decoder.onnx'));
    expect(c.total).toBe(8);
    expect(Object.fromEntries(c.byOp)).toEqual({ Constant: 4, Reshape: 2, Transpose: 1, Clip: 1 });
    expect(formatCount(c, 2)).toBe('8 nodes (Constant 4, Reshape 2, …)');
  });

  it('rejects bytes that are not a model', () => {
    expect(() => countNodes(new Uint8Array([0x08, 0x07]))).toThrow(/no graph/);
  });
});
