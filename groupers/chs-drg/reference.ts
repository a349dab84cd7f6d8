/**
 * A plain reference grouper: it interprets the JSON predicates of a package
 * directly over sets of code strings, with none of the compiled engine's
 * machinery (no interning, no code rows, no prefilters, no closures). It is
 * slow and obvious on purpose; tests hold the compiled engine to it.
 *
 * Codes are compared upper-cased and trimmed; empty items are dropped.
 */
import type { GroupInput } from './engine.js';
import type { SchemePackage } from './load.js';

/** The reference reads the same case fields as the engine (only the type is shared, no logic). */
export type ReferenceCase = GroupInput;

export interface ReferenceResult {
  readonly status: 'grouped' | 'ungroupable' | 'invalid' | 'ambiguous';
  readonly mdc: string | null;
  readonly adrg: string | null;
  readonly drg: string;
}

type Json = Record<string, unknown>;

interface Rule {
  readonly id: string;
  readonly adrg: string;
  readonly section: string;
  readonly cond: Json;
  readonly fallback: string;
  readonly lists: Map<string, Set<string>>;
  /** code → first tag */
  readonly tags: Map<string, string>;
  readonly splits: { drg: string; cond: Json }[];
}

export function referenceGrouper(pkg: SchemePackage): (c: ReferenceCase) => ReferenceResult {
  const up = (s: string) => s.trim().toUpperCase();
  const v2 = pkg.manifest.semantics === 'chs-drg-2.0';
  const rows = pkg.rows;

  const mdcList = new Map<string, Set<string>>();
  const regions = new Map<string, Map<string, Set<string>>>(); // mdc → code → regions
  for (const { row } of rows['mdc_dx.csv']) {
    if (!mdcList.has(row.mdc)) mdcList.set(row.mdc, new Set());
    mdcList.get(row.mdc)!.add(up(row.dx_code));
    if (row.mdcz_region !== '') {
      if (!regions.has(row.mdc)) regions.set(row.mdc, new Map());
      const m = regions.get(row.mdc)!;
      if (!m.has(up(row.dx_code))) m.set(up(row.dx_code), new Set());
      m.get(up(row.dx_code))!.add(row.mdcz_region);
    }
  }
  const allRegions = new Map<string, Set<string>>();
  for (const m of regions.values()) for (const [code, rs] of m) for (const r of rs) (allRegions.get(code) ?? allRegions.set(code, new Set()).get(code)!).add(r);
  const orValid = new Set(rows['or_valid_procedures.csv'].map((r) => up(r.row.proc_code)));
  const mcc = new Map(rows['mcc.csv'].map((r) => [up(r.row.dx_code), r.row.exclusion_table]));
  const cc = new Map(rows['cc.csv'].map((r) => [up(r.row.dx_code), r.row.exclusion_table]));
  const principalTable = new Map(rows['cc_exclusion_principal.csv'].map((r) => [up(r.row.principal_dx_code), r.row.exclusion_table]));
  const grayDx = new Set(rows['gray_dx.csv'].map((r) => up(r.row.dx_code)));
  const grayPx = new Set(rows['gray_px.csv'].map((r) => up(r.row.proc_code)));
  const invDx = new Set(rows['invalid_principal_dx.csv'].map((r) => up(r.row.dx_code)));
  const invPx = new Set(rows['invalid_principal_px.csv'].map((r) => up(r.row.proc_code)));
  const qy = new Map(rows['qy_codes.csv'].map((r) => [r.row.mdc, r.row.qy_code]));

  const rules = new Map<string, Rule>();
  for (const { row } of rows['adrg.csv']) {
    rules.set(row.rule_id, { id: row.rule_id, adrg: row.adrg, section: row.section, cond: row.condition_json as Json, fallback: row.fallback_code, lists: new Map(), tags: new Map(), splits: [] });
  }
  for (const { row } of rows['adrg_dx.csv']) {
    const r = rules.get(row.rule_id)!;
    if (!r.lists.has(row.list)) r.lists.set(row.list, new Set());
    r.lists.get(row.list)!.add(up(row.dx_code));
  }
  for (const { row } of rows['adrg_px.csv']) {
    const r = rules.get(row.rule_id)!;
    if (!r.lists.has(row.list)) r.lists.set(row.list, new Set());
    r.lists.get(row.list)!.add(up(row.proc_code));
    if (row.proc_group !== null && !r.tags.has(up(row.proc_code))) r.tags.set(up(row.proc_code), row.proc_group);
  }
  const drgRows = [...rows['drg.csv']].sort((a, b) => a.row.order_in_adrg - b.row.order_in_adrg);
  for (const { row } of drgRows) rules.get(row.rule_id)!.splits.push({ drg: row.drg, cond: row.condition_json as Json });
  const mdcs = [...rows['mdc.csv']]
    .sort((a, b) => a.row.eval_order - b.row.eval_order)
    .map(({ row }) => ({
      mdc: row.mdc,
      entry: row.entry_condition_json as Json,
      stop: row.on_no_adrg === 'stop',
      rules: [...rules.values()].filter((r) => rows['adrg.csv'].find((a) => a.row.rule_id === r.id)!.row.mdc === row.mdc).sort((a, b) => order(a.id) - order(b.id)),
    }));
  function order(ruleId: string): number {
    return rows['adrg.csv'].find((a) => a.row.rule_id === ruleId)!.row.order_in_mdc;
  }

  return (input) => {
    const dx = input.diagnoses.map(up).filter((s) => s !== '');
    const px: (string | null)[] = (input.procedures ?? []).map(up).filter((s) => s !== '');
    const val = (v: number | null | undefined): number | null => (typeof v === 'number' && !Number.isNaN(v) ? v : null);
    const f: Record<string, number | null> = {
      sex: val(input.sex),
      age: val(input.age),
      age_days: val(input.age_days),
      birth_weight: val(input.birth_weight),
      los: val(input.los),
      discharge: val(input.discharge),
      vent_hours: val(input.vent_hours),
    };
    const none = (status: ReferenceResult['status'], mdc: string | null = null): ReferenceResult => ({ status, mdc, adrg: null, drg: '0000' });

    // Patient check.
    if (!v2) {
      if (!(f['sex'] === 1 || f['sex'] === 2) || f['age'] === null || dx.length === 0) return none('invalid');
      if (f['age'] === 0 && f['age_days'] === null) return none('invalid');
      if (f['age'] === 0 && f['age_days']! <= 28 && f['birth_weight'] === null) return none('invalid');
    } else {
      const neg = (k: string) => f[k] !== null && f[k]! < 0;
      if (f['sex'] !== null && f['sex'] !== 1 && f['sex'] !== 2) return none('invalid');
      if (neg('age') || neg('age_days') || neg('los')) return none('invalid');
      if (f['birth_weight'] !== null && f['birth_weight']! < 1) return none('invalid');
      if (f['age_days'] !== null && f['age'] !== null && f['age'] !== 0) return none('invalid');
      if (dx.length === 0) return none('ungroupable');
      if (grayDx.has(dx[0]!) || invDx.has(dx[0]!)) return none('ungroupable');
      if (px.length > 0 && grayPx.has(px[0]!) && px[0] !== '99.1000') return none('ungroupable');
      if (px.length > 0 && invPx.has(px[0]!)) px[0] = null;
    }

    const presentPx = px.filter((p): p is string => p !== null);
    const secondary = (table: Map<string, string>) => {
      const p = principalTable.get(dx[0]!);
      return dx.slice(1).some((d) => table.has(d) && table.get(d) !== p);
    };
    const get = (field: string): number | null => {
      if (field === 'diagnoses' || field === 'count(diagnoses)') return dx.length;
      if (field === 'procedures' || field === 'count(procedures)') return presentPx.length;
      return f[field] ?? null;
    };
    const evalP = (p: Json, mdc: string, rule: Rule | null): boolean => {
      const [k, a] = Object.entries(p)[0]!;
      const list = (name: string): Set<string> => {
        if (name === 'mdc_dx') return mdcList.get(mdc) ?? new Set();
        if (name === 'OR_VALID') return orValid;
        return rule?.lists.get(name) ?? new Set();
      };
      switch (k) {
        case 'and': return (a as Json[]).every((q) => evalP(q, mdc, rule));
        case 'or': return (a as Json[]).some((q) => evalP(q, mdc, rule));
        case 'not': return !evalP(a as Json, mdc, rule);
        case 'true': return true;
        case 'main_dx_in': return dx.length > 0 && list(a as string).has(dx[0]!);
        case 'any_dx_in': return dx.some((d) => list(a as string).has(d));
        case 'other_dx_in': return dx.slice(1).some((d) => list(a as string).has(d));
        case 'main_px_in': return px.length > 0 && px[0] !== null && list(a as string).has(px[0]!);
        case 'any_px_in': return presentPx.some((d) => list(a as string).has(d));
        case 'other_px_in': return px.slice(1).some((d) => d !== null && list(a as string).has(d));
        case 'nonempty': { const v = get(a as string); return v !== null && v !== 0; }
        case 'not_null': { const v = get(a as string); return a === 'diagnoses' || a === 'procedures' ? v! > 0 : v !== null; }
        case 'cmp': {
          const [field, op, k2] = a as [string, string, number];
          const v = get(field);
          if (v === null) return false;
          return op === '<' ? v < k2 : op === '<=' ? v <= k2 : op === '>' ? v > k2 : op === '>=' ? v >= k2 : op === '==' ? v === k2 : v !== k2;
        }
        case 'has_mcc': return secondary(mcc);
        case 'has_cc': return secondary(cc);
        case 'px_group_present': return presentPx.some((p) => rule!.tags.get(p) === String(a));
        case 'mdcz_multi_trauma': {
          const src = a === true ? allRegions : (regions.get(mdc) ?? new Map<string, Set<string>>());
          const seen = new Set<string>();
          for (const d of dx) for (const r of src.get(d) ?? []) seen.add(r);
          return seen.size >= 2;
        }
        case 'has_px': return presentPx.length > 0;
        case 'has_main_px': return px.length > 0 && px[0] !== null;
        default: throw new Error(`reference: unknown predicate ${k}`);
      }
    };

    for (const m of mdcs) {
      if (!evalP(m.entry, m.mdc, null)) continue;
      for (const r of m.rules) {
        if (!evalP(r.cond, m.mdc, r)) continue;
        if (v2 && r.section === 'medical' && px.length > 0 && px[0] !== null && qy.has(m.mdc)) {
          return { status: 'ambiguous', mdc: m.mdc, adrg: qy.get(m.mdc)!, drg: qy.get(m.mdc)! };
        }
        const split = r.splits.find((s) => evalP(s.cond, m.mdc, r));
        return { status: 'grouped', mdc: m.mdc, adrg: r.adrg, drg: split?.drg ?? r.fallback };
      }
      if (m.stop) return none('ungroupable', m.mdc);
    }
    return none('ungroupable');
  };
}
