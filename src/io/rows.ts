/**
 * Parse a batch of records into rows of cells with their line numbers.
 *
 * Fast path: papaparse parses the whole batch at once; when it reports no
 * error, returns exactly one row per record and every row has the header's
 * width, rows map 1:1 to records. Otherwise the batch is parsed record by
 * record, so that every bad record is reported with its own line, raw text
 * and reason while its neighbours are kept.
 */
import Papa from 'papaparse';
import { type RecordBatch, splitRecords } from './records.js';

export interface RowVisitor {
  /** A data row with the expected number of cells. */
  row(line: number, cells: string[]): void;
  /** A blank line (not a data row). */
  blank(line: number): void;
  /** A record that could not be parsed into a row of the right width. */
  bad(line: number, raw: string, code: string, message: string): void;
}

const isBlankRow = (cells: readonly string[]): boolean => cells.length === 1 && cells[0]!.trim() === '';

function newlinesIn(s: string): number {
  let n = 0;
  for (let i = s.indexOf('\n'); i !== -1; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

/** Parse a header record into trimmed column names. */
export function parseHeader(record: string): string[] {
  const r = Papa.parse<string[]>(record.replace(/\r?\n$/, ''), { delimiter: ',', newline: '\n' });
  return (r.data[0] ?? []).map((c) => c.trim());
}

/**
 * Rows of a batch that has no double quote at all. Without quotes, RFC 4180
 * parsing is exactly splitting on the newline and the comma — the same thing
 * papaparse's own "fast mode" does — without its per-row machinery.
 */
export function splitQuoteFree(text: string, newline: '\n' | '\r\n'): string[][] {
  const lines = text.split(newline);
  if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  const rows = new Array<string[]>(lines.length);
  for (let i = 0; i < lines.length; i++) rows[i] = lines[i]!.split(',');
  return rows;
}

export function parseBatch(batch: RecordBatch, width: number, newline: '\n' | '\r\n', v: RowVisitor): void {
  const quoteFree = batch.text.indexOf('"') === -1;
  const parsed = quoteFree ? { data: splitQuoteFree(batch.text, newline), errors: [] } : Papa.parse<string[]>(batch.text, { delimiter: ',', newline, skipEmptyLines: false });
  const rows = parsed.data;
  // Papa turns text ending with a newline into one trailing empty row that is not a record.
  if (!quoteFree && rows.length > 0 && batch.text.endsWith('\n') && isBlankRow(rows[rows.length - 1]!)) rows.pop();
  let fast = parsed.errors.length === 0 && rows.length === batch.records;
  if (fast) {
    for (const r of rows) {
      if (r.length !== width && !isBlankRow(r)) {
        fast = false;
        break;
      }
    }
  }
  if (fast) {
    let line = batch.firstLine;
    for (const r of rows) {
      if (isBlankRow(r)) v.blank(line);
      else v.row(line, r);
      line += 1;
      if (batch.multiline) for (const c of r) line += newlinesIn(c);
    }
    return;
  }
  // Slow path: one record at a time.
  let line = batch.firstLine;
  for (const record of splitRecords(batch.text)) {
    const raw = record.replace(/\r?\n$/, '');
    const span = Math.max(1, newlinesIn(record) + (record.endsWith('\n') ? 0 : 1));
    if (span === 1) {
      visitRecord(line, raw, width, newline, v);
    } else {
      const one = Papa.parse<string[]>(raw, { delimiter: ',', newline });
      const cells = one.data[0];
      if (one.errors.length === 0 && one.data.length === 1 && cells !== undefined && cells.length === width) {
        v.row(line, cells); // a genuine quoted field over several lines
      } else {
        // A stray quote joined lines that are rows of their own: read them one by one, so the
        // line with the bad quote is reported and its neighbours are kept.
        raw.split('\n').forEach((physical, i) => visitRecord(line + i, physical.replace(/\r$/, ''), width, newline, v));
      }
    }
    line += span;
  }
}

/** One physical line read as one record: a row, a blank line, or a bad record with its reason. */
export function visitRecord(line: number, raw: string, width: number, newline: '\n' | '\r\n', v: RowVisitor): void {
  if (raw.trim() === '') {
    v.blank(line);
    return;
  }
  const one = Papa.parse<string[]>(raw, { delimiter: ',', newline });
  const err = one.errors[0];
  const cells = one.data[0];
  if (err !== undefined) v.bad(line, raw, 'row.malformed', `line ${line}: ${describePapaError(err)}`);
  else if (one.data.length !== 1 || cells === undefined) v.bad(line, raw, 'row.malformed', `line ${line}: the record does not parse as one row`);
  else visitCells(line, raw, cells, width, v);
}

/** A parsed record: the right width → a row; one empty cell → blank; otherwise a bad record. */
function visitCells(line: number, raw: string, cells: string[], width: number, v: RowVisitor): void {
  if (isBlankRow(cells)) v.blank(line);
  else if (cells.length !== width) v.bad(line, raw, cells.length < width ? 'row.too_few_fields' : 'row.too_many_fields', `line ${line}: expected ${width} fields (as in the header), found ${cells.length}`);
  else v.row(line, cells);
}

/**
 * One line of a quote-free batch, handled exactly as {@link parseBatch}
 * would: the cells are the line split on commas.
 */
export function visitQuoteFreeLine(line: number, lineText: string, width: number, v: RowVisitor): void {
  const cells = lineText.split(',');
  if (cells.length === width || isBlankRow(cells)) visitCells(line, lineText, cells, width, v);
  else {
    // parseBatch reads a batch with a bad width record by record, without the line ending.
    const raw = lineText.endsWith('\r') ? lineText.slice(0, -1) : lineText;
    visitCells(line, raw, raw.split(','), width, v);
  }
}

function describePapaError(e: Papa.ParseError): string {
  switch (e.code) {
    case 'MissingQuotes':
      return 'a quoted field is not closed (missing ")';
    case 'InvalidQuotes':
      return 'a quote appears inside an unquoted field, or text follows a closing quote';
    default:
      return e.message;
  }
}
