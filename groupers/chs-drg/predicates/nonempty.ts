import { z } from 'zod';
import { FIELD_NAMES, fieldGetter, isListField, showField, type FieldName } from './fields.js';
import { BOTH, defineKind, pred } from './types.js';

/**
 * `nonempty F`: the field is present and not empty or zero — a list with at
 * least one code, or a number that is given and not 0.
 */
export const nonempty = defineKind<FieldName>({
  name: 'nonempty',
  semantics: BOTH,
  doc: 'field F is present and not empty or zero',
  arg: z.enum(FIELD_NAMES, { error: `expected a field name (${FIELD_NAMES.join(', ')})` }),
  compile(field) {
    const get = fieldGetter(field);
    // NaN (missing) and 0 both fail `v !== 0 && v === v`.
    const test = (c: Parameters<typeof get>[0]): boolean => {
      const v = get(c);
      return v === v && v !== 0;
    };
    return pred(
      test,
      (c) => {
        const v = get(c);
        const ok = test(c);
        const says = isListField(field)
          ? `${field} ${ok ? `has ${v} code${v > 1 ? 's' : ''}` : 'is empty'}`
          : `${showField(field, v)}: ${ok ? 'present and not zero' : 'empty or zero'}`;
        return { ok, says };
      },
    );
  },
});
