/**
 * Compile a validated DIP directory into look-up structures: interned dx keys
 * and procedure codes, procedure sets as id arrays, candidate lists per
 * subcategory, a comprehensive-group table per category and procedure type,
 * and per-group subtype coefficients. Problems that span rows or files
 * (duplicate group codes, two groups with one definition, a subtype row for
 * an unknown group) are collected with file, line and column and thrown
 * together.
 */
import { IssueList } from '../../src/errors.js';
import { Decimal } from '../../src/money.js';
import type { CompiledDirectory, CompiledGroup } from './directory.js';
import { formatProcedureSet, type ProcedureSet } from './expr.js';
import { DIRECTORY_FILE, PARAMS_FILE, PROCEDURE_TYPES, PROCEDURE_TYPES_FILE, SUBTYPES_FILE, type ProcedureType } from './format.js';
import { KeyIndex } from './keys.js';
import type { DirectoryPackage } from './load.js';
import { compileSubtypes } from './subtypes/index.js';

export const rankOf = (t: ProcedureType): number => PROCEDURE_TYPES.indexOf(t);

/** A procedure set in a canonical spelling (alternatives and terms sorted, upper-case), to compare definitions. */
function canonicalSet(set: ProcedureSet): string {
  return set
    .map((t) => [...new Set(t.map((c) => c.toUpperCase()))].sort().join('/'))
    .sort()
    .join('+');
}

export function compileDirectory(pkg: DirectoryPackage, startedAt: number = performance.now()): CompiledDirectory {
  const { params, label } = pkg;
  const issues = new IssueList();
  const file = (name: string) => `${label}/${name}`;

  // ---- procedure codes and their types --------------------------------------
  const procs = new KeyIndex();
  const typed = new Map<number, { type: ProcedureType; line: number }>();
  for (const { line, row } of pkg.procedureTypes) {
    const id = procs.add(row.proc_code);
    const prev = typed.get(id);
    if (prev !== undefined && prev.type !== row.type) {
      issues.add({ code: 'procedure.type-conflict', file: file(PROCEDURE_TYPES_FILE), line, column: 'type', message: `${row.proc_code} is typed ${prev.type} on line ${prev.line} and ${row.type} here` });
    } else if (prev === undefined) typed.set(id, { type: row.type, line });
  }
  const toIds = (set: ProcedureSet): Int32Array[] => set.map((t) => Int32Array.from(new Set(t.map((c) => procs.add(c)))));

  // ---- groups -----------------------------------------------------------------
  const dxKeys = new KeyIndex();
  const groups: CompiledGroup[] = [];
  const byCode = new Map<string, CompiledGroup>();
  const definitions = new Map<string, CompiledGroup>();
  const subtypeRules = compileSubtypes(params.auxiliary);
  const subtypeIndex = new Map(subtypeRules.map((r, i) => [r.code, i]));
  const coefficients = new Map<string, Map<number, Decimal>>();

  for (const { line, row } of pkg.subtypes) {
    const at = { file: file(SUBTYPES_FILE), line };
    const s = subtypeIndex.get(row.subtype);
    if (s === undefined) {
      issues.add({
        code: 'subtype.unknown',
        ...at,
        column: 'subtype',
        message: `subtype ${row.subtype} is not defined by ${PARAMS_FILE} auxiliary (defined: ${[...subtypeIndex.keys()].join(', ') || 'none'})`,
      });
      continue;
    }
    const m = coefficients.get(row.group_code) ?? new Map<number, Decimal>();
    if (m.has(s)) issues.add({ code: 'subtype.duplicate', ...at, column: 'subtype', message: `group ${row.group_code} lists subtype ${row.subtype} twice` });
    m.set(s, new Decimal(row.coefficient));
    coefficients.set(row.group_code, m);
  }

  for (const { line, row } of pkg.groups) {
    const at = { file: file(DIRECTORY_FILE), line };
    const prev = byCode.get(row.group_code);
    if (prev !== undefined) {
      issues.add({ code: 'group.duplicate', ...at, column: 'group_code', value: row.group_code, message: `group ${row.group_code} is defined twice (first on line ${prev.line})` });
      continue;
    }
    const comprehensive = row.kind === 'comprehensive';
    const definition = comprehensive
      ? `C\u0001${row.dx_key}\u0001${row.procedure_type}`
      : `K\u0001${row.dx_key}\u0001${canonicalSet(row.main_procedures)}\u0001${canonicalSet(row.related_procedures)}`;
    const same = definitions.get(definition);
    if (same !== undefined) {
      issues.add({
        code: 'group.same-definition',
        ...at,
        column: 'dx_key',
        message: `group ${row.group_code} has the same diagnosis key and procedures${comprehensive ? ' type' : ''} as ${same.code} (line ${same.line}): a case could not choose between them`,
      });
      continue;
    }
    const g: CompiledGroup = {
      index: groups.length,
      code: row.group_code,
      name: row.name ?? '',
      kind: row.kind,
      dxKey: row.dx_key,
      main: toIds(row.main_procedures),
      related: toIds(row.related_procedures),
      mainText: formatProcedureSet(row.main_procedures),
      relatedText: formatProcedureSet(row.related_procedures),
      procedureType: row.procedure_type === '' ? null : row.procedure_type,
      score: new Decimal(row.score),
      meanCost: row.mean_cost,
      cases: row.cases,
      line,
      subtypeCoefficients: coefficients.get(row.group_code) ?? new Map(),
    };
    dxKeys.add(g.dxKey);
    groups.push(g);
    byCode.set(g.code, g);
    definitions.set(definition, g);
  }
  for (const { line, row } of pkg.subtypes) {
    if (!byCode.has(row.group_code)) issues.add({ code: 'subtype.group-unknown', file: file(SUBTYPES_FILE), line, column: 'group_code', message: `group ${row.group_code} is not in ${DIRECTORY_FILE}` });
  }
  if (params.hospital_coefficients !== undefined && Object.keys(params.hospital_coefficients).length === 0) {
    issues.add({ code: 'params.invalid', file: file(PARAMS_FILE), path: '$.hospital_coefficients', message: 'give at least one level, or leave hospital_coefficients out' });
  }
  issues.throwIfAny(`cannot load DIP directory ${label}`);

  // ---- look-up tables -----------------------------------------------------------
  dxKeys.seal();
  procs.seal();
  const nKeys = dxKeys.size;
  const lists: number[][] = Array.from({ length: nKeys }, () => []);
  const conservative = new Int32Array(nKeys).fill(-1);
  const comprehensive = new Int32Array(nKeys * PROCEDURE_TYPES.length).fill(-1);
  for (const g of groups) {
    const k = dxKeys.get(g.dxKey);
    if (g.kind === 'comprehensive') comprehensive[k * PROCEDURE_TYPES.length + rankOf(g.procedureType!)] = g.index;
    else if (g.main.length === 0) conservative[k] = g.index;
    else lists[k]!.push(g.index);
  }
  const procRank = new Uint8Array(procs.size).fill(rankOf(params.procedures.default_type));
  for (const [id, t] of typed) procRank[id] = rankOf(t.type);
  let keyRanks = 0;
  for (const t of params.procedures.key_types) keyRanks |= 1 << rankOf(t);

  const packed: number[] = [];
  const mainAt = new Int32Array(nKeys + 1);
  lists.forEach((l, k) => {
    mainAt[k] = packed.length;
    for (const gi of l) {
      const main = groups[gi]!.main;
      packed.push(gi, main.length);
      for (const term of main) packed.push(term.length, ...term);
    }
  });
  mainAt[nKeys] = packed.length;

  const d = params.deviation;
  return {
    id: label,
    dir: pkg.dir,
    params,
    groups,
    byCode,
    dxKeys,
    withProcedures: lists.map((l) => Int32Array.from(l)),
    mainSets: Int32Array.from(packed),
    mainAt,
    conservative,
    comprehensive,
    procs,
    procRank,
    defaultRank: rankOf(params.procedures.default_type),
    keyRanks,
    subtypes: subtypeRules,
    pointValue: new Decimal(params.point_value),
    deviation: { low: new Decimal(d.low), high: new Decimal(d.high), extreme: new Decimal(d.extreme) },
    hospitalCoefficients: new Map(Object.entries(params.hospital_coefficients ?? {}).map(([k, v]) => [Number(k), new Decimal(v)])),
    loadMs: performance.now() - startedAt,
  };
}

