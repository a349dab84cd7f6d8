import { z } from 'zod';
import { complicationVerdicts, computeComplications } from '../complications.js';
import type { CaseContext } from '../context.js';
import { BOTH, defineKind, pred, type ComplicationTables, type Explanation, type PredicateKind } from './types.js';

function complicationKind(level: 'MCC' | 'CC'): PredicateKind<true> {
  return defineKind<true>({
    name: level === 'MCC' ? 'has_mcc' : 'has_cc',
    semantics: BOTH,
    doc: `some secondary diagnosis is a${level === 'MCC' ? 'n MCC' : ' CC'} not excluded by the principal diagnosis`,
    arg: z.literal(true, { error: 'expected true' }),
    compile(_arg, scope) {
      const t = scope.complications;
      const test =
        level === 'MCC'
          ? (c: CaseContext) => {
              if (!c.ccDone) computeComplications(c, t);
              return c.mccPos >= 0;
            }
          : (c: CaseContext) => {
              if (!c.ccDone) computeComplications(c, t);
              return c.ccPos >= 0;
            };
      return pred(test, (c) => explainComplication(c, t, level, test(c)));
    },
  });
}

function explainComplication(c: CaseContext, t: ComplicationTables, level: 'MCC' | 'CC', ok: boolean): Explanation {
  const { principalTable, verdicts } = complicationVerdicts(c, t);
  const parts: Explanation[] = verdicts.map((v) => {
    if (v.level === 'none') return { ok: false, says: `secondary ${v.position} ${v.code}: neither CC nor MCC` };
    const counts = v.level === level && !v.excluded;
    const why = v.excluded
      ? `excluded (its table ${v.table} is the principal's table)`
      : `not excluded (table ${v.table}${principalTable !== undefined ? `, principal's table ${principalTable}` : ', the principal has no exclusion table'})`;
    return { ok: counts, says: `secondary ${v.position} ${v.code}: ${v.level}, ${why}` };
  });
  const pos = level === 'MCC' ? c.mccPos : c.ccPos;
  const says = ok
    ? `has ${level}: secondary diagnosis ${pos + 1} ${c.dxCode(pos)} qualifies`
    : verdicts.length === 0
      ? `no ${level}: there is no secondary diagnosis`
      : `no ${level}: no secondary diagnosis qualifies`;
  return { ok, says, parts };
}

/** `has_mcc`: some secondary diagnosis is a non-excluded MCC. */
export const hasMcc = complicationKind('MCC');
/** `has_cc`: some secondary diagnosis is a non-excluded CC (cc.csv; MCCs are tested by has_mcc). */
export const hasCc = complicationKind('CC');
