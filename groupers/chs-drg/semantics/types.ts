import type { CaseContext } from '../context.js';
import type { Note } from '../result.js';
import type { CompiledScheme } from '../scheme.js';

/**
 * The parts of grouping that differ between semantics versions. The MDC /
 * ADRG / split walk itself is shared (engine.ts) and reads the rest from data
 * (`on_no_adrg`, `section`, QY codes).
 */
export interface SemanticsRules {
  /** Patient-information check: reasons that make the case `invalid`, or null. */
  checkPatient(c: CaseContext): Note[] | null;
  /**
   * Code checks before MDC selection: reasons that make the case
   * `ungroupable`, or null. May empty the principal-procedure slot.
   */
  checkCodes(c: CaseContext, s: CompiledScheme): Note[] | null;
  /** Whether a medical ADRG with a principal procedure yields the ambiguous `QY` group. */
  readonly ambiguousQy: boolean;
}
