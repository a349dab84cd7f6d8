/** Low-multiple outlier: cost below k × the reference. */
import { formatYuan } from '../../money.js';
import { ANY_CASE, type ClassRule } from '../types.js';

export const low: ClassRule = {
  name: 'low',
  holds: (c) => c.terms !== null && c.terms.low !== null && c.cost < c.terms.low.under,
  notHolding: (t) => (t.low === null ? ANY_CASE : { ...ANY_CASE, costMin: t.low.under }),
  // Costs are whole fen: cost < under up to under − 1.
  holdsAtCost: (t) => (t.low === null ? null : { min: -Infinity, max: t.low.under - 1 }),
  explain: (c) => {
    const t = c.terms!;
    return `class low: cost ${formatYuan(c.cost)} < ${t.low!.k} × ${t.refLabel} ${t.ref.dividedBy(100).toFixed(2)} = ${t.ref.times(t.low!.k).dividedBy(100).toFixed(2)}`;
  },
};
