/**
 * What-if for DIP: every group a case could reach. For each of its
 * diagnoses taken as principal (the coded principal first), the groups the
 * case qualifies for — the core groups whose main procedures it has (with
 * how many related procedures matched), the conservative group when it has
 * no key procedure, the comprehensive group of its category and procedure
 * type — and which one the matcher chooses.
 */
import type { CompiledDirectory, CompiledGroup } from './directory.js';
import { PROCEDURE_TYPES } from './format.js';
import { NO_KEY } from './keys.js';
import { matchPrepared, type MatchKind, procedureLevel } from './match.js';
import { prepareArrays, PreparedCodes } from './prepare.js';

export interface DipReach {
  /** 1-based position of the diagnosis taken as principal. */
  readonly position: number;
  readonly principal: string;
  readonly group: CompiledGroup;
  readonly match: MatchKind;
  readonly relatedMatched: number;
  readonly relatedTotal: number;
  /** The group the matcher chooses for this principal. */
  readonly chosen: boolean;
}

export interface DipReachInput {
  readonly diagnoses: readonly string[];
  readonly procedures?: readonly string[] | null;
  readonly total_cost?: number | null;
}

const LEVEL: readonly MatchKind[] = ['main', 'main', 'related', 'full'];

/** The groups a case can reach, per principal diagnosis, in a stable order (chosen first, then directory order). */
export function reachableGroups(d: CompiledDirectory, c: DipReachInput): DipReach[] {
  const out: DipReach[] = [];
  const p = new PreparedCodes();
  const seen = new Set<string>();
  c.diagnoses.forEach((principal, i) => {
    const key = principal.trim().toUpperCase();
    if (key === '' || seen.has(key)) return;
    seen.add(key);
    const order = [principal, ...c.diagnoses.filter((_, j) => j !== i)];
    prepareArrays(d, order, c.procedures ?? [], p);
    if (p.principalState !== 'ok') return;
    const chosen = matchPrepared(d, p, c.total_cost ?? null, null).group;
    const here: DipReach[] = [];
    const add = (g: CompiledGroup, match: MatchKind, related = 0) => here.push({ position: i + 1, principal, group: g, match, relatedMatched: related, relatedTotal: g.related.length, chosen: g.index === chosen });
    if (p.subId !== NO_KEY) {
      for (const gi of d.withProcedures[p.subId]!) {
        const g = d.groups[gi]!;
        const { level, related } = procedureLevel(g, p);
        if (level > 0) add(g, LEVEL[level]!, related);
      }
      const cons = d.conservative[p.subId]!;
      if (cons >= 0 && !p.hasKey) add(d.groups[cons]!, 'conservative');
    }
    if (p.catId !== NO_KEY) {
      const comp = d.comprehensive[p.catId * PROCEDURE_TYPES.length + p.typeRank]!;
      if (comp >= 0) add(d.groups[comp]!, 'comprehensive');
    }
    here.sort((a, b) => Number(b.chosen) - Number(a.chosen) || a.group.index - b.group.index);
    out.push(...here);
  });
  return out;
}
