/**
 * Settle one bill under a policy, given what the person has used this year:
 *
 *   in_scope = total − out_of_scope − pre_self_pay
 *   method   → settlement basis (fee-for-service: in_scope; fixed methods: the
 *              lower of cost and standard; day treatment: bed and nursing at a share)
 *   layers   → basic, critical illness, medical assistance, each on what the
 *              patient still owes of the basis, in order
 *   patient  = out_of_scope + pre_self_pay + (basis − what the layers paid)
 *
 * Pure: the same policy, bill and usage always give the same settlement. The
 * ledger (ledger.ts) supplies the usage and records the result.
 */
import { formatYuan, type Fen } from '../money.js';
import { checkAmounts, type Bill } from './bill.js';
import type { LayerOutcome } from './layers/index.js';
import { isProblem, type MethodOutcome } from './methods/index.js';
import type { CompiledPolicy } from './policy/load.js';
import type { BillProblem, Counters, SettlementStep, Usage } from './types.js';

export interface Settlement {
  readonly billId: string;
  readonly personId: string;
  readonly year: number;
  /** Policy id. */
  readonly policy: string;
  /** Payment method kind and the rule that applied (see MethodOutcome). */
  readonly method: string;
  readonly rule: string;
  /** Ordinal of the admission in the person's year. */
  readonly admission: number;
  readonly total: Fen;
  /** Bed and nursing fees above the counted share (day treatment): charged to no one. */
  readonly notCharged: Fen;
  readonly outOfScope: Fen;
  readonly preSelfPay: Fen;
  /** total − out_of_scope − pre_self_pay. */
  readonly inScope: Fen;
  /** The method's payment standard; null for fee-for-service and day treatment. */
  readonly standard: Fen | null;
  /** What the layers share out. */
  readonly basis: Fen;
  /** Paid by the fund to the hospital beyond the layers. */
  readonly extraFund: Fen;
  /** Each layer's part, in settlement order. */
  readonly layers: readonly LayerOutcome[];
  /** Sum of the layers' payments. */
  readonly covered: Fen;
  /** What the patient pays in all. */
  readonly patient: Fen;
  /**
   * What the hospital receives (patient + layers + extra fund) minus what it
   * billed (total − not charged): 0 under fee-for-service; negative when the
   * hospital bears cost above a standard.
   */
  readonly hospitalDifference: Fen;
  /** What this bill adds to the person's year (counters; the admission count apart). */
  readonly delta: Counters;
  readonly trace?: readonly SettlementStep[];
}

export type SettleOutcome = { readonly ok: true; readonly settlement: Settlement } | { readonly ok: false; readonly problem: BillProblem };

export interface SettleOptions {
  /** Record each step (default false). */
  readonly trace?: boolean;
}

/** What must hold before any money moves: consistent amounts, then the policy's level, type, year and names. */
export function checkBill(policy: CompiledPolicy, bill: Bill): BillProblem | { level: number; outOfArea: number } {
  const amounts = checkAmounts(bill);
  if (amounts !== null) return amounts;
  if (bill.year !== policy.year) return { code: 'date.outside_policy_year', field: 'date', message: `date ${bill.date} is in ${bill.year}, but policy ${policy.id} is for ${policy.year}` };
  if (!policy.insuredTypes.has(bill.insured_type)) return { code: 'insured_type.unknown', field: 'insured_type', message: `insured_type "${bill.insured_type}" is not one of ${[...policy.insuredTypes].join(', ')} (policy ${policy.id})` };
  const level = policy.levelIndex.get(bill.hospital_level);
  if (level === undefined) return { code: 'hospital_level.unknown', field: 'hospital_level', message: `hospital_level "${bill.hospital_level}" is not a level of policy ${policy.id} (${[...policy.levelIndex.keys()].join(', ')})` };
  let outOfArea = 0;
  if (bill.out_of_area !== null && bill.out_of_area !== 'local') {
    const i = policy.outOfAreaIndex.get(bill.out_of_area);
    if (i === undefined) return { code: 'out_of_area.unknown', field: 'out_of_area', message: `out_of_area "${bill.out_of_area}" is not a category of policy ${policy.id} (local, ${[...policy.outOfAreaIndex.keys()].join(', ')})` };
    outOfArea = i;
  }
  if (bill.person_class !== null && !policy.personClasses.has(bill.person_class)) {
    return { code: 'person_class.unknown', field: 'person_class', message: `person_class "${bill.person_class}" is not a class of policy ${policy.id} (${[...policy.personClasses].join(', ') || 'none'})` };
  }
  return { level, outOfArea };
}

/** Settle a bill. Problems with the bill (unknown level, missing bed days…) come back as `{ ok: false, problem }`. */
export function settleBill(policy: CompiledPolicy, bill: Bill, usage: Usage, options: SettleOptions = {}): SettleOutcome {
  const checked = checkBill(policy, bill);
  if ('code' in checked) return { ok: false, problem: checked };
  const trace: SettlementStep[] | null = options.trace === true ? [] : null;
  const inScope = (bill.total_cost - bill.out_of_scope - bill.pre_self_pay) as Fen;
  trace?.push({ stage: 'amounts', text: `in-scope = total ${formatYuan(bill.total_cost)} − out of scope ${formatYuan(bill.out_of_scope)} − pre-self-pay ${formatYuan(bill.pre_self_pay)} = ${formatYuan(inScope)}` });

  let method: MethodOutcome | undefined;
  for (const m of policy.methods) {
    const r = m.apply({ bill, level: checked.level, inScope });
    if (r === null) continue;
    if (isProblem(r)) return { ok: false, problem: r };
    method = r;
    break;
  }
  // Fee-for-service, last in every compiled policy, always applies.
  if (method === undefined) throw new Error(`policy ${policy.id}: no payment method applied`);
  trace?.push({ stage: 'method', text: method.detail });

  const admission = usage.admissions + 1;
  const layers: LayerOutcome[] = [];
  const delta: Counters = {};
  let owed = method.basis;
  let covered = 0;
  for (const layer of policy.layers) {
    const out = layer.settle({ bill, level: checked.level, outOfArea: checked.outOfArea, admission, owed, usage, trace });
    layers.push(out);
    owed = (owed - out.paid) as Fen;
    covered += out.paid;
    for (const k in out.delta) delta[k] = (delta[k] ?? 0) + out.delta[k]!;
  }
  const patient = (bill.out_of_scope + bill.pre_self_pay + owed) as Fen;
  const hospitalDifference = (patient + covered + method.extraFund - (bill.total_cost - method.notCharged)) as Fen;
  if (trace !== null) {
    trace.push({ stage: 'patient', text: `patient pays out of scope ${formatYuan(bill.out_of_scope)} + pre-self-pay ${formatYuan(bill.pre_self_pay)} + still owed ${formatYuan(owed)} = ${formatYuan(patient)}` });
    if (hospitalDifference !== 0 || method.extraFund !== 0) {
      trace.push({ stage: 'hospital', text: `hospital receives ${formatYuan((patient + covered + method.extraFund) as Fen)} for a bill of ${formatYuan((bill.total_cost - method.notCharged) as Fen)}: difference ${formatYuan(hospitalDifference)}` });
    }
  }
  const settlement: Settlement = {
    billId: bill.bill_id,
    personId: bill.person_id,
    year: bill.year,
    policy: policy.id,
    method: method.method,
    rule: method.rule,
    admission,
    total: bill.total_cost,
    notCharged: method.notCharged,
    outOfScope: bill.out_of_scope,
    preSelfPay: bill.pre_self_pay,
    inScope,
    standard: method.standard,
    basis: method.basis,
    extraFund: method.extraFund,
    layers,
    covered: covered as Fen,
    patient,
    hospitalDifference,
    delta,
    ...(trace !== null ? { trace } : {}),
  };
  return { ok: true, settlement };
}

/** The trace as numbered lines. */
export function formatSettlementTrace(steps: readonly SettlementStep[]): string {
  return steps.map((s, i) => `${String(i + 1).padStart(2)}. ${s.stage}: ${s.text}`).join('\n');
}
