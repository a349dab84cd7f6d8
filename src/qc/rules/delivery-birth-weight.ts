/** A delivery (O80–O84) or outcome of delivery (Z37) needs the newborn's birth weight on the mother's record. */
import { FACT } from '../facts.js';
import type { QcRule } from '../types.js';
import { given, slot } from './util.js';

export const deliveryBirthWeight: QcRule = {
  id: 'delivery.birth_weight',
  severity: 'error',
  fields: ['diagnoses', 'birth_weight'],
  needs: { dx: FACT.delivery_dx },
  description: 'a delivery diagnosis (O80–O84, Z37) comes with the newborn birth weight',
  check(v, report) {
    if (given(v.birth_weight)) return;
    for (let i = 0; i < v.nDx; i++) {
      if ((v.dxFacts[i]! & FACT.delivery_dx) !== 0) {
        report('birth_weight', '', `${slot('diagnosis', i)} ${v.dxLabel(i)} records a delivery: the newborn's birth weight (nwb_bir_wt, grams) is required`);
        return;
      }
    }
  },
};
