/**
 * The interned form of one case, as the compiled predicates see it.
 *
 * One context object per compiled scheme is reused for every case (grouping
 * is synchronous), so the hot path allocates nothing here. Numeric fields use
 * NaN for "missing"; every predicate checks for it explicitly.
 */
import { type CodeTable, NO_CODE } from './codes.js';
import type { CodeTranslation, Note } from './result.js';
import type { CompiledMdc, CompiledRule, CompiledSplit, DrgInfo } from './scheme.js';

/** A principal-procedure slot emptied by a validation rule (CHS-DRG 2.0). */
export const EMPTY_SLOT = -2;

/** The numeric case fields predicates can name (`cmp`, `nonempty`, `not_null`). */
export const NUMERIC_FIELDS = ['sex', 'age', 'age_days', 'birth_weight', 'los', 'discharge', 'vent_hours'] as const;
export type NumericField = (typeof NUMERIC_FIELDS)[number];
export const LIST_FIELDS = ['diagnoses', 'procedures'] as const;
export type ListField = (typeof LIST_FIELDS)[number];
export const COUNT_FIELDS = ['count(diagnoses)', 'count(procedures)'] as const;

/** The numeric fields of a case as input gives them (a number, or null / absent for missing). */
export type NumbersInput = { readonly [K in NumericField]?: number | null | undefined };

const num = (v: number | null | undefined): number => (typeof v === 'number' ? v : NaN);

/**
 * A case's numeric fields as numbers, NaN for missing — what predicates and
 * quality checks read. The grouping context and the checker's view extend it.
 */
export class CaseNumbers {
  sex = NaN;
  age = NaN;
  age_days = NaN;
  birth_weight = NaN;
  los = NaN;
  discharge = NaN;
  vent_hours = NaN;

  /** Take the numeric fields of a case, missing ones as NaN. */
  setNumbers(c: NumbersInput): void {
    this.sex = num(c.sex);
    this.age = num(c.age);
    this.age_days = num(c.age_days);
    this.birth_weight = num(c.birth_weight);
    this.los = num(c.los);
    this.discharge = num(c.discharge);
    this.vent_hours = num(c.vent_hours);
  }
}

export class CaseContext extends CaseNumbers {
  /** Diagnosis ids, principal first ({@link NO_CODE} for a code the scheme does not know). */
  dx = new Int32Array(32);
  /** The case's own spelling of each diagnosis (untrimmed); entries past nDx are stale. */
  dxRaw: string[] = [];
  nDx = 0;
  /** Procedure ids, principal first ({@link NO_CODE} unknown, {@link EMPTY_SLOT} emptied). */
  px = new Int32Array(32);
  pxRaw: string[] = [];
  nPx = 0;

  constructor(
    private readonly dxTable: CodeTable,
    private readonly pxTable: CodeTable,
  ) {
    super();
  }

  /** Diagnosis i as grouped: the canonical spelling when known, else the trimmed input (raw may be '' for a known code). */
  dxCode(i: number): string {
    const id = this.dx[i]!;
    return id >= 0 ? this.dxTable.codes[id]! : this.dxRaw[i]!.trim();
  }

  /** Procedure i as grouped (see {@link dxCode}). */
  pxCode(i: number): string {
    const id = this.px[i]!;
    return id >= 0 ? this.pxTable.codes[id]! : id === EMPTY_SLOT ? '' : this.pxRaw[i]!.trim();
  }

  /** Complications are computed once per case, on first use. */
  ccDone = false;
  /** Position in `dx` of the first secondary diagnosis that is a non-excluded MCC / CC, or -1. */
  mccPos = -1;
  ccPos = -1;

  /** Warnings and translations of the current case; allocated only when there are some. */
  warnings: Note[] | null = null;
  translations: CodeTranslation[] | null = null;

  /** Where selection ended: the MDC, rule and split (null when not reached). */
  mdc: CompiledMdc | null = null;
  rule: CompiledRule | null = null;
  split: CompiledSplit | null = null;
  /**
   * The {@link DrgInfo.index} of the DRG of the result last built from this
   * context, or -1 when it has none (invalid, ungroupable). Read right after
   * grouping by callers that look things up per DRG (pricing), so they index
   * an array instead of hashing the DRG code.
   */
  drgIndex = -1;

  reset(nDx: number, nPx: number): void {
    if (nDx > this.dx.length) this.dx = new Int32Array(Math.max(nDx, this.dx.length * 2));
    if (nPx > this.px.length) this.px = new Int32Array(Math.max(nPx, this.px.length * 2));
    this.nDx = 0;
    this.nPx = 0;
    this.ccDone = false;
    this.mccPos = -1;
    this.ccPos = -1;
    this.warnings = null;
    this.translations = null;
    this.mdc = null;
    this.rule = null;
    this.split = null;
    this.drgIndex = -1;
  }

  growDx(): void {
    const next = new Int32Array(this.dx.length * 2);
    next.set(this.dx);
    this.dx = next;
  }

  growPx(): void {
    const next = new Int32Array(this.px.length * 2);
    next.set(this.px);
    this.px = next;
  }

  warn(note: Note): void {
    (this.warnings ??= []).push(note);
  }

  /** The principal procedure id, or NO_CODE / EMPTY_SLOT. */
  mainPx(): number {
    return this.nPx > 0 ? this.px[0]! : NO_CODE;
  }

  /** Number of procedures that are not an emptied slot. */
  procedureCount(): number {
    let n = this.nPx;
    if (n > 0 && this.px[0] === EMPTY_SLOT) n--;
    return n;
  }
}
