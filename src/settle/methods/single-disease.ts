/**
 * Single-disease fixed payment (单病种): a list of diseases, each with a fixed
 * amount by hospital level, matched on the principal diagnosis (code
 * prefixes). The fixed amount is the payment standard (see standard.ts).
 */
import { z } from 'zod';
import type { Fen } from '../../money.js';
import { byLevel, codeList, key, yuan } from '../policy/fields.js';
import { checkLevels } from '../policy/check.js';
import { levelNames } from '../policy/common.js';
import { defineMethod } from './method.js';
import { byStandard, payStandardWhenLower } from './standard.js';
import { compileWhen, whenSchema } from './when.js';

const disease = z.strictObject({
  code: z.string().trim().min(1, 'must not be empty'),
  name: z.string().optional(),
  /** Principal diagnosis code prefixes. */
  diagnoses: codeList,
  /** Fixed amount by hospital level. */
  amount: byLevel(yuan),
});

const schema = z.strictObject({
  method: z.literal('single_disease'),
  id: key,
  name: z.string().optional(),
  /** Further conditions (optional): the disease list already selects the bills. */
  when: whenSchema.optional(),
  pay_standard_when_lower: payStandardWhenLower,
  diseases: z.array(disease).min(1, 'must list at least one disease'),
});

export const singleDiseaseMethod = defineMethod({
  method: 'single_disease',
  schema,
  check: (rule, p, path, at) => {
    const levels = levelNames(p);
    const codes = new Set<string>();
    rule.diseases.forEach((d, i) => {
      checkLevels(d.amount, levels, [...path, 'diseases', i, 'amount'], at);
      if (codes.has(d.code)) at.add([...path, 'diseases', i, 'code'], `disease code "${d.code}" appears twice in this rule`, 'policy.duplicate');
      codes.add(d.code);
    });
  },
  compile: (rule, ctx) => {
    const when = compileWhen(rule.when);
    const diseases = rule.diseases.map((d) => ({
      code: d.code,
      name: d.name ?? d.code,
      prefixes: d.diagnoses.map((c) => c.toUpperCase()),
      amount: ctx.levels.map((l) => d.amount[l]!) as readonly Fen[],
    }));
    return {
      method: 'single_disease',
      apply: (inp) => {
        const dx = inp.bill.diagnoses[0]?.toUpperCase();
        if (dx === undefined || !when(inp.bill)) return null;
        const d = diseases.find((x) => x.prefixes.some((p) => dx.startsWith(p)));
        if (d === undefined) return null;
        return byStandard('single_disease', `${rule.id}:${d.code}`, inp.inScope, d.amount[inp.level]!, rule.pay_standard_when_lower, `single disease ${d.code} ${d.name} (rule ${rule.id}), fixed amount at ${ctx.levels[inp.level]}`);
      },
    };
  },
});
