/**
 * Code patterns of the quality-check lists: how a region names a set of
 * codes in its configuration.
 *
 *   `N40.x00`   one code (matched case-insensitively)
 *   `N40*`      every code starting with N40
 *   `O80-O84`   every code whose first characters (as many as the bounds
 *               have) fall between the bounds, inclusive: O80.000 … O84.9xx
 *
 * A code ending in `*` that also holds `+` (a dagger-asterisk pair such as
 * `A01.000x005+J17.0*`) is one code, not a prefix.
 *
 * Patterns are compiled once; they are tested against each code of a
 * scheme's tables at load (see facts.ts), never per case, except for a case
 * code the scheme does not know at all.
 */

export type CodePattern =
  | { readonly kind: 'code'; readonly code: string; readonly text: string }
  | { readonly kind: 'prefix'; readonly prefix: string; readonly text: string }
  | { readonly kind: 'range'; readonly lo: string; readonly hi: string; readonly text: string };

/** Compile a pattern; returns a message instead when the text is not one. */
export function compilePattern(raw: string): CodePattern | string {
  const text = raw.trim();
  const dash = text.indexOf('-');
  if (dash > 0) {
    const lo = text.slice(0, dash).toUpperCase();
    const hi = text.slice(dash + 1).toUpperCase();
    if (lo.length !== hi.length) return `range "${text}": both bounds must have the same length (e.g. O80-O84)`;
    if (lo > hi) return `range "${text}": the first bound is after the second`;
    return { kind: 'range', lo, hi, text };
  }
  if (text.endsWith('*') && !text.includes('+')) {
    const prefix = text.slice(0, -1).toUpperCase();
    if (prefix === '') return 'a prefix pattern needs at least one character before *';
    return { kind: 'prefix', prefix, text };
  }
  if (text === '') return 'a pattern cannot be empty';
  return { kind: 'code', code: text.toUpperCase(), text };
}

/** True when the code (any letter case) matches the pattern. */
export function matches(p: CodePattern, code: string): boolean {
  return matchesFolded(p, code.trim().toUpperCase());
}

/** matches, for a code already trimmed and upper-cased. */
function matchesFolded(p: CodePattern, c: string): boolean {
  switch (p.kind) {
    case 'code':
      return c === p.code;
    case 'prefix':
      return c.startsWith(p.prefix);
    case 'range': {
      const head = c.slice(0, p.lo.length);
      return head.length === p.lo.length && head >= p.lo && head <= p.hi;
    }
  }
}

/** A code as the patterns compare it: trimmed and upper-cased (fold a code once, then test it against many lists). */
export function foldCode(code: string): string {
  return code.trim().toUpperCase();
}

/** matchesAny, for a code already folded by {@link foldCode}. */
export function matchesAnyFolded(patterns: readonly CodePattern[], folded: string): boolean {
  for (const p of patterns) if (matchesFolded(p, folded)) return true;
  return false;
}

export function matchesAny(patterns: readonly CodePattern[], code: string): boolean {
  return patterns.length !== 0 && matchesAnyFolded(patterns, foldCode(code));
}
