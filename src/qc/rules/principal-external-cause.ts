/** An external cause of injury (V01–Y98) is never the principal diagnosis. */
import { FACT } from '../facts.js';
import type { QcRule } from '../types.js';

export const principalExternalCause: QcRule = {
  id: 'principal.external_cause',
  severity: 'error',
  fields: ['diagnoses'],
  needs: { dx: FACT.external_cause_dx },
  description: 'the principal diagnosis is not an external cause (V01–Y98)',
  check(v, report) {
    if (v.nDx > 0 && (v.dxFacts[0]! & FACT.external_cause_dx) !== 0) {
      report('diagnoses', v.dxCode(0), `the principal diagnosis ${v.dxLabel(0)} is an external cause: code the injury or condition as principal and keep the external cause as a secondary diagnosis`);
    }
  },
};
