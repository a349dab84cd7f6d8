/**
 * Codes meant as secondary diagnoses only (infectious agents B95–B98, the
 * scheme's invalid_principal_dx.csv, the region's list) are not principal.
 * External causes are left to principal.external_cause.
 */
import { FACT } from '../facts.js';
import type { QcRule } from '../types.js';

export const principalSecondaryOnly: QcRule = {
  id: 'principal.secondary_only',
  severity: 'error',
  fields: ['diagnoses'],
  needs: { dx: FACT.secondary_only_dx },
  description: 'the principal diagnosis is not a code allowed only as a secondary diagnosis',
  check(v, report) {
    if (v.nDx === 0) return;
    const f = v.dxFacts[0]!;
    if ((f & FACT.secondary_only_dx) !== 0 && (f & FACT.external_cause_dx) === 0) {
      report('diagnoses', v.dxCode(0), `the principal diagnosis ${v.dxLabel(0)} may only be a secondary diagnosis: code the condition it qualifies as principal`);
    }
  },
};
