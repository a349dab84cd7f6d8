/**
 * `drg group --qc`: the quality checks inside the group job. A case with an
 * error finding is not grouped: it becomes `invalid` with the rule ids of its
 * errors as reasons. Every case carries its findings (a `qc_findings` column
 * in CSV, a `qc` field in JSON lines).
 */
import type { CompiledScheme, Note } from '../../groupers/chs-drg/index.js';
import { configOf } from '../qc/config.js';
import { checkerFor, hasError } from '../qc/engine.js';
import { QcRowReader } from '../qc/record.js';
import type { Finding } from '../qc/types.js';

/** The quality-check part of a group job spec. */
export interface QcSpec {
  /** Region configuration file (resolved), or null for the defaults. */
  readonly config: string | null;
}

export class GroupQc {
  readonly rows: QcRowReader;

  constructor(spec: QcSpec, scheme: CompiledScheme, header: readonly string[]) {
    this.rows = new QcRowReader(checkerFor(scheme, configOf(spec.config)), header);
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
