/**
 * Per-visit quota (人次定额): a fixed quota per visit by hospital level; a
 * bill is one visit unless its `visits` says more. visits × quota is the
 * payment standard (see standard.ts).
 */
import { z } from 'zod';
import { formatYuan, type Fen } from '../../money.js';
import { byLevel, key, yuan } from '../policy/fields.js';
import { checkLevels } from '../policy/check.js';
import { levelNames } from '../policy/common.js';
import { defineMethod } from './method.js';
import { byStandard, payStandardWhenLower } from './standard.js';
import { compileWhen, whenSchema } from './when.js';

const schema = z.strictObject({
  method: z.literal('per_visit'),
  id: key,
  name: z.string().optional(),
  when: whenSchema,
  pay_standard_when_lower: payStandardWhenLower,
  /** Quota per visit by hospital level. */
  quota: byLevel(yuan),
});

export const perVisitMethod = defineMethod({
  method: 'per_visit',
  schema,
  check: (rule, p, path, at) => checkLevels(rule.quota, levelNames(p), [...path, 'quota'], at),
  compile: (rule, ctx) => {
    const when = compileWhen(rule.when);
    const quota = ctx.levels.map((l) => rule.quota[l]!);
    return {
      method: 'per_visit',
      apply: (inp) => {
        if (!when(inp.bill)) return null;
        const visits = inp.bill.visits ?? 1;
        const q = quota[inp.level]!;
        const standard = (visits * q) as Fen;
        return byStandard('per_visit', rule.id, inp.inScope, standard, rule.pay_standard_when_lower, `per-visit quota (rule ${rule.id}, ${ctx.levels[inp.level]}): ${visits} × ${formatYuan(q)} = ${formatYuan(standard)}`);
      },
    };
  },
});
