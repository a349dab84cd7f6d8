/**
 * A payment method: how a bill's in-scope cost becomes the amount the
 * benefit layers share out (the settlement basis), and what the hospital is
 * paid beyond it. A policy lists method rules in order; the first whose
 * conditions hold settles the bill, and fee-for-service is the fallback.
 * Each method kind lives in its own module, registered in methods/index.ts.
 */
import type { z } from 'zod';
import type { Fen } from '../../money.js';
import type { Bill } from '../bill.js';
import type { PolicyContext } from '../layers/layer.js';
import type { JsonPathParts, PolicyChecker } from '../policy/check.js';
import type { PolicyCommon } from '../policy/common.js';
import type { BillProblem } from '../types.js';

export interface MethodInput {
  readonly bill: Bill;
  /** Hospital level index. */
  readonly level: number;
  /** total_cost − out_of_scope − pre_self_pay. */
  readonly inScope: Fen;
}

export interface MethodOutcome {
  /** Method kind (`fee_for_service`, `single_disease`, …). */
  readonly method: string;
  /** The rule that applied: its id, plus the disease code for single-disease payment; empty for the fallback. */
  readonly rule: string;
  /** Part of the bill neither the fund nor the patient pays (bed and nursing fees above the counted share). */
  readonly notCharged: Fen;
  /** The amount the benefit layers share out. */
  readonly basis: Fen;
  /** The method's payment standard (fixed amount, days × rate, visits × quota); null for fee-for-service. */
  readonly standard: Fen | null;
  /** Paid by the fund to the hospital beyond the layers (the standard when cost is lower, if the policy says so). */
  readonly extraFund: Fen;
  /** One line for the trace. */
  readonly detail: string;
}

export interface CompiledMethod {
  readonly method: string;
  /** The outcome; a problem when the rule applies but the bill lacks what it needs; null when the rule does not apply. */
  apply(inp: MethodInput): MethodOutcome | BillProblem | null;
}

export interface MethodKind<S extends z.ZodType = z.ZodType> {
  readonly method: string;
  readonly schema: S;
  check(rule: z.output<S>, policy: PolicyCommon, path: JsonPathParts, at: PolicyChecker): void;
  compile(rule: z.output<S>, ctx: PolicyContext): CompiledMethod;
}

/** Type-checked definition of a method kind. */
export const defineMethod = <S extends z.ZodType>(kind: MethodKind<S>): MethodKind<S> => kind;

export const isProblem = (r: MethodOutcome | BillProblem): r is BillProblem => 'code' in r;
