/**
 * Interned code systems.
 *
 * Every diagnosis and procedure code a scheme mentions (its dictionaries,
 * every list and the translation maps) gets a small integer id at load time;
 * after one look-up per code of a case, grouping is array indexing only.
 */

import { FoldedIndex, NOT_FOUND } from '../../src/folded-index.js';

/** Id of a code the scheme does not know. */
export const NO_CODE = NOT_FOUND;

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

  /** After {@link freeze}: the case-insensitive look-up table over every code. */
  private index: FoldedIndex | undefined;

  constructor(readonly system: 'dx' | 'px') {}

  /** Build the look-up table; call once every code is interned. */
  freeze(): void {
    this.index = new FoldedIndex(this.codes);
  }

  /**
   * Id of the code spelled by `s` from `from` to `to` (exclusive), matched
   * case-insensitively, or {@link NO_CODE}; no trimming. Lets a reader look a
   * code up inside a CSV line without making a string for it. Only after
   * {@link freeze}.
   */
  lookupRange(s: string, from: number, to: number): number {
    return this.index!.lookupRange(s, from, to);
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
    const index = this.index;
    if (index !== undefined) {
      const id = index.get(raw);
      if (id !== NO_CODE || raw.length === 0) return id;
      // Only surrounding white space (any Unicode space, e.g. U+3000) can still make it match.
      const t = raw.trim();
      return t.length !== raw.length ? index.get(t) : NO_CODE;
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

