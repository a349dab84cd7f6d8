/**
 * Split a stream of CSV text into batches of complete records, each batch
 * knowing the physical line its first record starts on.
 *
 * The splitter is the authority on what a row is: a record ends at a newline
 * outside double quotes. A quoted field may span lines, but a quote left open
 * for more than {@link MAX_RECORD_LINES} lines (or at the end of the input) is
 * treated as broken: the record is cut after its first line, which then fails
 * to parse and is reported, and scanning resumes on the next line. One bad
 * quote therefore costs one row, never the rest of the file.
 *
 * The same algorithm runs over strings (in-process) or over UTF-8 bytes (the
 * main thread of a worker pool, which then never decodes text): newline,
 * quote and comma are ASCII, and never occur inside a multi-byte UTF-8
 * sequence. Scanning uses indexOf, remembering the next quote position, so
 * each character is looked at a bounded number of times.
 */

/** Longest run of physical lines one quoted record may span. */
export const MAX_RECORD_LINES = 100;

/** The shortest run of one-line records kept apart from records of several lines (see RecordSplitter.closeRecord). */
export const MIN_RUN = 256;

export interface RecordBatch<T = string> {
  /** Complete records, concatenated with their line endings. */
  readonly text: T;
  /** Physical line (1-based) of the first record. */
  readonly firstLine: number;
  /** Number of records (blank lines count as records). */
  readonly records: number;
  /** True when some record spans several physical lines. */
  readonly multiline: boolean;
}

/** The few operations the splitter needs from its text type. */
export interface TextOps<T> {
  readonly empty: T;
  length(t: T): number;
  concat(a: T, b: T): T;
  /** Index of the ASCII character (`\n`, `"`) at or after `from`, or -1. */
  indexOf(t: T, ch: '\n' | '"', from: number): number;
  /** The code of the character (or byte) at i. */
  code(t: T, i: number): number;
  slice(t: T, from: number, to: number): T;
}

export const STRING_OPS: TextOps<string> = {
  empty: '',
  length: (t) => t.length,
  concat: (a, b) => a + b,
  indexOf: (t, ch, from) => t.indexOf(ch, from),
  code: (t, i) => t.charCodeAt(i),
  slice: (t, a, b) => t.slice(a, b),
};

export const BYTE_OPS: TextOps<Buffer> = {
  empty: Buffer.alloc(0),
  length: (t) => t.length,
  concat: (a, b) => (a.length === 0 ? b : Buffer.concat([a, b])),
  indexOf: (t, ch, from) => t.indexOf(ch === '\n' ? 10 : 34, from),
  code: (t, i) => t[i]!,
  slice: (t, a, b) => t.subarray(a, b),
};

/**
 * Byte operations over one reusable buffer (an arena) instead of a new buffer
 * per chunk: each pushed chunk is copied in after the unemitted tail, which is
 * first moved to the arena's start. Batches are views into the arena, so a
 * batch is valid only until the next `push` or `end`: the caller copies it out
 * (as the worker pool does, into the buffer it hands a worker) before feeding
 * more. The chunk itself is always copied, so the reader may reuse its buffer.
 *
 * A fresh buffer per chunk would cost the main thread of a worker pool one
 * external allocation per input byte, and V8 answers a steady stream of them
 * with full collections.
 */
export function arenaByteOps(initial = 1 << 21): TextOps<Buffer> {
  let arena = Buffer.allocUnsafeSlow(initial);
  return {
    ...BYTE_OPS,
    empty: arena.subarray(0, 0),
    concat(a, b) {
      const n = a.length + b.length;
      if (n > arena.length) {
        let cap = arena.length * 2;
        while (cap < n) cap *= 2;
        const next = Buffer.allocUnsafeSlow(cap);
        next.set(a);
        arena = next;
      } else if (a.length > 0 && a.byteOffset !== arena.byteOffset) {
        arena.copyWithin(0, a.byteOffset - arena.byteOffset, a.byteOffset - arena.byteOffset + a.length);
      }
      arena.set(b, a.length);
      return arena.subarray(0, n);
    },
  };
}

export class RecordSplitter<T = string> {
  /** Unemitted text: complete records of the current batch, then the incomplete tail. */
  private buf: T;
  /** Scan position in buf. */
  private pos = 0;
  /** Start of the record being scanned. */
  private recStart = 0;
  /** Physical lines of the record being scanned so far. */
  private recLines = 0;
  private inQuote = false;
  /** Index of the next quote at or after pos, or -1 when there is none in buf. */
  private nextQuote = -1;
  /** Records and lines already closed in the current batch. */
  private batchRecords = 0;
  private batchLines = 0;
  private batchMultiline = false;
  /** The run of one-line records that ends the current batch: where it starts in buf, and its length. */
  private runAt = 0;
  private runRecords = 0;
  /** Physical line of the first record of the current batch. */
  private batchFirstLine = 1;
  /** Until the first record is out, batches hold one record (the header). */
  private headerPending: boolean;

  /**
   * @param targetBytes  emit a batch once it holds at least this many characters (or bytes)
   * @param maxRecords   ... or this many records
   * @param header       emit the first record alone, as the header batch
   * @param ops          the text type: strings (default) or UTF-8 bytes (BYTE_OPS, arenaByteOps)
   */
  constructor(
    private readonly targetBytes = 1 << 20,
    private readonly maxRecords = 8192,
    header = false,
    private readonly ops: TextOps<T> = STRING_OPS as unknown as TextOps<T>,
  ) {
    this.headerPending = header;
    this.buf = ops.empty;
  }

  /** Feed text; returns the batches completed by it. */
  push(chunk: T): RecordBatch<T>[] {
    const ops = this.ops;
    if (ops.length(chunk) === 0) return [];
    const oldLength = ops.length(this.buf);
    this.buf = ops.concat(this.buf, chunk);
    if (this.nextQuote === -1) this.nextQuote = ops.indexOf(this.buf, '"', Math.max(oldLength, this.pos));
    const out: RecordBatch<T>[] = [];
    this.scan(out);
    return out;
  }

  /** Signal the end of input; returns the last batch(es). */
  end(): RecordBatch<T>[] {
    const ops = this.ops;
    const out: RecordBatch<T>[] = [];
    const len = () => ops.length(this.buf);
    // A quote as the very last character closes its field.
    if (this.inQuote && this.nextQuote === len() - 1) {
      this.inQuote = false;
      this.pos = len();
      this.nextQuote = -1;
    }
    // An open quote at the end of input: cut that record after its first line and rescan.
    while (this.inQuote && this.recLines > 0) {
      this.cutRecord(out);
      this.scan(out);
    }
    if (this.recStart < len()) {
      // Last record without a trailing newline.
      this.pos = len();
      this.closeRecord(this.pos, this.recLines + 1, out);
    }
    this.flush(out);
    return out;
  }

  /**
   * Advance through buf. Quotes follow RFC 4180 as papaparse reads them: a
   * quote opens a quoted field only at the start of a field; inside one, `""`
   * is an escaped quote and any other quote closes it. A quote elsewhere is a
   * literal character.
   */
  private scan(out: RecordBatch<T>[]): void {
    const ops = this.ops;
    let buf = this.buf;
    let nl = ops.indexOf(buf, '\n', this.pos);
    for (;;) {
      const q = this.nextQuote;
      if (!this.inQuote) {
        if (q !== -1 && (nl === -1 || q < nl)) {
          // A quote before the end of the line: it opens a field only at a field start.
          if (q === this.recStart || ops.code(buf, q - 1) === 44 /* , */) this.inQuote = true;
          this.pos = q + 1;
          this.nextQuote = ops.indexOf(buf, '"', this.pos);
          continue;
        }
        if (nl === -1) return;
        this.pos = nl + 1;
        this.recLines++;
        this.closeRecord(this.pos, this.recLines, out);
        buf = this.buf; // a flush drops the emitted text and rebases positions
        nl = ops.indexOf(buf, '\n', this.pos);
        continue;
      }
      // Inside a quoted field.
      if (nl !== -1 && (q === -1 || nl < q)) {
        this.pos = nl + 1;
        this.recLines++;
        if (this.recLines > MAX_RECORD_LINES) {
          this.cutRecord(out);
          buf = this.buf;
        }
        nl = ops.indexOf(buf, '\n', this.pos);
        continue;
      }
      if (q === -1) return; // no closing quote yet
      if (q + 1 >= ops.length(buf)) return; // cannot tell "" from a closing quote until more text arrives
      if (ops.code(buf, q + 1) === 34 /* " */) {
        this.pos = q + 2;
      } else {
        this.inQuote = false;
        this.pos = q + 1;
      }
      this.nextQuote = ops.indexOf(buf, '"', this.pos);
    }
  }

  /**
   * The current record ends at `end` and spans `lines` physical lines.
   *
   * A job reads a batch with a record of several lines with its generic
   * reader, record by record, at several times the cost per row of the
   * fused readers; so records of several lines are kept apart from long runs
   * of one-line records. A run of {@link MIN_RUN} one-line records is cut
   * from the records of several lines before it, and ends its batch when a
   * record of several lines follows it. Shorter runs stay mixed with such
   * records, so that no input makes many small batches.
   */
  private closeRecord(end: number, lines: number, out: RecordBatch<T>[]): void {
    if (lines > 1) {
      if (this.runRecords >= MIN_RUN) {
        // The batch is that run alone (see below): it goes out before this record.
        const at = this.recStart;
        this.flush(out);
        end -= at;
      }
      this.runRecords = 0;
      this.batchMultiline = true;
    } else {
      if (this.runRecords === 0) this.runAt = this.recStart;
      this.runRecords++;
    }
    this.batchRecords++;
    this.batchLines += lines;
    this.recLines = 0;
    this.recStart = end;
    if (this.batchMultiline && this.runRecords === MIN_RUN) this.flushBeforeRun(out);
    if (this.recStart >= this.targetBytes || this.batchRecords >= this.maxRecords || this.headerPending) {
      this.headerPending = false;
      this.flush(out);
    }
  }

  /** Emit the records before the current run of one-line records (a batch with a record of several lines); the run stays. */
  private flushBeforeRun(out: RecordBatch<T>[]): void {
    this.emit(out, this.runAt, this.batchRecords - this.runRecords, this.batchLines - this.runRecords, true);
    this.runAt = 0;
    this.batchMultiline = false;
  }

  /** Close the current record after its first physical line (a broken quote); scanning resumes there. */
  private cutRecord(out: RecordBatch<T>[]): void {
    const ops = this.ops;
    const firstNl = ops.indexOf(this.buf, '\n', this.recStart);
    const end = firstNl === -1 ? ops.length(this.buf) : firstNl + 1;
    this.inQuote = false;
    this.pos = end;
    this.closeRecord(end, 1, out);
    this.nextQuote = ops.indexOf(this.buf, '"', this.pos);
  }

  /** Emit the closed records of the current batch, keeping the incomplete tail. */
  private flush(out: RecordBatch<T>[]): void {
    if (this.batchRecords === 0) return;
    this.emit(out, this.recStart, this.batchRecords, this.batchLines, this.batchMultiline);
    this.batchMultiline = false;
    this.runAt = 0;
    this.runRecords = 0;
  }

  /**
   * Emit the first `records` closed records of the current batch, which end
   * at `at` in buf and span `lines` physical lines, and rebase what stays.
   */
  private emit(out: RecordBatch<T>[], at: number, records: number, lines: number, multiline: boolean): void {
    const ops = this.ops;
    out.push({ text: ops.slice(this.buf, 0, at), firstLine: this.batchFirstLine, records, multiline });
    this.buf = ops.slice(this.buf, at, ops.length(this.buf));
    this.pos -= at;
    if (this.nextQuote !== -1) this.nextQuote -= at;
    this.recStart -= at;
    this.batchFirstLine += lines;
    this.batchRecords -= records;
    this.batchLines -= lines;
  }
}

/**
 * Split text into its records (same rules as the splitter), for the slow path
 * when a batch must be parsed record by record.
 */
export function splitRecords(text: string): string[] {
  const one = new RecordSplitter(0, 1); // a batch per record
  return [...one.push(text), ...one.end()].map((b) => b.text);
}
