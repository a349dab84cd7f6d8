/**
 * An unspecific symptom (R00–R99) is not the principal diagnosis when a
 * definite diagnosis is also coded. A warning by default: the checker cannot
 * tell whether that diagnosis explains the symptom.
 */
import { FACT } from '../facts.js';
import type { QcRule } from '../types.js';

export const principalSymptom: QcRule = {
  id: 'principal.symptom',
  severity: 'warning',
  fields: ['diagnoses'],
  needs: { dx: FACT.symptom_dx },
  description: 'the principal diagnosis is not a symptom code (R00–R99) when a definite diagnosis is also coded',
  check(v, report) {
    if (v.nDx < 2 || (v.dxFacts[0]! & FACT.symptom_dx) === 0) return;
    for (let i = 1; i < v.nDx; i++) {
      if ((v.dxFacts[i]! & FACT.non_definite_dx) === 0) {
        report('diagnoses', v.dxCode(0), `the principal diagnosis ${v.dxLabel(0)} is a symptom while diagnosis ${i + 1} ${v.dxLabel(i)} is definite: make the definite diagnosis principal if it explains the symptom`);
        return;
      }
    }
  },
};
