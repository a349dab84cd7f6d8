/**
 * Cell and JSON value schemas for decimal parameters (weights, rates, ratios,
 * coefficients, point values). Values stay decimal text until they become
 * decimal.js numbers: binary floating point never holds them.
 */
import { z } from 'zod';
import { Decimal, type Fen, parseYuan } from '../src/money.js';

const DECIMAL_TEXT = /^\d+(\.\d+)?$/;

/** A non-negative decimal number cell ("2.5", "0.8"); a sign, an exponent or text is an error. */
export const cellDecimal = z
  .string()
  .regex(DECIMAL_TEXT, 'expected a non-negative decimal number such as 1.25 (no sign, no exponent)')
  .transform((s) => new Decimal(s));

/** A decimal cell that must be greater than zero. */
export const cellPositiveDecimal = cellDecimal.refine((d) => d.greaterThan(0), 'must be greater than 0');

/** A decimal cell that may be empty (empty → null). */
export const cellOptionalDecimal = z
  .string()
  .regex(/^(\d+(\.\d+)?)?$/, 'expected a non-negative decimal number or nothing')
  .transform((s) => (s === '' ? null : new Decimal(s)));

/** A yuan amount cell with at most two decimals, kept as integer fen; negative amounts are errors. */
export const cellYuan = z.string().transform((s, ctx): Fen => {
  const fen = parseYuan(s);
  if (fen === undefined || s.trim().startsWith('+')) {
    ctx.addIssue({ code: 'custom', message: 'expected an amount in yuan with at most two decimals, such as 1234.56' });
    return z.NEVER;
  }
  if (fen < 0) {
    ctx.addIssue({ code: 'custom', message: 'must not be negative' });
    return z.NEVER;
  }
  return fen;
});

/** A signed yuan amount cell (adjustments that may go either way). */
export const cellSignedYuan = z.string().transform((s, ctx): Fen => {
  const fen = parseYuan(s);
  if (fen === undefined) {
    ctx.addIssue({ code: 'custom', message: 'expected an amount in yuan with at most two decimals, such as -1234.56' });
    return z.NEVER;
  }
  return fen;
});

/** An optional yuan cell (empty → null). */
export const cellOptionalYuan = z.string().transform((s, ctx): Fen | null => {
  if (s === '') return null;
  const r = cellYuan.safeParse(s);
  if (r.success) return r.data;
  for (const i of r.error.issues) ctx.addIssue({ code: 'custom', message: i.message });
  return z.NEVER;
});

/** A hospital level cell: empty (null) or a whole number from 1 to 9. */
export const cellLevel = z
  .string()
  .regex(/^[1-9]?$/, 'expected a hospital level 1–9, or nothing')
  .transform((s) => (s === '' ? null : Number(s)));

/**
 * A decimal in a JSON file: decimal text ("1.05") or a JSON number (read
 * through its shortest decimal spelling, so 1.05 is exactly 1.05).
 */
export const jsonDecimal = z.union([z.string(), z.number()]).transform((v, ctx): Decimal => {
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v.trim();
  if (/^-/.test(text)) {
    ctx.addIssue({ code: 'custom', message: `must not be negative (found ${text})` });
    return z.NEVER;
  }
  if (!DECIMAL_TEXT.test(text)) {
    ctx.addIssue({ code: 'custom', message: `expected a non-negative decimal number such as "1.05" (found ${JSON.stringify(v)})` });
    return z.NEVER;
  }
  return new Decimal(text);
});

/** A JSON decimal that must be greater than zero. */
export const jsonPositiveDecimal = jsonDecimal.refine((d) => d.greaterThan(0), 'must be greater than 0');

/** A JSON share (0 ≤ x ≤ 1). */
export const jsonShare = jsonDecimal.refine((d) => d.lessThanOrEqualTo(1), 'must be a share between 0 and 1');

/** A yuan amount in JSON ("90000000.00" or 90000000), as integer fen; negative amounts are errors. */
export const jsonYuan = z.union([z.string(), z.number()]).transform((v, ctx): Fen => {
  const text = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v.trim();
  const fen = parseYuan(text);
  if (fen === undefined) {
    ctx.addIssue({ code: 'custom', message: `expected an amount in yuan with at most two decimals (found ${JSON.stringify(v)})` });
    return z.NEVER;
  }
  if (fen < 0) {
    ctx.addIssue({ code: 'custom', message: `must not be negative (found ${text})` });
    return z.NEVER;
  }
  return fen;
});

/** Keys of per-level maps: "1" … "9". */
export const levelKey = z.string().regex(/^[1-9]$/, 'hospital level keys are 1–9');

/** Format a decimal with exactly `places` decimals, half up. */
export function fixed(d: Decimal, places: number): string {
  return d.toFixed(places, Decimal.ROUND_HALF_UP);
}

/** Format a decimal rounded half up to at most `places` decimals, without trailing zeros ("262.5", "80"). */
export function trimmed(d: Decimal, places: number): string {
  return d.toDecimalPlaces(places, Decimal.ROUND_HALF_UP).toString();
}
