/**
 * Per-bed-day payment (按床日): a rate per day by care phase and hospital
 * level. Phases are ranges of the stay's days (e.g. days 1–60 acute, 61 on
 * stable); the stay's days (`los`) are split across them. The sum is the
 * payment standard (see standard.ts).
 */
import { z } from 'zod';
import { formatYuan, type Fen } from '../../money.js';
import { byLevel, key, positiveInt, yuan } from '../policy/fields.js';
import { checkLevels } from '../policy/check.js';
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
    rule.phases.forEach((ph, i) => {
      const at_ = [...path, 'phases', i];
      checkLevels(ph.rate, levels, [...at_, 'rate'], at);
      if (i === 0 && ph.from_day !== 1) at.add([...at_, 'from_day'], `the first phase must start on day 1 (found ${ph.from_day})`, 'policy.band_start');
      if (ph.to_day !== null && ph.to_day < ph.from_day) at.add([...at_, 'to_day'], `phase ${i} ends (day ${ph.to_day}) before it starts (day ${ph.from_day})`, 'policy.band_empty');
      if (i > 0) {
        const prev = rule.phases[i - 1]!;
        if (prev.to_day === null) at.add([...path, 'phases', i - 1, 'to_day'], `phase ${i - 1} is open (to_day: null) but phase ${i} follows it`, 'policy.band_open');
        else if (ph.from_day <= prev.to_day) at.add([...at_, 'from_day'], `phase ${i} (from day ${ph.from_day}) overlaps phase ${i - 1} (to day ${prev.to_day})`, 'policy.band_overlap');
        else if (ph.from_day > prev.to_day + 1) at.add([...at_, 'from_day'], `days ${prev.to_day + 1}–${ph.from_day - 1} fall in no phase`, 'policy.band_gap');
      }
    });
    const last = rule.phases[rule.phases.length - 1]!;
    if (last.to_day !== null) at.add([...path, 'phases', rule.phases.length - 1, 'to_day'], 'the last phase must be open (to_day: null)', 'policy.band_open');
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
