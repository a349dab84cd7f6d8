/** Amounts are not negative: total cost, its shares, and itemised costs. */
import { formatYuan, type Fen } from '../../money.js';
import type { QcRule } from '../types.js';

const FIELDS = ['total_cost', 'out_of_scope', 'pre_self_pay'] as const;

export const costNegative: QcRule = {
  id: 'cost.negative',
  severity: 'error',
  fields: [...FIELDS, 'cost_items'],
  description: 'no cost is negative',
  check(v, report) {
    const bad = (field: string, fen: Fen): void => report(field, formatYuan(fen), `${field} is ${formatYuan(fen)} yuan: an amount cannot be negative`);
    for (const f of FIELDS) {
      const fen = v.input[f];
      if (fen !== undefined && fen !== null && fen < 0) bad(f, fen);
    }
    const items = v.input.cost_items;
    if (items) for (const [col, fen] of Object.entries(items)) if (fen !== null && fen < 0) bad(col, fen);
  },
};
