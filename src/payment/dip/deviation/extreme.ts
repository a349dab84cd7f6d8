/**
 * Extreme deviation: cost above `extreme` (5×) the standard. Scored like a
 * high deviation and flagged for expert review (special review, capped per
 * region at settlement).
 */
import { high } from './high.js';
import type { DeviationRule } from './types.js';

export const extreme: DeviationRule = {
  kind: 'extreme',
  side: 'above',
  threshold: (t) => t.extreme,
  slope: high.slope,
  intercept: high.intercept,
  review: true,
  formula: (t) => `cost > ${t.extreme.toFixed()} × the standard: scored as high (score × (cost / standard − ${t.high.toFixed()} + 1)) and flagged for expert review`,
};
