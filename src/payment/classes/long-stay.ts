/** Long stay: length of stay above the policy's limit (e.g. 60 days). */
import { ANY_CASE, type ClassRule } from '../types.js';

export const longStay: ClassRule = {
  name: 'long_stay',
  holds: (c, p) => p.losLimit !== null && c.los > p.losLimit,
  notHolding: (_t, p) => (p.losLimit === null ? ANY_CASE : { ...ANY_CASE, losMax: p.losLimit }),
  // Not above the limit, whatever the cost.
  holdsAtCost: () => null,
  explain: (c, p) => `class long_stay: LOS ${c.los} > limit ${p.losLimit} days`,
};
