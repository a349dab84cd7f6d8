/**
 * What-if: the group a case would get with each of its diagnoses taken as
 * principal, and with each of its procedures taken as principal. Hospital
 * coders choose the principal diagnosis; this shows the consequence of each
 * choice. The chosen code moves to the front; the others keep their order.
 */
import { groupCase, type GroupInput, type GroupOptions } from './engine.js';
import type { GroupResult } from './result.js';
import type { CompiledScheme } from './scheme.js';

export interface WhatIfAlternative {
  /** 1-based position of the code in the case as given. */
  readonly position: number;
  /** The code as given. */
  readonly code: string;
  /** The grouping with this code as principal. */
  readonly result: GroupResult;
  /** True when the DRG differs from the case as coded. */
  readonly changed: boolean;
}

export interface WhatIf {
  /** The case as coded. */
  readonly base: GroupResult;
  /** One entry per non-empty diagnosis (position 1 is the case as coded). */
  readonly principalDiagnosis: readonly WhatIfAlternative[];
  /** One entry per non-empty procedure (position 1 is the case as coded). */
  readonly principalProcedure: readonly WhatIfAlternative[];
}

/** Move item i of a list to the front, keeping the others in order. */
function promote(list: readonly string[], i: number): string[] {
  return [list[i]!, ...list.slice(0, i), ...list.slice(i + 1)];
}

export function whatIf(s: CompiledScheme, input: GroupInput, options: Pick<GroupOptions, 'translate'> = {}): WhatIf {
  const opts: GroupOptions = { translate: options.translate === true };
  const base = groupCase(s, input, opts);
  const alternatives = (field: 'diagnoses' | 'procedures'): WhatIfAlternative[] => {
    const list = (input[field] ?? []).filter((c) => c.trim() !== '');
    return list.map((code, i) => {
      const result = i === 0 ? base : groupCase(s, { ...input, [field]: promote(list, i) }, opts);
      return { position: i + 1, code: code.trim(), result, changed: result.drg !== base.drg || result.status !== base.status };
    });
  };
  return { base, principalDiagnosis: alternatives('diagnoses'), principalProcedure: alternatives('procedures') };
}
