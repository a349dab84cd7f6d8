/**
 * Standard + excess, for high outliers: standard + (cost / reference − k) × base,
 * where k is the multiple of the band that classed the case and base is RW ×
 * rate (or RW × points per RW), without the hospital coefficient.
 */
import { z } from 'zod';
import { Decimal, formatYuan } from '../../money.js';
import type { PayMode } from '../types.js';

export const standardPlusExcess = {
  mode: 'standard_plus_excess',
  schema: z.strictObject({ mode: z.literal('standard_plus_excess') }),
  classes: ['high'],
  amount: (c) => {
    const t = c.terms!;
    return t.standard.plus(new Decimal(c.cost).dividedBy(t.ref).minus(t.high!.k).times(t.base));
  },
  explain: (c) => {
    const t = c.terms!;
    return `pay standard_plus_excess: ${t.standard} + ${t.base} × (${formatYuan(c.cost)} / ${t.ref.dividedBy(100).toFixed(2)} − ${t.high!.k})`;
  },
} satisfies PayMode<{ mode: 'standard_plus_excess' }>;
