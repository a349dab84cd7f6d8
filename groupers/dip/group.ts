/**
 * Group one case under a DIP directory: the result shape, and the entry
 * points for case objects (library) and prepared codes (bulk job).
 */
import type { CompiledDirectory, CompiledGroup } from './directory.js';
import { type DipKind, PROCEDURE_TYPES, type ProcedureType } from './format.js';
import { matchPrepared, type MatchKind } from './match.js';
import { prepareArrays, PreparedCodes } from './prepare.js';

export type DipStatus = 'grouped' | 'ungrouped' | 'invalid';

/** A machine-readable reason or warning with a readable message. */
export interface DipNote {
  /** Stable code, e.g. `diagnoses.empty`, `dip.no_group`. */
  readonly code: string;
  readonly field?: string;
  readonly message: string;
}

export interface DipGroupResult {
  readonly id: string;
  readonly status: DipStatus;
  /** The group (null unless grouped). */
  readonly group: CompiledGroup | null;
  readonly groupCode: string;
  readonly kind: DipKind | null;
  readonly match: MatchKind | null;
  readonly relatedMatched: number;
  readonly relatedTotal: number;
  /** Principal diagnosis subcategory and category ('' when it has none). */
  readonly subcategory: string;
  readonly category: string;
  /** The case's procedure type (highest type among its procedures; medical without any). */
  readonly procedureType: ProcedureType;
  readonly reasons: readonly DipNote[];
  readonly trace: readonly string[] | undefined;
}

/** What grouping reads of a case. */
export interface DipGroupInput {
  readonly id?: string | null;
  readonly diagnoses: readonly string[];
  readonly procedures?: readonly string[] | null;
  /** Total cost in fen: breaks ties between groups by the closest mean cost. */
  readonly total_cost?: number | null;
}

export interface DipGroupOptions {
  readonly trace?: boolean;
}

/** Group a case object. Never throws for bad case data: it becomes `invalid` with reasons. */
export function groupDipCase(d: CompiledDirectory, c: DipGroupInput, options: DipGroupOptions = {}): DipGroupResult {
  const p = new PreparedCodes();
  prepareArrays(d, c.diagnoses, c.procedures ?? [], p, options.trace === true);
  return groupPreparedDip(d, p, c.id ?? '', c.total_cost ?? null, options.trace === true);
}

/** Group prepared codes (the bulk path). */
export function groupPreparedDip(d: CompiledDirectory, p: PreparedCodes, id: string, cost: number | null, withTrace: boolean): DipGroupResult {
  const trace: string[] | null = withTrace ? [] : null;
  const procedureType = PROCEDURE_TYPES[p.typeRank]!;
  const base = { id, subcategory: p.subcategory, category: p.category, procedureType };
  if (p.principalState !== 'ok') {
    const reason: DipNote =
      p.principalState === 'missing'
        ? { code: 'diagnoses.empty', field: 'diagnoses', message: 'no principal diagnosis' }
        : { code: 'diagnoses.principal_not_icd10', field: 'diagnoses', message: `principal diagnosis "${p.principal}" does not start with an ICD-10 category (a letter and two digits)` };
    if (trace !== null) trace.push(`invalid: ${reason.message}`);
    return { ...base, status: 'invalid', group: null, groupCode: '', kind: null, match: null, relatedMatched: 0, relatedTotal: 0, reasons: [reason], trace: trace ?? undefined };
  }
  if (trace !== null) {
    trace.push(`principal diagnosis ${p.principal} → ${p.subcategory !== '' ? `subcategory ${p.subcategory}, ` : ''}category ${p.category}`);
    trace.push(`procedures: ${describeProcedures(d, p)} → case type ${procedureType}`);
  }
  const m = matchPrepared(d, p, cost, trace);
  if (m.group < 0) {
    const reason: DipNote = { code: 'dip.no_group', message: `no core group matches and there is no comprehensive group for ${p.category} + ${procedureType}` };
    return { ...base, status: 'ungrouped', group: null, groupCode: '', kind: null, match: null, relatedMatched: 0, relatedTotal: 0, reasons: [reason], trace: trace ?? undefined };
  }
  const g = d.groups[m.group]!;
  return { ...base, status: 'grouped', group: g, groupCode: g.code, kind: g.kind, match: m.match, relatedMatched: m.relatedMatched, relatedTotal: m.relatedTotal, reasons: [], trace: trace ?? undefined };
}

function describeProcedures(d: CompiledDirectory, p: PreparedCodes): string {
  if (p.nProcs === 0) return 'none';
  const parts: string[] = [];
  for (let i = 0; i < p.nProcs; i++) {
    const id = p.procIds[i]!;
    const code = p.procCodes[i] ?? '?';
    parts.push(id < 0 ? `${code} (${PROCEDURE_TYPES[d.defaultRank]}, not in the directory)` : `${code} (${PROCEDURE_TYPES[d.procRank[id]!]})`);
  }
  return parts.join(', ');
}
