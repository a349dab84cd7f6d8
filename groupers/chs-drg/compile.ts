/**
 * Compile a validated scheme package into look-up structures (see scheme.ts):
 * interned codes, per-code typed arrays, bitset lists, and predicates compiled
 * to closures — once, so that grouping never re-reads or re-parses rules.
 *
 * Cross-file problems (a rule naming an MDC that does not exist, a list name
 * the semantics does not define, a predicate that does not compile) are
 * collected with file, line and column and thrown together.
 */
import { basename } from 'node:path';
import { type DataIssue, IssueList } from '../../src/errors.js';
import { CodeTable } from './codes.js';
import { CaseContext } from './context.js';
import type { Semantics } from './format.js';
import type { SchemePackage } from './load.js';
import { chsDrg1 } from './semantics/chs-drg-1.js';
import { chsDrg20 } from './semantics/chs-drg-2.0.js';
import { ListMatrix, listHas } from './lists.js';
import { compilePredicate } from './predicates/compile.js';
import { type ComplicationTables, type CompileScope, DX_CC, DX_HEADER_WORDS, DX_MCC, DX_PRINCIPAL, type ListRef, type Pred } from './predicates/types.js';
import { CODE_GRAY, CODE_NOT_PRINCIPAL, type CompiledMdc, type CompiledRule, type CompiledScheme, type CompiledSplit, type DrgInfo, type MdcCandidates, type Prefilter, type Translation, type ValidationLists } from './scheme.js';

/** List names a rule may define, per semantics and code system. */
const RULE_LISTS: Record<Semantics, { dx: RegExp; px: RegExp }> = {
  'chs-drg-1': { dx: /^adrg_dx2?$/, px: /^adrg_px2?$/ },
  'chs-drg-2.0': {
    dx: /^adrg_dx(2|_1|_2|_any|_other|_other_1|_other_2)?$/,
    px: /^(adrg_px(2|_1|_2|_any_[1-9]|_g[1-9])?|ref_[A-Z0-9_]+)$/,
  },
};

const MAX_REGIONS = 32;

interface RuleLists {
  readonly dx: Map<string, number[]>;
  readonly px: Map<string, number[]>;
  /** proc id → first tag, in file order. */
  readonly tags: Map<number, number>;
}

const NO_PREFILTER: Prefilter = { preKind: 0, preWord: 0, preBit: 0 };

/**
 * Lift a necessary condition out of a predicate: the predicate itself, or a
 * conjunct of a (nested) `and`, that is `main_dx_in L` (preferred) or
 * `main_px_in L`. When it fails the whole predicate fails, so the engine can
 * test that one bit inline before calling the compiled closure.
 */
/**
 * A necessary condition on the codes at any position: the predicate itself, or
 * a conjunct of a (nested) `and`, that is `any_dx_in L` or `any_px_in L`.
 * Used for the candidate MDCs (see MdcCandidates), never inline.
 */
function anyFilterOf(json: unknown, resolve: (name: string) => ListRef | undefined): ListRef | undefined {
  let found: ListRef | undefined;
  const walk = (j: unknown): void => {
    if (found !== undefined || j === null || typeof j !== 'object' || Array.isArray(j)) return;
    const entries = Object.entries(j);
    if (entries.length !== 1) return;
    const [key, arg] = entries[0]!;
    if (key === 'and' && Array.isArray(arg)) arg.forEach(walk);
    else if ((key === 'any_dx_in' || key === 'any_px_in') && typeof arg === 'string') {
      const list = resolve(arg);
      if (list !== undefined && list.system === (key === 'any_dx_in' ? 'dx' : 'px')) found = list;
    }
  };
  walk(json);
  return found;
}

function prefilterOf(json: unknown, resolve: (name: string) => ListRef | undefined): Prefilter {
  const found: { dx?: ListRef; px?: ListRef } = {};
  const walk = (j: unknown): void => {
    if (j === null || typeof j !== 'object' || Array.isArray(j)) return;
    const entries = Object.entries(j);
    if (entries.length !== 1) return;
    const [key, arg] = entries[0]!;
    if (key === 'and' && Array.isArray(arg)) arg.forEach(walk);
    else if (key === 'main_dx_in' && typeof arg === 'string' && found.dx === undefined) found.dx = resolve(arg);
    else if (key === 'main_px_in' && typeof arg === 'string' && found.px === undefined) found.px = resolve(arg);
  };
  walk(json);
  const list = found.dx?.system === 'dx' ? found.dx : found.px?.system === 'px' ? found.px : undefined;
  if (list === undefined) return NO_PREFILTER;
  if (list.word < 0) return { preKind: 3, preWord: 0, preBit: 0 };
  return { preKind: list.system === 'dx' ? 1 : 2, preWord: list.word, preBit: list.bit };
}

export function compileScheme(pkg: SchemePackage, startedAt: number = performance.now()): CompiledScheme {
  const { manifest, rows, dir } = pkg;
  const label = basename(dir);
  const semantics = manifest.semantics;
  const file = (name: string): string => `${label}/${name}`;
  const issues = new IssueList();
  const warnings: DataIssue[] = [];

  // ---- 1. Dictionaries and interning -----------------------------------------
  const dx = new CodeTable('dx');
  const px = new CodeTable('px');
  const clash = (f: string, line: number, column: string, code: string) => (existing: string) =>
    issues.add({ code: 'code.case-clash', file: file(f), line, column, message: `code ${code} differs from ${existing} only in letter case; codes are matched case-insensitively` });

  const defineDictionary = (table: CodeTable, f: string, entries: readonly { line: number; code: string; name: string }[], column: string): void => {
    const firstLine = new Map<string, number>();
    for (const { line, code, name } of entries) {
      const prev = firstLine.get(code);
      if (prev !== undefined) {
        issues.add({ code: 'code.duplicate', file: file(f), line, column, message: `code ${code} is listed twice (first on line ${prev})` });
        continue;
      }
      firstLine.set(code, line);
      table.define(code, name, clash(f, line, column, code));
    }
  };
  defineDictionary(dx, 'icd10_dx_names.csv', rows['icd10_dx_names.csv'].map((r) => ({ line: r.line, code: r.row.dx_code, name: r.row.name })), 'dx_code');
  defineDictionary(px, 'icd9_proc_names.csv', rows['icd9_proc_names.csv'].map((r) => ({ line: r.line, code: r.row.proc_code, name: r.row.name })), 'proc_code');

  // Codes used in lists but absent from the dictionaries still get ids (a case
  // using them matches the list), and the package gets one warning per file.
  const outside = new Map<string, string[]>();
  const internIn = (table: CodeTable, f: string, line: number, column: string, code: string): number => {
    const id = table.intern(code, clash(f, line, column, code));
    if (!table.inDictionary(id)) {
      const list = outside.get(f) ?? [];
      if (!list.includes(code)) list.push(code);
      outside.set(f, list);
    }
    return id;
  };
  const ids = <R>(f: string, table: CodeTable, column: string, list: readonly { line: number; row: R }[], get: (r: R) => string): number[] =>
    list.map((r) => internIn(table, f, r.line, column, get(r.row)));

  const mdcDxIds = ids('mdc_dx.csv', dx, 'dx_code', rows['mdc_dx.csv'], (r) => r.dx_code);
  const adrgDxIds = ids('adrg_dx.csv', dx, 'dx_code', rows['adrg_dx.csv'], (r) => r.dx_code);
  const adrgPxIds = ids('adrg_px.csv', px, 'proc_code', rows['adrg_px.csv'], (r) => r.proc_code);
  const ccIds = ids('cc.csv', dx, 'dx_code', rows['cc.csv'], (r) => r.dx_code);
  const mccIds = ids('mcc.csv', dx, 'dx_code', rows['mcc.csv'], (r) => r.dx_code);
  const principalIds = ids('cc_exclusion_principal.csv', dx, 'principal_dx_code', rows['cc_exclusion_principal.csv'], (r) => r.principal_dx_code);
  const orValidIds = ids('or_valid_procedures.csv', px, 'proc_code', rows['or_valid_procedures.csv'], (r) => r.proc_code);
  const grayDxIds = ids('gray_dx.csv', dx, 'dx_code', rows['gray_dx.csv'], (r) => r.dx_code);
  const grayPxIds = ids('gray_px.csv', px, 'proc_code', rows['gray_px.csv'], (r) => r.proc_code);
  const invDxIds = ids('invalid_principal_dx.csv', dx, 'dx_code', rows['invalid_principal_dx.csv'], (r) => r.dx_code);
  const invPxIds = ids('invalid_principal_px.csv', px, 'proc_code', rows['invalid_principal_px.csv'], (r) => r.proc_code);
  // Translation targets must be scheme codes; they are interned like list codes.
  const dxMapIds = ids('dx_code_map.csv', dx, 'to_code', rows['dx_code_map.csv'], (r) => r.to_code);
  const pxMapIds = ids('proc_code_map.csv', px, 'to_code', rows['proc_code_map.csv'], (r) => r.to_code);
  // Translation sources are interned too (they are often older codes outside the
  // dictionary), so translating a case code is one typed-array read by id.
  const dxFromIds = rows['dx_code_map.csv'].map((r) => dx.intern(r.row.from_code.trim()));
  const pxFromIds = rows['proc_code_map.csv'].map((r) => px.intern(r.row.from_code.trim()));
  for (const [f, codes] of outside) {
    warnings.push({
      code: 'code.not-in-dictionary',
      file: file(f),
      message: `${codes.length} code${codes.length > 1 ? 's are' : ' is'} not in the ${f.includes('px') || f.includes('proc') ? 'icd9_proc_names.csv' : 'icd10_dx_names.csv'} dictionary (still matched by their lists): ${codes.slice(0, 5).join(', ')}${codes.length > 5 ? ', …' : ''}`,
    });
  }

  // ---- 2. Complication tables --------------------------------------------------
  const tableIds = new Map<string, number>();
  const tableLabels: string[] = [];
  const tableId = (labelText: string): number => {
    let t = tableIds.get(labelText);
    if (t === undefined) {
      t = tableLabels.length;
      tableIds.set(labelText, t);
      tableLabels.push(labelText);
    }
    return t;
  };
  const fillTable = (f: string, column: string, target: Int32Array, list: readonly { line: number; row: { exclusion_table: string } }[], idList: readonly number[]): void => {
    list.forEach((r, i) => {
      const id = idList[i]!;
      const t = tableId(r.row.exclusion_table);
      if (target[id] !== -1 && target[id] !== t) {
        issues.add({ code: 'cc.conflict', file: file(f), line: r.line, column, message: `${dx.codes[id]} is listed again with another exclusion table (${tableLabels[target[id]!]} and ${r.row.exclusion_table})` });
      }
      target[id] = t;
    });
  };
  const mccTable = new Int32Array(dx.size).fill(-1);
  const ccTable = new Int32Array(dx.size).fill(-1);
  const principalTable = new Int32Array(dx.size).fill(-1);
  fillTable('mcc.csv', 'exclusion_table', mccTable, rows['mcc.csv'], mccIds);
  fillTable('cc.csv', 'exclusion_table', ccTable, rows['cc.csv'], ccIds);
  fillTable('cc_exclusion_principal.csv', 'exclusion_table', principalTable, rows['cc_exclusion_principal.csv'], principalIds);
  const dxMatrix = new ListMatrix('dx', dx.size, DX_HEADER_WORDS);
  const pxMatrix = new ListMatrix('px', px.size, 0);

  // ---- 3. MDCs, their lists and body regions ----------------------------------
  const mdcRows = [...rows['mdc.csv']].sort((a, b) => a.row.eval_order - b.row.eval_order);
  const mdcLine = new Map<string, number>();
  const seenOrder = new Map<number, string>();
  for (const r of mdcRows) {
    if (mdcLine.has(r.row.mdc)) issues.add({ code: 'mdc.duplicate', file: file('mdc.csv'), line: r.line, column: 'mdc', message: `${r.row.mdc} is defined twice (first on line ${mdcLine.get(r.row.mdc)})` });
    mdcLine.set(r.row.mdc, r.line);
    const other = seenOrder.get(r.row.eval_order);
    if (other !== undefined) issues.add({ code: 'mdc.order', file: file('mdc.csv'), line: r.line, column: 'eval_order', message: `eval_order ${r.row.eval_order} is used by both ${other} and ${r.row.mdc}` });
    seenOrder.set(r.row.eval_order, r.row.mdc);
  }
  const order = mdcRows.map((r) => r.row.mdc);
  if (order.join(',') !== manifest.mdc_eval_order.join(',')) {
    issues.add({ code: 'manifest.mdc-order', file: file('manifest.json'), path: '$.mdc_eval_order', message: `mdc_eval_order (${manifest.mdc_eval_order.join(' ')}) differs from the eval_order of mdc.csv (${order.join(' ')})` });
  }

  const mdcListIds = new Map<string, number[]>();
  const regionBit = new Map<string, number>();
  const regionNames: string[] = [];
  const regionRows = new Map<string, { id: number; bit: number }[]>();
  rows['mdc_dx.csv'].forEach((r, i) => {
    const { mdc, mdcz_region } = r.row;
    if (!mdcLine.has(mdc)) {
      issues.add({ code: 'mdc.unknown', file: file('mdc_dx.csv'), line: r.line, column: 'mdc', message: `${mdc} is not defined in mdc.csv` });
      return;
    }
    const list = mdcListIds.get(mdc) ?? [];
    list.push(mdcDxIds[i]!);
    mdcListIds.set(mdc, list);
    if (mdcz_region !== '') {
      let bit = regionBit.get(mdcz_region);
      if (bit === undefined) {
        bit = regionNames.length;
        if (bit >= MAX_REGIONS) {
          issues.add({ code: 'region.too-many', file: file('mdc_dx.csv'), line: r.line, column: 'mdcz_region', message: `more than ${MAX_REGIONS} distinct body regions` });
          return;
        }
        regionBit.set(mdcz_region, bit);
        regionNames.push(mdcz_region);
      }
      const rr = regionRows.get(mdc) ?? [];
      rr.push({ id: mdcDxIds[i]!, bit });
      regionRows.set(mdc, rr);
    }
  });
  const regionMaskOf = (list: readonly { id: number; bit: number }[]): Uint32Array => {
    const mask = new Uint32Array(dx.size);
    for (const { id, bit } of list) mask[id]! |= 1 << bit;
    return mask;
  };
  const regionCache = new Map<string, Uint32Array>();
  const regionsFor = (mdc: string) => (arg: string | true) => {
    const key = arg === true ? '*' : mdc;
    let mask = regionCache.get(key);
    if (mask === undefined) {
      const list = arg === true ? [...regionRows.values()].flat() : (regionRows.get(mdc) ?? []);
      if (list.length === 0) return undefined;
      mask = regionMaskOf(list);
      regionCache.set(key, mask);
    }
    return { mask, names: regionNames };
  };

  const orValidRef = pxMatrix.register('OR_VALID', 'OR_VALID (operating-room procedures)', orValidIds);
  const mdcLists = new Map<string, () => ListRef>();
  for (const mdc of order) mdcLists.set(mdc, dxMatrix.register('mdc_dx', `mdc_dx of ${mdc}`, mdcListIds.get(mdc) ?? []));

  const makeScope = (owner: string, f: string, line: number, column: string, mdc: string, list: (name: string) => ListRef | undefined, tags: Uint8Array | undefined): CompileScope => ({
    semantics,
    dx,
    px,
    complications,
    regions: regionsFor(mdc),
    list,
    tags,
    owner,
    fail: (path, message, code = 'predicate.invalid') => issues.add({ code, file: file(f), line, column, path, message }),
  });
  const globalList = (mdc: string) => (name: string): ListRef | undefined => {
    if (name === 'OR_VALID') return orValidRef();
    if (name === 'mdc_dx') return mdcLists.get(mdc)!();
    return undefined;
  };

  // ---- 4. ADRG rules and their lists ------------------------------------------
  const ruleRows = new Map<string, (typeof rows)['adrg.csv'][number]>();
  for (const r of rows['adrg.csv']) {
    const prev = ruleRows.get(r.row.rule_id);
    if (prev !== undefined) {
      issues.add({ code: 'rule.duplicate', file: file('adrg.csv'), line: r.line, column: 'rule_id', message: `rule ${r.row.rule_id} is defined twice (first on line ${prev.line})` });
      continue;
    }
    if (!mdcLine.has(r.row.mdc)) issues.add({ code: 'mdc.unknown', file: file('adrg.csv'), line: r.line, column: 'mdc', message: `${r.row.mdc} is not defined in mdc.csv` });
    ruleRows.set(r.row.rule_id, r);
  }
  const ruleLists = new Map<string, RuleLists>();
  const listsOf = (ruleId: string): RuleLists => {
    let l = ruleLists.get(ruleId);
    if (l === undefined) {
      l = { dx: new Map(), px: new Map(), tags: new Map() };
      ruleLists.set(ruleId, l);
    }
    return l;
  };
  const vocabulary = RULE_LISTS[semantics];
  rows['adrg_dx.csv'].forEach((r, i) => {
    const { rule_id, list } = r.row;
    if (!ruleRows.has(rule_id)) return void issues.add({ code: 'rule.unknown', file: file('adrg_dx.csv'), line: r.line, column: 'rule_id', message: `rule ${rule_id} is not defined in adrg.csv` });
    if (!vocabulary.dx.test(list)) {
      return void issues.add({ code: 'list.unknown', file: file('adrg_dx.csv'), line: r.line, column: 'list', message: `"${list}" is not a diagnosis list name under ${semantics} semantics` });
    }
    const m = listsOf(rule_id).dx;
    const arr = m.get(list) ?? [];
    arr.push(adrgDxIds[i]!);
    m.set(list, arr);
  });
  rows['adrg_px.csv'].forEach((r, i) => {
    const { rule_id, list, proc_group } = r.row;
    if (!ruleRows.has(rule_id)) return void issues.add({ code: 'rule.unknown', file: file('adrg_px.csv'), line: r.line, column: 'rule_id', message: `rule ${rule_id} is not defined in adrg.csv` });
    if (!vocabulary.px.test(list)) {
      return void issues.add({ code: 'list.unknown', file: file('adrg_px.csv'), line: r.line, column: 'list', message: `"${list}" is not a procedure list name under ${semantics} semantics` });
    }
    const rl = listsOf(rule_id);
    const arr = rl.px.get(list) ?? [];
    arr.push(adrgPxIds[i]!);
    rl.px.set(list, arr);
    if (proc_group !== null) {
      const tag = Number(proc_group);
      if (tag > 255) return void issues.add({ code: 'tag.range', file: file('adrg_px.csv'), line: r.line, column: 'proc_group', message: 'procedure-group tags go from 1 to 255' });
      if (!rl.tags.has(adrgPxIds[i]!)) rl.tags.set(adrgPxIds[i]!, tag);
    }
  });

  // Every rule list gets its bit now; then the rows are built once.
  const ruleListRefs = new Map<string, () => ListRef>();
  for (const [ruleId, rl] of ruleLists) {
    for (const [name, list] of rl.dx) ruleListRefs.set(`${ruleId}/${name}`, dxMatrix.register(name, `${name} of rule ${ruleId}`, list));
    for (const [name, list] of rl.px) ruleListRefs.set(`${ruleId}/${name}`, pxMatrix.register(name, `${name} of rule ${ruleId}`, list));
  }
  const v2 = semantics === 'chs-drg-2.0';
  const grayDx = dxMatrix.register('gray_dx', 'gray_dx.csv (gray diagnosis codes)', grayDxIds);
  const invDx = dxMatrix.register('invalid_principal_dx', 'invalid_principal_dx.csv', invDxIds);
  const grayPx = pxMatrix.register('gray_px', 'gray_px.csv (gray procedure codes)', grayPxIds);
  const invPx = pxMatrix.register('invalid_principal_px', 'invalid_principal_px.csv', invPxIds);
  dxMatrix.build();
  pxMatrix.build();
  {
    const w = dxMatrix.words;
    const stride = dxMatrix.stride;
    for (let id = 0; id < dx.size; id++) {
      w[id * stride + DX_MCC] = mccTable[id]!;
      w[id * stride + DX_CC] = ccTable[id]!;
      w[id * stride + DX_PRINCIPAL] = principalTable[id]!;
    }
  }
  const complications: ComplicationTables = { dx, rows: dxMatrix.words, stride: dxMatrix.stride, tableLabels };

  // DRG splits by rule.
  const splitRows = new Map<string, (typeof rows)['drg.csv'][number][]>();
  const drgs = new Map<string, DrgInfo>();
  /** Enter (or replace) a DRG; a new code takes the next index, a replaced one keeps its index. */
  const setDrg = (info: Omit<DrgInfo, 'index'>): DrgInfo => {
    const d: DrgInfo = { ...info, index: drgs.get(info.drg)?.index ?? drgs.size };
    drgs.set(info.drg, d);
    return d;
  };
  for (const r of rows['drg.csv']) {
    const rule = ruleRows.get(r.row.rule_id);
    if (rule === undefined) {
      issues.add({ code: 'rule.unknown', file: file('drg.csv'), line: r.line, column: 'rule_id', message: `rule ${r.row.rule_id} is not defined in adrg.csv` });
      continue;
    }
    if (rule.row.adrg !== r.row.adrg) issues.add({ code: 'drg.mismatch', file: file('drg.csv'), line: r.line, column: 'adrg', message: `rule ${r.row.rule_id} belongs to ADRG ${rule.row.adrg}, not ${r.row.adrg}` });
    if (rule.row.mdc !== r.row.mdc) issues.add({ code: 'drg.mismatch', file: file('drg.csv'), line: r.line, column: 'mdc', message: `rule ${r.row.rule_id} belongs to ${rule.row.mdc}, not ${r.row.mdc}` });
    const prev = drgs.get(r.row.drg);
    if (prev !== undefined && prev.adrg !== r.row.adrg) {
      issues.add({ code: 'drg.duplicate', file: file('drg.csv'), line: r.line, column: 'drg', message: `DRG ${r.row.drg} is already defined for ADRG ${prev.adrg}` });
    }
    if (prev === undefined) setDrg({ drg: r.row.drg, name: r.row.name, adrg: r.row.adrg, mdc: r.row.mdc, split: r.row.split });
    const list = splitRows.get(r.row.rule_id) ?? [];
    list.push(r);
    splitRows.set(r.row.rule_id, list);
  }

  const emptyWarned = new Set<string>();
  const rulesByMdc = new Map<string, CompiledRule[]>();
  /** Any-position necessary conditions of rules and MDC entries without a principal-code prefilter. */
  const anyFilters = new Map<CompiledRule | CompiledMdc, ListRef>();
  for (const [ruleId, r] of ruleRows) {
    const rl = ruleLists.get(ruleId);
    const tagArray = rl !== undefined && rl.tags.size > 0 ? new Uint8Array(px.size) : undefined;
    if (tagArray !== undefined) for (const [id, tag] of rl!.tags) tagArray[id] = tag;
    if ((r.row.proc_groups === 'Y') !== (tagArray !== undefined)) {
      warnings.push({ code: 'rule.proc-groups', file: file('adrg.csv'), line: r.line, column: 'proc_groups', message: `rule ${ruleId} says proc_groups=${r.row.proc_groups} but its procedure lists ${tagArray ? 'carry' : 'carry no'} tags` });
    }
    const resolve = (name: string): ListRef | undefined => {
      const g = globalList(r.row.mdc)(name);
      if (g !== undefined) return g;
      const ref = ruleListRefs.get(`${ruleId}/${name}`);
      if (ref !== undefined) return ref();
      const system = vocabulary.dx.test(name) ? 'dx' : vocabulary.px.test(name) ? 'px' : undefined;
      if (system === undefined) return undefined;
      if (!emptyWarned.has(`${ruleId}/${name}`)) {
        emptyWarned.add(`${ruleId}/${name}`);
        warnings.push({ code: 'list.empty', file: file('adrg.csv'), line: r.line, column: 'condition_json', message: `rule ${ruleId} uses list ${name}, which has no codes` });
      }
      return (system === 'dx' ? dxMatrix : pxMatrix).empty(name, `${name} of rule ${ruleId} (empty)`);
    };
    const cond = compilePredicate(r.row.condition_json, makeScope(`rule ${ruleId}`, 'adrg.csv', r.line, 'condition_json', r.row.mdc, resolve, tagArray));

    const splits: CompiledSplit[] = [];
    const srows = [...(splitRows.get(ruleId) ?? [])].sort((a, b) => a.row.order_in_adrg - b.row.order_in_adrg);
    for (let i = 1; i < srows.length; i++) {
      if (srows[i]!.row.order_in_adrg === srows[i - 1]!.row.order_in_adrg) {
        issues.add({ code: 'drg.order', file: file('drg.csv'), line: srows[i]!.line, column: 'order_in_adrg', message: `rule ${ruleId} has two splits with order_in_adrg ${srows[i]!.row.order_in_adrg}` });
      }
    }
    for (const s of srows) {
      const sc = compilePredicate(s.row.condition_json, makeScope(`DRG ${s.row.drg}`, 'drg.csv', s.line, 'condition_json', r.row.mdc, resolve, tagArray));
      if (sc !== undefined) splits.push({ drg: s.row.drg, drgIndex: drgs.get(s.row.drg)!.index, name: s.row.name, split: s.row.split, cond: sc, line: s.line });
    }
    const fallbackName = drgs.get(r.row.fallback_code)?.name ?? r.row.name ?? '';
    const fallbackIndex = drgs.get(r.row.fallback_code)?.index ?? setDrg({ drg: r.row.fallback_code, name: fallbackName, adrg: r.row.adrg, mdc: r.row.mdc, split: 'FALLBACK' }).index;
    if (cond === undefined) continue;
    // Literal with every field in a fixed order (no spread): all rules share one hidden class.
    const pre = prefilterOf(r.row.condition_json, resolve);
    const anyPre = pre.preKind === 0 ? anyFilterOf(r.row.condition_json, resolve) : undefined;
    const compiled: CompiledRule = {
      preKind: pre.preKind,
      preWord: pre.preWord,
      preBit: pre.preBit,
      ruleId,
      adrg: r.row.adrg,
      mdc: r.row.mdc,
      section: r.row.section,
      name: r.row.name ?? '',
      cond,
      splits,
      fallback: { drg: r.row.fallback_code, drgIndex: fallbackIndex, name: fallbackName },
      line: r.line,
    };
    if (anyPre !== undefined) anyFilters.set(compiled, anyPre);
    const list = rulesByMdc.get(r.row.mdc) ?? [];
    list.push(compiled);
    rulesByMdc.set(r.row.mdc, list);
  }

  // ---- 5. 2.0 validation lists and ambiguous groups ----------------------------
  const qyByMdc = new Map<string, string>();
  for (const r of rows['qy_codes.csv']) {
    if (!mdcLine.has(r.row.mdc)) issues.add({ code: 'mdc.unknown', file: file('qy_codes.csv'), line: r.line, column: 'mdc', message: `${r.row.mdc} is not defined in mdc.csv` });
    qyByMdc.set(r.row.mdc, r.row.qy_code);
    setDrg({ drg: r.row.qy_code, name: r.row.name, adrg: r.row.qy_code, mdc: r.row.mdc, split: 'QY' });
  }
  const validation: ValidationLists | undefined = v2 ? validationLists(grayDx(), grayPx(), invDx(), invPx(), dx.size, px.size) : undefined;

  // ---- 6. MDC entries, in evaluation order --------------------------------------
  const mdcs: CompiledMdc[] = [];
  for (const r of mdcRows) {
    const mdc = r.row.mdc;
    const entry = compilePredicate(r.row.entry_condition_json, makeScope(`the entry of ${mdc}`, 'mdc.csv', r.line, 'entry_condition_json', mdc, globalList(mdc), undefined));
    const rules = (rulesByMdc.get(mdc) ?? []).sort((a, b) => ruleRows.get(a.ruleId)!.row.order_in_mdc - ruleRows.get(b.ruleId)!.row.order_in_mdc);
    for (let i = 1; i < rules.length; i++) {
      const a = ruleRows.get(rules[i - 1]!.ruleId)!;
      const b = ruleRows.get(rules[i]!.ruleId)!;
      if (a.row.order_in_mdc === b.row.order_in_mdc) {
        issues.add({ code: 'rule.order', file: file('adrg.csv'), line: b.line, column: 'order_in_mdc', message: `rules ${a.row.rule_id} and ${b.row.rule_id} of ${mdc} share order_in_mdc ${b.row.order_in_mdc}` });
      }
    }
    if (rules.length === 0) warnings.push({ code: 'mdc.no-rules', file: file('mdc.csv'), line: r.line, column: 'mdc', message: `${mdc} has no ADRG rules` });
    if (entry === undefined) continue;
    const pre = prefilterOf(r.row.entry_condition_json, globalList(mdc));
    const entryAny = pre.preKind === 0 ? anyFilterOf(r.row.entry_condition_json, globalList(mdc)) : undefined;
    const compiledMdc: CompiledMdc = {
      preKind: pre.preKind,
      preWord: pre.preWord,
      preBit: pre.preBit,
      mdc,
      name: r.row.name ?? '',
      evalOrder: r.row.eval_order,
      stage: r.row.stage ?? 'principal',
      onNoAdrg: r.row.on_no_adrg ?? 'next',
      entry,
      rules,
      rulePre: Int32Array.from(rules, (x) => (x.preWord << 7) | (x.preBit << 2) | x.preKind),
      list: mdcLists.get(mdc)!(),
      qyCode: qyByMdc.get(mdc) ?? null,
      qyIndex: qyByMdc.has(mdc) ? drgs.get(qyByMdc.get(mdc)!)!.index : -1,
    };
    if (entryAny !== undefined) anyFilters.set(compiledMdc, entryAny);
    mdcs.push(compiledMdc);
  }

  // ---- 6b. Candidate MDCs per principal code (see MdcCandidates) -----------------
  let mdcCandidates: MdcCandidates | null = null;
  if (mdcs.length <= 32) {
    let always = 0;
    const dxMask = new Uint32Array(dx.size);
    const pxMask = new Uint32Array(px.size);
    const dxAny = new Uint32Array(dx.size);
    const pxAny = new Uint32Array(px.size);
    let anyUsed = false;
    const mark = (p: Prefilter, bit: number): void => {
      const matrix = p.preKind === 1 ? dxMatrix : pxMatrix;
      const mask = p.preKind === 1 ? dxMask : pxMask;
      for (let id = 0; id < matrix.codes; id++) if ((matrix.words[id * matrix.stride + p.preWord]! >>> p.preBit) & 1) mask[id]! |= bit;
    };
    const markAny = (list: ListRef, bit: number): void => {
      anyUsed = true;
      const mask = list.system === 'dx' ? dxAny : pxAny;
      for (let id = 0; id < list.matrix.codes; id++) if (listHas(list, id)) mask[id]! |= bit;
    };
    mdcs.forEach((m, i) => {
      const bit = (1 << i) >>> 0;
      if (m.preKind === 1 || m.preKind === 2) mark(m, bit);
      else if (m.preKind === 0) {
        const entryAny = anyFilters.get(m);
        if (entryAny !== undefined) {
          markAny(entryAny, bit); // 2.0's MDCY: some diagnosis in its list
          return;
        }
        // An entry with no code prefilter (2.0's MDCA is `true`, MDCP tests age_days): when the MDC
        // passes on to the next one on no match and every ADRG rule has a prefilter, the MDC can only
        // group a case whose codes pass some rule's prefilter — skipping it otherwise gives the same result.
        const filtered = m.onNoAdrg === 'next' && m.rules.length > 0 && m.rules.every((r) => r.preKind !== 0 || anyFilters.has(r));
        if (!filtered) {
          always = (always | bit) >>> 0;
          return;
        }
        for (const r of m.rules) {
          if (r.preKind === 1 || r.preKind === 2) mark(r, bit);
          else if (r.preKind === 0) markAny(anyFilters.get(r)!, bit);
        }
      }
    });
    mdcCandidates = { always, dx: dxMask, px: pxMask, dxAny: anyUsed ? dxAny : null, pxAny: anyUsed ? pxAny : null };
  }

  // ---- 7. Translation maps -------------------------------------------------------
  const translationOf = (f: 'dx_code_map.csv' | 'proc_code_map.csv', table: CodeTable, from: readonly number[], targetIds: readonly number[]): Int32Array => {
    const map = new Int32Array(table.size).fill(-1);
    rows[f].forEach((r, i) => {
      const src = from[i]!;
      const dst = targetIds[i]!;
      if (map[src] !== -1 && map[src] !== dst) {
        warnings.push({ code: 'map.conflict', file: file(f), line: r.line, column: 'from_code', message: `${r.row.from_code} is mapped twice; the first mapping is kept` });
        return;
      }
      if (src !== dst) map[src] = dst;
    });
    return map;
  };
  const translation: Translation | undefined =
    pkg.present.has('dx_code_map.csv') || pkg.present.has('proc_code_map.csv')
      ? { dx: translationOf('dx_code_map.csv', dx, dxFromIds, dxMapIds), px: translationOf('proc_code_map.csv', px, pxFromIds, pxMapIds) }
      : undefined;

  issues.throwIfAny(`cannot load scheme ${label}`);
  dx.freeze();
  px.freeze();
  return {
    id: manifest.id,
    title: manifest.title,
    semantics,
    rules: semantics === 'chs-drg-2.0' ? chsDrg20 : chsDrg1,
    dir,
    dx,
    px,
    complications,
    dxMatrix,
    pxMatrix,
    mdcs,
    mdcCandidates,
    drgs,
    translation,
    validation,
    warnings,
    loadMs: performance.now() - startedAt,
    ctx: new CaseContext(dx, px),
  };
}

export type { Pred };

/** The 2.0 validation lists, with one flag byte per code so the per-case checks read one byte per code. */
function validationLists(grayDx: ListRef, grayPx: ListRef, invalidPrincipalDx: ListRef, invalidPrincipalPx: ListRef, dxCodes: number, pxCodes: number): ValidationLists {
  const flags = (gray: ListRef, notPrincipal: ListRef, n: number): Uint8Array => {
    const out = new Uint8Array(n);
    for (let id = 0; id < n; id++) out[id] = (listHas(gray, id) ? CODE_GRAY : 0) | (listHas(notPrincipal, id) ? CODE_NOT_PRINCIPAL : 0);
    return out;
  };
  return { grayDx, grayPx, invalidPrincipalDx, invalidPrincipalPx, dxFlags: flags(grayDx, invalidPrincipalDx, dxCodes), pxFlags: flags(grayPx, invalidPrincipalPx, pxCodes) };
}
