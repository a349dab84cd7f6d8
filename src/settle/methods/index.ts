/**
 * The payment methods a policy's `payment_methods` may name. Adding one is a
 * module and one line here.
 */
import { z } from 'zod';
import { bedDayMethod } from './bed-day.js';
import { dayTreatmentMethod } from './day-treatment.js';
import { feeForServiceMethod } from './fee-for-service.js';
import { perVisitMethod } from './per-visit.js';
import { singleDiseaseMethod } from './single-disease.js';
import type { MethodKind } from './method.js';

export const METHOD_KINDS = [feeForServiceMethod, singleDiseaseMethod, bedDayMethod, perVisitMethod, dayTreatmentMethod] as const;

/** One rule of `payment_methods`, chosen by its `method`. */
export const methodRuleSchema = z.discriminatedUnion(
  'method',
  [feeForServiceMethod.schema, singleDiseaseMethod.schema, bedDayMethod.schema, perVisitMethod.schema, dayTreatmentMethod.schema],
  { error: (iss) => (iss.code === 'invalid_union' ? `method must be one of ${METHOD_KINDS.map((m) => m.method).join(', ')}` : undefined) },
);
export type MethodRule = z.output<typeof methodRuleSchema>;

export function methodKind(method: string): MethodKind {
  return METHOD_KINDS.find((m) => m.method === method)! as unknown as MethodKind;
}

export { feeForService } from './fee-for-service.js';
export { isProblem, type CompiledMethod, type MethodInput, type MethodOutcome } from './method.js';
