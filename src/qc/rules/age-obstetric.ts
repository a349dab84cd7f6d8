/**
 * Obstetric codes (O00–O99) only for women of child-bearing age (10–60 by
 * default, config `params.obstetric_age`). A man with an obstetric code is
 * reported by sex.dx (obstetric codes are on the female list).
 */
import { FACT } from '../facts.js';
import type { QcRule } from '../types.js';
import { given, show, slot } from './util.js';

export const ageObstetric: QcRule = {
  id: 'age.obstetric',
  severity: 'error',
  fields: ['age', 'sex', 'diagnoses'],
  needs: { dx: FACT.obstetric_dx },
  description: 'obstetric codes (O00–O99) only for women within the obstetric age range (default 10–60)',
  check(v, report) {
    if (!given(v.age) || v.sex === 1) return;
    const { min, max } = v.params.obstetric_age;
    if (v.age >= min && v.age <= max) return;
    for (let i = 0; i < v.nDx; i++) {
      if ((v.dxFacts[i]! & FACT.obstetric_dx) !== 0) {
        report('diagnoses', v.dxCode(i), `${slot('diagnosis', i)} ${v.dxLabel(i)} is obstetric, for women aged ${min}–${max}, but age is ${show(v.age)}: correct the age or the code`);
      }
    }
  },
};
