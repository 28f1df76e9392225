/** Tests of cli-args.ts; this comment is what --help prints for this file. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { parseCli, usageOf } from './cli-args';

const OPTIONS = { pack: { type: 'string', default: 'p' }, quick: { type: 'boolean', default: false } } as const;

class Exit extends Error {
  constructor(readonly code: number | undefined) {
    super(`exit ${code}`);
  }
}

function trapExit() {
  return vi.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
    throw new Exit(code === null || code === undefined ? undefined : Number(code));
  });
}

afterEach(() => vi.restoreAllMocks());

describe('usageOf', () => {
  it('returns the first doc comment without its markers', () => {
    const src = "/**\n * The tool:\n *   npm run x -- --a 1\n */\nimport x from 'y';\n/** later */";
    expect(usageOf(src)).toBe('The tool:\n  npm run x -- --a 1');
  });
  it('is empty when there is no doc comment', () => {
    expect(usageOf('const a = 1;')).toBe('');
  });
});

describe('parseCli', () => {
  it('parses known flags with their defaults', () => {
    const { values } = parseCli(import.meta.url, OPTIONS, ['--quick']);
    expect(values).toEqual({ pack: 'p', quick: true });
  });

  it('prints this file’s usage and exits 0 on --help', () => {
    trapExit();
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(() => parseCli(import.meta.url, OPTIONS, ['--pack', 'x', '-h'])).toThrow(new Exit(0));
    expect(log).toHaveBeenCalledWith('Tests of cli-args.ts; this comment is what --help prints for this file.');
  });

  it('exits 2 with one line naming the problem on an unknown flag, a missing value or a stray argument', () => {
    trapExit();
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    for (const argv of [['--bogus'], ['--pack'], ['stray']]) {
      expect(() => parseCli(import.meta.url, OPTIONS, argv)).toThrow(new Exit(2));
    }
    const lines = err.mock.calls.map((c) => String(c[0]).split('\n')[0]);
    expect(lines[0]).toMatch(/^cli-args\.test\.ts: Unknown option '--bogus'/);
    expect(lines[1]).toMatch(/--pack <value>' argument missing/);
    expect(lines[2]).toMatch(/Unexpected argument 'stray'/);
  });
});
