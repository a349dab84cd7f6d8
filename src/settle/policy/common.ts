/**
 * The part of a policy file every layer and method may consult: identity,
 * hospital levels, insured types, person classes, out-of-area categories.
 * (Layer and method sections are defined in their own modules.)
 */
import { z } from 'zod';
import { key, ratioDelta } from './fields.js';

export const commonShape = {
  /** Policy id, e.g. `zibo-2023`: stored with every settled bill. */
  id: key,
  region: z.string().min(1, 'must not be empty'),
  /** Calendar year the policy applies to; bills of other years are rejected. */
  year: z.number().int('expected a whole year').min(1990, 'expected a year from 1990').max(2100, 'expected a year up to 2100'),
  description: z.string().optional(),
  /** Where the figures come from, and which are illustrative. */
  notes: z.array(z.string()).optional(),
  /** Hospital level code (as bills may give it, e.g. "3") → level name used in the tables (e.g. "tertiary"). */
  hospital_levels: z.record(z.string().min(1), key).refine((m) => Object.keys(m).length > 0, 'must declare at least one level'),
  /** Insured types (employee, resident, …). */
  insured_types: z.array(key).min(1, 'must declare at least one insured type'),
  /** Person classes for medical assistance: name → description. */
  person_classes: z.record(key, z.string()).default({}),
  /** Out-of-area categories a bill's `out_of_area` may name, with the change of the basic ratio. */
  out_of_area: z.record(key, z.strictObject({ name: z.string().optional(), ratio_delta: ratioDelta })).default({}),
};

const commonSchema = z.object(commonShape);
export type PolicyCommon = z.output<typeof commonSchema>;

/** The level names of a policy, in declaration order, each once. */
export const levelNames = (p: PolicyCommon): string[] => [...new Set(Object.values(p.hospital_levels))];
