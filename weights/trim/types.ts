/**
 * A trimming method decides, per group, which history cases are extreme
 * enough to leave out of the weights. It may need preparatory passes over the
 * cases (a mean, then a spread); the weight computation runs them, then asks
 * `keep` for every case.
 */

export interface Trimmer {
  /** Number of preparatory passes over the cases. */
  readonly passes: number;
  /** A case seen in preparatory pass `pass` (0-based): group index and cost in fen. */
  visit(pass: number, group: number, cost: number): void;
  /** Called after each preparatory pass. */
  endPass(pass: number): void;
  /** After the passes: is this case kept? */
  keep(group: number, cost: number): boolean;
  /** The group's bounds in fen (costs outside are dropped), or null when nothing is trimmed. */
  bounds(group: number): { readonly low: number; readonly high: number } | null;
  /** Words for reports, e.g. `log-cost mean ± 3 SD`. */
  readonly description: string;
}

export interface TrimMethod<P> {
  readonly name: string;
  create(params: P, groups: number): Trimmer;
}
