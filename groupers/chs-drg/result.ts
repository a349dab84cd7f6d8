/**
 * What grouping returns. One shape for every status, so callers (CLI,
 * bulk runner, pricing) handle results without branching on type.
 */
import type { TraceStep } from './trace.js';

export type GroupStatus = 'grouped' | 'ungroupable' | 'invalid' | 'ambiguous';
export type CcLevel = 'MCC' | 'CC' | 'none';

/** DRG code of ungroupable and invalid cases. */
export const NO_DRG = '0000';

/** A machine-readable reason (why invalid / ungroupable) or warning, with a readable message. */
export interface Note {
  /** Stable code, e.g. `sex.invalid`, `age_days.missing`, `dx.unknown`. */
  readonly code: string;
  /** The case field concerned, when there is one. */
  readonly field?: string;
  readonly message: string;
}

/** One code replaced by the scheme's translation maps. */
export interface CodeTranslation {
  readonly field: 'diagnoses' | 'procedures';
  /** 1-based position in the list. */
  readonly position: number;
  readonly from: string;
  readonly to: string;
}

export interface GroupResult {
  readonly id: string;
  readonly status: GroupStatus;
  /** e.g. `MDCG`; null when no MDC was decided. */
  readonly mdc: string | null;
  readonly adrg: string | null;
  /** e.g. `GD23`; `0000` when ungroupable or invalid; `<letter>QY` when ambiguous. */
  readonly drg: string;
  readonly drgName: string;
  /** The complication level the DRG split used. */
  readonly ccLevel: CcLevel;
  /** The secondary diagnosis that supplied that level (canonical spelling), or null. */
  readonly ccDx: string | null;
  /** Why the case is invalid or ungroupable (empty when grouped). */
  readonly reasons: readonly Note[];
  /** Things that did not stop grouping: unknown codes, translations. */
  readonly warnings: readonly Note[];
  /** Codes replaced by translation (when translation is on). */
  readonly translations: readonly CodeTranslation[];
  /** Ordered decision steps, when asked for. */
  readonly trace?: readonly TraceStep[];
}

export const NONE: readonly never[] = Object.freeze([]);
