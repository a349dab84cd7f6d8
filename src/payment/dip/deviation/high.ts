/** High deviation: cost above `high` (200 %) of the standard → score × (cost / standard − high + 1). */
import { Decimal } from '../../../money.js';
import type { DeviationRule } from './types.js';

export const high: DeviationRule = {
  kind: 'high',
  side: 'above',
  threshold: (t) => t.high,
  slope: () => new Decimal(1),
  intercept: (t) => new Decimal(1).minus(t.high),
  review: false,
  formula: (t) => `cost > ${t.high.times(100).toFixed()} % of the standard: score × (cost / standard − ${t.high.toFixed()} + 1)`,
};
