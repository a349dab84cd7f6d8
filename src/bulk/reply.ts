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
  finishHead(buf, h);
  if (typeof out !== 'string') {
    buf.set(out, 4 + h.length);
    return buf;
  }
  const { written } = encoder.encodeInto(out, buf.subarray(4 + h.length));
  return buf.subarray(0, 4 + h.length + written);
}

/**
 * Encode a reply into `into` (a buffer the main thread lent) when it fits,
 * returning its length in bytes; otherwise, or without `into`, a new buffer
 * as `packReply` makes it.
 */
export function packReplyInto(head: ReplyHead, out: string | Uint8Array, into: Uint8Array | undefined): number | Uint8Array {
  if (into === undefined) return packReply(head, out);
  const h = encoder.encode(JSON.stringify(head));
  const start = 4 + h.length;
  if (start + out.length > into.length) return packReply(head, out);
  if (typeof out === 'string') {
    const { read, written } = encoder.encodeInto(out, into.subarray(start));
    if (read < out.length) return packReply(head, out);
    return finishHead(into, h) + written;
  }
  into.set(out, start);
  return finishHead(into, h) + out.length;
}

/** Write the length and the head at the start of a reply buffer; returns the offset of the output bytes. */
function finishHead(buf: Uint8Array, h: Uint8Array): number {
  new DataView(buf.buffer, buf.byteOffset, 4).setUint32(0, h.length);
  buf.set(h, 4);
  return 4 + h.length;
}

/** Decode a reply (in the main thread). */
export function unpackReply(buf: Uint8Array): { head: ReplyHead; out: Uint8Array } {
  const n = new DataView(buf.buffer, buf.byteOffset, buf.byteLength).getUint32(0);
  const head = JSON.parse(decoder.decode(buf.subarray(4, 4 + n))) as ReplyHead;
  return { head, out: buf.subarray(4 + n) };
}
