/**
 * A compiled directory as plain data (strings, numbers and typed arrays), so
 * that a directory loaded and checked once on the main thread can be handed
 * to worker threads (structured clone, through workerData) instead of each
 * worker reading, parsing and validating the CSV files again and compiling
 * them anew (about 0.6 s of CPU per worker for a directory of 15,000 groups).
 * {@link restoreDirectory} rebuilds exactly what compile.ts builds; what is
 * derived from dip.json alone (subtype rules, point value, thresholds,
 * hospital coefficients) is derived again, as compile.ts does.
 */
import { Decimal } from '../../src/money.js';
import type { CompiledDirectory, CompiledGroup } from './directory.js';
import type { DipKind, DipParams, ProcedureType } from './format.js';
import { KeyIndex } from './keys.js';
import { compileSubtypes } from './subtypes/index.js';

export interface DirectorySnapshot {
  readonly id: string;
  readonly dir: string;
  readonly params: DipParams;
  /** Per group (directory order), column by column. */
  readonly codes: readonly string[];
  readonly names: readonly string[];
  readonly kinds: readonly DipKind[];
  readonly dxKeys: readonly string[];
  readonly mainText: readonly string[];
  readonly relatedText: readonly string[];
  /** '' for none. */
  readonly procedureTypes: readonly (ProcedureType | '')[];
  /** Scores as decimal text (exact). */
  readonly scores: readonly string[];
  readonly meanCost: Float64Array;
  readonly cases: Float64Array;
  readonly lines: Int32Array;
  /** Main, then related, procedure sets of every group: per group and set, its number of terms, then per term its length and ids. */
  readonly sets: Int32Array;
  /** Subtype coefficients: per entry, group index and subtype index (side by side) and the coefficient as text. */
  readonly subtypeAt: Int32Array;
  readonly subtypeCoefficients: readonly string[];
  /** Key tables (ids are positions). */
  readonly dxKeyList: readonly string[];
  readonly procList: readonly string[];
  readonly withProcedures: Int32Array;
  readonly withProceduresAt: Int32Array;
  readonly mainSets: Int32Array;
  readonly mainAt: Int32Array;
  readonly conservative: Int32Array;
  readonly comprehensive: Int32Array;
  readonly procRank: Uint8Array;
  readonly defaultRank: number;
  readonly keyRanks: number;
}

/** The plain-data form of a compiled directory. */
export function directorySnapshot(d: CompiledDirectory): DirectorySnapshot {
  const sets: number[] = [];
  const packSet = (set: readonly Int32Array[]): void => {
    sets.push(set.length);
    for (const term of set) sets.push(term.length, ...term);
  };
  const subtypeAt: number[] = [];
  const subtypeCoefficients: string[] = [];
  for (const g of d.groups) {
    packSet(g.main);
    packSet(g.related);
    for (const [s, k] of g.subtypeCoefficients) {
      subtypeAt.push(g.index, s);
      subtypeCoefficients.push(k.toFixed());
    }
  }
  const withAt = new Int32Array(d.withProcedures.length + 1);
  d.withProcedures.forEach((l, k) => (withAt[k + 1] = withAt[k]! + l.length));
  const withAll = new Int32Array(withAt[d.withProcedures.length]!);
  d.withProcedures.forEach((l, k) => withAll.set(l, withAt[k]!));
  const col = <T>(f: (g: CompiledGroup) => T): T[] => d.groups.map(f);
  return {
    id: d.id,
    dir: d.dir,
    params: d.params,
    codes: col((g) => g.code),
    names: col((g) => g.name),
    kinds: col((g) => g.kind),
    dxKeys: col((g) => g.dxKey),
    mainText: col((g) => g.mainText),
    relatedText: col((g) => g.relatedText),
    procedureTypes: col((g) => g.procedureType ?? ''),
    scores: col((g) => g.score.toFixed()),
    meanCost: Float64Array.from(col((g) => g.meanCost)),
    cases: Float64Array.from(col((g) => g.cases)),
    lines: Int32Array.from(col((g) => g.line)),
    sets: Int32Array.from(sets),
    subtypeAt: Int32Array.from(subtypeAt),
    subtypeCoefficients,
    dxKeyList: [...d.dxKeys.keys],
    procList: [...d.procs.keys],
    withProcedures: withAll,
    withProceduresAt: withAt,
    mainSets: d.mainSets,
    mainAt: d.mainAt,
    conservative: d.conservative,
    comprehensive: d.comprehensive,
    procRank: d.procRank,
    defaultRank: d.defaultRank,
    keyRanks: d.keyRanks,
  };
}

/** A sealed key index whose ids are the positions in `keys` (as compile.ts numbered them). */
function keyIndexOf(keys: readonly string[]): KeyIndex {
  const index = new KeyIndex();
  for (const k of keys) index.add(k);
  return index.seal();
}

/** Rebuild the compiled directory from its snapshot (no file is read, nothing validated again). */
export function restoreDirectory(s: DirectorySnapshot, startedAt: number = performance.now()): CompiledDirectory {
  // Groups without subtype coefficients (most) share one empty map.
  const none: ReadonlyMap<number, Decimal> = new Map();
  const coefficients = new Map<number, Map<number, Decimal>>();
  for (let i = 0; i < s.subtypeCoefficients.length; i++) {
    const g = s.subtypeAt[2 * i]!;
    let m = coefficients.get(g);
    if (m === undefined) coefficients.set(g, (m = new Map()));
    m.set(s.subtypeAt[2 * i + 1]!, new Decimal(s.subtypeCoefficients[i]!));
  }
  let o = 0;
  const unpackSet = (): Int32Array[] => {
    const terms = s.sets[o++]!;
    const set: Int32Array[] = [];
    for (let t = 0; t < terms; t++) {
      const len = s.sets[o++]!;
      set.push(s.sets.slice(o, o + len));
      o += len;
    }
    return set;
  };
  const groups: CompiledGroup[] = s.codes.map((code, i) => {
    const main = unpackSet();
    const related = unpackSet();
    const type = s.procedureTypes[i]!;
    return {
      index: i,
      code,
      name: s.names[i]!,
      kind: s.kinds[i]!,
      dxKey: s.dxKeys[i]!,
      main,
      related,
      mainText: s.mainText[i]!,
      relatedText: s.relatedText[i]!,
      procedureType: type === '' ? null : type,
      score: new Decimal(s.scores[i]!),
      meanCost: s.meanCost[i]!,
      cases: s.cases[i]!,
      line: s.lines[i]!,
      subtypeCoefficients: coefficients.get(i) ?? none,
    };
  });
  const withProcedures = Array.from({ length: s.withProceduresAt.length - 1 }, (_, k) => s.withProcedures.slice(s.withProceduresAt[k]!, s.withProceduresAt[k + 1]!));
  return {
    id: s.id,
    dir: s.dir,
    params: s.params,
    groups,
    byCode: new Map(groups.map((g) => [g.code, g])),
    dxKeys: keyIndexOf(s.dxKeyList),
    withProcedures,
    mainSets: s.mainSets,
    mainAt: s.mainAt,
    conservative: s.conservative,
    comprehensive: s.comprehensive,
    procs: keyIndexOf(s.procList),
    procRank: s.procRank,
    defaultRank: s.defaultRank,
    keyRanks: s.keyRanks,
    subtypes: compileSubtypes(s.params.auxiliary),
    pointValue: new Decimal(s.params.point_value),
    deviation: { low: new Decimal(s.params.deviation.low), high: new Decimal(s.params.deviation.high), extreme: new Decimal(s.params.deviation.extreme) },
    hospitalCoefficients: new Map(Object.entries(s.params.hospital_coefficients ?? {}).map(([k, v]) => [Number(k), new Decimal(v)])),
    loadMs: performance.now() - startedAt,
  };
}
