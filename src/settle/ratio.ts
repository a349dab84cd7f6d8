/**
 * Ratios (reimbursement ratios, band ratios, shares) applied to money.
 *
 * A ratio is an exact decimal (at most {@link MAX_RATIO_DECIMALS} places),
 * kept as decimal.js and as an integer numerator over a power of ten. Applying
 * it to an amount of fen gives the exact product rounded once, half up, to
 * whole fen — the project's one rounding rule (src/money.ts).
 */
import { Decimal, roundFen, type Fen } from '../money.js';

/** Ratios in policy files have at most this many decimal places (0.655 or 0.1234 are fine). */
export const MAX_RATIO_DECIMALS = 6;

export interface Ratio {
  /** The exact value. */
  readonly value: Decimal;
  /** value × scale, an integer. */
  readonly num: number;
  /** A power of ten. */
  readonly scale: number;
  /** As a percentage, e.g. `65%` (made once: decimal.js is too slow to run per bill). */
  readonly percent: string;
}

/** A ratio from an exact decimal (at most {@link MAX_RATIO_DECIMALS} places). */
export function exactRatio(value: Decimal.Value): Ratio {
  const d = new Decimal(value);
  const places = d.decimalPlaces();
  if (places > MAX_RATIO_DECIMALS) throw new RangeError(`a ratio has at most ${MAX_RATIO_DECIMALS} decimal places (got ${d.toString()})`);
  const scale = 10 ** places;
  return { value: d, num: d.times(scale).toNumber(), scale, percent: `${d.times(100).toString()}%` };
}

export const ZERO_RATIO = exactRatio(0);
export const ONE_RATIO = exactRatio(1);

/** `fen × ratio`, exact, rounded once half up. */
export function applyRatio(fen: Fen, r: Ratio): Fen {
  const x = fen * r.num;
  // Hot path (several times per bill): integer arithmetic is exact while the product
  // stays below 2^53, and much cheaper than decimal.js; otherwise decimal.js does it.
  if (fen >= 0 && r.num >= 0 && Number.isSafeInteger(x)) {
    let q = Math.floor(x / r.scale);
    let rem = x - q * r.scale;
    // x / scale is a rounded float division: correct the quotient by at most one.
    if (rem < 0) {
      q -= 1;
      rem += r.scale;
    } else if (rem >= r.scale) {
      q += 1;
      rem -= r.scale;
    }
    return (2 * rem >= r.scale ? q + 1 : q) as Fen;
  }
  return roundFen(new Decimal(fen).times(r.value));
}

/** a + b, clamped to [0, 1] (an adjusted reimbursement ratio). */
export function addClamped(a: Ratio, b: Decimal.Value): Ratio {
  const sum = a.value.plus(b);
  return exactRatio(Decimal.max(0, Decimal.min(1, sum)));
}

/** 1 − r. */
export function complement(r: Ratio): Ratio {
  return exactRatio(new Decimal(1).minus(r.value));
}

/** "65%", "62.5%". */
export function percent(r: Ratio): string {
  return r.percent;
}
