/** Pay modes by name. Adding one is a module and one line in each list below. */
import { z } from 'zod';
import type { PayMode } from '../types.js';
import { byItem } from './by-item.js';
import { proportional } from './proportional.js';
import { standard } from './standard.js';
import { standardPlusExcess } from './standard-plus-excess.js';

/** A class's entry in the policy's `pay` section: one of the modes, with its parameters. */
export const payEntrySchema = z.discriminatedUnion('mode', [standard.schema, byItem.schema, standardPlusExcess.schema, proportional.schema]);
export type PayEntry = z.output<typeof payEntrySchema>;

const MODES: Record<PayEntry['mode'], PayMode<PayEntry>> = {
  standard,
  by_item: byItem,
  standard_plus_excess: standardPlusExcess,
  proportional,
} as unknown as Record<PayEntry['mode'], PayMode<PayEntry>>;

export function payMode(mode: PayEntry['mode']): PayMode<PayEntry> {
  return MODES[mode];
}
