/**
 * Relative weights from history (domain brief §4):
 *
 *   drop stays over the LOS limit and costs under the minimum → keep the
 *   years of the window → trim each group's extreme costs → per group and
 *   year: mean cost → group mean = year-weighted mean of its yearly means
 *   (weights 1:2:7 by default, renormalised over the years the group has) →
 *   overall mean likewise over all kept cases → RW = group mean / overall mean
 *   → optional policy adjustment and budget-neutral rescaling → rounded once.
 *
 * Money sums are exact (integer fen, then decimal.js); spreads (SD, CV, RIV)
 * are statistics in binary floating point, summed in a fixed order.
 */
import { Decimal, type Fen } from '../src/money.js';
import type { CompiledScheme } from '../groupers/chs-drg/index.js';
import type { HistorySource } from './history.js';
import { createTrimmer, type TrimSpec } from './trim/index.js';
import { evaluate, type SchemeEvaluation } from './evaluate.js';

export type RescaleMode = 'none' | 'keep_total' | 'unit';

export interface WeightOptions {
  /** How extreme costs are trimmed per group (default log-cost mean ± 3 SD). */
  readonly trim?: TrimSpec;
  /** Cases costing less than this (fen) are dropped first (default 500 = 5 yuan). */
  readonly minCost?: Fen;
  /** Cases staying longer than this many days are dropped first (default 60). */
  readonly maxLos?: number;
  /** Weights of the years, oldest first (default 1, 2, 7). */
  readonly yearWeights?: readonly Decimal.Value[];
  /** The years to use, oldest first, one per weight (default: the latest years of the history). */
  readonly years?: readonly number[];
  /** Groups with fewer kept cases are flagged `few_cases` (default 5). */
  readonly minCases?: number;
  /** Groups with a higher CV are flagged `high_cv` (default 0.7). */
  readonly maxCv?: number;
  /** Decimals of the published RW, rounded half up (default 4). */
  readonly rwDecimals?: number;
  /** Policy adjustment factors by DRG (RW × factor). */
  readonly adjust?: ReadonlyMap<string, Decimal>;
  /**
   * Rescaling after adjustment: `keep_total` keeps Σ n_g·RW_g as it was before
   * adjustment; `unit` makes it equal the number of cases (mean RW 1); `none` (default).
   */
  readonly rescale?: RescaleMode;
  /** Names and MDCs of the DRGs (for the table and the per-MDC evaluation). */
  readonly scheme?: CompiledScheme;
  /** Grouping counts of the history, for the grouping rate. */
  readonly grouping?: { readonly read: number; readonly grouped: number };
}

export interface YearSummary {
  readonly year: number;
  /** Normalised weight of the year. */
  readonly weight: Decimal;
  /** Kept cases of the year. */
  readonly cases: number;
  /** Mean cost of the kept cases of the year, yuan. */
  readonly meanCost: Decimal;
}

export interface GroupWeight {
  readonly drg: string;
  readonly name: string;
  readonly mdc: string;
  /** Cases in the window after the cost and LOS filters, before trimming. */
  readonly nRaw: number;
  /** Kept cases. */
  readonly n: number;
  readonly trimmedLow: number;
  readonly trimmedHigh: number;
  /** Trimming bounds, yuan (null when nothing could be trimmed). */
  readonly bounds: { readonly low: Decimal; readonly high: Decimal } | null;
  readonly byYear: readonly { readonly year: number; readonly n: number; readonly meanCost: Decimal }[];
  /** Year-weighted mean cost, yuan (exact). */
  readonly meanCost: Decimal;
  /** Mean cost over all kept cases, unweighted, yuan. */
  readonly pooledMean: Decimal;
  /** Sample standard deviation of the kept costs, yuan (null under 2 cases). */
  readonly sd: number | null;
  /** sd / pooled mean (null under 2 cases). */
  readonly cv: number | null;
  /** Year-weighted mean LOS, days (null when no case has one). */
  readonly meanLos: Decimal | null;
  /** Group mean / overall mean, unrounded, before adjustment. */
  readonly rwRaw: Decimal;
  /** Published RW: adjusted, rescaled, rounded. */
  readonly rw: Decimal;
  /** `few_cases`, `high_cv`, `adjusted`. */
  readonly flags: readonly string[];
}

export interface WeightCounts {
  /** Cases in the source. */
  readonly cases: number;
  readonly outOfWindow: number;
  readonly lowCost: number;
  readonly longStay: number;
  readonly trimmed: number;
  readonly kept: number;
}

export interface WeightResult {
  readonly trim: string;
  readonly years: readonly YearSummary[];
  /** Year-weighted overall mean cost, yuan. */
  readonly overallMean: Decimal;
  readonly groups: readonly GroupWeight[];
  readonly counts: WeightCounts;
  readonly rescale: { readonly mode: RescaleMode; readonly factor: Decimal; readonly totalBefore: Decimal; readonly totalAfter: Decimal } | null;
  readonly evaluation: SchemeEvaluation;
  /** Things worth knowing that did not stop the computation (unused adjustments). */
  readonly warnings: readonly string[];
}

/** Compute weights from a history source. Throws RangeError for bad options or an empty history. */
export function computeWeights(source: HistorySource, options: WeightOptions = {}): WeightResult {
  const G = source.drgs.length;
  const minCost = options.minCost ?? 500;
  const maxLos = options.maxLos ?? 60;
  const minCases = options.minCases ?? 5;
  const maxCv = options.maxCv ?? 0.7;
  const rwDecimals = options.rwDecimals ?? 4;
  const yearWeights = (options.yearWeights ?? [1, 2, 7]).map((w) => new Decimal(w));
  if (yearWeights.length === 0 || yearWeights.some((w) => w.lessThanOrEqualTo(0))) throw new RangeError('year weights must be positive numbers');
  if (!Number.isInteger(rwDecimals) || rwDecimals < 0 || rwDecimals > 10) throw new RangeError(`RW decimals must be 0–10 (got ${rwDecimals})`);

  // The window: explicit years, or the latest years present; the latest gets the last weight.
  let years: number[];
  if (options.years !== undefined) {
    years = [...options.years];
    if (years.length === 0 || years.length > yearWeights.length) throw new RangeError(`give 1 to ${yearWeights.length} years (one per year weight)`);
    if (years.some((y, i) => i > 0 && y <= years[i - 1]!)) throw new RangeError('years must be given oldest first, without repeats');
  } else {
    const present = new Set<number>();
    source.forEach((_g, y) => present.add(y));
    years = [...present].sort((a, b) => a - b).slice(-yearWeights.length);
  }
  if (years.length === 0) throw new RangeError('the history has no cases');
  const weightsUsed = yearWeights.slice(yearWeights.length - years.length);
  const Y = years.length;
  const yearIndex = new Map(years.map((y, i) => [y, i]));

  // Pass: filters and counts; then the trimmer's own passes over the cases that survive the filters.
  let cases = 0;
  let outOfWindow = 0;
  let lowCost = 0;
  let longStay = 0;
  const nRaw = new Float64Array(G);
  const inWindow = (visit: (g: number, yi: number, cost: number, los: number) => void): void =>
    source.forEach((g, year, cost, los) => {
      const yi = yearIndex.get(year);
      if (yi === undefined || cost < minCost || los > maxLos) return;
      visit(g, yi, cost, los);
    });
  source.forEach((g, year, cost, los) => {
    cases++;
    if (!yearIndex.has(year)) outOfWindow++;
    else if (cost < minCost) lowCost++;
    else if (los > maxLos) longStay++;
    else nRaw[g]!++;
  });
  const trimmer = createTrimmer(options.trim ?? { method: 'logsd', k: 3 }, G);
  for (let p = 0; p < trimmer.passes; p++) {
    inWindow((g, _yi, cost) => trimmer.visit(p, g, cost));
    trimmer.endPass(p);
  }

  // Kept cases: sums per group and year (fen sums are whole numbers, exact below 2^53).
  const n = new Float64Array(G * Y);
  const sum = new Float64Array(G * Y);
  const losSum = new Float64Array(G * Y);
  const losN = new Float64Array(G * Y);
  const trimmedLow = new Float64Array(G);
  const trimmedHigh = new Float64Array(G);
  inWindow((g, yi, cost, los) => {
    if (!trimmer.keep(g, cost)) {
      const b = trimmer.bounds(g);
      if (b !== null && cost < b.low) trimmedLow[g]!++;
      else trimmedHigh[g]!++;
      return;
    }
    const k = g * Y + yi;
    n[k]!++;
    sum[k]! += cost;
    if (los === los) {
      losN[k]!++;
      losSum[k]! += los;
    }
  });
  for (const s of sum) if (!Number.isSafeInteger(s)) throw new RangeError('cost sums exceed 2^53 fen: split the history');

  // Year means of all kept cases, and the year-weighted overall mean.
  const yearN = new Array<number>(Y).fill(0);
  const yearSum = new Array<number>(Y).fill(0);
  for (let g = 0; g < G; g++) for (let y = 0; y < Y; y++) {
    yearN[y]! += n[g * Y + y]!;
    yearSum[y]! += sum[g * Y + y]!;
  }
  const totalKept = yearN.reduce((a, b) => a + b, 0);
  if (totalKept === 0) throw new RangeError('no case is left after the filters and trimming');
  const fenToYuan = (fen: Decimal): Decimal => fen.dividedBy(100);
  const weighted = (means: (Decimal | null)[]): Decimal | null => {
    let num = new Decimal(0);
    let den = new Decimal(0);
    means.forEach((m, y) => {
      if (m === null) return;
      num = num.plus(m.times(weightsUsed[y]!));
      den = den.plus(weightsUsed[y]!);
    });
    return den.isZero() ? null : num.dividedBy(den);
  };
  const yearMeans = years.map((_, y) => (yearN[y]! > 0 ? fenToYuan(new Decimal(yearSum[y]!).dividedBy(yearN[y]!)) : null));
  const overallMean = weighted(yearMeans)!;
  const weightTotal = weightsUsed.reduce((a, w, y) => (yearN[y]! > 0 ? a.plus(w) : a), new Decimal(0));

  // Per group: means, RW.
  const info = (drg: string) => options.scheme?.drgs.get(drg);
  interface Partial {
    g: number;
    n: number;
    meanCost: Decimal;
    pooledMean: Decimal;
    meanLos: Decimal | null;
    rwRaw: Decimal;
    byYear: { year: number; n: number; meanCost: Decimal }[];
  }
  const partial: Partial[] = [];
  for (let g = 0; g < G; g++) {
    let ng = 0;
    let sg = 0;
    const means: (Decimal | null)[] = [];
    const losMeans: (Decimal | null)[] = [];
    const byYear: { year: number; n: number; meanCost: Decimal }[] = [];
    for (let y = 0; y < Y; y++) {
      const k = g * Y + y;
      ng += n[k]!;
      sg += sum[k]!;
      const m = n[k]! > 0 ? fenToYuan(new Decimal(sum[k]!).dividedBy(n[k]!)) : null;
      means.push(m);
      losMeans.push(losN[k]! > 0 ? new Decimal(losSum[k]!).dividedBy(losN[k]!) : null);
      if (m !== null) byYear.push({ year: years[y]!, n: n[k]!, meanCost: m });
    }
    if (ng === 0) continue;
    const meanCost = weighted(means)!;
    partial.push({ g, n: ng, meanCost, pooledMean: fenToYuan(new Decimal(sg).dividedBy(ng)), meanLos: weighted(losMeans), rwRaw: meanCost.dividedBy(overallMean), byYear });
  }

  // Adjustment and rescaling.
  const adjust = options.adjust ?? new Map<string, Decimal>();
  const withCases = new Set(partial.map((p) => source.drgs[p.g]!));
  const warnings = [...adjust.keys()].filter((d) => !withCases.has(d)).map((d) => `adjustment for DRG ${d} not used: the DRG has no kept case in the history`);
  const adjusted = partial.map((p) => p.rwRaw.times(adjust.get(source.drgs[p.g]!) ?? 1));
  const mode = options.rescale ?? 'none';
  let factor = new Decimal(1);
  let rescale: WeightResult['rescale'] = null;
  if (mode !== 'none') {
    const before = partial.reduce((a, p) => a.plus(p.rwRaw.times(p.n)), new Decimal(0));
    const after = partial.reduce((a, p, i) => a.plus(adjusted[i]!.times(p.n)), new Decimal(0));
    const target = mode === 'keep_total' ? before : new Decimal(totalKept);
    factor = target.dividedBy(after);
    rescale = { mode, factor, totalBefore: after, totalAfter: target };
  }

  // Spreads for CV and the scheme evaluation.
  const ev = evaluate(source, partial.map((p) => p.g), inWindow, (g, cost) => trimmer.keep(g, cost), (g) => info(source.drgs[g]!)?.mdc ?? '');

  const groups: GroupWeight[] = partial.map((p, i) => {
    const drg = source.drgs[p.g]!;
    const sd = ev.sd[p.g]!;
    const cv = ev.cv[p.g]!;
    const flags: string[] = [];
    if (p.n < minCases) flags.push('few_cases');
    if (cv !== null && cv > maxCv) flags.push('high_cv');
    if (adjust.has(drg)) flags.push('adjusted');
    const b = trimmer.bounds(p.g);
    return {
      drg,
      name: info(drg)?.name ?? '',
      mdc: info(drg)?.mdc ?? '',
      nRaw: nRaw[p.g]!,
      n: p.n,
      trimmedLow: trimmedLow[p.g]!,
      trimmedHigh: trimmedHigh[p.g]!,
      bounds: b === null ? null : { low: new Decimal(b.low).dividedBy(100), high: new Decimal(b.high).dividedBy(100) },
      byYear: p.byYear,
      meanCost: p.meanCost,
      pooledMean: p.pooledMean,
      sd: sd === null ? null : sd / 100,
      cv,
      meanLos: p.meanLos,
      rwRaw: p.rwRaw,
      rw: adjusted[i]!.times(factor).toDecimalPlaces(rwDecimals, Decimal.ROUND_HALF_UP),
      flags,
    };
  });
  groups.sort((a, b) => (a.drg < b.drg ? -1 : a.drg > b.drg ? 1 : 0));

  const trimmed = groups.reduce((a, g) => a + g.trimmedLow + g.trimmedHigh, 0);
  return {
    trim: trimmer.description,
    years: years.map((year, y) => ({ year, weight: yearN[y]! > 0 ? weightsUsed[y]!.dividedBy(weightTotal) : new Decimal(0), cases: yearN[y]!, meanCost: yearMeans[y] ?? new Decimal(0) })),
    overallMean,
    groups,
    counts: { cases, outOfWindow, lowCost, longStay, trimmed, kept: totalKept },
    rescale,
    evaluation: {
      ...ev.summary(groups, maxCv),
      groupingRate: options.grouping !== undefined && options.grouping.read > 0 ? options.grouping.grouped / options.grouping.read : null,
    },
    warnings,
  };
}
