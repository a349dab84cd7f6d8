/** The self-paid shares fit in the total: out_of_scope + pre_self_pay ≤ total_cost. */
import { formatYuan } from '../../money.js';
import { GIVEN } from '../facts.js';
import type { QcRule } from '../types.js';

export const costShares: QcRule = {
  id: 'cost.shares',
  severity: 'error',
  fields: ['total_cost', 'out_of_scope', 'pre_self_pay'],
  needs: { given: GIVEN.total_cost },
  description: 'out_of_scope + pre_self_pay do not exceed total_cost',
  check(v, report) {
    const total = v.input.total_cost;
    if (total === undefined || total === null) return;
    const out = v.input.out_of_scope ?? 0;
    const pre = v.input.pre_self_pay ?? 0;
    if (out < 0 || pre < 0) return; // cost.negative says it
    if (out + pre > total) {
      report('total_cost', formatYuan(total), `out_of_scope ${formatYuan(out)} + pre_self_pay ${formatYuan(pre)} = ${formatYuan(out + pre)} yuan exceeds total_cost ${formatYuan(total)}: the self-paid shares are part of the total`);
    }
  },
};
