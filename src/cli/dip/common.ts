/**
 * What the `drg dip` subcommands share: the options of commands that read a
 * case file, help handling, --point-value, --columns and the summary line.
 */
import type { ParseArgsConfig } from 'node:util';
import { parseColumnMap } from '../../case/decode.js';
import type { CaseField } from '../../case/schema.js';
import type { Counts } from '../../bulk/job.js';
import { HELP_FLAG, RUN_FLAGS } from '../args.js';
import { UsageError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Options of every subcommand that reads a case file. */
export const CASE_FILE_OPTIONS = {
  columns: { type: 'string' },
  rejects: { type: 'string' },
  ...RUN_FLAGS,
  ...HELP_FLAG,
} as const satisfies Options;

export { parseCommand } from '../args.js';

/** A --columns value as entries. */
export function columnsOf(spec: string | undefined): [string, CaseField][] {
  return spec !== undefined ? [...parseColumnMap(spec)] : [];
}

/** Check a --point-value argument. */
export function parsePointValue(v: string | undefined): string | null {
  if (v === undefined) return null;
  if (!/^\d{1,12}(\.\d{1,12})?$/.test(v) || !/[1-9]/.test(v)) throw new UsageError(`--point-value must be a positive decimal number of yuan per score point (got ${v})`);
  return v;
}

/** The summary line; its counts reconcile: read = grouped + ungrouped + invalid + rejected, grouped = core + comprehensive. */
export function dipSummary(prefix: string, c: Counts, dir: string, ms: number, rejectsPath: string | undefined, workers: number): string {
  const n = (k: string) => c[k] ?? 0;
  const parts = [`${n('grouped')} grouped (${n('core')} core + ${n('comprehensive')} comprehensive)`, `${n('ungrouped')} ungrouped`, `${n('invalid')} invalid`];
  if (rejectsPath !== undefined) parts.push(`${n('rejected')} rejected${n('rejected') > 0 ? ` (see ${rejectsPath})` : ''}`);
  const blank = n('blank') > 0 ? `; ${n('blank')} blank line${n('blank') > 1 ? 's' : ''} skipped` : '';
  const dev = `deviation: ${n('normal')} normal, ${n('low')} low, ${n('high')} high, ${n('extreme')} extreme (review)${n('no_cost') > 0 ? `, ${n('no_cost')} without cost` : ''}`;
  const rate = ms > 0 ? Math.round((n('read') * 1000) / ms) : 0;
  const name = dir.split(/[\\/]/).pop();
  return `${prefix}: ${n('read')} rows read = ${parts.join(' + ')}${blank}; ${dev} (directory ${name}, ${workers} worker${workers > 1 ? 's' : ''}, ${(ms / 1000).toFixed(1)} s, ${rate} rows/s)`;
}
