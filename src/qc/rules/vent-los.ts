/**
 * Ventilation hours fit in the stay: at most (los + 1) × 24 hours (a stay of
 * los nights touches los + 1 calendar days; 24 is config
 * `params.vent_hours_per_day`). Implausible hours can move a case into MDCA.
 */
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';
import { given, show } from './util.js';

export const ventLos: QcRule = {
  id: 'vent.los',
  severity: 'error',
  fields: ['vent_hours', 'los'],
  needs: { given: GIVEN.vent_hours },
  description: 'vent_hours is at most (los + 1) × 24',
  check(v, report) {
    if (!given(v.vent_hours) || !given(v.los) || v.los < 0) return;
    const max = (v.los + 1) * v.params.vent_hours_per_day;
    if (v.vent_hours > max) {
      report('vent_hours', show(v.vent_hours), `vent_hours is ${show(v.vent_hours)} but a stay of ${show(v.los)} day${v.los === 1 ? '' : 's'} allows at most ${show(max)} hours: correct the ventilation hours or los`);
    }
  },
};
