/**
 * The `dip-whatif` job: for each case, every DIP group it could reach (each
 * diagnosis as principal) with its score and payment.
 */
import { CaseDecoder, type ColumnMap } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { parseBatch } from '../io/rows.js';
import { formatYuan } from '../money.js';
import { DipScorer, type DipWhatIf, whatIfDip } from '../payment/dip/index.js';
import { loadDirectorySync, type CompiledDirectory } from '../../groupers/dip/index.js';
import { headerPosition, ICU_DAYS_COLUMN } from './dip-group.js';

export interface DipWhatIfJobSpec extends JobSpecBase {
  readonly kind: 'dip-whatif';
  readonly directory: string;
  readonly format: 'text' | 'jsonl' | 'csv';
  readonly columns: readonly (readonly [string, CaseField])[];
  readonly pointValue: string | null;
}

export const DIP_WHATIF_COLUMNS = ['id', 'line', 'position', 'principal', 'group', 'group_name', 'kind', 'match', 'related_matched', 'related_total', 'chosen', 'score', 'deviation', 'payment'];

export class DipWhatIfJob implements BatchJob {
  readonly decoder: CaseDecoder;
  readonly directory: CompiledDirectory;
  private readonly scorer: DipScorer;
  private readonly icuAt: number;

  constructor(
    readonly spec: DipWhatIfJobSpec,
    directory?: CompiledDirectory,
  ) {
    this.directory = directory ?? loadDirectorySync(spec.directory);
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
    this.scorer = new DipScorer(this.directory, spec.pointValue ?? undefined);
    this.icuAt = headerPosition(spec.header, ICU_DAYS_COLUMN);
  }

  head(): string {
    return this.spec.format === 'csv' ? csvLine(DIP_WHATIF_COLUMNS) : '';
  }

  run(batch: RecordBatch): BatchOutput {
    const counts: Counts = { read: 0, cases: 0, invalid: 0, blank: 0 };
    let out = '';
    const bad = (line: number, id: string, message: string) => {
      counts['read']!++;
      counts['invalid']!++;
      out += this.spec.format === 'csv' ? csvLine([id, String(line), '', '', '', '', '', '', '', '', '', '', '', '']) : this.spec.format === 'jsonl' ? `${JSON.stringify({ line, id, invalid: message })}\n` : `${id || '(no id)'} (line ${line}): invalid — ${message}\n\n`;
    };
    parseBatch(batch, this.decoder.width, this.spec.newline, {
      row: (line, cells) => {
        const { case: c, problems } = this.decoder.decode(cells);
        const icuText = this.icuAt >= 0 ? cells[this.icuAt]!.trim() : '';
        if (problems !== null) return bad(line, c.id, problems.map((p) => p.message).join('; '));
        if (icuText !== '' && !/^\d{1,5}$/.test(icuText)) return bad(line, c.id, `icu_days "${icuText}" is not a whole number of days`);
        counts['read']!++;
        counts['cases']!++;
        out += this.format(line, c.id, whatIfDip(this.directory, { ...c, icu_days: icuText === '' ? null : Number(icuText) }, { scorer: this.scorer }));
      },
      blank: () => {
        counts['blank']!++;
      },
      bad: (line, _raw, _code, message) => bad(line, '', message),
    });
    return { out, rejects: '', counts };
  }

  private format(line: number, id: string, rows: readonly DipWhatIf[]): string {
    switch (this.spec.format) {
      case 'csv':
        return rows.length === 0
          ? csvLine([id, String(line), '', '', '', '', '', '', '', '', '', '', '', ''])
          : rows.map((r) => csvLine([id, String(line), String(r.position), r.principal, r.group.code, r.group.name, r.group.kind, r.match, String(r.relatedMatched), String(r.relatedTotal), r.chosen ? 'yes' : 'no', r.score.toFixed(), r.deviation ?? '', formatYuan(r.payment)])).join('');
      case 'jsonl':
        return `${JSON.stringify({ line, id, reachable: rows.map((r) => ({ position: r.position, principal: r.principal, group: r.group.code, group_name: r.group.name, kind: r.group.kind, match: r.match, related_matched: r.relatedMatched, related_total: r.relatedTotal, chosen: r.chosen, score: r.score.toFixed(), deviation: r.deviation, payment: formatYuan(r.payment) })) })}\n`;
      case 'text': {
        const lines = [`${id || '(no id)'} (line ${line})`];
        if (rows.length === 0) lines.push('  no group reachable');
        let position = 0;
        for (const r of rows) {
          if (r.position !== position) {
            position = r.position;
            lines.push(`  principal ${r.principal}${r.position === 1 ? ' (as coded)' : ` (diagnosis ${r.position})`}:`);
          }
          const how = r.match === 'conservative' || r.match === 'comprehensive' ? r.match : `${r.match}, related ${r.relatedMatched}/${r.relatedTotal}`;
          lines.push(`    ${r.chosen ? '→' : ' '} ${r.group.code} ${r.group.name} [${how}]: score ${r.score.toFixed()}${r.deviation !== null && r.deviation !== 'normal' ? ` (${r.deviation})` : ''}, payment ${formatYuan(r.payment)}`);
        }
        return `${lines.join('\n')}\n\n`;
      }
    }
  }
}
