/**
 * Age in days is for patients under one year only (the settlement list fills
 * nwb_age for infants). A warning by default: CHS-DRG 1.x ignores it. An
 * error under CHS-DRG 2.0, whose grouper rejects such a case as invalid.
 */
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';
import { given, show } from './util.js';

export const ageDaysOverOneYear: QcRule = {
  id: 'age_days.over_one_year',
  severity: 'warning',
  severityUnder: { 'chs-drg-2.0': 'error' },
  fields: ['age_days', 'age'],
  needs: { given: GIVEN.age_days },
  description: 'age_days is left empty for patients of 1 year or more',
  check(v, report) {
    if (given(v.age_days) && v.age_days >= 0 && given(v.age) && v.age >= 1) {
      report('age_days', show(v.age_days), `age_days is given (${show(v.age_days)}) while age is ${show(v.age)}: the age in days is only for patients under 1 year; leave it empty`);
    }
  },
};
