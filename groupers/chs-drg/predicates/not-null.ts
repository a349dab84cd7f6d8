import { z } from 'zod';
import { FIELD_NAMES, fieldGetter, isListField, showField, type FieldName } from './fields.js';
import { BOTH, defineKind, pred } from './types.js';

/**
 * `not_null F`: the field is present (zero counts as present). A code list
 * is present when it has at least one code, so on lists this equals `nonempty`.
 */
export const notNull = defineKind<FieldName>({
  name: 'not_null',
  semantics: BOTH,
  doc: 'field F is present (0 counts as present)',
  arg: z.enum(FIELD_NAMES, { error: `expected a field name (${FIELD_NAMES.join(', ')})` }),
  compile(field) {
    const get = fieldGetter(field);
    const list = isListField(field);
    const test = list ? (c: Parameters<typeof get>[0]) => get(c) > 0 : (c: Parameters<typeof get>[0]) => get(c) === get(c);
    return pred(
      test,
      (c) => {
        const ok = test(c);
        return { ok, says: list ? `${field} ${ok ? 'is present' : 'is empty'}` : ok ? `${showField(field, get(c))}: present` : `${field} is missing` };
      },
    );
  },
});
