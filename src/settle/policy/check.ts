/**
 * Checks of a parsed policy that a zod schema cannot express on its own
 * (cross-references, band order, tables that must name every hospital
 * level). Each problem names its JSON path; the loader turns them into
 * DataIssues of the policy file.
 */

export type JsonPathParts = readonly (string | number)[];

/** Where checks report problems. */
export interface PolicyChecker {
  add(path: JsonPathParts, message: string, code?: string): void;
}

/** `['a', 'b', 2, 'c']` → `$.a.b[2].c`. */
export function jsonPath(path: readonly PropertyKey[]): string {
  return `$${path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('')}`;
}

/** A table keyed by hospital level must name each level once and nothing else. */
export function checkLevels(table: Readonly<Record<string, unknown>>, levels: readonly string[], path: JsonPathParts, at: PolicyChecker): void {
  for (const level of levels) {
    if (!Object.hasOwn(table, level)) at.add(path, `missing level "${level}" (every level of hospital_levels needs a value: ${levels.join(', ')})`, 'policy.level_missing');
  }
  for (const k of Object.keys(table)) {
    if (!levels.includes(k)) at.add([...path, k], `unknown level "${k}" (hospital_levels has: ${levels.join(', ')})`, 'policy.level_unknown');
  }
}

/** Keys of a table must be among the declared names (insured types, person classes). */
export function checkKnown(keys: readonly string[], known: readonly string[], what: string, declaredAt: string, path: JsonPathParts, at: PolicyChecker): void {
  for (const k of keys) {
    if (!known.includes(k)) at.add([...path, k], `unknown ${what} "${k}" (${declaredAt} declares: ${known.join(', ') || 'none'})`, 'policy.unknown_name');
  }
}
