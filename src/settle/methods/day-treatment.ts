/**
 * Day surgery / TCM day treatment (日间手术 / 中医日间治疗) settled under the
 * inpatient policy of the same hospital level: deductible and ratios as for
 * an admission, but bed and nursing fees count only at a share of their list
 * price (30 % in Zibo). The rest of those fees is not charged to anyone.
 */
import { z } from 'zod';
import { formatYuan, type Fen } from '../../money.js';
import { key, ratio } from '../policy/fields.js';
import { applyRatio, percent } from '../ratio.js';
import { defineMethod } from './method.js';
import { compileWhen, describeWhen, whenSchema } from './when.js';

const schema = z.strictObject({
  method: z.literal('day_treatment'),
  id: key,
  name: z.string().optional(),
  when: whenSchema,
  /** Share of the bed and nursing fees' list price that is counted (0.30). */
  bed_nursing_share: ratio,
});

export const dayTreatmentMethod = defineMethod({
  method: 'day_treatment',
  schema,
  check: () => undefined,
  compile: (rule) => {
    const when = compileWhen(rule.when);
    const share = rule.bed_nursing_share;
    return {
      method: 'day_treatment',
      apply: (inp) => {
        if (!when(inp.bill)) return null;
        const { bed_fee, nursing_fee } = inp.bill;
        if (bed_fee === null || nursing_fee === null) {
          const field = bed_fee === null ? 'bed_fee' : 'nursing_fee';
          return { code: `${field}.missing`, field, message: `rule ${rule.id} (day treatment, ${describeWhen(rule.when)}) needs the itemised bed_fee and nursing_fee (0 when none)` };
        }
        const fees = (bed_fee + nursing_fee) as Fen;
        const counted = applyRatio(fees, share);
        const notCharged = (fees - counted) as Fen;
        const basis = (inp.inScope - notCharged) as Fen;
        return {
          method: 'day_treatment',
          rule: rule.id,
          notCharged,
          basis,
          standard: null,
          extraFund: 0 as Fen,
          detail: `day treatment (rule ${rule.id}) under inpatient policy: bed ${formatYuan(bed_fee)} + nursing ${formatYuan(nursing_fee)} = ${formatYuan(fees)} counted at ${percent(share)} = ${formatYuan(counted)}, ${formatYuan(notCharged)} not charged; the layers share ${formatYuan(basis)}`,
        };
      },
    };
  },
});
