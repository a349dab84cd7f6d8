/**
 * The `qc` job: a batch of CSV records in, one CSV row per finding out, and a
 * per-hospital tally for the summary.
 *
 *   records → rows (parseBatch) → cases (CaseDecoder) → findings (Checker) → CSV
 *
 * Like the group job, it is built from a plain spec (so each worker thread
 * builds its own), and a batch's output depends only on the batch.
 */
import { CaseDecoder, type ColumnMap } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { csvField, csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { visitLines } from '../io/lines.js';
import { loadSchemeSync, type CompiledScheme } from '../../groupers/chs-drg/index.js';
import { configOf, type QcConfig } from '../qc/config.js';
import { checkerFor } from '../qc/engine.js';
import { QcRowReader } from '../qc/record.js';
import { mergeTally, type QcTally, tallyCase } from '../qc/summary.js';
import type { Finding } from '../qc/types.js';
import { firstCell, REJECTS_HEADER } from './group.js';

export interface QcJobSpec extends JobSpecBase {
  readonly kind: 'qc';
  /** Scheme folder (resolved). */
  readonly scheme: string;
  /** Region configuration file (resolved), or null for the defaults. */
  readonly config: string | null;
  /** Send malformed rows to the rejects stream instead of reporting them as findings. */
  readonly rejects: boolean;
  readonly columns: readonly (readonly [string, CaseField])[];
}

/** Columns of the findings file. */
export const FINDINGS_HEADER = csvLine(['id', 'line', 'rule', 'severity', 'field', 'value', 'message']);
export { REJECTS_HEADER };

/** Counters: read = clean + warned + errored + rejected (blank lines apart); errors and warnings count findings. */
export const zeroQcCounts = (): Counts => ({ read: 0, clean: 0, warned: 0, errored: 0, rejected: 0, blank: 0, errors: 0, warnings: 0 });

export class QcJob implements BatchJob<QcTally> {
  readonly decoder: CaseDecoder;
  readonly rows: QcRowReader;

  constructor(
    readonly spec: QcJobSpec,
    loaded: { scheme?: CompiledScheme; config?: QcConfig } = {},
  ) {
    const scheme = loaded.scheme ?? loadSchemeSync(spec.scheme);
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
    this.rows = new QcRowReader(checkerFor(scheme, loaded.config ?? configOf(spec.config)), spec.header);
  }

  static merge(a: QcTally, b: QcTally): QcTally {
    return mergeTally(a, b);
  }

  head(): string {
    return FINDINGS_HEADER;
  }

  run(batch: RecordBatch): BatchOutput<QcTally> {
    const counts = zeroQcCounts();
    const tally: QcTally = {};
    let out = '';
    let rejects = '';
    const emit = (line: number, id: string, hospital: string, findings: readonly Finding[]): void => {
      counts['read']!++;
      let errors = 0;
      const idCell = csvField(id);
      for (const f of findings) {
        if (f.severity === 'error') errors++;
        // Rule ids and severities never hold a comma or quote; the rest goes through csvField.
        out += `${idCell},${line},${f.rule},${f.severity},${csvField(f.field)},${csvField(f.value)},${csvField(f.message)}\n`;
      }
      counts['errors']! += errors;
      counts['warnings']! += findings.length - errors;
      counts[findings.length === 0 ? 'clean' : errors > 0 ? 'errored' : 'warned']!++;
      tallyCase(tally, hospital, findings);
    };
    visitLines(batch, this.decoder.width, this.spec.newline, {
      row: (line, cells) => {
        const { case: c, problems } = this.decoder.decode(cells);
        emit(line, c.id, c.hospital_id ?? '', this.rows.check(line, cells, c, problems));
      },
      blank: () => {
        counts['blank']!++;
      },
      bad: (line, raw, code, message) => {
        if (this.spec.rejects) {
          counts['read']!++;
          counts['rejected']!++;
          rejects += csvLine([String(line), code, message, raw]);
        } else {
          emit(line, firstCell(raw), '', this.rows.malformed(line, raw, message));
        }
      },
    });
    return { out, rejects, counts, aggregate: tally };
  }
}
