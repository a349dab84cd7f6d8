/** Long stay: length of stay above the policy's limit (e.g. 60 days). */
import type { ClassRule } from '../types.js';

export const longStay: ClassRule = {
  name: 'long_stay',
  holds: (c, p) => p.losLimit !== null && c.los > p.losLimit,
  explain: (c, p) => `class long_stay: LOS ${c.los} > limit ${p.losLimit} days`,
};
