/**
 * A plain reading of the DIP matching rule (domain.md §5) over the validated
 * directory rows and strings, with none of the compiled structures: no
 * interning, no candidate lists. Tests hold the compiled matcher to it.
 */
import { PROCEDURE_TYPES, type ProcedureType } from './format.js';
import type { DirectoryPackage } from './load.js';

export interface ReferenceResult {
  readonly group: string | null;
  readonly match: string | null;
}

export function referenceMatch(pkg: DirectoryPackage, diagnoses: readonly string[], procedures: readonly string[], cost: number | null): ReferenceResult {
  const principal = diagnoses.map((d) => d.trim()).find((d) => d !== '') ?? '';
  if (!/^[A-Za-z][0-9]{2}/.test(principal)) return { group: null, match: null };
  const category = principal.slice(0, 3).toUpperCase();
  const sub = principal.length >= 5 && principal[3] === '.' ? principal.slice(0, 5).toUpperCase() : null;
  const procs = new Set(procedures.map((p) => p.trim().toUpperCase()).filter((p) => p !== ''));
  const types = new Map(pkg.procedureTypes.map((r) => [r.row.proc_code.toUpperCase(), r.row.type as ProcedureType]));
  const typeOf = (p: string): ProcedureType => types.get(p) ?? pkg.params.procedures.default_type;
  const holds = (term: readonly string[]) => term.some((c) => procs.has(c.toUpperCase()));

  const candidates = pkg.groups
    .map((g) => g.row)
    .filter((g) => g.kind !== 'comprehensive' && g.dx_key === sub && g.main_procedures.length > 0)
    .filter((g) => g.main_procedures.every(holds))
    .map((g) => {
      const related = g.related_procedures.filter(holds).length;
      const level = related === g.related_procedures.length ? 3 : related > 0 ? 2 : 1;
      return { g, level, related };
    });
  // Best level, then most related, then closest mean cost, then directory order (stable sort).
  candidates.sort((a, b) => b.level - a.level || b.related - a.related || (cost === null ? 0 : Math.abs(a.g.mean_cost - cost) - Math.abs(b.g.mean_cost - cost)));
  const best = candidates[0];
  if (best !== undefined) return { group: best.g.group_code, match: best.level === 3 ? 'full' : best.level === 2 ? 'related' : 'main' };

  const hasKey = [...procs].some((p) => pkg.params.procedures.key_types.includes(typeOf(p) as never));
  const conservative = pkg.groups.find((g) => g.row.kind !== 'comprehensive' && g.row.dx_key === sub && g.row.main_procedures.length === 0);
  if (conservative !== undefined && !hasKey) return { group: conservative.row.group_code, match: 'conservative' };

  let rank = 0;
  for (const p of procs) rank = Math.max(rank, PROCEDURE_TYPES.indexOf(typeOf(p)));
  const comprehensive = pkg.groups.find((g) => g.row.kind === 'comprehensive' && g.row.dx_key === category && g.row.procedure_type === PROCEDURE_TYPES[rank]);
  return comprehensive !== undefined ? { group: comprehensive.row.group_code, match: 'comprehensive' } : { group: null, match: null };
}
