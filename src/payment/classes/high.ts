/** High-multiple outlier: cost above k × the reference, k from the band of the group's RW and hospital level. */
import { formatYuan } from '../../money.js';
import { ANY_CASE, type ClassRule } from '../types.js';

export const high: ClassRule = {
  name: 'high',
  holds: (c) => c.terms !== null && c.terms.high !== null && c.cost > c.terms.high.over,
  notHolding: (t) => (t.high === null ? ANY_CASE : { ...ANY_CASE, costMax: t.high.over }),
  // Costs are whole fen: cost > over from over + 1 on.
  holdsAtCost: (t) => (t.high === null ? null : { min: t.high.over + 1, max: Infinity }),
  explain: (c) => {
    const t = c.terms!;
    return `class high: cost ${formatYuan(c.cost)} > ${t.high!.k} × ${t.refLabel} ${t.ref.dividedBy(100).toFixed(2)} = ${t.ref.times(t.high!.k).dividedBy(100).toFixed(2)} (band ${t.high!.band})`;
  },
};
