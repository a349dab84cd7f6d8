/** Gray codes (CHS-DRG 2.0 gray_dx.csv / gray_px.csv) may not be used at all. */
import { FACT } from '../facts.js';
import type { QcRule } from '../types.js';
import { slot } from './util.js';

export const codeGray: QcRule = {
  id: 'code.gray',
  severity: 'error',
  fields: ['diagnoses', 'procedures'],
  needs: { dx: FACT.gray_dx, px: FACT.gray_px },
  description: 'no gray code (a code of the insurance edition that may not be used) is coded',
  check(v, report) {
    for (let i = 0; i < v.nDx; i++) {
      if ((v.dxFacts[i]! & FACT.gray_dx) !== 0) report('diagnoses', v.dxCode(i), `${slot('diagnosis', i)} ${v.dxLabel(i)} is a gray code, which may not be used: code the condition with a valid code of the insurance edition`);
    }
    for (let i = 0; i < v.nPx; i++) {
      if ((v.pxFacts[i]! & FACT.gray_px) !== 0) report('procedures', v.pxCode(i), `${slot('procedure', i)} ${v.pxLabel(i)} is a gray code, which may not be used: code the procedure with a valid code of the insurance edition`);
    }
  },
};
