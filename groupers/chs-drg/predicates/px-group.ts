import { z } from 'zod';
import type { CaseContext } from '../context.js';
import { BOTH, defineKind, pred } from './types.js';

/**
 * `px_group_present G`: some procedure of the case carries tag G in the
 * current rule's tagged list (a code listed with two tags counts with its first).
 */
export const pxGroupPresent = defineKind<string>({
  name: 'px_group_present',
  semantics: BOTH,
  doc: 'some procedure carries procedure-group tag G in the current rule',
  arg: z.union([z.string().regex(/^[1-9]\d*$/, 'expected a tag number'), z.number().int().positive()]).transform(String),
  compile(g, scope, path) {
    const tags = scope.tags;
    if (tags === undefined) {
      scope.fail(path, `px_group_present needs a rule whose procedure list carries proc_group tags; ${scope.owner} has none`, 'predicate.no-tags');
      return undefined;
    }
    const tag = Number(g);
    // Closures must not capture `scope`: it reaches the compiler's state (all parsed rows).
    const pxTable = scope.px;
    const owner = scope.owner;
    const test = (c: CaseContext): boolean => {
      const ids = c.px;
      for (let i = 0, n = c.nPx; i < n; i++) {
        const id = ids[i]!;
        if (id >= 0 && tags[id] === tag) return true;
      }
      return false;
    };
    return pred(
      test,
      (c) => {
        for (let i = 0; i < c.nPx; i++) {
          const id = c.px[i]!;
          if (id >= 0 && tags[id] === tag) return { ok: true, says: `procedure ${i + 1} ${pxTable.label(id)} carries group tag ${tag} in ${owner}` };
        }
        return { ok: false, says: `no procedure carries group tag ${tag} in ${owner}` };
      },
    );
  },
});
