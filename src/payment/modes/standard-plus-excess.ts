/**
 * Standard + excess, for high outliers: standard + (cost / reference − k) × base,
 * where k is the multiple of the band that classed the case and base is RW ×
 * rate (or RW × points per RW), without the hospital coefficient.
 */
import { z } from 'zod';
import { formatYuan } from '../../money.js';
import type { PayMode } from '../types.js';

export const standardPlusExcess = {
  mode: 'standard_plus_excess',
  schema: z.strictObject({ mode: z.literal('standard_plus_excess') }),
  classes: ['high'],
  // standard + (cost / ref − k) × base = (standard − k × base) + cost × base / ref
  linear: (t) => ({ a: t!.standard.minus(t!.high!.k.times(t!.base)), m: t!.base, d: t!.ref }),
  approx: (t) => ({ a: t!.standard - t!.highK * t!.base, m: t!.base / t!.ref, scale: Math.abs(t!.standard) + Math.abs(t!.highK * t!.base) }),
  explain: (c) => {
    const t = c.terms!;
    return `pay standard_plus_excess: ${t.standard} + ${t.base} × (${formatYuan(c.cost)} / ${t.ref.dividedBy(100).toFixed(2)} − ${t.high!.k})`;
  },
} satisfies PayMode<{ mode: 'standard_plus_excess' }>;
