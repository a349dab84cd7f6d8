/**
 * Values in range: a number field must lie within bounds from the region's
 * parameters (and be whole where the field counts whole units). One rule per
 * field; the bounds are data (config params).
 */
import { GIVEN } from '../facts.js';
import type { CaseView, QcParams, QcRule } from '../types.js';
import { given, show } from './util.js';

interface RangeSpec {
  readonly field: 'age' | 'birth_weight' | 'los' | 'vent_hours';
  /** The field's value (a function rather than v[field]: a keyed read here would be megamorphic). */
  readonly value: (v: CaseView) => number;
  readonly bounds: (p: QcParams) => { readonly min: number; readonly max: number };
  readonly whole: boolean;
  readonly unit: string;
  readonly hint: string;
  /** The default range, for the rule's description. */
  readonly span: string;
}

/** The bounds of a count with no upper limit (one object, not one per call). */
const NOT_NEGATIVE = { min: 0, max: Infinity } as const;

function range(spec: RangeSpec): QcRule {
  const { field, unit } = spec;
  return {
    id: `range.${field}`,
    severity: 'error',
    fields: [field],
    needs: { given: GIVEN[field] },
    description: `${field} is ${spec.whole ? 'a whole number of ' : 'in '}${unit}, ${spec.span}`,
    check(v, report) {
      const n = spec.value(v);
      if (!given(n)) return;
      const { min, max } = spec.bounds(v.params);
      if (n < min || n > max || (spec.whole && !Number.isInteger(n))) {
        const span = Number.isFinite(max) ? `from ${min} to ${max} ${unit}` : `${min} ${unit} or more`;
        report(field, show(n), `${field} is ${show(n)}: it must be ${spec.whole ? 'a whole number, ' : ''}${span}; ${spec.hint}`);
      }
    },
  };
}

export const rangeAge = range({ field: 'age', value: (v) => v.age, bounds: (p) => p.age, whole: true, unit: 'years', span: '0–150 (params.age)', hint: 'for infants under 1 year give 0 and the age in days' });
export const rangeBirthWeight = range({ field: 'birth_weight', value: (v) => v.birth_weight, bounds: (p) => p.birth_weight, whole: false, unit: 'grams', span: '100–9999 (params.birth_weight)', hint: 'check the unit (grams, not kilograms)' });
export const rangeLos = range({ field: 'los', value: (v) => v.los, bounds: () => NOT_NEGATIVE, whole: true, unit: 'days', span: '0 or more', hint: 'count the days from admission to discharge' });
export const rangeVentHours = range({ field: 'vent_hours', value: (v) => v.vent_hours, bounds: () => NOT_NEGATIVE, whole: false, unit: 'hours', span: '0 or more', hint: 'leave it empty when there was no invasive ventilation' });
