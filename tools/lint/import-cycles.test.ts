import { describe, expect, it } from 'vitest';
import { findCycles, importsOf } from './import-cycles';

describe('findCycles', () => {
  it('finds a loop of three files and a file importing itself, and nothing in a tree', () => {
    const graph = new Map([
      ['a', ['b']],
      ['b', ['c']],
      ['c', ['a', 'd']],
      ['d', []],
      ['e', ['e']],
      ['f', ['d']],
    ]);
    expect(findCycles(graph)).toEqual([['a', 'b', 'c'], ['e']]);
    expect(
      findCycles(
        new Map([
          ['x', ['y']],
          ['y', []],
        ]),
      ),
    ).toEqual([]);
  });
});

describe('importsOf', () => {
  it('resolves relative imports, type-only ones too, and skips packages', () => {
    const text =
      "import type { x } from './import-cycles';\nimport { y } from 'vitest';\nexport * from './check-cycles';";
    const found = importsOf(`${import.meta.dirname}/here.ts`, text).map((p) => p.split('/').pop());
    expect(found).toEqual(['import-cycles.ts', 'check-cycles.ts']);
  });
});
