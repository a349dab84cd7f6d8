import { z } from 'zod';
import { BOTH, defineKind, pred } from './types.js';

const ALWAYS = { ok: true, says: 'always true' } as const;

/** `true`: always holds (the last split of an ADRG, or an MDC entered by every case). */
export const always = defineKind<true>({
  name: 'true',
  semantics: BOTH,
  doc: 'always holds',
  arg: z.literal(true, { error: 'expected true' }),
  compile() {
    return pred(() => true, () => ALWAYS);
  },
});
