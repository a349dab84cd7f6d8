/**
 * The bill: one inpatient settlement request (or the reversal of one).
 *
 * Fields are parsed by one table of small parsers ({@link PARSERS}) shared by
 * the zod schema (`parseBill`, for untrusted objects at the library boundary)
 * and the CSV decoder ({@link BillDecoder}, fast, no zod per row); both then
 * run the same cross-field check and build the same value, and a test holds
 * them equal. Policy-dependent checks (is the level known, is the year the
 * policy's) come later, in the settlement stage.
 */
import { z } from 'zod';
import { formatYuan, parseYuan, type Fen } from '../money.js';
import { isRealDate, splitCodes } from '../case/schema.js';
import { HeaderError } from '../case/decode.js';
import type { BillProblem } from './types.js';

/** Bill fields in the order of the canonical CSV header. */
export const BILL_FIELDS = [
  'bill_id',
  'action',
  'person_id',
  'date',
  'insured_type',
  'retired',
  'person_class',
  'hospital_level',
  'out_of_area',
  'total_cost',
  'out_of_scope',
  'pre_self_pay',
  'diagnoses',
  'group',
  'department',
  'flags',
  'los',
  'visits',
  'bed_fee',
  'nursing_fee',
] as const;
export type BillField = (typeof BILL_FIELDS)[number];

/** Field numbers (positions in BILL_FIELDS), for the decoder's fast path. */
const F = Object.fromEntries(BILL_FIELDS.map((f, i) => [f, i])) as { readonly [K in BillField]: number };

/** Columns a bills file must have. */
export const REQUIRED_BILL_COLUMNS: readonly BillField[] = ['bill_id', 'person_id', 'date', 'insured_type', 'hospital_level', 'total_cost', 'out_of_scope', 'pre_self_pay'];
/** Fields a `settle` row must fill (a `reverse` row needs only bill_id). */
const REQUIRED_TO_SETTLE: readonly BillField[] = ['person_id', 'date', 'insured_type', 'hospital_level', 'total_cost', 'out_of_scope', 'pre_self_pay'];

/** A field value that could not be read; `kind` becomes the code suffix (`total_cost.negative`). */
class Bad {
  constructor(readonly kind: string, readonly what: string) {}
}
const NOT_AN_AMOUNT = new Bad('not_an_amount', 'is not an amount in yuan with at most two decimals');
const NEGATIVE = new Bad('negative', 'is negative (a refund is a reversal of the bill, not a negative bill)');
const NOT_A_DATE = new Bad('not_a_date', 'is not a date (YYYY-MM-DD)');
const NOT_A_COUNT = new Bad('not_a_count', 'is not a whole number of at least 0');
const NOT_POSITIVE = new Bad('not_a_count', 'is not a whole number of at least 1');
const NOT_YES_NO = new Bad('not_yes_no', 'is not yes/no (1/0, true/false, y/n)');
const NOT_AN_ACTION = new Bad('not_an_action', 'is not an action (settle or reverse)');

type Parser<T> = (text: string) => T | Bad;

const optText: Parser<string | null> = (s) => (s === '' ? null : s);
const optMoney: Parser<Fen | null> = (s) => {
  if (s === '') return null;
  const v = parseYuan(s);
  return v === undefined ? NOT_AN_AMOUNT : v < 0 ? NEGATIVE : v;
};
const optDate: Parser<string | null> = (s) => (s === '' ? null : isRealDate(s) ? s : NOT_A_DATE);
const count = (min: number, bad: Bad): Parser<number | null> => (s) => {
  if (s === '') return null;
  if (!/^\d{1,6}$/.test(s)) return bad;
  const n = Number(s);
  return n < min ? bad : n;
};
const YES = new Set(['1', 'y', 'yes', 'true', '是']);
const NO = new Set(['', '0', 'n', 'no', 'false', '否']);
const yesNo: Parser<boolean> = (s) => {
  const l = s.toLowerCase();
  return YES.has(l) ? true : NO.has(l) ? false : NOT_YES_NO;
};
const list: Parser<string[]> = (s) => splitCodes(s);
const action: Parser<'settle' | 'reverse'> = (s) => {
  const l = s.toLowerCase();
  return l === '' || l === 'settle' ? 'settle' : l === 'reverse' ? 'reverse' : NOT_AN_ACTION;
};

/** The parser of each field; each takes the trimmed cell text. */
export const PARSERS = {
  bill_id: optText,
  action,
  person_id: optText,
  date: optDate,
  insured_type: optText,
  retired: yesNo,
  person_class: optText,
  hospital_level: optText,
  out_of_area: optText,
  total_cost: optMoney,
  out_of_scope: optMoney,
  pre_self_pay: optMoney,
  diagnoses: list,
  group: optText,
  department: optText,
  flags: list,
  los: count(0, NOT_A_COUNT),
  visits: count(1, NOT_POSITIVE),
  bed_fee: optMoney,
  nursing_fee: optMoney,
} satisfies Record<BillField, Parser<unknown>>;

/** Parsed fields before the cross-field check. */
export type RawBill = { -readonly [F in BillField]: Exclude<ReturnType<(typeof PARSERS)[F]>, Bad> };

export function describe(field: string, kind: string, what: string, value: string): BillProblem {
  const shown = value === '' ? '' : ` "${value.length > 40 ? `${value.slice(0, 39)}…` : value}"`;
  return { code: `${field}.${kind}`, field, message: `${field}${shown} ${what}` };
}

/** Checks across fields, run after every field parsed. */
export function crossCheck(r: RawBill, add: (p: BillProblem) => void): void {
  if (r.bill_id === null) add({ code: 'bill_id.missing', field: 'bill_id', message: 'bill_id is missing' });
  if (r.action === 'reverse') return;
  let missing = false;
  for (const f of REQUIRED_TO_SETTLE) {
    if (r[f] === null) {
      add({ code: `${f}.missing`, field: f, message: `${f} is missing` });
      missing = true;
    }
  }
  if (missing) return;
  const p = checkAmounts(r as AmountFields);
  if (p !== null) add(p);
}

/** The money fields of a bill. */
export interface AmountFields {
  readonly total_cost: number;
  readonly out_of_scope: number;
  readonly pre_self_pay: number;
  readonly bed_fee: number | null;
  readonly nursing_fee: number | null;
}

/**
 * Amounts that cannot be settled: not whole fen, negative, or adding up to
 * more than the total. Used when reading bills and again by settleBill (a
 * library caller may build a Bill without parseBill).
 */
export function checkAmounts(r: AmountFields): BillProblem | null {
  for (const f of ['total_cost', 'out_of_scope', 'pre_self_pay', 'bed_fee', 'nursing_fee'] as const) {
    const v = r[f];
    if (v === null && (f === 'bed_fee' || f === 'nursing_fee')) continue;
    if (!Number.isSafeInteger(v)) return { code: `${f}.not_an_amount`, field: f, message: `${f} ${String(v)} is not a whole number of fen` };
    if (v! < 0) return { code: `${f}.negative`, field: f, message: `${f} ${formatYuan(v as Fen)} is negative (a refund is a reversal of the bill, not a negative bill)` };
  }
  const outside = r.out_of_scope + r.pre_self_pay;
  if (outside > r.total_cost) {
    return {
      code: 'amounts.inconsistent',
      field: 'out_of_scope',
      message: `out_of_scope ${formatYuan(r.out_of_scope as Fen)} + pre_self_pay ${formatYuan(r.pre_self_pay as Fen)} = ${formatYuan(outside as Fen)} exceed total_cost ${formatYuan(r.total_cost as Fen)}`,
    };
  }
  const itemised = (r.bed_fee ?? 0) + (r.nursing_fee ?? 0);
  if (itemised > r.total_cost - outside) {
    return {
      code: 'amounts.inconsistent',
      field: 'bed_fee',
      message: `bed_fee + nursing_fee = ${formatYuan(itemised as Fen)} exceed the in-scope amount ${formatYuan((r.total_cost - outside) as Fen)} (total_cost − out_of_scope − pre_self_pay)`,
    };
  }
  return null;
}

/** The checked fields as a request. Call only when {@link crossCheck} found nothing. */
function toRequest(r: RawBill) {
  if (r.action === 'reverse') return { action: 'reverse' as const, bill_id: r.bill_id! };
  return {
    action: 'settle' as const,
    bill: {
      bill_id: r.bill_id!,
      person_id: r.person_id!,
      date: r.date!,
      /** Calendar year of `date`: the ledger year the bill counts in. */
      year: Number(r.date!.slice(0, 4)),
      insured_type: r.insured_type!,
      retired: r.retired,
      person_class: r.person_class,
      hospital_level: r.hospital_level!,
      out_of_area: r.out_of_area,
      total_cost: r.total_cost!,
      out_of_scope: r.out_of_scope!,
      pre_self_pay: r.pre_self_pay!,
      diagnoses: r.diagnoses,
      group: r.group,
      department: r.department,
      flags: r.flags,
      los: r.los,
      visits: r.visits,
      bed_fee: r.bed_fee,
      nursing_fee: r.nursing_fee,
    },
  };
}

/** A JSON value as the text a CSV cell would hold (numbers by their decimal spelling, lists joined by |). */
function cellText(v: unknown): string | undefined {
  if (v === undefined || v === null) return '';
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'boolean') return v ? '1' : '0';
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v.join('|');
  return undefined;
}

function field<F extends BillField>(name: F) {
  const parse = PARSERS[name] as Parser<RawBill[F]>;
  return z.unknown().optional().transform((v, ctx): RawBill[F] => {
    const text = cellText(v);
    const r = text === undefined ? new Bad('not_text', 'is not text, a number or a list') : parse(text);
    if (r instanceof Bad) {
      ctx.addIssue({ code: 'custom', message: `${name}.${r.kind}: ${describe(name, r.kind, r.what, text ?? '').message}` });
      return z.NEVER;
    }
    return r;
  });
}

const rawBillSchema = z.object(Object.fromEntries(BILL_FIELDS.map((f) => [f, field(f)])) as { [F in BillField]: ReturnType<typeof field<F>> });

/** The bill (or reversal) as one zod schema: field parsers, then the cross-field check. */
export const billRequestSchema = rawBillSchema
  .superRefine((r, ctx) => crossCheck(r as RawBill, (p) => ctx.addIssue({ code: 'custom', path: p.field !== undefined ? [p.field] : [], message: `${p.code}: ${p.message}` })))
  .transform((r) => toRequest(r as RawBill));

/** A settle or reverse request. */
export type BillRequest = z.output<typeof billRequestSchema>;
/** A bill to settle. Money is integer fen; optional fields are null when absent. */
export type Bill = Extract<BillRequest, { action: 'settle' }>['bill'];
/** What `parseBill` accepts: any bill field, as text, numbers, booleans or code lists. */
export type BillInput = { [F in BillField]?: unknown };

/**
 * Validate an untrusted bill object. Returns the request, or every problem
 * found (codes such as `total_cost.negative`, `amounts.inconsistent`).
 */
export function parseBill(input: BillInput): { ok: true; request: BillRequest } | { ok: false; problems: BillProblem[] } {
  const r = billRequestSchema.safeParse(input);
  if (r.success) return { ok: true, request: r.data };
  return {
    ok: false,
    problems: r.error.issues.map((i) => {
      const sep = i.message.indexOf(': ');
      const f = typeof i.path[0] === 'string' ? i.path[0] : undefined;
      return { code: i.message.slice(0, sep), message: i.message.slice(sep + 2), ...(f !== undefined ? { field: f } : {}) };
    }),
  };
}

/** Raised when a header cannot serve as a bills file (a HeaderError, so the CLI reports it as one). */
export class BillHeaderError extends HeaderError {
  constructor(message: string) {
    super(message);
    this.name = 'BillHeaderError';
  }
}

export interface DecodedBill {
  /** The request, or null when the row has problems. */
  readonly request: BillRequest | null;
  readonly problems: readonly BillProblem[] | null;
  /** The bill id as written (may be empty), for reporting. */
  readonly billId: string;
}

/** Decodes CSV rows of a bills file (header matched case-insensitively; other columns ignored). */
export class BillDecoder {
  readonly width: number;
  /** Header columns that are not bill fields. */
  readonly ignored: readonly string[];
  /** Bill fields present in the header. */
  readonly fields: readonly BillField[];
  /** Cell position of each field (in BILL_FIELDS order), −1 when absent. */
  private readonly positions: readonly number[];

  constructor(header: readonly string[]) {
    this.width = header.length;
    const positions = BILL_FIELDS.map(() => -1);
    const ignored: string[] = [];
    header.forEach((raw, pos) => {
      const name = raw.trim().replace(/^\uFEFF/, '').toLowerCase();
      const f = (BILL_FIELDS as readonly string[]).indexOf(name);
      if (f === -1) ignored.push(raw);
      else if (positions[f] !== -1) throw new BillHeaderError(`column ${name} appears twice in the header`);
      else positions[f] = pos;
    });
    const missing = REQUIRED_BILL_COLUMNS.filter((f) => positions[BILL_FIELDS.indexOf(f)] === -1);
    if (missing.length > 0) {
      throw new BillHeaderError(`missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header has: ${header.join(', ')}; required: ${REQUIRED_BILL_COLUMNS.join(', ')})`);
    }
    this.positions = positions;
    this.ignored = ignored;
    this.fields = BILL_FIELDS.filter((_, f) => positions[f] !== -1);
  }

  /** Decode one row (the caller has checked `cells.length === width`). */
  decode(cells: readonly string[]): DecodedBill {
    return this.decodeClean(cells) ?? this.decodeAny(cells);
  }

  /** The cell of field number `f` (BILL_FIELDS order), trimmed; '' when the column is absent. */
  private cell(cells: readonly string[], f: number): string {
    const pos = this.positions[f]!;
    return pos === -1 ? '' : cells[pos]!.trim();
  }

  /**
   * The common row — a bill to settle whose every field reads plainly — built
   * directly, without the table of parsers and the intermediate object of
   * {@link decodeAny}; null for anything else (a reversal, an empty required
   * field, a value to reject, a sign on an amount…), which decodeAny then
   * reads. It accepts a subset of what decodeAny accepts and gives the same
   * request for it (a test holds the two equal on arbitrary rows).
   */
  private decodeClean(cells: readonly string[]): DecodedBill | null {
    const action = this.cell(cells, F.action);
    if (action !== '' && action.toLowerCase() !== 'settle') return null;
    const billId = this.cell(cells, F.bill_id);
    const person = this.cell(cells, F.person_id);
    const date = this.cell(cells, F.date);
    const type = this.cell(cells, F.insured_type);
    const level = this.cell(cells, F.hospital_level);
    if (billId === '' || person === '' || type === '' || level === '' || date === '' || !isRealDate(date)) return null;
    const retired = this.cell(cells, F.retired);
    let isRetired = false;
    if (retired !== '') {
      const l = retired.toLowerCase();
      if (YES.has(l)) isRetired = true;
      else if (!NO.has(l)) return null;
    }
    const total = plainFen(this.cell(cells, F.total_cost));
    const outOfScope = plainFen(this.cell(cells, F.out_of_scope));
    const preSelfPay = plainFen(this.cell(cells, F.pre_self_pay));
    const bedText = this.cell(cells, F.bed_fee);
    const nursingText = this.cell(cells, F.nursing_fee);
    const bed = bedText === '' ? null : plainFen(bedText);
    const nursing = nursingText === '' ? null : plainFen(nursingText);
    if (total < 0 || outOfScope < 0 || preSelfPay < 0 || (bed !== null && bed < 0) || (nursing !== null && nursing < 0)) return null;
    // checkAmounts' consistency rules; a row breaking them is reported by decodeAny.
    const outside = outOfScope + preSelfPay;
    if (outside > total || (bed ?? 0) + (nursing ?? 0) > total - outside) return null;
    const los = plainCount(this.cell(cells, F.los));
    const visits = plainCount(this.cell(cells, F.visits));
    if (los === -1 || visits === -1 || visits === 0) return null;
    const personClass = this.cell(cells, F.person_class);
    const outOfArea = this.cell(cells, F.out_of_area);
    const group = this.cell(cells, F.group);
    const department = this.cell(cells, F.department);
    // The same object, key for key, as toRequest builds.
    const bill = {
      bill_id: billId,
      person_id: person,
      date,
      year: Number(date.slice(0, 4)),
      insured_type: type,
      retired: isRetired,
      person_class: personClass === '' ? null : personClass,
      hospital_level: level,
      out_of_area: outOfArea === '' ? null : outOfArea,
      total_cost: total as Fen,
      out_of_scope: outOfScope as Fen,
      pre_self_pay: preSelfPay as Fen,
      diagnoses: splitCodes(this.cell(cells, F.diagnoses)),
      group: group === '' ? null : group,
      department: department === '' ? null : department,
      flags: splitCodes(this.cell(cells, F.flags)),
      los,
      visits,
      bed_fee: bed as Fen | null,
      nursing_fee: nursing as Fen | null,
    };
    return { request: { action: 'settle', bill }, problems: null, billId };
  }

  /** Any row: every field through its parser, every problem reported. */
  private decodeAny(cells: readonly string[]): DecodedBill {
    let problems: BillProblem[] | null = null;
    const raw = {} as Record<BillField, unknown>;
    for (let f = 0; f < BILL_FIELDS.length; f++) {
      const name = BILL_FIELDS[f]!;
      const pos = this.positions[f]!;
      const text = pos === -1 ? '' : cells[pos]!.trim();
      const v = (PARSERS[name] as Parser<unknown>)(text);
      if (v instanceof Bad) {
        (problems ??= []).push(describe(name, v.kind, v.what, text));
        raw[name] = null;
      } else {
        raw[name] = v;
      }
    }
    const r = raw as RawBill;
    // Like the zod schema, the cross-field check runs only on rows whose fields all parsed.
    if (problems === null) crossCheck(r, (p) => (problems ??= []).push(p));
    const billId = r.bill_id ?? '';
    return problems === null ? { request: toRequest(r), problems: null, billId } : { request: null, problems, billId };
  }
}

/**
 * A plain amount — digits (1 to 13), optionally a point and one or two
 * digits, no sign — in fen, as parseYuan reads it; −1 for anything else
 * (which the full parser then reads or rejects).
 */
function plainFen(s: string): number {
  const len = s.length;
  let v = 0;
  let i = 0;
  for (; i < len; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  if (i === 0 || i > 13) return -1;
  if (i === len) return v * 100;
  if (s.charCodeAt(i) !== 46 || len - i < 2 || len - i > 3) return -1;
  const d1 = s.charCodeAt(i + 1) - 48;
  if (d1 < 0 || d1 > 9) return -1;
  if (len - i === 2) return v * 100 + d1 * 10;
  const d2 = s.charCodeAt(i + 2) - 48;
  if (d2 < 0 || d2 > 9) return -1;
  return v * 100 + d1 * 10 + d2;
}

/** An empty cell (null) or a plain count of 1 to 6 digits, as the `count` parser reads it; −1 for anything else. */
function plainCount(s: string): number | null {
  if (s === '') return null;
  if (s.length > 6) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}
