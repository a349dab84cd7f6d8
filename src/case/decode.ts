/**
 * Decode CSV rows into cases, fast.
 *
 * A {@link CaseDecoder} is built once per file from its header (and an
 * optional column map); it then turns each row's cells into a {@link Case}
 * plus the problems found, without zod on the hot path. The rules are the
 * same as `caseSchema` (schema.ts); a differential test holds them equal.
 */
import { type Fen, parseYuan } from '../money.js';
import {
  CASE_FIELDS,
  type Case,
  type CaseField,
  DATE_FIELDS,
  describeProblem,
  type FieldProblem,
  isRealDate,
  LIST_FIELDS,
  MONEY_FIELDS,
  NUMBER_FIELDS,
  splitCodes,
} from './schema.js';

/** Columns a case file must have (after mapping). */
export const REQUIRED_COLUMNS: readonly CaseField[] = ['id', 'sex', 'age', 'diagnoses'];

/**
 * Source column names → canonical field. A money field may take several
 * source columns, summed (e.g. `fulamt_ownpay_amt+overlmt_selfpay`).
 */
export type ColumnMap = ReadonlyMap<string, CaseField>;

/** The settlement-list (医保结算清单) names of the canonical fields. */
export const SETTLEMENT_LIST_COLUMNS: Readonly<Record<string, CaseField>> = {
  setl_id: 'id',
  gend: 'sex',
  nwb_age: 'age_days',
  nwb_bir_wt: 'birth_weight',
  act_ipt_days: 'los',
  dscg_way: 'discharge',
  vent_used_dura: 'vent_hours',
  medfee_sumamt: 'total_cost',
  fulamt_ownpay_amt: 'out_of_scope',
  overlmt_selfpay: 'out_of_scope',
  preselfpay_amt: 'pre_self_pay',
  fixmedins_code: 'hospital_id',
  adm_time: 'admit_date',
  dscg_time: 'discharge_date',
};

/** Raised when a header cannot serve as a case file (missing required column, field given twice, bad map). */
export class HeaderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HeaderError';
  }
}

/**
 * Parse a `--columns` value: comma-separated `source=field` pairs, a preset
 * name (`settlement-list`), or both (`settlement-list,diag=diagnoses`). A
 * money field may be given `a+b=field` to sum two source columns.
 */
export function parseColumnMap(spec: string): Map<string, CaseField> {
  const map = new Map<string, CaseField>();
  for (const part of spec.split(',').map((p) => p.trim()).filter((p) => p !== '')) {
    if (part === 'settlement-list') {
      for (const [k, v] of Object.entries(SETTLEMENT_LIST_COLUMNS)) map.set(k, v);
      continue;
    }
    const eq = part.indexOf('=');
    if (eq <= 0 || eq === part.length - 1) {
      throw new HeaderError(`--columns: "${part}" is not source=field (e.g. gend=sex) or a preset (settlement-list)`);
    }
    const field = part.slice(eq + 1).trim();
    if (!(CASE_FIELDS as readonly string[]).includes(field)) {
      throw new HeaderError(`--columns: "${field}" is not a case field (fields: ${CASE_FIELDS.join(', ')})`);
    }
    const sources = part.slice(0, eq).split('+').map((s) => s.trim().toLowerCase());
    if (sources.length > 1 && !(MONEY_FIELDS as readonly string[]).includes(field)) {
      throw new HeaderError(`--columns: only money fields (${MONEY_FIELDS.join(', ')}) can sum several columns, not ${field}`);
    }
    for (const s of sources) map.set(s, field as CaseField);
  }
  return map;
}

/** Position of each field in CASE_FIELDS, named. */
const F = Object.fromEntries(CASE_FIELDS.map((f, i) => [f, i])) as Record<CaseField, number>;

const enum Kind {
  Text,
  Number,
  Money,
  Date,
  List,
}

function kindOf(field: CaseField): Kind {
  if ((NUMBER_FIELDS as readonly string[]).includes(field)) return Kind.Number;
  if ((MONEY_FIELDS as readonly string[]).includes(field)) return Kind.Money;
  if ((DATE_FIELDS as readonly string[]).includes(field)) return Kind.Date;
  if ((LIST_FIELDS as readonly string[]).includes(field)) return Kind.List;
  return Kind.Text;
}

/**
 * Parse a plain decimal ([+-]digits[.digits] or .digits); NaN when it is not
 * one. A char loop: several times faster than a regex test plus Number().
 */
export function parseNumberCell(s: string): number {
  const n = s.length;
  let i = 0;
  let c = s.charCodeAt(0);
  if (c === 43 /* + */ || c === 45 /* - */) i++;
  let digits = 0;
  let dot = false;
  for (; i < n; i++) {
    c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) digits++;
    else if (c === 46 /* . */ && !dot) dot = true;
    else return NaN;
  }
  return digits === 0 ? NaN : Number(s);
}

export interface DecodedRow {
  readonly case: Case;
  /** Field problems; null when the row is clean. */
  readonly problems: FieldProblem[] | null;
}

export class CaseDecoder {
  /** Canonical fields present in the file. */
  readonly fields: readonly CaseField[];
  /** Header columns that map to no field. */
  readonly ignored: readonly string[];
  /** Number of cells a row must have. */
  readonly width: number;
  /** Per canonical field (in CASE_FIELDS order): the cell positions that feed it. */
  private readonly positions: readonly (readonly number[])[];

  constructor(header: readonly string[], map: ColumnMap = new Map()) {
    this.width = header.length;
    const positions: number[][] = CASE_FIELDS.map(() => []);
    const sourceOf: string[][] = CASE_FIELDS.map(() => []);
    const ignored: string[] = [];
    header.forEach((raw, pos) => {
      const name = raw.trim().replace(/^\uFEFF/, '').toLowerCase();
      const field = map.get(name) ?? ((CASE_FIELDS as readonly string[]).includes(name) ? (name as CaseField) : undefined);
      if (field === undefined) {
        ignored.push(raw);
        return;
      }
      const f = CASE_FIELDS.indexOf(field);
      positions[f]!.push(pos);
      sourceOf[f]!.push(raw.trim());
    });
    CASE_FIELDS.forEach((field, f) => {
      if (positions[f]!.length > 1 && kindOf(field) !== Kind.Money) {
        throw new HeaderError(`field ${field} is given by several columns (${sourceOf[f]!.join(', ')}); keep one or fix --columns`);
      }
    });
    const missing = REQUIRED_COLUMNS.filter((f) => positions[CASE_FIELDS.indexOf(f)]!.length === 0);
    if (missing.length > 0) {
      throw new HeaderError(
        `missing required column${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (header has: ${header.join(', ')}; map other names with --columns, e.g. --columns gend=sex)`,
      );
    }
    this.positions = positions;
    this.fields = CASE_FIELDS.filter((_, f) => positions[f]!.length > 0);
    this.ignored = ignored;
  }

  /** The cell positions that feed a field (empty when the file lacks it; several for a summed money field). */
  positionsOf(field: CaseField): readonly number[] {
    return this.positions[F[field]]!;
  }

  /** Decode one row of cells (the caller has checked `cells.length === width`). */
  decode(cells: readonly string[]): DecodedRow {
    let problems: FieldProblem[] | null = null;
    const bad = (field: CaseField, kind: string, value: string): null => {
      (problems ??= []).push(describeProblem(field, kind, value));
      return null;
    };
    const p = this.positions;
    const cell = (f: number): string | undefined => {
      const at = p[f]!;
      return at.length === 0 ? undefined : cells[at[0]!]!.trim();
    };
    const num = (f: number, field: CaseField): number | null => {
      const s = cell(f);
      if (s === undefined || s === '') return null;
      const v = parseNumberCell(s);
      return v === v ? v : bad(field, 'not_a_number', s);
    };
    const money = (f: number, field: CaseField): Fen | null => {
      const at = p[f]!;
      if (at.length === 0) return null;
      let sum: number | null = null;
      for (const pos of at) {
        const s = cells[pos]!.trim();
        if (s === '') continue;
        const v = parseYuan(s);
        if (v === undefined) return bad(field, 'not_an_amount', s);
        sum = (sum ?? 0) + v;
      }
      return sum as Fen | null;
    };
    const date = (f: number, field: CaseField): string | null => {
      const s = cell(f);
      if (s === undefined || s === '') return null;
      return isRealDate(s) ? s : bad(field, 'not_a_date', s);
    };
    const text = (f: number): string | null => {
      const s = cell(f);
      return s === undefined || s === '' ? null : s;
    };
    const list = (f: number): string[] => {
      const s = cell(f);
      return s === undefined ? [] : splitCodes(s);
    };
    // Field order matches CASE_FIELDS, so every decoded case has one hidden class.
    const id = text(F.id);
    const c: Case = {
      id: id ?? '',
      sex: num(F.sex, 'sex'),
      age: num(F.age, 'age'),
      age_days: num(F.age_days, 'age_days'),
      birth_weight: num(F.birth_weight, 'birth_weight'),
      los: num(F.los, 'los'),
      discharge: num(F.discharge, 'discharge'),
      diagnoses: list(F.diagnoses),
      procedures: list(F.procedures),
      vent_hours: num(F.vent_hours, 'vent_hours'),
      total_cost: money(F.total_cost, 'total_cost'),
      out_of_scope: money(F.out_of_scope, 'out_of_scope'),
      pre_self_pay: money(F.pre_self_pay, 'pre_self_pay'),
      hospital_id: text(F.hospital_id),
      hospital_level: num(F.hospital_level, 'hospital_level'),
      admit_date: date(F.admit_date, 'admit_date'),
      discharge_date: date(F.discharge_date, 'discharge_date'),
    };
    if (id === null) bad('id', 'missing', '');
    return { case: c, problems };
  }
}
