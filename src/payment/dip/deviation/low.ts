/** Low deviation: cost below `low` (50 %) of the standard → score × cost / standard. */
import type { DeviationRule } from './types.js';

export const low: DeviationRule = {
  kind: 'low',
  side: 'below',
  threshold: (t) => t.low,
  score: (adjusted, ratio) => adjusted.times(ratio),
  review: false,
  formula: (t) => `cost < ${t.low.times(100).toFixed()} % of the standard: score × cost / standard`,
};
