/** Death: discharge type 5. */
import type { SubtypeKind } from './types.js';

const DEATH = 5;

export const death: SubtypeKind<boolean> = {
  key: 'death',
  compile: (on) => (on ? [{ code: 'death', label: 'died (discharge 5)', test: (c) => c.discharge === DEATH }] : []),
};
