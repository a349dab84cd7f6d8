/**
 * Auxiliary subtype: among the subtypes the group has a coefficient for and
 * the case falls in, the highest coefficient wins (the first defined on a
 * tie); none → 1.
 */
import { Decimal } from '../../../money.js';
import type { Adjustment, AdjustmentKind } from './types.js';

const ONE = new Decimal(1);
const NONE: Adjustment = { coefficient: ONE, label: null, slot: 0, text: 'group has no auxiliary subtypes' };
const NONE_HELD: Adjustment = { coefficient: ONE, label: null, slot: 0, text: 'no auxiliary subtype of the group applies' };

export const subtypeAdjustment: AdjustmentKind = {
  name: 'subtype',
  compile: (d) => ({
    slots: d.subtypes.length + 1,
    fixed: (g) => (g.subtypeCoefficients.size === 0 ? NONE : null),
    apply: (g, c) => {
      if (g.subtypeCoefficients.size === 0) return NONE;
      let best = -1;
      let coef = ONE;
      const held: string[] = [];
      for (const [s, k] of g.subtypeCoefficients) {
        if (!d.subtypes[s]!.test(c)) continue;
        held.push(`${d.subtypes[s]!.code} ${k.toFixed()}`);
        if (best < 0 || k.greaterThan(coef) || (k.equals(coef) && s < best)) {
          best = s;
          coef = k;
        }
      }
      if (best < 0) return NONE_HELD;
      const rule = d.subtypes[best]!;
      return { coefficient: coef, label: rule.code, slot: best + 1, text: `auxiliary subtype ${rule.code} (${rule.label}): coefficient ${coef.toFixed()}${held.length > 1 ? ` (highest of ${held.join(', ')})` : ''}` };
    },
  }),
};
