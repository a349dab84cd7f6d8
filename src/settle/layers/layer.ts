/**
 * A benefit layer: one payer in the settlement order (basic insurance,
 * critical-illness insurance, a medical-assistance layer). Each layer kind
 * lives in its own module and is registered in layers/index.ts; the kind
 * checks and compiles its part of the policy, and the compiled layer settles
 * one bill given what the patient still owes.
 */
import type { Fen } from '../../money.js';
import type { Bill } from '../bill.js';
import type { PolicyChecker } from '../policy/check.js';
import type { PolicyCommon } from '../policy/common.js';
import type { Counters, SettlementStep, Usage } from '../types.js';

/** What a layer sees of the bill being settled. */
export interface LayerInput {
  readonly bill: Bill;
  /** Hospital level, as an index into the policy's levels. */
  readonly level: number;
  /** Out-of-area category index: 0 local, 1… the policy's `out_of_area` entries in order. */
  readonly outOfArea: number;
  /** Ordinal of this admission in the person's year (1 = first). */
  readonly admission: number;
  /** The part of the settlement basis the patient still owes before this layer. */
  readonly owed: Fen;
  /** The person's year before this bill. */
  readonly usage: Usage;
  /** Trace sink, or null when no trace is wanted. */
  readonly trace: SettlementStep[] | null;
}

/** The contribution of one band of a banded layer to this bill. */
export interface BandPart {
  /** Band boundaries as the policy gives them (fen); `to` null for the open top band. */
  readonly from: Fen;
  readonly to: Fen | null;
  readonly ratio: string;
  /** The part of this bill's counted amount that falls in the band. */
  readonly amount: Fen;
  /** amount × ratio, rounded once. */
  readonly pays: Fen;
}

export interface LayerOutcome {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  /** What the layer pays for this bill (after its annual cap). */
  readonly paid: Fen;
  /** Deductible applied to this bill (0 when none). */
  readonly deductible: Fen;
  /** Ratio applied, as text (`65%`), or `bands`; empty when the layer does not apply. */
  readonly ratio: string;
  /** Band contributions, for banded layers. */
  readonly bands: readonly BandPart[];
  /** Why the layer paid less than it might (`not eligible`, `annual cap reached`); empty otherwise. */
  readonly note: string;
  /** Amounts this bill adds to the person's year. */
  readonly delta: Counters;
}

export interface CompiledLayer {
  readonly id: string;
  readonly kind: string;
  readonly name: string;
  settle(input: LayerInput): LayerOutcome;
}

/** What layers need of the policy beyond their own section. */
export interface PolicyContext {
  /** Hospital level names, in index order. */
  readonly levels: readonly string[];
  /** Insured types declared by the policy. */
  readonly insuredTypes: readonly string[];
  /** Out-of-area categories, in index order from 1. */
  readonly outOfArea: readonly string[];
}

/** A layer kind, given its section of the policy (undefined when the policy has none). */
export interface LayerKind<S> {
  readonly kind: string;
  /** Checks beyond the schema (levels named, bands in order, names declared). */
  check(section: S, policy: PolicyCommon, at: PolicyChecker): void;
  /** The compiled layers of this kind, in settlement order (none when the policy has no such section). */
  compile(section: S, policy: PolicyCommon, ctx: PolicyContext): CompiledLayer[];
}

/** The note of a layer that does not apply to the bill (class or insured type not covered). */
export const NOT_ELIGIBLE = 'not eligible';

/** A layer's outcome when it does not apply to the bill. */
export function notEligible(layer: CompiledLayer): LayerOutcome {
  return { id: layer.id, kind: layer.kind, name: layer.name, paid: 0 as Fen, deductible: 0 as Fen, ratio: '', bands: [], note: NOT_ELIGIBLE, delta: {} };
}

/** Pay at most what is left of an annual cap. */
export function capped(amount: Fen, cap: Fen, usedBefore: Fen): { paid: Fen; capped: boolean } {
  const left = Math.max(0, cap - usedBefore) as Fen;
  return amount > left ? { paid: left, capped: true } : { paid: amount, capped: false };
}

/** Add an amount to a delta, leaving zeros out (so the ledger stores only what changed). */
export function addTo(delta: Counters, key: string, amount: number): void {
  if (amount !== 0) delta[key] = (delta[key] ?? 0) + amount;
}
