/**
 * Deviation rules (偏差病例): how a case whose cost is far from its standard
 * cost is scored. Each rule lives in its own module and is registered, in the
 * order they are tried, in index.ts.
 *
 * A rule's score is affine in the ratio r = cost / standard:
 *
 *   score = adjusted score × (slope × r + intercept)
 *
 * which covers the national rules (low: r; high: r − high + 1) and lets the
 * scorer compute every score exactly with integers.
 */
import type { Decimal } from '../../../money.js';
import type { DeviationThresholds } from '../../../../groupers/dip/directory.js';

export type DeviationKind = 'low' | 'high' | 'extreme';

export interface DeviationRule {
  readonly kind: DeviationKind;
  /** The case is below (`below`) or above (`above`) the threshold multiple of its standard. */
  readonly side: 'below' | 'above';
  /** The threshold, as a multiple of the standard cost. */
  threshold(t: DeviationThresholds): Decimal;
  slope(t: DeviationThresholds): Decimal;
  intercept(t: DeviationThresholds): Decimal;
  /** Cases under this rule are flagged for expert review (special review). */
  readonly review: boolean;
  /** The formula in words, for traces. */
  formula(t: DeviationThresholds): string;
}
