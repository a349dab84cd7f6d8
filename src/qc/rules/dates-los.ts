/**
 * Length of stay agrees with the dates when both are given: los equals
 * discharge_date − admit_date in days; a same-day stay may count 0 or 1 day
 * (regions differ).
 */
import type { QcRule } from '../types.js';
import { dayNumber, given, show } from './util.js';

export const datesLos: QcRule = {
  id: 'dates.los',
  severity: 'error',
  fields: ['los', 'admit_date', 'discharge_date'],
  description: 'los equals the days between admit_date and discharge_date (a same-day stay: 0 or 1)',
  check(v, report) {
    const a = v.input.admit_date;
    const d = v.input.discharge_date;
    if (!a || !d || !given(v.los)) return;
    const days = dayNumber(d) - dayNumber(a);
    if (days < 0) return; // dates.order says it
    if (v.los !== days && !(days === 0 && v.los === 1)) {
      report('los', show(v.los), `los is ${show(v.los)} but the dates give ${days} day${days === 1 ? '' : 's'} (${a} to ${d}): correct los or the dates`);
    }
  },
};
