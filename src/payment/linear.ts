/**
 * Exact rounding of a linear amount a + x·m (a, m decimals fixed per group and
 * class, x a whole number such as a cost in fen) to a whole number, half up —
 * the one rounding rule of the project — at the speed of a multiply-add.
 *
 * The result is always the decimal.js result. Binary floating point is used
 * only as a filter: its error on a + x·m is far below 1e-12 of the magnitude,
 * so when the fraction is farther than that from ½ the float rounds exactly as
 * the decimal would; otherwise (and for very large values) decimal.js decides.
 */
import { Decimal } from '../money.js';

export class Linear {
  private readonly af: number;
  private readonly mf: number;

  constructor(
    readonly a: Decimal,
    readonly m: Decimal,
  ) {
    this.af = a.toNumber();
    this.mf = m.toNumber();
  }

  /** The exact value a + x·m (decimal.js). */
  exact(x: number): Decimal {
    return this.m.isZero() ? this.a : this.a.plus(this.m.times(x));
  }

  /** a + x·m rounded half up (away from zero) to a whole number. */
  round(x: number): number {
    const v = this.af + x * this.mf;
    const mag = Math.abs(this.af) + Math.abs(x * this.mf);
    if (mag < 2 ** 50) {
      const r = Math.abs(v);
      // The float filter: decide only when ½ is clearly out of the error band.
      if (Math.abs(r - Math.floor(r) - 0.5) > mag * 1e-12 + 1e-9) {
        const n = Math.floor(r + 0.5);
        return v < 0 && n !== 0 ? -n : n;
      }
    }
    return this.exact(x).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() || 0; // never −0
  }
}
