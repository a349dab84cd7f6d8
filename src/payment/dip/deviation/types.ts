/**
 * Deviation rules (偏差病例): how a case whose cost is far from its standard
 * cost is scored. Each rule lives in its own module and is registered, in the
 * order they are tried, in index.ts.
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
  /** The case score from the adjusted group score and ratio = cost / standard. */
  score(adjusted: Decimal, ratio: Decimal, t: DeviationThresholds): Decimal;
  /** Cases under this rule are flagged for expert review (special review). */
  readonly review: boolean;
  /** The formula in words, for traces. */
  formula(t: DeviationThresholds): string;
}
