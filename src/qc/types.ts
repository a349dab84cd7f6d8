/**
 * The shapes of the quality-check engine: findings, the case as checked, and
 * what a rule is. A rule is a small pure function over a prepared view of one
 * case (codes already looked up, per-code facts already known); it reports
 * what is wrong, the engine attaches the rule id and severity.
 */
import type { Case } from '../case/schema.js';
import type { Fen } from '../money.js';
import type { CompiledScheme, Semantics } from '../../groupers/chs-drg/index.js';

/** `error` blocks grouping and payment; `warning` does not. */
export type Severity = 'error' | 'warning';
export const SEVERITIES: readonly Severity[] = ['error', 'warning'];

/** One problem found in one case. */
export interface Finding {
  /** Stable rule id, e.g. `sex.dx`, `required.los`. */
  readonly rule: string;
  readonly severity: Severity;
  /** The field concerned: a canonical case field, or an itemised cost column. */
  readonly field: string;
  /** The offending value as given ('' when it is missing). */
  readonly value: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
}

/**
 * A case as the checker takes it: the canonical fields (any may be missing:
 * missing is what the `required.*` rules look for), plus optional itemised
 * costs (column name → fen; see README "Itemised costs").
 */
export type QcInput = { readonly [K in keyof Case]?: Case[K] | undefined } & {
  readonly cost_items?: Readonly<Record<string, Fen | null>> | null | undefined;
};

/** Numeric parameters of the rules (defaults in config.ts, overridable per region). */
export interface QcParams {
  readonly age: { readonly min: number; readonly max: number };
  readonly age_days: { readonly min: number; readonly max: number };
  readonly birth_weight: { readonly min: number; readonly max: number };
  readonly discharge_codes: readonly number[];
  readonly obstetric_age: { readonly min: number; readonly max: number };
  /** Perinatal (P) codes are allowed while age (years) is at most this. */
  readonly perinatal_max_age: number;
  /** A newborn is at most this many days old (birth weight required). */
  readonly newborn_max_days: number;
  /** Ventilation hours allowed per day of stay, counted over los + 1 days. */
  readonly vent_hours_per_day: number;
  /** Header prefix of itemised cost columns in case files. */
  readonly cost_column_prefix: string;
  /** Weight of a warnings-only case in the quality score (an error case weighs 1). */
  readonly score_warning_weight: number;
}

/**
 * One case prepared for the rules: numbers (NaN when missing), codes trimmed
 * and looked up once in the scheme, and each code's facts (bit flags, see
 * facts.ts). The engine owns one view and refills it for every case.
 */
export interface CaseView {
  readonly input: QcInput;
  readonly scheme: CompiledScheme;
  readonly params: QcParams;
  readonly sex: number;
  readonly age: number;
  readonly age_days: number;
  readonly birth_weight: number;
  readonly los: number;
  readonly discharge: number;
  readonly vent_hours: number;
  /** admit_date and discharge_date as days since 1970-01-01 (NaN when missing). */
  readonly admitDay: number;
  readonly dischargeDay: number;
  readonly nDx: number;
  /** Diagnosis codes as given (trimmed), principal first; first nDx entries are valid. */
  readonly dx: readonly string[];
  /** Scheme code ids (-1 when the scheme has never heard of the code). */
  readonly dxId: Int32Array;
  readonly dxFacts: Uint32Array;
  /** Which fields the case gives (facts.ts GIVEN bits; missing ones are 0). */
  readonly given: number;
  /** All facts of the case's diagnoses, or-ed (and likewise of its procedures). */
  readonly dxAny: number;
  readonly pxAny: number;
  readonly nPx: number;
  readonly px: readonly string[];
  readonly pxId: Int32Array;
  readonly pxFacts: Uint32Array;
  /**
   * Diagnosis i as given (trimmed): `dx[i]` without making every code's
   * string — on the fused reader a code is a range of the line until a rule
   * asks for it, and rules ask only when they report.
   */
  dxCode(i: number): string;
  pxCode(i: number): string;
  /** `CODE name` of diagnosis i (the dictionary's spelling when known). */
  dxLabel(i: number): string;
  pxLabel(i: number): string;
}

/** How a rule reports: the field, the offending value ('' when missing) and the message. */
export type Report = (field: string, value: string, message: string) => void;

export interface QcRule {
  /** Stable id: `<family>.<what>`, e.g. `sex.dx`. Never reused for another check. */
  readonly id: string;
  /** Default severity. */
  readonly severity: Severity;
  /** Default severity under a grouping semantics, where the grouper itself rejects the case. */
  readonly severityUnder?: Partial<Record<Semantics, Severity>>;
  /** Case fields the rule reads (`cost_items` stands for the itemised cost columns). */
  readonly fields: readonly string[];
  /**
   * Facts without which the rule cannot report: it runs only when some
   * diagnosis (`dx`) or procedure (`px`) of the case has one of these code
   * facts (facts.ts bits), or one of the `given` fields is given, or one of
   * the `missing` ones missing. Most cases are complete and clean, so most
   * rules are skipped with a bit test instead of called. Absent: always runs.
   */
  readonly needs?: {
    readonly dx?: number;
    readonly px?: number;
    /** Case facts (facts.ts GIVEN bits): the rule also runs when one of these fields is given … */
    readonly given?: number;
    /** … or when one of these is missing. */
    readonly missing?: number;
  };
  /** One line: what the rule checks. */
  readonly description: string;
  /** Report every problem of the case; null for rules fed by the reader (unreadable values, malformed rows). */
  readonly check: ((v: CaseView, report: Report) => void) | null;
}
