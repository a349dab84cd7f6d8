/**
 * The writing thread of a pipelined settlement run (see ledger-writer.ts):
 * it owns the ledger's write connection and commits, in order, the batches
 * the main thread has settled ahead ({@link Ledger.commitWrites}). A batch
 * that cannot be committed as it is — another connection committed since
 * the last look, a bill id is in the file already — or that was settled on
 * top of such a batch (an older epoch), or that the main thread could not
 * settle ahead, is settled here under the lock, from its text, and its output
 * goes back instead.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RecordBatch } from '../io/records.js';
import { SettleJob, type SettleJobSpec } from '../jobs/settle.js';
import type { TotalsSnapshot } from './format.js';
import { Ledger, type LedgerOptions } from './ledger.js';
import type { WriteSet } from './write-set.js';
import { loadPolicy } from './policy/load.js';

/** What the main thread sends. */
export type ToWriter =
  | { readonly type: 'spec'; readonly spec: SettleJobSpec }
  | { readonly type: 'batch'; readonly seq: number; readonly epoch: number; readonly batch: RecordBatch; readonly writes: WriteSet | null }
  | { readonly type: 'close' };

/** What the writing thread answers. */
export type FromWriter =
  | { readonly type: 'ready' }
  | { readonly type: 'closed' }
  | { readonly type: 'failed'; readonly message: string }
  | { readonly type: 'committed'; readonly seq: number }
  | { readonly type: 'redone'; readonly seq: number; readonly epoch: number; readonly out: Uint8Array; readonly rejects: string; readonly counts: Record<string, number>; readonly totals: TotalsSnapshot }
  | { readonly type: 'error'; readonly seq: number; readonly message: string };

export interface WriterData {
  readonly path: string;
  readonly options: LedgerOptions;
  readonly policyPath: string;
}

const port = parentPort!;
const post = (m: FromWriter, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);

let ledger: Ledger;
try {
  const data = workerData as WriterData;
  ledger = Ledger.open(data.path, data.options);
  const policy = loadPolicy(data.policyPath);
  /** The data_version of the file as the main thread's reads may have seen it (see ledger.ts). */
  let expected = ledger.dataVersion();
  /** Raised each time a batch is settled again: batches the main thread settled before it learns so are stale. */
  let epoch = 0;
  let job: SettleJob | undefined;
  port.on('message', (m: ToWriter) => {
    if (m.type === 'spec') {
      job = new SettleJob(m.spec, policy, ledger);
      return;
    }
    if (m.type === 'close') {
      ledger.close();
      post({ type: 'closed' });
      port.close();
      return;
    }
    try {
      // No writes: the main thread could not settle the batch ahead; settle it here.
      if (m.writes !== null && m.epoch === epoch && ledger.commitWrites(m.writes, expected)) {
        post({ type: 'committed', seq: m.seq });
        return;
      }
      const r = job!.settleBatch(m.batch);
      epoch++;
      expected = ledger.dataVersion();
      const out = r.output.out as Uint8Array;
      post({ type: 'redone', seq: m.seq, epoch, out, rejects: r.output.rejects, counts: r.output.counts, totals: r.totals.snapshot() }, [out.buffer as ArrayBuffer]);
    } catch (err) {
      post({ type: 'error', seq: m.seq, message: (err as Error).message });
    }
  });
  post({ type: 'ready' });
} catch (err) {
  post({ type: 'failed', message: (err as Error).message });
  port.close();
}
