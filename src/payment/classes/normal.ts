/** Normal: no other class holds. */
import type { ClassRule } from '../types.js';

export const normal: ClassRule = {
  name: 'normal',
  holds: () => true,
  notHolding: () => 'always',
  explain: () => 'class normal: no outlier rule holds',
};
