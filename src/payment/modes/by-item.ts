/**
 * By item: the case's cost × a factor (e.g. 0.9 for ungroupable cases). Under
 * the point method the amount becomes points at the policy's rate of points
 * per yuan (points per RW / overall mean cost).
 */
import { z } from 'zod';
import { Decimal, formatYuan } from '../../money.js';
import { jsonDecimal } from '../../../weights/cells.js';
import type { PayMode } from '../types.js';

const HUNDRED = new Decimal(100);

export const byItem = {
  mode: 'by_item',
  schema: z.strictObject({ mode: z.literal('by_item'), factor: jsonDecimal }),
  classes: ['normal', 'high', 'low', 'ungroupable', 'long_stay', 'special_review'],
  // cost in fen / 100 × factor × units per yuan
  linear: (_t, { factor }, p) => ({ a: new Decimal(0), m: p.yuanToUnitsParts === null ? factor : factor.times(p.yuanToUnitsParts[0]), d: p.yuanToUnitsParts === null ? HUNDRED : p.yuanToUnitsParts[1].times(100) }),
  approx: (_t, { factor }, p, n) => ({ a: 0, m: (n(factor) * (p.yuanToUnits === null ? 1 : n(p.yuanToUnits))) / 100, scale: 0 }),
  explain: (c, { factor }, p) =>
    p.method === 'rate' ? `pay by_item: cost ${formatYuan(c.cost)} × ${factor}` : `pay by_item: cost ${formatYuan(c.cost)} × ${factor} × ${p.yuanToUnits} points per yuan`,
} satisfies PayMode<{ mode: 'by_item'; factor: Decimal }>;
