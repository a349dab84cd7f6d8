/**
 * Data-quality summary per hospital and overall: cases checked, the share
 * with errors and with warnings only, findings per rule, and a quality score.
 *
 * Quality score (0–100), per hospital and overall:
 *
 *   score = 100 × (1 − (E + w × W) / N)
 *
 * N cases checked, E cases with at least one error, W cases with warnings but
 * no error, w the weight of a warnings-only case (config
 * `params.score_warning_weight`, default 0.2). A clean file scores 100; a file
 * where every case has an error scores 0. Rounded to one decimal, half up.
 *
 * A tally is plain JSON (it crosses worker threads) and merges by addition,
 * so the summary does not depend on how the file was split.
 */
import { csvLine } from '../io/csv.js';
import type { Finding } from './types.js';

export interface HospitalTally {
  cases: number;
  /** Cases without findings. */
  clean: number;
  /** Cases with warnings but no error. */
  warned: number;
  /** Cases with at least one error. */
  errored: number;
  /** Findings by severity. */
  errors: number;
  warnings: number;
  /** Rule id → [findings, cases]. */
  rules: Record<string, [number, number]>;
}

/** Hospital id ('' when the case has none) → tally. */
export type QcTally = Record<string, HospitalTally>;

const empty = (): HospitalTally => ({ cases: 0, clean: 0, warned: 0, errored: 0, errors: 0, warnings: 0, rules: {} });

/** Count one case's findings (in rule order, as the checker returns them). */
export function tallyCase(t: QcTally, hospital: string, findings: readonly Finding[]): void {
  const h = (t[hospital] ??= empty());
  h.cases++;
  let errors = 0;
  let prev = '';
  for (const f of findings) {
    if (f.severity === 'error') errors++;
    const r = (h.rules[f.rule] ??= [0, 0]);
    r[0]++;
    // A rule's findings are adjacent: count the case once per rule.
    if (f.rule !== prev) r[1]++;
    prev = f.rule;
  }
  h.errors += errors;
  h.warnings += findings.length - errors;
  if (findings.length === 0) h.clean++;
  else if (errors > 0) h.errored++;
  else h.warned++;
}

function addInto(into: HospitalTally, b: HospitalTally): void {
  into.cases += b.cases;
  into.clean += b.clean;
  into.warned += b.warned;
  into.errored += b.errored;
  into.errors += b.errors;
  into.warnings += b.warnings;
  for (const [rule, [f, c]] of Object.entries(b.rules)) {
    const r = (into.rules[rule] ??= [0, 0]);
    r[0] += f;
    r[1] += c;
  }
}

/** Merge two tallies (the job registry's aggregate merge). */
export function mergeTally(a: QcTally, b: QcTally): QcTally {
  const out: QcTally = {};
  for (const t of [a, b]) for (const [k, h] of Object.entries(t)) addInto((out[k] ??= empty()), h);
  return out;
}

export interface RuleCount {
  readonly rule: string;
  readonly findings: number;
  readonly cases: number;
}

export interface SummaryRow {
  /** Hospital id; `(all)` for the overall row, `(none)` for cases without one. */
  readonly hospital: string;
  readonly cases: number;
  readonly clean: number;
  readonly warningOnly: number;
  readonly withErrors: number;
  /** Shares of cases, 0–1. */
  readonly errorShare: number;
  readonly warningShare: number;
  readonly errors: number;
  readonly warnings: number;
  /** 0–100, one decimal; null when no case was checked. */
  readonly score: number | null;
  /** Rules by cases affected (most first, then by id). */
  readonly rules: readonly RuleCount[];
}

export interface QcSummary {
  readonly overall: SummaryRow;
  /** By hospital id, sorted. */
  readonly hospitals: readonly SummaryRow[];
  /** Weight of a warnings-only case in the score. */
  readonly warningWeight: number;
}

/** The quality score (see the module comment). */
export function qualityScore(cases: number, withErrors: number, warningOnly: number, warningWeight: number): number | null {
  if (cases === 0) return null;
  const raw = 100 * (1 - (withErrors + warningWeight * warningOnly) / cases);
  // One decimal, half up; the small epsilon keeps 12.35 (stored as 12.34999…) rounding up.
  return Math.floor(raw * 10 + 0.5 + 1e-9) / 10;
}

function row(hospital: string, h: HospitalTally, w: number): SummaryRow {
  const rules = Object.entries(h.rules)
    .map(([rule, [findings, cases]]) => ({ rule, findings, cases }))
    .sort((a, b) => b.cases - a.cases || b.findings - a.findings || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
  return {
    hospital,
    cases: h.cases,
    clean: h.clean,
    warningOnly: h.warned,
    withErrors: h.errored,
    errorShare: h.cases > 0 ? h.errored / h.cases : 0,
    warningShare: h.cases > 0 ? h.warned / h.cases : 0,
    errors: h.errors,
    warnings: h.warnings,
    score: qualityScore(h.cases, h.errored, h.warned, w),
    rules,
  };
}

/** Build the summary of a tally. */
export function summarise(t: QcTally, warningWeight: number): QcSummary {
  const all = empty();
  for (const h of Object.values(t)) addInto(all, h);
  const hospitals = Object.keys(t)
    .sort()
    .map((k) => row(k === '' ? '(none)' : k, t[k]!, warningWeight));
  return { overall: row('(all)', all, warningWeight), hospitals, warningWeight };
}

const pct = (x: number): string => `${(Math.round(x * 1000) / 10).toFixed(1)}%`;

/** The top rules as text: `sex.dx 12 | code.dx_unknown 5 | …` (cases affected). */
export function topRules(r: SummaryRow, n = 5): string {
  return r.rules
    .slice(0, n)
    .map((x) => `${x.rule} ${x.cases}`)
    .join(' | ');
}

export const SUMMARY_HEADER = ['hospital_id', 'cases', 'clean', 'warning_only', 'with_errors', 'error_share', 'warning_share', 'errors', 'warnings', 'score', 'top_rules'];

/** The summary as CSV: the overall row first, then one row per hospital. */
export function summaryCsv(s: QcSummary): string {
  let out = csvLine(SUMMARY_HEADER);
  for (const r of [s.overall, ...s.hospitals]) {
    out += csvLine([r.hospital, String(r.cases), String(r.clean), String(r.warningOnly), String(r.withErrors), pct(r.errorShare), pct(r.warningShare), String(r.errors), String(r.warnings), r.score === null ? '' : r.score.toFixed(1), topRules(r)]);
  }
  return out;
}

/** The summary as JSON (every rule, not only the top ones). */
export function summaryJson(s: QcSummary, about: Record<string, unknown> = {}): string {
  return `${JSON.stringify({ ...about, scoreFormula: `100 × (1 − (cases with errors + ${s.warningWeight} × cases with warnings only) / cases)`, ...s }, null, 2)}\n`;
}

/** A few lines for a terminal: the overall figures and the top rules. */
export function summaryText(s: QcSummary): string {
  const o = s.overall;
  const lines = [
    `quality score ${o.score === null ? '-' : o.score.toFixed(1)} over ${o.cases} cases: ${o.withErrors} with errors (${pct(o.errorShare)}), ${o.warningOnly} with warnings only (${pct(o.warningShare)}), ${o.clean} clean; ${s.hospitals.length} hospital${s.hospitals.length === 1 ? '' : 's'}`,
  ];
  if (o.rules.length > 0) lines.push(`top rules (cases): ${topRules(o)}`);
  return lines.join('\n');
}
