/** Small helpers shared by the rule modules. */

/** A number as it would be written in a case file. */
export const show = (n: number): string => String(n);

/** True when n is given (not NaN). */
export const given = (n: number): boolean => n === n;

/** Position words for messages: `diagnosis 2`, `the principal diagnosis`. */
export function slot(kind: 'diagnosis' | 'procedure', i: number): string {
  return i === 0 ? `the principal ${kind}` : `${kind} ${i + 1}`;
}

/** Days since 1970-01-01 of a YYYY-MM-DD date (already validated by the case reader). */
export function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / 86_400_000;
}
