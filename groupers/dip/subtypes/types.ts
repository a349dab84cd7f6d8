/**
 * Auxiliary subtypes (辅助目录): conditions that split a group's cases into
 * subtypes with their own coefficient (subtype mean / group mean). Each kind
 * of condition lives in its own module and is registered in index.ts.
 */

/** What the subtype conditions read from a case. */
export interface SubtypeInput {
  readonly age: number | null;
  readonly ageDays: number | null;
  readonly los: number | null;
  readonly discharge: number | null;
  /** ICU days (the extra column icu_days). */
  readonly icuDays: number | null;
  /** Secondary diagnoses (all diagnoses after the principal). */
  readonly secondary: readonly string[];
}

/** One compiled subtype: a code such as `age:65+` or `death`, and its test. */
export interface SubtypeRule {
  readonly code: string;
  /** The condition in words, for traces. */
  readonly label: string;
  test(c: SubtypeInput): boolean;
}

/** A kind of subtype condition: compiles its part of dip.json `auxiliary`. */
export interface SubtypeKind<C> {
  readonly key: string;
  compile(config: C): SubtypeRule[];
}

/** An inclusive band test; `to` absent means open above. */
export function inBand(v: number | null, from: number, to: number | undefined): boolean {
  return v !== null && v >= from && (to === undefined || v <= to);
}

export function bandLabel(what: string, from: number, to: number | undefined, unit: string): string {
  return to === undefined ? `${what} ≥ ${from} ${unit}` : `${what} ${from}–${to} ${unit}`;
}

/** Upper-cased prefixes → a test for "some code starts with one of them". */
export function prefixTest(prefixes: readonly string[]): (codes: readonly string[]) => string | undefined {
  const ps = prefixes.map((p) => p.toUpperCase());
  return (codes) => {
    for (const c of codes) {
      const u = c.toUpperCase();
      for (const p of ps) if (u.startsWith(p)) return c;
    }
    return undefined;
  };
}
