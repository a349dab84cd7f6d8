/**
 * Charlson comorbidity index from the secondary diagnoses: each condition
 * present counts its weight once; a condition that `replaces` others (e.g.
 * diabetes with complications replaces diabetes) stops them counting. Bands
 * of the total make the subtypes.
 */
import type { AuxiliaryConfig } from '../format.js';
import { bandLabel, inBand, prefixTest, type SubtypeKind } from './types.js';

type Config = NonNullable<AuxiliaryConfig['cci']>;

/** The index of a case under a configuration. */
export function charlsonIndex(config: Config, secondary: readonly string[]): number {
  return compileIndex(config)(secondary);
}

function compileIndex(config: Config): (secondary: readonly string[]) => number {
  const conditions = config.conditions.map((c) => ({ name: c.name, weight: c.weight, has: prefixTest(c.codes), replaces: c.replaces ?? [] }));
  return (secondary) => {
    const present = conditions.filter((c) => c.has(secondary) !== undefined);
    const replaced = new Set(present.flatMap((c) => c.replaces));
    let total = 0;
    for (const c of present) if (!replaced.has(c.name)) total += c.weight;
    return total;
  };
}

export const cci: SubtypeKind<Config> = {
  key: 'cci',
  compile: (config) => {
    const index = compileIndex(config);
    return config.bands.map((b) => ({ code: `cci:${b.name}`, label: bandLabel('Charlson index', b.from, b.to, 'points'), test: (c) => inBand(index(c.secondary), b.from, b.to) }));
  },
};
