/**
 * Money. Amounts are integer fen (1 yuan = 100 fen) from the moment they are
 * read until they are written; no binary floating point ever holds money.
 *
 * The one rounding rule of the project: when a computation produces a
 * fraction of a fen (a ratio, a rate, a point value), the result is rounded
 * once, half up (away from zero for negatives), to whole fen — see
 * {@link roundFen}. Intermediate values of a computation are kept exact
 * (integers, or decimal.js for rates and ratios) and rounded only at the end.
 */
import { Decimal } from 'decimal.js';

type DecimalValue = Decimal.Value;

/** An amount in fen (integer). The brand keeps yuan numbers from being passed by mistake. */
export type Fen = number & { readonly __unit?: 'fen' };

const AMOUNT = /^([+-])?(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * Parse a yuan amount with at most two decimals ("1234.5", "-0.05", "12") into
 * fen. Returns undefined for anything else (more decimals, exponents, text).
 */
export function parseYuan(text: string): Fen | undefined {
  const m = AMOUNT.exec(text.trim());
  if (m === null) return undefined;
  const frac = m[3] === undefined ? 0 : m[3].length === 1 ? Number(m[3]) * 10 : Number(m[3]);
  const fen = Number(m[2]) * 100 + frac;
  return (m[1] === '-' ? -fen : fen) as Fen;
}

/** Format fen as yuan with exactly two decimals: 123456 → "1234.56". */
export function formatYuan(fen: Fen): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
  const neg = fen < 0;
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100);
  const rest = abs % 100;
  return `${neg ? '-' : ''}${yuan}.${rest < 10 ? '0' : ''}${rest}`;
}

/** Round a decimal amount of fen to whole fen, half up (away from zero). The project's only rounding rule. */
export function roundFen(fen: DecimalValue): Fen {
  return new Decimal(fen).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() as Fen;
}

/** Yuan as a decimal (exact) → fen, rounded once half up. */
export function yuanToFen(yuan: DecimalValue): Fen {
  return roundFen(new Decimal(yuan).times(100));
}

/** Fen → exact decimal yuan. */
export function fenToDecimalYuan(fen: Fen): Decimal {
  return new Decimal(fen).dividedBy(100);
}

/**
 * Decimals of 40 significant digits, for sums of products that must stay
 * exact before one last division (Linear.exact): products of amounts, rates
 * and coefficients can run past the default 20 digits.
 */
export const PreciseDecimal = Decimal.clone({ precision: 40 });

export { Decimal };
