/**
 * Group one case under a compiled CHS-DRG scheme.
 *
 *   read codes (intern, translate) → patient check → code checks
 *   → MDCs in evaluation order → ADRG rules of an entered MDC in order
 *   → splits of the matched rule in order → result
 *
 * One walk serves every semantics version; what differs is in
 * semantics/*.ts and in the data (`on_no_adrg`, `section`, QY codes).
 * The walk allocates nothing but the result object unless a trace is asked
 * for; each trace hook is a null check.
 */
import type { CodeTable } from './codes.js';
import { NO_CODE } from './codes.js';
import { computeComplications } from './complications.js';
import { EMPTY_SLOT, type CaseContext } from './context.js';
import { type CcLevel, type GroupResult, type GroupStatus, NO_DRG, NONE, type Note } from './result.js';
import type { CompiledScheme, MdcCandidates } from './scheme.js';
import type { SemanticsRules } from './semantics/types.js';
import { TraceRecorder } from './trace.js';

/** The case fields grouping reads. Missing numbers may be null or absent. */
export interface GroupInput {
  readonly id?: string | null;
  readonly sex?: number | null;
  readonly age?: number | null;
  readonly age_days?: number | null;
  readonly birth_weight?: number | null;
  readonly los?: number | null;
  readonly discharge?: number | null;
  readonly vent_hours?: number | null;
  /** Diagnosis codes, principal first. Items are trimmed; empty items are ignored. */
  readonly diagnoses: readonly string[];
  /** Procedure codes, principal first. */
  readonly procedures?: readonly string[] | null;
}

export interface GroupOptions {
  /** Record the ordered decision steps in `result.trace` (default false). */
  readonly trace?: boolean;
  /** Apply the scheme's dx_code_map / proc_code_map before grouping (default false). */
  readonly translate?: boolean;
}

/** Group one case. Never throws for bad case data: problems become `invalid` with reasons. */
export function groupCase(s: CompiledScheme, input: GroupInput, options?: GroupOptions): GroupResult {
  const c = s.ctx;
  const translation = options !== undefined && options.translate === true ? s.translation : undefined;
  const diagnoses = input.diagnoses;
  const procedures = input.procedures ?? NONE;
  c.reset(diagnoses.length, procedures.length);
  c.setNumbers(input);
  readCodes(c, s.dx, translation?.dx, diagnoses, 'diagnoses');
  readCodes(c, s.px, translation?.px, procedures, 'procedures');
  return groupPrepared(s, c, input.id ?? '', options !== undefined && options.trace === true);
}

/**
 * Group the case already in the context (codes added with {@link addCode},
 * numbers set). The bulk reader fills the context straight from CSV text and
 * calls this; {@link groupCase} is the same for case objects.
 */
export function groupPrepared(s: CompiledScheme, c: CaseContext, id: string, trace: boolean, into?: ResultSlot): GroupResult {
  const rec = trace ? new TraceRecorder() : null;
  if (rec !== null) recordInput(rec, c, s);

  const rules = s.rules;
  const invalid = rules.checkPatient(c);
  if (rec !== null) rec.add({ kind: 'check', name: 'patient information', ok: invalid === null, says: invalid === null ? describePatient(c) : invalid.map((n) => n.message).join('; ') });
  if (invalid !== null) return finish(s, c, id, 'invalid', invalid, rec, into);

  const codeProblem = rules.checkCodes(c, s);
  if (c.nPx > 0 && c.px[0] === EMPTY_SLOT) {
    c.warn({ code: 'principal_px.emptied', field: 'procedures', message: `principal procedure ${c.pxRaw[0]!} may not be principal: its slot is left empty` });
  }
  if (rec !== null && s.semantics !== 'chs-drg-1') {
    rec.add({ kind: 'check', name: 'code checks', ok: codeProblem === null, says: codeProblem === null ? (c.nPx > 0 && c.px[0] === EMPTY_SLOT ? `principal procedure ${c.pxRaw[0]!} is not allowed as principal: slot emptied` : '') : codeProblem.map((n) => n.message).join('; ') });
  }
  if (codeProblem !== null) return finish(s, c, id, 'ungroupable', codeProblem, rec, into);

  return finish(s, c, id, select(s, c, rules, rec), NONE, rec, into);
}

/**
 * Walk MDCs → ADRG rules → splits. Leaves the MDC / rule / split reached in
 * the context and returns the status.
 */
function select(s: CompiledScheme, c: CaseContext, rules: SemanticsRules, rec: TraceRecorder | null): GroupStatus {
  // Rows of the principal diagnosis and procedure, for the inline prefilters:
  // most MDC entries and ADRG rules fail on one bit of one of these two rows,
  // without a call into their compiled predicate.
  const dxWords = s.dxMatrix.words;
  const pxWords = s.pxMatrix.words;
  const dx0 = c.nDx > 0 ? c.dx[0]! : -1;
  const px0 = c.nPx > 0 ? c.px[0]! : -1;
  const dxRow = dx0 >= 0 ? dx0 * s.dxMatrix.stride : -1;
  const pxRow = px0 >= 0 ? px0 * s.pxMatrix.stride : -1;
  const mdcs = s.mdcs;
  const cands = s.mdcCandidates;
  // Without a trace, visit only the candidate MDCs of the principal codes (bits in
  // eval order); with one, visit every MDC so the trace shows why each failed.
  let todo = cands === null || rec !== null ? -1 : (cands.always | (dx0 >= 0 ? cands.dx[dx0]! : 0) | (px0 >= 0 ? cands.px[px0]! : 0)) >>> 0;
  if (todo !== -1 && cands!.dxAny !== null) todo = (todo | anyCandidates(c, cands!)) >>> 0;
  for (let m = 0; m < mdcs.length; m++) {
    if (todo !== -1) {
      if (todo === 0) break;
      m = 31 - Math.clz32(todo & -todo); // lowest set bit
      todo = (todo & (todo - 1)) >>> 0;
    }
    const mdc = mdcs[m]!;
    const k = mdc.preKind;
    const entered =
      (k === 0 ||
        (k === 1 && dxRow >= 0 && ((dxWords[dxRow + mdc.preWord]! >>> mdc.preBit) & 1) === 1) ||
        (k === 2 && pxRow >= 0 && ((pxWords[pxRow + mdc.preWord]! >>> mdc.preBit) & 1) === 1)) &&
      mdc.entry.test(c);
    if (rec !== null) rec.add({ kind: 'mdc', mdc: mdc.mdc, name: mdc.name, entered, why: mdc.entry.explain(c) });
    if (!entered) continue;
    const rs = mdc.rules;
    const pre = mdc.rulePre;
    for (let r = 0; r < rs.length; r++) {
      const p = pre[r]!;
      const rk = p & 3;
      const pass =
        rk === 0 ||
        (rk === 1 && dxRow >= 0 && ((dxWords[dxRow + (p >>> 7)]! >>> ((p >>> 2) & 31)) & 1) === 1) ||
        (rk === 2 && pxRow >= 0 && ((pxWords[pxRow + (p >>> 7)]! >>> ((p >>> 2) & 31)) & 1) === 1);
      if (!pass && rec === null) continue;
      const rule = rs[r]!;
      const matched = pass && rule.cond.test(c);
      if (rec !== null) rec.add({ kind: 'adrg', mdc: mdc.mdc, rule: rule.ruleId, adrg: rule.adrg, section: rule.section, matched, why: rule.cond.explain(c) });
      if (!matched) continue;
      c.mdc = mdc;
      c.rule = rule;
      if (rules.ambiguousQy && rule.section === 'medical' && c.nPx > 0 && c.px[0] !== EMPTY_SLOT && mdc.qyCode !== null) {
        if (rec !== null) rec.add({ kind: 'ambiguous', mdc: mdc.mdc, qy: mdc.qyCode, says: `ADRG ${rule.adrg} is medical but the case has principal procedure ${c.px[0]! >= 0 ? s.px.label(c.px[0]!) : c.pxCode(0)}: ambiguous group ${mdc.qyCode}` });
        return 'ambiguous';
      }
      const splits = rule.splits;
      for (let q = 0; q < splits.length; q++) {
        const split = splits[q]!;
        const ok = split.cond.test(c);
        if (rec !== null) rec.add({ kind: 'split', drg: split.drg, split: split.split, matched: ok, why: split.cond.explain(c) });
        if (ok) {
          c.split = split;
          return 'grouped';
        }
      }
      if (rec !== null) rec.add({ kind: 'fallback', drg: rule.fallback.drg, says: `no split of rule ${rule.ruleId} holds: the rule's fallback code ${rule.fallback.drg} is the DRG` });
      return 'grouped';
    }
    if (rec !== null) rec.add({ kind: 'mdc-exhausted', mdc: mdc.mdc, then: mdc.onNoAdrg });
    if (mdc.onNoAdrg === 'stop') {
      c.mdc = mdc;
      return 'ungroupable';
    }
  }
  return 'ungroupable';
}

/** Candidate MDCs from codes at any position (2.0's pre-MDCs whose rules test `any_*_in`). */
function anyCandidates(c: CaseContext, cands: MdcCandidates): number {
  let m = 0;
  const dxAny = cands.dxAny!;
  const pxAny = cands.pxAny!;
  for (let i = 0, n = c.nDx; i < n; i++) {
    const id = c.dx[i]!;
    if (id >= 0) m |= dxAny[id]!;
  }
  for (let i = 0, n = c.nPx; i < n; i++) {
    const id = c.px[i]!;
    if (id >= 0) m |= pxAny[id]!;
  }
  return m;
}

/** Build the result object from where selection ended (in `into` when given, else a new one). */
function finish(s: CompiledScheme, c: CaseContext, id: string, status: GroupStatus, reasons: readonly Note[], rec: TraceRecorder | null, into: ResultSlot | undefined): GroupResult {
  const mdc = c.mdc;
  const rule = c.rule;
  const split = c.split;
  let adrg: string | null = null;
  let drg = NO_DRG;
  let drgName = '';
  let drgIndex = -1;
  let ccLevel: CcLevel = 'none';
  let ccDx: string | null = null;
  if (status === 'grouped') {
    adrg = rule!.adrg;
    if (split !== null) {
      drg = split.drg;
      drgName = split.name;
      drgIndex = split.drgIndex;
      if (split.split !== 'ALWAYS') {
        if (!c.ccDone) computeComplications(c, s.complications);
        if (c.mccPos >= 0) {
          ccLevel = 'MCC';
          ccDx = c.dxCode(c.mccPos);
        } else if (split.split === 'MCC_OR_CC' && c.ccPos >= 0) {
          ccLevel = 'CC';
          ccDx = c.dxCode(c.ccPos);
        }
      }
    } else {
      drg = rule!.fallback.drg;
      drgName = rule!.fallback.name;
      drgIndex = rule!.fallback.drgIndex;
    }
  } else if (status === 'ambiguous') {
    adrg = drg = mdc!.qyCode!;
    drgName = s.drgs.get(drg)?.name ?? '';
    drgIndex = mdc!.qyIndex;
  } else if (reasons === NONE) {
    reasons = [
      mdc === null
        ? { code: 'mdc.none', message: 'no MDC takes this case (no entry condition holds with a matching ADRG rule)' }
        : { code: 'adrg.none', message: `the case belongs to ${mdc.mdc}, but none of its ADRG rules matches` },
    ];
  }
  const trace = rec === null ? undefined : (rec.add({ kind: 'result', status, drg, says: resultSentence(status, mdc?.mdc ?? null, adrg, drg, drgName, reasons, ccLevel, ccDx) }), rec.steps);
  c.drgIndex = drgIndex;
  const out = into ?? resultSlot();
  out.id = id;
  out.status = status;
  out.mdc = status === 'invalid' ? null : (mdc?.mdc ?? null);
  out.adrg = adrg;
  out.drg = drg;
  out.drgName = drgName;
  out.ccLevel = ccLevel;
  out.ccDx = ccDx;
  out.reasons = reasons;
  out.warnings = c.warnings ?? NONE;
  out.translations = c.translations ?? NONE;
  out.trace = trace;
  return out;
}

/** A result object to be filled by {@link groupPrepared}. */
export type ResultSlot = { -readonly [K in keyof GroupResult]: GroupResult[K] };

/**
 * A blank result. Bulk readers that write each result out before grouping
 * the next case pass one to {@link groupPrepared} to be overwritten every
 * time, instead of allocating a result per case.
 */
export function resultSlot(): ResultSlot {
  return { id: '', status: 'invalid', mdc: null, adrg: null, drg: NO_DRG, drgName: '', ccLevel: 'none', ccDx: null, reasons: NONE, warnings: NONE, translations: NONE, trace: undefined };
}

/** Intern a list of code strings into the context (empty items are ignored). */
function readCodes(c: CaseContext, table: CodeTable, map: Int32Array | undefined, codes: readonly string[], field: 'diagnoses' | 'procedures'): void {
  for (let i = 0; i < codes.length; i++) {
    const code = codes[i]!;
    const id = table.lookup(code);
    if (id === NO_CODE && code.trim() === '') continue; // empty list items are ignored
    addCode(c, table, map, id, code, field);
  }
}

/**
 * Add one code of a case to the context: translate it when a map is given,
 * warn when it is not in the dictionary, append its id. `raw` is the case's
 * spelling; readers that avoid making strings may pass '' for a code the
 * dictionary knows (its canonical spelling comes from the id).
 */
export function addCode(c: CaseContext, table: CodeTable, map: Int32Array | undefined, id: number, raw: string, field: 'diagnoses' | 'procedures'): void {
  const dx = field === 'diagnoses';
  const n = dx ? c.nDx : c.nPx;
  if (id !== NO_CODE && map !== undefined && map[id]! >= 0) {
    const to = map[id]!;
    (c.translations ??= []).push({ field, position: n + 1, from: table.codes[id]!, to: table.codes[to]! });
    id = to;
  }
  // Dictionary codes hold the lowest ids (see CodeTable.dictionarySize).
  if (id < 0 || id >= table.dictionarySize) {
    const what = dx ? 'diagnosis' : 'procedure';
    const text = id >= 0 ? table.codes[id]! : raw.trim();
    c.warn({
      code: dx ? 'dx.unknown' : 'px.unknown',
      field,
      message: id === NO_CODE ? `${what} ${n + 1} "${text}" is not a code of this scheme` : `${what} ${n + 1} "${text}" is not in the scheme's dictionary (it is used by the scheme's lists)`,
    });
  }
  // Entries past n stay stale: truncating an array is a slow runtime call.
  if (dx) {
    if (n === c.dx.length) c.growDx();
    c.dx[n] = id;
    c.dxRaw[n] = raw;
    c.nDx = n + 1;
  } else {
    if (n === c.px.length) c.growPx();
    c.px[n] = id;
    c.pxRaw[n] = raw;
    c.nPx = n + 1;
  }
}

function describePatient(c: CaseContext): string {
  const parts = [
    `sex ${c.sex === c.sex ? c.sex : 'missing'}`,
    `age ${c.age === c.age ? c.age : 'missing'}`,
  ];
  if (c.age_days === c.age_days) parts.push(`age_days ${c.age_days}`);
  if (c.birth_weight === c.birth_weight) parts.push(`birth_weight ${c.birth_weight} g`);
  parts.push(`${c.nDx} diagnos${c.nDx === 1 ? 'is' : 'es'}`, `${c.nPx} procedure${c.nPx === 1 ? '' : 's'}`);
  return parts.join(', ');
}

function recordInput(rec: TraceRecorder, c: CaseContext, s: CompiledScheme): void {
  const show = (table: CodeTable, ids: Int32Array, code: (i: number) => string, n: number): string =>
    n === 0 ? 'none' : Array.from({ length: n }, (_, i) => (ids[i]! >= 0 ? table.label(ids[i]!) : `${code(i)} (unknown)`)).join('; ');
  rec.add({ kind: 'input', says: `diagnoses (principal first): ${show(s.dx, c.dx, (i) => c.dxCode(i), c.nDx)}` });
  rec.add({ kind: 'input', says: `procedures (principal first): ${show(s.px, c.px, (i) => c.pxCode(i), c.nPx)}` });
  for (const t of c.translations ?? NONE) rec.add({ kind: 'input', says: `translated ${t.field === 'diagnoses' ? 'diagnosis' : 'procedure'} ${t.position}: ${t.from} → ${t.to}` });
  for (const w of c.warnings ?? NONE) rec.add({ kind: 'input', says: `warning: ${w.message}` });
}

function resultSentence(status: GroupStatus, mdc: string | null, adrg: string | null, drg: string, name: string, reasons: readonly Note[], cc: CcLevel, ccDx: string | null): string {
  switch (status) {
    case 'grouped':
      return `result: DRG ${drg}${name ? ` ${name}` : ''} (${mdc}, ADRG ${adrg}${cc !== 'none' ? `, ${cc} from ${ccDx}` : ''})`;
    case 'ambiguous':
      return `result: ambiguous group ${drg} (${mdc})`;
    case 'ungroupable':
      return `result: ungroupable (DRG ${NO_DRG}${mdc !== null ? `, ${mdc}` : ''}) — ${reasons.map((r) => r.message).join('; ')}`;
    case 'invalid':
      return `result: invalid (DRG ${NO_DRG}) — ${reasons.map((r) => r.code).join(', ')}`;
  }
}
