/**
 * The `qc` job: a batch of CSV records in, one CSV row per finding out, and a
 * per-hospital tally for the summary.
 *
 *   records → rows (visitLines) → cases (CaseDecoder) → findings (Checker) → CSV bytes
 *   quote-free batches: lines (FusedReader) → findings (FusedQc, no case objects) → CSV bytes
 *
 * Like the group job, it is built from a plain spec (so each worker thread
 * builds its own), and a batch's output depends only on the batch.
 */
import { CaseDecoder, type ColumnMap } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { ByteWriter } from '../io/bytes.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { visitLines } from '../io/lines.js';
import type { RowVisitor } from '../io/rows.js';
import { loadSchemeSync, type CompiledScheme } from '../../groupers/chs-drg/index.js';
import { configOf, type QcConfig } from '../qc/config.js';
import { checkerFor } from '../qc/engine.js';
import { QcRowReader } from '../qc/record.js';
import { mergeTally, type QcTally, tallyCase } from '../qc/summary.js';
import type { Finding } from '../qc/types.js';
import { FusedReader, genericLine } from './group-fast.js';
import { firstCell, REJECTS_HEADER } from './group.js';
import { FusedQc } from './qc-fast.js';

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

/** A comma, then a CSV field. */
function nextField(w: ByteWriter, s: string): void {
  w.byte(44);
  w.field(s);
}

export class QcJob implements BatchJob<QcTally> {
  readonly decoder: CaseDecoder;
  readonly rows: QcRowReader;
  /** The fused reader and the checks on its clean lines (see qc-fast.ts), or null to always take the generic path. */
  private readonly fused: FusedReader | null;
  private readonly fusedQc: FusedQc | null;
  /** The findings are written as bytes (see io/bytes.ts); reused across batches. */
  private readonly bytes = new ByteWriter(1 << 20);

  constructor(
    readonly spec: QcJobSpec,
    loaded: { scheme?: CompiledScheme; config?: QcConfig; fused?: boolean } = {},
  ) {
    const scheme = loaded.scheme ?? loadSchemeSync(spec.scheme);
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
    this.rows = new QcRowReader(checkerFor(scheme, loaded.config ?? configOf(spec.config)), spec.header);
    this.fused = loaded.fused === false ? null : FusedReader.for(this.decoder);
    this.fusedQc = this.fused === null ? null : new FusedQc(this.fused, this.decoder, this.rows);
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
    const w = this.bytes;
    let rejects = '';
    const emit = (line: number, id: string, hospital: string, findings: readonly Finding[]): void => {
      counts['read']!++;
      let errors = 0;
      for (const f of findings) {
        if (f.severity === 'error') errors++;
        // Line numbers, rule ids and severities never hold a comma or quote; the rest is written as CSV fields.
        w.field(id);
        w.ascii(`,${line},${f.rule},${f.severity},`);
        w.field(f.field);
        nextField(w, f.value);
        nextField(w, f.message);
        w.byte(10);
      }
      counts['errors']! += errors;
      counts['warnings']! += findings.length - errors;
      counts[findings.length === 0 ? 'clean' : errors > 0 ? 'errored' : 'warned']!++;
      tallyCase(tally, hospital, findings);
    };
    const generic: RowVisitor = {
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
    };
    const fused = this.fused;
    const fusedQc = this.fusedQc;
    if (fused !== null && fusedQc !== null && !batch.multiline) {
      const slow = genericLine(generic, this.decoder.width, this.spec.newline);
      fused.each(batch, this.spec.newline, {
        clean: (line, id) => (fusedQc.read() ? emit(line, id, fusedQc.hospital(), fusedQc.check()) : slow(line, fusedQc.lineText(), false)),
        slow,
      });
    } else {
      visitLines(batch, this.decoder.width, this.spec.newline, generic);
    }
    return { out: w.take(), rejects, counts, aggregate: tally };
  }
}
