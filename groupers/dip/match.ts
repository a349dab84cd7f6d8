/**
 * The DIP matcher (domain.md §5), over a prepared case:
 *
 *   1. core and primary-care groups of the principal diagnosis's subcategory
 *      that name procedures, whose main procedure set the case satisfies,
 *      ranked: all related procedures matched (full) before some matched
 *      (related) before none (main); then more related procedures matched;
 *      then the mean cost closest to the case's cost; then directory order;
 *   2. else, for a case without a key procedure, the subcategory's
 *      conservative group;
 *   3. else the comprehensive group of the category and the case's procedure
 *      type;
 *   4. else ungrouped.
 *
 * Procedure sets are matched against all of the case's procedures (order
 * does not matter). With a trace sink, every decision is written down.
 */
import type { CompiledDirectory, CompiledGroup } from './directory.js';
import { PROCEDURE_TYPES } from './format.js';
import { NO_KEY } from './keys.js';
import type { PreparedCodes } from './prepare.js';

/** How a case reached its group. */
export type MatchKind = 'full' | 'related' | 'main' | 'conservative' | 'comprehensive';

/** What the matcher found; reusable (the bulk job passes one object for every case). */
export class MatchOutcome {
  /** Group index, or -1 (ungrouped). */
  group = -1;
  match: MatchKind | null = null;
  relatedMatched = 0;
  relatedTotal = 0;
  /** Another group matched equally well (the tie went to the closest mean cost, else directory order). */
  tied = false;

  set(group: number, match: MatchKind | null, relatedMatched: number, relatedTotal: number, tied: boolean): this {
    this.group = group;
    this.match = match;
    this.relatedMatched = relatedMatched;
    this.relatedTotal = relatedTotal;
    this.tied = tied;
    return this;
  }
}
const LEVEL_NAME: readonly MatchKind[] = ['main', 'main', 'related', 'full'];

/** True when some procedure of the case is one of the term's alternatives. */
const termHolds = (term: Int32Array, ids: Int32Array, n: number): boolean => termHoldsAt(term, 0, term.length, ids, n);

/** True when some procedure of the case is one of the `len` alternatives at sets[from]. */
function termHoldsAt(sets: Int32Array, from: number, len: number, ids: Int32Array, n: number): boolean {
  for (let t = from; t < from + len; t++) {
    const want = sets[t]!;
    for (let i = 0; i < n; i++) if (ids[i] === want) return true;
  }
  return false;
}

/** Number of terms of `set` the case satisfies. */
export function termsHeld(set: readonly Int32Array[], p: PreparedCodes): number {
  let k = 0;
  for (const term of set) if (termHolds(term, p.procIds, p.nProcs)) k++;
  return k;
}

/** How a procedure group applies to a case: 0 not at all (main set not satisfied), 1 main only, 2 some related, 3 all related. */
export function procedureLevel(g: CompiledGroup, p: PreparedCodes): { level: number; related: number } {
  if (termsHeld(g.main, p) !== g.main.length) return { level: 0, related: 0 };
  const related = termsHeld(g.related, p);
  return { level: related === g.related.length ? 3 : related > 0 ? 2 : 1, related };
}

const distance = (g: CompiledGroup, cost: number | null): number => (cost === null ? 0 : Math.abs(g.meanCost - cost));

/**
 * Match a prepared case. `cost` (fen) breaks ties by the closest mean cost;
 * null leaves them to directory order.
 */
export function matchPrepared(d: CompiledDirectory, p: PreparedCodes, cost: number | null, trace: string[] | null, out: MatchOutcome = new MatchOutcome()): MatchOutcome {
  if (p.subId !== NO_KEY) {
    let best: CompiledGroup | null = null;
    let bestLevel = 0;
    let bestRelated = 0;
    let tie = false;
    if (trace !== null) trace.push(`core groups with procedures for ${p.subcategory}: ${d.withProcedures[p.subId]!.length === 0 ? 'none' : d.withProcedures[p.subId]!.length}`);
    // The candidates' main sets, packed (see mainSets). Without procedures no main set can
    // hold: skip them (unless tracing them).
    const sets = d.mainSets;
    let o = d.mainAt[p.subId]!;
    const end = p.nProcs > 0 || trace !== null ? d.mainAt[p.subId + 1]! : o;
    while (o < end) {
      const gi = sets[o]!;
      const terms = sets[o + 1]!;
      o += 2;
      // Hot path: most candidates fail on the main set, read without touching the group.
      let mainOk = true;
      for (let t = 0; t < terms; t++) {
        const len = sets[o]!;
        if (mainOk && !termHoldsAt(sets, o + 1, len, p.procIds, p.nProcs)) mainOk = false;
        o += 1 + len;
      }
      if (!mainOk) {
        if (trace !== null) trace.push(`  ${describe(d.groups[gi]!)}: main procedure not performed`);
        continue;
      }
      const g = d.groups[gi]!;
      const related = termsHeld(g.related, p);
      const level = related === g.related.length ? 3 : related > 0 ? 2 : 1;
      if (trace !== null) trace.push(`  ${describe(g)}: main procedure ✓, related ${related} of ${g.related.length} → ${levelText(level)}`);
      if (best === null || level > bestLevel || (level === bestLevel && related > bestRelated)) {
        best = g;
        bestLevel = level;
        bestRelated = related;
        tie = false;
      } else if (level === bestLevel && related === bestRelated) {
        tie = true;
        if (distance(g, cost) < distance(best, cost)) best = g;
      }
    }
    if (best !== null) {
      if (trace !== null) {
        const how = tie ? (cost === null ? '; tie left to directory order (no cost)' : '; tie decided by the closest mean cost') : '';
        trace.push(`chosen: ${best.code} (${levelText(bestLevel)}${how})`);
      }
      return out.set(best.index, LEVEL_NAME[bestLevel]!, bestRelated, best.related.length, tie);
    }
    const cons = d.conservative[p.subId]!;
    if (cons >= 0) {
      if (!p.hasKey) {
        if (trace !== null) trace.push(`no key procedure (${keyTypes(d)}): conservative group ${d.groups[cons]!.code}`);
        return out.set(cons, 'conservative', 0, 0, false);
      }
      if (trace !== null) trace.push(`conservative group ${d.groups[cons]!.code} not used: the case has a key procedure (${keyTypes(d)}) that no core group of ${p.subcategory} names`);
    } else if (trace !== null) {
      trace.push(`no conservative group for ${p.subcategory}`);
    }
  } else if (trace !== null) {
    trace.push(p.subcategory === '' ? 'the principal diagnosis has no subcategory: no core group can match' : `no core group for subcategory ${p.subcategory}`);
  }
  const type = PROCEDURE_TYPES[p.typeRank]!;
  if (p.catId !== NO_KEY) {
    const g = d.comprehensive[p.catId * PROCEDURE_TYPES.length + p.typeRank]!;
    if (g >= 0) {
      if (trace !== null) trace.push(`comprehensive group for ${p.category} + ${type}: ${d.groups[g]!.code}`);
      return out.set(g, 'comprehensive', 0, 0, false);
    }
  }
  if (trace !== null) trace.push(`no comprehensive group for ${p.category} + ${type}: ungrouped`);
  return out.set(-1, null, 0, 0, false);
}

function levelText(level: number): string {
  return level === 3 ? 'all related procedures matched' : level === 2 ? 'some related procedures matched' : 'main procedure only';
}

function keyTypes(d: CompiledDirectory): string {
  return PROCEDURE_TYPES.filter((_, r) => ((d.keyRanks >>> r) & 1) === 1).join(', ');
}

/** A group as `CODE [main + related]` for traces. */
export function describe(g: CompiledGroup): string {
  const procs = g.mainText === '' ? 'no procedure' : `${g.mainText}${g.relatedText !== '' ? ` with related ${g.relatedText}` : ''}`;
  return `${g.code} [${procs}]`;
}
