/**
 * Settlement arithmetic: the worked examples with their exact
 * numbers, each layer and payment method, rounding, and properties that must
 * hold for any bill.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Decimal, parseYuan, roundFen, type Fen } from '../src/money.js';
import type { Bill } from '../src/settle/bill.js';
import { applyRatio, exactRatio } from '../src/settle/ratio.js';
import { settleBill, type Settlement } from '../src/settle/settle.js';
import type { CompiledPolicy } from '../src/settle/policy/load.js';
import { NO_USAGE, type Counters, type Usage } from '../src/settle/types.js';
import { bill, parsePolicy, policy, policyJson, usage } from './settle-helpers.js';

const y = (text: string): Fen => parseYuan(text)!;

function settled(p: CompiledPolicy, b: Bill, u: Usage = NO_USAGE): Settlement {
  const r = settleBill(p, b, u, { trace: true });
  if (!r.ok) throw new Error(`rejected: ${r.problem.code} ${r.problem.message}`);
  return r.settlement;
}

const paid = (s: Settlement, id: string): Fen => s.layers.find((l) => l.id === id)!.paid;

/** Settle bills one after another for the same person, carrying the year's usage as the ledger would. */
function settleYear(p: CompiledPolicy, bills: Bill[]): Settlement[] {
  let u: Usage = NO_USAGE;
  return bills.map((b) => {
    const s = settled(p, b, u);
    const counters: Counters = { ...u.counters };
    for (const k in s.delta) counters[k] = (counters[k] ?? 0) + s.delta[k]!;
    u = { admissions: u.admissions + 1, counters };
    return s;
  });
}

describe('worked example: resident at a tertiary hospital (Zibo 2023)', () => {
  // 200,000.00 with 10,000.00 out of scope and 60,000.00 class-B items at 10 % pre-self-pay.
  const b = bill({ bill_id: 'W1', hospital_level: '3', person_class: 'extreme_poverty', total_cost: '200000.00', out_of_scope: '10000.00', pre_self_pay: '6000.00' });
  const s = settled(policy('zibo-2023'), b);

  it('in-scope 184,000.00', () => expect(s.inScope).toBe(y('184000.00')));
  it('basic (deductible 1,000, 65 %, cap 150,000) pays 118,950.00', () => {
    expect(paid(s, 'basic')).toBe(y('118950.00'));
    expect(s.layers[0]!.deductible).toBe(y('1000.00'));
  });
  it('critical illness (deductible 13,000, absolute bands) pays 31,230.00', () => {
    expect(paid(s, 'critical_illness')).toBe(y('31230.00'));
    expect(s.layers[1]!.bands).toEqual([{ from: 0, to: y('100000'), ratio: '60%', amount: y('52050.00'), pays: y('31230.00') }]);
  });
  it('assistance (75 %, cap 30,000) pays 25,365.00', () => expect(paid(s, 'assistance')).toBe(y('25365.00')));
  it('the patient pays 24,455.00', () => expect(s.patient).toBe(y('24455.00')));
  it('the second assistance layer pays nothing (its deductible is not reached)', () => expect(paid(s, 'assistance_2')).toBe(0));
  it('everything adds up: patient + layers = total', () => {
    expect(s.patient + s.covered).toBe(s.total);
    expect(s.hospitalDifference).toBe(0);
  });
  it('the trace shows each step', () => {
    const text = s.trace!.map((t) => `${t.stage}: ${t.text}`).join('\n');
    expect(text).toContain('in-scope = total 200000.00 − out of scope 10000.00 − pre-self-pay 6000.00 = 184000.00');
    expect(text).toContain('(184000.00 − 1000.00) × 65% = 118950.00');
    expect(text).toContain('52050.00 × 60% = 31230.00');
    expect(text).toContain('= 24455.00');
  });
});

describe('critical illness bands', () => {
  it('band crossing: 250,000.00 owed after basic, deductible 13,000 → 152,200.00', () => {
    // The basic cap is used up, so basic pays nothing and the whole in-scope 250,000.00 is owed.
    const b = bill({ bill_id: 'X', total_cost: '250000.00' });
    const s = settled(policy('zibo-2023'), b, usage(1, { 'basic.paid': y('150000') }));
    expect(paid(s, 'basic')).toBe(0);
    expect(paid(s, 'critical_illness')).toBe(y('152200.00'));
    expect(s.layers[1]!.bands.map((x) => [x.ratio, x.amount, x.pays])).toEqual([
      ['60%', y('87000'), y('52200')],
      ['65%', y('100000'), y('65000')],
      ['70%', y('50000'), y('35000')],
    ]);
  });

  it('bands measured above the deductible (Panjin 2020): 100,000 owed → 54,050.00', () => {
    // 13,000–63,000 at 60 % = 30,000; 63,000–100,000 at 65 % = 24,050.
    const b = bill({ bill_id: 'P', date: '2020-03-01', total_cost: '100000.00' });
    const s = settled(policy('panjin-2020'), b, usage(1, { 'basic.paid': y('150000') }));
    expect(paid(s, 'critical_illness')).toBe(y('54050.00'));
  });

  it('accumulates over the year: the second bill continues where the first stopped', () => {
    const p = policy('zibo-2023');
    const [a, b] = settleYear(p, [
      bill({ bill_id: 'A', total_cost: '500000.00' }), // basic capped at 150,000; 350,000 counted
      bill({ bill_id: 'B', total_cost: '10000.00' }),
    ]);
    // A: (100,000 − 13,000) × 60 % + 100,000 × 65 % + 100,000 × 70 % + 50,000 × 75 % = 224,700
    expect(paid(a!, 'critical_illness')).toBe(y('224700.00'));
    // B: the basic cap is used up, so all 10,000 is owed; counted 350,000 → 360,000, all in the 75 % band.
    expect(paid(b!, 'basic')).toBe(0);
    expect(paid(b!, 'critical_illness')).toBe(y('7500.00'));
  });
});

describe('deductibles and caps over the year', () => {
  const p = policy('zibo-2023');
  it('the second admission pays half the deductible, the third none', () => {
    const [a, b, c] = settleYear(p, ['A', 'B', 'C'].map((id) => bill({ bill_id: id, total_cost: '10000.00' })));
    expect([a!.admission, b!.admission, c!.admission]).toEqual([1, 2, 3]);
    expect([a!.layers[0]!.deductible, b!.layers[0]!.deductible, c!.layers[0]!.deductible]).toEqual([y('1000'), y('500'), 0]);
    expect(paid(b!, 'basic')).toBe(y('6175.00')); // (10,000 − 500) × 65 %
  });

  it('annual caps are reached across three admissions', () => {
    const bills = ['A', 'B', 'C'].map((id) => bill({ bill_id: id, person_class: 'extreme_poverty', total_cost: '100000.00' }));
    const [a, b, c] = settleYear(p, bills);
    // Basic: 99,000 × 65 % = 64,350; 99,500 × 65 % = 64,675; 100,000 × 65 % = 65,000 capped at 150,000 − 129,025.
    expect([paid(a!, 'basic'), paid(b!, 'basic'), paid(c!, 'basic')]).toEqual([y('64350'), y('64675'), y('20975')]);
    expect(c!.layers[0]!.note).toBe('annual cap reached');
    // Critical illness on 35,650 → 70,975 → 150,000 counted: 13,590; 21,195; 29,025 × 60 % + 50,000 × 65 % = 49,915.
    expect([paid(a!, 'critical_illness'), paid(b!, 'critical_illness'), paid(c!, 'critical_illness')]).toEqual([y('13590'), y('21195'), y('49915')]);
    // Assistance 75 %, cap 30,000: 16,545; 10,597.50; then only the 2,857.50 left of the cap.
    expect([paid(a!, 'assistance'), paid(b!, 'assistance'), paid(c!, 'assistance')]).toEqual([y('16545'), y('10597.50'), y('2857.50')]);
    expect(c!.layers[2]!.note).toBe('annual cap reached');
    // Second layer: its 10,000 deductible is met over the year (5,515 + 3,532.50 + 952.50), then 50 %.
    expect([paid(a!, 'assistance_2'), paid(b!, 'assistance_2'), paid(c!, 'assistance_2')]).toEqual([0, 0, y('12650')]);
    expect(c!.layers[3]!.deductible).toBe(y('952.50'));
    expect(c!.patient).toBe(y('13602.50'));
  });

  it('all the caps at once on one large bill, and nothing more from them later', () => {
    const bills = ['A', 'B'].map((id) => bill({ bill_id: id, person_class: 'extreme_poverty', total_cost: '400000.00' }));
    const [a, b] = settleYear(p, bills);
    expect([paid(a!, 'basic'), paid(a!, 'critical_illness'), paid(a!, 'assistance'), paid(a!, 'assistance_2')]).toEqual([y('150000'), y('152200'), y('30000'), y('20000')]);
    // B: critical illness counts 250,000 → 650,000 (35,000 + 262,500) but only 247,800 is left of its cap.
    expect([paid(b!, 'basic'), paid(b!, 'critical_illness'), paid(b!, 'assistance'), paid(b!, 'assistance_2')]).toEqual([0, y('247800'), 0, 0]);
    expect(b!.patient).toBe(y('152200'));
  });

  it('a disease with one deductible a year: the second cancer admission pays none', () => {
    const [a, b, c] = settleYear(p, [
      bill({ bill_id: 'A', diagnoses: 'C34.900', total_cost: '10000.00' }),
      bill({ bill_id: 'B', diagnoses: 'C34.900', total_cost: '10000.00' }),
      bill({ bill_id: 'C', diagnoses: 'K35.800', total_cost: '10000.00' }),
    ]);
    expect([a!.layers[0]!.deductible, b!.layers[0]!.deductible, c!.layers[0]!.deductible]).toEqual([y('1000'), 0, 0]);
    expect(a!.delta['basic.disease.cancer']).toBe(1);
    expect(b!.delta['basic.disease.cancer']).toBeUndefined();
  });

  it('a disease deductible waived, then an unrelated second admission still halves its own', () => {
    const [, b] = settleYear(p, [bill({ bill_id: 'A', diagnoses: 'C34.900', total_cost: '10000.00' }), bill({ bill_id: 'B', diagnoses: 'K35.800', total_cost: '10000.00' })]);
    expect(b!.layers[0]!.deductible).toBe(y('500'));
  });
});

describe('ratio adjustments', () => {
  it('retirees add the retiree bonus (Zibo employee, tertiary: 85 % + 5 %)', () => {
    const s = settled(policy('zibo-2023'), bill({ bill_id: 'R', insured_type: 'employee', retired: 'yes', total_cost: '10800.00' }));
    expect(s.layers[0]!.ratio).toBe('90%');
    expect(paid(s, 'basic')).toBe(y('9000.00')); // (10,800 − 800) × 90 %
  });
  it('care out of the area without filing: 20 points less (Zibo)', () => {
    const s = settled(policy('zibo-2023'), bill({ bill_id: 'O', out_of_area: 'unfiled', total_cost: '11000.00' }));
    expect(s.layers[0]!.ratio).toBe('45%');
    expect(paid(s, 'basic')).toBe(y('4500.00'));
  });
  it('long-term out-of-area residents: 10 % less (Changchun)', () => {
    const s = settled(policy('changchun-2023'), bill({ bill_id: 'O', out_of_area: 'long_term_resident', total_cost: '10900.00' }));
    expect(s.layers[0]!.ratio).toBe('55%');
    expect(paid(s, 'basic')).toBe(y('5500.00')); // (10,900 − 900) × 55 %
  });
  it('an employee has no critical-illness cover in the Zibo example', () => {
    const s = settled(policy('zibo-2023'), bill({ bill_id: 'E', insured_type: 'employee', total_cost: '500000.00' }));
    expect(s.layers[1]).toMatchObject({ id: 'critical_illness', paid: 0, note: 'not eligible' });
  });
});

describe('payment methods', () => {
  it('bed-day: 45 days at 133.00 → 5,985.00 (Changchun psychiatric care)', () => {
    const s = settled(policy('changchun-2023'), bill({ bill_id: 'BD', department: 'psychiatry', los: '45', total_cost: '8000.00' }));
    expect(s.method).toBe('bed_day');
    expect(s.standard).toBe(y('5985.00'));
    expect(s.basis).toBe(y('5985.00'));
    expect(s.hospitalDifference).toBe(-y('2015.00')); // the hospital bears cost above the standard
    expect(paid(s, 'basic')).toBe(y('3305.25')); // (5,985 − 900) × 65 %
    expect(s.patient + s.covered - s.hospitalDifference).toBe(s.total);
  });
  it('bed-day: cost below the standard, and the policy pays the standard anyway', () => {
    const s = settled(policy('changchun-2023'), bill({ bill_id: 'BD', department: 'psychiatry', los: '45', total_cost: '5000.00' }));
    expect(s.basis).toBe(y('5000.00')); // the patient shares the actual cost
    expect(s.extraFund).toBe(y('985.00'));
    expect(s.hospitalDifference).toBe(y('985.00'));
  });
  it('bed-day: a stay across care phases is split (60 days acute, 10 stable)', () => {
    const s = settled(policy('changchun-2023'), bill({ bill_id: 'BD', department: 'psychiatry', los: '70', total_cost: '20000.00' }));
    expect(s.standard).toBe(y('9080.00')); // 60 × 133 + 10 × 110
  });
  it('bed-day without bed days is rejected, not guessed', () => {
    const r = settleBill(policy('changchun-2023'), bill({ bill_id: 'BD', department: 'psychiatry', total_cost: '5000.00' }), NO_USAGE);
    expect(r).toMatchObject({ ok: false, problem: { code: 'los.missing', field: 'los' } });
  });
  it('TCM day treatment: bed and nursing counted at 30 % (Zibo)', () => {
    const s = settled(policy('zibo-2023'), bill({ bill_id: 'T', flags: 'tcm_day', total_cost: '3000.00', out_of_scope: '200.00', pre_self_pay: '100.00', bed_fee: '400.00', nursing_fee: '200.00' }));
    expect(s.method).toBe('day_treatment');
    expect(s.notCharged).toBe(y('420.00')); // (400 + 200) × 70 %
    expect(s.basis).toBe(y('2280.00')); // 2,700 in scope − 420
    expect(paid(s, 'basic')).toBe(y('832.00')); // (2,280 − 1,000) × 65 %: inpatient deductible and ratio
    expect(s.patient).toBe(y('1748.00'));
    expect(s.patient + s.covered + s.notCharged).toBe(s.total);
  });
  it('day treatment without the itemised fees is rejected', () => {
    const r = settleBill(policy('zibo-2023'), bill({ bill_id: 'T', flags: 'day_surgery', total_cost: '3000.00' }), NO_USAGE);
    expect(r).toMatchObject({ ok: false, problem: { code: 'bed_fee.missing' } });
  });
  it('single-disease fixed payment (Panjin): the hospital bears cost above the fixed amount', () => {
    const s = settled(policy('panjin-2020'), bill({ bill_id: 'S', date: '2020-06-01', diagnoses: 'K35.800x001', total_cost: '10000.00' }));
    expect([s.method, s.rule, s.standard, s.basis]).toEqual(['single_disease', 'single-disease:PJ01', y('8000'), y('8000')]);
    expect(s.hospitalDifference).toBe(-y('2000'));
  });
  it('single-disease fixed payment: a cheaper case still brings the hospital the fixed amount', () => {
    const s = settled(policy('panjin-2020'), bill({ bill_id: 'S', date: '2020-06-01', diagnoses: 'K35.800x001', hospital_level: '2', total_cost: '5000.00' }));
    expect([s.standard, s.basis, s.extraFund]).toEqual([y('6500'), y('5000'), y('1500')]);
  });
  it('per-visit quota (Changchun dialysis): 3 visits × 420.00', () => {
    const s = settled(policy('changchun-2023'), bill({ bill_id: 'V', flags: 'dialysis', visits: '3', total_cost: '1500.00' }));
    expect([s.method, s.standard, s.basis, s.extraFund]).toEqual(['per_visit', y('1260'), y('1260'), 0]);
    const low = settled(policy('changchun-2023'), bill({ bill_id: 'V', flags: 'dialysis', visits: '3', total_cost: '1000.00' }));
    expect([low.basis, low.extraFund]).toEqual([y('1000'), 0]); // pay_standard_when_lower: false
  });
  it('fee-for-service is the fallback', () => {
    const s = settled(policy('panjin-2020'), bill({ bill_id: 'F', date: '2020-06-01', diagnoses: 'I63.900', total_cost: '5000.00' }));
    expect([s.method, s.rule, s.standard, s.basis]).toEqual(['fee_for_service', '', null, y('5000')]);
  });
});

describe('choosing the payment method', () => {
  // Changchun's rules, preceded by: a fee-for-service exemption for one ward, a per-visit quota by DRG group,
  // and a bed-day rule by principal diagnosis; the first rule that applies wins.
  const json = policyJson('changchun-2023');
  json['payment_methods'] = [
    { method: 'fee_for_service', id: 'research-ward', when: { departments: ['psychiatry'], flags: ['research'] } },
    { method: 'per_visit', id: 'by-group', when: { groups: ['gd25'] }, pay_standard_when_lower: false, quota: { primary: 1000, secondary: 2000, tertiary: 3000 } },
    { method: 'bed_day', id: 'by-diagnosis', when: { diagnoses: ['F20'] }, pay_standard_when_lower: false, phases: [{ name: 'all', from_day: 1, to_day: null, rate: { primary: 100, secondary: 100, tertiary: 100 } }] },
    ...(json['payment_methods'] as unknown[]),
  ];
  const p = parsePolicy(json, 'test');
  const method = (over: Record<string, string>) => settled(p, bill({ bill_id: 'M', total_cost: '5000.00', los: '10', ...over }));
  it.each([
    [{ department: 'psychiatry', flags: 'research' }, 'fee_for_service', 'research-ward'],
    [{ department: 'psychiatry' }, 'bed_day', 'psychiatric-bed-day'],
    [{ group: 'GD25' }, 'per_visit', 'by-group'],
    [{ diagnoses: 'F20.000|I10.x05' }, 'bed_day', 'by-diagnosis'],
    [{ diagnoses: 'I10.x05|F20.000' }, 'fee_for_service', ''],
    [{ flags: 'dialysis', group: 'GD23' }, 'per_visit', 'dialysis-per-visit'],
    [{}, 'fee_for_service', ''],
  ])('%j → %s (%s)', (over, want, rule) => {
    const s = method(over);
    expect([s.method, s.rule]).toEqual([want, rule]);
  });
});

describe('what the policy says about the bill', () => {
  const p = policy('zibo-2023');
  it.each([
    [{ date: '2022-12-31' }, 'date.outside_policy_year'],
    [{ insured_type: 'farmer' }, 'insured_type.unknown'],
    [{ hospital_level: '4' }, 'hospital_level.unknown'],
    [{ out_of_area: 'abroad' }, 'out_of_area.unknown'],
    [{ person_class: 'millionaire' }, 'person_class.unknown'],
  ])('%j → %s', (over, code) => {
    const r = settleBill(p, bill({ bill_id: 'Q', total_cost: '100.00', ...over }), NO_USAGE);
    expect(r).toMatchObject({ ok: false, problem: { code } });
  });
  it('a bill built without parseBill is still checked: inconsistent or negative amounts are refused', () => {
    const b = bill({ bill_id: 'H', total_cost: '100.00' });
    expect(settleBill(p, { ...b, out_of_scope: y('100.01') }, NO_USAGE)).toMatchObject({ ok: false, problem: { code: 'amounts.inconsistent' } });
    expect(settleBill(p, { ...b, pre_self_pay: -1 as Fen }, NO_USAGE)).toMatchObject({ ok: false, problem: { code: 'pre_self_pay.negative' } });
    expect(settleBill(p, { ...b, total_cost: 10.5 as Fen }, NO_USAGE)).toMatchObject({ ok: false, problem: { code: 'total_cost.not_an_amount' } });
  });
  it('hospital levels may be given by code or by name', () => {
    const a = settled(p, bill({ bill_id: 'A', hospital_level: '3', total_cost: '5000' }));
    const b = settled(p, bill({ bill_id: 'A', hospital_level: 'tertiary', total_cost: '5000' }));
    expect(b.layers).toEqual(a.layers);
  });
});

describe('rounding: once per amount, half up', () => {
  it('a half fen rounds up', () => {
    // Resident, primary: deductible 200, 85 %. 0.10 above the deductible × 85 % = 8.5 fen → 9 fen.
    const s = settled(policy('zibo-2023'), bill({ bill_id: 'R', hospital_level: '1', total_cost: '200.10' }));
    expect(paid(s, 'basic')).toBe(9);
  });
  it('applyRatio is the exact product rounded half up (integer path and decimal.js agree)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e13 }), fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 6 }), (fen, n, places) => {
        const ratio = new Decimal(Math.min(n, 10 ** places)).dividedBy(10 ** places);
        expect(applyRatio(fen as Fen, exactRatio(ratio))).toBe(roundFen(new Decimal(fen).times(ratio)));
      }),
      { numRuns: 3000 },
    );
  });
  it('applyRatio at the edges of the integer path', () => {
    const r = exactRatio('0.123457');
    for (const fen of [0, 1, 4, 5, 9_007_199_254, 9_007_199_254_740, 2 ** 53 - 1]) expect(applyRatio(fen as Fen, r)).toBe(roundFen(new Decimal(fen).times('0.123457')));
  });
});

describe('properties of any settlement', () => {
  const p = policy('zibo-2023');
  const arbBill = fc.record({
    total: fc.integer({ min: 0, max: 100_000_000 }),
    oosShare: fc.double({ min: 0, max: 0.5, noNaN: true }),
    preShare: fc.double({ min: 0, max: 0.3, noNaN: true }),
    type: fc.constantFrom('employee', 'resident'),
    level: fc.constantFrom('1', '2', '3'),
    cls: fc.constantFrom('', 'extreme_poverty', 'low_income_margin', 'monitored'),
    ooa: fc.constantFrom('', 'filed', 'unfiled'),
    dx: fc.constantFrom('C34.900', 'K35.800', 'N18.500', 'I63.900'),
    day: fc.boolean(),
    retired: fc.boolean(),
  });
  const toBill = (a: typeof arbBill extends fc.Arbitrary<infer T> ? T : never, id: string): Bill => {
    const oos = Math.floor(a.total * a.oosShare);
    const pre = Math.floor((a.total - oos) * a.preShare);
    const fees = a.day ? Math.floor((a.total - oos - pre) / 4) : 0;
    const f = (fen: number) => `${Math.floor(fen / 100)}.${String(fen % 100).padStart(2, '0')}`;
    return bill({
      bill_id: id, insured_type: a.type, hospital_level: a.level, person_class: a.cls, out_of_area: a.ooa, diagnoses: a.dx, retired: a.retired ? '1' : '0',
      total_cost: f(a.total), out_of_scope: f(oos), pre_self_pay: f(pre), ...(a.day ? { flags: 'day_surgery', bed_fee: f(fees), nursing_fee: f(fees) } : {}),
    });
  };

  it('money is conserved, no layer pays more than is owed, and caps hold over a year', () => {
    fc.assert(
      fc.property(fc.array(arbBill, { minLength: 1, maxLength: 6 }), fc.constantFrom('employee', 'resident'), (bills, type) => {
        const year = settleYear(p, bills.map((a, i) => toBill({ ...a, type }, `B${i}`)));
        const total: Record<string, number> = {};
        for (const s of year) {
          let owed = s.basis;
          for (const l of s.layers) {
            expect(l.paid).toBeGreaterThanOrEqual(0);
            expect(l.paid).toBeLessThanOrEqual(owed);
            owed -= l.paid;
            total[l.id] = (total[l.id] ?? 0) + l.paid;
          }
          expect(s.patient).toBe(s.outOfScope + s.preSelfPay + owed);
          expect(s.patient + s.covered + s.extraFund - s.hospitalDifference).toBe(s.total - s.notCharged);
          expect(Number.isSafeInteger(s.patient)).toBe(true);
        }
        expect(total['basic']).toBeLessThanOrEqual(type === 'employee' ? y('400000') : y('150000'));
        expect(total['critical_illness']).toBeLessThanOrEqual(y('400000'));
        expect(total['assistance']).toBeLessThanOrEqual(y('30000'));
        expect(total['assistance_2']).toBeLessThanOrEqual(y('20000'));
      }),
      { numRuns: 400 },
    );
  });
});
