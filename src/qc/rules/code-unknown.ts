/**
 * Codes exist in the scheme's dictionary (ICD-10 / ICD-9-CM-3 医保版). When an
 * unknown code is an older code the scheme's translation map knows, the
 * message offers the mapped code.
 */
import { KNOWN, UNKNOWN } from '../facts.js';
import type { CaseView, QcRule } from '../types.js';
import { slot } from './util.js';

function unknownCode(system: 'dx' | 'px'): QcRule {
  const field = system === 'dx' ? 'diagnoses' : 'procedures';
  const kind = system === 'dx' ? 'diagnosis' : 'procedure';
  return {
    id: `code.${system}_unknown`,
    severity: 'error',
    fields: [field],
    needs: system === 'dx' ? { dx: UNKNOWN } : { px: UNKNOWN },
    description: `every ${kind} code is in the scheme's dictionary (older codes: the translation map is offered)`,
    check(v: CaseView, report) {
      const n = system === 'dx' ? v.nDx : v.nPx;
      const facts = system === 'dx' ? v.dxFacts : v.pxFacts;
      for (let i = 0; i < n; i++) {
        if ((facts[i]! & KNOWN) !== 0) continue;
        const code = system === 'dx' ? v.dxCode(i) : v.pxCode(i);
        const id = (system === 'dx' ? v.dxId : v.pxId)[i]!;
        const table = system === 'dx' ? v.scheme.dx : v.scheme.px;
        const to = id >= 0 ? (v.scheme.translation?.[system][id] ?? -1) : -1;
        const where = `${slot(kind, i)} ${code}`;
        if (to >= 0 && table.inDictionary(to)) {
          report(field, code, `${where} is not in the ${v.scheme.id} dictionary; it is an older code that the scheme maps to ${table.label(to)}: recode it as ${table.codes[to]}`);
        } else {
          report(field, code, `${where} is not in the ${v.scheme.id} dictionary (ICD ${system === 'dx' ? '10' : '9-CM-3'} 医保版): correct the code`);
        }
      }
    },
  };
}

export const codeDxUnknown = unknownCode('dx');
export const codePxUnknown = unknownCode('px');
