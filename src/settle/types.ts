/**
 * Types shared by the settlement stages: what a person has used this year,
 * trace steps, and problems with a bill.
 */
import type { Fen } from '../money.js';

/**
 * Named amounts a person has accumulated in a year, per layer: `basic.paid`,
 * `basic.deductible`, `basic.disease.<id>`, `critical_illness.counted`,
 * `critical_illness.paid`, `<assistance layer>.deductible`, `<…>.paid`.
 * Amounts are fen (integers); a missing key is 0.
 */
export type Counters = Record<string, number>;

/** A person's year so far, as the ledger holds it. */
export interface Usage {
  /** Settled (not reversed) admissions this year. */
  readonly admissions: number;
  readonly counters: Readonly<Counters>;
}

export const NO_USAGE: Usage = Object.freeze({ admissions: 0, counters: Object.freeze({}) });

/** One line of a settlement's explanation. */
export interface SettlementStep {
  /** `amounts`, `method`, a layer id (`basic`, `critical_illness`, …), or `patient`. */
  readonly stage: string;
  readonly text: string;
}

/** Why a bill cannot be settled (reported per row, never settled). */
export interface BillProblem {
  /** Stable code, e.g. `amounts.inconsistent`, `hospital_level.unknown`, `los.missing`. */
  readonly code: string;
  /** The bill field concerned, when there is one. */
  readonly field?: string;
  readonly message: string;
}

/** Read a counter (missing = 0). */
export const counter = (c: Readonly<Counters>, key: string): Fen => (c[key] ?? 0) as Fen;
