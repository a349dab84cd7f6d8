// Settlement examples from the README. Run after set-up: node examples/settlement.mjs
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSettlementTrace, Ledger, loadPolicy, parseBill, resolvePolicyPath, settleBill } from 'drg-engine';

const policy = loadPolicy(resolvePolicyPath('zibo-2023')); // or a path to your own policy file

const parsed = parseBill({
  bill_id: 'W1', person_id: 'R-1001', date: '2023-05-01', insured_type: 'resident', person_class: 'extreme_poverty',
  hospital_level: 3, total_cost: '200000.00', out_of_scope: '10000.00', pre_self_pay: '6000.00',
});
if (!parsed.ok) throw new Error(parsed.problems.map((p) => p.message).join('; '));
const bill = parsed.request.bill;

// Pure: you supply what the person has used this year (here nothing yet).
const r = settleBill(policy, bill, { admissions: 0, counters: {} }, { trace: true });
console.log(r.settlement.layers.map((l) => `${l.id} ${l.paid}`).join(', '), '| patient', r.settlement.patient);
console.log(formatSettlementTrace(r.settlement.trace));

// With the yearly ledger (an SQLite file): each call is one transaction.
const ledger = Ledger.open(join(mkdtempSync(join(tmpdir(), 'drg-')), 'ledger.db'));
console.log(ledger.settle(policy, bill).status);                         // settled
console.log(ledger.settle(policy, bill).status);                         // replayed: the stored result
console.log(ledger.usage('R-1001', 2023));                               // the person's year so far
const w2 = { ...bill, bill_id: 'W2', total_cost: 1_200_000, out_of_scope: 100_000, pre_self_pay: 100_000 }; // fen
const second = ledger.settle(policy, w2).settlement;
console.log(second.admission, second.layers[0].deductible, second.patient); // 2nd admission: deductible halved
console.log(settleBill(policy, { ...w2, out_of_scope: 1_300_000 }, ledger.usage('R-1001', 2023)).problem.code); // amounts.inconsistent
console.log(ledger.reverse('W2').status);                                // reversed: the totals are as before W2
console.log(ledger.usage('R-1001', 2023).admissions);                    // 1
ledger.close();
