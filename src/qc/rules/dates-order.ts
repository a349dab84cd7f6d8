/** The discharge date is not before the admission date. */
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';

export const datesOrder: QcRule = {
  id: 'dates.order',
  severity: 'error',
  fields: ['admit_date', 'discharge_date'],
  needs: { given: GIVEN.admit_date },
  description: 'discharge_date is on or after admit_date',
  check(v, report) {
    if (v.dischargeDay < v.admitDay) {
      const d = v.input.discharge_date!;
      report('discharge_date', d, `discharge_date ${d} is before admit_date ${v.input.admit_date!}: correct one of the dates`);
    }
  },
};
