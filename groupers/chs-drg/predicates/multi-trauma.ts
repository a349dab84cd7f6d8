import { z } from 'zod';
import type { CaseContext } from '../context.js';
import { BOTH, defineKind, pred } from './types.js';

/**
 * `mdcz_multi_trauma`: the case's diagnoses (all positions) that carry an
 * MDCZ body region cover at least two distinct regions. The argument names
 * where regions come from: `"mdc_dx"` (the current MDC's list, 1.x) or
 * `true` (every region-bearing row of mdc_dx.csv, 2.0).
 */
export const mdczMultiTrauma = defineKind<'mdc_dx' | true>({
  name: 'mdcz_multi_trauma',
  semantics: BOTH,
  doc: 'the diagnoses cover at least two MDCZ body regions',
  arg: z.union([z.literal('mdc_dx'), z.literal(true)], { error: 'expected "mdc_dx" or true' }),
  compile(arg, scope, path) {
    const regions = scope.regions(arg);
    if (regions === undefined) {
      scope.fail(path, `mdcz_multi_trauma: ${scope.owner} has no diagnoses with an mdcz_region`, 'predicate.no-regions');
      return undefined;
    }
    const { mask, names } = regions;
    // Regions are bits; two distinct regions means the OR has more than one bit set.
    const test = (c: CaseContext): boolean => {
      let m = 0;
      const ids = c.dx;
      for (let i = 0, n = c.nDx; i < n; i++) {
        const id = ids[i]!;
        if (id >= 0) m |= mask[id]!;
      }
      return (m & (m - 1)) !== 0;
    };
    return pred(
      test,
      (c) => {
        const found: string[] = [];
        let m = 0;
        for (let i = 0; i < c.nDx; i++) {
          const id = c.dx[i]!;
          if (id >= 0 && mask[id]! !== 0) {
            const regionNames = names.filter((_, b) => (mask[id]! >>> b) & 1).join('/');
            found.push(`${c.dxCode(i)} → ${regionNames}`);
            m |= mask[id]!;
          }
        }
        let count = 0;
        for (let b = m; b !== 0; b &= b - 1) count++;
        const ok = count >= 2;
        return {
          ok,
          says: found.length === 0 ? 'no diagnosis has an MDCZ body region' : `${count} body region${count === 1 ? '' : 's'} (${found.join('; ')})${ok ? '' : ': at least 2 are needed'}`,
        };
      },
    );
  },
});
