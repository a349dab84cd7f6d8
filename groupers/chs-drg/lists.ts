/**
 * Code lists stored code-major: every code has one row of 32-bit words that
 * holds a few per-code values (header words) followed by one membership bit
 * per list. All tests about one code (is the principal in MDC X's list, in
 * rule R's list, is it an MCC, which exclusion table) then read the same one
 * or two cache lines, instead of one bitset per list spread over megabytes.
 */

/** A named list resolved at compile time. */
export interface ListRef {
  readonly name: string;
  readonly system: 'dx' | 'px';
  /** How traces name the list, e.g. `adrg_dx of rule GD2`. */
  readonly label: string;
  /** Number of distinct codes. */
  readonly size: number;
  /** Word offset inside a row (header included) and bit inside that word; -1 for an empty list. */
  readonly word: number;
  readonly bit: number;
  /** The matrix the list lives in (for `has`). */
  readonly matrix: ListMatrix;
}

export function listHas(list: ListRef, id: number): boolean {
  return list.word >= 0 && id >= 0 && ((list.matrix.words[id * list.matrix.stride + list.word]! >>> list.bit) & 1) === 1;
}

interface Pending {
  readonly name: string;
  readonly label: string;
  readonly ids: readonly number[];
}

export class ListMatrix {
  /** Row-major: `words[id * stride + w]`. */
  words: Int32Array = new Int32Array(0);
  stride = 0;
  private readonly pending: Pending[] = [];
  private built = false;

  /**
   * @param system  the code system of the rows
   * @param codes   number of codes (rows)
   * @param header  number of per-code value words before the membership bits
   */
  constructor(readonly system: 'dx' | 'px', readonly codes: number, readonly header: number) {}

  /** Register a list before {@link build}; returns a function that yields its ref after building. */
  register(name: string, label: string, ids: readonly number[]): () => ListRef {
    if (this.built) throw new Error('ListMatrix: register after build');
    const index = this.pending.length;
    this.pending.push({ name, label, ids });
    return () => this.ref(index);
  }

  /** Allocate the rows and set every registered list's bits. */
  build(): void {
    const listWords = (this.pending.length + 31) >>> 5;
    this.stride = this.header + listWords;
    this.words = new Int32Array(this.codes * this.stride);
    this.pending.forEach((p, index) => {
      const w = this.header + (index >>> 5);
      const bit = 1 << (index & 31);
      for (const id of p.ids) this.words[id * this.stride + w]! |= bit;
    });
    this.built = true;
  }

  private readonly refs = new Map<number, ListRef>();
  private ref(index: number): ListRef {
    let r = this.refs.get(index);
    if (r === undefined) {
      const p = this.pending[index]!;
      const size = new Set(p.ids).size;
      r = { name: p.name, system: this.system, label: p.label, size, word: size === 0 ? -1 : this.header + (index >>> 5), bit: index & 31, matrix: this };
      this.refs.set(index, r);
    }
    return r;
  }

  /** A list with no codes (a list name the rule uses but never fills). */
  empty(name: string, label: string): ListRef {
    return { name, system: this.system, label, size: 0, word: -1, bit: 0, matrix: this };
  }
}
