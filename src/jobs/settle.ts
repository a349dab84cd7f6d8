/**
 * The `settle` job: a batch of bill records in, settlement rows out.
 *
 *   records → rows (parseBatch) → bills (BillDecoder) → ledger (settle or
 *   reverse, in input order; one transaction per batch) → CSV / JSON lines
 *
 * Settlement depends on the bills before it (per person), so this job runs
 * in-process, in input order; it is not registered for worker threads.
 * {@link PipelinedSettleJob} runs it with a second thread that commits each
 * batch while this one settles the next (see settle/speculative.ts).
 */
import type { BatchJob, BatchOutput, Counts, JobSpecBase } from '../bulk/job.js';
import { csvLine } from '../io/csv.js';
import type { RecordBatch } from '../io/records.js';
import { ByteWriter } from '../io/bytes.js';
import { parseBatch, type RowVisitor, visitQuoteFreeLine } from '../io/rows.js';
import { BillDecoder } from '../settle/bill.js';
import { outcomeCsvInto, outcomeJson, RunTotals, settleColumns, type SettleFormat } from '../settle/format.js';
import type { LedgerOutcome, SettleLedger } from '../settle/ledger.js';
import type { CompiledPolicy } from '../settle/policy/load.js';
import type { LedgerWriter, WriterAnswer } from '../settle/ledger-writer.js';
import { NEEDS_LOCK } from '../settle/speculative.js';

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
    private readonly ledger: SettleLedger,
  ) {
    this.decoder = new BillDecoder(spec.header);
  }

  head(): string {
    return this.spec.format === 'csv' ? csvLine(settleColumns(this.policy, this.spec.trace)) : '';
  }

  run(batch: RecordBatch): BatchOutput {
    const r = this.settleBatch(batch);
    this.totals.merge(r.totals.snapshot());
    return r.output;
  }

  /** A batch's output and the money it moved, in one transaction of the ledger; {@link totals} is left as it is. */
  settleBatch(batch: RecordBatch): { output: BatchOutput; totals: RunTotals } {
    const totals = new RunTotals();
    const counts = zeroSettleCounts();
    const out = this.bytes;
    let rejects = '';
    const spec = this.spec;
    const emit = (line: number, o: LedgerOutcome, raw: () => string): void => {
      counts['read']!++;
      counts[o.status === 'reversed' && o.replayed ? 'replayed' : o.status]!++;
      totals.add(o);
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
    try {
      this.ledger.transaction(() => {
        if (batch.text.indexOf('"') === -1) eachLine(batch, spec.newline, this.decoder.width, visitor);
        else parseBatch(batch, this.decoder.width, spec.newline, visitor);
      });
    } catch (err) {
      out.take(); // the batch's rows so far are void
      throw err;
    }
    return { output: { out: out.take(), rejects, counts }, totals };
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

/**
 * The settle job on two threads: this one decodes and settles a batch
 * against the writer's {@link LedgerWriter.view} and writes the output; the
 * writer commits it meanwhile (or settles it again under the lock when it
 * must, see settle/speculative.ts). Outputs, totals and the ledger are those
 * of {@link SettleJob} run batch by batch.
 */
export class PipelinedSettleJob implements BatchJob {
  private readonly job: SettleJob;
  /** While the writer settles a batch this side could not: the batches submitted meanwhile, in order. */
  private gated: { batch: RecordBatch; resolve: (o: BatchOutput) => void; reject: (e: unknown) => void }[] | undefined;
  /** The last batch the writer settled itself held replays (see settleNow). */
  private replaying = false;

  constructor(
    spec: SettleJobSpec,
    policy: CompiledPolicy,
    private readonly writer: LedgerWriter,
  ) {
    this.job = new SettleJob(spec, policy, writer.view);
    writer.setSpec(spec);
  }

  get decoder(): BillDecoder {
    return this.job.decoder;
  }

  get totals(): RunTotals {
    return this.job.totals;
  }

  head(): string {
    return this.job.head();
  }

  run(): BatchOutput {
    throw new Error('PipelinedSettleJob: batches go through submit()');
  }

  /** Settle the batch here and hand it to the writer; resolves once it is committed, with the output that stands. */
  submit(batch: RecordBatch): Promise<BatchOutput> {
    if (this.gated === undefined) return this.settleNow(batch);
    const gated = this.gated;
    return new Promise((resolve, reject) => gated.push({ batch, resolve, reject }));
  }

  private settleNow(batch: RecordBatch): Promise<BatchOutput> {
    const epoch = this.writer.currentEpoch;
    let settled: ReturnType<SettleJob['settleBatch']> | undefined;
    // A run over bills the ledger has already (a rerun after a crash, say) is refused batch after
    // batch: while the writer's last batch held replays, leave the next to it without trying here.
    if (!this.replaying) {
      try {
        settled = this.job.settleBatch(batch);
      } catch (err) {
        if (err !== NEEDS_LOCK) return Promise.reject(err);
      }
    }
    if (settled === undefined) {
      const answer = this.writer.commit(batch, epoch, false).then((redone) => this.take(redone!));
      // Only the writer can settle this batch. Unless it is not even tried here (replays), the
      // batches after it wait for its answer: settled here before, they would be built on what
      // this side no longer holds (and would be settled again; the epochs see to that).
      if (!this.replaying) {
        this.gated = [];
        void answer.finally(() => this.openGate()).catch(() => undefined);
      }
      return answer;
    }
    const { output, totals } = settled;
    return this.writer.commit(batch, epoch).then((redone) => {
      if (redone !== null) return this.take(redone);
      this.replaying = false;
      this.job.totals.merge(totals.snapshot());
      return output;
    });
  }

  /** The output and totals of a batch the writer settled. */
  private take(redone: NonNullable<WriterAnswer>): BatchOutput {
    this.replaying = (redone.output.counts['replayed'] ?? 0) > 0;
    this.job.totals.merge(redone.totals);
    return redone.output;
  }

  /** Settle the batches that waited, in order (until one needs the writer again). */
  private openGate(): void {
    const waiting = this.gated ?? [];
    this.gated = undefined;
    for (let i = 0; i < waiting.length; i++) {
      // settleNow may have met another batch only the writer can settle: the rest wait for that one.
      const again = this.gated as typeof waiting | undefined;
      if (again !== undefined) {
        again.push(...waiting.slice(i));
        return;
      }
      const { batch, resolve, reject } = waiting[i]!;
      this.settleNow(batch).then(resolve, reject);
    }
  }
}
