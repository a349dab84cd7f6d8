/**
 * Required fields: the settlement-list fields without which a case cannot be
 * grouped or paid. One rule per field, so that a region can switch each off
 * or change its severity on its own.
 */
import { GIVEN } from '../facts.js';
import type { CaseView, QcRule, Severity } from '../types.js';
import { given } from './util.js';

function required(field: keyof typeof GIVEN, severity: Severity, missing: (v: CaseView) => boolean, message: string): QcRule {
  return {
    id: `required.${field}`,
    severity,
    fields: [field],
    needs: { missing: GIVEN[field] },
    description: `${field} is filled in`,
    check(v, report) {
      if (missing(v)) report(field, '', message);
    },
  };
}

export const requiredId = required('id', 'error', (v) => v.input.id === undefined || v.input.id === null || v.input.id === '', 'the case id (setl_id / medcasno) is missing: fill in the settlement or case number');
export const requiredSex = required('sex', 'error', (v) => !given(v.sex), 'sex (gend) is missing: fill in 1 (male) or 2 (female)');
export const requiredAge = required('age', 'error', (v) => !given(v.age), 'age is missing: fill in the age in whole years (0 under 1 year)');
export const requiredDiagnoses = required('diagnoses', 'error', (v) => v.nDx === 0, 'no diagnosis is coded: code the principal diagnosis first, then the secondary ones');
export const requiredLos = required('los', 'error', (v) => !given(v.los), 'length of stay (act_ipt_days) is missing: fill in the days from admission to discharge');
export const requiredDischarge = required('discharge', 'error', (v) => !given(v.discharge), 'discharge type (dscg_way) is missing: fill in 1, 2, 3, 4, 5 or 9');
/** A warning by default: grouping does not need the cost; payment does (a bureau sets it to error). */
export const requiredTotalCost = required(
  'total_cost',
  'warning',
  (v) => v.input.total_cost === undefined || v.input.total_cost === null,
  'total cost (medfee_sumamt) is missing: fill in the total inpatient cost in yuan, needed for payment',
);
