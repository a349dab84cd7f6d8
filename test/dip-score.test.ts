/**
 * DIP case scores: adjustments (auxiliary subtype, hospital level), the
 * deviation rules with the worked example, and exact arithmetic
 * (the bulk path's floating-point shortcut never differs from exact
 * integers).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal } from '../src/money.js';
import { deviationScore, DipScorer, scoreDipCase, whatIfDip } from '../src/payment/dip/index.js';
import { affine, applyAffine, divRound, mulDivRound, roundGuarded, unitsText } from '../src/payment/dip/exact.js';
import { dipCase, dipMini } from './dip-helpers.js';

const d = dipMini();
const score = (over: Parameters<typeof dipCase>[0]) => scoreDipCase(d, dipCase(over)).score!;

describe('the worked example: group score 200, standard 20,000', () => {
  it('scores a case costing 50,000 at 300, 8,000 at 80, 30,000 at 200 (deviationScore)', () => {
    const at = (cost: number) => deviationScore(200, 20000, cost, d);
    expect([at(50000).deviation, at(50000).score.toFixed()]).toEqual(['high', '300']);
    expect([at(8000).deviation, at(8000).score.toFixed()]).toEqual(['low', '80']);
    expect([at(30000).deviation, at(30000).score.toFixed()]).toEqual(['normal', '200']);
  });

  it('gives the same scores through a directory group of score 200 at point value 100 (standard 20,000 yuan)', () => {
    const at = (yuan: number) => score({ procedures: ['47.0100'], total_cost: yuan * 100 });
    expect([at(50000).score.toFixed(), at(50000).deviation, at(50000).payment]).toEqual(['300', 'high', 3_000_000]);
    expect([at(8000).score.toFixed(), at(8000).deviation]).toEqual(['80', 'low']);
    expect([at(30000).score.toFixed(), at(30000).deviation]).toEqual(['200', 'normal']);
    expect(at(30000).standardCost.toFixed()).toBe('2000000');
  });

  it('puts the boundaries where the rules say: below 50 %, above 200 %, above 5×', () => {
    const at = (fen: number) => score({ procedures: ['47.0100'], total_cost: fen });
    expect(at(999_999).deviation).toBe('low');
    expect(at(1_000_000).deviation).toBe('normal');
    expect(at(4_000_000).deviation).toBe('normal');
    expect(at(4_000_001).deviation).toBe('high');
    expect(at(10_000_000).deviation).toBe('high');
    expect(at(10_000_001).deviation).toBe('extreme');
    expect(at(10_000_001).review).toBe(true);
    expect(at(12_000_000).score.toFixed()).toBe('1000'); // 200 × (6 − 2 + 1)
    expect(at(999_999).score.toFixed()).toBe('99.9999'); // 200 × 0.4999995 → 99.9999 (half up at 4 decimals)
    expect(at(0).score.toFixed()).toBe('0');
  });

  it('without a cost, the adjusted score and a warning', () => {
    const s = score({ procedures: ['47.0100'], total_cost: null });
    expect([s.deviation, s.score.toFixed(), s.warnings.map((w) => w.code)]).toEqual([null, '200', ['total_cost.missing']]);
  });
});

describe('adjustments', () => {
  it('the highest applicable subtype coefficient wins', () => {
    // Age 70 (1.2) and severe (1.5: J96.0 with LOS > 3) and ICU 3 days (1.4): 1.5.
    const s = score({ procedures: ['47.0100'], age: 70, diagnoses: ['K35.800x001', 'J96.000'], icu_days: 3, total_cost: 3_000_000 });
    expect([s.subtype, s.subtypeCoefficient.toFixed(), s.adjustedScore.toFixed()]).toEqual(['severity:severe', '1.5', '300']);
    // Severity needs LOS > 3.
    expect(score({ procedures: ['47.0100'], age: 70, diagnoses: ['K35.800x001', 'J96.000'], los: 3 }).subtype).toBe('age:65+');
    expect(score({ procedures: ['47.0100'], discharge: 5 }).subtype).toBe('death');
    expect(score({ procedures: ['47.0100'], icu_days: 9 }).subtype).toBe(null); // the group has no icu:8+ coefficient
    expect(score({ procedures: ['47.0900'], age: 70 }).subtype).toBe(null); // S03 has no subtypes
  });

  it('hospital coefficients by level; primary-care groups get none', () => {
    const l2 = score({ procedures: ['47.0100'], hospital_level: 2, total_cost: 1_800_000 });
    expect([l2.hospitalCoefficient.toFixed(), l2.adjustedScore.toFixed(), l2.standardCost.toFixed(), l2.score.toFixed()]).toEqual(['0.9', '180', '1800000', '180']);
    const primary = scoreDipCase(d, dipCase({ diagnoses: ['J18.900'], hospital_level: 1, total_cost: 600_000 })).score!;
    expect([primary.hospitalCoefficient.toFixed(), primary.score.toFixed()]).toEqual(['1', '60']);
    const none = score({ procedures: ['47.0100'], hospital_level: null });
    expect([none.hospitalCoefficient.toFixed(), none.warnings.map((w) => w.code)]).toEqual(['1', ['hospital_level.missing']]);
    expect(score({ procedures: ['47.0100'], hospital_level: 7 }).warnings.map((w) => w.code)).toEqual(['hospital_level.no_coefficient']);
  });

  it('multiplies the coefficients, and rounds the case score once', () => {
    const s = score({ procedures: ['47.0100'], age: 70, hospital_level: 2, total_cost: 2_000_000 });
    expect([s.coefficient.toFixed(), s.adjustedScore.toFixed(), s.score.toFixed(), s.payment]).toEqual(['1.08', '216', '216', 2_160_000]);
  });

  it('traces the score', () => {
    const s = scoreDipCase(d, dipCase({ procedures: ['47.0100'], total_cost: 5_000_000 }), { trace: true }).score!;
    expect(s.trace).toEqual([
      'group K35.8-S01 score 200',
      'no auxiliary subtype of the group applies',
      'hospital level 3: coefficient 1',
      'adjusted score 200 × 1 = 200; standard cost 200 × 100 = 20000.00 yuan',
      'cost 50000.00 = 2.5 × standard: high deviation (cost > 200 % of the standard: score × (cost / standard − 2 + 1)) → score 300',
      'payment 300 × 100 = 30000.00 yuan',
    ]);
  });

  it('what-if scores every reachable group', () => {
    const w = whatIfDip(d, dipCase({ procedures: ['47.0100'], total_cost: 2_500_000 }));
    expect(w.map((x) => [x.group.code, x.chosen, x.score.toFixed(), x.deviation, x.payment])).toEqual([
      ['K35.8-S01', true, '200', 'normal', 2_000_000],
      ['K35.8-S02', false, '260', 'normal', 2_600_000],
      ['K35-ZS', false, '250', 'normal', 2_500_000],
    ]);
  });
});

describe('exact arithmetic', () => {
  it('rounds half up, away from zero, once', () => {
    expect(divRound(5n, 2n)).toBe(3n);
    expect(divRound(-5n, 2n)).toBe(-3n);
    expect(divRound(4n, 3n)).toBe(1n);
    expect(unitsText(800000n, 4)).toBe('80');
    expect(unitsText(1234500, 4)).toBe('123.45');
    expect(unitsText(5n, 4)).toBe('0.0005');
    expect(unitsText(-5n, 4)).toBe('-0.0005');
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 8 }), (u, d) => {
        expect(unitsText(u, d)).toBe(unitsText(BigInt(u), d));
        expect(unitsText(u, d)).toBe(new Decimal(u).dividedBy(new Decimal(10).pow(d)).toFixed());
      }),
    );
    expect(mulDivRound(3, 5, 2)).toBe(8);
    expect(mulDivRound(2 ** 52, 4, 2)).toBeUndefined();
    expect(roundGuarded(2.5, 1e-9)).toBeUndefined(); // too close to a half: decide exactly
    expect(roundGuarded(2.6, 1e-9)).toBe(3);
  });

  it('the bulk scorer equals exact decimal arithmetic on random groups, coefficients, point values and costs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }), // score × 100
        fc.integer({ min: 1, max: 30_000 }), // coefficient × 10,000
        fc.integer({ min: 1, max: 5_000_000 }), // point value × 10,000
        fc.integer({ min: 0, max: 2_000_000_000 }), // cost, fen
        (s100, k, pv, cost) => {
          const adjusted = new Decimal(s100).dividedBy(100).times(new Decimal(k).dividedBy(10_000));
          const pointValue = new Decimal(pv).dividedBy(10_000);
          const standard = adjusted.times(pointValue).times(100);
          const expected = deviationScore(adjusted, standard, cost, d, 4);
          const scorer = new DipScorer({ ...d, groups: [{ ...d.groups[0]!, index: 0, score: adjusted, subtypeCoefficients: new Map() }], hospitalCoefficients: new Map() }, pointValue);
          const row = scorer.scoreFast({ ...d.groups[0]!, index: 0, score: adjusted, subtypeCoefficients: new Map() }, { age: null, ageDays: null, los: null, discharge: null, icuDays: null, hospitalLevel: null, secondary: [] }, cost, null);
          expect([row.deviation, row.scoreText]).toEqual([expected.deviation, expected.score.toFixed()]);
          // Payment: score × point value, rounded once.
          expect(row.paymentText).toBe(new Decimal(row.scoreText).times(pointValue).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2));
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('profiles too long for exact scaled integers (over 20 significant digits) are made as decimal.js makes them', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }), // score × 100
        fc.integer({ min: 1, max: 30_000 }), // coefficient × 10,000
        fc.bigInt({ min: 10n ** 15n, max: 10n ** 17n }), // point value × 10^15: a long product, rounded by decimal.js
        fc.integer({ min: 0, max: 2_000_000_000 }), // cost, fen
        (s100, k, pv, cost) => {
          const adjusted = new Decimal(s100).dividedBy(100).times(new Decimal(k).dividedBy(10_000));
          const pointValue = new Decimal(pv.toString()).dividedBy(new Decimal(10).pow(15));
          // As the scorer multiplies: adjusted × (point value × 100), each product rounded to 20 digits.
          const standard = adjusted.times(pointValue.times(100));
          const scorer = new DipScorer({ ...d, groups: [{ ...d.groups[0]!, index: 0, score: adjusted, subtypeCoefficients: new Map() }], hospitalCoefficients: new Map() }, pointValue);
          const row = scorer.scoreFast({ ...d.groups[0]!, index: 0, score: adjusted, subtypeCoefficients: new Map() }, { age: null, ageDays: null, los: null, discharge: null, icuDays: null, hospitalLevel: null, secondary: [] }, cost, null);
          const t = d.deviation;
          const c = new Decimal(cost);
          const expected = c.greaterThan(t.extreme.times(standard)) ? 'extreme' : c.greaterThan(t.high.times(standard)) ? 'high' : c.lessThan(t.low.times(standard)) ? 'low' : 'normal';
          expect(row.deviation).toBe(expected);
          expect(row.standardFen).toBe(standard.toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber());
          if (expected === 'normal') expect(row.scoreText).toBe(adjusted.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed());
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('by memo key, a case is normal exactly when the full scorer says so (a key whose profile is not made yet says no)', () => {
    const scorer = new DipScorer(d);
    fc.assert(
      fc.property(fc.nat(d.groups.length - 1), fc.constantFrom(null, 1, 2, 3, 7), fc.option(fc.integer({ min: -1000, max: 5_000_000 })), (gi, level, cost) => {
        const g = d.groups[gi]!;
        const c = { age: 40, ageDays: null, los: 5, discharge: 1, icuDays: null, hospitalLevel: level, secondary: [] };
        const key = scorer.keyOf(g, c, null);
        const made = scorer.isNormalKey(key, cost);
        const row = { ...scorer.scoreProfile(scorer.idOfKey(g, key), cost, null) };
        const expected = row.deviation === 'normal';
        if (made) expect(expected).toBe(true);
        expect(scorer.isNormalKey(key, cost)).toBe(expected);
        expect({ ...scorer.scoreFast(g, c, cost, null) }).toEqual(row);
      }),
      { numRuns: 3000 },
    );
  });

  it('decides scores exactly on a half-way point (the floating-point shortcut steps aside)', () => {
    // Low deviation at 3 decimals: 200 × 5,005 / 2,000,000 = 0.5005 exactly → 0.501 (half up);
    // in binary floating point 0.5005 × 1000 is 500.49999999999994, which plain rounding gets wrong.
    expect(Math.round((5005 / 10_000) * 1000)).toBe(500);
    const a = affine(new Decimal(200), new Decimal(1), new Decimal(0), new Decimal(2_000_000), 3);
    expect(applyAffine(a, 5005n)).toBe(501n);
    expect(deviationScore(200, 2_000_000, 5005, d, 3).score.toFixed()).toBe('0.501');
    const scorer = new DipScorer({ ...d, params: { ...d.params, case_score_decimals: 3 } });
    const row = scorer.scoreFast(d.byCode.get('K35.8-S01')!, { age: 40, ageDays: null, los: 5, discharge: 1, icuDays: null, hospitalLevel: 3, secondary: [] }, 5005, null);
    expect([row.deviation, row.scoreText]).toEqual(['low', '0.501']);
  });
});
