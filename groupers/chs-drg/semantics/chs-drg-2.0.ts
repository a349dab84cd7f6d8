/**
 * CHS-DRG 2.0 semantics (README, "CHS-DRG 2.0" rules 1–2 and 4).
 *
 * 1. Patient-information check → invalid: sex given and not 1/2; age,
 *    age_days or LOS negative; birth_weight given and < 1; age_days given
 *    while age is given and not 0. Sex may be missing.
 * 2. Code checks → ungroupable: no diagnosis; principal diagnosis gray or not
 *    allowed as principal; principal procedure gray (except 99.1000). A
 *    principal procedure not allowed as principal empties its slot.
 * 4. A medical ADRG matched while the principal-procedure slot is filled
 *    gives the MDC's ambiguous `QY` group.
 */
import { EMPTY_SLOT, type CaseContext } from '../context.js';
import type { Note } from '../result.js';
import { CODE_GRAY, CODE_NOT_PRINCIPAL, type CompiledScheme } from '../scheme.js';
import type { SemanticsRules } from './types.js';

/** The one gray procedure the 2.0 engine still accepts as principal. */
const GRAY_PX_ALLOWED_AS_PRINCIPAL = '99.1000';

export const chsDrg20: SemanticsRules = {
  checkPatient(c: CaseContext): Note[] | null {
    // The common case, every value in range, allocates nothing (NaN = missing compares false).
    if (!(c.sex === c.sex && c.sex !== 1 && c.sex !== 2) && !(c.age < 0) && !(c.age_days < 0) && !(c.los < 0) && !(c.birth_weight < 1) && !(c.age_days === c.age_days && c.age === c.age && c.age !== 0)) {
      return null;
    }
    return patientNotes20(c);
  },

  checkCodes(c: CaseContext, s: CompiledScheme): Note[] | null {
    const v = s.validation!;
    if (c.nDx === 0) return [{ code: 'diagnoses.empty', field: 'diagnoses', message: 'there is no diagnosis' }];
    const dx0 = c.dx[0]!;
    const dxFlags = dx0 >= 0 ? v.dxFlags[dx0]! : 0;
    if (dxFlags !== 0) {
      if ((dxFlags & CODE_GRAY) !== 0) return [{ code: 'principal_dx.gray', field: 'diagnoses', message: `principal diagnosis ${c.dxCode(0)} is a gray code (may not be used)` }];
      return [{ code: 'principal_dx.not_principal', field: 'diagnoses', message: `principal diagnosis ${c.dxCode(0)} may not be used as principal` }];
    }
    if (c.nPx > 0) {
      const px0 = c.px[0]!;
      const pxFlags = px0 >= 0 ? v.pxFlags[px0]! : 0;
      if ((pxFlags & CODE_GRAY) !== 0 && s.px.codes[px0] !== GRAY_PX_ALLOWED_AS_PRINCIPAL) {
        return [{ code: 'principal_px.gray', field: 'procedures', message: `principal procedure ${c.pxCode(0)} is a gray code (may not be used)` }];
      }
      // Not allowed as principal: the slot is emptied, the other procedures keep their positions.
      // The code stays in pxRaw[0] for messages.
      if ((pxFlags & CODE_NOT_PRINCIPAL) !== 0) {
        c.pxRaw[0] = s.px.codes[px0]!;
        c.px[0] = EMPTY_SLOT;
      }
    }
    return null;
  },

  ambiguousQy: true,
};

/** The notes of a case that breaks some rule (kept apart so the common case allocates no closure context). */
function patientNotes20(c: CaseContext): Note[] | null {
  let out: Note[] | null = null;
  const add = (n: Note) => (out ??= []).push(n);
  if (c.sex === c.sex && c.sex !== 1 && c.sex !== 2) add({ code: 'sex.invalid', field: 'sex', message: `sex is ${c.sex}: it must be 1 (male), 2 (female) or left empty` });
  if (c.age < 0) add({ code: 'age.negative', field: 'age', message: `age is ${c.age}: it cannot be negative` });
  if (c.age_days < 0) add({ code: 'age_days.negative', field: 'age_days', message: `age_days is ${c.age_days}: it cannot be negative` });
  if (c.los < 0) add({ code: 'los.negative', field: 'los', message: `los is ${c.los}: it cannot be negative` });
  if (c.birth_weight < 1) add({ code: 'birth_weight.invalid', field: 'birth_weight', message: `birth_weight is ${c.birth_weight}: it must be at least 1 gram` });
  if (c.age_days === c.age_days && c.age === c.age && c.age !== 0) {
    add({ code: 'age_days.unexpected', field: 'age_days', message: `age_days is given (${c.age_days}) while age is ${c.age}: age_days is only for age 0` });
  }
  return out;
}
