/**
 * CC / MCC of a case (scheme README rule 4): a secondary diagnosis (position
 * 2 onward, never the principal) that is in mcc.csv / cc.csv counts unless
 * its exclusion table equals the principal diagnosis's table in
 * cc_exclusion_principal.csv. A principal with no row there excludes nothing;
 * table 999 is an ordinary value.
 */
import type { CaseContext } from './context.js';
import { type ComplicationTables, DX_CC, DX_MCC, DX_PRINCIPAL } from './predicates/types.js';

/** Fill `mccPos` / `ccPos` of the context once per case. */
export function computeComplications(c: CaseContext, t: ComplicationTables): void {
  c.ccDone = true;
  const ids = c.dx;
  const n = c.nDx;
  if (n < 2) return;
  const rows = t.rows;
  const stride = t.stride;
  const p0 = ids[0]!;
  const principalTable = p0 >= 0 ? rows[p0 * stride + DX_PRINCIPAL]! : -1;
  let mcc = -1;
  let cc = -1;
  for (let i = 1; i < n; i++) {
    const id = ids[i]!;
    if (id < 0) continue;
    const row = id * stride;
    if (mcc < 0) {
      const m = rows[row + DX_MCC]!;
      if (m >= 0 && m !== principalTable) mcc = i;
    }
    if (cc < 0) {
      const k = rows[row + DX_CC]!;
      if (k >= 0 && k !== principalTable) cc = i;
    }
    if (mcc >= 0 && cc >= 0) break;
  }
  c.mccPos = mcc;
  c.ccPos = cc;
}

export interface ComplicationVerdict {
  /** 1-based position in the diagnoses. */
  readonly position: number;
  readonly code: string;
  readonly level: 'MCC' | 'CC' | 'none';
  /** Exclusion table of the secondary diagnosis (when it is a CC/MCC). */
  readonly table?: string;
  /** True when the principal diagnosis's table excludes it. */
  readonly excluded: boolean;
}

/** Every secondary diagnosis with its CC/MCC status, for traces. */
export function complicationVerdicts(c: CaseContext, t: ComplicationTables): { principalTable: string | undefined; verdicts: ComplicationVerdict[] } {
  const p0 = c.nDx > 0 ? c.dx[0]! : -1;
  const pt = p0 >= 0 ? t.rows[p0 * t.stride + DX_PRINCIPAL]! : -1;
  const verdicts: ComplicationVerdict[] = [];
  for (let i = 1; i < c.nDx; i++) {
    const id = c.dx[i]!;
    const code = id >= 0 ? t.dx.label(id) : `${c.dxCode(i)} (not in the scheme)`;
    const m = id >= 0 ? t.rows[id * t.stride + DX_MCC]! : -1;
    const k = id >= 0 ? t.rows[id * t.stride + DX_CC]! : -1;
    const tab = m >= 0 ? m : k;
    if (tab < 0) {
      verdicts.push({ position: i + 1, code, level: 'none', excluded: false });
    } else {
      verdicts.push({ position: i + 1, code, level: m >= 0 ? 'MCC' : 'CC', table: t.tableLabels[tab]!, excluded: tab === pt });
    }
  }
  return { principalTable: pt >= 0 ? t.tableLabels[pt] : undefined, verdicts };
}
