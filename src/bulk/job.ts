/**
 * What the bulk pipeline runs: a job, built from a plain serialisable spec
 * (so that each worker thread can build its own copy), turning batches of CSV
 * records into output text. A batch's output depends only on the batch, so the
 * output is the same whatever the number of workers.
 */
import type { RecordBatch } from '../io/records.js';

/** Counters a job keeps per batch; the pipeline adds them up. `read` and `rejected` are common to all jobs. */
export type Counts = Record<string, number>;

export interface BatchOutput<A = unknown> {
  /** Output for the batch (rows in input order): text, or UTF-8 bytes. */
  readonly out: string | Uint8Array;
  /** Lines for the rejects file. */
  readonly rejects: string;
  readonly counts: Counts;
  /** Something the job accumulates across batches (e.g. a migration matrix), merged by the job kind. */
  readonly aggregate?: A;
}

export interface BatchJob<A = unknown> {
  /** Text written before any row (a CSV header). */
  head(): string;
  /**
   * The output of a batch. With `lend`, a job may answer with `out` a view
   * into a buffer of its own, valid until its next `run`: for a caller that
   * copies the bytes at once (the worker thread, into its reply), which saves
   * the job a copy of every batch's output.
   */
  run(batch: RecordBatch, lend?: boolean): BatchOutput<A>;
  /**
   * A job that finishes its batches on another thread (in-process runs only):
   * the batch is taken now and its output comes when the promise resolves.
   * The pipeline lets the next batch start meanwhile and writes outputs in
   * batch order. When present, it is used instead of {@link run}.
   */
  submit?(batch: RecordBatch): Promise<BatchOutput<A>>;
}

/** The spec every job kind receives: its own fields plus the input's header and line ending. */
export interface JobSpecBase {
  readonly kind: string;
  readonly header: readonly string[];
  readonly newline: '\n' | '\r\n';
}

export function addCounts(into: Counts, c: Counts): void {
  for (const k in c) into[k] = (into[k] ?? 0) + c[k]!;
}
