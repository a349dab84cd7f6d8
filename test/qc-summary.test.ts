/**
 * The data-quality summary: counts per hospital and overall, shares, top
 * rules, the quality score formula, and merging tallies of separate batches.
 */
import { describe, expect, it } from 'vitest';
import { type Finding, mergeTally, qualityScore, summarise, summaryCsv, type QcTally, tallyCase } from '../src/qc/index.js';

const f = (rule: string, severity: 'error' | 'warning' = 'error'): Finding => ({ rule, severity, field: 'x', value: '', message: 'm' });

/** Ten cases in two hospitals and one without a hospital id. */
const CASES: [string, Finding[]][] = [
  ['H1', []],
  ['H1', [f('sex.dx'), f('sex.dx'), f('code.dx_unknown')]],
  ['H1', [f('principal.symptom', 'warning')]],
  ['H1', []],
  ['H2', [f('required.los'), f('principal.symptom', 'warning')]],
  ['H2', [f('principal.symptom', 'warning')]],
  ['H2', [f('required.total_cost', 'warning')]],
  ['H2', []],
  ['', []],
  ['', []],
];

function tally(cases: [string, Finding[]][]): QcTally {
  const t: QcTally = {};
  for (const [h, fs] of cases) tallyCase(t, h, fs);
  return t;
}

describe('quality summary', () => {
  it('scores 100 × (1 − (E + w·W) / N)', () => {
    expect(qualityScore(10, 2, 3, 0.2)).toBe(74);
    expect(qualityScore(3, 0, 1, 0.2)).toBe(93.3);
    expect(qualityScore(8, 1, 1, 0.5)).toBe(81.3); // 81.25 rounds half up
    expect(qualityScore(4, 4, 0, 0.2)).toBe(0);
    expect(qualityScore(5, 0, 0, 0.2)).toBe(100);
    expect(qualityScore(0, 0, 0, 0.2)).toBeNull();
  });

  it('counts cases and findings per hospital and overall, with the top rules by cases', () => {
    const s = summarise(tally(CASES), 0.2);
    expect(s.overall).toMatchObject({ hospital: '(all)', cases: 10, clean: 5, warningOnly: 3, withErrors: 2, errors: 4, warnings: 4, score: 74 });
    expect(s.overall.rules[0]).toEqual({ rule: 'principal.symptom', findings: 3, cases: 3 });
    expect(s.overall.rules.find((r) => r.rule === 'sex.dx')).toEqual({ rule: 'sex.dx', findings: 2, cases: 1 });
    expect(s.hospitals.map((h) => [h.hospital, h.cases, h.score])).toEqual([
      ['(none)', 2, 100],
      ['H1', 4, 70],
      ['H2', 4, 65],
    ]);
    expect(summaryCsv(s)).toBe(
      [
        'hospital_id,cases,clean,warning_only,with_errors,error_share,warning_share,errors,warnings,score,top_rules',
        '(all),10,5,3,2,20.0%,30.0%,4,4,74.0,principal.symptom 3 | sex.dx 1 | code.dx_unknown 1 | required.los 1 | required.total_cost 1',
        '(none),2,2,0,0,0.0%,0.0%,0,0,100.0,',
        'H1,4,2,1,1,25.0%,25.0%,3,1,70.0,sex.dx 1 | code.dx_unknown 1 | principal.symptom 1',
        'H2,4,1,2,1,25.0%,50.0%,1,3,65.0,principal.symptom 2 | required.los 1 | required.total_cost 1',
        '',
      ].join('\n'),
    );
  });

  it('tallies of separate batches merge to the tally of the whole', () => {
    const whole = tally(CASES);
    for (const cut of [0, 3, 7, 10]) {
      expect(summarise(mergeTally(tally(CASES.slice(0, cut)), tally(CASES.slice(cut))), 0.2)).toEqual(summarise(whole, 0.2));
    }
  });
});
