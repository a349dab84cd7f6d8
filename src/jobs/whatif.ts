/**
 * The `whatif` job: for each case, the group with each diagnosis and each
 * procedure taken as principal.
 */
import { CaseDecoder, type ColumnMap } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { parseBatch } from '../io/rows.js';
import { loadSchemeSync, whatIf, type CompiledScheme, type GroupResult, type WhatIf } from '../../groupers/chs-drg/index.js';
import type { BatchJob, BatchOutput, JobSpecBase } from '../bulk/job.js';
import { invalidResult, zeroCounts } from './group.js';

export interface WhatIfJobSpec extends JobSpecBase {
  readonly kind: 'whatif';
  /** Scheme folder (resolved). */
  readonly scheme: string;
  readonly format: 'text' | 'jsonl' | 'csv';
  readonly translate: boolean;
  readonly columns: readonly (readonly [string, CaseField])[];
}

export class WhatIfJob implements BatchJob {
  readonly decoder: CaseDecoder;
  readonly scheme: CompiledScheme;
  constructor(
    readonly spec: WhatIfJobSpec,
    scheme?: CompiledScheme,
  ) {
    this.scheme = scheme ?? loadSchemeSync(spec.scheme);
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
  }

  head(): string {
    return this.spec.format === 'csv' ? csvLine(['id', 'line', 'as', 'position', 'code', 'status', 'drg', 'drg_name', 'changed']) : '';
  }

  run(batch: RecordBatch): BatchOutput {
    const counts = zeroCounts();
    let out = '';
    const emit = (line: number, id: string, w: WhatIf | null, invalid: GroupResult | null): void => {
      counts['read']!++;
      const base = w?.base ?? invalid!;
      counts[base.status]!++;
      out += this.format(line, id, w, base);
    };
    parseBatch(batch, this.decoder.width, this.spec.newline, {
      row: (line, cells) => {
        const { case: c, problems } = this.decoder.decode(cells);
        if (problems !== null) emit(line, c.id, null, invalidResult(c.id, problems.map((p) => ({ code: p.code, field: p.field, message: `line ${line}: ${p.message}` }))));
        else emit(line, c.id, whatIf(this.scheme, c, { translate: this.spec.translate }), null);
      },
      blank: () => {
        counts['blank']!++;
      },
      bad: (line, _raw, code, message) => emit(line, '', null, invalidResult('', [{ code, message }])),
    });
    return { out, rejects: '', counts };
  }

  private format(line: number, id: string, w: WhatIf | null, base: GroupResult): string {
    const label = (r: GroupResult) => (r.status === 'grouped' || r.status === 'ambiguous' ? `${r.drg} ${r.drgName}` : `${r.status} (${r.reasons.map((n) => n.code).join('|')})`);
    switch (this.spec.format) {
      case 'jsonl':
        return `${JSON.stringify({ line, id, ...(w ?? { base, principalDiagnosis: [], principalProcedure: [] }) })}\n`;
      case 'csv': {
        let s = csvLine([id, String(line), 'coded', '', '', base.status, base.drg, base.drgName, '']);
        for (const [as, list] of [['principal_dx', w?.principalDiagnosis ?? []], ['principal_px', w?.principalProcedure ?? []]] as const) {
          for (const a of list) s += csvLine([id, String(line), as, String(a.position), a.code, a.result.status, a.result.drg, a.result.drgName, a.changed ? 'yes' : 'no']);
        }
        return s;
      }
      case 'text': {
        const lines = [`${id || '(no id)'} (line ${line}) as coded: ${label(base)}`];
        if (w !== null) {
          if (w.principalDiagnosis.length > 1) {
            lines.push('  with principal diagnosis:');
            for (const a of w.principalDiagnosis) lines.push(`    ${a.position}. ${a.code.padEnd(14)} → ${label(a.result)}${a.position === 1 ? '  (as coded)' : a.changed ? '  *changed*' : ''}`);
          }
          if (w.principalProcedure.length > 1) {
            lines.push('  with principal procedure:');
            for (const a of w.principalProcedure) lines.push(`    ${a.position}. ${a.code.padEnd(14)} → ${label(a.result)}${a.position === 1 ? '  (as coded)' : a.changed ? '  *changed*' : ''}`);
          }
        }
        return `${lines.join('\n')}\n\n`;
      }
    }
  }
}
