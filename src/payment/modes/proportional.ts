/**
 * Proportional, usually for low outliers: base × cost / reference (base = RW ×
 * rate or RW × points per RW), times the hospital coefficient only when
 * `apply_coefficient` is true.
 */
import { z } from 'zod';
import { Decimal, formatYuan } from '../../money.js';
import type { PayMode } from '../types.js';

export const proportional = {
  mode: 'proportional',
  schema: z.strictObject({ mode: z.literal('proportional'), apply_coefficient: z.boolean().optional() }),
  classes: ['normal', 'high', 'low', 'long_stay', 'special_review'],
  linear: (t, params) => ({ a: new Decimal(0), m: params.apply_coefficient === true ? t!.base.times(t!.coefficient) : t!.base, d: t!.ref }),
  approx: (t, params) => ({ a: 0, m: (params.apply_coefficient === true ? t!.base * t!.coefficient : t!.base) / t!.ref, scale: 0 }),
  explain: (c, params) => {
    const t = c.terms!;
    return `pay proportional: ${t.base} × ${formatYuan(c.cost)} / ${t.ref.dividedBy(100).toFixed(2)}${params.apply_coefficient === true ? ` × coefficient ${t.coefficient}` : ''}`;
  },
} satisfies PayMode<{ mode: 'proportional'; apply_coefficient?: boolean | undefined }>;
