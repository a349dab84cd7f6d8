/**
 * Read a small-to-medium CSV data file (scheme package, weight table,
 * directory) completely, check its header against a zod row schema and
 * validate every row, collecting problems with file, line and column.
 *
 * Bulk case files do not come through here: they are streamed (see the case
 * reader), because they can be far larger than memory.
 */
import { readFileSync } from 'node:fs';
import Papa from 'papaparse';
import { z } from 'zod';
import { type DataIssue, IssueList, showValue } from '../errors.js';

export interface TableRow<T> {
  /** 1-based physical line of the row in the file (the header is line 1). */
  readonly line: number;
  readonly row: T;
}

export interface ReadTableOptions {
  /** Name used in messages (defaults to the path). */
  readonly displayName?: string;
  /** Accept columns the schema does not name (default false: an unknown column is an error). */
  readonly allowExtraColumns?: boolean;
}

/** Strip a UTF-8 byte-order mark. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Split CSV text into rows of cells, each with its physical line number. */
export function parseCsvText(text: string, file: string, issues: IssueList): { header: string[]; rows: { line: number; cells: string[] }[] } {
  text = stripBom(text);
  // Telling Papa the line ending spares it a guessing pass over the text.
  const newline = text.includes('\r\n') ? '\r\n' : '\n';
  const parsed = Papa.parse<string[]>(text, { header: false, skipEmptyLines: false, delimiter: ',', newline });
  for (const e of parsed.errors) {
    // Papa reports the data row index; convert below once line numbers are known.
    issues.add({ code: 'csv.syntax', file, line: (e.row ?? 0) + 1, message: `CSV syntax: ${e.message}` });
  }
  const data = parsed.data;
  // Line numbers: row i starts after every earlier row's newline plus any newline
  // embedded in quoted cells. Embedded newlines are rare, so only count them when
  // the physical line count says there are some.
  let newlines = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) newlines++;
  const embedded = newlines > data.length;
  const rows: { line: number; cells: string[] }[] = [];
  let line = 1;
  let header: string[] | undefined;
  for (const cells of data) {
    const isBlank = cells.length === 1 && cells[0] === '';
    if (header === undefined) {
      if (!isBlank) header = cells.map((c) => c.trim());
    } else if (!isBlank) {
      rows.push({ line, cells });
    }
    line += 1;
    if (embedded) for (const c of cells) for (let i = c.indexOf('\n'); i !== -1; i = c.indexOf('\n', i + 1)) line++;
  }
  if (header === undefined) {
    issues.add({ code: 'csv.empty', file, message: 'the file is empty: expected a header line' });
    header = [];
  }
  return { header, rows };
}

/**
 * Read and validate a CSV table. Returns the rows that passed; every problem
 * (missing or unknown column, invalid cell) is added to `issues`.
 */
export function readTable<S extends z.ZodObject>(
  path: string,
  schema: S,
  issues: IssueList,
  options: ReadTableOptions = {},
): TableRow<z.infer<S>>[] {
  const file = options.displayName ?? path;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    issues.add({ code: 'file.unreadable', file, message: `cannot read the file: ${(err as Error).message}` });
    return [];
  }
  return validateTable(text, file, schema, issues, options);
}

/** Validate CSV text already in memory against a row schema (see {@link readTable}). */
export function validateTable<S extends z.ZodObject>(
  text: string,
  file: string,
  schema: S,
  issues: IssueList,
  options: ReadTableOptions = {},
): TableRow<z.infer<S>>[] {
  const { header, rows } = parseCsvText(text, file, issues);
  const shape = schema.shape as Record<string, z.ZodType>;
  const known = Object.keys(shape);
  const required = known.filter((k) => !shape[k]!.safeParse(undefined).success);
  let headerOk = true;
  for (const col of required) {
    if (!header.includes(col)) {
      issues.add({ code: 'header.missing', file, line: 1, column: col, message: `required column "${col}" is missing (header has: ${header.join(', ') || 'nothing'})` });
      headerOk = false;
    }
  }
  const seen = new Set<string>();
  for (const col of header) {
    if (seen.has(col)) {
      issues.add({ code: 'header.duplicate', file, line: 1, column: col, message: `column "${col}" appears twice in the header` });
      headerOk = false;
    }
    seen.add(col);
    if (!options.allowExtraColumns && !known.includes(col)) {
      issues.add({ code: 'header.unknown', file, line: 1, column: col, message: `unknown column "${col}" (expected: ${known.join(', ')})` });
      headerOk = false;
    }
  }
  if (!headerOk) return [];
  // Map header positions once; rows become plain objects keyed by column name.
  const positions = known.map((k) => header.indexOf(k));
  const out: TableRow<z.infer<S>>[] = [];
  for (const { line, cells } of rows) {
    if (cells.length !== header.length) {
      issues.add({ code: 'row.width', file, line, message: `expected ${header.length} fields, found ${cells.length}` });
      continue;
    }
    const obj: Record<string, string> = {};
    for (let i = 0; i < known.length; i++) {
      const p = positions[i]!;
      // Cells are trimmed here once, so cell schemas need no trim transform (much cheaper in zod).
      if (p >= 0) obj[known[i]!] = cells[p]!.trim();
    }
    const r = schema.safeParse(obj);
    if (r.success) {
      out.push({ line, row: r.data });
    } else {
      for (const iss of r.error.issues) {
        const column = typeof iss.path[0] === 'string' ? iss.path[0] : undefined;
        const value = column !== undefined ? obj[column] : undefined;
        const issue: DataIssue = {
          code: 'cell.invalid',
          file,
          line,
          message: `${iss.message}${value !== undefined ? ` (found "${showValue(value)}")` : ''}`,
          ...(column !== undefined ? { column } : {}),
          ...(value !== undefined ? { value: showValue(value) } : {}),
        };
        issues.add(issue);
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------
// Cell schemas shared by table formats. Cells arrive as strings, already trimmed.

/** A required non-empty string cell. */
export const cellText = z.string().min(1, 'must not be empty');
/** A string cell that may be empty. */
export const cellOptionalText = z.string();
/** An integer cell. */
export const cellInt = z
  .string()
  .regex(/^-?\d+$/, 'expected an integer')
  .transform((s) => Number(s));
/** A non-negative integer cell. */
export const cellNonNegInt = z
  .string()
  .regex(/^\d+$/, 'expected a non-negative integer')
  .transform((s) => Number(s));
/** An integer cell that may be empty (empty → null). */
export const cellOptionalInt = z
  .string()
  .regex(/^(-?\d+)?$/, 'expected an integer or nothing')
  .transform((s) => (s === '' ? null : Number(s)));
/** A JSON cell: parsed here, its content is checked by the caller. */
export const cellJson = z.string().transform((s, ctx) => {
  try {
    return JSON.parse(s) as unknown;
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `not valid JSON: ${(err as Error).message}` });
    return z.NEVER;
  }
});
