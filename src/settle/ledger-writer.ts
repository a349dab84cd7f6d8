/**
 * The main thread's side of a pipelined settlement run: a second thread
 * (ledger-thread.ts) owns the ledger's write connection and commits each
 * batch while this thread settles the next one against a
 * {@link SpeculativeLedger} (a read-only connection plus what the batches
 * not yet committed did). A batch the writer refuses is settled again there,
 * under the lock, and its output replaces the one settled here.
 */
import { Worker } from 'node:worker_threads';
import type { BatchOutput } from '../bulk/job.js';
import type { RecordBatch } from '../io/records.js';
import { compiledSibling } from '../paths.js';
import type { TotalsSnapshot } from './format.js';
import type { LedgerOptions } from './ledger.js';
import type { FromWriter, ToWriter, WriterData } from './ledger-thread.js';
import { SpeculativeLedger } from './speculative.js';

/** How the writer took a batch: committed as settled here (null), or settled again there. */
export type WriterAnswer = null | { readonly output: BatchOutput; readonly totals: TotalsSnapshot };

export class LedgerWriter {
  /** What this thread settles against. */
  readonly view: SpeculativeLedger;
  /** Batches the writer had to settle again (another connection wrote, or a bill id was in the file already). */
  redone = 0;
  private epoch = 0;
  private readonly waiting = new Map<number, { resolve: (a: WriterAnswer) => void; reject: (e: Error) => void }>();
  private failure: Error | undefined;
  private closed: (() => void) | undefined;

  private constructor(private readonly worker: Worker, path: string, options: LedgerOptions) {
    this.view = new SpeculativeLedger(path, options);
    worker.on('message', (m: FromWriter) => this.answer(m));
    worker.on('error', (err) => this.fail(err));
    worker.on('exit', () => this.fail(new Error('the ledger writer thread stopped')));
  }

  /** Start the writing thread on a ledger file (created when missing) and wait until it holds the file. */
  static async start(path: string, options: LedgerOptions, policyPath: string): Promise<LedgerWriter> {
    const data: WriterData = { path, options, policyPath };
    const worker = new Worker(compiledSibling(import.meta.url, 'ledger-thread.js'), { workerData: data });
    let onMessage: (m: FromWriter) => void = () => undefined;
    let onError: (err: Error) => void = () => undefined;
    const onExit = (): void => onError(new Error('the ledger writer thread stopped before it was ready'));
    const first = await new Promise<FromWriter>((resolve, reject) => {
      onMessage = resolve;
      onError = reject;
      worker.once('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
    }).finally(() => {
      // Only these: removing every listener would also stop the worker's messages reaching this thread.
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    });
    if (first.type !== 'ready') {
      await worker.terminate();
      throw new Error(first.type === 'failed' ? first.message : `the ledger writer thread answered ${first.type}`);
    }
    return new LedgerWriter(worker, path, options);
  }

  /** The epoch a batch settled now belongs to (see ledger-thread.ts). */
  get currentEpoch(): number {
    return this.epoch;
  }

  /** Tell the writer how to read batches it has to settle again. Once, before the first batch. */
  setSpec(spec: Extract<ToWriter, { type: 'spec' }>['spec']): void {
    this.post({ type: 'spec', spec });
  }

  /**
   * Hand over the batch just settled against {@link view} (its text too,
   * should it be settled again), or with `ahead` false one that could not be
   * settled here, for the writer to settle under the lock.
   */
  commit(batch: RecordBatch, epoch: number, ahead = true): Promise<WriterAnswer> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const { batch: seq, writes } = ahead ? this.view.takeWrites() : { batch: this.view.skipBatch(), writes: null };
    const answer = new Promise<WriterAnswer>((resolve, reject) => this.waiting.set(seq, { resolve, reject }));
    const m: ToWriter = { type: 'batch', seq, epoch, batch: { text: batch.text, firstLine: batch.firstLine, records: batch.records, multiline: batch.multiline }, writes };
    this.worker.postMessage(m, writes === null ? [] : [writes.nums.buffer as ArrayBuffer, writes.bytes.buffer as ArrayBuffer]);
    return answer;
  }

  /** Let the writer finish the batches it has, close the file on both threads. */
  async close(): Promise<void> {
    // The view first: the writer's connection, closed last, checkpoints the WAL into the file and removes it
    // (a read-only connection cannot), and its checkpoints no longer wait for this side's reads.
    this.view.close();
    if (this.failure === undefined) {
      const done = new Promise<void>((resolve) => (this.closed = resolve));
      this.post({ type: 'close' });
      await done;
    }
    await this.worker.terminate();
  }

  private post(m: ToWriter): void {
    this.worker.postMessage(m);
  }

  private answer(m: FromWriter): void {
    if (m.type === 'closed') {
      this.failure = new Error('the ledger writer is closed');
      this.closed?.();
      return;
    }
    if (m.type !== 'committed' && m.type !== 'redone' && m.type !== 'error') return;
    const w = this.waiting.get(m.seq);
    this.waiting.delete(m.seq);
    if (m.type === 'error') {
      this.fail(new Error(m.message));
      w?.reject(new Error(m.message));
      return;
    }
    if (m.type === 'committed') {
      this.view.committed(m.seq);
      w?.resolve(null);
      return;
    }
    // Settled again there: what this side holds may be stale; the file is the truth now.
    this.redone++;
    this.view.reset();
    this.epoch = m.epoch;
    w?.resolve({ output: { out: m.out, rejects: m.rejects, counts: m.counts }, totals: m.totals });
  }

  private fail(err: Error): void {
    if (this.failure !== undefined) return;
    this.failure = err;
    for (const w of this.waiting.values()) w.reject(err);
    this.waiting.clear();
    this.closed?.();
  }
}
