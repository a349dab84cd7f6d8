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
 * only when a rounding needs them. The slope is a fraction m / d, divided
 * last, so that a half reached through a slope that does not terminate (1/3
 * of 1.5) is still found to be a half.
 */
import { Decimal, PreciseDecimal } from '../money.js';

const ONE = new Decimal(1);

/** The exact terms of a line: a + x·m / d. */
export interface ExactLine {
  readonly a: Decimal;
  readonly m: Decimal;
  readonly d: Decimal;
}

export class Linear {
  /** a and the slope m / d as doubles, for {@link Linear.filtered} on copies kept elsewhere. */
  readonly af: number;
  readonly mf: number;
  private line: ExactLine | undefined;
  private make: (() => ExactLine) | null;

  /** The line a + x·m / d of exact decimals. */
  constructor(a: Decimal, m: Decimal, d?: Decimal);
  /** See {@link Linear.lazy}. */
  constructor(af: number, mf: number, make: () => ExactLine);
  constructor(a: Decimal | number, m: Decimal | number, dOrMake?: Decimal | (() => ExactLine)) {
    // One order of assignments on both paths: one shape of object.
    if (typeof a === 'number') {
      this.af = a;
      this.mf = m as number;
      this.line = undefined;
      this.make = dOrMake as () => ExactLine;
    } else {
      const d = (dOrMake as Decimal | undefined) ?? ONE;
      this.af = a.toNumber();
      this.mf = (m as Decimal).toNumber() / d.toNumber();
      this.line = { a, m: m as Decimal, d };
      this.make = null;
    }
  }

  /**
   * A line known first as doubles: `af` and `mf` (the slope) within 1e-13
   * of the exact values' magnitudes (see PayMode.approx), and `make` giving
   * the exact decimals, called only when the filter cannot decide a rounding
   * (or `a` or `m` is read). Decimal arithmetic then runs for ties alone.
   */
  static lazy(af: number, mf: number, make: () => ExactLine): Linear {
    return new Linear(af, mf, make);
  }

  /** The exact terms (decimal.js), made on first use for a lazy line. */
  get exactLine(): ExactLine {
    if (this.line === undefined) {
      this.line = this.make!();
      this.make = null;
    }
    return this.line;
  }

  /** The exact value a + x·m / d: the sum over d, divided last (40 digits), so that a value that ends, a half above all, is exact. */
  exact(x: number): Decimal {
    const { a, m, d } = this.exactLine;
    if (m.isZero()) return a;
    return new PreciseDecimal(a).times(d).plus(new PreciseDecimal(m).times(x)).dividedBy(d);
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
