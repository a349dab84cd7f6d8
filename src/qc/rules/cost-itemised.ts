/**
 * Itemised costs add up to the total, to the fen, when a case carries them
 * (the `cost_*` columns of a case file: bed, examination, laboratory, drugs …).
 */
import { formatYuan } from '../../money.js';
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';

export const costItemised: QcRule = {
  id: 'cost.itemised',
  severity: 'error',
  fields: ['total_cost', 'cost_items'],
  needs: { given: GIVEN.cost_items },
  description: 'itemised cost columns (cost_*) sum to total_cost',
  check(v, report) {
    const items = v.input.cost_items;
    const total = v.input.total_cost;
    if (!items || total === undefined || total === null) return;
    let sum = 0;
    let n = 0;
    for (const fen of Object.values(items)) {
      if (fen === null) continue;
      sum += fen; // integer fen: exact
      n++;
    }
    if (n > 0 && sum !== total) {
      report('total_cost', formatYuan(total), `the ${n} itemised cost${n === 1 ? '' : 's'} sum to ${formatYuan(sum)} yuan but total_cost is ${formatYuan(total)} (difference ${formatYuan(total - sum)}): correct the items or the total`);
    }
  },
};
