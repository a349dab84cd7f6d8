/**
 * Sex-specific diagnoses and procedures match the patient's sex. The lists
 * come from the scheme package (codes of the male MDC, MDCM, and the female
 * ones, MDCN and MDCO) plus every obstetric code for women, and a region can
 * add or remove codes (config `lists.male_dx`, `female_px`, …).
 */
import { FACT } from '../facts.js';
import type { CaseView, QcRule } from '../types.js';
import { slot } from './util.js';

function sexSpecific(system: 'dx' | 'px'): QcRule {
  const field = system === 'dx' ? 'diagnoses' : 'procedures';
  const kind = system === 'dx' ? 'diagnosis' : 'procedure';
  const male = system === 'dx' ? FACT.male_dx : FACT.male_px;
  const female = system === 'dx' ? FACT.female_dx : FACT.female_px;
  return {
    id: `sex.${system}`,
    severity: 'error',
    fields: ['sex', field],
    needs: system === 'dx' ? { dx: male | female } : { px: male | female },
    description: `sex-specific ${kind} codes match the patient's sex`,
    check(v: CaseView, report) {
      if (v.sex !== 1 && v.sex !== 2) return;
      const wrong = v.sex === 1 ? female : male;
      const n = system === 'dx' ? v.nDx : v.nPx;
      const facts = system === 'dx' ? v.dxFacts : v.pxFacts;
      for (let i = 0; i < n; i++) {
        if ((facts[i]! & wrong) === 0) continue;
        const label = system === 'dx' ? v.dxLabel(i) : v.pxLabel(i);
        const code = system === 'dx' ? v.dxCode(i) : v.pxCode(i);
        report(field, code, `${slot(kind, i)} ${label} is for ${v.sex === 1 ? 'female' : 'male'} patients but sex is ${v.sex} (${v.sex === 1 ? 'male' : 'female'}): correct the sex or the code`);
      }
    },
  };
}

export const sexDx = sexSpecific('dx');
export const sexPx = sexSpecific('px');
