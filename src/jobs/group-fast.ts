/**
 * The fused reader of the group job: for a batch whose records are single
 * lines it goes from CSV text straight to the grouping context, without
 * building cell arrays, code strings or case objects — commas are found by
 * index, numbers parsed from char codes, codes looked up from ranges of the
 * line. Lines holding a double quote are parsed as CSV by the generic path.
 *
 * It handles only the clean case. Any line it is not sure about (wrong width,
 * a blank line, spaces around a value, an unusual number, a bad amount or
 * date) goes back to the generic path (`slow`), so every message about bad
 * data comes from one place: CaseDecoder. A differential test holds the
 * output of both paths byte-identical.
 */
import type { CaseDecoder } from '../case/decode.js';
import { CASE_FIELDS, type CaseField, isRealDateAt, isTrimSpace, ListItems } from '../case/schema.js';
import type { RecordBatch } from '../io/records.js';
import { type RowVisitor, visitQuoteFreeLine, visitRecord } from '../io/rows.js';
import { addCode, type CompiledScheme } from '../../groupers/chs-drg/index.js';
import type { CaseContext, CaseNumbers } from '../../groupers/chs-drg/context.js';
import { NO_CODE } from '../../groupers/chs-drg/codes.js';
import type { Fen } from '../money.js';

/** Not a value: the line must take the generic path. */
const SLOW = -Infinity;

/** A plain decimal from text[a, b): the value, NaN when empty, or SLOW for anything unusual. */
function numberAt(text: string, a: number, b: number): number {
  if (a === b) return NaN;
  let i = a;
  let c = text.charCodeAt(i);
  let neg = false;
  if (c === 45 || c === 43) {
    neg = c === 45;
    i++;
  }
  if (i === b || b - i > 15) return SLOW;
  let v = 0;
  for (; i < b; i++) {
    c = text.charCodeAt(i);
    if (c < 48 || c > 57) {
      // A decimal point (or anything else): rare in case files; let Number() or the slow path decide.
      return c === 46 ? decimalAt(text, a, b) : SLOW;
    }
    v = v * 10 + (c - 48);
  }
  return neg ? -v : v;
}

function decimalAt(text: string, a: number, b: number): number {
  const s = text.slice(a, b);
  return /^[+-]?(\d+\.?\d*|\.\d+)$/.test(s) ? Number(s) : SLOW;
}

/** True when text[a, b) is empty or an amount as parseYuan reads it: [+-]digits{1,13}[.digits{1,2}]. */
export function amountOk(text: string, a: number, b: number): boolean {
  if (a === b) return true;
  let i = a;
  let c = text.charCodeAt(i);
  if (c === 43 || c === 45) i++;
  const intStart = i;
  while (i < b && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
  const intDigits = i - intStart;
  if (intDigits < 1 || intDigits > 13) return false;
  if (i === b) return true;
  if (text.charCodeAt(i) !== 46) return false;
  const fracStart = ++i;
  while (i < b && (c = text.charCodeAt(i)) >= 48 && c <= 57) i++;
  return i === b && i - fracStart >= 1 && i - fracStart <= 2;
}

/**
 * Fen of text[a, b), an amount {@link amountOk} accepts, or null when the
 * cell is empty: the value parseYuan gives (a negative zero is 0), read from
 * char codes without a regex or a string. For jobs that read amounts of a
 * clean line.
 */
export function checkedFen(text: string, a: number, b: number): Fen | null {
  if (a === b) return null;
  let i = a;
  const sign = text.charCodeAt(a);
  if (sign === 45 || sign === 43) i++;
  let yuan = 0;
  let c = 0;
  for (; i < b && (c = text.charCodeAt(i)) !== 46; i++) yuan = yuan * 10 + (c - 48);
  let fen = yuan * 100;
  if (i < b) {
    fen += (text.charCodeAt(i + 1) - 48) * 10;
    if (i + 2 < b) fen += text.charCodeAt(i + 2) - 48;
  }
  return (sign === 45 && fen !== 0 ? -fen : fen) as Fen;
}

/** True when text[a, b) is empty or a real calendar day written YYYY-MM-DD. Allocates nothing: it runs for every date cell. */
function dateOk(text: string, a: number, b: number): boolean {
  return a === b || isRealDateAt(text, a, b);
}

/**
 * The `slow` callback most jobs want: a line holding a quote is parsed as one
 * CSV record, any other line is split on commas — both exactly as parseBatch
 * would read them — and handed to the job's generic row visitor.
 */
export function genericLine(generic: RowVisitor, width: number, newline: '\n' | '\r\n'): FastVisitor['slow'] {
  return (line, lineText, quoted) =>
    quoted ? visitRecord(line, lineText.endsWith('\r') ? lineText.slice(0, -1) : lineText, width, newline, generic) : visitQuoteFreeLine(line, lineText, width, generic);
}

export interface FastVisitor {
  /** A clean line: its id and numbers are read; fill contexts with {@link FusedReader.fillContext} and group. */
  clean(line: number, id: string): void;
  /** The generic path must handle this line (its text without the line ending); `quoted` when it holds a quote. */
  slow(line: number, lineText: string, quoted: boolean): void;
}

const DX_FIELD = CASE_FIELDS.indexOf('diagnoses');
const PX_FIELD = CASE_FIELDS.indexOf('procedures');
const ID_FIELD = CASE_FIELDS.indexOf('id');

export class FusedReader {
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  /** Cell position of each canonical field, or -1. */
  private readonly at: Int32Array;
  private readonly numeric: readonly CaseField[] = ['sex', 'age', 'age_days', 'birth_weight', 'los', 'discharge', 'vent_hours', 'hospital_level'];
  private readonly numericAt: Int32Array;
  private readonly moneyAt: number[];
  private readonly dateAt: number[];
  /** Numbers of the current line, in `numeric` order. */
  readonly values: Float64Array;

  /** Returns null when the header needs what the fused path does not do (a money field fed by several columns). */
  static for(decoder: CaseDecoder): FusedReader | null {
    for (const f of CASE_FIELDS) if (decoder.positionsOf(f).length > 1) return null;
    return new FusedReader(decoder);
  }

  private constructor(private readonly decoder: CaseDecoder) {
    const width = decoder.width;
    this.start = new Int32Array(width);
    this.end = new Int32Array(width);
    this.at = Int32Array.from(CASE_FIELDS, (f) => decoder.positionsOf(f)[0] ?? -1);
    this.numericAt = Int32Array.from(this.numeric, (f) => decoder.positionsOf(f)[0] ?? -1);
    this.moneyAt = (['total_cost', 'out_of_scope', 'pre_self_pay'] as const).map((f) => decoder.positionsOf(f)[0] ?? -1).filter((p) => p >= 0);
    this.dateAt = (['admit_date', 'discharge_date'] as const).map((f) => decoder.positionsOf(f)[0] ?? -1).filter((p) => p >= 0);
    this.values = new Float64Array(this.numeric.length);
  }

  /**
   * Walk the lines of a batch whose records are single lines (`batch.multiline`
   * false): `v.clean` for a clean line, `v.slow` otherwise — a line holding a
   * double quote always goes the slow way, to be parsed as CSV.
   */
  each(batch: RecordBatch, newline: '\n' | '\r\n', v: FastVisitor): void {
    const text = batch.text;
    const width = this.decoder.width;
    const start = this.start;
    const end = this.end;
    let line = batch.firstLine;
    let pos = 0;
    const n = text.length;
    let quote = text.indexOf('"');
    while (pos < n) {
      let nl = text.indexOf('\n', pos);
      const next = nl === -1 ? n : nl + 1;
      if (nl === -1) nl = n;
      const lineEnd = newline === '\r\n' && nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
      if (quote !== -1 && quote < nl) {
        v.slow(line, text.slice(pos, lineEnd), true);
        quote = text.indexOf('"', next);
        line++;
        pos = next;
        continue;
      }
      // Cell boundaries.
      let k = 0;
      start[0] = pos;
      let ok = true;
      for (let i = text.indexOf(',', pos); i !== -1 && i < lineEnd; i = text.indexOf(',', i + 1)) {
        if (k + 1 >= width) {
          ok = false;
          break;
        }
        end[k] = i;
        start[++k] = i + 1;
      }
      end[k] = lineEnd;
      this.lineText = text;
      if (!ok || k !== width - 1 || !this.readValues(text)) v.slow(line, text.slice(pos, lineEnd), false);
      else v.clean(line, this.id);
      line++;
      pos = next;
    }
  }

  private lineText = '';
  private readonly items = new ListItems();
  /** The id of the current line (set by readValues). */
  id = '';

  /**
   * For jobs that read more of a clean line than fillContext does (other
   * grouper families, extra columns): the batch text and the current line's
   * cell boundaries, text[cellStart(i), cellEnd(i)) being cell i.
   */
  get text(): string {
    return this.lineText;
  }
  cellStart(cell: number): number {
    return this.start[cell]!;
  }
  cellEnd(cell: number): number {
    return this.end[cell]!;
  }

  /** Where cell `pos` of the current clean line starts once leading white space is skipped. */
  trimStart(pos: number): number {
    const text = this.lineText;
    const b = this.end[pos]!;
    let a = this.start[pos]!;
    while (a < b && isTrimSpace(text.charCodeAt(a))) a++;
    return a;
  }

  /** Where cell `pos` ends once trailing white space is dropped: text[trimStart(pos), trimEnd(pos)) is the trimmed cell. */
  trimEnd(pos: number): number {
    return this.trimEndFrom(pos, this.trimStart(pos));
  }

  /** {@link trimEnd} when its trimStart `a` is known. */
  trimEndFrom(pos: number, a: number): number {
    const text = this.lineText;
    let b = this.end[pos]!;
    while (b > a && isTrimSpace(text.charCodeAt(b - 1))) b--;
    return b;
  }

  /** The raw text of cell `pos` of the current clean line (for jobs that read more than grouping needs). */
  cell(pos: number): string {
    return this.lineText.slice(this.start[pos]!, this.end[pos]!);
  }

  /** Read the id and numbers of the line; false when the line must go the slow way. */
  private readValues(text: string): boolean {
    const idAt = this.at[ID_FIELD]!;
    const a = this.start[idAt]!;
    const b = this.end[idAt]!;
    if (a === b || isTrimSpace(text.charCodeAt(a)) || isTrimSpace(text.charCodeAt(b - 1))) return false;
    this.id = text.slice(a, b);
    for (let i = 0; i < this.numericAt.length; i++) {
      const p = this.numericAt[i]!;
      if (p < 0) {
        this.values[i] = NaN;
        continue;
      }
      const x = numberAt(text, this.start[p]!, this.end[p]!);
      if (x === SLOW) return false;
      this.values[i] = x;
    }
    for (const p of this.moneyAt) if (!amountOk(text, this.start[p]!, this.end[p]!)) return false;
    for (const p of this.dateAt) if (!dateOk(text, this.start[p]!, this.end[p]!)) return false;
    return true;
  }

  /** The numbers of the current clean line that grouping and the checks read (missing ones NaN). */
  numbersInto(c: CaseNumbers): void {
    const v = this.values;
    c.sex = v[0]!;
    c.age = v[1]!;
    c.age_days = v[2]!;
    c.birth_weight = v[3]!;
    c.los = v[4]!;
    c.discharge = v[5]!;
    c.vent_hours = v[6]!;
  }

  /** Fill a scheme's context with the current clean line: numbers, then codes (unknown codes become warnings there). */
  fillContext(s: CompiledScheme, c: CaseContext, translate: boolean): void {
    const text = this.lineText;
    c.reset(8, 4);
    this.numbersInto(c);
    const dxAt = this.at[DX_FIELD]!;
    const pxAt = this.at[PX_FIELD]!;
    if (dxAt >= 0) this.codes(s, c, text, this.start[dxAt]!, this.end[dxAt]!, 'diagnoses', translate);
    if (pxAt >= 0) this.codes(s, c, text, this.start[pxAt]!, this.end[pxAt]!, 'procedures', translate);
  }

  /** Add the `|`-separated codes of text[a, b) to the context, trimming items and skipping empty ones. */
  private codes(s: CompiledScheme, c: CaseContext, text: string, a: number, b: number, field: 'diagnoses' | 'procedures', translate: boolean): void {
    const table = field === 'diagnoses' ? s.dx : s.px;
    const map = translate ? (field === 'diagnoses' ? s.translation?.dx : s.translation?.px) : undefined;
    const items = this.items;
    items.reset(text, a, b);
    while (items.next()) {
      const id = table.lookupRange(text, items.from, items.to);
      // A string is made only for a code the dictionary does not know (its warning quotes it).
      addCode(c, table, map, id, id === NO_CODE || id >= table.dictionarySize ? text.slice(items.from, items.to) : '', field);
    }
  }
}
