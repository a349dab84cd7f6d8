/** Standard: the group's payment standard (RW × rate or points per RW × coefficient). */
import { z } from 'zod';
import { Decimal } from '../../money.js';
import type { PayMode } from '../types.js';

export const standard = {
  mode: 'standard',
  schema: z.strictObject({ mode: z.literal('standard') }),
  classes: ['normal', 'high', 'low', 'long_stay', 'special_review'],
  linear: (t) => ({ a: t!.standard, m: new Decimal(0) }),
  approx: (t) => ({ a: t!.standard, m: 0, scale: Math.abs(t!.standard) }),
  explain: () => 'pay standard: the group\'s standard',
} satisfies PayMode<{ mode: 'standard' }>;
