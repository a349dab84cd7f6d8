/**
 * An index of short codes (diagnosis keys, procedure codes) → small integer
 * ids, matched case-insensitively.
 *
 * After {@link KeyIndex.seal} a code can be looked up straight from a range of
 * a CSV line, without making a string: the characters are folded and hashed
 * in place, and compared against one packed array of every key's characters.
 */

/** Id of a code the index does not hold. */
export const NO_KEY = -1;

/** ASCII a–z to A–Z, every other unit unchanged. */
const fold = (ch: number): number => (ch >= 97 && ch <= 122 ? ch - 32 : ch);

export class KeyIndex {
  /** id → key as first added (upper-cased). */
  readonly keys: string[] = [];
  private readonly byKey = new Map<string, number>();
  // Open addressing over packed characters: three flat typed arrays instead of a Map
  // keyed by fresh strings, so a look-up from a line range allocates nothing.
  private slots = new Int32Array(0);
  private chars = new Uint16Array(0);
  private starts = new Int32Array(1);
  private mask = -1;

  get size(): number {
    return this.keys.length;
  }

  /** The id of a key, adding it if new. Keys are stored upper-cased. */
  add(key: string): number {
    const k = key.toUpperCase();
    let id = this.byKey.get(k);
    if (id === undefined) {
      if (this.mask !== -1) throw new Error('KeyIndex.add after seal');
      id = this.keys.length;
      this.keys.push(k);
      this.byKey.set(k, id);
    }
    return id;
  }

  /** The id of a key, or {@link NO_KEY}. */
  get(key: string): number {
    if (this.mask !== -1) return this.lookupRange(key, 0, key.length);
    return this.byKey.get(key.toUpperCase()) ?? NO_KEY;
  }

  /** Build the packed table; no key can be added afterwards. */
  seal(): this {
    const n = this.keys.length;
    let total = 0;
    for (const k of this.keys) total += k.length;
    this.chars = new Uint16Array(total);
    this.starts = new Int32Array(n + 1);
    let p = 0;
    for (let id = 0; id < n; id++) {
      const k = this.keys[id]!;
      this.starts[id] = p;
      for (let j = 0; j < k.length; j++) this.chars[p++] = k.charCodeAt(j);
    }
    this.starts[n] = p;
    let cap = 8;
    while (cap < n * 2) cap <<= 1; // load factor at most 1/2 keeps probe runs short
    this.slots = new Int32Array(cap).fill(NO_KEY);
    this.mask = cap - 1;
    for (let id = 0; id < n; id++) {
      const k = this.keys[id]!;
      let j = hashRange(k, 0, k.length) & this.mask;
      while (this.slots[j] !== NO_KEY) j = (j + 1) & this.mask;
      this.slots[j] = id;
    }
    return this;
  }

  /** Id of the code spelled by text[from, to), case-insensitively, or {@link NO_KEY}. Only after seal. */
  lookupRange(text: string, from: number, to: number): number {
    const n = to - from;
    const chars = this.chars;
    const starts = this.starts;
    let j = hashRange(text, from, to) & this.mask;
    for (;;) {
      const id = this.slots[j]!;
      if (id === NO_KEY) return NO_KEY;
      const o = starts[id]!;
      if (starts[id + 1]! - o === n) {
        let i = 0;
        while (i < n && chars[o + i] === fold(text.charCodeAt(from + i))) i++;
        if (i === n) return id;
      }
      j = (j + 1) & this.mask;
    }
  }
}

/** FNV-1a over folded UTF-16 units, unsigned. */
function hashRange(s: string, from: number, to: number): number {
  let h = 0x811c9dc5 | 0;
  for (let i = from; i < to; i++) h = Math.imul(h ^ fold(s.charCodeAt(i)), 0x01000193);
  return h >>> 0;
}
