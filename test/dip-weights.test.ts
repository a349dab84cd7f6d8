/**
 * DIP scores from history: yearly means weighted 1:2:7, RW = m / M × 1000,
 * trimming and CV.
 */
import { describe, expect, it } from 'vitest';
import { Decimal } from '../src/money.js';
import { coefficientOfVariation, parseTrim, relativeScore, trimRange, weightedMean, YearTotals, yearWeights } from '../weights/dip-scores.js';

describe('year weighting and scores', () => {
  it('the worked example: 9,000 / 9,500 / 10,200 and 5,000 / 5,200 / 5,500 weighted 1:2:7 → 9,940 and 5,390 → RW 1,844.16', () => {
    const w = yearWeights([2022, 2023, 2024]);
    expect([...w]).toEqual([
      [2022, 1],
      [2023, 2],
      [2024, 7],
    ]);
    const m = weightedMean(new Map([[2022, 9000], [2023, 9500], [2024, 10200]]), w)!;
    const M = weightedMean(new Map([[2022, 5000], [2023, 5200], [2024, 5500]]), w)!;
    expect([m.toFixed(), M.toFixed()]).toEqual(['9940', '5390']);
    expect(relativeScore(m, M).toFixed(2)).toBe('1844.16');
    expect(relativeScore(m, M, 100).toFixed(2)).toBe('184.42');
  });

  it('gives the latest years the last weights, and drops the weight of a year without cases', () => {
    expect([...yearWeights([2024, 2023])]).toEqual([
      [2023, 2],
      [2024, 7],
    ]);
    expect(() => yearWeights([2021, 2022, 2023, 2024])).toThrow(/4 years/);
    const w = yearWeights([2022, 2023, 2024]);
    expect(weightedMean(new Map([[2022, 9000], [2024, 10200]]), w)!.toFixed()).toBe(new Decimal(9000 + 7 * 10200).dividedBy(8).toFixed());
    expect(weightedMean(new Map(), w)).toBeUndefined();
  });

  it('keeps yearly means exact', () => {
    const t = new YearTotals();
    for (const c of [100, 200, 201]) t.add(2024, c);
    expect(t.means().get(2024)!.toFixed(6)).toBe('167.000000');
    expect(t.cases).toBe(3);
  });
});

describe('trimming and CV', () => {
  it('parses the trimming rules', () => {
    expect(parseTrim('none')).toEqual({ kind: 'none' });
    expect(parseTrim('log-sd:3')).toEqual({ kind: 'log-sd', k: 3 });
    expect(parseTrim('pct:2.5')).toEqual({ kind: 'percentile', lower: 2.5, upper: 97.5 });
    expect(parseTrim('pct:5-95')).toEqual({ kind: 'percentile', lower: 5, upper: 95 });
    expect(parseTrim('pct:60-40')).toMatch(/not a trimming rule/);
  });

  it('keeps costs between nearest-rank percentiles', () => {
    const costs = Array.from({ length: 100 }, (_, i) => (i + 1) * 100);
    expect(trimRange(costs, { kind: 'percentile', lower: 5, upper: 95 })).toEqual({ lo: 500, hi: 9500 });
    expect(trimRange(costs, { kind: 'none' })).toEqual({ lo: -Infinity, hi: Infinity });
  });

  it('keeps costs within k SD of the mean log cost', () => {
    const costs = [...Array.from({ length: 50 }, () => 1000), ...Array.from({ length: 50 }, () => 4000), 1_000_000].sort((a, b) => a - b);
    const { lo, hi } = trimRange(costs, { kind: 'log-sd', k: 2 });
    expect(lo).toBeLessThan(1000);
    expect(hi).toBeGreaterThan(4000);
    expect(hi).toBeLessThan(1_000_000);
  });

  it('computes the CV as SD / mean', () => {
    expect(coefficientOfVariation([10, 10, 10])).toBe(0);
    expect(coefficientOfVariation([5, 15])).toBeCloseTo(0.5, 12);
    expect(coefficientOfVariation([7])).toBe(0);
  });
});
