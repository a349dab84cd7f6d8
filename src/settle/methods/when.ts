/**
 * Which bills a method rule applies to: by DRG/DIP group, principal
 * diagnosis (code prefixes), department, or flag. Each list matches when the
 * bill has any of its entries; every list given must match.
 */
import { z } from 'zod';
import type { Bill } from '../bill.js';
import { codeList } from '../policy/fields.js';

export const whenSchema = z
  .strictObject({
    /** DRG or DIP group codes (the bill's `group`), exact, case-insensitive. */
    groups: codeList.optional(),
    /** Principal diagnosis code prefixes, case-insensitive (`F20` matches `F20.000`). */
    diagnoses: codeList.optional(),
    /** Departments (the bill's `department`), exact. */
    departments: codeList.optional(),
    /** Flags (any of the bill's `flags`). */
    flags: codeList.optional(),
  })
  .refine((w) => w.groups !== undefined || w.diagnoses !== undefined || w.departments !== undefined || w.flags !== undefined, {
    message: 'must name at least one of groups, diagnoses, departments, flags',
  });
export type When = z.output<typeof whenSchema>;

/** A predicate over bills; no condition → every bill. */
export function compileWhen(w: When | undefined): (bill: Bill) => boolean {
  if (w === undefined) return () => true;
  const groups = w.groups === undefined ? null : new Set(w.groups.map((g) => g.toUpperCase()));
  const prefixes = w.diagnoses?.map((d) => d.toUpperCase()) ?? null;
  const departments = w.departments === undefined ? null : new Set(w.departments);
  const flags = w.flags === undefined ? null : new Set(w.flags);
  return (bill) => {
    if (groups !== null && (bill.group === null || !groups.has(bill.group.toUpperCase()))) return false;
    if (prefixes !== null) {
      const dx = bill.diagnoses[0]?.toUpperCase();
      if (dx === undefined || !prefixes.some((p) => dx.startsWith(p))) return false;
    }
    if (departments !== null && (bill.department === null || !departments.has(bill.department))) return false;
    if (flags !== null && !bill.flags.some((f) => flags.has(f))) return false;
    return true;
  };
}

/** Describe a rule's conditions for a trace. */
export function describeWhen(w: When | undefined): string {
  if (w === undefined) return 'every bill';
  const parts: string[] = [];
  if (w.groups !== undefined) parts.push(`group in ${w.groups.join('/')}`);
  if (w.diagnoses !== undefined) parts.push(`principal diagnosis ${w.diagnoses.join('/')}…`);
  if (w.departments !== undefined) parts.push(`department ${w.departments.join('/')}`);
  if (w.flags !== undefined) parts.push(`flag ${w.flags.join('/')}`);
  return parts.join(' and ');
}
