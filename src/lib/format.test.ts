import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration } from './format';

describe('formatBytes', () => {
  it('picks a unit and keeps two or three significant digits', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(300 * 1024)).toBe('300 KB');
    expect(formatBytes(28 * 1024 * 1024)).toBe('28 MB');
    expect(formatBytes(3 * 1024 ** 4)).toBe('3072 GB');
  });
});

describe('formatDuration', () => {
  it('uses ms, s, then minutes', () => {
    expect(formatDuration(42.4)).toBe('42 ms');
    expect(formatDuration(3200)).toBe('3.2 s');
    expect(formatDuration(42_000)).toBe('42 s');
    expect(formatDuration(125_000)).toBe('2 min 5 s');
  });
});
