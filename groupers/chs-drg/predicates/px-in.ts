import { membershipKind } from './membership.js';
import { BOTH, V2_ONLY } from './types.js';

/** `main_px_in L`: the principal procedure is in L (false when the slot was emptied). */
export const mainPxIn = membershipKind('px', 'main', BOTH);
/** `any_px_in L`: some procedure, principal included, is in L. */
export const anyPxIn = membershipKind('px', 'any', BOTH);
/** `other_px_in L` (2.0): some procedure from position 2 onward is in L. */
export const otherPxIn = membershipKind('px', 'other', V2_ONLY);
