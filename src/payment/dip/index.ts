/**
 * DIP for one case, as the library offers it: group and score
 * ({@link scoreDipCase}), and every reachable group with its score and
 * payment ({@link whatIfDip}). The bulk job does the same through the
 * prepared-codes path.
 */
import { type CompiledDirectory, type DipGroupResult, groupDipCase } from '../../../groupers/dip/index.js';
import { type DipReach, reachableGroups } from '../../../groupers/dip/whatif.js';
import type { Decimal, Fen } from '../../money.js';
import type { AdjustInput } from './adjust/index.js';
import { type Deviation, type DipCaseScore, DipScorer } from './score.js';

/** A case as DIP reads it: the canonical case fields it uses (money in fen), and ICU days. */
export interface DipCase {
  readonly id?: string | null;
  readonly diagnoses: readonly string[];
  readonly procedures?: readonly string[] | null;
  /** Fen. */
  readonly total_cost?: number | null;
  readonly age?: number | null;
  readonly age_days?: number | null;
  readonly los?: number | null;
  readonly discharge?: number | null;
  readonly hospital_level?: number | null;
  readonly icu_days?: number | null;
}

export interface DipScoreOptions {
  readonly trace?: boolean;
  /** Yuan per score point (default: the directory's point value). */
  readonly pointValue?: Decimal.Value;
  /** A scorer to reuse across calls (it memoises per group); made when absent. */
  readonly scorer?: DipScorer;
}

/** What the adjustments read of a case, with the given secondary diagnoses. */
export function adjustInput(c: DipCase, secondary: readonly string[] = c.diagnoses.slice(1)): AdjustInput {
  return {
    age: c.age ?? null,
    ageDays: c.age_days ?? null,
    los: c.los ?? null,
    discharge: c.discharge ?? null,
    icuDays: c.icu_days ?? null,
    hospitalLevel: c.hospital_level ?? null,
    secondary,
  };
}

/** Group and score a case; `score` is null when the case is not grouped. */
export function scoreDipCase(d: CompiledDirectory, c: DipCase, options: DipScoreOptions = {}): { group: DipGroupResult; score: DipCaseScore | null } {
  const group = groupDipCase(d, c, { trace: options.trace === true });
  if (group.group === null) return { group, score: null };
  const scorer = options.scorer ?? new DipScorer(d, options.pointValue);
  return { group, score: scorer.score(group.group, adjustInput(c), c.total_cost ?? null, options.trace === true) };
}

export interface DipWhatIf extends DipReach {
  readonly score: Decimal;
  readonly deviation: Deviation | null;
  readonly payment: Fen;
}

/** Every group the case could reach (each diagnosis as principal), with its score and payment. */
export function whatIfDip(d: CompiledDirectory, c: DipCase, options: Omit<DipScoreOptions, 'trace'> = {}): DipWhatIf[] {
  const scorer = options.scorer ?? new DipScorer(d, options.pointValue);
  return reachableGroups(d, c).map((r) => {
    const secondary = c.diagnoses.filter((_, j) => j !== r.position - 1);
    const s = scorer.score(r.group, adjustInput(c, secondary), c.total_cost ?? null);
    return { ...r, score: s.score, deviation: s.deviation, payment: s.payment };
  });
}

export { DipScorer, deviationScore, type Deviation, type DipCaseScore } from './score.js';
