/**
 * The compiled form of a scheme package: everything grouping needs, built
 * once at load time. Nothing here is re-read or re-parsed per case.
 */
import type { DataIssue } from '../../src/errors.js';
import type { CodeTable } from './codes.js';
import type { ListMatrix, ListRef } from './lists.js';
import type { CaseContext } from './context.js';
import type { Semantics } from './format.js';
import type { ComplicationTables, Pred } from './predicates/types.js';
import type { SemanticsRules } from './semantics/types.js';

export type SplitKind = 'MCC' | 'MCC_OR_CC' | 'ALWAYS';

export interface CompiledSplit {
  readonly drg: string;
  /** The DRG's {@link DrgInfo.index}. */
  readonly drgIndex: number;
  readonly name: string;
  readonly split: SplitKind;
  readonly cond: Pred;
  readonly line: number;
}

/**
 * A necessary condition lifted out of a predicate at compile time: the
 * principal diagnosis (kind 1) or principal procedure (kind 2) must be in a
 * list, tested inline as one bit of that code's row. Kind 0: no prefilter;
 * kind 3: the list is empty, so the predicate can never hold.
 */
export interface Prefilter {
  readonly preKind: 0 | 1 | 2 | 3;
  readonly preWord: number;
  readonly preBit: number;
}

export interface CompiledRule extends Prefilter {
  readonly ruleId: string;
  readonly adrg: string;
  readonly mdc: string;
  readonly section: 'surgical' | 'medical';
  /** ADRG name when the package gives one (2.0), else ''. */
  readonly name: string;
  readonly cond: Pred;
  readonly splits: readonly CompiledSplit[];
  /** DRG code and name when no split matches (never in the national tables). */
  readonly fallback: { readonly drg: string; readonly drgIndex: number; readonly name: string };
  readonly line: number;
}

export interface CompiledMdc extends Prefilter {
  readonly mdc: string;
  readonly name: string;
  readonly evalOrder: number;
  readonly stage: 'pre' | 'principal';
  /** What happens when the entry holds but no ADRG rule matches. */
  readonly onNoAdrg: 'next' | 'stop';
  readonly entry: Pred;
  readonly rules: readonly CompiledRule[];
  /**
   * The rules' prefilters packed one word per rule (`word << 7 | bit << 2 | kind`),
   * so the rule loop reads one dense array and touches a rule object only when
   * its prefilter passes.
   */
  readonly rulePre: Int32Array;
  /** The MDC's principal-diagnosis list (mdc_dx.csv). */
  readonly list: ListRef;
  /** Ambiguous-group code of the MDC (2.0), e.g. `GQY`. */
  readonly qyCode: string | null;
  /** Its {@link DrgInfo.index}, or -1. */
  readonly qyIndex: number;
}

export interface DrgInfo {
  readonly drg: string;
  /**
   * Position of the DRG in `CompiledScheme.drgs` (0, 1, 2, … in insertion
   * order): callers that keep something per DRG (the pricer's terms) index
   * arrays by it instead of hashing the code for every case.
   */
  readonly index: number;
  readonly name: string;
  readonly adrg: string;
  readonly mdc: string;
  readonly split: SplitKind | 'FALLBACK' | 'QY';
}

/** Code translation maps (dx_code_map.csv / proc_code_map.csv): source code id → target id, or -1. */
export interface Translation {
  readonly dx: Int32Array;
  readonly px: Int32Array;
}

/** Validation lists of CHS-DRG 2.0. */
export interface ValidationLists {
  readonly grayDx: ListRef;
  readonly grayPx: ListRef;
  readonly invalidPrincipalDx: ListRef;
  readonly invalidPrincipalPx: ListRef;
  /** Per code id: {@link CODE_GRAY} | {@link CODE_NOT_PRINCIPAL} (the lists above, as one byte). */
  readonly dxFlags: Uint8Array;
  readonly pxFlags: Uint8Array;
}

/** Validation flag: the code is gray (may not be used as principal). */
export const CODE_GRAY = 1;
/** Validation flag: the code may not be principal. */
export const CODE_NOT_PRINCIPAL = 2;

/**
 * Candidate MDCs per principal code: bit i stands for `mdcs[i]`. An MDC whose
 * entry has a principal-diagnosis prefilter is a candidate when the principal
 * diagnosis's `dx` mask has its bit, likewise for procedures; MDCs without a
 * prefilter are in `always`. The walk then visits one to three MDCs instead
 * of every one. Built only when there are at most 32 MDCs.
 */
export interface MdcCandidates {
  readonly always: number;
  readonly dx: Uint32Array;
  readonly px: Uint32Array;
  /** Bits of MDCs that a code at any position can make candidates (null when no MDC needs it). */
  readonly dxAny: Uint32Array | null;
  readonly pxAny: Uint32Array | null;
}

export interface CompiledScheme {
  readonly id: string;
  readonly title: string;
  readonly semantics: Semantics;
  /** The behaviour that differs between semantics versions. */
  readonly rules: SemanticsRules;
  /** Absolute folder the package was loaded from. */
  readonly dir: string;
  readonly dx: CodeTable;
  readonly px: CodeTable;
  readonly complications: ComplicationTables;
  /** Code-major rows: per-code values and one bit per list (see lists.ts). */
  readonly dxMatrix: ListMatrix;
  readonly pxMatrix: ListMatrix;
  /** MDCs in evaluation order. */
  readonly mdcs: readonly CompiledMdc[];
  readonly mdcCandidates: MdcCandidates | null;
  readonly drgs: ReadonlyMap<string, DrgInfo>;
  readonly translation: Translation | undefined;
  readonly validation: ValidationLists | undefined;
  /** Things worth knowing about the package that do not stop it loading. */
  readonly warnings: readonly DataIssue[];
  /** Milliseconds spent reading, validating and compiling. */
  readonly loadMs: number;
  /** Reused for every case; grouping is synchronous. */
  readonly ctx: CaseContext;
}
