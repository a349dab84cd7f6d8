/** Amounts are not negative: total cost, its shares, and itemised costs. */
import { formatYuan, type Fen } from '../../money.js';
import { GIVEN } from '../facts.js';
import type { QcRule, Report } from '../types.js';

const FIELDS = ['total_cost', 'out_of_scope', 'pre_self_pay'] as const;

function negative(report: Report, field: string, fen: Fen | null | undefined): void {
  if (fen !== undefined && fen !== null && fen < 0) report(field, formatYuan(fen), `${field} is ${formatYuan(fen)} yuan: an amount cannot be negative`);
}

export const costNegative: QcRule = {
  id: 'cost.negative',
  severity: 'error',
  fields: [...FIELDS, 'cost_items'],
  needs: { given: GIVEN.total_cost | GIVEN.out_of_scope | GIVEN.pre_self_pay | GIVEN.cost_items },
  description: 'no cost is negative',
  check(v, report) {
    // Three named reads rather than a loop over FIELDS: a keyed read of the input is megamorphic.
    const c = v.input;
    negative(report, 'total_cost', c.total_cost);
    negative(report, 'out_of_scope', c.out_of_scope);
    negative(report, 'pre_self_pay', c.pre_self_pay);
    const items = c.cost_items;
    if (items) for (const [col, fen] of Object.entries(items)) negative(report, col, fen);
  },
};
