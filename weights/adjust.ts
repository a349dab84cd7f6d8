/**
 * Policy adjustments of weights: a CSV `drg,factor` (RW × factor), applied
 * before the optional budget-neutral rescaling.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { readTable } from '../src/csv/table.js';
import { IssueList } from '../src/errors.js';
import type { Decimal } from '../src/money.js';
import type { CompiledScheme } from '../groupers/chs-drg/index.js';
import { cellPositiveDecimal } from './cells.js';

export const adjustRowSchema = z.object({
  drg: z.string().min(1, 'must not be empty'),
  factor: cellPositiveDecimal,
});

/** Load adjustment factors by DRG; unknown or repeated DRGs are errors naming the line. */
export function loadAdjustments(path: string, scheme?: CompiledScheme): Map<string, Decimal> {
  const file = basename(path);
  const issues = new IssueList();
  const out = new Map<string, Decimal>();
  const lines = new Map<string, number>();
  for (const { line, row } of readTable(path, adjustRowSchema, issues, { displayName: file })) {
    if (lines.has(row.drg)) issues.add({ code: 'adjust.duplicate', file, line, column: 'drg', value: row.drg, message: `DRG ${row.drg} is already adjusted on line ${lines.get(row.drg)}` });
    else if (scheme !== undefined && !scheme.drgs.has(row.drg)) issues.add({ code: 'adjust.unknown_drg', file, line, column: 'drg', value: row.drg, message: `DRG ${row.drg} is not in scheme ${scheme.id}` });
    lines.set(row.drg, line);
    out.set(row.drg, row.factor);
  }
  issues.throwIfAny(`adjustments ${file}`);
  return out;
}
