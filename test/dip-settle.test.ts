/**
 * DIP point values and settlement: the issue's worked example, then a whole
 * year with pools, monthly advances, clearing and the special-review cap.
 */
import { describe, expect, it } from 'vitest';
import { type Fen, formatYuan } from '../src/money.js';
import { parseSettlementPolicy } from '../src/payment/dip/policy.js';
import { budgetPointValue, hospitalSettlement, settlementPointValue, settleYear, type SettlementCell } from '../src/payment/dip/settle.js';
import { DataError } from '../src/errors.js';
import { Decimal } from '../src/money.js';

const yuan = (y: number) => (y * 100) as Fen;

describe('the worked example', () => {
  it('fund budget 80,000,000, fund payment ratio 0.8, total scores 1,000,000 → settlement point value 100.00', () => {
    expect(settlementPointValue(yuan(80_000_000), '0.8', 1_000_000).toFixed(2)).toBe('100.00');
  });

  it('a hospital with 50,000 scores, assessment coefficient 0.98 and 20,000 of deductions is paid 3,900,000.00', () => {
    const paid = hospitalSettlement([{ scores: 50_000, pointValue: 100, fundPaymentRatio: '0.8' }], '0.98', yuan(20_000));
    expect(formatYuan(paid)).toBe('3900000.00');
  });

  it('budget point value = total cost / total scores', () => {
    expect(budgetPointValue(yuan(5_390_000), 1_000_000).toFixed()).toBe('5.39');
  });
});

const policy = (over: Record<string, unknown> = {}) =>
  parseSettlementPolicy({
    format: 'dip-settlement-1',
    year: 2024,
    pools: [
      { name: 'employee', fund_budget: '60000000', fund_payment_ratio: '0.8' },
      { name: 'resident', fund_budget: '20000000' },
    ],
    hospitals: { H1: { assessment_coefficient: '0.98', deductions: '20000' } },
    ...over,
  });

// Employees: 750,000 scores in H1 and H2, by month; residents: 250,000 scores with fund_paid.
const cells: SettlementCell[] = [
  { pool: 0, hospital: 'H1', month: '2024-01', cases: 10, units: 25_000 * 10_000, cost: yuan(3_000_000), fundPaid: null },
  { pool: 0, hospital: 'H1', month: '2024-02', cases: 10, units: 25_000 * 10_000, cost: yuan(3_000_000), fundPaid: null },
  { pool: 0, hospital: 'H2', month: '2024-01', cases: 20, units: 700_000 * 10_000, cost: yuan(60_000_000), fundPaid: null },
  { pool: 1, hospital: 'H2', month: '2024-01', cases: 30, units: 250_000 * 10_000, cost: yuan(40_000_000), fundPaid: yuan(20_000_000) },
];

describe('a year', () => {
  it('computes point values per pool, from the policy ratio or fund_paid', () => {
    const r = settleYear({ cells, scoreDecimals: 4, directoryPointValue: new Decimal(80), review: [] }, policy());
    expect(r.pools.map((p) => [p.name, p.scores.toFixed(), p.fundPaymentRatio.toFixed(), p.ratioSource, p.settlementPointValue.toFixed(2)])).toEqual([
      ['employee', '750000', '0.8', 'policy', '100.00'],
      ['resident', '250000', '0.5', 'fund_paid', '160.00'],
    ]);
  });

  it('settles each hospital: Σ(scores × point value × ratio) × assessment − deductions; advances 90 % by month; clearing', () => {
    const r = settleYear({ cells, scoreDecimals: 4, directoryPointValue: new Decimal(80), review: [] }, policy());
    const h1 = r.hospitals.find((h) => h.hospital === 'H1')!;
    // 50,000 × 100 × 0.8 × 0.98 − 20,000
    expect([formatYuan(h1.settlement), h1.defaulted]).toEqual(['3900000.00', false]);
    const h2 = r.hospitals.find((h) => h.hospital === 'H2')!;
    // 700,000 × 100 × 0.8 + 250,000 × 160 × 0.5 = 56,000,000 + 20,000,000
    expect([formatYuan(h2.settlement), h2.defaulted]).toEqual(['76000000.00', true]);
    // Monthly point values: (budget / 12 / ratio) / the month's scores.
    // Employees, January: 5,000,000 / 0.8 / 725,000 scores; H1 advance = 25,000 × that × 0.8 × 0.9.
    const janPv = new Decimal(60_000_000).dividedBy(12).dividedBy('0.8').dividedBy(725_000);
    const h1Jan = r.advances.find((a) => a.hospital === 'H1' && a.month === '2024-01')!;
    expect(h1Jan.advance).toBe(new Decimal(25_000).times(janPv).times('0.8').times('0.9').times(100).toDecimalPlaces(0, Decimal.ROUND_HALF_UP).toNumber());
    expect(h1.clearing).toBe(h1.settlement - h1.advances);
    expect(h1.advances).toBe(r.advances.filter((a) => a.hospital === 'H1').reduce((s, a) => s + a.advance, 0));
  });

  it('uses a fixed or the directory point value for advances when asked', () => {
    const fixed = settleYear({ cells, scoreDecimals: 4, directoryPointValue: new Decimal(80), review: [] }, policy({ advance_point_value: '90', advance_ratio: '0.9' }));
    expect(formatYuan(fixed.advances.find((a) => a.hospital === 'H1' && a.month === '2024-01')!.advance)).toBe('1620000.00'); // 25,000 × 90 × 0.8 × 0.9
    const budget = settleYear({ cells, scoreDecimals: 4, directoryPointValue: new Decimal(80), review: [] }, policy({ advance_point_value: 'budget' }));
    expect(formatYuan(budget.advances.find((a) => a.hospital === 'H1' && a.month === '2024-01')!.advance)).toBe('1440000.00');
  });

  it('publishes the point value rounded when the policy says so', () => {
    const r = settleYear({ cells: [{ ...cells[0]!, units: 3 * 10_000 }], scoreDecimals: 4, directoryPointValue: new Decimal(80), review: [] }, policy({ point_value_decimals: 2, pools: [{ name: 'all', fund_budget: '100', fund_payment_ratio: '1' }] }));
    expect(r.pools[0]!.settlementPointValue.toFixed()).toBe('33.33');
  });

  it('selects at most 5 ‰ of cases for special review, most extreme first', () => {
    const review = [1, 2, 3].map((i) => ({ id: `X${i}`, line: i, hospital: 'H1', group: 'G', cost: yuan(100 * (i + 5)), standard: yuan(100) }));
    const many: SettlementCell[] = [{ pool: 0, hospital: 'H1', month: '2024-01', cases: 400, units: 1, cost: yuan(1), fundPaid: null }];
    const r = settleYear({ cells: many, scoreDecimals: 4, directoryPointValue: new Decimal(1), review }, policy({ pools: [{ name: 'all', fund_budget: '1', fund_payment_ratio: '1' }] }));
    expect(r.review.cap).toBe(2);
    expect(r.review.candidates.map((c) => [c.id, c.selected])).toEqual([
      ['X3', true],
      ['X2', true],
      ['X1', false],
    ]);
  });

  it('needs a fund payment ratio or fund_paid for each pool', () => {
    const noPaid = cells.map((c) => ({ ...c, fundPaid: null }));
    expect(() => settleYear({ cells: noPaid, scoreDecimals: 4, directoryPointValue: new Decimal(80), review: [] }, policy())).toThrow(/pool resident: the policy gives no fund_payment_ratio/);
  });

  it('validates the policy with JSON paths', () => {
    try {
      parseSettlementPolicy({ format: 'dip-settlement-1', year: 2024, pools: [{ name: 'all', fund_budget: '-1' }], advance_ratio: '1.5' });
      throw new Error('expected a DataError');
    } catch (err) {
      expect(err).toBeInstanceOf(DataError);
      expect((err as DataError).issues.map((i) => i.path)).toEqual(['$.pools[0].fund_budget', '$.advance_ratio']);
    }
  });
});
