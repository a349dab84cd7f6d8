/**
 * A case-insensitive index of short codes → their positions in a list, looked
 * up straight from a range of a string (a CSV line) without making a string.
 *
 * An open-addressing hash table of 32-byte slots, one per code: [FNV-1a hash
 * of the folded spelling, index << 5 | length, the folded spelling as 24
 * packed ASCII bytes]. A look-up hashes the input's characters in place (no
 * toUpperCase), packs them four to a word as it goes, and decides a hit inside
 * one slot: one memory read per probe instead of the three dependent reads of
 * a key array, a key index and the characters — with tens of thousands of
 * codes the table does not fit in L2, and those reads are what a look-up
 * costs. Codes longer than 24 characters or not ASCII (none in the national
 * packages) live in a plain Map consulted only when the input is such a code.
 *
 * Folding is ASCII only (a–z → A–Z). When two codes fold alike, the first wins.
 * Used by the CHS-DRG code tables and the DIP key indexes.
 */

/** Position of a code the index does not hold. */
export const NOT_FOUND = -1;

export class FoldedIndex {
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** Codes that cannot live in a slot, by folded spelling (rare; usually empty). */
  private readonly overflow = new Map<string, number>();
  /** Scratch: the packed folded characters of the code being looked up. */
  private readonly key = new Int32Array(SLOT_CHARS / 4);

  constructor(codes: readonly string[]) {
    const n = codes.length;
    let cap = 16;
    while (cap * 0.6 < n) cap <<= 1; // load factor ≤ 0.6: short probe runs, mostly within one cache line pair
    this.mask = cap - 1;
    const slots = new Int32Array(cap * SLOT_WORDS);
    for (let j = 0; j < cap; j++) slots[j * SLOT_WORDS + 1] = EMPTY;
    for (let id = 0; id < n; id++) {
      const code = codes[id]!;
      if (!fitsSlot(code)) {
        const folded = foldString(code);
        if (!this.overflow.has(folded)) this.overflow.set(folded, id);
        continue;
      }
      const h = hashFolded(code);
      let j = h & this.mask;
      while (slots[j * SLOT_WORDS + 1] !== EMPTY) j = (j + 1) & this.mask;
      const b = j * SLOT_WORDS;
      slots[b] = h;
      slots[b + 1] = (id << 5) | code.length;
      for (let i = 0; i < code.length; i++) slots[b + 2 + (i >> 2)]! |= fold(code.charCodeAt(i)) << ((i & 3) << 3);
    }
    this.slots = slots;
  }

  /** Position of the code spelled by `s`, case-insensitively, or {@link NOT_FOUND}. */
  get(s: string): number {
    return this.lookupRange(s, 0, s.length);
  }

  /** Position of the code spelled by s[from, to), case-insensitively, or {@link NOT_FOUND}; no trimming. */
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
      if (meta === EMPTY) return NOT_FOUND;
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
    return this.overflow.size === 0 ? NOT_FOUND : (this.overflow.get(foldString(s.slice(from, to))) ?? NOT_FOUND);
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
