/**
 * Writing CSV: fields are quoted only when they hold a comma, quote, or line
 * break (RFC 4180), so ordinary output stays easy to read and diff.
 */

const NEEDS_QUOTES = /[",\r\n]/;

export function csvField(value: string): string {
  return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One CSV line (with its newline) from fields. */
export function csvLine(fields: readonly string[]): string {
  let s = '';
  for (let i = 0; i < fields.length; i++) {
    if (i > 0) s += ',';
    s += csvField(fields[i]!);
  }
  return `${s}\n`;
}
