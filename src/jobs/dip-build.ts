/**
 * The `dip-build` job: reads a history file into a DirectoryBuilder. It runs
 * in-process (the builder holds the whole history as typed arrays); its
 * output is nothing, its rejects are the rows not used, with the reason.
 *
 * The settlement year of a case is the optional `year` column, else the year
 * of discharge_date.
 */
import { CaseDecoder, type ColumnMap } from '../case/decode.js';
import type { CaseField } from '../case/schema.js';
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { parseBatch, type RowVisitor, visitQuoteFreeLine, visitRecord } from '../io/rows.js';
import type { DirectoryBuilder, ExclusionReason } from '../../groupers/dip/build.js';
import { headerPosition, ICU_DAYS_COLUMN } from './dip-group.js';
import { FusedReader } from './group-fast.js';

export interface DipBuildJobSpec extends JobSpecBase {
  readonly kind: 'dip-build';
  readonly columns: readonly (readonly [string, CaseField])[];
}

export const YEAR_COLUMN = 'year';

/** Counters: read = used + excluded + invalid + rejected (blank lines apart). */
export const buildZeroCounts = (): Counts => ({ read: 0, used: 0, excluded: 0, invalid: 0, rejected: 0, blank: 0 });

const EXCLUSION_TEXT: Record<ExclusionReason, string> = {
  'diagnoses.empty': 'no principal diagnosis',
  'diagnoses.principal_not_icd10': 'the principal diagnosis does not start with an ICD-10 category',
  'total_cost.missing': 'no total cost',
  'total_cost.not_positive': 'total cost is not above zero',
  'total_cost.under_limit': 'total cost below --min-cost',
  'los.over_limit': 'length of stay above --max-los',
  'year.missing': 'no year (year column or discharge_date)',
  'year.too_old': 'older than the years the weights cover',
};

export function exclusionMessage(reason: ExclusionReason): string {
  return EXCLUSION_TEXT[reason];
}

export class DipBuildJob implements BatchJob {
  readonly decoder: CaseDecoder;
  private readonly yearAt: number;
  private readonly icuAt: number;
  private readonly lines: FusedReader | null;

  constructor(
    readonly spec: DipBuildJobSpec,
    private readonly builder: DirectoryBuilder,
    /** Write rejects (unused rows) with their raw text. */
    private readonly withRejects: boolean,
    /** false: always parse whole batches (tests compare both ways). */
    fused = true,
  ) {
    this.decoder = new CaseDecoder(spec.header, new Map(spec.columns) as ColumnMap);
    this.yearAt = headerPosition(spec.header, YEAR_COLUMN);
    this.icuAt = headerPosition(spec.header, ICU_DAYS_COLUMN);
    this.lines = fused ? FusedReader.for(this.decoder) : null;
  }

  head(): string {
    return '';
  }

  run(batch: RecordBatch): BatchOutput {
    const counts = buildZeroCounts();
    let rejects = '';
    const reject = (line: number, reason: string, message: string, raw: string) => {
      if (this.withRejects) rejects += csvLine([String(line), reason, message, raw]);
    };
    const visitor: RowVisitor = {
      row: (line, cells) => {
        counts['read']!++;
        const { case: c, problems } = this.decoder.decode(cells);
        const raw = () => csvLine(cells).slice(0, -1);
        const notes: { code: string; message: string }[] = problems === null ? [] : problems.map((p) => ({ code: p.code, message: p.message }));
        let year: number | null = c.discharge_date !== null ? Number(c.discharge_date.slice(0, 4)) : null;
        if (this.yearAt >= 0) {
          const y = cells[this.yearAt]!.trim();
          if (/^\d{4}$/.test(y)) year = Number(y);
          else if (y !== '') notes.push({ code: 'year.invalid', message: `year "${y}" is not a four-digit year` });
        }
        let icu: number | null = null;
        if (this.icuAt >= 0) {
          const v = cells[this.icuAt]!.trim();
          if (/^\d{1,5}$/.test(v)) icu = Number(v);
          else if (v !== '') notes.push({ code: 'icu_days.not_a_number', message: `icu_days "${v}" is not a whole number of days` });
        }
        if (notes.length > 0) {
          counts['invalid']!++;
          reject(line, notes.map((n) => n.code).join('|'), `line ${line}: ${notes.map((n) => n.message).join('; ')}`, raw());
          return;
        }
        const why = this.builder.addParts(c, year, icu, line);
        if (why === null) counts['used']!++;
        else {
          counts['excluded']!++;
          reject(line, why, `line ${line}: ${EXCLUSION_TEXT[why]}`, raw());
        }
      },
      blank: () => {
        counts['blank']!++;
      },
      bad: (line, raw, code, message) => {
        counts['read']!++;
        counts['rejected']!++;
        reject(line, code, message, raw);
      },
    };
    // Batches of single-line records are read line by line through the fused reader, so a stray
    // quote costs its own line a CSV parse instead of the whole batch.
    const fused = this.lines;
    const width = this.decoder.width;
    if (fused !== null && !batch.multiline) {
      fused.each(batch, this.spec.newline, {
        clean: (line) => visitQuoteFreeLine(line, fused.text.slice(fused.cellStart(0), fused.cellEnd(width - 1)), width, visitor),
        slow: (line, lineText, quoted) => (quoted ? visitRecord(line, lineText.endsWith('\r') ? lineText.slice(0, -1) : lineText, width, this.spec.newline, visitor) : visitQuoteFreeLine(line, lineText, width, visitor)),
      });
    } else {
      parseBatch(batch, width, this.spec.newline, visitor);
    }
    return { out: '', rejects, counts };
  }
}
