/**
 * Traces: the ordered decision steps of one grouping, as data and as text a
 * coder can read. Recording is opt-in: the engine only touches a recorder
 * when one was asked for, so grouping without a trace pays one null check per
 * decision and builds nothing.
 */
import type { Explanation } from './predicates/types.js';
import type { GroupStatus } from './result.js';
import type { SplitKind } from './scheme.js';

export type TraceStep =
  /** How the case's codes were read: translations, unknown codes, emptied slots. */
  | { readonly kind: 'input'; readonly says: string }
  /** A validation step (patient information, code checks). */
  | { readonly kind: 'check'; readonly name: string; readonly ok: boolean; readonly says: string }
  /** An MDC entry predicate, tried in evaluation order. */
  | { readonly kind: 'mdc'; readonly mdc: string; readonly name: string; readonly entered: boolean; readonly why: Explanation }
  /** An ADRG rule of an entered MDC, tried in order. */
  | { readonly kind: 'adrg'; readonly mdc: string; readonly rule: string; readonly adrg: string; readonly section: string; readonly matched: boolean; readonly why: Explanation }
  /** The MDC was entered but none of its rules matched. */
  | { readonly kind: 'mdc-exhausted'; readonly mdc: string; readonly then: 'next' | 'stop' }
  /** A DRG split of the matched rule, tried in order. */
  | { readonly kind: 'split'; readonly drg: string; readonly split: SplitKind; readonly matched: boolean; readonly why: Explanation }
  /** No split matched; the rule's fallback code is the DRG. */
  | { readonly kind: 'fallback'; readonly drg: string; readonly says: string }
  /** A medical ADRG with a principal procedure: the ambiguous group (2.0). */
  | { readonly kind: 'ambiguous'; readonly mdc: string; readonly qy: string; readonly says: string }
  /** The outcome. */
  | { readonly kind: 'result'; readonly status: GroupStatus; readonly drg: string; readonly says: string };

/** Collects steps; created only when a trace is requested. */
export class TraceRecorder {
  readonly steps: TraceStep[] = [];
  add(step: TraceStep): void {
    this.steps.push(step);
  }
}

export interface FormatOptions {
  /** Show every ADRG rule that was tried and failed (default true). */
  readonly failedRules?: boolean;
}

/** Render a trace as numbered lines of text. */
export function formatTrace(steps: readonly TraceStep[], options: FormatOptions = {}): string {
  const lines: string[] = [];
  let n = 0;
  const step = (text: string) => lines.push(`${String(++n).padStart(3)}. ${text}`);
  for (const s of steps) {
    switch (s.kind) {
      case 'input':
        step(s.says);
        break;
      case 'check':
        step(`${s.name}: ${s.ok ? 'passed' : 'failed'}${s.says ? ` — ${s.says}` : ''}`);
        break;
      case 'mdc':
        step(`${s.mdc}${s.name ? ` ${s.name}` : ''}: ${s.entered ? 'entered' : 'not entered'} — ${leafReason(s.why)}`);
        if (s.entered) explainLines(s.why, 1, lines);
        break;
      case 'adrg':
        if (s.matched) {
          step(`${s.rule === s.adrg ? `ADRG ${s.adrg}` : `ADRG ${s.adrg} (rule ${s.rule})`} (${s.section}) matches`);
          explainLines(s.why, 1, lines);
        } else if (options.failedRules !== false) {
          step(`${s.rule === s.adrg ? `ADRG ${s.adrg}` : `ADRG ${s.adrg} (rule ${s.rule})`} does not match — ${leafReason(s.why)}`);
        }
        break;
      case 'mdc-exhausted':
        step(`no ADRG rule of ${s.mdc} matches: ${s.then === 'next' ? 'continue with the next MDC' : `${s.mdc} is final, so the case is ungroupable`}`);
        break;
      case 'split':
        step(`split ${s.drg} (${s.split}): ${s.matched ? 'holds' : 'does not hold'} — ${leafReason(s.why)}`);
        if (s.why.parts !== undefined && (s.split !== 'ALWAYS')) explainLines(s.why, 1, lines);
        break;
      case 'fallback':
      case 'ambiguous':
      case 'result':
        step(s.says);
        break;
    }
  }
  return lines.join('\n');
}

/** The most telling leaf of an explanation: for a failure, the first failing leaf; for a success, the summary. */
function leafReason(e: Explanation): string {
  if (!e.ok && e.parts !== undefined && e.parts.length > 0 && e.says.startsWith('not all')) {
    const failing = e.parts[e.parts.length - 1]!;
    return leafReason(failing);
  }
  return e.says;
}

function explainLines(e: Explanation, depth: number, out: string[]): void {
  if (e.parts === undefined) return;
  for (const p of e.parts) {
    out.push(`${'     '}${'  '.repeat(depth)}${p.ok ? '✓' : '✗'} ${p.says}`);
    explainLines(p, depth + 1, out);
  }
}
