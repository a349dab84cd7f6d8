/**
 * Procedure sets of directory rows: `+` joins terms that must all be present,
 * `/` lists alternatives inside a term (any one is enough). `+` binds looser
 * than `/`, so `47.0100/47.0900+54.5100` means (47.0100 or 47.0900) and
 * 54.5100. An empty cell is the empty set. Codes are matched against all of a
 * case's procedures, case-insensitively.
 */

/** Terms of a set: each term is a list of alternative codes. */
export type ProcedureSet = readonly (readonly string[])[];

const CODE = /^[0-9]{2}[0-9A-Za-z.]*$/;

/** Parse a set; returns the terms, or a message saying what is wrong. */
export function parseProcedureSet(text: string): ProcedureSet | string {
  const s = text.trim();
  if (s === '') return [];
  const terms: string[][] = [];
  for (const rawTerm of s.split('+')) {
    const alts = rawTerm.split('/').map((c) => c.trim());
    if (alts.some((c) => c === '')) return `"${s}": an empty code around "+" or "/"`;
    const bad = alts.find((c) => !CODE.test(c));
    if (bad !== undefined) return `"${bad}" is not a procedure code (ICD-9-CM-3, e.g. 47.0100)`;
    terms.push(alts);
  }
  return terms;
}

/** The set written back as text (`a/b+c`). */
export function formatProcedureSet(set: ProcedureSet): string {
  return set.map((t) => t.join('/')).join('+');
}
