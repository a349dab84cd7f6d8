/** High deviation: cost above `high` (200 %) of the standard → score × (cost / standard − high + 1). */
import type { DeviationRule } from './types.js';

export const high: DeviationRule = {
  kind: 'high',
  side: 'above',
  threshold: (t) => t.high,
  score: (adjusted, ratio, t) => adjusted.times(ratio.minus(t.high).plus(1)),
  review: false,
  formula: (t) => `cost > ${t.high.times(100).toFixed()} % of the standard: score × (cost / standard − ${t.high.toFixed()} + 1)`,
};
