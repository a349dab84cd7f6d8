/**
 * The checker against the grouper: on the public validation files (and on
 * random cases), every case the grouper finds invalid has an error finding,
 * and every finding names a registered rule.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CaseDecoder } from '../src/case/decode.js';
import { parseCsvText } from '../src/csv/table.js';
import { IssueList } from '../src/errors.js';
import { validationDir } from '../src/paths.js';
import { checkCase, Checker, hasError, qcConfig, type QcInput, RULES_BY_ID } from '../src/qc/index.js';
import { groupCase } from '../groupers/chs-drg/index.js';
import { requireShared, scheme } from './helpers.js';

const config = qcConfig();

function cases(file: string) {
  requireShared();
  const { header, rows } = parseCsvText(readFileSync(join(validationDir(), file), 'utf8'), file, new IssueList());
  const d = new CaseDecoder(header);
  return rows.map((r) => d.decode(r.cells).case);
}

describe.each([
  ['chs-drg-1.1', 'chs-drg-1.1-public-2k.csv', 11],
  ['qingdao-2023', 'qingdao-2023-public-2k.csv', -1],
  ['chs-drg-2.0', 'chs-drg-2.0-public-2k.csv', 13],
])('%s validation file', (name, file, invalidCount) => {
  const s = scheme(name);
  const all = cases(file);
  const results = all.map((c) => ({ c, status: groupCase(s, c).status, findings: checkCase(c, s, config) }));

  it("the checker's error cases are a superset of the grouper's invalid cases", () => {
    const invalid = results.filter((r) => r.status === 'invalid');
    if (invalidCount >= 0) expect(invalid.length).toBe(invalidCount);
    expect(invalid.length).toBeGreaterThan(0);
    expect(invalid.filter((r) => !hasError(r.findings)).map((r) => r.c.id)).toEqual([]);
  });

  it('skipping rules by the code facts they need changes no finding', () => {
    const plain = new Checker(s, config, { prefilter: false });
    for (const r of results) expect(r.findings).toEqual(plain.check(r.c));
  });

  it('the compiled rule runner finds what the rule loop finds', () => {
    // check(c) runs the compiled function; with an (empty) list of unreadable fields it takes the loop.
    const checker = new Checker(s, config);
    const plain = new Checker(s, config, { prefilter: false });
    for (const r of results) {
      expect(checker.check(r.c)).toEqual(checker.check(r.c, []));
      expect(plain.check(r.c)).toEqual(plain.check(r.c, []));
    }
  });

  it('every finding names a registered rule, with a severity, a field and a message', () => {
    const findings = results.flatMap((r) => r.findings);
    expect(findings.length).toBeGreaterThan(all.length); // the files are odd on purpose
    for (const f of findings) {
      expect(RULES_BY_ID.has(f.rule), f.rule).toBe(true);
      expect(['error', 'warning']).toContain(f.severity);
      expect(f.field).not.toBe('');
      expect(f.message.length).toBeGreaterThan(10);
    }
  });
});

describe('random cases', () => {
  const dx = ['K35.800x001', 'N40.x00', 'O80.000', 'P22.000', 'R10.400', 'W19.x00', 'B95.000', 'Z37.000', 'I25.200', 'A00.000', 'K99.999', 'J18.900', '', ' i10.X05 '];
  const px = ['47.0100', '60.2901', '68.4900', '00.0100', '00.0101', '99.1000', '47.0199'];
  // Mostly valid values, so that many cases have a single problem and a missing rule shows.
  const field = <T>(valid: T, odd: T[]) => fc.oneof({ arbitrary: fc.constant(valid), weight: 8 }, { arbitrary: fc.constantFrom(...odd), weight: 1 });
  const arbCase: fc.Arbitrary<QcInput> = fc.record({
    id: field('R1', ['']),
    sex: field<number | null>(1, [null, 0, 2, 9, -1]),
    age: field<number | null>(40, [null, -1, 0, 0.5, 1, 12, 65, 150, 151]),
    age_days: field<number | null>(null, [-3, 0, 10, 28, 29, 365, 366, 22765]),
    birth_weight: field<number | null>(null, [-1, 0, 0.5, 99, 100, 2500, 10000]),
    los: field<number | null>(5, [null, -1, 0, 1, 2.5]),
    discharge: field<number | null>(1, [null, 5, 7]),
    vent_hours: field<number | null>(null, [-1, 0, 24, 200]),
    diagnoses: field(['K35.800x001'], [[], ...dx.map((d) => [d]), ...dx.map((d) => ['K35.800x001', d])]),
    procedures: field(['47.0100'], [[], ...px.map((p) => [p]), ...px.map((p) => ['47.0100', p])]),
    total_cost: field<number | null>(100000, [null, -1, 0]),
    out_of_scope: field<number | null>(0, [null, 200000]),
    pre_self_pay: field<number | null>(0, [null, 5000]),
    admit_date: field<string | null>('2024-03-01', [null]),
    discharge_date: field<string | null>('2024-03-06', [null, '2024-02-01']),
  });

  it.each(['chs-drg-1.1', 'chs-drg-2.0'])('under %s, a case the grouper finds invalid always has an error finding', (name) => {
    const s = scheme(name);
    const plain = new Checker(s, config, { prefilter: false });
    fc.assert(
      fc.property(arbCase, (c) => {
        const findings = checkCase(c, s, config);
        for (const f of findings) expect(RULES_BY_ID.has(f.rule)).toBe(true);
        expect(findings).toEqual(plain.check(c));
        expect(findings).toEqual(plain.check(c, []));
        if (groupCase(s, { ...c, diagnoses: c.diagnoses ?? [] }).status === 'invalid') expect(hasError(findings)).toBe(true);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
