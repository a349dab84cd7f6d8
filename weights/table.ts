/**
 * Load a weight table (format.ts), validate it with zod, check it against a
 * scheme and compile it into a look-up by DRG and hospital level.
 */
import { basename } from 'node:path';
import { readTable, validateTable } from '../src/csv/table.js';
import { type DataIssue, IssueList } from '../src/errors.js';
import { Decimal, type Fen } from '../src/money.js';
import type { CompiledScheme } from '../groupers/chs-drg/index.js';
import { weightRowSchema, type WeightRow } from './format.js';

/** The values used for one DRG at one hospital level (or the default). */
export interface WeightEntry {
  readonly drg: string;
  readonly level: number | null;
  readonly name: string;
  readonly rw: Decimal;
  /** Regional mean cost, fen. */
  readonly meanCost: Fen | null;
  readonly meanLos: Decimal | null;
  /** Base points given by the table (else RW × points per RW). */
  readonly points: Decimal | null;
  /** Line of the row in the file (for messages). */
  readonly line: number;
}

export interface WeightCoverage {
  /** DRGs the table names that the scheme lacks (errors when loading). */
  readonly unknown: readonly string[];
  /** DRGs the scheme can produce (split rows) that the table lacks. */
  readonly missing: readonly string[];
}

export interface WeightTable {
  /** File name used in messages. */
  readonly file: string;
  /** Default row of each DRG. */
  readonly entries: ReadonlyMap<string, WeightEntry>;
  /** Level rows, merged over the default row: drg → level → entry. */
  readonly byLevel: ReadonlyMap<string, ReadonlyMap<number, WeightEntry>>;
  /** Set when loaded against a scheme. */
  readonly coverage: WeightCoverage | null;
  /** What is odd but not fatal (missing DRGs). */
  readonly warnings: readonly DataIssue[];
}

export interface LoadWeightOptions {
  /** Check the DRGs against this scheme: unknown DRGs are errors, missing ones warnings. */
  readonly scheme?: CompiledScheme;
  /** Make DRGs missing from the table errors too. */
  readonly requireAll?: boolean;
  /** Name used in messages (default: the file's base name). */
  readonly displayName?: string;
}

/** The entry for a DRG at a hospital level: the level row when there is one, else the default. */
export function weightFor(t: WeightTable, drg: string, level: number | null): WeightEntry | undefined {
  if (level !== null) {
    const l = t.byLevel.get(drg)?.get(level);
    if (l !== undefined) return l;
  }
  return t.entries.get(drg);
}

/** Load a weight table file. Throws DataError naming file, line and column for every problem. */
export function loadWeightTable(path: string, options: LoadWeightOptions = {}): WeightTable {
  const { file, issues, rows } = readWeightFile(path, options);
  return compileWeights(rows, file, issues, options);
}

/** The file's rows validated by the row schema, with the problems found so far (compileWeights reports them with its own). */
function readWeightFile(path: string, options: LoadWeightOptions): { file: string; issues: IssueList; rows: ReturnType<typeof readTable<typeof weightRowSchema>> } {
  const file = options.displayName ?? basename(path);
  const issues = new IssueList();
  return { file, issues, rows: readTable(path, weightRowSchema, issues, { displayName: file }) };
}

/**
 * A weight table's rows as the file's validation gave them, in plain data
 * (decimals as text): what a worker thread needs to rebuild the table with
 * {@link weightTableFromRows} without reading and validating the file again.
 */
export interface WeightRows {
  readonly file: string;
  readonly rows: readonly { readonly line: number; readonly row: PlainWeightRow }[];
}

type PlainWeightRow = Omit<WeightRow, 'rw' | 'mean_los' | 'points'> & { rw: string; mean_los?: string | null; points?: string | null };

/**
 * {@link loadWeightTable}, also giving the validated rows as {@link WeightRows}
 * (for a table checked here and used on worker threads).
 */
export function loadWeightRows(path: string, options: LoadWeightOptions = {}): { table: WeightTable; rows: WeightRows } {
  const { file, issues, rows } = readWeightFile(path, options);
  const table = compileWeights(rows, file, issues, options);
  const text = (d: Decimal | null | undefined): string | null | undefined => (d === null || d === undefined ? d : d.toString());
  return { table, rows: { file, rows: rows.map(({ line, row }) => ({ line, row: { ...row, rw: row.rw.toString(), mean_los: text(row.mean_los), points: text(row.points) } })) } };
}

/** The table of rows {@link loadWeightRows} validated (checked against `options.scheme` here). */
export function weightTableFromRows(w: WeightRows, options: LoadWeightOptions = {}): WeightTable {
  const dec = (t: string | null | undefined): Decimal | null | undefined => (t === null || t === undefined ? t : new Decimal(t));
  const rows = w.rows.map(({ line, row }) => ({ line, row: { ...row, rw: new Decimal(row.rw), mean_los: dec(row.mean_los), points: dec(row.points) } as WeightRow }));
  return compileWeights(rows, w.file, new IssueList(), options);
}

/** Parse weight table CSV text already in memory (see {@link loadWeightTable}). */
export function parseWeightTable(text: string, file: string, options: LoadWeightOptions = {}): WeightTable {
  const issues = new IssueList();
  const rows = validateTable(text, file, weightRowSchema, issues);
  return compileWeights(rows, file, issues, options);
}

function compileWeights(rows: ReturnType<typeof validateTable<typeof weightRowSchema>>, file: string, issues: IssueList, options: LoadWeightOptions): WeightTable {
  const entries = new Map<string, WeightEntry>();
  const levelRows: { line: number; entry: WeightEntry; given: Set<string> }[] = [];
  const seen = new Map<string, number>();
  const scheme = options.scheme;
  const unknown: string[] = [];
  for (const { line, row } of rows) {
    const level = row.level ?? null;
    const key = `${row.drg}|${level ?? ''}`;
    const first = seen.get(key);
    if (first !== undefined) {
      issues.add({ code: 'weights.duplicate', file, line, column: 'drg', value: row.drg, message: `DRG ${row.drg}${level !== null ? ` at level ${level}` : ''} is already given on line ${first}` });
      continue;
    }
    seen.set(key, line);
    if (scheme !== undefined && !scheme.drgs.has(row.drg)) {
      if (!unknown.includes(row.drg)) unknown.push(row.drg);
      issues.add({ code: 'weights.unknown_drg', file, line, column: 'drg', value: row.drg, message: `DRG ${row.drg} is not in scheme ${scheme.id}` });
      continue;
    }
    const entry: WeightEntry = {
      drg: row.drg,
      level,
      name: row.name ?? (scheme?.drgs.get(row.drg)?.name ?? ''),
      rw: row.rw,
      meanCost: row.mean_cost ?? null,
      meanLos: row.mean_los ?? null,
      points: row.points ?? null,
      line,
    };
    if (level === null) entries.set(row.drg, entry);
    else {
      const given = new Set(Object.entries(row).filter(([, v]) => v !== null && v !== undefined && v !== '').map(([k]) => k));
      levelRows.push({ line, entry, given });
    }
  }
  // Level rows override the default row field by field.
  const byLevel = new Map<string, Map<number, WeightEntry>>();
  for (const { line, entry, given } of levelRows) {
    const base = entries.get(entry.drg);
    if (base === undefined) {
      issues.add({ code: 'weights.no_default', file, line, column: 'level', value: String(entry.level), message: `DRG ${entry.drg} has a row for level ${entry.level} but no default row (a row with an empty level)` });
      continue;
    }
    const merged: WeightEntry = {
      ...base,
      level: entry.level,
      rw: entry.rw,
      meanCost: given.has('mean_cost') ? entry.meanCost : base.meanCost,
      meanLos: given.has('mean_los') ? entry.meanLos : base.meanLos,
      points: given.has('points') ? entry.points : base.points,
      line,
    };
    let m = byLevel.get(entry.drg);
    if (m === undefined) byLevel.set(entry.drg, (m = new Map()));
    m.set(entry.level!, merged);
  }
  const warnings: DataIssue[] = [];
  let missing: string[] = [];
  if (scheme !== undefined) {
    // Fallback codes are reached only when no split matches and QY groups are not paid by weight,
    // so only the split DRGs must be in a complete table.
    missing = [...scheme.drgs.values()].filter((d) => d.split !== 'FALLBACK' && d.split !== 'QY' && !entries.has(d.drg)).map((d) => d.drg).sort();
    if (missing.length > 0) {
      const issue: DataIssue = {
        code: 'weights.missing_drgs',
        file,
        message: `${missing.length} DRG${missing.length > 1 ? 's' : ''} of scheme ${scheme.id} ${missing.length > 1 ? 'have' : 'has'} no weight: ${missing.slice(0, 12).join(', ')}${missing.length > 12 ? ', …' : ''}`,
      };
      if (options.requireAll === true) issues.add(issue);
      else warnings.push(issue);
    }
  }
  issues.throwIfAny(`weight table ${file}`);
  return { file, entries, byLevel, coverage: scheme !== undefined ? { unknown, missing } : null, warnings };
}
