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
   * After {@link freeze}: an open-addressing hash table of 32-byte slots, one
   * per code: [FNV-1a hash of the case-folded spelling, id << 5 | length,
   * the folded spelling as 24 packed ASCII bytes]. A look-up hashes the case
   * code's characters in place (no string is made, no toUpperCase), and a hit
   * is decided inside that one slot: one memory read per probe instead of the
   * three dependent reads of a key array, a key index and the characters —
   * with tens of thousands of codes the table does not fit in L2, and those
   * reads are what a look-up costs. Codes that are longer than 24 characters
   * or not ASCII (none in the national packages) live in a second, plain
   * table consulted only when the input itself is such a code.
   */
  private slots = new Int32Array(0);
  private mask = 0;
  /** Codes that cannot live in a slot, by folded spelling (rare; usually empty). */
  private readonly overflow = new Map<string, number>();
  /** Scratch: the packed folded characters of the code being looked up. */
  private readonly key = new Int32Array(SLOT_CHARS / 4);

  constructor(readonly system: 'dx' | 'px') {}

  /** Build the look-up table; call once every code is interned. */
  freeze(): void {
    const n = this.codes.length;
    let cap = 16;
    while (cap * 0.6 < n) cap <<= 1; // load factor ≤ 0.6: short probe runs, mostly within one cache line pair
    this.mask = cap - 1;
    const slots = new Int32Array(cap * SLOT_WORDS);
    for (let j = 0; j < cap; j++) slots[j * SLOT_WORDS + 1] = EMPTY;
    for (let id = 0; id < n; id++) {
      const code = this.codes[id]!;
      if (!fitsSlot(code)) {
        this.overflow.set(foldString(code), id);
        continue;
      }
      const h = hashFolded(code);
      let j = h & this.mask;
      while (slots[j * SLOT_WORDS + 1] !== EMPTY) j = (j + 1) & this.mask;
      const b = j * SLOT_WORDS;
      slots[b] = h | 0;
      slots[b + 1] = (id << 5) | code.length;
      for (let i = 0; i < code.length; i++) slots[b + 2 + (i >> 2)]! |= fold(code.charCodeAt(i)) << ((i & 3) << 3);
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
    if (n > SLOT_CHARS) return this.overflowLookup(s, from, to);
    // Hash the folded characters and pack them four to a word, as a slot holds them.
    const key = this.key;
    let h = 0x811c9dc5 | 0;
    let high = 0;
    let w = 0;
    let k = 0;
    for (let q = 0; q < n; q++) {
      const ch = s.charCodeAt(from + q);
      high |= ch;
      const f = fold(ch);
      h = Math.imul(h ^ f, 0x01000193);
      w |= f << ((q & 3) << 3);
      if ((q & 3) === 3) {
        key[k++] = w;
        w = 0;
      }
    }
    if ((n & 3) !== 0) key[k++] = w;
    if (high > 127) return this.overflowLookup(s, from, to);
    const slots = this.slots;
    const mask = this.mask;
    let j = h & mask;
    for (;;) {
      const b = j * SLOT_WORDS;
      const meta = slots[b + 1]!;
      if (meta === EMPTY) return NO_CODE;
      if (slots[b] === h && (meta & 31) === n) {
        let q = 0;
        while (q < k && slots[b + 2 + q] === key[q]) q++;
        if (q === k) return meta >> 5;
      }
      j = (j + 1) & mask;
    }
  }

  /** Look-up of a code that cannot live in a slot (longer than 24 characters, or not ASCII). */
  private overflowLookup(s: string, from: number, to: number): number {
    return this.overflow.size === 0 ? NO_CODE : (this.overflow.get(foldString(s.slice(from, to))) ?? NO_CODE);
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
    if (this.slots.length !== 0) {
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

/** Words per slot of the look-up table, and the longest code a slot holds. */
const SLOT_WORDS = 8;
const SLOT_CHARS = 24;
/** Slot meta word of an empty slot (a real one is id << 5 | length, never −1). */
const EMPTY = -1;

/** Whether a code can live in a slot: at most 24 characters, all ASCII. */
function fitsSlot(code: string): boolean {
  if (code.length > SLOT_CHARS) return false;
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) > 127) return false;
  return true;
}

/** The case-folded spelling (ASCII letters upper-cased, as {@link fold}). */
function foldString(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += String.fromCharCode(fold(s.charCodeAt(i)));
  return out;
}

/** ASCII lower case to upper case; every other code unit unchanged. */
function fold(ch: number): number {
  return ch >= 97 && ch <= 122 ? ch - 32 : ch;
}

/** FNV-1a over case-folded UTF-16 code units (as a signed 32-bit integer). */
function hashFolded(s: string): number {
  let h = 0x811c9dc5 | 0;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ fold(s.charCodeAt(i)), 0x01000193);
  return h;
}
