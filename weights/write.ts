/**
 * Writing computed weights: the weight table CSV (format.ts, loadable as is),
 * a JSON report of everything computed, and a short text summary.
 */
import { csvLine } from '../src/io/csv.js';
import type { Decimal } from '../src/money.js';
import { fixed } from './cells.js';
import type { WeightResult } from './compute.js';
import { WEIGHT_COLUMNS } from './format.js';

/** The weight table CSV: drg,name,rw,mean_cost,mean_los,n,sd,cv,flags. */
export function formatWeightTable(r: WeightResult, rwDecimals = 4): string {
  let s = csvLine(WEIGHT_COLUMNS);
  for (const g of r.groups) {
    s += csvLine([
      g.drg,
      g.name,
      fixed(g.rw, rwDecimals),
      fixed(g.meanCost, 2),
      g.meanLos !== null ? fixed(g.meanLos, 2) : '',
      String(g.n),
      g.sd !== null ? g.sd.toFixed(2) : '',
      g.cv !== null ? g.cv.toFixed(4) : '',
      g.flags.join('|'),
    ]);
  }
  return s;
}

const dec = (d: Decimal | null, places: number): string | null => (d === null ? null : fixed(d, places));
const num = (x: number | null, places: number): number | null => (x === null ? null : Number(x.toFixed(places)));

/** Everything computed, as plain JSON (decimals as text). */
export function weightReport(r: WeightResult, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const e = r.evaluation;
  return {
    ...extra,
    trim: r.trim,
    counts: r.counts,
    years: r.years.map((y) => ({ year: y.year, weight: fixed(y.weight, 4), cases: y.cases, mean_cost: fixed(y.meanCost, 2) })),
    overall_mean_cost: fixed(r.overallMean, 2),
    rescale: r.rescale === null ? null : { mode: r.rescale.mode, factor: fixed(r.rescale.factor, 8), total_before: fixed(r.rescale.totalBefore, 4), total_after: fixed(r.rescale.totalAfter, 4) },
    evaluation: {
      cases: e.cases,
      groups: e.groups,
      riv: num(e.riv, 4),
      cv: num(e.cv, 4),
      cv_within: num(e.cvWithin, 4),
      high_cv_groups: e.highCvGroups,
      few_case_groups: e.fewCaseGroups,
      grouping_rate: num(e.groupingRate, 4),
      mdcs: e.mdcs.map((m) => ({ mdc: m.mdc, groups: m.groups, cases: m.cases, cv: num(m.cv, 4), cv_within: num(m.cvWithin, 4), riv: num(m.riv, 4), high_cv_groups: m.highCvGroups })),
    },
    groups: r.groups.map((g) => ({
      drg: g.drg,
      name: g.name,
      mdc: g.mdc,
      n_raw: g.nRaw,
      n: g.n,
      trimmed_low: g.trimmedLow,
      trimmed_high: g.trimmedHigh,
      bounds: g.bounds === null ? null : { low: fixed(g.bounds.low, 2), high: fixed(g.bounds.high, 2) },
      by_year: g.byYear.map((y) => ({ year: y.year, n: y.n, mean_cost: fixed(y.meanCost, 2) })),
      mean_cost: fixed(g.meanCost, 2),
      pooled_mean_cost: fixed(g.pooledMean, 2),
      sd: num(g.sd, 2),
      cv: num(g.cv, 4),
      mean_los: dec(g.meanLos, 2),
      rw_raw: fixed(g.rwRaw, 6),
      rw: g.rw.toString(),
      flags: g.flags,
    })),
    warnings: r.warnings,
  };
}

const pct = (x: number | null): string => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
const f3 = (x: number | null): string => (x === null ? '–' : x.toFixed(3));

/** A few lines for the terminal: counts, the window, the scheme's evaluation, per MDC. */
export function weightSummary(r: WeightResult, perMdc = true): string {
  const c = r.counts;
  const e = r.evaluation;
  const lines = [
    `history: ${c.cases} grouped cases with cost and year = ${c.kept} kept + ${c.trimmed} trimmed (${r.trim}) + ${c.lowCost} under the minimum cost + ${c.longStay} over the LOS limit + ${c.outOfWindow} outside the years`,
    `years: ${r.years.map((y) => `${y.year} (weight ${fixed(y.weight, 3)}, ${y.cases} cases, mean ${fixed(y.meanCost, 2)})`).join(', ')}; overall mean cost ${fixed(r.overallMean, 2)}`,
    `groups: ${e.groups} with weights; ${e.fewCaseGroups} with few cases, ${e.highCvGroups} with CV over the limit`,
    `scheme evaluation: RIV ${f3(e.riv)}, CV of all cases ${f3(e.cv)}, case-weighted mean of group CVs ${f3(e.cvWithin)}, grouping rate ${pct(e.groupingRate)}`,
  ];
  if (r.rescale !== null) lines.push(`rescaled (${r.rescale.mode}) by ${fixed(r.rescale.factor, 6)}`);
  if (perMdc && e.mdcs.length > 0) {
    lines.push('  MDC    groups    cases     CV  group CV    RIV  CV>limit');
    for (const m of e.mdcs) lines.push(`  ${m.mdc.padEnd(6)} ${String(m.groups).padStart(6)} ${String(m.cases).padStart(8)} ${f3(m.cv).padStart(6)} ${f3(m.cvWithin).padStart(9)} ${f3(m.riv).padStart(6)} ${String(m.highCvGroups).padStart(9)}`);
  }
  for (const w of r.warnings) lines.push(`note: ${w}`);
  return lines.join('\n');
}
