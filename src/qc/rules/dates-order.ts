/** The discharge date is not before the admission date. */
import type { QcRule } from '../types.js';
import { dayNumber } from './util.js';

export const datesOrder: QcRule = {
  id: 'dates.order',
  severity: 'error',
  fields: ['admit_date', 'discharge_date'],
  description: 'discharge_date is on or after admit_date',
  check(v, report) {
    const a = v.input.admit_date;
    const d = v.input.discharge_date;
    if (a && d && dayNumber(d) < dayNumber(a)) {
      report('discharge_date', d, `discharge_date ${d} is before admit_date ${a}: correct one of the dates`);
    }
  },
};
