/** Discharge type (离院方式) is one of the settlement-list codes. */
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';
import { given, show } from './util.js';

const MEANING: Readonly<Record<number, string>> = { 1: 'ordered', 2: 'transfer to hospital', 3: 'transfer to community facility', 4: 'against advice', 5: 'death', 9: 'other' };

export const rangeDischarge: QcRule = {
  id: 'range.discharge',
  severity: 'error',
  fields: ['discharge'],
  needs: { given: GIVEN.discharge },
  description: 'discharge is one of the discharge-type codes (1, 2, 3, 4, 5, 9)',
  check(v, report) {
    const codes = v.params.discharge_codes;
    if (given(v.discharge) && !codes.includes(v.discharge)) {
      const list = codes.map((c) => (MEANING[c] !== undefined ? `${c} (${MEANING[c]})` : String(c))).join(', ');
      report('discharge', show(v.discharge), `discharge is ${show(v.discharge)}: it must be one of ${list}`);
    }
  },
};
