/** Sex is 1 (male) or 2 (female); 9 (unknown) cannot be grouped. */
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';
import { given, show } from './util.js';

export const rangeSex: QcRule = {
  id: 'range.sex',
  severity: 'error',
  fields: ['sex'],
  needs: { given: GIVEN.sex },
  description: 'sex is 1 (male) or 2 (female)',
  check(v, report) {
    if (given(v.sex) && v.sex !== 1 && v.sex !== 2) {
      report('sex', show(v.sex), `sex is ${show(v.sex)}: it must be 1 (male) or 2 (female)${v.sex === 9 ? '; 9 (unknown) cannot be grouped' : ''}`);
    }
  },
};
