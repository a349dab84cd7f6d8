/**
 * Move a CSV stream through a batch job and into output streams, in order,
 * with back-pressure. The header record comes first and builds the job;
 * every later batch goes through `job.run`.
 */
import { once } from 'node:events';
import type { Readable, Writable } from 'node:stream';
import { RecordSplitter, type RecordBatch } from '../io/records.js';
import { parseHeader } from '../io/rows.js';
import { addCounts, type BatchOutput, type Counts, zeroCounts } from '../jobs/group.js';

export interface BatchJob {
  /** Text written before any row. */
  head(): string;
  run(batch: RecordBatch): BatchOutput;
}

export interface PipelineOptions {
  readonly input: Readable;
  readonly output: Writable;
  readonly rejects?: Writable | undefined;
  /** Build the job from the input header (may throw a HeaderError). */
  readonly makeJob: (header: string[], newline: '\n' | '\r\n') => BatchJob;
  /** Called after each batch with the running totals. */
  readonly onProgress?: ((counts: Counts, bytes: number) => void) | undefined;
}

export class EmptyInputError extends Error {
  constructor() {
    super('the input is empty: expected a header line (id,sex,age,…)');
    this.name = 'EmptyInputError';
  }
}

export async function write(stream: Writable, text: string): Promise<void> {
  if (text !== '' && !stream.write(text)) await once(stream, 'drain');
}

export async function runPipeline(o: PipelineOptions): Promise<Counts> {
  const totals = zeroCounts();
  const splitter = new RecordSplitter(1 << 20, 8192, true);
  let job: BatchJob | undefined;
  let bytes = 0;
  const handle = async (batch: RecordBatch): Promise<void> => {
    if (job === undefined) {
      const newline = batch.text.endsWith('\r\n') ? '\r\n' : '\n';
      job = o.makeJob(parseHeader(batch.text), newline);
      await write(o.output, job.head());
      return;
    }
    const r = job.run(batch);
    addCounts(totals, r.counts);
    await write(o.output, r.out);
    if (o.rejects !== undefined) await write(o.rejects, r.rejects);
    bytes += batch.text.length;
    o.onProgress?.(totals, bytes);
  };
  o.input.setEncoding('utf8');
  for await (const chunk of o.input) for (const b of splitter.push(chunk as string)) await handle(b);
  for (const b of splitter.end()) await handle(b);
  if (job === undefined) throw new EmptyInputError();
  return totals;
}
