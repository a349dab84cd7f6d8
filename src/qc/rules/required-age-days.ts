/** Age in days is required under one year (the grouper needs it to tell newborns apart). */
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';
import { given } from './util.js';

export const requiredAgeDays: QcRule = {
  id: 'required.age_days',
  severity: 'error',
  fields: ['age', 'age_days'],
  needs: { missing: GIVEN.age_days },
  description: 'age_days is filled in when age is 0',
  check(v, report) {
    if (v.age === 0 && !given(v.age_days)) report('age_days', '', 'age is 0, so the age in days (nwb_age) is required: fill in the days of life at admission (0–365)');
  },
};
