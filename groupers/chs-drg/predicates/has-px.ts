import { z } from 'zod';
import { EMPTY_SLOT } from '../context.js';
import { defineKind, pred, V2_ONLY } from './types.js';

/** `has_px` (2.0): the case has at least one procedure after the principal-procedure check. */
export const hasPx = defineKind<true>({
  name: 'has_px',
  semantics: V2_ONLY,
  doc: 'the case has at least one procedure (after the principal-procedure check)',
  arg: z.literal(true, { error: 'expected true' }),
  compile() {
    const test = (c: import('../context.js').CaseContext): boolean => c.procedureCount() > 0;
    return pred(
      test,
      (c) => {
        const n = c.procedureCount();
        return { ok: n > 0, says: n > 0 ? `the case has ${n} procedure${n > 1 ? 's' : ''}` : 'the case has no procedure' };
      },
    );
  },
});

/** `has_main_px` (2.0): the principal-procedure slot is non-empty after the principal-procedure check. */
export const hasMainPx = defineKind<true>({
  name: 'has_main_px',
  semantics: V2_ONLY,
  doc: 'the principal-procedure slot is filled (after the principal-procedure check)',
  arg: z.literal(true, { error: 'expected true' }),
  compile() {
    const test = (c: import('../context.js').CaseContext): boolean => c.nPx > 0 && c.px[0] !== EMPTY_SLOT;
    return pred(
      test,
      (c) => {
        const ok = test(c);
        return {
          ok,
          says: c.nPx === 0 ? 'there is no principal procedure' : ok ? `the principal procedure is ${c.pxCode(0)}` : 'the principal-procedure slot was emptied (code not allowed as principal)',
        };
      },
    );
  },
});
