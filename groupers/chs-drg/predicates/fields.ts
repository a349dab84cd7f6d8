/**
 * Case fields as predicates see them: numeric fields (NaN = missing),
 * the code lists, and the counts `count(diagnoses)` / `count(procedures)`.
 */
import type { CaseContext } from '../context.js';

export const FIELD_NAMES = [
  'sex',
  'age',
  'age_days',
  'birth_weight',
  'los',
  'discharge',
  'vent_hours',
  'diagnoses',
  'procedures',
  'count(diagnoses)',
  'count(procedures)',
] as const;
export type FieldName = (typeof FIELD_NAMES)[number];

/** A getter per field; list fields read as their length (never missing). */
const GETTERS: Record<FieldName, (c: CaseContext) => number> = {
  sex: (c) => c.sex,
  age: (c) => c.age,
  age_days: (c) => c.age_days,
  birth_weight: (c) => c.birth_weight,
  los: (c) => c.los,
  discharge: (c) => c.discharge,
  vent_hours: (c) => c.vent_hours,
  diagnoses: (c) => c.nDx,
  procedures: (c) => c.procedureCount(),
  'count(diagnoses)': (c) => c.nDx,
  'count(procedures)': (c) => c.procedureCount(),
};

export function isFieldName(s: string): s is FieldName {
  return (FIELD_NAMES as readonly string[]).includes(s);
}

export function fieldGetter(field: FieldName): (c: CaseContext) => number {
  return GETTERS[field];
}

/** True for the list fields, which are never "missing", only empty. */
export function isListField(field: FieldName): boolean {
  return field === 'diagnoses' || field === 'procedures';
}

/** A value for display in explanations. */
export function showField(field: FieldName, v: number): string {
  if (v !== v) return `${field} is missing`;
  return `${field} = ${v}`;
}
