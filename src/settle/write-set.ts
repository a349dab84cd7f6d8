/**
 * What a batch settled ahead of its commit writes to the ledger (see
 * speculative.ts), packed for the writing thread: numbers in one
 * Float64Array, texts as UTF-8 in one byte array, counter names numbered in
 * a list of the write set's own. Both arrays are transferred, not copied,
 * and no object per bill outlives its settlement on the settling thread.
 *
 *   bills, in input order:
 *     OP_INSERT  fingerprint year n (name value)×n  | bill_id person_id result
 *     OP_REVERSE                                     | bill_id
 *   then OP_END, and the persons' years changed, in the order first changed:
 *     year admissions inFile n (name value)×n        | person_id
 *
 * Every text is its byte length (in the numbers) followed by its bytes.
 * Amounts and fingerprints are safe integers, exact in a double.
 */
import { ByteWriter } from '../io/bytes.js';
import type { Counters } from './types.js';

export const OP_INSERT = 0;
export const OP_REVERSE = 1;
export const OP_END = 2;

export interface WriteSet {
  readonly policy: string;
  readonly names: readonly string[];
  readonly nums: Float64Array;
  readonly bytes: Uint8Array;
}

/** Builds a {@link WriteSet}; reused batch after batch. */
export class WriteSetWriter {
  private nums = new Float64Array(1 << 16);
  private n = 0;
  private readonly bytes = new ByteWriter(1 << 18);
  private readonly nameIds = new Map<string, number>();
  private readonly names: string[] = [];

  num(x: number): void {
    if (this.n === this.nums.length) {
      const grown = new Float64Array(this.nums.length * 2);
      grown.set(this.nums);
      this.nums = grown;
    }
    this.nums[this.n++] = x;
  }

  text(s: string): void {
    const start = this.bytes.length;
    this.bytes.text(s);
    this.num(this.bytes.length - start);
  }

  counters(c: Readonly<Counters>): void {
    const at = this.n;
    this.num(0);
    let count = 0;
    for (const k in c) {
      let id = this.nameIds.get(k);
      if (id === undefined) {
        id = this.names.push(k) - 1;
        this.nameIds.set(k, id);
      }
      this.num(id);
      this.num(c[k]!);
      count++;
    }
    this.nums[at] = count;
  }

  /** The write set so far (copies of the used parts, to transfer); starts the next. */
  take(policy: string): WriteSet {
    const w: WriteSet = { policy, names: this.names.slice(), nums: this.nums.slice(0, this.n), bytes: this.bytes.take() };
    this.n = 0;
    return w;
  }

  /** Drop what was written since the last take. */
  clear(): void {
    this.n = 0;
    this.bytes.take(true);
  }
}

const decoder = new TextDecoder();

/** Reads a {@link WriteSet} back in the order it was written. */
export class WriteSetReader {
  private n = 0;
  private b = 0;

  constructor(private readonly w: WriteSet) {}

  num(): number {
    return this.w.nums[this.n++]!;
  }

  text(): string {
    const len = this.num();
    const s = decoder.decode(this.w.bytes.subarray(this.b, this.b + len));
    this.b += len;
    return s;
  }

  counters(): Counters {
    const c: Counters = {};
    const count = this.num();
    for (let i = 0; i < count; i++) {
      const name = this.w.names[this.num()]!;
      c[name] = this.num();
    }
    return c;
  }

  get done(): boolean {
    return this.n >= this.w.nums.length;
  }
}
