/** Normal: no other class holds. */
import { ANY_COST, type ClassRule } from '../types.js';

export const normal: ClassRule = {
  name: 'normal',
  holds: () => true,
  notHolding: () => 'always',
  holdsAtCost: () => ANY_COST,
  explain: () => 'class normal: no outlier rule holds',
};
