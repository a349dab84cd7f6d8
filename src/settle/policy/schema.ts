/**
 * The benefit policy file: one JSON document per region and year, defined
 * once as a zod schema (the TypeScript type is inferred from it): the common
 * part (common.ts), then one section per layer kind and the payment-method
 * rules, each defined in its own module. README.md ("Benefit policy files")
 * documents every field.
 */
import { z } from 'zod';
import { assistanceSchema } from '../layers/assistance.js';
import { basicSchema } from '../layers/basic.js';
import { criticalIllnessSchema } from '../layers/critical-illness.js';
import { methodRuleSchema } from '../methods/index.js';
import { commonShape } from './common.js';

export const policySchema = z.strictObject({
  ...commonShape,
  basic: basicSchema,
  critical_illness: criticalIllnessSchema.optional(),
  medical_assistance: assistanceSchema.optional(),
  /** Method rules in order; the first that applies settles the bill; fee-for-service is the fallback. */
  payment_methods: z.array(methodRuleSchema).default([]),
});

/** A validated policy file (amounts in fen, ratios exact). */
export type PolicyFile = z.output<typeof policySchema>;
