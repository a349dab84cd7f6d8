/** No trimming: every case is kept. */
import type { TrimMethod } from './types.js';

export const none: TrimMethod<Record<string, never>> = {
  name: 'none',
  create: () => ({
    passes: 0,
    description: 'no trimming',
    visit() {},
    endPass() {},
    keep: () => true,
    bounds: () => null,
  }),
};
