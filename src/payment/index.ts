/**
 * DRG payment: the region policy, pricing cases (standard, outlier class,
 * payment, fund payment), and hospital settlement.
 */
import type { Case } from '../case/schema.js';
import { groupCase, type CompiledScheme, type GroupResult } from '../../groupers/chs-drg/index.js';
import type { Fen } from '../money.js';
import type { Pricer, PriceResult } from './price.js';

// The region's payment policy shares a few names with the patient-side benefit policy
// (src/settle): the public API exports this side under Payment- / Hospital- names.
export { loadPolicy as loadPaymentPolicy, parsePolicy as parsePaymentPolicy, policySchema as paymentPolicySchema, type HighBand, type Policy as PaymentPolicy } from './policy.js';
export { Pricer, type ClassPayment, type PriceInput, type PriceNote, type PriceResult, type UsualCase } from './price.js';
export { OUTLIER_CLASSES, type GroupTerms, type OutlierClass, type PaymentMethod } from './types.js';
export { CLASS_RULES } from './classes/index.js';
export {
  addCase,
  clearingAmount,
  emptyParts,
  mergeParts,
  settleHospitals,
  type ClearingStatement,
  type HospitalFigures,
  type Period,
  type PeriodStatement,
  type ReviewCap,
  type SettleOptions as HospitalSettleOptions,
  type Settlement as HospitalSettlement,
  type SettlementCase,
  type SettlementParts,
} from './hospitals.js';
export { clearingCsv, periodCsv } from './statements.js';
export { priceCsv, settleCsv, type PriceCsvOptions, type SettleCsvOptions } from './bulk.js';

/** Group a case and price it: what a hospital billing office asks at discharge. */
export function priceCase(
  scheme: CompiledScheme,
  pricer: Pricer,
  c: Case,
  options: { readonly patientShare?: Fen | null; readonly review?: boolean; readonly trace?: boolean } = {},
): { readonly group: GroupResult; readonly price: PriceResult } {
  const group = groupCase(scheme, c);
  const price = pricer.price(
    { status: group.status, drg: group.drg, cost: c.total_cost, los: c.los, hospitalId: c.hospital_id, hospitalLevel: c.hospital_level, patientShare: options.patientShare ?? null, review: options.review === true },
    options.trace === true,
  );
  return { group, price };
}
