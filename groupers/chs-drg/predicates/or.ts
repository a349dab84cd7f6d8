import { z } from 'zod';
import { BOTH, compileParts, defineKind, pred, type Explanation, type Pred } from './types.js';

/** `or [p, q, …]`: some part holds. Parts are tested in order and stop at the first success. */
export const or = defineKind<unknown[]>({
  name: 'or',
  semantics: BOTH,
  doc: 'at least one of the listed predicates holds (tested in order)',
  arg: z.array(z.unknown()).min(1, 'needs at least one predicate'),
  compile(arg, _scope, path, child) {
    const parts = compileParts(arg, 'or', path, child);
    if (parts === undefined) return undefined;
    const tests = parts.map((p) => p.test);
    let test: Pred['test'];
    if (tests.length === 1) test = tests[0]!;
    else if (tests.length === 2) {
      const [a, b] = tests as [Pred['test'], Pred['test']];
      test = (c) => a(c) || b(c);
    } else {
      test = (c) => {
        for (let i = 0; i < tests.length; i++) if (tests[i]!(c)) return true;
        return false;
      };
    }
    const explain = (c: Parameters<Pred['test']>[0]): Explanation => {
      const seen: Explanation[] = [];
      for (const p of parts) {
        const e = p.explain(c);
        seen.push(e);
        if (e.ok) return { ok: true, says: 'one of these holds', parts: seen };
      }
      return { ok: false, says: 'none of these holds', parts: seen };
    };
    return pred(test, explain);
  },
});
