/**
 * Score adjustments: coefficients that multiply a group's score for one case
 * (auxiliary subtype, hospital level). Each lives in its own module and is
 * registered in index.ts; the adjusted score is the score times every
 * adjustment's coefficient.
 */
import type { CompiledDirectory, CompiledGroup } from '../../../../groupers/dip/directory.js';
import type { DipNote } from '../../../../groupers/dip/group.js';
import type { SubtypeInput } from '../../../../groupers/dip/subtypes/index.js';
import type { Decimal } from '../../../money.js';

/** What adjustments read of a case. */
export interface AdjustInput extends SubtypeInput {
  readonly hospitalLevel: number | null;
}

export interface Adjustment {
  /** 1 when nothing applies. */
  readonly coefficient: Decimal;
  /** What applied (a subtype code, `level 3`), or null. */
  readonly label: string | null;
  /** Equal slots (for one group) mean equal coefficients: the key of the scorer's memo. */
  readonly slot: number;
  readonly note?: DipNote;
  /** In words, for traces. */
  readonly text: string;
}

export interface AdjustmentKind {
  readonly name: string;
  /**
   * Build the adjustment for a directory: `slots` distinct slots, and a
   * function of the group and case. Per-directory work (texts, look-ups) is
   * done here once, so applying it to a case allocates nothing in the
   * common cases.
   */
  compile(d: CompiledDirectory): CompiledAdjustment;
}

export interface CompiledAdjustment {
  readonly slots: number;
  apply(g: CompiledGroup, c: AdjustInput): Adjustment;
  /** The adjustment of every case of a group when it does not depend on the case, else null (then `apply` is called per case). */
  fixed(g: CompiledGroup): Adjustment | null;
}
