/**
 * The case record: the canonical fields of the settlement list (医保结算清单),
 * defined once as a zod schema; the TypeScript type is inferred from it.
 *
 * `parseCase` is the validator for untrusted input at the library boundary
 * (JSON, forms). The CSV reader uses a faster hand-written decoder (decode.ts)
 * that a differential test holds to the same results as this schema.
 */
import { z } from 'zod';
import { type Fen, parseYuan } from '../money.js';

/** The canonical field names, in the order of the canonical CSV header. */
export const CASE_FIELDS = [
  'id',
  'sex',
  'age',
  'age_days',
  'birth_weight',
  'los',
  'discharge',
  'diagnoses',
  'procedures',
  'vent_hours',
  'total_cost',
  'out_of_scope',
  'pre_self_pay',
  'hospital_id',
  'hospital_level',
  'admit_date',
  'discharge_date',
] as const;
export type CaseField = (typeof CASE_FIELDS)[number];

/** Fields that hold a number; empty means missing (null). */
export const NUMBER_FIELDS = ['sex', 'age', 'age_days', 'birth_weight', 'los', 'discharge', 'vent_hours', 'hospital_level'] as const;
/** Fields that hold yuan with at most two decimals, kept as integer fen. */
export const MONEY_FIELDS = ['total_cost', 'out_of_scope', 'pre_self_pay'] as const;
/** Fields that hold ISO dates (YYYY-MM-DD). */
export const DATE_FIELDS = ['admit_date', 'discharge_date'] as const;
/** Fields that hold `|`-separated codes, principal first. */
export const LIST_FIELDS = ['diagnoses', 'procedures'] as const;

/** Separator of codes inside a list cell. */
export const LIST_SEPARATOR = '|';

/** A plain decimal number: no exponent, no hex, no spaces inside. */
export const NUMBER_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)$/;
export const DATE_TEXT = /^(\d{4})-(\d{2})-(\d{2})$/;

/** ECMAScript white space and line terminators: exactly what String.prototype.trim removes. */
export function isTrimSpace(ch: number): boolean {
  return (
    ch === 32 ||
    (ch >= 9 && ch <= 13) ||
    ch === 0xa0 ||
    ch === 0x1680 ||
    (ch >= 0x2000 && ch <= 0x200a) ||
    ch === 0x2028 ||
    ch === 0x2029 ||
    ch === 0x202f ||
    ch === 0x205f ||
    ch === 0x3000 ||
    ch === 0xfeff
  );
}

/** Split a list cell on `|`, trimming items and dropping empty ones. */
export function splitCodes(cell: string): string[] {
  if (cell === '') return [];
  const out: string[] = [];
  let start = 0;
  for (;;) {
    const end = cell.indexOf(LIST_SEPARATOR, start);
    const item = (end === -1 ? cell.slice(start) : cell.slice(start, end)).trim();
    if (item !== '') out.push(item);
    if (end === -1) return out;
    start = end + 1;
  }
}

/**
 * The items of a list cell text[a, b) as ranges, read as {@link splitCodes}
 * reads the cell (split on `|`, items trimmed, empty ones skipped), for
 * readers that look codes up inside a CSV line without making strings. One
 * scanner is reused: `reset`, then `next()` until it returns false; the
 * current item is text[from, to).
 */
export class ListItems {
  from = 0;
  to = 0;
  private text = '';
  private at = 0;
  private end = 0;

  reset(text: string, a: number, b: number): void {
    this.text = text;
    this.at = a;
    this.end = b;
  }

  next(): boolean {
    const text = this.text;
    const b = this.end;
    while (this.at <= b) {
      let j = this.at; // scan only this cell: indexOf would run on into the rest of the line
      while (j < b && text.charCodeAt(j) !== 124 /* | */) j++;
      let x = this.at;
      let y = j;
      while (x < y && isTrimSpace(text.charCodeAt(x))) x++;
      while (y > x && isTrimSpace(text.charCodeAt(y - 1))) y--;
      this.at = j + 1;
      if (x < y) {
        this.from = x;
        this.to = y;
        return true;
      }
    }
    return false;
  }
}

/** True when `y-m-d` names a real calendar day. */
export function isRealDate(text: string): boolean {
  return isRealDateAt(text, 0, text.length);
}

/** Days in each month of a common year. */
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True when text[a, b) is a real calendar day written YYYY-MM-DD (what
 * DATE_TEXT matches, and a day the month has). Reads char codes and
 * allocates nothing: readers call it for every date cell.
 */
export function isRealDateAt(text: string, a: number, b: number): boolean {
  if (b - a !== 10 || text.charCodeAt(a + 4) !== 45 || text.charCodeAt(a + 7) !== 45) return false;
  const y = digitsAt(text, a, 4);
  const m = digitsAt(text, a + 5, 2);
  const d = digitsAt(text, a + 8, 2);
  if (y < 0 || m < 1 || m > 12 || d < 1) return false;
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return d <= (m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!);
}

/** The n decimal digits of text from `from` as a number, or −1 when one is not a digit. */
function digitsAt(text: string, from: number, n: number): number {
  let v = 0;
  for (let i = from; i < from + n; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    v = v * 10 + (c - 48);
  }
  return v;
}

// Every field is `.optional()` before its transform: a missing key means "not given"
// (null), decided by the transform, rather than a zod "required" error.
const empty = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

/** A number given as a number or as decimal text; empty → null. */
const numberField = z.unknown().optional().transform((v, ctx): number | null => {
  if (empty(v)) return null;
  if (typeof v === 'number') {
    if (Number.isFinite(v)) return v;
  } else if (typeof v === 'string' && NUMBER_TEXT.test(v.trim())) {
    return Number(v.trim());
  }
  ctx.addIssue({ code: 'custom', message: 'not_a_number' });
  return z.NEVER;
});

/** Yuan with at most two decimals, as text or number; kept as integer fen; empty → null. */
const moneyField = z.unknown().optional().transform((v, ctx): Fen | null => {
  if (empty(v)) return null;
  // A JS number is read through its shortest decimal spelling, so 12.3 is exactly 1230 fen.
  const fen = typeof v === 'number' ? (Number.isFinite(v) ? parseYuan(String(v)) : undefined) : typeof v === 'string' ? parseYuan(v) : undefined;
  if (fen !== undefined) return fen;
  ctx.addIssue({ code: 'custom', message: 'not_an_amount' });
  return z.NEVER;
});

const textField = z.unknown().optional().transform((v, ctx): string | null => {
  if (empty(v)) return null;
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  ctx.addIssue({ code: 'custom', message: 'not_text' });
  return z.NEVER;
});

const dateField = z.unknown().optional().transform((v, ctx): string | null => {
  if (empty(v)) return null;
  if (typeof v === 'string' && isRealDate(v.trim())) return v.trim();
  ctx.addIssue({ code: 'custom', message: 'not_a_date' });
  return z.NEVER;
});

/** Codes as an array or a `|`-separated string; items trimmed, empty items dropped. */
const listField = z.unknown().optional().transform((v, ctx): string[] => {
  if (empty(v)) return [];
  if (typeof v === 'string') return splitCodes(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return (v as string[]).map((x) => x.trim()).filter((x) => x !== '');
  ctx.addIssue({ code: 'custom', message: 'not_a_code_list' });
  return z.NEVER;
});

export const caseSchema = z.object({
  /** Case id (setl_id / medcasno). */
  id: z.unknown().optional().transform((v, ctx): string => {
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    ctx.addIssue({ code: 'custom', message: 'missing' });
    return z.NEVER;
  }),
  /** 1 male, 2 female. */
  sex: numberField,
  /** Age in years. */
  age: numberField,
  /** Age in days (required under 1 year). */
  age_days: numberField,
  /** Birth weight in grams (required for newborns ≤ 28 days). */
  birth_weight: numberField,
  /** Length of stay in days. */
  los: numberField,
  /** Discharge type: 1 ordered, 2 transfer to hospital, 3 to community facility, 4 against advice, 5 death, 9 other. */
  discharge: numberField,
  /** Diagnosis codes (ICD-10 医保版), principal first. */
  diagnoses: listField,
  /** Procedure codes (ICD-9-CM-3 医保版), principal first. */
  procedures: listField,
  /** Invasive ventilation hours. */
  vent_hours: numberField,
  /** Total inpatient cost, fen (yuan with 2 decimals in files). */
  total_cost: moneyField,
  /** Fully self-paid items plus amounts above price limits, fen. */
  out_of_scope: moneyField,
  /** Class-B first self-paid share, fen. */
  pre_self_pay: moneyField,
  hospital_id: textField,
  /** Hospital level: 1 primary, 2 secondary, 3 tertiary. */
  hospital_level: numberField,
  /** Admission and discharge dates, YYYY-MM-DD. */
  admit_date: dateField,
  discharge_date: dateField,
});

/** A validated case record. Money fields are integer fen; missing values are null. */
export type Case = z.output<typeof caseSchema>;
/** What `parseCase` accepts: any of the fields, as numbers or text. */
export type CaseInput = { [K in CaseField]?: unknown };

/** A problem with one field of one case. */
export interface FieldProblem {
  /** e.g. `age.not_a_number`, `id.missing`, `total_cost.not_an_amount`. */
  readonly code: string;
  readonly field: CaseField;
  readonly value: string;
  readonly message: string;
}

const DESCRIBE: Record<string, string> = {
  not_a_number: 'is not a number',
  not_an_amount: 'is not an amount in yuan with at most two decimals',
  not_text: 'is not text',
  not_a_date: 'is not a date (YYYY-MM-DD)',
  not_a_code_list: 'is not a list of codes',
  missing: 'is missing',
};

export function describeProblem(field: CaseField, kind: string, value: string): FieldProblem {
  const shown = value === '' ? '' : `"${value.length > 40 ? `${value.slice(0, 39)}…` : value}" `;
  return { code: `${field}.${kind}`, field, value, message: `${field} ${shown}${DESCRIBE[kind] ?? kind}` };
}

/**
 * Validate an untrusted case object. Returns the case, or every field
 * problem found (never throws for bad data).
 */
export function parseCase(input: CaseInput): { ok: true; case: Case } | { ok: false; problems: FieldProblem[] } {
  const r = caseSchema.safeParse(input);
  if (r.success) return { ok: true, case: r.data };
  const problems = r.error.issues.map((iss) => {
    const field = iss.path[0] as CaseField;
    const raw = (input as Record<string, unknown>)[field];
    return describeProblem(field, iss.message, raw === undefined || raw === null ? '' : String(raw));
  });
  return { ok: false, problems };
}
