/**
 * CHS-DRG 1.x semantics (1.0 revised, 1.1, Qingdao), README rule 1: sex must
 * be 1 or 2; age required; at least one diagnosis; age 0 requires age_days;
 * age 0 with age_days ≤ 28 requires birth_weight. No code checks, no QY.
 */
import type { CaseContext } from '../context.js';
import type { Note } from '../result.js';
import type { SemanticsRules } from './types.js';

export const chsDrg1: SemanticsRules = {
  checkPatient(c: CaseContext): Note[] | null {
    // The common case, every rule met, allocates nothing (NaN = missing compares false).
    if ((c.sex === 1 || c.sex === 2) && c.age === c.age && c.nDx > 0 && (c.age !== 0 || (c.age_days === c.age_days && (c.age_days > 28 || c.birth_weight === c.birth_weight)))) {
      return null;
    }
    return patientNotes1(c);
  },
  checkCodes(): null {
    return null;
  },
  ambiguousQy: false,
};

/** The notes of a case that breaks some rule (kept apart so the common case allocates no closure context). */
function patientNotes1(c: CaseContext): Note[] | null {
  let out: Note[] | null = null;
  const add = (n: Note) => (out ??= []).push(n);
  const sex = c.sex;
  if (sex !== 1 && sex !== 2) {
    add(sex !== sex
      ? { code: 'sex.missing', field: 'sex', message: 'sex is missing: it must be 1 (male) or 2 (female)' }
      : { code: 'sex.invalid', field: 'sex', message: `sex is ${sex}: it must be 1 (male) or 2 (female)` });
  }
  if (c.age !== c.age) add({ code: 'age.missing', field: 'age', message: 'age is missing' });
  if (c.nDx === 0) add({ code: 'diagnoses.empty', field: 'diagnoses', message: 'there is no diagnosis' });
  if (c.age === 0) {
    if (c.age_days !== c.age_days) add({ code: 'age_days.missing', field: 'age_days', message: 'age is 0, so age_days is required' });
    else if (c.age_days <= 28 && c.birth_weight !== c.birth_weight) {
      add({ code: 'birth_weight.missing', field: 'birth_weight', message: `age_days is ${c.age_days} (≤ 28), so birth_weight is required` });
    }
  }
  return out;
}
