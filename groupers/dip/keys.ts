/**
 * An index of short codes (diagnosis keys, procedure codes) → small integer
 * ids, matched case-insensitively.
 *
 * After {@link KeyIndex.seal} a code can be looked up straight from a range of
 * a CSV line, without making a string (the shared {@link FoldedIndex}).
 */
import { FoldedIndex, NOT_FOUND } from '../../src/folded-index.js';

/** Id of a code the index does not hold. */
export const NO_KEY = NOT_FOUND;

export class KeyIndex {
  /** id → key as first added (upper-cased). */
  readonly keys: string[] = [];
  private readonly byKey = new Map<string, number>();
  /** After {@link seal}: the look-up table. */
  private index: FoldedIndex | undefined;

  get size(): number {
    return this.keys.length;
  }

  /** The id of a key, adding it if new. Keys are stored upper-cased. */
  add(key: string): number {
    const k = key.toUpperCase();
    let id = this.byKey.get(k);
    if (id === undefined) {
      if (this.index !== undefined) throw new Error('KeyIndex.add after seal');
      id = this.keys.length;
      this.keys.push(k);
      this.byKey.set(k, id);
    }
    return id;
  }

  /** The id of a key, or {@link NO_KEY}. */
  get(key: string): number {
    if (this.index !== undefined) return this.index.get(key);
    return this.byKey.get(key.toUpperCase()) ?? NO_KEY;
  }

  /** Build the look-up table; no key can be added afterwards. */
  seal(): this {
    this.index = new FoldedIndex(this.keys);
    return this;
  }

  /** Id of the code spelled by text[from, to), case-insensitively, or {@link NO_KEY}. Only after seal. */
  lookupRange(text: string, from: number, to: number): number {
    return this.index!.lookupRange(text, from, to);
  }
}
