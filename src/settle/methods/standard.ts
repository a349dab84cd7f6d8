/**
 * What the methods with a payment standard (single disease, bed-day,
 * per-visit) share: the patient's layers run on the lower of cost and
 * standard, so a patient never pays more than under fee-for-service; the
 * hospital bears cost above the standard; and when cost is below it, the fund
 * pays the hospital the difference if the rule says `pay_standard_when_lower`.
 */
import { z } from 'zod';
import { formatYuan, type Fen } from '../../money.js';
import type { MethodOutcome } from './method.js';

export const payStandardWhenLower = z.boolean({ error: 'pay_standard_when_lower must be true or false' });

export function byStandard(method: string, rule: string, inScope: Fen, standard: Fen, payWhenLower: boolean, how: string): MethodOutcome {
  if (inScope >= standard) {
    return {
      method,
      rule,
      notCharged: 0 as Fen,
      basis: standard,
      standard,
      extraFund: 0 as Fen,
      detail: `${how}: standard ${formatYuan(standard)}; in-scope cost ${formatYuan(inScope)} is not below it, so the layers share the standard and the hospital bears ${formatYuan((inScope - standard) as Fen)}`,
    };
  }
  const extra = payWhenLower ? ((standard - inScope) as Fen) : (0 as Fen);
  return {
    method,
    rule,
    notCharged: 0 as Fen,
    basis: inScope,
    standard,
    extraFund: extra,
    detail: `${how}: standard ${formatYuan(standard)}; in-scope cost ${formatYuan(inScope)} is lower, so the layers share the cost${payWhenLower ? ` and the fund pays the hospital the ${formatYuan(extra)} difference (pay_standard_when_lower)` : ''}`,
  };
}
