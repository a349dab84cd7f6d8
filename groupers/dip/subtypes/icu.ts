/** ICU-day bands (e.g. 2–7, 8–14, 15–30, 31+), from the extra column icu_days. */
import type { AuxiliaryConfig } from '../format.js';
import { bandLabel, inBand, type SubtypeKind, type SubtypeRule } from './types.js';

type Config = NonNullable<AuxiliaryConfig['icu']>;

export const icu: SubtypeKind<Config> = {
  key: 'icu',
  compile: (bands) => bands.map((b): SubtypeRule => ({ code: `icu:${b.name}`, label: bandLabel('ICU', b.from, b.to, 'days'), test: (c) => inBand(c.icuDays, b.from, b.to) })),
};
