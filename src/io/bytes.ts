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
  private n = 0;
  /** Encoded CSV fields of recurring texts (names): text → bytes, quoted when needed. */
  private readonly memo = new Map<string, Uint8Array>();

  constructor(capacity = 1 << 16) {
    this.buf = new Uint8Array(capacity);
  }

  get length(): number {
    return this.n;
  }

  private room(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.n + extra) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.n));
    this.buf = next;
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
    if (s === '') return;
    // Short plain ASCII (ids, codes): copied as it is, without a regex, an encoder call or a view.
    const len = s.length;
    if (len <= 32) {
      this.room(len);
      const buf = this.buf;
      const n = this.n;
      let i = 0;
      for (let c = 0; i < len && (c = s.charCodeAt(i)) < 128 && c !== 34 && c !== 44 && c !== 10 && c !== 13; i++) buf[n + i] = c;
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

  /** The bytes written so far (a copy), and start over. */
  take(): Uint8Array {
    const out = this.buf.slice(0, this.n);
    this.n = 0;
    return out;
  }
}
