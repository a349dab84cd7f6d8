/**
 * Age in days lies within 0–365 (a whole number). For a patient given an age
 * of 1 year or more, a large age_days is the concern of
 * `age_days.over_one_year` instead; a negative or fractional one is always wrong.
 */
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';
import { given, show } from './util.js';

export const rangeAgeDays: QcRule = {
  id: 'range.age_days',
  severity: 'error',
  fields: ['age_days'],
  needs: { given: GIVEN.age_days },
  description: 'age_days is a whole number of days within 0–365',
  check(v, report) {
    const d = v.age_days;
    if (!given(d)) return;
    const { min, max } = v.params.age_days;
    const adult = given(v.age) && v.age >= 1;
    if (d < min || !Number.isInteger(d) || (d > max && !adult)) {
      report('age_days', show(d), `age_days is ${show(d)}: it must be a whole number of days from ${min} to ${max}; for patients of 1 year or more leave it empty and give the age in years`);
    }
  },
};
