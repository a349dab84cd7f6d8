/**
 * The compiled form of a DIP directory: everything grouping and scoring need,
 * built once at load time (compile.ts). Nothing is re-read per case.
 */
import type { Decimal, Fen } from '../../src/money.js';
import type { DipKind, DipParams, ProcedureType } from './format.js';
import type { KeyIndex } from './keys.js';
import type { SubtypeRule } from './subtypes/index.js';

export interface CompiledGroup {
  /** Position in `groups` (directory order). */
  readonly index: number;
  readonly code: string;
  readonly name: string;
  readonly kind: DipKind;
  /** Subcategory (core, primary-care) or category (comprehensive), upper-case. */
  readonly dxKey: string;
  /** Main procedure terms (each a list of alternative procedure ids); empty for conservative groups. */
  readonly main: readonly Int32Array[];
  readonly related: readonly Int32Array[];
  /** The sets as written (normalised), for output and traces. */
  readonly mainText: string;
  readonly relatedText: string;
  /** Comprehensive groups only. */
  readonly procedureType: ProcedureType | null;
  readonly score: Decimal;
  readonly meanCost: Fen;
  readonly cases: number;
  /** Line in directory.csv. */
  readonly line: number;
  /** Auxiliary subtype coefficients: subtype index (in `subtypes`) → coefficient. Empty when none. */
  readonly subtypeCoefficients: ReadonlyMap<number, Decimal>;
}

export interface DeviationThresholds {
  readonly low: Decimal;
  readonly high: Decimal;
  readonly extreme: Decimal;
}

export interface CompiledDirectory {
  /** Folder name. */
  readonly id: string;
  readonly dir: string;
  readonly params: DipParams;
  readonly groups: readonly CompiledGroup[];
  readonly byCode: ReadonlyMap<string, CompiledGroup>;
  /** Subcategory and category keys → ids. */
  readonly dxKeys: KeyIndex;
  /** Per dx key id: indexes of core and primary-care groups that name procedures, in directory order. */
  readonly withProcedures: readonly Int32Array[];
  /**
   * The same candidates with their main procedure sets, packed for the matcher's scan (one
   * run of memory per subcategory instead of group objects and arrays): the candidates of dx
   * key k are mainSets[mainAt[k], mainAt[k + 1]), each as its group index, its number of
   * terms, then per term its length and procedure ids.
   */
  readonly mainSets: Int32Array;
  readonly mainAt: Int32Array;
  /** Per dx key id: the conservative (no-procedure) core or primary-care group, or -1. */
  readonly conservative: Int32Array;
  /** Per dx key id × procedure-type rank (4 per key): the comprehensive group, or -1. */
  readonly comprehensive: Int32Array;
  /** Every procedure code the directory names or types → ids. */
  readonly procs: KeyIndex;
  /** Per procedure id: type rank (1 diagnostic, 2 therapeutic, 3 surgery; see PROCEDURE_TYPES). */
  readonly procRank: Uint8Array;
  /** Rank of procedures the directory does not type. */
  readonly defaultRank: number;
  /** Bit per rank: procedures of these types form core combinations (a case without any is conservative). */
  readonly keyRanks: number;
  /** Auxiliary subtypes defined in dip.json, numbered. */
  readonly subtypes: readonly SubtypeRule[];
  readonly pointValue: Decimal;
  readonly deviation: DeviationThresholds;
  /** Hospital level → coefficient (empty when none are configured). */
  readonly hospitalCoefficients: ReadonlyMap<number, Decimal>;
  readonly loadMs: number;
}
