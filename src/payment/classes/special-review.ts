/**
 * Special review (特病单议): the hospital flagged the case for review. The
 * regional cap (a share of cases) cannot be known per case; hospital
 * settlement enforces it and pays cases over the cap under their ordinary class.
 */
import { ANY_CASE, type ClassRule } from '../types.js';

export const specialReview: ClassRule = {
  name: 'special_review',
  holds: (c, p) => c.review && p.reviewEnabled,
  // It holds only for flagged cases.
  notHolding: () => ANY_CASE,
  holdsAtCost: () => null,
  explain: () => 'class special_review: flagged for special review (subject to the cap at hospital settlement)',
};
