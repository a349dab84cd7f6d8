/**
 * Weights from history: the worked examples (RW from group means, year
 * weighting, CV and RIV), trimming (log-cost SD, exact percentiles against a
 * sort-based reference), filters, flags, adjustment and rescaling, the
 * spill file, and the weight table loader with its error messages.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError, formatIssue } from '../src/errors.js';
import { Decimal } from '../src/money.js';
import { computeWeights } from '../weights/compute.js';
import { historyFromArray, historyFromSpill, SPILL_RECORD, writeSpill, type HistoryCase } from '../weights/history.js';
import { loadWeightRows, loadWeightTable, parseWeightTable, weightFor, weightTableFromRows } from '../weights/table.js';
import { formatWeightTable } from '../weights/write.js';
import { MINI, scheme } from './helpers.js';

const yuan = (y: number) => Math.round(y * 100);
const cases = (drg: string, costs: number[], year = 2024, los: number | null = 5): HistoryCase[] => costs.map((c) => ({ drg, year, cost: yuan(c), los }));
const rep = (n: number, v: number) => Array.from({ length: n }, () => v);
const group = (r: ReturnType<typeof computeWeights>, drg: string) => r.groups.find((g) => g.drg === drg)!;

describe('worked examples', () => {
  it('RW = group mean / overall mean: 8,000 / 25,000 / 60,000 over 10,000 give 0.8 / 2.5 / 6.0', () => {
    // 40 × 8,000 + 2 × 25,000 + 1 × 60,000 = 430,000 over 43 cases: overall mean 10,000.
    const h = [...cases('A1', rep(40, 8000)), ...cases('B1', rep(2, 25000)), ...cases('C1', [60000])];
    const r = computeWeights(historyFromArray(h), { trim: { method: 'none' } });
    expect(r.overallMean.toString()).toBe('10000');
    expect(r.groups.map((g) => [g.drg, g.rw.toString()])).toEqual([['A1', '0.8'], ['B1', '2.5'], ['C1', '6']]);
    // Identical costs survive log-SD trimming too (no loss to rounding in exp/log).
    const t = computeWeights(historyFromArray(h), { trim: { method: 'logsd', k: 3 } });
    expect(t.counts.trimmed).toBe(0);
    expect(t.groups.map((g) => g.rw.toString())).toEqual(['0.8', '2.5', '6']);
  });

  it('CV 0.158 and 0.264 with the sample SD, RIV 0.794', () => {
    const h = [...cases('A1', [8, 9, 10, 11, 12]), ...cases('B1', [20, 25, 30, 35, 40])];
    const r = computeWeights(historyFromArray(h), { trim: { method: 'none' }, minCost: 0 });
    expect(group(r, 'A1').cv!.toFixed(3)).toBe('0.158');
    expect(group(r, 'B1').cv!.toFixed(3)).toBe('0.264');
    expect(r.evaluation.riv!.toFixed(3)).toBe('0.794');
    // The whole set: SD √(1260/9) over mean 20.
    expect(r.evaluation.cv!.toFixed(3)).toBe((Math.sqrt(1260 / 9) / 20).toFixed(3));
    expect(r.evaluation.cvWithin!.toFixed(4)).toBe(((0.158113883 + 0.263523138) / 2).toFixed(4));
  });

  it('weights years 1:2:7: yearly means 9,000 / 9,500 / 10,200 over 5,000 / 5,200 / 5,500 → 9,940 / 5,390', () => {
    const h = [
      ...cases('G1', [9000], 2022), ...cases('H1', [1000], 2022),
      ...cases('G1', [9500], 2023), ...cases('H1', [900], 2023),
      ...cases('G1', [10200], 2024), ...cases('H1', [800], 2024),
    ];
    const r = computeWeights(historyFromArray(h), { trim: { method: 'none' } });
    expect(r.overallMean.toString()).toBe('5390');
    expect(group(r, 'G1').meanCost.toString()).toBe('9940');
    expect(group(r, 'G1').rw.toString()).toBe(new Decimal(9940).dividedBy(5390).toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toString());
    expect(group(r, 'G1').rw.toString()).toBe('1.8442');
    expect(r.years.map((y) => [y.year, y.weight.toString()])).toEqual([[2022, '0.1'], [2023, '0.2'], [2024, '0.7']]);
  });
});

describe('years', () => {
  it('a group without a year renormalises the weights over the years it has', () => {
    const h = [...cases('G1', [1000], 2023), ...cases('G1', [2000], 2024), ...cases('H1', [1000], 2022), ...cases('H1', [1000], 2023), ...cases('H1', [1000], 2024)];
    const r = computeWeights(historyFromArray(h), { trim: { method: 'none' } });
    // G1: (2 × 1000 + 7 × 2000) / 9
    expect(group(r, 'G1').meanCost.toFixed(4)).toBe(new Decimal(16000).dividedBy(9).toFixed(4));
  });

  it('uses the latest years by default, explicit years when given, and counts the rest out of the window', () => {
    const h = [2020, 2021, 2022, 2023].flatMap((y) => cases('G1', [1000 * (y - 2019)], y));
    const r = computeWeights(historyFromArray(h), { trim: { method: 'none' } });
    expect(r.years.map((y) => y.year)).toEqual([2021, 2022, 2023]);
    expect(r.counts.outOfWindow).toBe(1);
    const two = computeWeights(historyFromArray(h), { trim: { method: 'none' }, years: [2020, 2021], yearWeights: [1, 3] });
    expect(two.years.map((y) => [y.year, y.weight.toString()])).toEqual([[2020, '0.25'], [2021, '0.75']]);
    expect(group(two, 'G1').meanCost.toString()).toBe('1750');
    // One year of data takes the last weight alone.
    const one = computeWeights(historyFromArray(cases('G1', [1, 2, 3].map((x) => x * 100))), { trim: { method: 'none' } });
    expect(one.years.map((y) => y.weight.toString())).toEqual(['1']);
    expect(() => computeWeights(historyFromArray(h), { years: [2021, 2020] })).toThrow(/oldest first/);
    expect(() => computeWeights(historyFromArray([]))).toThrow(/no cases/);
  });
});

describe('filters, trimming and flags', () => {
  it('drops stays over the LOS limit and costs under the minimum first (both parameters)', () => {
    const h: HistoryCase[] = [...cases('G1', [1000, 1000, 4.99]), { drg: 'G1', year: 2024, cost: yuan(9000), los: 61 }, { drg: 'G1', year: 2024, cost: yuan(1000), los: 60 }];
    const r = computeWeights(historyFromArray(h), { trim: { method: 'none' } });
    expect(r.counts).toMatchObject({ cases: 5, lowCost: 1, longStay: 1, kept: 3 });
    expect(group(r, 'G1').meanCost.toString()).toBe('1000');
    const loose = computeWeights(historyFromArray(h), { trim: { method: 'none' }, minCost: 0, maxLos: 90 });
    expect(loose.counts.kept).toBe(5);
  });

  it('log-cost mean ± k SD drops the extreme case and reports its side', () => {
    const costs = [...rep(10, 1000), ...rep(10, 1100), ...rep(10, 900), 50000, 10];
    const r = computeWeights(historyFromArray(cases('G1', costs)), { trim: { method: 'logsd', k: 3 }, minCost: 0 });
    const g = group(r, 'G1');
    expect([g.nRaw, g.n, g.trimmedLow, g.trimmedHigh]).toEqual([32, 30, 1, 1]);
    expect(g.meanCost.toString()).toBe('1000');
    expect(r.counts.trimmed).toBe(2);
    expect(g.bounds!.low.lessThan(900) && g.bounds!.high.greaterThan(1100)).toBe(true);
  });

  it('percentile trimming keeps the costs inside the interpolated percentiles', () => {
    const r = computeWeights(historyFromArray(cases('G1', [8, 9, 10, 11, 12])), { trim: { method: 'percentile', low: 10, high: 90 }, minCost: 0 });
    const g = group(r, 'G1');
    expect([g.bounds!.low.toString(), g.bounds!.high.toString()]).toEqual(['8.4', '11.6']);
    expect(g.n).toBe(3);
    expect(g.meanCost.toString()).toBe('10');
  });

  it('percentile trimming matches a sort-based reference on random histories', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 5_000_000 }), { minLength: 1, maxLength: 300 }), fc.integer({ min: 0, max: 20 }), (fen, lowPct) => {
        const h = fen.map((cost) => ({ drg: 'G1', year: 2024, cost, los: 3 }));
        const run = () => computeWeights(historyFromArray(h), { trim: { method: 'percentile', low: lowPct, high: 100 - lowPct }, minCost: 0 });
        const sorted = [...fen].sort((a, b) => a - b);
        const q = (p: number) => {
          const hh = new Decimal(sorted.length - 1).times(p).dividedBy(100);
          const j = hh.floor().toNumber();
          const f = hh.minus(j);
          return j + 1 < sorted.length ? new Decimal(sorted[j]!).plus(f.times(sorted[j + 1]! - sorted[j]!)) : new Decimal(sorted[j]!);
        };
        const lo = q(lowPct);
        const hi = q(100 - lowPct);
        const kept = fen.filter((c) => lo.lessThanOrEqualTo(c) && hi.greaterThanOrEqualTo(c));
        if (kept.length === 0) {
          expect(run).toThrow(/no case is left/);
          return;
        }
        const r = run();
        expect(group(r, 'G1').n).toBe(kept.length);
        expect(group(r, 'G1').pooledMean.toString()).toBe(new Decimal(kept.reduce((a, b) => a + b, 0)).dividedBy(kept.length).dividedBy(100).toString());
      }),
      { numRuns: 200 },
    );
  });

  it('flags groups with few cases or a CV over the limit', () => {
    const h = [...cases('A1', [100, 100, 100]), ...cases('B1', [10, 100, 1000, 10000, 20, 200, 2000])];
    const r = computeWeights(historyFromArray(h), { trim: { method: 'none' }, minCost: 0, minCases: 5, maxCv: 0.7 });
    expect(group(r, 'A1').flags).toEqual(['few_cases']);
    expect(group(r, 'B1').flags).toEqual(['high_cv']);
    expect(r.evaluation).toMatchObject({ fewCaseGroups: 1, highCvGroups: 1 });
  });
});

describe('adjustment and rescaling', () => {
  const h = [...cases('A1', rep(40, 8000)), ...cases('B1', rep(2, 25000)), ...cases('C1', [60000])];
  it('applies policy factors, and keep_total restores Σ n·RW', () => {
    const adjust = new Map([['C1', new Decimal('1.5')]]);
    const plain = computeWeights(historyFromArray(h), { trim: { method: 'none' }, adjust, minCases: 1 });
    expect(group(plain, 'C1').rw.toString()).toBe('9');
    expect(group(plain, 'C1').flags).toEqual(['adjusted']);
    const r = computeWeights(historyFromArray(h), { trim: { method: 'none' }, adjust, rescale: 'keep_total', rwDecimals: 6 });
    // Before: 40 × 0.8 + 2 × 2.5 + 6 = 43; after adjustment 46: factor 43/46.
    expect(r.rescale!.factor.toFixed(10)).toBe(new Decimal(43).dividedBy(46).toFixed(10));
    const total = r.groups.reduce((a, g) => a.plus(g.rw.times(g.n)), new Decimal(0));
    expect(total.toDecimalPlaces(3).toString()).toBe('43');
    expect(group(r, 'A1').rw.toString()).toBe(new Decimal(0.8).times(43).dividedBy(46).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toString());
  });

  it('unit makes the mean RW over the cases 1, and unused adjustments are reported', () => {
    const h2 = [...cases('A1', rep(3, 1000)), ...cases('B1', [4000])];
    const r = computeWeights(historyFromArray(h2), { trim: { method: 'none' }, rescale: 'unit', adjust: new Map([['Z9', new Decimal(2)]]), rwDecimals: 8 });
    const total = r.groups.reduce((a, g) => a.plus(g.rw.times(g.n)), new Decimal(0));
    expect(total.toDecimalPlaces(6).toString()).toBe('4');
    expect(r.warnings).toEqual(['adjustment for DRG Z9 not used: the DRG has no kept case in the history']);
  });
});

describe('history sources', () => {
  it('a spill file reads back the same cases, across chunk boundaries', () => {
    const h: HistoryCase[] = Array.from({ length: 1000 }, (_, i) => ({ drg: i % 3 === 0 ? 'A1' : 'B1', year: 2022 + (i % 3), cost: 100000 + i * 37, los: i % 7 === 0 ? null : i % 40 }));
    const arr = historyFromArray(h);
    const buf = new Uint8Array(h.length * SPILL_RECORD);
    const view = new DataView(buf.buffer);
    const seen: number[][] = [];
    arr.forEach((g, y, c, l) => {
      writeSpill(view, seen.length * SPILL_RECORD, g, y, c, l);
      seen.push([g, y, c, l]);
    });
    const path = join(mkdtempSync(join(tmpdir(), 'drg-spill-')), 'h.bin');
    writeFileSync(path, buf);
    const back: number[][] = [];
    historyFromSpill(path, arr.drgs, 7).forEach((g, y, c, l) => back.push([g, y, c, l]));
    expect(back).toEqual(seen);
    expect(formatWeightTable(computeWeights(historyFromSpill(path, arr.drgs)))).toBe(formatWeightTable(computeWeights(arr)));
  });
});

describe('weight tables', () => {
  const mini = () => scheme(MINI);
  const issues = (f: () => unknown): string[] => {
    try {
      f();
    } catch (e) {
      if (e instanceof DataError) return e.issues.map(formatIssue);
      throw e;
    }
    throw new Error('expected a DataError');
  };

  it('loads defaults and level rows (empty cells fall back to the default row)', () => {
    const t = parseWeightTable('drg,rw,level,mean_cost\nGD15,0.8,,8000.00\nGD15,0.9,3,\n', 'w.csv');
    expect(weightFor(t, 'GD15', null)!.rw.toString()).toBe('0.8');
    expect(weightFor(t, 'GD15', 2)!.rw.toString()).toBe('0.8');
    expect(weightFor(t, 'GD15', 3)!.rw.toString()).toBe('0.9');
    expect(weightFor(t, 'GD15', 3)!.meanCost).toBe(800000);
    expect(weightFor(t, 'XX11', null)).toBeUndefined();
  });

  it('reports DRGs the scheme lacks (error) and DRGs the table misses (warning, or error when required)', () => {
    expect(issues(() => parseWeightTable('drg,rw\nGD15,0.8\nZZ99,1.2\n', 'w.csv', { scheme: mini() }))).toEqual(['w.csv, line 3, column drg: DRG ZZ99 is not in scheme mini-test']);
    const t = parseWeightTable('drg,rw\nGD15,0.8\n', 'w.csv', { scheme: mini() });
    expect(t.coverage!.missing).toContain('GD11');
    expect(t.coverage!.missing).not.toContain('GD1'); // fallback codes need no weight
    expect(t.warnings[0]!.message).toMatch(/^16 DRGs of scheme mini-test have no weight: AA19, GB11/);
    expect(issues(() => parseWeightTable('drg,rw\nGD15,0.8\n', 'w.csv', { scheme: mini(), requireAll: true }))[0]).toMatch(/^w\.csv: 16 DRGs of scheme mini-test have no weight/);
  });

  it('rejects bad rows naming file, line and column', () => {
    expect(issues(() => parseWeightTable('drg,rw\nGD15,-0.8\nGD13,0\nGD11,abc\nGD15,0.9\n', 'w.csv'))).toEqual([
      'w.csv, line 2, column rw: expected a non-negative decimal number such as 1.25 (no sign, no exponent) (found "-0.8")',
      'w.csv, line 3, column rw: must be greater than 0 (found "0")',
      'w.csv, line 4, column rw: expected a non-negative decimal number such as 1.25 (no sign, no exponent) (found "abc")',
    ]);
    expect(issues(() => parseWeightTable('drg,rw\nGD15,0.8\nGD15,0.9\n', 'w.csv'))).toEqual(['w.csv, line 3, column drg: DRG GD15 is already given on line 2']);
    expect(issues(() => parseWeightTable('drg,mean_cost\nGD15,100\n', 'w.csv'))[0]).toBe('w.csv, line 1, column rw: required column "rw" is missing (header has: drg, mean_cost)');
    expect(issues(() => parseWeightTable('drg,rw,level\nGD15,0.9,3\n', 'w.csv'))).toEqual(['w.csv, line 2, column level: DRG GD15 has a row for level 3 but no default row (a row with an empty level)']);
    expect(issues(() => parseWeightTable('drg,rw,mean_cost\nGD15,0.9,-100\n', 'w.csv'))).toEqual(['w.csv, line 2, column mean_cost: must not be negative (found "-100")']);
  });

  it('rows validated on one thread rebuild the same table on another (structured clone), checked against the scheme there', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drg-w-'));
    const path = join(dir, 'w.csv');
    writeFileSync(path, 'drg,rw,level,name,mean_cost,mean_los,points\nGD15,0.8,,,8000.00,4.5,\nGD15,0.9,3,,,,92.5\nGD13,1.25,,Another name,,,\nGD11,0.000012,,,0.00,0,\n');
    const { table, rows } = loadWeightRows(path);
    const again = weightTableFromRows(structuredClone(rows), { scheme: mini() });
    const direct = loadWeightTable(path, { scheme: mini() });
    const plain = (t: typeof table) => JSON.stringify([[...t.entries], [...t.byLevel].map(([d, m]) => [d, [...m]])]);
    expect(plain(again)).toBe(plain(direct));
    expect(plain(table)).toBe(plain(loadWeightTable(path)));
    expect(again.coverage!.missing).toEqual(direct.coverage!.missing);
    for (const e of [...again.entries.values(), ...again.byLevel.get('GD15')!.values()]) expect(e.rw).toBeInstanceOf(Decimal);
    expect(weightFor(again, 'GD15', 3)!.points).toBeInstanceOf(Decimal);
    expect(weightFor(again, 'GD15', null)!.meanLos).toBeInstanceOf(Decimal);
    expect(weightFor(again, 'GD15', 3)!.points!.toString()).toBe('92.5');
    expect(weightFor(again, 'GD15', 3)!.meanLos!.toString()).toBe('4.5'); // from the default row
    expect(weightFor(again, 'GD11', null)!.rw.toString()).toBe('0.000012');
    expect(issues(() => weightTableFromRows(structuredClone(rows), { scheme: scheme('chs-drg-1.1') }))).toContain('w.csv, line 5, column drg: DRG GD11 is not in scheme chs-drg-1.1');
  });

  it('a computed table loads back as a weight table', () => {
    const h = [...cases('GD15', [8000, 8200, 7800]), ...cases('HC19', [25000, 24000])];
    const dir = mkdtempSync(join(tmpdir(), 'drg-w-'));
    writeFileSync(join(dir, 'w.csv'), formatWeightTable(computeWeights(historyFromArray(h), { trim: { method: 'none' } })));
    const t = loadWeightTable(join(dir, 'w.csv'), { scheme: mini() });
    expect(t.entries.get('HC19')!.meanCost).toBe(2450000);
    expect(t.entries.get('GD15')!.rw.toString()).toBe('0.5479'); // 8,000 / (73,000 / 5)
  });
});
