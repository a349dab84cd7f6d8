/**
 * The reply of a worker to a batch, as one transferable byte buffer:
 * a uint32 length, a small JSON head (counts, rejects, aggregate or error),
 * then the job's output already encoded as UTF-8.
 */
import type { Counts } from './job.js';

const decoder = new TextDecoder('utf-8');
const encoder = new TextEncoder();

/** The small part of a reply; the output bytes follow it. */
export interface ReplyHead {
  readonly counts: Counts;
  readonly rejects: string;
  readonly aggregate?: unknown;
  readonly error?: string;
}

/** Encode a reply (in the worker); output already in bytes is copied as is. */
export function packReply(head: ReplyHead, out: string | Uint8Array): Uint8Array {
  const h = encoder.encode(JSON.stringify(head));
  // At most 3 bytes per UTF-16 unit: one buffer, one encoding pass.
  const buf = new Uint8Array(4 + h.length + (typeof out === 'string' ? out.length * 3 : out.length));
  new DataView(buf.buffer).setUint32(0, h.length);
  buf.set(h, 4);
  if (typeof out !== 'string') {
    buf.set(out, 4 + h.length);
    return buf;
  }
  const { written } = encoder.encodeInto(out, buf.subarray(4 + h.length));
  return buf.subarray(0, 4 + h.length + written);
}

/** Decode a reply (in the main thread). */
export function unpackReply(buf: Uint8Array): { head: ReplyHead; out: Uint8Array } {
  const n = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(0);
  const head = JSON.parse(decoder.decode(buf.subarray(4, 4 + n))) as ReplyHead;
  return { head, out: buf.subarray(4 + n) };
}
