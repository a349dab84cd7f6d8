/**
 * The `settle` job: a batch of bill records in, settlement rows out.
 *
 *   records → rows (parseBatch) → bills (BillDecoder) → ledger (settle or
 *   reverse, in input order; one transaction per batch) → CSV / JSON lines
 *
 * Settlement depends on the bills before it (per person), so this job runs
 * in-process, in input order; it is not registered for worker threads.
 */
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { ByteWriter } from '../io/bytes.js';
import { parseBatch, type RowVisitor, visitQuoteFreeLine } from '../io/rows.js';
import { BillDecoder } from '../settle/bill.js';
import { outcomeCsvInto, outcomeJson, RunTotals, settleColumns, type SettleFormat } from '../settle/format.js';
import type { Ledger, LedgerOutcome } from '../settle/ledger.js';
import type { CompiledPolicy } from '../settle/policy/load.js';

export interface SettleJobSpec extends JobSpecBase {
  readonly kind: 'settle';
  readonly format: SettleFormat;
  readonly trace: boolean;
  /** Send rejected bills to the rejects stream instead of the output. */
  readonly rejects: boolean;
}

/** The settle job's counters: read = settled + replayed + reversed + rejected; blank lines apart. */
export const zeroSettleCounts = (): Counts => ({ read: 0, settled: 0, replayed: 0, reversed: 0, rejected: 0, blank: 0 });

export class SettleJob implements BatchJob {
  readonly decoder: BillDecoder;
  /** Net money moved by the run so far. */
  readonly totals = new RunTotals();
  /** Output is collected as bytes (no string per row survives to the end of the batch); reused across batches. */
  private readonly bytes = new ByteWriter(1 << 20);

  constructor(
    readonly spec: SettleJobSpec,
    private readonly policy: CompiledPolicy,
    private readonly ledger: Ledger,
  ) {
    this.decoder = new BillDecoder(spec.header);
  }

  head(): string {
    return this.spec.format === 'csv' ? csvLine(settleColumns(this.policy, this.spec.trace)) : '';
  }

  run(batch: RecordBatch): BatchOutput {
    const counts = zeroSettleCounts();
    const out = this.bytes;
    let rejects = '';
    const spec = this.spec;
    const emit = (line: number, o: LedgerOutcome, raw: () => string): void => {
      counts['read']!++;
      counts[o.status === 'reversed' && o.replayed ? 'replayed' : o.status]!++;
      this.totals.add(o);
      if (o.status === 'rejected' && spec.rejects) rejects += csvLine([String(line), o.problem.code, o.problem.message, raw()]);
      else if (spec.format === 'csv') outcomeCsvInto(out, this.policy, o, spec.trace);
      else out.text(outcomeJson(line, o));
    };
    // Each row is decoded, settled and written in turn, inside the batch's one transaction, so
    // that its objects die young; only the output text waits for the commit.
    const visitor: RowVisitor = {
        row: (line, cells) => {
          // A row that parsed is shown in the rejects file as its cells written back as CSV.
          const raw = () => csvLine(cells).slice(0, -1);
          const d = this.decoder.decode(cells);
          if (d.request === null) {
            const problems = d.problems!;
            const field = problems[0]!.field;
            const problem = { code: problems.map((x) => x.code).join('|'), message: `line ${line}: ${problems.map((x) => x.message).join('; ')}`, ...(field !== undefined ? { field } : {}) };
            emit(line, { status: 'rejected', billId: d.billId, problem }, raw);
            return;
          }
          const o = this.ledger.applyOne(this.policy, d.request, { trace: spec.trace });
          emit(line, o.status === 'rejected' ? { ...o, problem: { ...o.problem, message: `line ${line}: ${o.problem.message}` } } : o, raw);
        },
        blank: () => {
          counts['blank']!++;
        },
        bad: (line, raw, code, message) => emit(line, { status: 'rejected', billId: '', problem: { code, message } }, () => raw),
    };
    this.ledger.transaction(() => {
      if (batch.text.indexOf('"') === -1) eachLine(batch, spec.newline, this.decoder.width, visitor);
      else parseBatch(batch, this.decoder.width, spec.newline, visitor);
    });
    return { out: out.take(), rejects, counts };
  }
}

/**
 * A quote-free batch, one line at a time, exactly as parseBatch reads it; the
 * cells of a line die with it instead of living as long as the batch.
 */
function eachLine(batch: RecordBatch, newline: '\n' | '\r\n', width: number, v: RowVisitor): void {
  const text = batch.text;
  let line = batch.firstLine;
  let pos = 0;
  while (pos < text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl === -1) nl = text.length;
    const end = newline === '\r\n' && nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
    visitQuoteFreeLine(line++, text.slice(pos, end), width, v);
    pos = nl + 1;
  }
}
