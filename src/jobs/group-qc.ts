/**
 * `drg group --qc`: the quality checks inside the group job. A case with an
 * error finding is not grouped: it becomes `invalid` with the rule ids of its
 * errors as reasons. Every case carries its findings (a `qc_findings` column
 * in CSV, a `qc` field in JSON lines).
 */
import { addCode, groupPrepared, resultSlot, type CompiledScheme, type GroupResult, type Note } from '../../groupers/chs-drg/index.js';
import { NO_CODE } from '../../groupers/chs-drg/codes.js';
import type { ByteWriter } from '../io/bytes.js';
import { configOf } from '../qc/config.js';
import { checkerFor, hasError } from '../qc/engine.js';
import { QcRowReader } from '../qc/record.js';
import type { Finding } from '../qc/types.js';

/** The quality-check part of a group job spec. */
export interface QcSpec {
  /** Region configuration file (resolved), or null for the defaults. */
  readonly config: string | null;
}

const outside = (table: CompiledScheme['dx'], id: number): boolean => id === NO_CODE || id >= table.dictionarySize;

export class GroupQc {
  readonly rows: QcRowReader;
  /** The result of {@link group}, overwritten by the next call (callers write it out before checking the next case). */
  private readonly slot = resultSlot();

  constructor(
    spec: QcSpec,
    private readonly scheme: CompiledScheme,
    header: readonly string[],
  ) {
    this.rows = new QcRowReader(checkerFor(scheme, configOf(spec.config)), header);
  }

  /**
   * Group the case just checked, reusing the checker's code look-ups: the
   * same result as groupCase on that case (a test holds them equal), without
   * looking each code up a second time. The result is valid until the next call.
   */
  group(trace: boolean, translate: boolean): GroupResult {
    const v = this.rows.checker.view;
    const s = this.scheme;
    const c = s.ctx;
    const map = translate ? s.translation : undefined;
    c.reset(v.nDx, v.nPx);
    c.sex = v.sex;
    c.age = v.age;
    c.age_days = v.age_days;
    c.birth_weight = v.birth_weight;
    c.los = v.los;
    c.discharge = v.discharge;
    c.vent_hours = v.vent_hours;
    // As FusedReader.fillContext: a code's string only for one the dictionary does not know (its warning quotes it).
    for (let i = 0; i < v.nDx; i++) addCode(c, s.dx, map?.dx, v.dxId[i]!, outside(s.dx, v.dxId[i]!) ? v.dxCode(i) : '', 'diagnoses');
    for (let i = 0; i < v.nPx; i++) addCode(c, s.px, map?.px, v.pxId[i]!, outside(s.px, v.pxId[i]!) ? v.pxCode(i) : '', 'procedures');
    return groupPrepared(s, c, v.input.id ?? '', trace, this.slot);
  }

  /** True when the findings keep the case from being grouped. */
  blocks(findings: readonly Finding[]): boolean {
    return hasError(findings);
  }

  /** Why a case its errors keep from grouping is invalid: the error rules, with their messages. */
  reasons(findings: readonly Finding[]): Note[] {
    return findings.filter((f) => f.severity === 'error').map((f) => ({ code: f.rule, field: f.field, message: f.message }));
  }
}

/** Findings in one CSV cell: `severity rule field=value`, `|`-separated, in rule order. */
export function findingsCell(findings: readonly Finding[]): string {
  return findings.map((f) => `${f.severity} ${f.rule} ${f.field}=${f.value}`).join('|');
}

/** The findings cell as CSV bytes, the same as csvField(findingsCell(…)) but without building the text unless it needs quotes (rare). */
export function writeFindingsCell(w: ByteWriter, findings: readonly Finding[]): void {
  // Severities and rule ids are plain ASCII words; only fields and values can need quotes.
  for (const f of findings) if (!quoteFree(f.field) || !quoteFree(f.value)) return w.field(findingsCell(findings));
  for (let i = 0; i < findings.length; i++) {
    const f = findings[i]!;
    if (i > 0) w.byte(124);
    w.ascii(f.severity);
    w.byte(32);
    w.ascii(f.rule);
    w.byte(32);
    plain(w, f.field);
    w.byte(61);
    plain(w, f.value);
  }
}

/** True when csvField(s) is s (no comma, quote or line break): a char scan, no regex. */
function quoteFree(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 44 || c === 34 || c === 10 || c === 13) return false;
  }
  return true;
}

/** Text needing no quotes: ASCII copied char by char (codes, numbers, field names), anything else encoded. */
function plain(w: ByteWriter, s: string): void {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return w.text(s);
  w.ascii(s);
}
