/**
 * The subtype kinds, in the order their subtypes are numbered. Adding a kind
 * is one module and one line here.
 */
import type { AuxiliaryConfig } from '../format.js';
import { age } from './age.js';
import { cci } from './cci.js';
import { death } from './death.js';
import { icu } from './icu.js';
import { severity } from './severity.js';
import type { SubtypeKind, SubtypeRule } from './types.js';

const KINDS: readonly SubtypeKind<never>[] = [age, death, severity, icu, cci] as SubtypeKind<never>[];

/** Every subtype a configuration defines, numbered in kind order then configuration order. */
export function compileSubtypes(config: AuxiliaryConfig | undefined): SubtypeRule[] {
  if (config === undefined) return [];
  const out: SubtypeRule[] = [];
  for (const kind of KINDS) {
    const part = (config as Record<string, unknown>)[kind.key];
    if (part !== undefined) out.push(...kind.compile(part as never));
  }
  return out;
}

export { charlsonIndex } from './cci.js';
export type { SubtypeInput, SubtypeRule } from './types.js';
