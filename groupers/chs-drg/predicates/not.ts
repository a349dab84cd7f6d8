import { z } from 'zod';
import { BOTH, defineKind, pred } from './types.js';

/** `not p`: p does not hold. */
export const not = defineKind<unknown>({
  name: 'not',
  semantics: BOTH,
  doc: 'the inner predicate does not hold',
  arg: z.unknown(),
  compile(arg, _scope, path, child) {
    const inner = child(arg, `${path}.not`);
    if (inner === undefined) return undefined;
    const t = inner.test;
    return pred(
      (c) => !t(c),
      (c) => {
        const e = inner.explain(c);
        return { ok: !e.ok, says: e.ok ? 'the negated condition holds, so this fails' : 'the negated condition fails, so this holds', parts: [e] };
      },
    );
  },
});
