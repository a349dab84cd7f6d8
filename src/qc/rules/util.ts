/** Small helpers shared by the rule modules. */

/** A number as it would be written in a case file. */
export const show = (n: number): string => String(n);

/** True when n is given (not NaN). */
export const given = (n: number): boolean => n === n;

/** Position words for messages: `diagnosis 2`, `the principal diagnosis`. */
export function slot(kind: 'diagnosis' | 'procedure', i: number): string {
  return i === 0 ? `the principal ${kind}` : `${kind} ${i + 1}`;
}

/**
 * Days since 1970-01-01 of a YYYY-MM-DD date (already validated by the case
 * reader), read from char codes: integer arithmetic, no Date object (this
 * runs for every case that has dates).
 */
export function dayNumber(date: string): number {
  return dayNumberAt(date, 0);
}

/** dayNumber of the date written at text[at, at + 10) (for readers that keep a line's text). */
export function dayNumberAt(text: string, at: number): number {
  const d = (i: number): number => text.charCodeAt(at + i) - 48;
  const y = d(0) * 1000 + d(1) * 100 + d(2) * 10 + d(3);
  const m = d(5) * 10 + d(6);
  const day = d(8) * 10 + d(9);
  // Days from the civil date (proleptic Gregorian), counting years from March.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * ((m + 9) % 12) + 2) / 5) + day - 1;
  return era * 146097 + yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy - 719468;
}
