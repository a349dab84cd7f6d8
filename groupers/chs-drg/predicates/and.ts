import { z } from 'zod';
import { BOTH, compileParts, defineKind, pred, type Explanation, type Pred } from './types.js';

/** `and [p, q, …]`: every part holds. Parts are tested in order and stop at the first failure. */
export const and = defineKind<unknown[]>({
  name: 'and',
  semantics: BOTH,
  doc: 'all of the listed predicates hold (tested in order)',
  arg: z.array(z.unknown()).min(1, 'needs at least one predicate'),
  compile(arg, _scope, path, child) {
    const parts = compileParts(arg, 'and', path, child);
    if (parts === undefined) return undefined;
    const tests = parts.map((p) => p.test);
    // Small arities get straight-line closures: no loop, no array read.
    let test: Pred['test'];
    if (tests.length === 1) test = tests[0]!;
    else if (tests.length === 2) {
      const [a, b] = tests as [Pred['test'], Pred['test']];
      test = (c) => a(c) && b(c);
    } else if (tests.length === 3) {
      const [a, b, d] = tests as [Pred['test'], Pred['test'], Pred['test']];
      test = (c) => a(c) && b(c) && d(c);
    } else {
      test = (c) => {
        for (let i = 0; i < tests.length; i++) if (!tests[i]!(c)) return false;
        return true;
      };
    }
    const explain = (c: Parameters<Pred['test']>[0]): Explanation => {
      const seen: Explanation[] = [];
      for (const p of parts) {
        const e = p.explain(c);
        seen.push(e);
        if (!e.ok) return { ok: false, says: 'not all of these hold', parts: seen };
      }
      return { ok: true, says: 'all of these hold', parts: seen };
    };
    return pred(test, explain);
  },
});
