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

/** A list of consecutive ranges (critical-illness bands, bed-day phases), as {@link checkRanges} sees it. */
export interface Ranges<T> {
  readonly items: readonly T[];
  /** `band`, `phase`: used in messages. */
  readonly what: string;
  readonly fromKey: keyof T & string;
  readonly toKey: keyof T & string;
  /** Where the first range must start. */
  readonly start: number;
  /** Where a range must start after one that ends at `to` (`to` for half-open bands, `to + 1` for inclusive days). */
  readonly after: (to: number) => number;
  readonly show: (n: number) => string;
  readonly path: JsonPathParts;
}

/**
 * Ranges must start at `start`, each be non-empty, follow each other without
 * gap or overlap, and only the last may (and must) be open (`to: null`).
 */
export function checkRanges<T>(r: Ranges<T>, at: PolicyChecker): void {
  const from = (t: T) => t[r.fromKey] as unknown as number;
  const to = (t: T) => t[r.toKey] as unknown as number | null;
  r.items.forEach((item, i) => {
    const p = [...r.path, i];
    if (i === 0 && from(item) !== r.start) at.add([...p, r.fromKey], `the first ${r.what} must start at ${r.show(r.start)} (found ${r.show(from(item))})`, 'policy.band_start');
    const end = to(item);
    if (end !== null && r.after(end) <= from(item)) at.add([...p, r.toKey], `${r.what} ${i} ends (${r.show(end)}) before it starts (${r.show(from(item))})`, 'policy.band_empty');
    if (i === 0) return;
    const prevEnd = to(r.items[i - 1]!);
    if (prevEnd === null) at.add([...r.path, i - 1, r.toKey], `${r.what} ${i - 1} is open (${r.toKey}: null) but ${r.what} ${i} follows it: only the last ${r.what} may be open`, 'policy.band_open');
    else if (from(item) < r.after(prevEnd)) at.add([...p, r.fromKey], `${r.what} ${i} (from ${r.show(from(item))}) overlaps ${r.what} ${i - 1} (to ${r.show(prevEnd)})`, 'policy.band_overlap');
    else if (from(item) > r.after(prevEnd)) at.add([...p, r.fromKey], `gap between ${r.what} ${i - 1} (to ${r.show(prevEnd)}) and ${r.what} ${i} (from ${r.show(from(item))}): give the gap its own ${r.what}`, 'policy.band_gap');
  });
  const last = r.items.length - 1;
  if (last >= 0 && to(r.items[last]!) !== null) at.add([...r.path, last, r.toKey], `the last ${r.what} must be open (${r.toKey}: null)`, 'policy.band_open');
}
