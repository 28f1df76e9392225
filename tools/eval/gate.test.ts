/** Judge checks the judge fails on the oracle renders leave the text-fidelity score. */
import { describe, expect, it } from 'vitest';
import type { Benchmark } from './benchmark';
import { gateJudgeChecks } from './run';
import type { CaseScores } from './score';

const bench = { cases: [{ others: [{}] }, { others: [{}, {}] }] } as unknown as Benchmark;

describe('gateJudgeChecks', () => {
  it('drops a kind of check the judge fails on the oracle and re-weights the rest per case', () => {
    const oracle: CaseScores[] = [
      { background: 1, otherClass: 0, otherColor: 1, textFidelity: 2 / 3 },
      { background: 1, otherClass: 0.5, otherColor: 0.5, textFidelity: 0.6 },
    ];
    const method: CaseScores[] = [
      { background: 0, otherClass: 1, otherColor: 1, textFidelity: 2 / 3 },
      { background: 1, otherClass: 1, otherColor: 0.5, textFidelity: 0.8 },
    ];
    const gate = gateJudgeChecks(bench, oracle, [method, method]);
    expect(gate.used).toEqual(['background', 'otherColor']);
    expect(gate.dropped).toEqual([{ check: 'otherClass', oracleRate: 0.25 }]);
    // case 0: (bg 0·1 + colour 1·1) / 2; case 1: (bg 1·1 + colour 0.5·2) / 3 — rewritten once
    expect(method[0]!.textFidelity).toBeCloseTo(0.5, 10);
    expect(method[1]!.textFidelity).toBeCloseTo(2 / 3, 10);
    expect(oracle[0]!.textFidelity).toBe(1);
  });

  it('keeps every kind when the judge passes them all', () => {
    const oracle: CaseScores[] = [{ background: 1, otherClass: 1, otherColor: 1, textFidelity: 1 }];
    expect(gateJudgeChecks({ cases: [{ others: [{}] }] } as unknown as Benchmark, oracle, []).dropped).toEqual([]);
  });
});
