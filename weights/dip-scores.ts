/**
 * DIP scores from history (domain.md §5):
 *
 *   RW_i = m_i / M × multiplier
 *
 * where m_i is group i's mean cost and M the mean cost of all cases, each
 * taken per year and weighted over up to three years 1:2:7 (oldest to
 * newest), after optional trimming of outliers. Also the within-group CV
 * and the directory's coverage used to judge a directory.
 *
 * Means are exact (decimal.js over integer fen); scores are rounded once,
 * half up, to the directory's score decimals. Trimming and CV are
 * statistics over costs and use floating point (they decide which cases
 * count, never an amount).
 */
import { Decimal } from '../src/money.js';

/** The national default: three years weighted 1:2:7, oldest first. */
export const DEFAULT_YEAR_WEIGHTS: readonly number[] = [1, 2, 7];

/**
 * Weight of each year of a history: the latest year takes the last weight,
 * the year before the one before it, and so on. More years than weights is
 * an error (the caller drops older years first).
 */
export function yearWeights(years: Iterable<number>, weights: readonly number[] = DEFAULT_YEAR_WEIGHTS): Map<number, number> {
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  if (sorted.length > weights.length) throw new RangeError(`${sorted.length} years (${sorted.join(', ')}) but only ${weights.length} year weights (${weights.join(':')})`);
  const offset = weights.length - sorted.length;
  return new Map(sorted.map((y, i) => [y, weights[offset + i]!]));
}

/**
 * Σ w_y · mean_y / Σ w_y over the years that have a mean; years without
 * cases do not count (their weight drops out). Undefined without any year.
 */
export function weightedMean(yearMeans: ReadonlyMap<number, Decimal.Value>, weights: ReadonlyMap<number, number>): Decimal | undefined {
  let num = new Decimal(0);
  let den = 0;
  for (const [year, mean] of yearMeans) {
    const w = weights.get(year);
    if (w === undefined) throw new RangeError(`year ${year} has no weight`);
    num = num.plus(new Decimal(mean).times(w));
    den += w;
  }
  return den === 0 ? undefined : num.dividedBy(den);
}

/** RW = m / M × multiplier, rounded once, half up, to `decimals`. */
export function relativeScore(groupMean: Decimal.Value, overallMean: Decimal.Value, multiplier = 1000, decimals = 2): Decimal {
  return new Decimal(groupMean).dividedBy(overallMean).times(multiplier).toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP);
}

/** Per-year sums of a set of cases: cases and total cost (fen) by year. */
export class YearTotals {
  readonly n = new Map<number, number>();
  readonly sum = new Map<number, number>();

  add(year: number, costFen: number): void {
    this.n.set(year, (this.n.get(year) ?? 0) + 1);
    this.sum.set(year, (this.sum.get(year) ?? 0) + costFen);
  }

  get cases(): number {
    let k = 0;
    for (const v of this.n.values()) k += v;
    return k;
  }

  /** Exact mean cost per year, in fen. */
  means(): Map<number, Decimal> {
    const out = new Map<number, Decimal>();
    for (const [y, n] of this.n) out.set(y, new Decimal(this.sum.get(y)!).dividedBy(n));
    return out;
  }

  /** The year-weighted mean cost in fen (undefined without cases). */
  weightedMean(weights: ReadonlyMap<number, number>): Decimal | undefined {
    return weightedMean(this.means(), weights);
  }
}

// ---------------------------------------------------------------------------
// Trimming

/** How outliers are trimmed inside each group before means are taken. */
export type TrimSpec =
  | { readonly kind: 'none' }
  /** Keep costs whose natural log is within k standard deviations of the group's mean log cost. */
  | { readonly kind: 'log-sd'; readonly k: number }
  /** Keep costs between the lower and upper percentiles (nearest rank), inclusive. */
  | { readonly kind: 'percentile'; readonly lower: number; readonly upper: number };

/** Parse `none`, `log-sd:3`, `pct:2.5` (2.5–97.5) or `pct:5-95`. */
export function parseTrim(text: string): TrimSpec | string {
  const s = text.trim();
  if (s === 'none') return { kind: 'none' };
  let m = /^log-sd:(\d+(?:\.\d+)?)$/.exec(s);
  if (m !== null && Number(m[1]) > 0) return { kind: 'log-sd', k: Number(m[1]) };
  m = /^pct:(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?$/.exec(s);
  if (m !== null) {
    const lower = Number(m[1]);
    const upper = m[2] !== undefined ? Number(m[2]) : 100 - lower;
    if (lower >= 0 && upper <= 100 && lower < upper) return { kind: 'percentile', lower, upper };
  }
  return `"${text}" is not a trimming rule: use none, log-sd:<k> (e.g. log-sd:3) or pct:<p> / pct:<lo>-<hi> (e.g. pct:2.5, pct:5-95)`;
}

/**
 * The inclusive cost range (fen) a group keeps, from its costs sorted
 * ascending. `none` keeps everything; `log-sd` needs positive costs (others
 * fall outside).
 */
export function trimRange(sorted: ArrayLike<number>, spec: TrimSpec): { lo: number; hi: number } {
  const n = sorted.length;
  if (spec.kind === 'none' || n === 0) return { lo: -Infinity, hi: Infinity };
  if (spec.kind === 'percentile') {
    const rank = (p: number) => Math.min(n, Math.max(1, Math.ceil((p / 100) * n)));
    return { lo: spec.lower === 0 ? -Infinity : sorted[rank(spec.lower) - 1]!, hi: spec.upper === 100 ? Infinity : sorted[rank(spec.upper) - 1]! };
  }
  let k = 0;
  let s = 0;
  let s2 = 0;
  for (let i = 0; i < n; i++) {
    const x = sorted[i]!;
    if (x <= 0) continue;
    const l = Math.log(x);
    k++;
    s += l;
    s2 += l * l;
  }
  if (k === 0) return { lo: Infinity, hi: -Infinity };
  const mean = s / k;
  const sd = Math.sqrt(Math.max(0, s2 / k - mean * mean));
  return { lo: Math.max(Number.MIN_VALUE, Math.exp(mean - spec.k * sd)), hi: Math.exp(mean + spec.k * sd) };
}

// ---------------------------------------------------------------------------
// Evaluation

/** Coefficient of variation SD / mean (population SD) of costs; 0 for fewer than two cases or a zero mean. */
export function coefficientOfVariation(costs: ArrayLike<number>): number {
  const n = costs.length;
  if (n < 2) return 0;
  let s = 0;
  for (let i = 0; i < n; i++) s += costs[i]!;
  const mean = s / n;
  if (mean === 0) return 0;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (costs[i]! - mean) ** 2;
  return Math.sqrt(ss / n) / mean;
}

/** Share of cases in core groups (core surgical, core conservative, primary care). */
export function coverage(coreCases: number, allCases: number): number {
  return allCases === 0 ? 0 : coreCases / allCases;
}
