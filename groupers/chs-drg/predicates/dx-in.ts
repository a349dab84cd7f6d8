import { membershipKind } from './membership.js';
import { BOTH, V2_ONLY } from './types.js';

/** `main_dx_in L`: the principal diagnosis is in L. */
export const mainDxIn = membershipKind('dx', 'main', BOTH);
/** `any_dx_in L`: some diagnosis, principal included, is in L. */
export const anyDxIn = membershipKind('dx', 'any', BOTH);
/** `other_dx_in L` (2.0): some secondary diagnosis is in L. */
export const otherDxIn = membershipKind('dx', 'other', V2_ONLY);
