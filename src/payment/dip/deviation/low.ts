/** Low deviation: cost below `low` (50 %) of the standard → score × cost / standard. */
import { Decimal } from '../../../money.js';
import type { DeviationRule } from './types.js';

export const low: DeviationRule = {
  kind: 'low',
  side: 'below',
  threshold: (t) => t.low,
  slope: () => new Decimal(1),
  intercept: () => new Decimal(0),
  review: false,
  formula: (t) => `cost < ${t.low.times(100).toFixed()} % of the standard: score × cost / standard`,
};
