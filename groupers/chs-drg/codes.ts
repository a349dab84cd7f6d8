/**
 * Interned code systems.
 *
 * Every diagnosis and procedure code a scheme mentions (its dictionaries,
 * every list and the translation maps) gets a small integer id at load time;
 * after one look-up per code of a case, grouping is array indexing only.
 */

/** Id of a code the scheme does not know. */
export const NO_CODE = -1;

export class CodeTable {
  /** id → canonical spelling (as in the scheme's files). */
  readonly codes: string[] = [];
  /** id → name from the dictionary ('' when the code is not in the dictionary). */
  readonly names: string[] = [];
  /**
   * Dictionary codes are defined before any other code is interned, so they
   * hold ids 0 … dictionarySize − 1: "is it in the dictionary" is `id < dictionarySize`.
   */
  dictionarySize = 0;
  /** Canonical spellings → id (the common case: one look-up in the smaller map). */
  private readonly exact = new Map<string, number>();
  /** Upper-case forms → id, consulted only when the exact spelling misses. */
  private readonly folded = new Map<string, number>();

  /**
   * After {@link freeze}: an open-addressing hash table over the packed,
   * upper-cased characters of every code, hashed and compared case-folded.
   * Case codes arrive as fresh strings from the CSV parser, whose V8 hash is
   * not cached yet; hashing their char codes here and comparing packed chars
   * beats Map.get on them, needs no toUpperCase for lower-case input, and
   * touches two compact typed arrays.
   */
  private slots: Int32Array | undefined;
  private chars = new Uint16Array(0);
  private keyStart = new Int32Array(0);
  private mask = 0;

  /**
   * A small memo of recent look-ups (codes recur heavily in real data): each
   * entry keeps its own copy of the folded characters, so a hit is verified
   * character by character without touching the ~1 MB table above (whose
   * three dependent reads per look-up are mostly cache misses). Misses are
   * memoised too. Per table, so per thread.
   */
  private readonly memoChars = new Uint16Array(MEMO_SIZE * MEMO_WIDTH);
  private readonly memoLen = new Uint8Array(MEMO_SIZE);
  private readonly memoId = new Int32Array(MEMO_SIZE);

  constructor(readonly system: 'dx' | 'px') {}

  /** Build the look-up table; call once every code is interned. */
  freeze(): void {
    const n = this.codes.length;
    let total = 0;
    for (const k of this.codes) total += k.length;
    this.chars = new Uint16Array(total);
    this.keyStart = new Int32Array(n + 1);
    let p = 0;
    for (let id = 0; id < n; id++) {
      const k = this.codes[id]!;
      this.keyStart[id] = p;
      for (let j = 0; j < k.length; j++) this.chars[p++] = fold(k.charCodeAt(j));
    }
    this.keyStart[n] = p;
    let cap = 16;
    while (cap < n * 2) cap <<= 1; // load factor ≤ 0.5: short probe runs
    this.mask = cap - 1;
    const slots = new Int32Array(cap).fill(-1);
    for (let id = 0; id < n; id++) {
      let j = hashFolded(this.codes[id]!) & this.mask;
      while (slots[j] !== -1) j = (j + 1) & this.mask;
      slots[j] = id;
    }
    this.slots = slots;
  }

  private probe(s: string): number {
    return this.lookupRange(s, 0, s.length);
  }

  /**
   * Id of the code spelled by `s` from `from` to `to` (exclusive), matched
   * case-insensitively, or {@link NO_CODE}; no trimming. Lets a reader look a
   * code up inside a CSV line without making a string for it. Only after
   * {@link freeze}.
   */
  lookupRange(s: string, from: number, to: number): number {
    const n = to - from;
    let h = 0x811c9dc5 | 0;
    for (let i = from; i < to; i++) h = Math.imul(h ^ fold(s.charCodeAt(i)), 0x01000193);
    if (n > MEMO_WIDTH || n === 0) return this.probeHashed(h, s, from, n);
    const slot = (h >>> 0) & (MEMO_SIZE - 1);
    const memo = this.memoChars;
    const base = slot * MEMO_WIDTH;
    if (this.memoLen[slot] === n) {
      let i = 0;
      while (i < n && memo[base + i] === fold(s.charCodeAt(from + i))) i++;
      if (i === n) return this.memoId[slot]!;
    }
    const id = this.probeHashed(h, s, from, n);
    for (let i = 0; i < n; i++) memo[base + i] = fold(s.charCodeAt(from + i));
    this.memoLen[slot] = n;
    this.memoId[slot] = id;
    return id;
  }

  private probeHashed(h: number, s: string, from: number, n: number): number {
    const slots = this.slots!;
    const chars = this.chars;
    const start = this.keyStart;
    let j = (h >>> 0) & this.mask;
    for (;;) {
      const id = slots[j]!;
      if (id < 0) return NO_CODE;
      const o = start[id]!;
      if (start[id + 1]! - o === n) {
        let i = 0;
        while (i < n && chars[o + i] === fold(s.charCodeAt(from + i))) i++;
        if (i === n) return id;
      }
      j = (j + 1) & this.mask;
    }
  }

  get size(): number {
    return this.codes.length;
  }

  /**
   * Id of a code, or {@link NO_CODE}. The exact spelling is tried first (the
   * common case costs one hash look-up); otherwise the code is trimmed and
   * matched case-insensitively, so `i10.X05` finds the canonical `I10.x05`.
   */
  lookup(raw: string): number {
    if (this.slots !== undefined) {
      const id = this.probe(raw);
      if (id !== NO_CODE || raw.length === 0) return id;
      // Only surrounding white space (any Unicode space, e.g. U+3000) can still make it match.
      const t = raw.trim();
      return t.length !== raw.length ? this.probe(t) : NO_CODE;
    }
    const id = this.exact.get(raw);
    if (id !== undefined) return id;
    const alt = this.folded.get(raw.trim().toUpperCase());
    return alt === undefined ? NO_CODE : alt;
  }

  /**
   * Id of a code, adding it if new. Returns the existing id when the code is
   * already known under another letter case; `onCaseClash` is told when two
   * distinct canonical spellings fold to the same upper-case form.
   */
  intern(code: string, onCaseClash?: (existing: string) => void): number {
    const exact = this.exact.get(code);
    if (exact !== undefined) return exact;
    const upper = code.toUpperCase();
    const folded = this.folded.get(upper);
    if (folded !== undefined) {
      if (onCaseClash !== undefined && this.codes[folded] !== code) onCaseClash(this.codes[folded]!);
      return folded;
    }
    const id = this.codes.length;
    this.codes.push(code);
    this.names.push('');
    this.exact.set(code, id);
    this.folded.set(upper, id);
    return id;
  }

  /** Add a dictionary code with its name. All dictionary codes must be defined before anything else is interned. */
  define(code: string, name: string, onCaseClash?: (existing: string) => void): number {
    if (this.dictionarySize !== this.codes.length) throw new Error('CodeTable.define: dictionary codes must come first');
    const id = this.intern(code, onCaseClash);
    this.names[id] = name;
    if (id === this.dictionarySize) this.dictionarySize++;
    return id;
  }

  /** True when the code is in the dictionary file (not only in rule lists or maps). */
  inDictionary(id: number): boolean {
    return id >= 0 && id < this.dictionarySize;
  }

  /** Display form `CODE name` for messages and traces. */
  label(id: number): string {
    const name = this.names[id];
    return name ? `${this.codes[id]} ${name}` : (this.codes[id] ?? '?');
  }
}

/** Entries of a code table's look-up memo (a power of two) and the longest code it holds. */
const MEMO_SIZE = 4096;
const MEMO_WIDTH = 24;

/** ASCII lower case to upper case; every other code unit unchanged. */
function fold(ch: number): number {
  return ch >= 97 && ch <= 122 ? ch - 32 : ch;
}

/** FNV-1a over case-folded UTF-16 code units. */
function hashFolded(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ fold(s.charCodeAt(i)), 0x01000193);
  return h >>> 0;
}
