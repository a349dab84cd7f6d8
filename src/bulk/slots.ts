/**
 * Buffers in shared memory that the main thread lends to worker tasks and
 * takes back: a batch's input bytes go to the worker in one, and the worker
 * writes its reply into another. In a steady run no buffer is allocated per
 * batch on either side, so neither thread's heap sees the stream of external
 * allocations that V8 answers with full collections (with a fresh transferred
 * buffer per batch, the main thread spent a few per cent of the run in them).
 *
 * Lending never waits: when every slot is out, or a batch does not fit, the
 * caller falls back to a fresh buffer of its own.
 */
export class SharedSlots {
  private readonly free: Uint8Array[] = [];

  constructor(
    count: number,
    /** Bytes per slot. */
    readonly size: number,
  ) {
    for (let i = 0; i < count; i++) this.free.push(new Uint8Array(new SharedArrayBuffer(size)));
  }

  /** A whole free slot, or undefined when all are lent. */
  take(): Uint8Array | undefined {
    return this.free.pop();
  }

  /** Give back a slot from `take` (whole, not a view of part of it). */
  give(slot: Uint8Array): void {
    this.free.push(slot);
  }
}
