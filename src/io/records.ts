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
 * Scanning uses indexOf for newlines and quotes, remembering the next quote
 * position so that each character is looked at a bounded number of times.
 */

/** Longest run of physical lines one quoted record may span. */
export const MAX_RECORD_LINES = 100;

export interface RecordBatch {
  /** Complete records, concatenated with their line endings. */
  readonly text: string;
  /** Physical line (1-based) of the first record. */
  readonly firstLine: number;
  /** Number of records (blank lines count as records). */
  readonly records: number;
  /** True when some record spans several physical lines. */
  readonly multiline: boolean;
}

export class RecordSplitter {
  /** Unemitted text: complete records of the current batch, then the incomplete tail. */
  private buf = '';
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
  /** Physical line of the first record of the current batch. */
  private batchFirstLine = 1;

  /** Until the first record is out, batches hold one record (the header). */
  private headerPending: boolean;

  /**
   * @param targetBytes  emit a batch once it holds at least this many characters
   * @param maxRecords   ... or this many records
   * @param header       emit the first record alone, as the header batch
   */
  constructor(
    private readonly targetBytes = 1 << 20,
    private readonly maxRecords = 8192,
    header = false,
  ) {
    this.headerPending = header;
  }

  /** Feed text; returns the batches completed by it. */
  push(chunk: string): RecordBatch[] {
    if (chunk === '') return [];
    const oldLength = this.buf.length;
    this.buf += chunk;
    if (this.nextQuote === -1) this.nextQuote = this.buf.indexOf('"', Math.max(oldLength, this.pos));
    const out: RecordBatch[] = [];
    this.scan(out);
    return out;
  }

  /** Signal the end of input; returns the last batch(es). */
  end(): RecordBatch[] {
    const out: RecordBatch[] = [];
    // A quote as the very last character closes its field.
    if (this.inQuote && this.nextQuote === this.buf.length - 1) {
      this.inQuote = false;
      this.pos = this.buf.length;
      this.nextQuote = -1;
    }
    // An open quote at the end of input: cut that record after its first line and rescan.
    while (this.inQuote && this.recLines > 0) {
      this.cutRecord(out);
      this.scan(out);
    }
    if (this.recStart < this.buf.length) {
      // Last record without a trailing newline.
      this.pos = this.buf.length;
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
  private scan(out: RecordBatch[]): void {
    let buf = this.buf;
    let nl = buf.indexOf('\n', this.pos);
    for (;;) {
      const q = this.nextQuote;
      if (!this.inQuote) {
        if (q !== -1 && (nl === -1 || q < nl)) {
          // A quote before the end of the line: it opens a field only at a field start.
          if (q === this.recStart || buf.charCodeAt(q - 1) === 44 /* , */) this.inQuote = true;
          this.pos = q + 1;
          this.nextQuote = buf.indexOf('"', this.pos);
          continue;
        }
        if (nl === -1) return;
        this.pos = nl + 1;
        this.recLines++;
        this.closeRecord(this.pos, this.recLines, out);
        buf = this.buf; // a flush drops the emitted text and rebases positions
        nl = buf.indexOf('\n', this.pos);
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
        nl = buf.indexOf('\n', this.pos);
        continue;
      }
      if (q === -1) return; // no closing quote yet
      if (q + 1 >= buf.length) return; // cannot tell "" from a closing quote until more text arrives
      if (buf.charCodeAt(q + 1) === 34 /* " */) {
        this.pos = q + 2;
      } else {
        this.inQuote = false;
        this.pos = q + 1;
      }
      this.nextQuote = buf.indexOf('"', this.pos);
    }
  }

  /** The current record ends at `end` and spans `lines` physical lines. */
  private closeRecord(end: number, lines: number, out: RecordBatch[]): void {
    this.batchRecords++;
    this.batchLines += lines;
    if (lines > 1) this.batchMultiline = true;
    this.recLines = 0;
    this.recStart = end;
    if (this.recStart >= this.targetBytes || this.batchRecords >= this.maxRecords || this.headerPending) {
      this.headerPending = false;
      this.flush(out);
    }
  }

  /** Close the current record after its first physical line (a broken quote); scanning resumes there. */
  private cutRecord(out: RecordBatch[]): void {
    const firstNl = this.buf.indexOf('\n', this.recStart);
    const end = firstNl === -1 ? this.buf.length : firstNl + 1;
    this.inQuote = false;
    this.pos = end;
    this.closeRecord(end, 1, out);
    this.nextQuote = this.buf.indexOf('"', this.pos);
  }

  /** Emit the closed records of the current batch, keeping the incomplete tail. */
  private flush(out: RecordBatch[]): void {
    if (this.batchRecords === 0) return;
    out.push({ text: this.buf.slice(0, this.recStart), firstLine: this.batchFirstLine, records: this.batchRecords, multiline: this.batchMultiline });
    const cut = this.recStart;
    this.buf = this.buf.slice(cut);
    this.pos -= cut;
    if (this.nextQuote !== -1) this.nextQuote -= cut;
    this.recStart = 0;
    this.batchFirstLine += this.batchLines;
    this.batchRecords = 0;
    this.batchLines = 0;
    this.batchMultiline = false;
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
