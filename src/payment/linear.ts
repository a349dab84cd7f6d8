/**
 * Exact rounding of a linear amount a + x·m (a, m decimals fixed per group and
 * class, x a whole number such as a cost in fen) to a whole number, half up —
 * the one rounding rule of the project — at the speed of a multiply-add.
 *
 * The result is always the decimal.js result. Binary floating point is used
 * only as a filter: its error on a + x·m is far below 1e-12 of the magnitude,
 * so when the fraction is farther than that from ½ the float rounds exactly as
 * the decimal would; otherwise (and for very large values) decimal.js decides.
 * That holds too for a line known first as doubles (Linear.lazy), whose
 * doubles are within 1e-13 of the exact values: its decimals are then made
 * only when a rounding needs them.
 */
import { Decimal } from '../money.js';

export class Linear {
  /** a and m as doubles, for {@link Linear.filtered} on copies kept elsewhere. */
  readonly af: number;
  readonly mf: number;
  private exactA: Decimal | undefined;
  private exactM: Decimal | undefined;
  private make: (() => { readonly a: Decimal; readonly m: Decimal }) | null;

  /** The line of exact a and m. */
  constructor(a: Decimal, m: Decimal);
  /** See {@link Linear.lazy}. */
  constructor(af: number, mf: number, make: () => { readonly a: Decimal; readonly m: Decimal });
  constructor(a: Decimal | number, m: Decimal | number, make?: () => { readonly a: Decimal; readonly m: Decimal }) {
    // One order of assignments on both paths: one shape of object.
    const exact = typeof a !== 'number';
    this.af = exact ? a.toNumber() : a;
    this.mf = typeof m !== 'number' ? m.toNumber() : m;
    this.exactA = exact ? a : undefined;
    this.exactM = typeof m !== 'number' ? m : undefined;
    this.make = make ?? null;
  }

  /**
   * A line known first as doubles: `af` and `mf` within 1e-13 of the exact
   * values' magnitudes (see PayMode.approx), and `make` giving the exact
   * decimals, called only when the filter cannot decide a rounding (or `a`
   * or `m` is read). Decimal arithmetic then runs for ties alone.
   */
  static lazy(af: number, mf: number, make: () => { readonly a: Decimal; readonly m: Decimal }): Linear {
    return new Linear(af, mf, make);
  }

  /** The exact a (decimal.js). */
  get a(): Decimal {
    if (this.exactA === undefined) this.build();
    return this.exactA!;
  }

  /** The exact m (decimal.js). */
  get m(): Decimal {
    if (this.exactM === undefined) this.build();
    return this.exactM!;
  }

  private build(): void {
    const { a, m } = this.make!();
    this.exactA = a;
    this.exactM = m;
    this.make = null;
  }

  /** The exact value a + x·m (decimal.js). */
  exact(x: number): Decimal {
    return this.m.isZero() ? this.a : this.a.plus(this.m.times(x));
  }

  /** a + x·m rounded half up (away from zero) to a whole number. */
  round(x: number): number {
    const n = Linear.filtered(this.af, this.mf, x);
    return n === n ? n : this.exact(x).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() || 0; // never −0
  }

  /**
   * The float filter of {@link round} on a line's `af` and `mf`: a + x·m
   * rounded half up when the double decides it exactly, else NaN (then only
   * `round` can say). For tables that keep the two numbers of many lines.
   */
  static filtered(af: number, mf: number, x: number): number {
    const v = af + x * mf;
    const mag = Math.abs(af) + Math.abs(x * mf);
    if (mag < 2 ** 50) {
      const r = Math.abs(v);
      // Decide only when ½ is clearly out of the error band.
      if (Math.abs(r - Math.floor(r) - 0.5) > mag * 1e-12 + 1e-9) {
        const n = Math.floor(r + 0.5);
        return v < 0 && n !== 0 ? -n : n;
      }
    }
    return NaN;
  }
}
