/** Severity levels: a listed secondary diagnosis (failure, shock, sepsis …) and a stay longer than `los_over` days. */
import type { AuxiliaryConfig } from '../format.js';
import { prefixTest, type SubtypeKind, type SubtypeRule } from './types.js';

type Config = NonNullable<AuxiliaryConfig['severity']>;

export const severity: SubtypeKind<Config> = {
  key: 'severity',
  compile: (levels) =>
    levels.map((l): SubtypeRule => {
      const has = prefixTest(l.diagnoses);
      const over = l.los_over;
      return {
        code: `severity:${l.name}`,
        label: `a secondary diagnosis in ${l.diagnoses.join(', ')}${over !== undefined ? ` and LOS > ${over}` : ''}`,
        test: (c) => (over === undefined || (c.los !== null && c.los > over)) && has(c.secondary) !== undefined,
      };
    }),
};
