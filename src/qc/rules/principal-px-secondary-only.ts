/** Procedures that may not be principal (CHS-DRG 2.0 invalid_principal_px.csv) are not coded first. */
import { FACT } from '../facts.js';
import type { QcRule } from '../types.js';

export const principalPxSecondaryOnly: QcRule = {
  id: 'principal.px_secondary_only',
  severity: 'warning',
  fields: ['procedures'],
  needs: { px: FACT.secondary_only_px },
  description: 'the principal procedure is not one that may only be secondary',
  check(v, report) {
    if (v.nPx > 0 && (v.pxFacts[0]! & FACT.secondary_only_px) !== 0) {
      report('procedures', v.pxCode(0), `the principal procedure ${v.pxLabel(0)} may not be principal (the grouper leaves the slot empty): put the main operation first`);
    }
  },
};
