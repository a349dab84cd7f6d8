/**
 * Move a CSV stream through a batch job and into output streams, in input
 * order, with bounded memory:
 *
 *   read (stream) → RecordSplitter → batches → job.run (in-process, or on a
 *   piscina pool of worker threads) → outputs written in batch order
 *
 * The header record comes first and builds the job spec. At most
 * `maxInFlight` batches are queued or running; reading waits for the oldest
 * to be written, so memory does not grow with the input.
 */
import { once } from 'node:events';
import { WriteStream } from 'node:fs';
import { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { Piscina } from 'piscina';
import { arenaByteOps, RecordSplitter, type RecordBatch } from '../io/records.js';
import { parseHeader } from '../io/rows.js';
import { mergeAggregate } from '../jobs/registry.js';
import { compiledSibling } from '../paths.js';
import { addCounts, type BatchJob, type BatchOutput, type Counts, type JobSpecBase } from './job.js';
import { unpackReply } from './reply.js';
import { SharedSlots } from './slots.js';
import type { WorkerTask } from './worker.js';

export interface PipelineOptions<S extends JobSpecBase> {
  readonly input: Readable;
  readonly output: Writable;
  readonly rejects?: Writable | undefined;
  /** Build the job spec from the input header (may throw a HeaderError). */
  readonly makeSpec: (header: string[], newline: '\n' | '\r\n') => S;
  /** Build the in-process job (workers ≤ 1), or a job used only for `head()` (workers > 1). */
  readonly makeLocalJob: (spec: S) => BatchJob;
  /** Worker threads; 1 or less runs in-process. */
  readonly workers?: number;
  /** Batches queued or running at once (default 2 × workers + 2). */
  readonly maxInFlight?: number;
  /** Target characters per batch (default 256 KiB) and records per batch (default 4,096). */
  readonly batchBytes?: number;
  readonly batchRecords?: number;
  /**
   * Old-generation limit of each worker thread, in MB (default: V8's own).
   * `DRG_WORKER_HEAP_MB` overrides it.
   */
  readonly workerHeapMb?: number;
  /** Called after each batch is written, with the running totals and the characters read so far. */
  readonly onProgress?: ((counts: Counts, chars: number) => void) | undefined;
}

export interface PipelineResult {
  readonly counts: Counts;
  /** The job's aggregate over all batches (e.g. a migration matrix), if it keeps one. */
  readonly aggregate: unknown;
}

export class EmptyInputError extends Error {
  constructor() {
    super('the input is empty: expected a header line (id,sex,age,…)');
    this.name = 'EmptyInputError';
  }
}

/** An error a worker met while building its job (a broken scheme, say), carried across the thread boundary. */
export class WorkerJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WorkerJobError';
  }
}

/**
 * Write, and wait for the stream to drain when it asks to — or, with
 * `slack`, only once more than that many bytes wait in it, so that the
 * system's copy of the bytes overlaps the next batch's work.
 */
export async function write(stream: Writable, data: string | Uint8Array, written?: () => void, slack = 0): Promise<void> {
  if (data.length === 0) {
    written?.();
    return;
  }
  if (!stream.write(data, written) && stream.writableLength > slack) await once(stream, 'drain');
}

/**
 * Output bytes an in-process run lets wait in the output stream before it
 * waits for them: a file stream's own mark is 16 KiB, less than one batch's
 * output, so every batch waited for the system to take its bytes before the
 * next one started (its outputs are copies, so nothing else holds them). With
 * workers the outputs are lent reply buffers, which go back to the pool as
 * each is written: there the stream's own mark decides.
 */
const IN_PROCESS_SLACK = 1 << 20;

/** What the main thread needs of a batch's result, whether it ran here or on a worker. */
interface Done {
  readonly counts: Counts;
  readonly out: string | Uint8Array;
  readonly rejects: string;
  readonly aggregate?: unknown;
  /** Called once `out` has been handed to the output (its buffer can then be reused). */
  readonly written?: () => void;
}

export async function runPipeline<S extends JobSpecBase>(o: PipelineOptions<S>): Promise<PipelineResult> {
  const workers = Math.max(1, Math.floor(o.workers ?? 1));
  return workers <= 1 ? runInProcess(o) : runOnWorkers(o, workers);
}

/** One thread: text decoded by the stream, batches run here in order. */
async function runInProcess<S extends JobSpecBase>(o: PipelineOptions<S>): Promise<PipelineResult> {
  const sink = new Sink(o, IN_PROCESS_SLACK);
  let job: BatchJob | undefined;
  const splitter = new RecordSplitter<string>(o.batchBytes ?? 256 * 1024, o.batchRecords ?? 4096, true);
  // A job with submit(): one batch finishing elsewhere while the next runs here.
  const pending: { size: number; output: Promise<BatchOutput> }[] = [];
  const drainOne = async (): Promise<void> => {
    const p = pending.shift()!;
    await sink.done(p.size, await p.output);
  };
  const handle = async (batch: RecordBatch): Promise<void> => {
    if (job === undefined) {
      job = o.makeLocalJob(sink.start(batch.text, o));
      await write(o.output, job.head());
      return;
    }
    if (job.submit === undefined) {
      await sink.done(batch.text.length, job.run(batch));
      return;
    }
    const output = job.submit(batch);
    output.catch(() => undefined); // observed in drainOne; avoid an unhandled rejection meanwhile
    pending.push({ size: batch.text.length, output });
    while (pending.length > 1) await drainOne();
  };
  o.input.setEncoding('utf8');
  for await (const chunk of o.input) for (const b of splitter.push(chunk as string)) await handle(b);
  for (const b of splitter.end()) await handle(b);
  while (pending.length > 0) await drainOne();
  return sink.result();
}

/**
 * A piscina pool: this thread splits raw bytes into batches and hands them
 * over in lent shared buffers (see slots.ts); workers decode, run the job and
 * write the encoded output into another lent buffer, which is written here in
 * batch order and then lent again. At most `maxInFlight` batches are pending.
 */
async function runOnWorkers<S extends JobSpecBase>(o: PipelineOptions<S>, workers: number): Promise<PipelineResult> {
  const sink = new Sink(o);
  const maxInFlight = o.maxInFlight ?? 2 * workers + 2;
  let pool: Piscina | undefined;
  const queue: { bytes: number; result: Promise<Done> }[] = [];
  const drainOne = async (): Promise<void> => {
    const { bytes, result } = queue.shift()!;
    await sink.done(bytes, await result);
  };
  const handle = async (batch: RecordBatch<Buffer>): Promise<void> => {
    if (pool === undefined) {
      const spec = sink.start(batch.text.toString('utf8'), o);
      await write(o.output, o.makeLocalJob(spec).head());
      // A cap on each worker's old generation makes V8 collect before it has grown
      // far past the live set, which bounds the process RSS whatever the input size.
      const heapMb = Number(process.env['DRG_WORKER_HEAP_MB'] ?? o.workerHeapMb ?? 0);
      const resourceLimits = heapMb > 0 ? { maxOldGenerationSizeMb: heapMb } : {};
      // Two tasks per worker: a worker finishing a batch finds the next one already in its
      // port, instead of waiting for this thread (busy reading and writing, and sharing the
      // cores with the workers) to be scheduled and post it.
      pool = new Piscina({ filename: compiledSibling(import.meta.url, 'worker.js'), workerData: { spec }, minThreads: workers, maxThreads: workers, concurrentTasksPerWorker: 2, idleTimeout: 60_000, resourceLimits });
      return;
    }
    // The batch is a view into the splitter's buffer, valid until the next push: copy it
    // into a lent shared slot, or else into a standalone buffer transferred (not cloned).
    const size = batch.text.length;
    const inSlot = size <= inSlots.size ? inSlots.take() : undefined;
    const text = inSlot !== undefined ? inSlot.subarray(0, size) : new Uint8Array(size);
    text.set(batch.text);
    const replySlot = replySlots.take();
    const task: WorkerTask = { text, firstLine: batch.firstLine, records: batch.records, multiline: batch.multiline, reply: replySlot };
    const result = (pool.run(task, inSlot === undefined ? { transferList: [text.buffer as ArrayBuffer] } : {}) as Promise<Uint8Array | number>).then(
      (reply): Done => {
        if (inSlot !== undefined) inSlots.give(inSlot);
        const inPlace = typeof reply === 'number';
        if (replySlot !== undefined && !inPlace) replySlots.give(replySlot);
        const { head, out } = unpackReply(inPlace ? replySlot!.subarray(0, reply) : reply);
        if (head.error !== undefined) throw new WorkerJobError(head.error);
        let body = out;
        let written: (() => void) | undefined;
        if (inPlace && lendOutput) written = () => replySlots.give(replySlot!);
        else if (inPlace) {
          body = out.slice();
          replySlots.give(replySlot!);
        }
        return { counts: head.counts, rejects: head.rejects, out: body, aggregate: head.aggregate, written };
      },
      (err: NodeJS.ErrnoException) => {
        // The slots are not given back: the run is over.
        if (err.code === 'ERR_WORKER_OUT_OF_MEMORY') {
          throw new WorkerJobError(`a worker thread ran out of memory (old-generation limit ${process.env['DRG_WORKER_HEAP_MB'] ?? o.workerHeapMb ?? 'default'} MB): set DRG_WORKER_HEAP_MB higher, or use --workers 1`);
        }
        throw err;
      },
    );
    result.catch(() => undefined); // observed in drainOne; avoid an unhandled rejection meanwhile
    queue.push({ bytes: batch.text.length, result });
    while (queue.length >= maxInFlight) await drainOne();
  };
  const batchBytes = o.batchBytes ?? 256 * 1024;
  // A batch holds at least batchBytes and ends at the first record end after it; replies
  // carry the input's columns plus the job's own (1.1–1.6 × the input for the bulk jobs).
  const inSlots = new SharedSlots(maxInFlight, batchBytes + (64 << 10));
  const replySlots = new SharedSlots(maxInFlight + 2, 2 * batchBytes + (64 << 10));
  const lendOutput = copiesOnWrite(o.output);
  const splitter = new RecordSplitter<Buffer>(batchBytes, o.batchRecords ?? 4096, true, arenaByteOps());
  try {
    for await (const chunk of o.input) for (const b of splitter.push(chunk as Buffer)) await handle(b);
    for (const b of splitter.end()) await handle(b);
    while (queue.length > 0) await drainOne();
  } finally {
    await pool?.destroy();
  }
  return sink.result();
}

/**
 * Whether a stream is done with a written buffer once the write's callback
 * has run, so the buffer can be reused: files, sockets (pipes, terminals)
 * and standard output (which writes a redirected file synchronously) have
 * handed the bytes to the system by then. Any other stream (a
 * PassThrough, say) may still hold the buffer itself, and gets a copy.
 */
function copiesOnWrite(stream: Writable): boolean {
  return stream instanceof WriteStream || stream instanceof Socket || stream === process.stdout;
}

/** Totals, aggregate and writing, shared by both ways of running. */
class Sink<S extends JobSpecBase> {
  private readonly totals: Counts = {};
  private aggregate: unknown;
  private spec: S | undefined;
  private read = 0;

  constructor(
    private readonly o: PipelineOptions<S>,
    /** See {@link write}. */
    private readonly slack = 0,
  ) {}

  /** The header record: build the spec. */
  start(headerText: string, o: PipelineOptions<S>): S {
    const newline = headerText.endsWith('\r\n') ? '\r\n' : '\n';
    this.spec = o.makeSpec(parseHeader(headerText), newline);
    this.read += headerText.length;
    return this.spec;
  }

  async done(size: number, r: Done): Promise<void> {
    addCounts(this.totals, r.counts);
    if (r.aggregate !== undefined) this.aggregate = mergeAggregate(this.spec!.kind, this.aggregate, r.aggregate);
    await write(this.o.output, r.out, r.written, this.slack);
    if (this.o.rejects !== undefined) await write(this.o.rejects, r.rejects, undefined, this.slack);
    this.read += size;
    this.o.onProgress?.(this.totals, this.read);
  }

  result(): PipelineResult {
    if (this.spec === undefined) throw new EmptyInputError();
    return { counts: this.totals, aggregate: this.aggregate };
  }
}
