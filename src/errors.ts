/**
 * Errors are values that carry their place: the file, the line (1-based,
 * the header is line 1), the column, and for JSON cells the path inside the
 * value. Problems are collected per file and thrown once at the API boundary.
 */

export interface DataIssue {
  /** Stable machine-readable code, e.g. `header.missing`, `predicate.unknown`. */
  readonly code: string;
  /** File the problem is in (as given to the loader, usually relative to the package). */
  readonly file?: string;
  /** 1-based physical line in the file; the header is line 1. */
  readonly line?: number;
  /** Column (CSV header name) or JSON field. */
  readonly column?: string;
  /** Path inside a JSON value, e.g. `$.and[1].cmp[0]`. */
  readonly path?: string;
  /** The offending value, shortened for display. */
  readonly value?: string;
  /** What is wrong and what was expected. */
  readonly message: string;
}

/** Render an issue as one line: `file, line N, column C ($.path): message`. */
export function formatIssue(issue: DataIssue): string {
  const where: string[] = [];
  if (issue.file !== undefined) where.push(issue.file);
  if (issue.line !== undefined) where.push(`line ${issue.line}`);
  if (issue.column !== undefined) where.push(`column ${issue.column}${issue.path !== undefined ? ` (${issue.path})` : ''}`);
  else if (issue.path !== undefined) where.push(issue.path);
  return where.length > 0 ? `${where.join(', ')}: ${issue.message}` : issue.message;
}

/** A data file (scheme package, table, policy) failed validation. */
export class DataError extends Error {
  readonly issues: readonly DataIssue[];
  constructor(issues: readonly DataIssue[], context?: string) {
    const first = issues[0];
    const head = first !== undefined ? formatIssue(first) : 'invalid data';
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
    super(`${context !== undefined ? `${context}: ` : ''}${head}${more}`);
    this.name = 'DataError';
    this.issues = issues;
  }
}

/** Collects issues up to a limit so that one bad file does not flood the output. */
export class IssueList {
  readonly issues: DataIssue[] = [];
  private dropped = 0;
  constructor(private readonly limit = 50) {}
  add(issue: DataIssue): void {
    if (this.issues.length < this.limit) this.issues.push(issue);
    else this.dropped++;
  }
  get size(): number {
    return this.issues.length + this.dropped;
  }
  /** Throw a {@link DataError} if anything was collected. */
  throwIfAny(context?: string): void {
    if (this.size === 0) return;
    const all = this.dropped > 0
      ? [...this.issues, { code: 'issues.truncated', message: `${this.dropped} further problems not shown` }]
      : this.issues;
    throw new DataError(all, context);
  }
}

/** Shorten a value for display inside a message. */
export function showValue(v: unknown, max = 60): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v) ?? String(v);
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
