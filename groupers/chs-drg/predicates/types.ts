/**
 * What a predicate kind is and what it compiles to.
 *
 * A kind is a small definition object: its JSON key, the semantics it belongs
 * to, a zod schema for its argument and a `compile` function. Kinds are
 * registered in `./index.ts`; adding one never touches the compiler.
 */
import type { z } from 'zod';
import type { CodeTable } from '../codes.js';
import type { CaseContext } from '../context.js';
import type { Semantics } from '../format.js';

/** Why a predicate held or failed for one case, worded for a coder. */
export interface Explanation {
  readonly ok: boolean;
  readonly says: string;
  readonly parts?: readonly Explanation[];
}

/** A compiled predicate: `test` is the hot path, `explain` is only called when tracing. */
export interface Pred {
  readonly test: (c: CaseContext) => boolean;
  readonly explain: (c: CaseContext) => Explanation;
}

/**
 * Every Pred is built here, so all share one hidden class and the engine's
 * `x.test(c)` property loads stay monomorphic (19 kinds building their own
 * literals would make them megamorphic).
 */
export function pred(test: (c: CaseContext) => boolean, explain: (c: CaseContext) => Explanation): Pred {
  return { test, explain };
}

import type { ListRef } from '../lists.js';

export type { ListRef } from '../lists.js';

/** Header words of a diagnosis row (see lists.ts): exclusion table ids, -1 when absent. */
export const DX_MCC = 0;
export const DX_CC = 1;
export const DX_PRINCIPAL = 2;
export const DX_HEADER_WORDS = 3;

/** Per-code values the complication predicates read. */
export interface ComplicationTables {
  readonly dx: CodeTable;
  /**
   * Diagnosis rows: `rows[id * stride + DX_MCC]` is the exclusion table id when
   * the code is in mcc.csv (else -1); `DX_CC` likewise for cc.csv;
   * `DX_PRINCIPAL` the code's table as principal (-1: excludes nothing).
   */
  readonly rows: Int32Array;
  readonly stride: number;
  /** Exclusion table id → its label in the files (e.g. `12`, `999`). */
  readonly tableLabels: readonly string[];
}

/**
 * What a kind's `compile` may read. It is valid only while compiling: the
 * closures a kind returns must copy what they need out of it and never
 * capture the scope itself, which reaches the compiler's state (every parsed
 * row of the package) and would keep it alive for the scheme's lifetime.
 */
export interface CompileScope {
  readonly semantics: Semantics;
  readonly dx: CodeTable;
  readonly px: CodeTable;
  readonly complications: ComplicationTables;
  /** Body-region bitmask per dx id for `mdcz_multi_trauma`, and region names by bit. */
  readonly regions: (arg: string | true) => { readonly mask: Uint32Array; readonly names: readonly string[] } | undefined;
  /** Resolve a list name in this scope (MDC entry or ADRG rule). */
  readonly list: (name: string) => ListRef | undefined;
  /** Procedure id → first procedure-group tag of the current rule (0 = untagged), when the rule has tags. */
  readonly tags: Uint8Array | undefined;
  /** What the scope is, for messages: `entry of MDCA`, `rule GD2`, `DRG GD23`. */
  readonly owner: string;
  /** Report a problem at a JSON path inside the predicate. */
  readonly fail: (path: string, message: string, code?: string) => void;
}

export type CompileChild = (json: unknown, path: string) => Pred | undefined;

/**
 * Compile the parts of an `and` / `or`; undefined when any part fails (its
 * problem is already reported). A plain loop, not forEach: a callback
 * capturing `child` would put it in the context shared by the caller's
 * closures, keeping the compiler's state alive.
 */
export function compileParts(arg: readonly unknown[], key: 'and' | 'or', path: string, child: CompileChild): Pred[] | undefined {
  const parts: Pred[] = [];
  for (let i = 0; i < arg.length; i++) {
    const p = child(arg[i], `${path}.${key}[${i}]`);
    if (p !== undefined) parts.push(p);
  }
  return parts.length === arg.length ? parts : undefined;
}

export interface PredicateKind<A = unknown> {
  /** The JSON key, e.g. `main_dx_in`. */
  readonly name: string;
  /** Semantics under which the kind may be used. */
  readonly semantics: readonly Semantics[];
  /** One line for documentation and error messages. */
  readonly doc: string;
  readonly arg: z.ZodType<A>;
  compile(arg: A, scope: CompileScope, path: string, child: CompileChild): Pred | undefined;
}

/** Helper so kind modules get their argument type checked against their schema. */
export function defineKind<A>(kind: PredicateKind<A>): PredicateKind<A> {
  return kind;
}

export const BOTH: readonly Semantics[] = ['chs-drg-1', 'chs-drg-2.0'];
export const V2_ONLY: readonly Semantics[] = ['chs-drg-2.0'];
