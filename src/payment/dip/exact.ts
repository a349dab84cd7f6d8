/**
 * Exact integer arithmetic for scores: decimals as scaled BigInts (value =
 * n / 10^e), division with the project's one rounding rule (half up, away
 * from zero). The bulk scorer uses it for deviation cases, where decimal.js
 * would cost several microseconds per case.
 */
import { Decimal } from '../../money.js';

/** A decimal as n / 10^e, exactly. */
export interface Scaled {
  readonly n: bigint;
  readonly e: number;
}

export const pow10 = (k: number): bigint => 10n ** BigInt(k);

export function scaled(d: Decimal): Scaled {
  const s = d.toFixed();
  const dot = s.indexOf('.');
  return dot === -1 ? { n: BigInt(s), e: 0 } : { n: BigInt(s.slice(0, dot) + s.slice(dot + 1)), e: s.length - dot - 1 };
}

/** num / den (den > 0) rounded once, half up (away from zero). */
export function divRound(num: bigint, den: bigint): bigint {
  const neg = num < 0n;
  const a = neg ? -num : num;
  const q = a / den;
  const v = (a % den) * 2n >= den ? q + 1n : q;
  return neg ? -v : v;
}

/** A whole number of 10^-decimals as decimal text without trailing zeros ("80", "123.45"), as Decimal.toFixed() writes it. */
export function unitsText(u: bigint | number, decimals: number): string {
  if (decimals === 0) return u.toString();
  if (typeof u === 'number' && u >= 0 && Number.isSafeInteger(u)) {
    // The common case without BigInt or regex: integer part, then the decimals without trailing zeros.
    const scale = 10 ** decimals;
    const int = Math.floor(u / scale);
    let frac = u - int * scale;
    if (frac === 0) return String(int);
    let digits = decimals;
    while (frac % 10 === 0) {
      frac /= 10;
      digits--;
    }
    return `${int}.${String(frac).padStart(digits, '0')}`;
  }
  const neg = u < 0;
  const s = (neg ? -u : u).toString().padStart(decimals + 1, '0');
  const int = s.slice(0, s.length - decimals);
  const frac = s.slice(s.length - decimals).replace(/0+$/, '');
  return `${neg && (int !== '0' || frac !== '') ? '-' : ''}${int}${frac !== '' ? `.${frac}` : ''}`;
}

/** units / 10^decimals as a Decimal. */
export function unitsDecimal(u: bigint, decimals: number): Decimal {
  return new Decimal(u.toString()).dividedBy(new Decimal(10).pow(decimals));
}

/**
 * score × 10^decimals = A × (slope × cost / standard + intercept), as
 * `(mult × cost + add) / den` with integers, for integer costs: built once
 * per (adjusted score, standard, rule), applied per case with three BigInt
 * operations. `standard` must not be zero.
 */
export interface Affine {
  readonly mult: bigint;
  readonly add: bigint;
  readonly den: bigint;
}

export function affine(adjusted: Decimal, slope: Decimal, intercept: Decimal, standard: Decimal, decimals: number): Affine {
  const as = scaled(adjusted.times(slope));
  const k = scaled(adjusted.times(intercept));
  const t = scaled(standard);
  // A·slope·cost/T = n_as·cost·10^e_t / (10^e_as·n_t);  A·intercept = n_k / 10^e_k; common denominator 10^(e_as+e_k)·n_t.
  return {
    mult: as.n * pow10(t.e + decimals + k.e),
    add: k.n * pow10(decimals + as.e) * t.n,
    den: pow10(as.e + k.e) * t.n,
  };
}

/** The rounded score in units of 10^-decimals for an integer cost. */
export function applyAffine(a: Affine, cost: bigint): bigint {
  const den = a.den < 0n ? -a.den : a.den;
  const num = a.den < 0n ? -(a.mult * cost + a.add) : a.mult * cost + a.add;
  return divRound(num, den);
}

/**
 * Round y half up (away from zero) when floating point is provably enough:
 * `err` bounds the absolute error of y, and y must be farther than that from
 * a half-way point. Otherwise undefined, and the caller computes exactly.
 * Most deviation cases end here, at a fraction of the cost of BigInt.
 */
export function roundGuarded(y: number, err: number): number | undefined {
  const a = Math.abs(y);
  if (!(a < 2 ** 52)) return undefined;
  const floor = Math.floor(a);
  const frac = a - floor; // exact for a < 2^52
  if (Math.abs(frac - 0.5) <= err) return undefined;
  const r = frac > 0.5 ? floor + 1 : floor;
  return y < 0 ? -r : r;
}

/** round(units × f / p) half up for safe integers, exactly; undefined when the product is not a safe integer. */
export function mulDivRound(units: number, f: number, p: number): number | undefined {
  const n = units * f;
  if (!Number.isSafeInteger(n)) return undefined;
  const a = Math.abs(n);
  let q = Math.floor(a / p);
  let r = a - q * p; // exact: q·p ≤ a + p < 2^53
  if (r < 0) {
    q--;
    r += p;
  } else if (r >= p) {
    q++;
    r -= p;
  }
  const v = 2 * r >= p ? q + 1 : q;
  return n < 0 ? -v : v;
}
