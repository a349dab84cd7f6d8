// The payment examples of the README, runnable: node examples/payment/library.mjs (after npm ci).
import { join } from 'node:path';
import {
  loadScheme, parseCase, loadWeightTable, loadPaymentPolicy, Pricer, priceCase, computeRate, paymentStandard, pointValue,
  computeWeights, historyFromArray, settleHospitals, emptyParts, addCase, formatYuan, parseYuan,
} from 'drg-engine';

const dir = new URL('.', import.meta.url).pathname;
const scheme = await loadScheme('chs-drg-1.1');
const weights = loadWeightTable(join(dir, 'weights.csv'), { scheme });
const policy = loadPaymentPolicy(join(dir, 'policy-rate.json'));
const pricer = new Pricer(policy, weights, scheme);

// Group and price one case at discharge.
const parsed = parseCase({ id: 'P09', sex: 2, age: 61, los: 16, diagnoses: 'K80.101', procedures: '51.2300', total_cost: '60000.00', hospital_id: 'H002', hospital_level: 2 });
const { group, price } = priceCase(scheme, pricer, parsed.case, { patientShare: parseYuan('14000.00'), trace: true });
console.log(group.drg, price.class, formatYuan(price.terms.standardFen), formatYuan(price.payment), formatYuan(price.fundPayment));
console.log(price.trace.join('\n'));

// The rate from a budget and a forecast: 120,000,000 / Σ(cases × RW).
const forecast = [{ drg: 'GD25', cases: 9000, level: null }, { drg: 'HC29', cases: 800, level: null }, { drg: 'BR21', cases: 200, level: null }];
const rate = computeRate({ budget: parseYuan('120000000'), forecast, weights });
console.log('rate', rate.rate.toString(), 'standard of HC29', formatYuan(paymentStandard('2.5', rate.rate)), 'at coefficient 1.05', formatYuan(paymentStandard('2.5', rate.rate, '1.05')));
console.log('point value', pointValue({ fundBudget: parseYuan('90000000'), patientShare: parseYuan('30000000'), totalPoints: 1_000_000 }).toFixed(2));

// Weights and the scheme's evaluation from a (tiny) history.
const history = [8, 9, 10, 11, 12].map((k) => ({ drg: 'GD25', year: 2024, cost: k * 100000, los: 4 }))
  .concat([20, 25, 30, 35, 40].map((k) => ({ drg: 'HC29', year: 2024, cost: k * 100000, los: 8 })));
const w = computeWeights(historyFromArray(history), { trim: { method: 'none' }, scheme });
console.log(w.groups.map((g) => `${g.drg} RW ${g.rw} CV ${g.cv.toFixed(3)}`).join('; '), '| RIV', w.evaluation.riv.toFixed(3));

// Settle a hospital from priced cases (here one case).
const parts = emptyParts();
addCase(parts, { id: 'P09', hospitalId: 'H002', level: 2, date: '2024-03-27', drg: group.drg, rw: price.terms.rw.toString(), los: 16, cost: parsed.case.total_cost, standard: price.terms.standardFen, class: price.class, payment: price.payment, points: null, patientShare: price.patientShare, fallback: null });
const s = settleHospitals(parts, policy);
console.log(s.periods.map((p) => `${p.hospitalId} ${p.period}: due ${formatYuan(p.fundDue)}, reserve ${formatYuan(p.reserve)}, advance ${formatYuan(p.advance)}`).join('\n'));
