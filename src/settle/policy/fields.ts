/**
 * Value schemas shared by the parts of a benefit policy file: amounts in
 * yuan, ratios, identifiers, code lists, and tables keyed by hospital level.
 *
 * Amounts and ratios may be written as JSON numbers or as strings; either way
 * they are read through their decimal spelling, so `0.65` and `"0.65"` are
 * the same exact value and `1000.5` is exactly 100,050 fen.
 */
import { z } from 'zod';
import { Decimal, parseYuan, type Fen } from '../../money.js';
import { showValue } from '../../errors.js';
import { exactRatio, MAX_RATIO_DECIMALS, type Ratio } from '../ratio.js';

const DECIMAL_TEXT = /^[+-]?\d+(\.\d+)?$/;

/** The decimal spelling of a JSON number or string, or undefined. */
function decimalText(v: unknown): string | undefined {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v === 'string' && DECIMAL_TEXT.test(v.trim())) return v.trim();
  return undefined;
}

const found = (v: unknown): string => (v === undefined ? 'nothing' : showValue(v));

/** An amount in yuan (≥ 0, at most 2 decimals) → integer fen. */
export const yuan = z.unknown().optional().transform((v, ctx): Fen => {
  const t = decimalText(v);
  const fen = t === undefined ? undefined : parseYuan(t);
  if (fen === undefined || fen < 0) {
    ctx.addIssue({ code: 'custom', message: `expected an amount in yuan, at least 0 with at most 2 decimals (found ${found(v)})` });
    return z.NEVER;
  }
  return fen;
});

function ratioBetween(min: number, max: number, what: string) {
  return z.unknown().optional().transform((v, ctx): Ratio => {
    const t = decimalText(v);
    if (t === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected ${what} (found ${found(v)})` });
      return z.NEVER;
    }
    const d = new Decimal(t);
    if (d.lt(min) || d.gt(max)) {
      ctx.addIssue({ code: 'custom', message: `${what} must be between ${min} and ${max} (found ${t})` });
      return z.NEVER;
    }
    if (d.decimalPlaces() > MAX_RATIO_DECIMALS) {
      ctx.addIssue({ code: 'custom', message: `${what} has at most ${MAX_RATIO_DECIMALS} decimal places (found ${t})` });
      return z.NEVER;
    }
    return exactRatio(d);
  });
}

/** A ratio from 0 to 1 (0.65 = 65 %). */
export const ratio = ratioBetween(0, 1, 'a ratio');
/** A signed change of a ratio, from −1 to 1 (−0.10 = ten points less). */
export const ratioDelta = ratioBetween(-1, 1, 'a ratio change');

/** A name used as a key (insured type, person class, layer id): letters, digits, _ . - */
export const key = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'expected a name of letters, digits, _ . or - (no spaces)');

/** A non-empty list of non-empty codes or names. */
export const codeList = z.array(z.string().trim().min(1, 'must not be empty')).min(1, 'must list at least one');

/** A positive whole number. */
export const positiveInt = z.number().int('expected a whole number').min(1, 'must be at least 1');

/** A table with one entry per hospital level (checked against `hospital_levels` after parsing). */
export const byLevel = <T extends z.ZodType>(inner: T) => z.record(z.string(), inner);
