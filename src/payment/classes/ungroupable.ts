/** Ungroupable: no DRG payment is possible (not grouped, ambiguous, invalid, or the DRG has no weight). */
import { ANY_CASE, type ClassRule } from '../types.js';

const WHY: Record<string, string> = {
  ungroupable: 'the case could not be grouped (DRG 0000)',
  ambiguous: 'the case is ambiguous (QY group)',
  invalid: 'the case is invalid for grouping',
  'weight.missing': 'the DRG has no weight in the weight table',
};

export const ungroupable: ClassRule = {
  name: 'ungroupable',
  holds: (c) => c.terms === null,
  // It holds only without terms.
  notHolding: () => ANY_CASE,
  // Cases with terms are grouped and weighted.
  holdsAtCost: () => null,
  explain: (c) => `class ungroupable: ${WHY[c.unpaidReason] ?? c.unpaidReason}`,
};
