/**
 * A code is coded once per list. A repeated diagnosis is an error (it can
 * lend the principal's weight to a complication level); a repeated procedure
 * is a warning, since a procedure may really be performed twice.
 */
import { GIVEN } from '../facts.js';
import type { CaseView, QcRule, Severity } from '../types.js';

const codeOf = (v: CaseView, system: 'dx' | 'px', i: number): string => (system === 'dx' ? v.dxCode(i) : v.pxCode(i));

function duplicate(system: 'dx' | 'px', severity: Severity, advice: string): QcRule {
  const field = system === 'dx' ? 'diagnoses' : 'procedures';
  const kind = system === 'dx' ? 'diagnosis' : 'procedure';
  return {
    id: `code.${system}_duplicate`,
    severity,
    fields: [field],
    needs: { given: system === 'dx' ? GIVEN.secondary_dx : GIVEN.secondary_px },
    description: `no ${kind} code appears twice`,
    check(v: CaseView, report) {
      const n = system === 'dx' ? v.nDx : v.nPx;
      const ids = system === 'dx' ? v.dxId : v.pxId;
      // Quadratic, but lists are short (a handful of codes). Known codes compare by id (look-ups
      // are case-insensitive); only an unknown code is compared as text, so a clean case makes no string.
      for (let i = 1; i < n; i++) {
        const id = ids[i]!;
        for (let j = 0; j < i; j++) {
          const same = id >= 0 ? id === ids[j] : codeOf(v, system, i).toUpperCase() === codeOf(v, system, j).toUpperCase();
          if (!same) continue;
          const c = codeOf(v, system, i);
          report(field, c, `${kind} ${c} is coded twice (positions ${j + 1} and ${i + 1}): ${advice}`);
          break;
        }
      }
    },
  };
}

export const codeDxDuplicate = duplicate('dx', 'error', 'remove the repeat');
export const codePxDuplicate = duplicate('px', 'warning', 'remove the repeat unless the procedure was performed twice');
