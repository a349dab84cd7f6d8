/** Perinatal conditions (P00–P96) are coded only for infants (age 0 by default). */
import { FACT } from '../facts.js';
import type { QcRule } from '../types.js';
import { given, show, slot } from './util.js';

export const agePerinatal: QcRule = {
  id: 'age.perinatal',
  severity: 'error',
  fields: ['age', 'diagnoses'],
  needs: { dx: FACT.perinatal_dx },
  description: 'perinatal codes (P00–P96) only for patients under 1 year',
  check(v, report) {
    const max = v.params.perinatal_max_age;
    if (!given(v.age) || v.age <= max) return;
    for (let i = 0; i < v.nDx; i++) {
      if ((v.dxFacts[i]! & FACT.perinatal_dx) !== 0) {
        report('diagnoses', v.dxCode(i), `${slot('diagnosis', i)} ${v.dxLabel(i)} is a perinatal condition, for patients under ${max + 1} year${max === 0 ? '' : 's'}, but age is ${show(v.age)}: correct the age or the code`);
      }
    }
  },
};
