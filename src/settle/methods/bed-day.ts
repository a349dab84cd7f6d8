/**
 * Per-bed-day payment (按床日): a rate per day by care phase and hospital
 * level. Phases are ranges of the stay's days (e.g. days 1–60 acute, 61 on
 * stable); the stay's days (`los`) are split across them. The sum is the
 * payment standard (see standard.ts).
 */
import { z } from 'zod';
import { formatYuan, type Fen } from '../../money.js';
import { byLevel, key, positiveInt, yuan } from '../policy/fields.js';
import { checkLevels, checkRanges } from '../policy/check.js';
import { levelNames } from '../policy/common.js';
import { defineMethod } from './method.js';
import { byStandard, payStandardWhenLower } from './standard.js';
import { compileWhen, describeWhen, whenSchema } from './when.js';

const phase = z.strictObject({
  name: z.string().trim().min(1, 'must not be empty'),
  /** First day of the stay in this phase (1 for the first phase). */
  from_day: positiveInt,
  /** Last day, or null for the open last phase. */
  to_day: positiveInt.nullable(),
  /** Rate per day by hospital level. */
  rate: byLevel(yuan),
});

const schema = z.strictObject({
  method: z.literal('bed_day'),
  id: key,
  name: z.string().optional(),
  when: whenSchema,
  pay_standard_when_lower: payStandardWhenLower,
  phases: z.array(phase).min(1, 'must list at least one phase'),
});

export const bedDayMethod = defineMethod({
  method: 'bed_day',
  schema,
  check: (rule, p, path, at) => {
    const levels = levelNames(p);
    rule.phases.forEach((ph, i) => checkLevels(ph.rate, levels, [...path, 'phases', i, 'rate'], at));
    // Phases are inclusive day ranges: the next starts the day after the previous ends.
    checkRanges({ items: rule.phases, what: 'phase', fromKey: 'from_day', toKey: 'to_day', start: 1, after: (to) => to + 1, show: (n) => `day ${n}`, path: [...path, 'phases'] }, at);
  },
  compile: (rule, ctx) => {
    const when = compileWhen(rule.when);
    const phases = rule.phases.map((ph) => ({ name: ph.name, from: ph.from_day, to: ph.to_day ?? Infinity, rate: ctx.levels.map((l) => ph.rate[l]!) as readonly Fen[] }));
    return {
      method: 'bed_day',
      apply: (inp) => {
        if (!when(inp.bill)) return null;
        const los = inp.bill.los;
        if (los === null || los < 1) {
          return { code: los === null ? 'los.missing' : 'los.invalid', field: 'los', message: `rule ${rule.id} (bed-day payment, ${describeWhen(rule.when)}) needs the number of bed days in los (at least 1)` };
        }
        let standard = 0;
        const parts: string[] = [];
        for (const ph of phases) {
          const days = Math.min(los, ph.to) - ph.from + 1;
          if (days <= 0) continue;
          const rate = ph.rate[inp.level]!;
          standard += days * rate;
          parts.push(`${ph.name} ${days} × ${formatYuan(rate)}`);
        }
        return byStandard('bed_day', rule.id, inp.inScope, standard as Fen, rule.pay_standard_when_lower, `bed-day (rule ${rule.id}, ${ctx.levels[inp.level]}): ${parts.join(' + ')} = ${formatYuan(standard as Fen)}`);
      },
    };
  },
});
