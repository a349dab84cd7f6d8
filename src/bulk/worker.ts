/**
 * A piscina worker: builds its job once from workerData (loading the scheme
 * once per thread), then answers batches of UTF-8 bytes. It decodes the
 * batch, runs the job, and answers with one byte buffer (see reply.ts) —
 * written into the shared buffer the main thread lent for it, or a new one
 * transferred back — so the main thread neither decodes nor encodes text.
 *
 * A failure to build the job (a broken scheme package) is answered as data,
 * so the main thread reports one clean message instead of a crashed thread.
 */
import { move } from 'piscina';
import { workerData } from 'node:worker_threads';
import type { RecordBatch } from '../io/records.js';
import { createJob } from '../jobs/registry.js';
import type { BatchJob, JobSpecBase } from './job.js';
import { packReply, packReplyInto } from './reply.js';

let job: BatchJob | undefined;
let failure: string | undefined;
const decoder = new TextDecoder('utf-8');

/** A batch as the main thread posts it: its bytes, and maybe a lent buffer for the reply. */
export interface WorkerTask extends RecordBatch<Uint8Array> {
  readonly reply?: Uint8Array | undefined;
}

/**
 * Answer a batch: the length of the reply when it was written into the lent
 * buffer, else the reply itself (transferred).
 */
export default function run(batch: WorkerTask): Uint8Array | number {
  if (job === undefined && failure === undefined) {
    try {
      job = createJob((workerData as { spec: JobSpecBase }).spec);
    } catch (err) {
      failure = (err as Error).message;
    }
  }
  if (failure !== undefined) return packReply({ counts: {}, rejects: '', error: failure }, '');
  // The output may be lent: packReplyInto copies it before anything else runs.
  const r = job!.run({ text: decoder.decode(batch.text), firstLine: batch.firstLine, records: batch.records, multiline: batch.multiline }, true);
  const reply = packReplyInto({ counts: r.counts, rejects: r.rejects, ...(r.aggregate !== undefined ? { aggregate: r.aggregate } : {}) }, r.out, batch.reply);
  return typeof reply === 'number' ? reply : (move(reply) as Uint8Array);
}
