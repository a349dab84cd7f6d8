/** Age bands, in days (newborns, infants) or years. */
import type { AuxiliaryConfig } from '../format.js';
import { bandLabel, inBand, type SubtypeKind, type SubtypeRule } from './types.js';

type Config = NonNullable<AuxiliaryConfig['age']>;

const DAYS_PER_YEAR = 365;

export const age: SubtypeKind<Config> = {
  key: 'age',
  compile: (bands) =>
    bands.map((b): SubtypeRule => ({
      code: `age:${b.name}`,
      label: bandLabel('age', b.from, b.to, b.unit),
      test:
        b.unit === 'days'
          ? (c) => inBand(c.ageDays ?? (c.age !== null ? c.age * DAYS_PER_YEAR : null), b.from, b.to)
          : (c) => inBand(c.age ?? (c.ageDays !== null ? Math.floor(c.ageDays / DAYS_PER_YEAR) : null), b.from, b.to),
    })),
};
