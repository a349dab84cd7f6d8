/**
 * Types shared by the payment modules: the outlier classes, what a class
 * rule and a pay mode see of a case, and the compiled per-group values.
 */
import type { z } from 'zod';
import type { Decimal } from '../money.js';

/** How a priced case is classed. */
export const OUTLIER_CLASSES = ['normal', 'high', 'low', 'ungroupable', 'long_stay', 'special_review'] as const;
export type OutlierClass = (typeof OUTLIER_CLASSES)[number];

/** Payment method of the region: money rates, or points and a point value. */
export type PaymentMethod = 'rate' | 'points';

/**
 * Everything pricing needs about one DRG at one hospital level and
 * coefficient, computed once and reused for every case of that combination.
 * The decimals (base, standard, ref) are exact (decimal.js) and made when
 * first read; the whole-fen values (standardFen, thresholds) are exact too,
 * found from `approx` where the doubles decide them beyond doubt and with
 * decimal.js otherwise.
 */
export interface GroupTerms {
  /** Sequence number within its pricer (0, 1, 2, … in order of first use), for look-ups by array index. */
  readonly id: number;
  readonly drg: string;
  readonly name: string;
  readonly rw: Decimal;
  readonly coefficient: Decimal;
  /** RW × units per RW (rate in yuan, or points per RW): what outlier formulas scale. */
  readonly base: Decimal;
  /** base × coefficient, in units (yuan or points), exact. */
  readonly standard: Decimal;
  /** The standard as paid: fen (rate method) or rounded points × point value. */
  readonly standardFen: number;
  /** Rounded standard points (points method), else null. */
  readonly standardPoints: Decimal | null;
  /** The outlier reference in fen (payment standard or the group's mean cost), exact. */
  readonly ref: Decimal;
  /** How the reference was found, for traces. */
  readonly refLabel: string;
  /** High outlier: multiple, the band's JSON path, and the whole-fen threshold (high when cost > over). */
  readonly high: { readonly k: Decimal; readonly band: string; readonly over: number } | null;
  /** Low outlier: multiple and the whole-fen threshold (low when cost < under). */
  readonly low: { readonly k: Decimal; readonly under: number } | null;
  /** Words for traces: how the standard was found. */
  readonly how: string;
  /** Output text, formatted once: RW, coefficient, standard (yuan), standard points. */
  readonly text: { readonly rw: string; readonly coefficient: string; readonly standard: string; readonly standardPoints: string };
  /** The same values as doubles (see {@link TermsApprox}). */
  readonly approx: TermsApprox;
}

/**
 * A group's terms as doubles, each within a few units in the last place of
 * the exact value (products and quotients of at most five decimals, no
 * subtraction): what a pay mode's {@link PayMode.approx} reads, so that a
 * class's rounding plan is made without decimal arithmetic (see Linear).
 */
export interface TermsApprox {
  readonly base: number;
  readonly standard: number;
  readonly ref: number;
  readonly coefficient: number;
  /** The high multiple, NaN when the terms have no high band. */
  readonly highK: number;
}

/** A case as the class rules and pay modes see it. */
export interface PricingCase {
  /** The group's terms, or null when the case cannot be paid by DRG (ungroupable, no weight). */
  readonly terms: GroupTerms | null;
  /** Why terms is null (a reason code), else ''. */
  readonly unpaidReason: string;
  /** Total cost, fen. */
  readonly cost: number;
  /** Length of stay, days (NaN when unknown). */
  readonly los: number;
  /** Flagged for special review (特病单议). */
  readonly review: boolean;
}

/** What a class rule and a pay mode may read of the policy. */
export interface PolicyTerms {
  readonly method: PaymentMethod;
  /** Yuan → units: 1 for rates, points per RW / overall mean cost for points. */
  readonly yuanToUnits: Decimal | null;
  /** The same ratio as a fraction [numerator, denominator] (points per RW × 100, overall mean cost in fen), for exact slopes. */
  readonly yuanToUnitsParts: readonly [Decimal, Decimal] | null;
  readonly losLimit: number | null;
  readonly reviewEnabled: boolean;
}

/**
 * A box of cases, for a group's terms: cost in [costMin, costMax] fen and LOS
 * not above losMax days (an unknown LOS is never above). Open sides are ±Infinity.
 */
export interface CaseWindow {
  readonly costMin: number;
  readonly costMax: number;
  readonly losMax: number;
}

/** Every case. */
export const ANY_CASE: CaseWindow = Object.freeze({ costMin: -Infinity, costMax: Infinity, losMax: Infinity });

/** A rule deciding whether a case belongs to an outlier class. Rules run in registry order; the first that holds wins. */
export interface ClassRule {
  readonly name: OutlierClass;
  holds(c: PricingCase, p: PolicyTerms): boolean;
  /** Why it holds, in words (traces). */
  explain(c: PricingCase, p: PolicyTerms): string;
  /**
   * Where the rule does not hold, for cases of terms `t` not flagged for
   * review: a window of cost and LOS, or 'always' when it holds for every
   * case. The pricer intersects the windows of the rules tried before the
   * first 'always' rule, once per terms, so that a case inside needs three
   * comparisons instead of a call per rule. A rule without it turns that
   * shortcut off (every case then goes through `holds`).
   */
  notHolding?(t: GroupTerms, p: PolicyTerms): CaseWindow | 'always';
  /**
   * Where the rule holds by cost alone, for cases of terms `t` not flagged
   * for review whose LOS is not above the losMax of the rule's own
   * {@link notHolding} window: whole-fen costs from `min` to `max`
   * (inclusive, open sides ±Infinity), or null when it holds for none of
   * them. With it on every rule tried before the first 'always' one, the
   * pricer classes such a case by a few comparisons, outliers included
   * (Pricer.quote). A rule without it turns that shortcut off.
   */
  holdsAtCost?(t: GroupTerms, p: PolicyTerms): CostRange | null;
}

/** Whole-fen costs from `min` to `max`, inclusive. */
export interface CostRange {
  readonly min: number;
  readonly max: number;
}

/** Every cost. */
export const ANY_COST: CostRange = Object.freeze({ min: -Infinity, max: Infinity });

/**
 * A way of paying a class of cases. Every mode pays an amount linear in the
 * case's cost: units (yuan or points) = a + cost in fen × m / d, with a, m
 * and d fixed per group, so they are computed once per group and class. The
 * slope is kept as a fraction, divided last: an amount of exactly half a fen
 * (or point unit) is then found exactly, even where m / d does not terminate.
 */
export interface PayMode<P extends { mode: string }> {
  readonly mode: P['mode'];
  /** The mode's entry in the policy's `pay` section. */
  readonly schema: z.ZodType<P>;
  /** Classes the mode can pay (it needs what they provide, e.g. a multiple). */
  readonly classes: readonly OutlierClass[];
  /** The amount's terms: units = a + cost (fen) × m / d (d 1 when not given). `t` is null only for ungroupable cases. */
  linear(t: GroupTerms | null, params: P, p: PolicyTerms): { readonly a: Decimal; readonly m: Decimal; readonly d?: Decimal };
  /**
   * The same formula as {@link linear} on doubles: a and m (the slope m / d)
   * within a few units in the last place of `scale`, the sum of the
   * magnitudes a is made of (|a| itself unless terms cancel), and of |m|. `n` gives a
   * decimal of the params or policy as a double. Pricing takes these
   * doubles wherever they decide the rounding beyond doubt and calls
   * `linear` otherwise (Linear), so the two must state one formula; a test
   * holds them together.
   */
  approx(t: TermsApprox | null, params: P, p: PolicyTerms, n: (d: Decimal) => number): { readonly a: number; readonly m: number; readonly scale: number };
  /** The formula with its numbers, in words (traces). */
  explain(c: PricingCase, params: P, p: PolicyTerms): string;
}
