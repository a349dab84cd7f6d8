/** A newborn (age 0, at most 28 days by default) needs its weight (grams). */
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';
import { given, show } from './util.js';

export const newbornBirthWeight: QcRule = {
  id: 'newborn.birth_weight',
  severity: 'error',
  fields: ['age', 'age_days', 'birth_weight'],
  needs: { given: GIVEN.age_days },
  description: 'a newborn (age 0, age_days ≤ 28) has a birth weight',
  check(v, report) {
    const max = v.params.newborn_max_days;
    if (v.age === 0 && given(v.age_days) && v.age_days <= max && !given(v.birth_weight)) {
      const { min, max: top } = v.params.birth_weight;
      report('birth_weight', '', `the patient is a newborn of ${show(v.age_days)} day${v.age_days === 1 ? '' : 's'} (at most ${max}): the weight (nwb_bir_wt) is required, ${min}–${top} grams`);
    }
  },
};
