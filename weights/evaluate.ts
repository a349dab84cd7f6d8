/**
 * Evaluating a grouping scheme on the kept history cases (domain brief §4):
 *
 * - within-group CV = sample SD / mean of each group (> 0.7 flags a group);
 * - overall CV = SD / mean of all kept cases, and the case-weighted mean of
 *   the groups' CVs;
 * - RIV = 1 − SS_within / SS_total (the share of cost variance the grouping
 *   explains; ≥ 70 % is desired);
 * - the same per MDC (SS_total taken around the MDC's own mean);
 * - the grouping rate (share of cases in a DRG) comes from the grouping counts.
 *
 * These are statistics: binary floating point, two passes (means, then sums
 * of squared deviations) in a fixed order, so results are deterministic.
 */
import type { HistorySource } from './history.js';

export interface MdcEvaluation {
  readonly mdc: string;
  readonly groups: number;
  readonly cases: number;
  /** CV of all kept cases of the MDC. */
  readonly cv: number | null;
  /** Case-weighted mean of the MDC's group CVs. */
  readonly cvWithin: number | null;
  readonly riv: number | null;
  readonly highCvGroups: number;
}

export interface SchemeEvaluation {
  readonly cases: number;
  readonly groups: number;
  readonly riv: number | null;
  /** CV of all kept cases. */
  readonly cv: number | null;
  /** Case-weighted mean of the group CVs. */
  readonly cvWithin: number | null;
  readonly highCvGroups: number;
  readonly fewCaseGroups: number;
  /** grouped / read of the history, when the grouping counts were given. */
  readonly groupingRate: number | null;
  readonly mdcs: readonly MdcEvaluation[];
}

type Window = (visit: (g: number, yi: number, cost: number, los: number) => void) => void;

/** Per-group SD and CV (in fen) of the kept cases, and a summary builder. */
export function evaluate(source: HistorySource, present: readonly number[], inWindow: Window, keep: (g: number, cost: number) => boolean, mdcOf: (g: number) => string) {
  const G = source.drgs.length;
  const n = new Float64Array(G);
  const sum = new Float64Array(G);
  const ssWithin = new Float64Array(G);
  const mdcNames = [...new Set(present.map(mdcOf))].sort();
  const mdcIndex = new Map(mdcNames.map((m, i) => [m, i]));
  const mdcOfGroup = Int32Array.from({ length: G }, (_, g) => mdcIndex.get(mdcOf(g)) ?? -1);
  const M = mdcNames.length;
  const mdcN = new Float64Array(M);
  const mdcSum = new Float64Array(M);
  const mdcSs = new Float64Array(M);
  let allN = 0;
  let allSum = 0;
  inWindow((g, _y, cost) => {
    if (!keep(g, cost)) return;
    n[g]!++;
    sum[g]! += cost;
    allN++;
    allSum += cost;
    const m = mdcOfGroup[g]!;
    if (m >= 0) {
      mdcN[m]!++;
      mdcSum[m]! += cost;
    }
  });
  const mean = Float64Array.from(n, (c, g) => (c > 0 ? sum[g]! / c : 0));
  const mdcMean = Float64Array.from(mdcN, (c, m) => (c > 0 ? mdcSum[m]! / c : 0));
  const allMean = allN > 0 ? allSum / allN : 0;
  let ssTotal = 0;
  inWindow((g, _y, cost) => {
    if (!keep(g, cost)) return;
    const d = cost - mean[g]!;
    ssWithin[g]! += d * d;
    const t = cost - allMean;
    ssTotal += t * t;
    const m = mdcOfGroup[g]!;
    if (m >= 0) {
      const e = cost - mdcMean[m]!;
      mdcSs[m]! += e * e;
    }
  });
  const sd: (number | null)[] = Array.from({ length: G }, (_, g) => (n[g]! >= 2 ? Math.sqrt(ssWithin[g]! / (n[g]! - 1)) : null));
  const cv: (number | null)[] = sd.map((s, g) => (s === null || mean[g] === 0 ? null : s / mean[g]!));

  const weightedCv = (groups: readonly number[]): number | null => {
    let num = 0;
    let den = 0;
    for (const g of groups) {
      if (cv[g] === null) continue;
      num += cv[g]! * n[g]!;
      den += n[g]!;
    }
    return den > 0 ? num / den : null;
  };
  const riv = (groups: readonly number[], total: number): number | null => {
    if (!(total > 0)) return null;
    let within = 0;
    for (const g of groups) within += ssWithin[g]!;
    return 1 - within / total;
  };
  const spread = (ss: number, count: number, avg: number): number | null => (count >= 2 && avg > 0 ? Math.sqrt(ss / (count - 1)) / avg : null);

  return {
    sd,
    cv,
    summary(groups: readonly { readonly flags: readonly string[] }[], maxCv: number): Omit<SchemeEvaluation, 'groupingRate'> {
      const mdcs: MdcEvaluation[] = mdcNames.map((mdc, m) => {
        const gs = present.filter((g) => mdcOfGroup[g] === m);
        return {
          mdc,
          groups: gs.length,
          cases: mdcN[m]!,
          cv: spread(mdcSs[m]!, mdcN[m]!, mdcMean[m]!),
          cvWithin: weightedCv(gs),
          riv: riv(gs, mdcSs[m]!),
          highCvGroups: gs.filter((g) => cv[g] !== null && cv[g]! > maxCv).length,
        };
      });
      return {
        cases: allN,
        groups: present.length,
        riv: riv(present, ssTotal),
        cv: spread(ssTotal, allN, allMean),
        cvWithin: weightedCv(present),
        highCvGroups: groups.filter((g) => g.flags.includes('high_cv')).length,
        fewCaseGroups: groups.filter((g) => g.flags.includes('few_cases')).length,
        mdcs: mdcNames[0] === '' && mdcNames.length === 1 ? [] : mdcs,
      };
    },
  };
}
