/**
 * A piscina worker: builds its job once from workerData (loading the scheme
 * once per thread), then answers batches of UTF-8 bytes. It decodes the
 * batch, runs the job, and answers with one transferable byte buffer (see
 * reply.ts), so the main thread neither decodes nor encodes text.
 *
 * A failure to build the job (a broken scheme package) is answered as data,
 * so the main thread reports one clean message instead of a crashed thread.
 */
import { move } from 'piscina';
import { workerData } from 'node:worker_threads';
import type { RecordBatch } from '../io/records.js';
import { createJob } from '../jobs/registry.js';
import type { BatchJob, JobSpecBase } from './job.js';
import { packReply } from './reply.js';

let job: BatchJob | undefined;
let failure: string | undefined;
const decoder = new TextDecoder('utf-8');

export default function run(batch: RecordBatch<Uint8Array>): Uint8Array {
  if (job === undefined && failure === undefined) {
    try {
      job = createJob((workerData as { spec: JobSpecBase }).spec);
    } catch (err) {
      failure = (err as Error).message;
    }
  }
  if (failure !== undefined) return packReply({ counts: {}, rejects: '', error: failure }, '');
  const r = job!.run({ text: decoder.decode(batch.text), firstLine: batch.firstLine, records: batch.records, multiline: batch.multiline });
  const reply = packReply({ counts: r.counts, rejects: r.rejects, ...(r.aggregate !== undefined ? { aggregate: r.aggregate } : {}) }, r.out);
  return move(reply) as Uint8Array;
}
