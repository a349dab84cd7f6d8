/**
 * A growable UTF-8 byte buffer for writing CSV rows without building strings.
 *
 * The bulk group output is mostly short ASCII tokens (status, codes) plus a
 * few recurring non-ASCII texts (DRG names); writing them as bytes, with each
 * recurring text encoded once, avoids a string per row and a UTF-8 encoding
 * pass over the whole output — the largest cost of the output stage.
 */

const encoder = new TextEncoder();
const NEEDS_QUOTES = /[",\r\n]/;

export class ByteWriter {
  private buf: Uint8Array;
  /** A DataView of `buf`, for copying runs four bytes at a time (see {@link copyRun}). */
  private dv: DataView;
  private n = 0;
  /** Encoded CSV fields of recurring texts (names): text → bytes, quoted when needed. */
  private readonly memo = new Map<string, Uint8Array>();

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
    this.dv = new DataView(this.buf.buffer);
  }

  get length(): number {
    return this.n;
  }

  /**
   * Room for `extra` more bytes, and the buffer to write them in from
   * {@link length} on; {@link advance} then commits them. For a row writer
   * that fills its bytes in one loop instead of a call per cell. The buffer is
   * valid until the next call that writes.
   */
  reserve(extra: number): Uint8Array {
    this.room(extra);
    return this.buf;
  }

  /** Commit the bytes written into the {@link reserve}d buffer up to position `to`. */
  advance(to: number): void {
    if (to < this.n || to > this.buf.length) throw new RangeError(`ByteWriter.advance: ${to} is outside ${this.n}…${this.buf.length}`);
    this.n = to;
  }

  /** The bytes written so far, in place (valid until the next write): for copying runs out of a writer of made cells. */
  get bytes(): Uint8Array {
    return this.buf;
  }

  /** A DataView of {@link bytes} (valid as long as it is), for {@link copyRun}. */
  get view(): DataView {
    return this.dv;
  }

  private room(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
    this.dv = new DataView(next.buffer);
  }

  byte(b: number): void {
    this.room(1);
    this.buf[this.n++] = b;
  }

  /** Text known to be ASCII without CSV specials (codes, statuses, numbers). */
  ascii(s: string): void {
    const len = s.length;
    this.room(len);
    const buf = this.buf;
    let n = this.n;
    for (let i = 0; i < len; i++) buf[n++] = s.charCodeAt(i);
    this.n = n;
  }

  /** Any text, as a CSV field (quoted when it holds a comma, quote or line break). */
  field(s: string): void {
    const len = s.length;
    if (len === 0) return;
    // The common field (an id, a code list) is short plain ASCII: copy its units, no regex, no encoder call.
    if (len <= 64) {
      this.room(len);
      const buf = this.buf;
      const n = this.n;
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c > 127 || c === 34 || c === 44 || c === 10 || c === 13) break;
        buf[n + i] = c;
      }
      if (i === len) {
        this.n = n + len;
        return;
      }
    }
    const text = NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
    this.room(text.length * 3);
    this.n += encoder.encodeInto(text, this.buf.subarray(this.n)).written;
  }

  /** Text written as it is (already CSV-encoded, e.g. a whole line). */
  text(s: string): void {
    this.room(s.length * 3);
    this.n += encoder.encodeInto(s, this.buf.subarray(this.n)).written;
  }

  /** A recurring text (a DRG name) as a CSV field, encoded once and reused. */
  recurring(s: string): void {
    let b = this.memo.get(s);
    if (b === undefined) {
      const text = NEEDS_QUOTES.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      b = encoder.encode(text);
      this.memo.set(s, b);
    }
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /** Bytes already encoded (a part of a row reused many times). */
  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
  }

  /**
   * Bytes [a, b) of another writer, copied by a loop. For runs of cells made
   * once and kept in one writer (see PriceJob): for a few dozen bytes a loop
   * is cheaper than Uint8Array.set, and the runs lie close together in memory.
   */
  span(from: ByteWriter, a: number, b: number): void {
    this.room(b - a);
    const src = from.buf;
    const buf = this.buf;
    let n = this.n;
    for (let i = a; i < b; i++) buf[n++] = src[i]!;
    this.n = n;
  }

  /** A copy of the bytes written from position `from` on (e.g. a run of cells to reuse with {@link raw}). */
  copy(from: number): Uint8Array {
    return this.buf.slice(from, this.n);
  }

  /**
   * s[a, b) as it is, when every char of it is printable ASCII other than a
   * comma or quote (a cell of a line that needs no quoting): true. Otherwise
   * nothing is written and false.
   */
  plain(s: string, a: number, b: number): boolean {
    this.room(b - a);
    const n = plainInto(this.buf, this.n, s, a, b);
    if (n < 0) return false;
    this.n = n;
    return true;
  }

  /**
   * An amount in fen as yuan with exactly two decimals — the bytes of
   * formatYuan (src/money.ts) without making a string: integer digits only.
   */
  yuan(fen: number): void {
    if (!Number.isSafeInteger(fen)) throw new RangeError(`not a whole number of fen: ${fen}`);
    let v = fen;
    if (v < 0) {
      this.byte(45);
      v = -v;
    }
    const rest = v % 100;
    this.digits((v - rest) / 100);
    this.room(3);
    const buf = this.buf;
    buf[this.n] = 46;
    buf[this.n + 1] = 48 + (rest - (rest % 10)) / 10;
    buf[this.n + 2] = 48 + (rest % 10);
    this.n += 3;
  }

  /**
   * A whole, non-negative number of 10^-decimals as decimal text without
   * trailing zeros ("80", "123.45") — the bytes of unitsText
   * (src/payment/dip/exact.ts) without making a string. Only for safe integers.
   */
  decimal(units: number, decimals: number): void {
    if (!(units >= 0 && Number.isSafeInteger(units))) throw new RangeError(`not a whole non-negative number: ${units}`);
    const scale = 10 ** decimals;
    let frac = units % scale;
    this.digits((units - frac) / scale);
    if (frac === 0) return;
    let places = decimals;
    while (frac % 10 === 0) {
      frac /= 10;
      places--;
    }
    this.room(places + 1);
    const buf = this.buf;
    buf[this.n] = 46;
    for (let i = places; i >= 1; i--) {
      const d = frac % 10;
      buf[this.n + i] = 48 + d;
      frac = (frac - d) / 10;
    }
    this.n += places + 1;
  }

  /** A whole non-negative number's decimal digits. */
  private digits(v: number): void {
    this.room(16); // a safe integer has at most 16 digits
    this.n = digitsInto(this.buf, this.n, v);
  }

  /**
   * The bytes written so far, and start over: a copy, or with `lend` a view
   * of the buffer, valid until the next write (see BatchJob.run).
   */
  take(lend = false): Uint8Array {
    const out = lend ? this.buf.subarray(0, this.n) : this.buf.slice(0, this.n);
    this.n = 0;
    return out;
  }
}

/**
 * s[a, b) into buf from n, when every char is printable ASCII other than a
 * comma or quote (a cell that needs no quoting): the position after it.
 * Otherwise −1, and the bytes written mean nothing. The rule of
 * {@link ByteWriter.plain}, for writers that fill a reserved buffer.
 */
export function plainInto(buf: Uint8Array, n: number, s: string, a: number, b: number): number {
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 32 || c > 126 || c === 44 || c === 34) return -1;
    buf[n++] = c;
  }
  return n;
}

/**
 * Bytes src[a, b) into dst from n (room is the caller's): the position after
 * them. Copied four bytes at a time through the DataViews of the two buffers
 * (whole-buffer views: `dstView` of dst.buffer, `srcView` of src.buffer, both
 * arrays starting at offset 0), then byte by byte: for runs of a few dozen
 * bytes about three times faster than a byte loop, and no view is made as
 * `Uint8Array.set` would need. Integer loads and stores carry any bytes
 * unchanged.
 */
export function copyRun(dst: Uint8Array, dstView: DataView, n: number, src: Uint8Array, srcView: DataView, a: number, b: number): number {
  let i = a;
  for (; i + 4 <= b; i += 4, n += 4) dstView.setInt32(n, srcView.getInt32(i, true), true);
  for (; i < b; i++) dst[n++] = src[i]!;
  return n;
}

/** The decimal digits of a whole non-negative number into buf from n (room is the caller's): the position after them. */
export function digitsInto(buf: Uint8Array, n: number, v: number): number {
  if (v <= 0x7fffffff) {
    // In int32 range (LOS, levels, most amounts): integer division by 10, which compiles to a multiply,
    // where the double arithmetic below compiles to floating-point division and remainder.
    const x = v | 0;
    let count = 1;
    for (let y = x; y >= 10; y = (y / 10) | 0) count++;
    let p = n + count;
    let y = x;
    do {
      const q = (y / 10) | 0;
      buf[--p] = 48 + (y - q * 10);
      y = q;
    } while (y > 0);
    return n + count;
  }
  let count = 1;
  for (let x = v; x >= 10; x = (x - (x % 10)) / 10) count++;
  let p = n + count;
  do {
    const d = v % 10;
    buf[--p] = 48 + d;
    v = (v - d) / 10;
  } while (v > 0);
  return n + count;
}

/**
 * Encoded texts kept end to end in a few large buffers, each handed out as a
 * view. For caches of tens of thousands of short encoded rows (the DIP job's
 * row memo): one ArrayBuffer per 256 KiB instead of one per row, which the
 * garbage collector tracks and sweeps one by one, and rows packed together in
 * memory. Views stay valid for the arena's life; nothing is ever freed.
 */
export class ByteArena {
  private chunk: Uint8Array;
  private n = 0;

  constructor(private readonly chunkBytes = 1 << 18) {
    this.chunk = new Uint8Array(chunkBytes);
  }

  /** The UTF-8 bytes of `s`, as a view into the arena. */
  add(s: string): Uint8Array {
    // At most 3 bytes per UTF-16 unit; a text longer than a chunk gets its own buffer.
    if (s.length * 3 > this.chunkBytes) return encoder.encode(s);
    if (this.n + s.length * 3 > this.chunk.length) {
      this.chunk = new Uint8Array(this.chunkBytes);
      this.n = 0;
    }
    const from = this.n;
    this.n += encoder.encodeInto(s, this.chunk.subarray(from)).written;
    return this.chunk.subarray(from, this.n);
  }
}
