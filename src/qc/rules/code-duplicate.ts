/**
 * A code is coded once per list. A repeated diagnosis is an error (it can
 * lend the principal's weight to a complication level); a repeated procedure
 * is a warning, since a procedure may really be performed twice.
 */
import type { CaseView, QcRule, Severity } from '../types.js';

function duplicate(system: 'dx' | 'px', severity: Severity, advice: string): QcRule {
  const field = system === 'dx' ? 'diagnoses' : 'procedures';
  const kind = system === 'dx' ? 'diagnosis' : 'procedure';
  return {
    id: `code.${system}_duplicate`,
    severity,
    fields: [field],
    description: `no ${kind} code appears twice`,
    check(v: CaseView, report) {
      const n = system === 'dx' ? v.nDx : v.nPx;
      const ids = system === 'dx' ? v.dxId : v.pxId;
      const codes = system === 'dx' ? v.dx : v.px;
      // Quadratic, but lists are short (a handful of codes) and this allocates nothing.
      for (let i = 1; i < n; i++) {
        for (let j = 0; j < i; j++) {
          const same = ids[i]! >= 0 ? ids[i] === ids[j] : codes[i]!.toUpperCase() === codes[j]!.toUpperCase();
          if (!same) continue;
          report(field, codes[i]!, `${kind} ${codes[i]} is coded twice (positions ${j + 1} and ${i + 1}): ${advice}`);
          break;
        }
      }
    },
  };
}

export const codeDxDuplicate = duplicate('dx', 'error', 'remove the repeat');
export const codePxDuplicate = duplicate('px', 'warning', 'remove the repeat unless the procedure was performed twice');
