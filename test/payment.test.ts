/**
 * DRG payment: rates and point values, each outlier class rule and pay mode,
 * the issue's worked examples with their exact numbers, rounding once, bad
 * policy files, and hospital settlement (indicators, reserve and advances,
 * clearing, the special-review cap).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DataError, formatIssue } from '../src/errors.js';
import { Decimal, formatYuan, parseYuan, PreciseDecimal, type Fen } from '../src/money.js';
import { Linear } from '../src/payment/linear.js';
import { addCase, clearingAmount, emptyParts, mergeParts, settleHospitals, type SettlementCase } from '../src/payment/hospitals.js';
import { parsePolicy, type Policy } from '../src/payment/policy.js';
import { Pricer, type PriceInput } from '../src/payment/price.js';
import { payMode } from '../src/payment/modes/index.js';
import { basePoints, computeRate, loadForecast, paymentStandard, pointValue } from '../weights/rates.js';
import { parseWeightTable } from '../weights/table.js';

const fen = (y: string): Fen => parseYuan(y)!;
const WEIGHTS = parseWeightTable('drg,rw,mean_cost,mean_los\nA1,0.8,8000.00,5\nB1,2.5,25000.00,8\nC1,6.0,60000.00,15\nD1,0.4,4000.00,3\n', 'w.csv');
const FORECAST = [
  { drg: 'A1', cases: 9000, level: null },
  { drg: 'B1', cases: 800, level: null },
  { drg: 'C1', cases: 200, level: null },
];

const base = {
  name: 'test',
  outliers: { reference: 'standard' },
  pay: { normal: { mode: 'standard' }, ungroupable: { mode: 'by_item', factor: '0.9' } },
};
const ratePolicy = (over: Record<string, unknown> = {}): Policy => parsePolicy({ ...base, method: 'rate', rate: { default: '11538.46' }, ...over }, 'p.json');
const pointPolicy = (over: Record<string, unknown> = {}): Policy =>
  parsePolicy({ ...base, method: 'points', points: { per_rw: 100, point_value: '120', fund_budget: '90000000', overall_mean_cost: '10000' }, ...over }, 'p.json');
const input = (over: Partial<PriceInput>): PriceInput => ({ status: 'grouped', drg: 'B1', cost: fen('20000'), los: 5, hospitalId: 'H1', hospitalLevel: 2, ...over });

describe('rates and point values (worked examples)', () => {
  it('rate = 120,000,000 / Σ(9,000 × 0.8 + 800 × 2.5 + 200 × 6.0) = 11,538.46', () => {
    const r = computeRate({ budget: fen('120000000'), forecast: FORECAST, weights: WEIGHTS });
    expect(r.totalWeight.toString()).toBe('10400');
    expect(r.rate.toFixed(2)).toBe('11538.46');
    expect(formatYuan(paymentStandard('2.5', r.rate))).toBe('28846.15');
    expect(formatYuan(paymentStandard('2.5', r.rate, '1.05'))).toBe('30288.46');
    // The fund budget ÷ the fund's share is the same total cost.
    expect(computeRate({ budget: fen('84000000'), fundShare: '0.7', forecast: FORECAST, weights: WEIGHTS }).rate.toFixed(2)).toBe('11538.46');
  });

  it('per-level rates take each level\'s forecast and weights', () => {
    const w = parseWeightTable('drg,rw,level\nA1,1,\nA1,2,3\n', 'w.csv');
    const f = [{ drg: 'A1', cases: 100, level: 3 }, { drg: 'A1', cases: 100, level: 2 }];
    expect(computeRate({ budget: fen('200000'), forecast: f, weights: w, level: 3 }).rate.toString()).toBe('1000');
    expect(computeRate({ budget: fen('200000'), forecast: f, weights: w, level: 2 }).rate.toString()).toBe('2000');
    expect(() => computeRate({ budget: fen('1'), forecast: f, weights: w, level: 1 })).toThrow(/no weight/);
  });

  it('points: base = RW × 100; point value (90,000,000 + 30,000,000) / 1,000,000 = 120.00', () => {
    expect(basePoints('2.5').toString()).toBe('250');
    expect(basePoints('2.5').times('1.05').toString()).toBe('262.5');
    expect(pointValue({ fundBudget: fen('90000000'), patientShare: fen('30000000'), totalPoints: 1_000_000 }).toFixed(2)).toBe('120.00');
  });

  it('a forecast naming a DRG without a weight is rejected with file, line and column', () => {
    const dir = mkdtempSync(join(tmpdir(), 'drg-fc-'));
    writeFileSync(join(dir, 'f.csv'), 'drg,cases\nA1,10\nZ9,5\nB1,-1\n');
    try {
      loadForecast(join(dir, 'f.csv'), WEIGHTS);
      throw new Error('no error');
    } catch (e) {
      expect((e as DataError).issues.map(formatIssue)).toEqual(['f.csv, line 4, column cases: expected a non-negative integer (found "-1")', 'f.csv, line 3, column drg: DRG Z9 has no weight in w.csv']);
    }
  });
});

describe('pricing: rate method (worked example)', () => {
  const p = new Pricer(ratePolicy({ coefficients: { by_level: { '3': '1.05' } } }), WEIGHTS);
  it('standard 28,846.15; with coefficient 1.05 30,288.46; fund pays 21,346.15 after a patient share of 7,500', () => {
    const plain = p.price(input({ hospitalLevel: 2, patientShare: fen('7500') }));
    expect([plain.class, formatYuan(plain.payment!), formatYuan(plain.fundPayment!)]).toEqual(['normal', '28846.15', '21346.15']);
    expect(formatYuan(plain.terms!.standardFen)).toBe('28846.15');
    const tertiary = p.price(input({ hospitalLevel: 3 }));
    expect(formatYuan(tertiary.payment!)).toBe('30288.46');
    expect(tertiary.fundPayment).toBeNull();
  });
});

describe('pricing: point method (worked examples)', () => {
  const p = new Pricer(
    pointPolicy({
      coefficients: { default: '1.05' },
      outliers: { reference: 'mean_cost', high: [{ multiple: '2' }], low: { multiple: '0.4' } },
      pay: { ...base.pay, high: { mode: 'standard_plus_excess' }, low: { mode: 'proportional' } },
    }),
    WEIGHTS,
  );
  it('base 250 × 1.05 = 262.5 points', () => {
    const r = p.price(input({ cost: fen('25000') }));
    expect([r.class, r.points!.toString(), formatYuan(r.payment!)]).toEqual(['normal', '262.5', '31500.00']);
  });
  it('60,000 in a group with mean 25,000, 2× high, standard + excess: 262.5 + 250 × (2.4 − 2) = 362.5', () => {
    const r = p.price(input({ cost: fen('60000') }), true);
    expect([r.class, r.mode, r.points!.toString(), formatYuan(r.payment!)]).toEqual(['high', 'standard_plus_excess', '362.5', '43500.00']);
    expect(r.trace).toEqual([
      'B1: RW 2.5 × 100 points × coefficient 1.05 = 262.5 points × point value 120 = 31500.00',
      'class high: cost 60000.00 > 2 × mean cost 25000.00 = 50000.00 (band $.outliers.high[0] (any RW))',
      'pay standard_plus_excess: 262.5 + 250 × (60000.00 / 25000.00 − 2) → 362.5 points × point value 120 = 43500.00',
    ]);
  });
  it('8,000 under a 0.4× low rule paid proportionally: 250 × 8,000 / 25,000 = 80 points', () => {
    const r = p.price(input({ cost: fen('8000') }));
    expect([r.class, r.mode, r.points!.toString()]).toEqual(['low', 'proportional', '80']);
  });
  it('the thresholds are strict: exactly 2× or 0.4× the reference is normal', () => {
    expect(p.price(input({ cost: fen('50000') })).class).toBe('normal');
    expect(p.price(input({ cost: fen('50000.01') })).class).toBe('high');
    expect(p.price(input({ cost: fen('10000') })).class).toBe('normal');
    expect(p.price(input({ cost: fen('9999.99') })).class).toBe('low');
  });
});

describe('class rules', () => {
  const policy = ratePolicy({
    coefficients: { by_level: { '3': '1.1' }, by_hospital: { H9: '1.2' } },
    outliers: {
      reference: 'standard',
      high: [{ rw_upto: '1', multiple: '3' }, { rw_above: '1', rw_upto: '3', levels: [3], multiple: '2' }, { rw_above: '1', rw_upto: '3', levels: [1, 2], multiple: '2.5' }, { rw_above: '3', multiple: '1.5' }],
      low: { multiple: '0.4', by_level: { '1': '0.3' } },
      long_stay: { los_over: 60 },
      special_review: { cap_share: '0.05', scope: 'region' },
    },
    pay: { ...base.pay, high: { mode: 'standard_plus_excess' }, low: { mode: 'proportional' }, long_stay: { mode: 'by_item', factor: '1' }, special_review: { mode: 'by_item', factor: '1' } },
  });
  const p = new Pricer(policy, WEIGHTS);

  it('ungroupable: not grouped, ambiguous, invalid, or no weight → by item × factor', () => {
    for (const status of ['ungroupable', 'ambiguous', 'invalid'] as const) {
      const r = p.price(input({ status, drg: '0000', cost: fen('1000') }));
      expect([r.class, r.mode, formatYuan(r.payment!), r.terms]).toEqual(['ungroupable', 'by_item', '900.00', null]);
    }
    const nw = p.price(input({ drg: 'Z9', cost: fen('1000') }));
    expect([nw.class, nw.notes.map((n) => n.code)]).toEqual(['ungroupable', ['weight.missing']]);
  });

  it('special review comes first for a flagged case, with the fallback its ordinary class would pay', () => {
    const r = p.price(input({ cost: fen('100000'), review: true }));
    expect([r.class, formatYuan(r.payment!), r.fallback?.class]).toEqual(['special_review', '100000.00', 'high']);
    const unflagged = p.price(input({ cost: fen('100000') }));
    expect(r.fallback!.payment).toBe(unflagged.payment);
  });

  it('long stay over the LOS limit, before the cost rules', () => {
    expect(p.price(input({ los: 61, cost: fen('999999') })).class).toBe('long_stay');
    expect(p.price(input({ los: 60, cost: fen('28846.15') })).class).toBe('normal');
  });

  it('high bands by RW and level, low multiple by level', () => {
    // B1 (RW 2.5) at level 2: 2.5× its standard 28,846.15.
    const t2 = p.termsFor('B1', 'H1', 2)!;
    expect([t2.high!.k.toString(), t2.high!.over]).toEqual(['2.5', 7211537]);
    expect(p.termsFor('B1', 'H1', 3)!.high!.k.toString()).toBe('2');
    expect(p.termsFor('A1', 'H1', 2)!.high!.k.toString()).toBe('3');
    expect(p.termsFor('C1', 'H1', 2)!.high!.k.toString()).toBe('1.5');
    // A case without a level matches no level-bound band.
    expect(p.termsFor('B1', 'H1', null)!.high).toBeNull();
    expect(p.termsFor('B1', 'H1', 1)!.low!.k.toString()).toBe('0.3');
    expect(p.termsFor('B1', 'H1', 2)!.low!.k.toString()).toBe('0.4');
  });

  it('the hospital coefficient wins over the level coefficient', () => {
    expect(p.coefficientOf('H9', 3).toString()).toBe('1.2');
    expect(p.coefficientOf('H1', 3).toString()).toBe('1.1');
    expect(p.coefficientOf(null, null).toString()).toBe('1');
  });

  it('a case without a cost is not priced; a flag without a rule is noted', () => {
    const r = p.price(input({ cost: null }));
    expect([r.priced, r.class, r.notes[0]!.code]).toEqual([false, null, 'total_cost.missing']);
    const q = new Pricer(ratePolicy(), WEIGHTS).price(input({ review: true }));
    expect([q.class, q.notes.map((n) => n.code)]).toEqual(['normal', ['review.not_in_policy']]);
  });
});

describe('pay modes', () => {
  const mk = (pay: Record<string, unknown>, method: 'rate' | 'points' = 'rate') =>
    new Pricer((method === 'rate' ? ratePolicy : pointPolicy)({ coefficients: { default: '1.1' }, outliers: { reference: 'standard', high: [{ multiple: '2' }], low: { multiple: '0.5' } }, pay: { ...base.pay, high: { mode: 'standard' }, low: { mode: 'standard' }, ...pay } }), WEIGHTS);

  it('standard pays the standard whatever the cost', () => {
    expect(formatYuan(mk({}).price(input({ cost: fen('80000') })).payment!)).toBe('31730.77'); // 2.5 × 11538.46 × 1.1
  });

  it('by item pays cost × factor; under points, cost × factor × points per yuan', () => {
    expect(formatYuan(mk({ high: { mode: 'by_item', factor: '0.95' } }).price(input({ cost: fen('80000') })).payment!)).toBe('76000.00');
    const pts = mk({ high: { mode: 'by_item', factor: '1' } }, 'points').price(input({ cost: fen('80000') }));
    // 80,000 yuan × 100 points / 10,000 yuan = 800 points, × 120.
    expect([pts.points!.toString(), formatYuan(pts.payment!)]).toEqual(['800', '96000.00']);
  });

  it('standard + excess uses the base without the coefficient for the excess', () => {
    const r = mk({ high: { mode: 'standard_plus_excess' } }).price(input({ cost: fen('80000') }));
    // ref = 31,730.765 (exact standard); standard + (80,000 / ref − 2) × 28,846.15
    const std = new Decimal('2.5').times('11538.46').times('1.1');
    const want = std.plus(new Decimal(80000).dividedBy(std).minus(2).times(new Decimal('2.5').times('11538.46')));
    expect(formatYuan(r.payment!)).toBe(want.toFixed(2, Decimal.ROUND_HALF_UP));
  });

  it('proportional pays base × cost / reference, with the coefficient only when asked', () => {
    const r = mk({ low: { mode: 'proportional' } }).price(input({ cost: fen('10000') }));
    const std = new Decimal('2.5').times('11538.46').times('1.1');
    expect(formatYuan(r.payment!)).toBe(new Decimal('28846.15').times(10000).dividedBy(std).toFixed(2, Decimal.ROUND_HALF_UP));
    const c = mk({ low: { mode: 'proportional', apply_coefficient: true } }).price(input({ cost: fen('10000') }));
    expect(formatYuan(c.payment!)).toBe('10000.00');
  });

  it('money is rounded once, at the end, half up', () => {
    // 0.4 × 11,538.46 × 1.1 = 5,076.9224 → 5,076.92; rounding the standard first and the payment again would agree,
    // but a chain of rounded steps drifts: check the exact value on random costs.
    const p = mk({ high: { mode: 'standard_plus_excess' }, low: { mode: 'proportional' } });
    fc.assert(
      fc.property(fc.integer({ min: 100, max: 50_000_000 }), (cost) => {
        const r = p.price(input({ drg: 'D1', cost }));
        const std = new Decimal('0.4').times('11538.46').times('1.1');
        const baseY = new Decimal('0.4').times('11538.46');
        const refFen = std.times(100);
        let exact: Decimal;
        if (new Decimal(cost).greaterThan(refFen.times(2))) exact = std.plus(new Decimal(cost).dividedBy(refFen).minus(2).times(baseY));
        else if (new Decimal(cost).lessThan(refFen.times('0.5'))) exact = baseY.times(cost).dividedBy(refFen);
        else exact = std;
        expect(r.payment).toBe(exact.times(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber());
      }),
      { numRuns: 300 },
    );
  });
});

describe('exact rounding of linear amounts', () => {
  const decimal = fc.tuple(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), fc.integer({ min: 0, max: 8 })).map(([n, d]) => new Decimal(n).dividedBy(new Decimal(10).pow(d)));
  it('always equals decimal.js rounding half up, ties and large values included', () => {
    fc.assert(
      fc.property(decimal, decimal, fc.integer({ min: 0, max: 10 ** 10 }), (a, m, x) => {
        // The exact value (40 digits hold every product here) rounded half up.
        const want = new PreciseDecimal(a).plus(new PreciseDecimal(m).times(x)).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber() || 0;
        expect(new Linear(a, m).round(x)).toBe(want);
      }),
      { numRuns: 3000 },
    );
    // Exact ties: 0.5, 2.5, −2.5, and a tie reached through the multiplication.
    expect(new Linear(new Decimal('0.5'), new Decimal(0)).round(7)).toBe(1);
    expect(new Linear(new Decimal('2'), new Decimal('0.25')).round(2)).toBe(3);
    expect(new Linear(new Decimal('-3'), new Decimal('0.25')).round(2)).toBe(-3);
    expect(new Linear(new Decimal('0.1'), new Decimal('0.2')).round(2)).toBe(1); // 0.5 exactly; 0.1 + 0.2·2 in floats is 0.5 too
    expect(new Linear(new Decimal('1e15'), new Decimal('0.5')).round(1)).toBe(1e15 + 1);
    // A non-terminating ratio (1/3) times 3/2 → 0.5 within decimal.js precision: decided by decimal.js.
    const third = new Decimal(1).dividedBy(3);
    expect(new Linear(new Decimal(0), third).round(3)).toBe(1);
    // 3 × 5 / 6 = 2.5 exactly: the slope kept as a fraction and divided last finds the half (→ 3); as a decimal of
    // 20 digits, 0.83333333333333333333, it gives 2.49999999999999999999 (→ 2).
    expect(new Linear(new Decimal(0), new Decimal(5), new Decimal(6)).round(3)).toBe(3);
    expect(new Linear(new Decimal(0), new Decimal(5).dividedBy(6)).round(3)).toBe(2);
  });

  it('filtered (the float filter alone, for tables of af and mf) answers as round does, or NaN where only decimal.js can say', () => {
    let undecided = 0;
    fc.assert(
      fc.property(decimal, decimal, fc.integer({ min: 0, max: 10 ** 10 }), (a, m, x) => {
        const l = new Linear(a, m);
        const n = Linear.filtered(l.af, l.mf, x);
        if (Number.isNaN(n)) undecided++;
        else expect(n).toBe(l.round(x));
      }),
      { numRuns: 3000 },
    );
    expect(undecided).toBeGreaterThan(0); // values past 2^50 among them
    // Amounts as pricing meets them (a line of slope up to 1 over costs up to 10^9 fen): decided by the float nearly always.
    let decided = 0;
    const realistic = fc.tuple(fc.integer({ min: 0, max: 10 ** 9 }), fc.integer({ min: 0, max: 4 })).map(([n, d]) => new Decimal(n).dividedBy(new Decimal(10).pow(d)));
    fc.assert(
      fc.property(realistic, realistic.map((d) => d.dividedBy(10 ** 9)), fc.integer({ min: 0, max: 10 ** 9 }), (a, m, x) => {
        if (!Number.isNaN(Linear.filtered(a.toNumber(), m.toNumber(), x))) decided++;
      }),
      { numRuns: 1000 },
    );
    expect(decided).toBeGreaterThan(950);
    // Ties and values beyond 2^50 are left to decimal.js.
    for (const [a, m, x] of [['0.5', '0', 7], ['2', '0.25', 2], ['0.1', '0.2', 2], ['1e15', '0.5', 1]] as const) {
      const l = new Linear(new Decimal(a), new Decimal(m));
      expect(Linear.filtered(l.af, l.mf, x)).toBeNaN();
    }
  });
});

describe('terms and rounding plans found from doubles', () => {
  // Standards, thresholds and the lines of pay modes are found from doubles where these decide beyond doubt, with
  // decimal.js otherwise: the results must be the exact ones, ties included.
  const pricerOf = (rw: string, policy: Policy, meanCost = '1000.00'): Pricer => new Pricer(policy, parseWeightTable(`drg,rw,mean_cost\nA1,${rw},${meanCost}\n`, 'w.csv'));
  const outliers = (high: string, low: string, reference = 'standard') => ({ outliers: { reference, high: [{ multiple: high }], low: { multiple: low } } });
  const pay = { pay: { ...base.pay, high: { mode: 'standard_plus_excess' }, low: { mode: 'proportional', apply_coefficient: true } } };

  it('a standard of exactly half a fen, and thresholds on a whole fen, which the doubles miss', () => {
    // 0.1235 × 10 yuan = 123.5 fen exactly (123.49999999999999 as doubles) → 124; 2 × 123.5 = 247 (246.99999999999997).
    const t = pricerOf('0.1235', ratePolicy({ rate: { default: '10' }, ...outliers('2', '0.4'), ...pay })).termsFor('A1', null, null)!;
    expect([t.standardFen, t.high!.over]).toEqual([124, 247]);
    // 0.4 × 27.5 fen = 11 exactly (11.000000000000002 as doubles): low below 11.
    expect(pricerOf('0.0275', ratePolicy({ rate: { default: '10' }, ...outliers('2', '0.4'), ...pay })).termsFor('A1', null, null)!.low!.under).toBe(11);
  });

  const D = Decimal.clone({ precision: 60 });
  const dp = (min: number, max: number, decimals: number) => fc.integer({ min: Math.max(1, min * 10 ** decimals), max: max * 10 ** decimals }).map((n) => new Decimal(n).dividedBy(10 ** decimals).toString());
  const arb = fc.record({
    rw: fc.oneof(dp(0, 30, 4), dp(0, 2, 2)),
    rate: fc.oneof(dp(1, 50_000, 2), dp(1, 20, 1)),
    coefficient: fc.oneof(dp(0, 2, 2), dp(0, 2, 4), fc.constant('1')),
    high: dp(1, 5, 1),
    low: dp(0, 1, 2),
    meanCost: dp(100, 200_000, 2),
    pointValue: dp(1, 200, 2),
    reference: fc.constantFrom('standard', 'mean_cost'),
    method: fc.constantFrom('rate', 'points'),
    costs: fc.array(fc.integer({ min: 0, max: 100_000_000 }), { minLength: 5, maxLength: 5 }),
  });

  it('standards, thresholds and payments are the exact ones, and every pay mode\'s doubles state its decimal formula', () => {
    fc.assert(
      fc.property(arb, (x) => {
        const over = { coefficients: { default: x.coefficient }, ...outliers(x.high, x.low, x.reference), ...pay };
        const policy = x.method === 'rate' ? ratePolicy({ rate: { default: x.rate }, ...over }) : pointPolicy({ points: { per_rw: 100, point_value: x.pointValue, fund_budget: '1', overall_mean_cost: '10000' }, ...over });
        const p = pricerOf(x.rw, policy, x.meanCost);
        const t = p.termsFor('A1', null, null)!;
        // The exact values, from the decimals alone, dividing last: a division that ends (a half fen does) is exact.
        const unit = x.method === 'rate' ? new D(x.rate) : new D(100);
        const base = new D(x.rw).times(unit);
        const standard = base.times(x.coefficient);
        const fen = x.method === 'rate' ? standard.times(100) : standard.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).times(x.pointValue).times(100);
        const ref = x.reference === 'mean_cost' ? new D(x.meanCost).times(100) : x.method === 'rate' ? standard.times(100) : standard.times(x.pointValue).times(100);
        expect(t.standardFen).toBe(fen.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber());
        expect(t.ref.toString()).toBe(ref.toString());
        expect(t.high!.over).toBe(ref.times(x.high).floor().toNumber());
        expect(t.low!.under).toBe(ref.times(x.low).ceil().toNumber());
        // Each mode's approx against its linear: within 1e-13 of what a is made of, and of m.
        const entries = [{ mode: 'standard_plus_excess' }, { mode: 'proportional', apply_coefficient: true }, { mode: 'proportional' }, { mode: 'by_item', factor: new Decimal('0.9') }, { mode: 'standard' }] as const;
        for (const e of entries) {
          const m = payMode(e.mode);
          const exact = m.linear(t, e as never, p.terms);
          const f = m.approx(t.approx, e as never, p.terms, (d) => d.toNumber());
          expect(Math.abs(f.a - exact.a.toNumber())).toBeLessThanOrEqual(1e-13 * Math.max(f.scale, Math.abs(f.a)) + 1e-300);
          const slope = exact.m.dividedBy(exact.d ?? 1).toNumber();
          expect(Math.abs(f.m - slope)).toBeLessThanOrEqual(1e-13 * Math.abs(slope));
        }
        // Payments, by the trace path and the usual one, against decimal.js.
        for (const cost of [...x.costs, t.high!.over, t.high!.over + 1, t.low!.under - 1, t.low!.under]) {
          let units: Decimal | null;
          if (new D(cost).greaterThan(ref.times(x.high))) units = standard.minus(base.times(x.high)).plus(base.times(cost).dividedBy(ref));
          else if (new D(cost).lessThan(ref.times(x.low))) units = standard.times(cost).dividedBy(ref);
          else units = null;
          const r = p.price(input({ drg: 'A1', cost, hospitalLevel: null, hospitalId: null }));
          if (units === null) expect(r.payment).toBe(t.standardFen);
          else if (x.method === 'rate') expect(r.payment).toBe(units.times(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber());
          else expect(r.points!.toString()).toBe(units.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toString());
          expect(p.price(input({ drg: 'A1', cost, hospitalLevel: null, hospitalId: null }), true).payment).toBe(r.payment);
        }
      }),
      // A high case paid exactly 502,978,775.5 fen (→ 776); one paid 195.5 fen (→ 196) through a slope of 1 / 195;
      // a low case of 0.53125 points (→ 0.5313) through a slope of 1 / 480.
      { numRuns: 1500, examples: [[{ rw: '1.25', rate: '11.9', coefficient: '0.16', high: '2', low: '0.01', meanCost: '100', pointValue: '1', reference: 'standard', method: 'rate', costs: [0, 0, 80477042, 0, 0] }], [{ rw: '0.26', rate: '7.5', coefficient: '1', high: '1.3', low: '0.01', meanCost: '100', pointValue: '1', reference: 'standard', method: 'rate', costs: [254, 0, 0, 0, 0] }], [{ rw: '0.07', rate: '1', coefficient: '0.19', high: '1', low: '0.4', meanCost: '100', pointValue: '4.8', reference: 'standard', method: 'points', costs: [255, 0, 0, 0, 0] }]] },
    );
  });
});

describe('bad policy files', () => {
  const issues = (json: unknown, weights = WEIGHTS): string[] => {
    try {
      new Pricer(parsePolicy(json, 'policy.json'), weights);
    } catch (e) {
      if (e instanceof DataError) return e.issues.map(formatIssue);
      throw e;
    }
    throw new Error('expected a DataError');
  };
  const good = { ...base, method: 'rate', rate: { default: '11538.46' } };

  it('overlapping bands', () => {
    expect(issues({ ...good, outliers: { reference: 'standard', high: [{ rw_upto: '3', multiple: 2 }, { rw_above: '2', multiple: 1.5 }] }, pay: { ...base.pay, high: { mode: 'standard_plus_excess' } } })).toEqual([
      'policy.json, $.outliers.high[1]: band (RW > 2) overlaps band $.outliers.high[0] (RW ≤ 3): a case must match at most one band',
    ]);
    // Same RW range, different levels: no overlap.
    expect(() => parsePolicy({ ...good, outliers: { reference: 'standard', high: [{ levels: [3], multiple: 3 }, { levels: [1, 2], multiple: 2 }] }, pay: { ...base.pay, high: { mode: 'standard' } } }, 'p.json')).not.toThrow();
  });

  it('negative rate, missing field, unknown key, wrong types', () => {
    expect(issues({ ...good, rate: { default: '-100' } })).toEqual(['policy.json, $.rate.default: must not be negative (found -100)']);
    expect(issues({ ...good, pay: { normal: { mode: 'standard' } } })[0]).toMatch(/^policy\.json, \$\.pay\.ungroupable: /);
    expect(issues({ ...good, rate: { default: '1', defualt: '2' } })[0]).toMatch(/^policy\.json, \$\.rate: Unrecognized key: "defualt"/);
    expect(issues({ ...good, coefficients: { by_level: { '4x': '1.1' } } })[0]).toMatch(/^policy\.json, \$\.coefficients\.by_level/);
    expect(issues({ ...good, pay: { ...base.pay, normal: { mode: 'by_item' } } })[0]).toMatch(/^policy\.json, \$\.pay\.normal\.factor: /);
  });

  it('sections the method or classes need', () => {
    expect(issues({ ...base, method: 'rate' })).toEqual(['policy.json, $.rate: method "rate" needs a rate section ({ "default": "…" })']);
    expect(issues({ ...good, outliers: { reference: 'standard', low: { multiple: '0.4' } } })).toEqual(['policy.json, $.pay.low: outliers.low is configured, so pay.low is required']);
    expect(issues({ ...good, pay: { ...base.pay, high: { mode: 'standard' } } })).toEqual(['policy.json, $.pay.high: pay.high is given but outliers.high is not configured']);
    expect(issues({ ...good, pay: { ...base.pay, ungroupable: { mode: 'standard' } } })[0]).toBe('policy.json, $.pay.ungroupable.mode: mode "standard" cannot pay class ungroupable (it can pay: normal, high, low, long_stay, special_review)');
    expect(issues({ ...good, outliers: { reference: 'standard', low: { multiple: '0.4' } }, pay: { ...base.pay, low: { mode: 'standard_plus_excess' } } })[0]).toMatch(/mode "standard_plus_excess" cannot pay class low/);
    expect(issues({ ...base, method: 'points', points: { per_rw: 100, point_value: 10, fund_budget: 1 } })).toEqual([
      'policy.json, $.points.overall_mean_cost: pay.ungroupable is by_item under the point method: points.overall_mean_cost is needed to turn yuan into points',
    ]);
  });

  it('a mean-cost reference needs mean_cost in every weight row (named by file, line and column)', () => {
    const w = parseWeightTable('drg,rw,mean_cost\nA1,0.8,8000\nB1,2.5,\n', 'w.csv');
    expect(issues({ ...good, outliers: { reference: 'mean_cost' } }, w)).toEqual([
      'w.csv, line 3, column mean_cost: DRG B1 has no mean_cost, which the policy\'s outliers.reference "mean_cost" needs',
    ]);
  });
});

describe('hospital settlement', () => {
  const sc = (over: Partial<SettlementCase>): SettlementCase => ({
    id: 'c', hospitalId: 'H1', level: 3, date: '2024-03-15', drg: 'B1', rw: '2.5', los: 8, cost: fen('25000'), standard: fen('25000'), class: 'normal', payment: fen('25000'), points: null, patientShare: null, fallback: null, ...over,
  });

  it('point method: a hospital with 50,000 points, 1,500,000 patient payments and 4,200,000 advances clears 300,000.00', () => {
    const policy = pointPolicy();
    const parts = emptyParts();
    // Hospital A: 200 cases × 250 points = 50,000 points, patients pay 7,500 each = 1,500,000.
    for (let i = 0; i < 200; i++) addCase(parts, sc({ id: `A${i}`, hospitalId: 'A', points: '250', patientShare: fen('7500') }));
    // The rest of the region: 950,000 points and 28,500,000 of patient payments.
    for (let i = 0; i < 950; i++) addCase(parts, sc({ id: `B${i}`, hospitalId: 'B', points: '1000', patientShare: fen('30000') }));
    const s = settleHospitals(parts, policy, { advances: new Map([['A', fen('4200000')]]) });
    expect(s.pointValue!.totalPoints.toString()).toBe('1000000');
    expect(s.pointValue!.final.toFixed(2)).toBe('120.00');
    const a = s.clearing.find((c) => c.hospitalId === 'A')!;
    expect([a.points!.toString(), formatYuan(a.entitlement), formatYuan(a.patientPayments), formatYuan(a.advances), formatYuan(a.clearing)]).toEqual(['50000', '6000000.00', '1500000.00', '4200000.00', '300000.00']);
    expect(clearingAmount({ entitlement: fen('6000000'), patientPayments: fen('1500000'), advances: fen('4200000'), assessment: fen('-10000') })).toBe(fen('290000'));
  });

  it('CMI, time and cost indices against regional group means; reserve and advance per month', () => {
    const policy = ratePolicy({ settlement: { reserve_share: '0.1' } });
    const parts = emptyParts();
    // Region: B1 LOS 8 and 12 (mean 10), cost 20,000 and 30,000 (mean 25,000); A1 LOS 4 (mean 4), cost 8,000.
    addCase(parts, sc({ id: '1', hospitalId: 'H1', los: 8, cost: fen('20000'), payment: fen('28846.15'), patientShare: fen('5000') }));
    addCase(parts, sc({ id: '2', hospitalId: 'H2', los: 12, cost: fen('30000'), payment: fen('28846.15') }));
    addCase(parts, sc({ id: '3', hospitalId: 'H1', drg: 'A1', rw: '0.8', los: 4, cost: fen('8000'), date: '2024-04-02', payment: fen('9230.77'), patientShare: fen('1000') }));
    addCase(parts, sc({ id: '4', hospitalId: 'H1', drg: null, rw: null, class: 'ungroupable', los: 3, cost: fen('1000'), date: '2024-04-03', payment: fen('900') }));
    const s = settleHospitals(parts, policy);
    const h1 = s.clearing.find((c) => c.hospitalId === 'H1')!;
    expect([h1.cases, h1.drgCases, h1.totalRw.toString(), h1.cmi!.toString()]).toEqual([3, 2, '3.3', '1.65']);
    // time index: (8/10 + 4/4) / 2 = 0.9; cost index: (20,000/25,000 + 8,000/8,000) / 2 = 0.9
    expect([h1.timeIndex!.toString(), h1.costIndex!.toString()]).toEqual(['0.9', '0.9']);
    expect([h1.byClass.normal.cases, formatYuan(h1.byClass.normal.payment), h1.byClass.ungroupable.cases]).toEqual([2, '38076.92', 1]);
    const march = s.periods.find((p) => p.hospitalId === 'H1' && p.period === '2024-03')!;
    // fund due 28,846.15 − 5,000 = 23,846.15; reserve 10 % = 2,384.615 → 2,384.62 (half up, once).
    expect([formatYuan(march.fundDue), formatYuan(march.reserve), formatYuan(march.advance)]).toEqual(['23846.15', '2384.62', '21461.53']);
    const april = s.periods.find((p) => p.hospitalId === 'H1' && p.period === '2024-04')!;
    // Clearing = entitlement − patient − advances: the reserves held back come back at clearing.
    expect(formatYuan(h1.clearing)).toBe(formatYuan(march.reserve + april.reserve));
    const q = settleHospitals(parts, policy, { period: 'quarter' });
    expect(q.periods.filter((p) => p.hospitalId === 'H1').map((p) => p.period)).toEqual(['2024-Q1', '2024-Q2']);
  });

  it('enforces the special-review cap: the largest cost / standard ratios first, the rest paid under their ordinary class', () => {
    const policy = ratePolicy({ outliers: { reference: 'standard', special_review: { cap_share: '0.05', scope: 'region' } }, pay: { ...base.pay, special_review: { mode: 'by_item', factor: '1' } } });
    const parts = emptyParts();
    for (let i = 0; i < 57; i++) addCase(parts, sc({ id: `N${i}` }));
    const flagged = (id: string, cost: string) => sc({ id, class: 'special_review', cost: fen(cost), payment: fen(cost), fallback: { class: 'normal', payment: fen('25000'), points: null } });
    addCase(parts, flagged('R1', '100000'));
    addCase(parts, flagged('R2', '300000'));
    addCase(parts, flagged('R3', '200000'));
    // 60 cases × 5 % = 3 → all accepted; with 2 more normal cases still 3 (floor of 3.1).
    let s = settleHospitals(parts, policy);
    expect(s.review).toEqual([{ scope: 'region', cases: 60, cap: 3, flagged: 3, accepted: 3, refused: 0, refusedIds: [] }]);
    const small = emptyParts();
    for (let i = 0; i < 37; i++) addCase(small, sc({ id: `N${i}` }));
    for (const [id, cost] of [['R1', '100000'], ['R2', '300000'], ['R3', '200000']] as const) addCase(small, flagged(id, cost));
    s = settleHospitals(small, policy);
    expect(s.review[0]).toMatchObject({ cases: 40, cap: 2, accepted: 2, refused: 1, refusedIds: ['R1'] });
    const h = s.clearing[0]!;
    expect([h.byClass.special_review.cases, formatYuan(h.byClass.special_review.payment), h.byClass.normal.cases]).toEqual([2, '500000.00', 38]);
  });

  it('merging partial settlements gives the same statements as one pass', () => {
    const policy = ratePolicy({ settlement: { reserve_share: '0.05' } });
    const all: SettlementCase[] = Array.from({ length: 300 }, (_, i) => sc({ id: `C${i}`, hospitalId: `H${i % 4}`, date: `2024-0${1 + (i % 6)}-1${i % 9}`, drg: i % 5 === 0 ? 'A1' : 'B1', rw: i % 5 === 0 ? '0.8' : '2.5', los: 3 + (i % 11), cost: 1_000_000 + i * 997, payment: 2_000_000 + i, patientShare: i * 13 }));
    const one = emptyParts();
    for (const c of all) addCase(one, c);
    const a = emptyParts();
    const b = emptyParts();
    all.forEach((c, i) => addCase(i < 137 ? a : b, c));
    expect(settleHospitals(mergeParts(a, b), policy)).toEqual(settleHospitals(one, policy));
  });
});

describe('a case paid a fixed amount with nothing of its own in the result', () => {
  it('gets one shared, frozen result per terms and class, and cases with a share, a flag or a trace still get their own', () => {
    const p = new Pricer(
      ratePolicy({
        coefficients: { default: '1', by_level: { '3': '1.05' } },
        outliers: { reference: 'standard', high: [{ multiple: '2' }] },
        pay: { ...base.pay, high: { mode: 'standard_plus_excess' } },
      }),
      WEIGHTS,
    );
    const a = p.price(input({ cost: fen('20000') }));
    const b = p.price(input({ cost: fen('21000.55'), los: 7 }));
    expect(a.class).toBe('normal');
    expect(b).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toMatchObject({ priced: true, class: 'normal', mode: 'standard', payment: a.terms!.standardFen, patientShare: null, fundPayment: null, review: false, fallback: null, notes: [], trace: undefined });
    const shared = p.price(input({ patientShare: fen('1000') }));
    expect(shared).not.toBe(a);
    expect(shared).toMatchObject({ class: 'normal', payment: a.payment, patientShare: fen('1000'), fundPayment: a.payment! - fen('1000') });
    const traced = p.price(input({}), true);
    expect(traced.trace!.length).toBeGreaterThan(0);
    expect({ ...traced, trace: undefined }).toEqual({ ...a });
    // After those, the shared result is unchanged and still given.
    expect(p.price(input({ cost: fen('19999.99') }))).toBe(a);
    expect(a.fundPayment).toBeNull();
    // Other DRGs, levels and hospitals have their own; outliers are computed per case.
    expect(p.price(input({ drg: 'A1' }))).not.toBe(a);
    expect(p.price(input({ hospitalLevel: 3 }))).not.toBe(a);
    const high = p.price(input({ cost: fen('90000') }));
    expect(high.class).toBe('high');
    expect(p.price(input({ cost: fen('90000.01') })).payment).toBe(high.payment! + 1);
  });
});

describe('the usual case priced from its terms\' window', () => {
  // Without a trace, a case inside the window where no outlier rule holds gets the shared result at once;
  // with one, every rule is tried. Both must give the same class and amounts, at and around every threshold.
  const policies = {
    rate: ratePolicy({
      coefficients: { default: '1', by_level: { '3': '1.05' }, by_hospital: { H7: '1.08' } },
      outliers: { reference: 'standard', high: [{ rw_upto: '1', multiple: '3' }, { rw_above: '1', multiple: '2' }], low: { multiple: '0.4', by_level: { '1': '0.5' } }, long_stay: { los_over: 60 }, special_review: { cap_share: '0.05', scope: 'region' } },
      pay: { ...base.pay, high: { mode: 'standard_plus_excess' }, low: { mode: 'proportional' }, long_stay: { mode: 'by_item', factor: '1' }, special_review: { mode: 'by_item', factor: '1' } },
    }),
    points: pointPolicy({ outliers: { reference: 'mean_cost', high: [{ multiple: '2' }], low: { multiple: '0.4' } }, pay: { ...base.pay, high: { mode: 'standard_plus_excess' }, low: { mode: 'proportional' } } }),
  };
  it.each(Object.entries(policies))('%s: the same result as trying every rule', (_, policy) => {
    const p = new Pricer(policy, WEIGHTS);
    const drgs = ['A1', 'B1', 'C1', 'D1', 'Z9'];
    // Costs near the thresholds of every DRG, level and hospital, and anywhere.
    const near: number[] = [];
    for (const drg of drgs)
      for (const level of [null, 1, 2, 3])
        for (const hid of ['H1', 'H7']) {
          const t = p.termsFor(drg, hid, level);
          for (const x of [t?.high?.over, t?.low?.under]) if (x !== undefined) near.push(x - 1, x, x + 1);
        }
    const arb = fc.record({
      drg: fc.constantFrom(...drgs),
      cost: fc.oneof(fc.constantFrom(...near), fc.integer({ min: -100, max: 20_000_000 })),
      los: fc.oneof(fc.constant(null), fc.constantFrom(59, 60, 61), fc.integer({ min: 0, max: 200 })),
      hospitalLevel: fc.constantFrom(null, 1, 2, 3),
      hospitalId: fc.constantFrom(null, 'H1', 'H7'),
      review: fc.boolean(),
    });
    fc.assert(
      fc.property(arb, (x) => {
        const c = input({ ...x, cost: x.cost as Fen });
        const quick = p.price(c);
        const { trace, ...slow } = p.price(c, true);
        expect(trace!.length).toBeGreaterThan(0);
        expect({ ...quick, trace: undefined }).toEqual({ ...slow, trace: undefined });
      }),
      { numRuns: 3000 },
    );
  });
});
