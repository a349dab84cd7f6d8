/**
 * Building a DIP directory from a hand-made history: combinations with at
 * least 15 cases become core groups, the rest comprehensive groups; scores,
 * point value, coverage, hospital coefficients and subtypes reproduce hand
 * calculations; grouping the history under the written directory puts every
 * case where the build counted it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildDirectory, type CodeType, type HistoryCase } from '../groupers/dip/build.js';
import { groupDipCase, loadDirectorySync } from '../groupers/dip/index.js';
import { writeDirectory } from '../groupers/dip/write.js';
import { Decimal } from '../src/money.js';

const types = new Map<string, CodeType>([
  ['47.0100', 'surgery'],
  ['47.0900', 'surgery'],
  ['51.2200', 'surgery'],
  ['51.2300', 'surgery'],
  ['87.4400', 'diagnostic'],
]);

function cases(n: number, year: number, yuan: number, diagnoses: string[], procedures: string[] = [], extra: Partial<HistoryCase> = {}): HistoryCase[] {
  return Array.from({ length: n }, () => ({ diagnoses, procedures, total_cost: yuan * 100, year, hospital_level: 3, ...extra }));
}

// A: K35.8 + 47.0100, 5 a year (15: core). C: K35.8 without a key procedure (16: core, one with a
// diagnostic procedure). Z: K35.8 + 47.0900 (14: comprehensive) and K35.1 + 47.0100 (3): K35 surgery.
// M: J18.9 without procedures (6): J18 medical. B: K80.1 + 51.2200 + 51.2300 in 2024 (15: core),
// 51.2200 coded first in 10. Two cases are excluded (no cost, no year).
const history: HistoryCase[] = [
  ...cases(5, 2022, 9000, ['K35.800x001'], ['47.0100']),
  ...cases(5, 2023, 9500, ['K35.800x001'], ['47.0100']),
  ...cases(5, 2024, 10200, ['K35.800x001', 'I10.x05'], ['47.0100']),
  ...cases(5, 2022, 3000, ['K35.800']),
  ...cases(5, 2023, 3200, ['K35.800']),
  ...cases(5, 2024, 3400, ['K35.800']),
  ...cases(1, 2024, 3400, ['K35.800'], ['87.4400']),
  ...cases(4, 2022, 12000, ['K35.800'], ['47.0900']),
  ...cases(5, 2023, 12000, ['K35.800'], ['47.0900']),
  ...cases(5, 2024, 12000, ['K35.800'], ['47.0900']),
  ...[2022, 2023, 2024].flatMap((y) => cases(1, y, 12000, ['K35.100'], ['47.0100'])),
  ...[2022, 2023, 2024].flatMap((y) => cases(2, y, 2000, ['J18.900'])),
  ...cases(10, 2024, 30000, ['K80.100'], ['51.2200', '51.2300']),
  ...cases(5, 2024, 30000, ['K80.100'], ['51.2300', '51.2200']),
  { diagnoses: ['K35.800'], procedures: [], total_cost: null, year: 2024 },
  { diagnoses: ['K35.800'], procedures: [], total_cost: 100000, year: null },
];

describe('building a directory from a hand-made history', () => {
  const built = buildDirectory(history, { procedureTypes: types, hospitalCoefficients: false });

  it('makes combinations with ≥ 15 cases core groups and sends the rest to comprehensive groups', () => {
    expect(built.groups.map((g) => [g.group_code, g.kind, g.dx_key, g.main_procedures.flat().join('/'), g.related_procedures.flat().join('/'), g.procedure_type, g.cases])).toEqual([
      ['K35.8-C', 'core-conservative', 'K35.8', '', '', '', 16],
      ['K35.8-S01', 'core-surgical', 'K35.8', '47.0100', '', '', 15],
      ['K80.1-S01', 'core-surgical', 'K80.1', '51.2200', '51.2300', '', 15],
      ['J18-ZM', 'comprehensive', 'J18', '', '', 'medical', 6],
      ['K35-ZS', 'comprehensive', 'K35', '', '', 'surgery', 17],
    ]);
    expect([...built.excluded]).toEqual([
      ['total_cost.missing', 1],
      ['year.missing', 1],
    ]);
    expect(built.used).toBe(69);
    expect(built.coverage).toBeCloseTo(46 / 69, 12);
  });

  it('computes the scores by hand: yearly means weighted 1:2:7, RW = m / M × 1000, two decimals', () => {
    const yearMean = (total: number, n: number) => new Decimal(total).dividedBy(n);
    // Overall yearly means (yuan): every used case of the year.
    const M22 = yearMean(5 * 9000 + 5 * 3000 + 5 * 12000 + 2 * 2000, 17);
    const M23 = yearMean(5 * 9500 + 5 * 3200 + 6 * 12000 + 2 * 2000, 18);
    const M24 = yearMean(5 * 10200 + 6 * 3400 + 6 * 12000 + 2 * 2000 + 15 * 30000, 34);
    const M = M22.plus(M23.times(2)).plus(M24.times(7)).dividedBy(10);
    expect(built.overallMean.dividedBy(100).toFixed(8)).toBe(M.toFixed(8));
    const rw = (m: Decimal.Value) => new Decimal(m).dividedBy(M).times(1000).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2);
    const score = (code: string) => built.groups.find((g) => g.group_code === code)!.score;
    expect(score('K35.8-S01')).toBe(rw(9940)); // (9,000 + 2 × 9,500 + 7 × 10,200) / 10
    expect(score('K35.8-C')).toBe(rw(new Decimal(3000 + 2 * 3200 + 7 * 3400).dividedBy(10)));
    expect(score('K80.1-S01')).toBe(rw(30000)); // only 2024: its weight alone
    expect(score('K35-ZS')).toBe(rw(12000));
    expect(score('J18-ZM')).toBe(rw(2000));
    expect(built.groups.find((g) => g.group_code === 'K35.8-S01')!.mean_cost).toBe(994000);
  });

  it('computes the budget point value as Σ n·m / Σ n·RW', () => {
    const n = [16, 15, 15, 6, 17];
    const m = [new Decimal(3000 + 2 * 3200 + 7 * 3400).dividedBy(10), new Decimal(9940), new Decimal(30000), new Decimal(2000), new Decimal(12000)];
    const rw = built.groups.map((g) => new Decimal(g.score));
    const num = n.reduce((s, k, i) => s.plus(m[i]!.times(k)), new Decimal(0));
    const den = n.reduce((s, k, i) => s.plus(rw[i]!.times(k)), new Decimal(0));
    expect(built.pointValue.toFixed()).toBe(num.dividedBy(den).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed());
  });

  it('reports the CV per group', () => {
    const a = built.report.find((r) => r.code === 'K35.8-S01')!;
    const costs = [...Array(5).fill(9000), ...Array(5).fill(9500), ...Array(5).fill(10200)];
    const mean = costs.reduce((s, c) => s + c, 0) / 15;
    const sd = Math.sqrt(costs.reduce((s, c) => s + (c - mean) ** 2, 0) / 15);
    expect(a.cv).toBeCloseTo(sd / mean, 12);
    expect(built.report.find((r) => r.code === 'K35-ZS')!.cv).toBe(0);
  });

  it('writes a directory that groups the history as the build counted it', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'dip-built-')), 'dir');
    writeDirectory(built, dir);
    const d = loadDirectorySync(dir);
    const counts = new Map<string, number>();
    for (const c of history.filter((h) => h.total_cost !== null && h.year !== null)) {
      const r = groupDipCase(d, c);
      counts.set(r.groupCode, (counts.get(r.groupCode) ?? 0) + 1);
    }
    expect(Object.fromEntries(counts)).toEqual(Object.fromEntries(built.groups.map((g) => [g.group_code, g.cases])));
    expect(readFileSync(join(dir, 'directory.csv'), 'utf8').split('\n')[2]).toBe(`K35.8-S01,K35.8 47.0100,core-surgical,K35.8,47.0100,,,${built.groups[1]!.score},9940.00,15`);
    expect(JSON.parse(readFileSync(join(dir, 'dip.json'), 'utf8')).build.coverage).toBe(0.6667);
  });

  it('keeps a combination below the threshold out of the core groups, and honours --min-cases', () => {
    const low = buildDirectory(history, { procedureTypes: types, hospitalCoefficients: false, minCases: 14 });
    expect(low.groups.map((g) => g.group_code)).toContain('K35.8-S02');
  });

  it('leaves out years older than the weights cover', () => {
    const b = buildDirectory([...history, ...cases(3, 2021, 1, ['K35.800'])], { procedureTypes: types, hospitalCoefficients: false });
    expect(b.years).toEqual([2022, 2023, 2024]);
    expect(b.lateExclusions.length).toBe(3);
    expect(b.excluded.get('year.too_old')).toBe(3);
  });
});

describe('coefficients computed in a build', () => {
  it('hospital-level coefficients: a level whose cases cost 80 % of their groups’ means gets 0.8', () => {
    // Each group: level-3 cases at the base cost, level-2 cases at 80 % of it, in equal numbers,
    // so a group's mean is 0.9 × base and the ratios are 1 / 0.9 × (1, 0.8).
    const h = [
      ...cases(10, 2024, 1000, ['A01.000'], [], { hospital_level: 3 }),
      ...cases(10, 2024, 800, ['A01.000'], [], { hospital_level: 2 }),
      ...cases(10, 2024, 5000, ['B01.000'], [], { hospital_level: 3 }),
      ...cases(10, 2024, 4000, ['B01.000'], [], { hospital_level: 2 }),
    ];
    const b = buildDirectory(h, { procedureTypes: types, minCases: 15 });
    expect([...b.hospitalCoefficients].map(([l, k]) => [l, k.toFixed()])).toEqual([
      [2, new Decimal(0.8).dividedBy(0.9).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed()],
      [3, new Decimal(1).dividedBy(0.9).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed()],
    ]);
  });

  it('auxiliary subtypes: coefficient = subtype mean / group mean, kept when they cut the CV', () => {
    const h = [...cases(30, 2024, 1000, ['A01.000'], [], { age: 40 }), ...cases(10, 2024, 3000, ['A01.000'], [], { age: 70 }), ...cases(20, 2024, 1000, ['B01.000'], [], { age: 70 })];
    const b = buildDirectory(h, { procedureTypes: types, minCases: 15, auxiliary: { age: [{ name: '65+', unit: 'years', from: 65 }] } });
    // A01: mean (30 × 1,000 + 10 × 3,000) / 40 = 1,500; subtype mean 3,000 → 2.
    expect(b.subtypes).toEqual([{ group_code: 'A01.0-C', subtype: 'age:65+', cases: 10, mean_cost: 300000, coefficient: '2' }]);
    const a = b.report.find((r) => r.code === 'A01.0-C')!;
    // CV of 30 × 1,000 and 10 × 3,000 (0.577) against 30 × 1,000 and 10 × 3,000 / 2 (0.192).
    expect([a.cv, a.cvAdjusted].map((x) => x.toFixed(4))).toEqual(['0.5774', '0.1925']);
    // B01: every case is 65+ with one cost: no CV to cut, no subtype kept.
    expect(b.report.find((r) => r.code === 'B01.0-C')!.subtypes).toEqual([]);
  });
});
