/**
 * Counters (a person's year, a bill's delta) as a few bytes instead of JSON:
 * the ledger stores them as blobs of (counter number, amount) pairs, each a
 * varint, the counter numbers standing for names kept in a small table
 * (`counter_name`) of the ledger. A person's year is about 20 bytes instead of
 * about 90, so a commit rewrites fewer pages.
 *
 *   blob = (varint 2 × id + (amount < 0 ? 1 : 0), varint |amount|)*, in the object's key order
 *
 * Amounts are whole fen, exact over the whole safe-integer range (the sign
 * rides with the counter number; the varints are computed with arithmetic,
 * not 32-bit bit operations).
 */
import type { Counters } from './types.js';

/** The names behind the counter numbers; `add` is called for a name not yet numbered and returns its number. */
export class CounterNames {
  private readonly ids = new Map<string, number>();
  private names: (string | undefined)[] = [];

  constructor(private readonly add: (name: string) => number) {}

  /** Forget every name and take these (id, name) pairs. */
  load(rows: Iterable<readonly [number, string]>): void {
    this.ids.clear();
    this.names = [];
    for (const [id, name] of rows) {
      this.ids.set(name, id);
      this.names[id] = name;
    }
  }

  id(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.add(name);
      this.ids.set(name, id);
      this.names[id] = name;
    }
    return id;
  }

  /** The name of a number, or undefined when it is not known (yet). */
  name(id: number): string | undefined {
    return this.names[id];
  }
}

/** Scratch space for encoding: the blob handed out is a view of it, valid until the next encode. */
let scratch = Buffer.alloc(1024);

/** Encode counters; the result is a view of a shared buffer (copy it to keep it past the next call). */
export function encodeCounters(counters: Readonly<Counters>, names: CounterNames): Buffer {
  let n = 0;
  for (const k in counters) {
    const v = counters[k]!;
    if (!Number.isSafeInteger(v)) throw new RangeError(`counter ${k} is not a whole number of fen: ${v}`);
    if (n + 20 > scratch.length) scratch = Buffer.concat([scratch, Buffer.alloc(scratch.length)]);
    n = putVarint(scratch, n, 2 * names.id(k) + (v < 0 ? 1 : 0));
    n = putVarint(scratch, n, Math.abs(v));
  }
  return scratch.subarray(0, n);
}

/**
 * Decode counters; undefined when the blob names a counter number `names`
 * does not know (the caller reloads the names and tries again).
 */
export function decodeCounters(blob: Uint8Array, names: CounterNames): Counters | undefined {
  const out: Counters = {};
  let pos = 0;
  while (pos < blob.length) {
    const head = getVarint(blob, pos);
    const value = getVarint(blob, (pos = nextPos));
    pos = nextPos;
    const name = names.name(Math.floor(head / 2));
    if (name === undefined) return undefined;
    out[name] = head % 2 === 0 ? value : -value;
  }
  return out;
}

function putVarint(buf: Buffer, pos: number, v: number): number {
  while (v >= 0x80) {
    buf[pos++] = (v % 0x80) | 0x80;
    v = Math.floor(v / 0x80);
  }
  buf[pos++] = v;
  return pos;
}

/** Where the last getVarint stopped. */
let nextPos = 0;

function getVarint(buf: Uint8Array, pos: number): number {
  let v = 0;
  let scale = 1;
  for (;;) {
    if (pos >= buf.length) throw new RangeError('truncated counters blob');
    const b = buf[pos++]!;
    v += (b & 0x7f) * scale;
    if (b < 0x80) break;
    scale *= 0x80;
  }
  nextPos = pos;
  return v;
}
