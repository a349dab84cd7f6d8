/** Fee-for-service (按项目): the layers share the in-scope cost itself. The fallback of every policy. */
import { z } from 'zod';
import { formatYuan, type Fen } from '../../money.js';
import { key } from '../policy/fields.js';
import { defineMethod, type CompiledMethod, type MethodInput, type MethodOutcome } from './method.js';
import { compileWhen, describeWhen, whenSchema } from './when.js';

const schema = z.strictObject({
  method: z.literal('fee_for_service'),
  id: key,
  when: whenSchema.optional(),
});

export function feeForService(rule: string, matches: (inp: MethodInput) => boolean = () => true, why = 'no method rule applies'): CompiledMethod {
  return {
    method: 'fee_for_service',
    apply: (inp): MethodOutcome | null =>
      matches(inp)
        ? { method: 'fee_for_service', rule, notCharged: 0 as Fen, basis: inp.inScope, standard: null, extraFund: 0 as Fen, detail: `fee-for-service (${why}): the layers share the in-scope ${formatYuan(inp.inScope)}` }
        : null,
  };
}

export const feeForServiceMethod = defineMethod({
  method: 'fee_for_service',
  schema,
  check: () => undefined,
  compile: (rule) => {
    const when = compileWhen(rule.when);
    return feeForService(rule.id, (inp) => when(inp.bill), `rule ${rule.id}: ${describeWhen(rule.when)}`);
  },
});
