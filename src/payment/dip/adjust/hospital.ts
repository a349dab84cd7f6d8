/**
 * Hospital coefficient by hospital level (dip.json hospital_coefficients).
 * Primary-care groups (基层病种) never get one: the same score at every level.
 * A case without a level, or with a level the table lacks, gets 1 and a
 * warning.
 */
import { Decimal } from '../../../money.js';
import type { Adjustment, AdjustmentKind } from './types.js';

const ONE = new Decimal(1);
const NOT_CONFIGURED: Adjustment = { coefficient: ONE, label: null, slot: 0, text: 'no hospital coefficients configured' };
const PRIMARY_CARE: Adjustment = { coefficient: ONE, label: null, slot: 0, text: 'primary-care group: no hospital coefficient' };
const MISSING: Adjustment = {
  coefficient: ONE,
  label: null,
  slot: 0,
  text: 'hospital level missing: coefficient 1',
  note: { code: 'hospital_level.missing', field: 'hospital_level', message: 'no hospital level: hospital coefficient 1 used' },
};

export const hospitalAdjustment: AdjustmentKind = {
  name: 'hospital',
  compile: (d) => {
    const byLevel = new Map<number, Adjustment>();
    let slot = 1;
    for (const [level, k] of d.hospitalCoefficients) byLevel.set(level, { coefficient: k, label: `level ${level}`, slot: slot++, text: `hospital level ${level}: coefficient ${k.toFixed()}` });
    // Levels are small whole numbers: an array read per case instead of a Map look-up on a double.
    const small: (Adjustment | undefined)[] = Array.from({ length: 16 }, (_, l) => byLevel.get(l));
    return {
      slots: byLevel.size + 1,
      fixed: (g) => (byLevel.size === 0 ? NOT_CONFIGURED : g.kind === 'primary-care' ? PRIMARY_CARE : null),
      apply: (g, c) => {
        if (byLevel.size === 0) return NOT_CONFIGURED;
        if (g.kind === 'primary-care') return PRIMARY_CARE;
        const level = c.hospitalLevel;
        if (level === null) return MISSING;
        return (
          (level >= 0 && level < 16 && level % 1 === 0 ? small[level] : byLevel.get(level)) ?? {
            coefficient: ONE,
            label: null,
            slot: 0,
            text: `no coefficient for hospital level ${level}: coefficient 1`,
            note: { code: 'hospital_level.no_coefficient', field: 'hospital_level', message: `hospital level ${level} has no coefficient in dip.json: coefficient 1 used` },
          }
        );
      },
    };
  },
};
