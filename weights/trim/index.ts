/** Trimming methods, by name. Adding one is a module and one line here. */
import { logsd, type LogSdParams } from './logsd.js';
import { none } from './none.js';
import { percentile, type PercentileParams } from './percentile.js';
import type { Trimmer } from './types.js';

/** How to trim: a method and its parameters. */
export type TrimSpec = { readonly method: 'none' } | ({ readonly method: 'logsd' } & LogSdParams) | ({ readonly method: 'percentile' } & PercentileParams);

export const TRIM_METHODS = { none, logsd, percentile } as const;

export function createTrimmer(spec: TrimSpec, groups: number): Trimmer {
  switch (spec.method) {
    case 'none':
      return TRIM_METHODS.none.create({}, groups);
    case 'logsd':
      return TRIM_METHODS.logsd.create(spec, groups);
    case 'percentile':
      return TRIM_METHODS.percentile.create(spec, groups);
  }
}

export type { Trimmer } from './types.js';
