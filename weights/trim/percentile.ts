/**
 * Percentile trimming: per group, keep the cases whose cost lies within the
 * [low, high] percentiles (linear interpolation between order statistics,
 * as spreadsheet PERCENTILE.INC does), found exactly without holding every
 * cost in memory:
 *
 *   pass 0: count each group's costs in fine bins of log cost;
 *   then:   the ranks needed (⌊h⌋ and ⌊h⌋+1, h = (n−1)·p) fall in known bins;
 *   pass 1: collect only the costs in those bins, sort them, read the ranks.
 *
 * Bins are monotone in cost, so ranks inside a bin are ranks in the group.
 */
import { Decimal } from '../../src/money.js';
import type { TrimMethod } from './types.js';

export interface PercentileParams {
  /** Lower and upper percentiles, e.g. 2.5 and 97.5. */
  readonly low: Decimal.Value;
  readonly high: Decimal.Value;
}

/** Bins over ln(cost in fen) from 0 to 32 (up to about 8e13 fen): width 0.01. */
const BINS = 3200;
const binOf = (cost: number): number => {
  const b = Math.floor(Math.log(cost) * 100);
  return b < 0 ? 0 : b >= BINS ? BINS - 1 : b;
};

export const percentile: TrimMethod<PercentileParams> = {
  name: 'percentile',
  create(params, groups) {
    const low = new Decimal(params.low);
    const high = new Decimal(params.high);
    if (low.lessThan(0) || high.greaterThan(100) || !low.lessThan(high)) throw new RangeError(`trim percentiles must satisfy 0 ≤ low < high ≤ 100 (got ${low}, ${high})`);
    // Dense per-group histograms: groups × 3,200 counters (a 1,000-group scheme takes 12.8 MB).
    const hist = new Uint32Array(groups * BINS);
    const count = new Float64Array(groups);
    /** Per group: the bins whose costs pass 1 collects, with the number of costs before each. */
    const wanted: Map<number, { before: number; values: number[] }>[] = [];
    /** Per group: the ranks to read for low and high. */
    const ranks: { lo: [number, Decimal]; hi: [number, Decimal] }[] = [];
    const minKeep = new Float64Array(groups).fill(-Infinity);
    const maxKeep = new Float64Array(groups).fill(Infinity);
    const exact: ({ low: number; high: number } | null)[] = new Array(groups).fill(null);
    const at = (n: number, p: Decimal): [number, Decimal] => {
      const h = new Decimal(n - 1).times(p).dividedBy(100);
      const j = h.floor();
      return [j.toNumber(), h.minus(j)];
    };
    return {
      passes: 2,
      description: `percentiles ${low}–${high}`,
      visit(pass, g, cost) {
        if (pass === 0) {
          hist[g * BINS + binOf(cost)]!++;
          count[g]!++;
          return;
        }
        const w = wanted[g]?.get(binOf(cost));
        if (w !== undefined) w.values.push(cost);
      },
      endPass(pass) {
        for (let g = 0; g < groups; g++) {
          const n = count[g]!;
          if (n === 0) continue;
          if (pass === 0) {
            const lo = at(n, low);
            const hi = at(n, high);
            ranks[g] = { lo, hi };
            const need = new Set([lo[0], Math.min(lo[0] + 1, n - 1), hi[0], Math.min(hi[0] + 1, n - 1)]);
            const bins = new Map<number, { before: number; values: number[] }>();
            let before = 0;
            for (let b = 0; b < BINS && need.size > 0; b++) {
              const c = hist[g * BINS + b]!;
              for (const r of [...need]) {
                if (r >= before && r < before + c) {
                  bins.set(b, { before, values: [] });
                  need.delete(r);
                }
              }
              before += c;
            }
            wanted[g] = bins;
          } else {
            const bins = wanted[g]!;
            for (const w of bins.values()) w.values.sort((a, b) => a - b);
            const rank = (r: number): number => {
              for (const w of bins.values()) if (r >= w.before && r < w.before + w.values.length) return w.values[r - w.before]!;
              throw new Error('percentile rank not collected');
            };
            const value = ([j, frac]: [number, Decimal]): Decimal => {
              const a = new Decimal(rank(j));
              return frac.isZero() || j + 1 >= n ? a : a.plus(frac.times(new Decimal(rank(j + 1)).minus(a)));
            };
            const lo = value(ranks[g]!.lo);
            const hi = value(ranks[g]!.hi);
            // Costs are whole fen: lo ≤ cost ≤ hi exactly when ⌈lo⌉ ≤ cost ≤ ⌊hi⌋.
            minKeep[g] = lo.ceil().toNumber();
            maxKeep[g] = hi.floor().toNumber();
            exact[g] = { low: lo.toNumber(), high: hi.toNumber() };
          }
        }
      },
      keep: (g, cost) => cost >= minKeep[g]! && cost <= maxKeep[g]!,
      bounds: (g) => exact[g] ?? null,
    };
  },
};
