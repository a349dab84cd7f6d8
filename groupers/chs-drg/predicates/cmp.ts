import { z } from 'zod';
import type { CaseContext } from '../context.js';
import { FIELD_NAMES, fieldGetter, showField, type FieldName } from './fields.js';
import { BOTH, defineKind, pred } from './types.js';

const OPS = ['<', '<=', '>', '>=', '==', '!='] as const;
type Op = (typeof OPS)[number];

/** `cmp [F, op, value]`: compare a field with a number. A missing field makes it false, whatever the operator. */
export const cmp = defineKind<[FieldName, Op, number]>({
  name: 'cmp',
  semantics: BOTH,
  doc: 'compare field F with a number (false when F is missing)',
  arg: z.tuple([
    z.enum(FIELD_NAMES, { error: `expected a field name (${FIELD_NAMES.join(', ')})` }),
    z.enum(OPS, { error: `expected an operator (${OPS.join(' ')})` }),
    z.number({ error: 'expected a number' }).finite(),
  ]),
  compile([field, op, k]) {
    const get = fieldGetter(field);
    // One closure per operator; `v === v` rejects NaN (missing) before comparing.
    let test: (c: CaseContext) => boolean;
    switch (op) {
      case '<': test = (c) => { const v = get(c); return v === v && v < k; }; break;
      case '<=': test = (c) => { const v = get(c); return v === v && v <= k; }; break;
      case '>': test = (c) => { const v = get(c); return v === v && v > k; }; break;
      case '>=': test = (c) => { const v = get(c); return v === v && v >= k; }; break;
      case '==': test = (c) => get(c) === k; break;
      case '!=': test = (c) => { const v = get(c); return v === v && v !== k; }; break;
    }
    return pred(
      test,
      (c) => {
        const v = get(c);
        const ok = test(c);
        if (v !== v) return { ok, says: `${field} is missing, so "${field} ${op} ${k}" is false` };
        return { ok, says: `${showField(field, v)}, ${ok ? 'so' : 'not'} ${field} ${op} ${k}` };
      },
    );
  },
});
