/**
 * Length of stay agrees with the dates when both are given: los equals
 * discharge_date − admit_date in days; a same-day stay may count 0 or 1 day
 * (regions differ).
 */
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';
import { given, show } from './util.js';

export const datesLos: QcRule = {
  id: 'dates.los',
  severity: 'error',
  fields: ['los', 'admit_date', 'discharge_date'],
  needs: { given: GIVEN.admit_date },
  description: 'los equals the days between admit_date and discharge_date (a same-day stay: 0 or 1)',
  check(v, report) {
    const days = v.dischargeDay - v.admitDay; // NaN when a date is missing
    if (!(days >= 0) || !given(v.los)) return; // a negative span is for dates.order
    if (v.los !== days && !(days === 0 && v.los === 1)) {
      report('los', show(v.los), `los is ${show(v.los)} but the dates give ${days} day${days === 1 ? '' : 's'} (${v.input.admit_date!} to ${v.input.discharge_date!}): correct los or the dates`);
    }
  },
};
