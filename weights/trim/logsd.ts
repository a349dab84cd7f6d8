/**
 * Log-cost trimming: per group, drop cases whose log cost lies more than
 * k sample standard deviations from the group's mean log cost.
 *
 * Statistics, not money: means and spreads of logs are binary floating point,
 * summed in file order so results are deterministic. The comparison is done
 * on the log scale (with a 1e-12 tolerance) so that a group of identical
 * costs never loses a case to rounding in exp().
 */
import type { TrimMethod } from './types.js';

export interface LogSdParams {
  /** Number of standard deviations (e.g. 3). */
  readonly k: number;
}

export const logsd: TrimMethod<LogSdParams> = {
  name: 'logsd',
  create({ k }, groups) {
    if (!(k > 0) || !Number.isFinite(k)) throw new RangeError(`trim k must be a positive number (got ${k})`);
    const n = new Float64Array(groups);
    const sum = new Float64Array(groups);
    const ss = new Float64Array(groups);
    const mean = new Float64Array(groups);
    const limit = new Float64Array(groups).fill(Infinity);
    return {
      passes: 2,
      description: `log-cost mean ± ${k} SD`,
      visit(pass, g, cost) {
        const x = Math.log(cost);
        if (pass === 0) {
          n[g]!++;
          sum[g]! += x;
        } else {
          const d = x - mean[g]!;
          ss[g]! += d * d;
        }
      },
      endPass(pass) {
        for (let g = 0; g < groups; g++) {
          if (pass === 0) mean[g] = n[g]! > 0 ? sum[g]! / n[g]! : 0;
          else if (n[g]! >= 2) limit[g] = (k * k * ss[g]!) / (n[g]! - 1) + 1e-12;
        }
      },
      keep(g, cost) {
        const d = Math.log(cost) - mean[g]!;
        return d * d <= limit[g]!;
      },
      bounds(g) {
        if (limit[g] === Infinity) return null;
        const r = Math.sqrt(limit[g]!);
        return { low: Math.exp(mean[g]! - r), high: Math.exp(mean[g]! + r) };
      },
    };
  },
};
