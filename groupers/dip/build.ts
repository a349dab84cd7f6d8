/**
 * Build a DIP directory from a history of cases (domain.md §5):
 *
 *   1. each case's combination: principal-diagnosis subcategory × its key
 *      procedures (by default the surgery/intervention ones), as a set; a
 *      case without key procedures forms the subcategory's conservative
 *      combination;
 *   2. combinations with at least `minCases` cases become core groups (main
 *      procedure: the one most often coded first; the rest are related);
 *   3. every case is then matched by the same matcher `drg dip group` uses,
 *      against the core groups; the rest go to comprehensive groups by
 *      diagnosis category and procedure type (surgery, therapeutic,
 *      diagnostic, medical). Ties between core groups are decided by a
 *      first pass's group means, as grouping decides them by mean cost;
 *   4. per group: optional trimming, yearly means weighted 1:2:7, score
 *      RW = m / M × multiplier, CV; the directory's coverage; auxiliary
 *      subtype coefficients where they cut the CV; hospital-level
 *      coefficients; the budget point value.
 *
 * Cases are kept as a few typed arrays (about 30 bytes each), so a history
 * of millions of cases builds in one process.
 */
import { Decimal, type Fen, roundFen } from '../../src/money.js';
import { coefficientOfVariation, coverage, DEFAULT_YEAR_WEIGHTS, relativeScore, type TrimSpec, trimRange, weightedMean, yearWeights } from '../../weights/dip-scores.js';
import { compileDirectory, rankOf } from './compile.js';
import type { CompiledDirectory } from './directory.js';
import { type AuxiliaryConfig, CODE_TYPES, type DipKind, type DipParamsInput, type DirectoryRow, PROCEDURE_TYPES, type ProcedureType } from './format.js';
import { KeyIndex, NO_KEY } from './keys.js';
import type { DirectoryPackage } from './load.js';
import { matchPrepared } from './match.js';
import { PreparedCodes } from './prepare.js';
import { compileSubtypes, type SubtypeRule } from './subtypes/index.js';

export type CodeType = (typeof CODE_TYPES)[number];

export interface BuildOptions {
  /** Cases a combination needs to become a core group (default 15). */
  readonly minCases?: number;
  /** Score multiplier (default 1000). */
  readonly multiplier?: number;
  /** Decimals of scores (default 2). */
  readonly scoreDecimals?: number;
  /** Year weights, oldest first (default 1, 2, 7); the history may span at most this many years (older years are excluded). */
  readonly yearWeights?: readonly number[];
  /** Outlier trimming inside each group (default none). */
  readonly trim?: TrimSpec;
  /** Cases with a longer stay are excluded (default: none). */
  readonly maxLos?: number;
  /** Cases costing less (fen) are excluded (default: none; cases must cost more than 0). */
  readonly minCost?: Fen;
  /** Procedure code (any case) → type; codes not listed get `defaultType`. */
  readonly procedureTypes: ReadonlyMap<string, CodeType>;
  readonly defaultType?: CodeType;
  /** Procedure types that form core combinations (default surgery). */
  readonly keyTypes?: readonly CodeType[];
  /** Auxiliary subtypes to evaluate (dip.json `auxiliary`). */
  readonly auxiliary?: AuxiliaryConfig;
  /** A subtype needs this many cases in a group (default 10) … */
  readonly subtypeMinCases?: number;
  /** … and the group's subtypes must cut its CV by at least this much (absolute, default 0.05). */
  readonly subtypeMinCvCut?: number;
  /** Compute hospital-level coefficients when cases carry a hospital level (default true). */
  readonly hospitalCoefficients?: boolean;
  /** Other dip.json parameters written as given (title, deviation thresholds, case score decimals). */
  readonly params?: Partial<Pick<DipParamsInput, 'title' | 'deviation' | 'case_score_decimals'>>;
}

/** What the builder reads of one history case. */
export interface HistoryCase {
  readonly diagnoses: readonly string[];
  readonly procedures: readonly string[];
  /** Fen. */
  readonly total_cost: number | null;
  readonly los?: number | null;
  readonly age?: number | null;
  readonly age_days?: number | null;
  readonly discharge?: number | null;
  readonly hospital_level?: number | null;
  /** Settlement year. */
  readonly year: number | null;
  readonly icu_days?: number | null;
}

/** Why a history case is not used. */
export type ExclusionReason =
  | 'diagnoses.empty'
  | 'diagnoses.principal_not_icd10'
  | 'total_cost.missing'
  | 'total_cost.not_positive'
  | 'total_cost.under_limit'
  | 'los.over_limit'
  | 'year.missing'
  | 'year.too_old';

export interface GroupReport {
  readonly code: string;
  readonly kind: DipKind;
  readonly dxKey: string;
  readonly main: string;
  readonly related: string;
  readonly procedureType: ProcedureType | '';
  /** Cases assigned to the group. */
  readonly cases: number;
  /** Cases left after trimming (the means use these). */
  readonly kept: number;
  /** Year → exact mean cost (fen) of kept cases. */
  readonly yearMeans: ReadonlyMap<number, Decimal>;
  /** Year-weighted mean cost, fen (exact). */
  readonly mean: Decimal;
  readonly score: Decimal;
  /** CV of kept costs, and after dividing each by its subtype coefficient (equal when no subtype is kept). */
  readonly cv: number;
  readonly cvAdjusted: number;
  readonly subtypes: readonly string[];
}

export interface BuiltDirectory {
  readonly groups: readonly DirectoryRow[];
  /** dip.json content. */
  readonly params: DipParamsInput;
  /** procedure_types.csv rows (code, type), sorted by code. */
  readonly procedureTypes: readonly (readonly [string, CodeType])[];
  /** subtypes.csv rows. */
  readonly subtypes: readonly { group_code: string; subtype: string; cases: number; mean_cost: Fen; coefficient: string }[];
  readonly report: readonly GroupReport[];
  readonly years: readonly number[];
  /** Overall year-weighted mean cost M, fen (exact). */
  readonly overallMean: Decimal;
  /** Budget point value, yuan per score point. */
  readonly pointValue: Decimal;
  /** Share of used cases in core groups. */
  readonly coverage: number;
  readonly used: number;
  readonly trimmed: number;
  readonly excluded: ReadonlyMap<ExclusionReason, number>;
  /** Cases excluded at the end (years outside the window): their handles as given to `add`. */
  readonly lateExclusions: readonly { handle: number; reason: ExclusionReason }[];
  readonly hospitalCoefficients: ReadonlyMap<number, Decimal>;
}

const TYPE_LETTER: Record<ProcedureType, string> = { surgery: 'S', therapeutic: 'T', diagnostic: 'D', medical: 'M' };
const TYPE_NAME: Record<ProcedureType, string> = { surgery: '手术/介入', therapeutic: '治疗性操作', diagnostic: '诊断性操作', medical: '内科' };

/** A growable typed array column. */
class Column<T extends Int32Array | Float64Array | Uint32Array> {
  data: T;
  constructor(private readonly make: (n: number) => T) {
    this.data = make(1 << 12);
  }
  set(i: number, v: number): void {
    if (i >= this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[i] = v;
  }
}

const isLetter = (c: string): boolean => /^[A-Za-z]$/.test(c);

export class DirectoryBuilder {
  private readonly o: Required<Omit<BuildOptions, 'auxiliary' | 'maxLos' | 'minCost' | 'params'>> & Pick<BuildOptions, 'auxiliary' | 'maxLos' | 'minCost' | 'params'>;
  private readonly typeRank = new Map<string, number>();
  /** Every procedure code seen (upper-case) → id; per id its type rank and first spelling. */
  private readonly procs = new KeyIndex();
  private readonly procRank: number[] = [];
  private readonly procSpelling: string[] = [];
  private readonly subs = new KeyIndex();
  /** Scratch for one case's key procedure ids and its combination key. */
  private readonly keyIds: number[] = [];
  private readonly keyChars: number[] = [];
  private readonly defaultRank: number;
  private readonly keyRanks: number;
  private readonly subtypeRules: SubtypeRule[];
  /**
   * Combination key → id; per id its subcategory id and sorted key procedure ids. Keys are
   * strings of 16-bit halves of those ids, not of codes: millions of cases, few bytes each.
   */
  private readonly combos = new Map<string, number>();
  private readonly comboSub: number[] = [];
  private readonly comboProcs: Int32Array[] = [];
  /** Categories → id. */
  private readonly cats = new KeyIndex();
  private n = 0;
  private readonly combo = new Column((k) => new Int32Array(k));
  private readonly catType = new Column((k) => new Int32Array(k));
  private readonly year = new Column((k) => new Int32Array(k));
  private readonly cost = new Column((k) => new Float64Array(k));
  private readonly level = new Column((k) => new Int32Array(k));
  private readonly mask = new Column((k) => new Uint32Array(k));
  private readonly firstKey = new Column((k) => new Int32Array(k));
  private readonly handle = new Column((k) => new Int32Array(k));
  private readonly excluded = new Map<ExclusionReason, number>();
  private finished = false;

  constructor(options: BuildOptions) {
    this.o = {
      minCases: options.minCases ?? 15,
      multiplier: options.multiplier ?? 1000,
      scoreDecimals: options.scoreDecimals ?? 2,
      yearWeights: options.yearWeights ?? DEFAULT_YEAR_WEIGHTS,
      trim: options.trim ?? { kind: 'none' },
      procedureTypes: options.procedureTypes,
      defaultType: options.defaultType ?? 'therapeutic',
      keyTypes: options.keyTypes ?? ['surgery'],
      subtypeMinCases: options.subtypeMinCases ?? 10,
      subtypeMinCvCut: options.subtypeMinCvCut ?? 0.05,
      hospitalCoefficients: options.hospitalCoefficients ?? true,
      auxiliary: options.auxiliary,
      maxLos: options.maxLos,
      minCost: options.minCost,
      params: options.params,
    };
    if (!Number.isInteger(this.o.minCases) || this.o.minCases < 1) throw new RangeError(`minCases must be a whole number ≥ 1 (got ${this.o.minCases})`);
    if (this.o.yearWeights.length === 0 || this.o.yearWeights.some((w) => !(w > 0))) throw new RangeError('year weights must be positive numbers');
    for (const [code, t] of options.procedureTypes) this.typeRank.set(code.toUpperCase(), rankOf(t));
    this.defaultRank = rankOf(this.o.defaultType);
    let keys = 0;
    for (const t of this.o.keyTypes) keys |= 1 << rankOf(t);
    this.keyRanks = keys;
    this.subtypeRules = compileSubtypes(this.o.auxiliary);
    if (this.subtypeRules.length > 32) throw new RangeError(`at most 32 auxiliary subtypes can be built at once (${this.subtypeRules.length} configured)`);
  }

  private exclude(reason: ExclusionReason): ExclusionReason {
    this.excluded.set(reason, (this.excluded.get(reason) ?? 0) + 1);
    return reason;
  }

  /**
   * Add a history case; `handle` (e.g. its line) identifies it in late
   * exclusions. Returns why the case is not used, or null.
   */
  add(c: HistoryCase, handle = this.n): ExclusionReason | null {
    return this.addParts(c, c.year, c.icu_days ?? null, handle);
  }

  /** {@link add} with the year and ICU days given apart from the case (as the file reader has them). */
  addParts(c: Omit<HistoryCase, 'year' | 'icu_days'>, year: number | null, icuDays: number | null, handle: number): ExclusionReason | null {
    const principal = c.diagnoses[0]?.trim() ?? '';
    if (principal === '') return this.exclude('diagnoses.empty');
    if (!(principal.length >= 3 && isLetter(principal[0]!) && /^[0-9]{2}$/.test(principal.slice(1, 3)))) return this.exclude('diagnoses.principal_not_icd10');
    const cost = c.total_cost;
    if (cost === null) return this.exclude('total_cost.missing');
    if (cost <= 0) return this.exclude('total_cost.not_positive');
    if (this.o.minCost !== undefined && cost < this.o.minCost) return this.exclude('total_cost.under_limit');
    if (this.o.maxLos !== undefined && c.los !== null && c.los !== undefined && c.los > this.o.maxLos) return this.exclude('los.over_limit');
    if (year === null) return this.exclude('year.missing');

    const category = principal.slice(0, 3).toUpperCase();
    let rank = 0;
    const keys = this.keyIds;
    keys.length = 0;
    let first = -1;
    for (const raw of c.procedures) {
      const code = raw.trim();
      if (code === '') continue;
      const id = this.procs.add(code);
      if (id === this.procRank.length) {
        this.procRank.push(this.typeRank.get(code.toUpperCase()) ?? this.defaultRank);
        this.procSpelling.push(code);
      }
      const r = this.procRank[id]!;
      if (r > rank) rank = r;
      if (((this.keyRanks >>> r) & 1) === 1) {
        if (first < 0) first = id;
        if (!keys.includes(id)) keys.push(id);
      }
    }
    let comboId = -1;
    if (principal.length >= 5 && principal[3] === '.') {
      const sub = this.subs.add(principal.slice(0, 5));
      keys.sort((a, b) => a - b);
      const chars = this.keyChars;
      chars.length = 0;
      chars.push(sub & 0xffff, sub >>> 16);
      for (const k of keys) chars.push(k & 0xffff, k >>> 16);
      const key = String.fromCharCode(...chars);
      let id = this.combos.get(key);
      if (id === undefined) {
        id = this.comboSub.length;
        this.combos.set(key, id);
        this.comboSub.push(sub);
        this.comboProcs.push(Int32Array.from(keys));
      }
      comboId = id;
    }
    let m = 0;
    if (this.subtypeRules.length > 0) {
      const input = {
        age: c.age ?? null,
        ageDays: c.age_days ?? null,
        los: c.los ?? null,
        discharge: c.discharge ?? null,
        icuDays,
        secondary: c.diagnoses.slice(1),
      };
      this.subtypeRules.forEach((r, i) => {
        if (r.test(input)) m |= 1 << i;
      });
    }
    const i = this.n++;
    this.combo.set(i, comboId);
    this.catType.set(i, this.cats.add(category) * PROCEDURE_TYPES.length + rank);
    this.year.set(i, year);
    this.cost.set(i, cost);
    this.level.set(i, c.hospital_level ?? -1);
    this.mask.set(i, m >>> 0);
    this.firstKey.set(i, first);
    this.handle.set(i, handle);
    return null;
  }

  /** Compute the directory (once: the builder's cases are then spent). */
  finish(): BuiltDirectory {
    if (this.finished) throw new Error('DirectoryBuilder.finish called twice');
    this.finished = true;
    const o = this.o;
    const n = this.n;
    const combo = this.combo.data;
    const catType = this.catType.data;
    const year = this.year.data;
    const cost = this.cost.data;

    // ---- 1. the year window --------------------------------------------------
    const allYears = [...new Set(year.subarray(0, n))].sort((a, b) => a - b);
    const years = allYears.slice(-o.yearWeights.length);
    const oldest = years[0] ?? 0;
    const use = new Uint8Array(n);
    const lateExclusions: { handle: number; reason: ExclusionReason }[] = [];
    for (let i = 0; i < n; i++) {
      if (year[i]! >= oldest) use[i] = 1;
      else {
        lateExclusions.push({ handle: this.handle.data[i]!, reason: 'year.too_old' });
        this.exclude('year.too_old');
      }
    }
    const weights = yearWeights(years, o.yearWeights);

    // ---- 2. core combinations --------------------------------------------------
    const comboCount = new Int32Array(this.comboSub.length);
    for (let i = 0; i < n; i++) if (use[i] === 1 && combo[i]! >= 0) comboCount[combo[i]!]!++;
    const core: number[] = [];
    for (let k = 0; k < comboCount.length; k++) if (comboCount[k]! >= o.minCases) core.push(k);
    // Main procedure of a combination: the key procedure most often coded first (then the lowest code).
    const firstCounts = new Map<number, Map<number, number>>();
    const coreSet = new Set(core);
    for (let i = 0; i < n; i++) {
      const k = combo[i]!;
      if (use[i] !== 1 || !coreSet.has(k) || this.firstKey.data[i]! < 0) continue;
      let m = firstCounts.get(k);
      if (m === undefined) firstCounts.set(k, (m = new Map()));
      m.set(this.firstKey.data[i]!, (m.get(this.firstKey.data[i]!) ?? 0) + 1);
    }
    const mains = new Map<number, string>();
    for (const k of core) mains.set(k, this.mainProcedure(k, firstCounts.get(k)));
    const subOf = (k: number) => this.subs.keys[this.comboSub[k]!]!;
    const codesOf = new Map(core.map((k) => [k, this.codesOf(k)]));
    core.sort((a, b) => subOf(a).localeCompare(subOf(b)) || mains.get(a)!.localeCompare(mains.get(b)!) || codesOf.get(a)!.join('+').localeCompare(codesOf.get(b)!.join('+')));

    const rows: DirectoryRow[] = [];
    const perSub = new Map<string, number>();
    const surgicalCount = new Map<string, number>();
    for (const k of core) if (this.comboProcs[k]!.length > 0) surgicalCount.set(subOf(k), (surgicalCount.get(subOf(k)) ?? 0) + 1);
    for (const k of core) {
      const sub = subOf(k);
      const procs = codesOf.get(k)!;
      if (procs.length === 0) {
        rows.push(row(`${sub}-C`, `${sub} 保守治疗`, 'core-conservative', sub, [], [], ''));
        continue;
      }
      const nth = (perSub.get(sub) ?? 0) + 1;
      perSub.set(sub, nth);
      const width = Math.max(2, String(surgicalCount.get(sub)!).length);
      const main = mains.get(k)!;
      const related = procs.filter((p) => p !== main);
      rows.push(row(`${sub}-S${String(nth).padStart(width, '0')}`, `${sub} ${[main, ...related].join('+')}`, 'core-surgical', sub, [[main]], related.map((r) => [r]), ''));
    }

    // ---- 3. assignment: the grouping matcher over the core groups ----------------
    const codes = new Map<string, CodeType>([...o.procedureTypes].map(([c, t]) => [c.toUpperCase(), t]));
    const tentative = compileDirectory(this.pkg(rows, codes));
    const group = new Int32Array(n).fill(-1);
    const prep = new PreparedCodes();
    const tiedCombos = new Set<number>();
    const outcome = new Map<number, number>();
    const prepareCombo = (d: CompiledDirectory, k: number): void => {
      const sub = subOf(k);
      const procs = this.comboProcs[k]!;
      prep.principalState = 'ok';
      prep.setPrincipal(sub, 0, sub.length, true);
      prep.subId = d.dxKeys.get(sub);
      prep.catId = NO_KEY;
      prep.nProcs = 0;
      if (prep.procIds.length < procs.length) prep.procIds = new Int32Array(procs.length * 2);
      for (const p of procs) prep.procIds[prep.nProcs++] = d.procs.get(this.procSpelling[p]!);
      prep.hasKey = procs.length > 0;
      prep.typeRank = 0;
    };
    for (let i = 0; i < n; i++) {
      const k = combo[i]!;
      if (use[i] !== 1 || k < 0) continue;
      let g = outcome.get(k);
      if (g === undefined) {
        prepareCombo(tentative, k);
        const m = matchPrepared(tentative, prep, null, null);
        g = m.group;
        if (m.tied) tiedCombos.add(k);
        outcome.set(k, g);
      }
      group[i] = g;
    }
    if (tiedCombos.size > 0) {
      // Ties go to the closest mean cost, as in grouping: use the group means of the first pass.
      const sums = new Float64Array(rows.length);
      const counts = new Float64Array(rows.length);
      for (let i = 0; i < n; i++) {
        if (group[i]! >= 0) {
          sums[group[i]!]! += cost[i]!;
          counts[group[i]!]!++;
        }
      }
      const withMeans = rows.map((r, g) => ({ ...r, mean_cost: (counts[g]! > 0 ? roundFen(new Decimal(sums[g]!).dividedBy(counts[g]!)) : 0) as Fen }));
      const second = compileDirectory(this.pkg(withMeans, codes));
      for (let i = 0; i < n; i++) {
        const k = combo[i]!;
        if (use[i] !== 1 || !tiedCombos.has(k)) continue;
        prepareCombo(second, k);
        group[i] = matchPrepared(second, prep, cost[i]!, null).group;
      }
    }
    // Comprehensive groups for the rest, by category and case type.
    const compGroup = new Map<number, number>();
    const compKeys: number[] = [];
    for (let i = 0; i < n; i++) if (use[i] === 1 && group[i]! < 0 && !compGroup.has(catType[i]!)) compGroup.set(catType[i]!, -1), compKeys.push(catType[i]!);
    const typeCount = PROCEDURE_TYPES.length;
    compKeys.sort((a, b) => this.cats.keys[Math.floor(a / typeCount)]!.localeCompare(this.cats.keys[Math.floor(b / typeCount)]!) || (b % typeCount) - (a % typeCount));
    for (const key of compKeys) {
      const cat = this.cats.keys[Math.floor(key / typeCount)]!;
      const type = PROCEDURE_TYPES[key % typeCount]!;
      compGroup.set(key, rows.length);
      rows.push(row(`${cat}-Z${TYPE_LETTER[type]}`, `${cat} 综合病种（${TYPE_NAME[type]}）`, 'comprehensive', cat, [], [], type));
    }
    for (let i = 0; i < n; i++) if (use[i] === 1 && group[i]! < 0) group[i] = compGroup.get(catType[i]!)!;

    // ---- 4. statistics per group --------------------------------------------------
    const G = rows.length;
    // Counting sort of case indexes by group.
    const start = new Int32Array(G + 1);
    for (let i = 0; i < n; i++) if (use[i] === 1) start[group[i]! + 1]!++;
    for (let g = 0; g < G; g++) start[g + 1]! += start[g]!;
    const order = new Int32Array(start[G]!);
    const fill = start.slice(0, G);
    for (let i = 0; i < n; i++) if (use[i] === 1) order[fill[group[i]!]!++] = i;

    const keep = new Uint8Array(n);
    let trimmed = 0;
    for (let g = 0; g < G; g++) {
      const idx = order.subarray(start[g]!, start[g + 1]!);
      const sorted = Float64Array.from(idx, (i) => cost[i]!).sort();
      const { lo, hi } = trimRange(sorted, o.trim);
      for (const i of idx) {
        if (cost[i]! >= lo && cost[i]! <= hi) keep[i] = 1;
        else trimmed++;
      }
    }
    const yearTotals = (idx: Iterable<number>) => {
      const n_ = new Map<number, number>();
      const s_ = new Map<number, number>();
      for (const i of idx) {
        const y = year[i]!;
        n_.set(y, (n_.get(y) ?? 0) + 1);
        s_.set(y, (s_.get(y) ?? 0) + cost[i]!);
      }
      return new Map([...n_].sort((a, b) => a[0] - b[0]).map(([y, k]) => [y, new Decimal(s_.get(y)!).dividedBy(k)]));
    };
    const keptOf = (g: number): number[] => [...order.subarray(start[g]!, start[g + 1]!)].filter((i) => keep[i] === 1);
    const allKept: number[] = [];
    for (let i = 0; i < n; i++) if (keep[i] === 1) allKept.push(i);
    const overallYearMeans = yearTotals(allKept);
    const M = weightedMean(overallYearMeans, weights);
    if (M === undefined || M.isZero()) throw new RangeError('no usable history case: cannot compute the overall mean cost');

    const report: GroupReport[] = [];
    const subtypeRows: BuiltDirectory['subtypes'][number][] = [];
    const means: Decimal[] = [];
    let sumNM = new Decimal(0);
    let sumNRW = new Decimal(0);
    let coreCases = 0;
    let usedCases = 0;
    for (let g = 0; g < G; g++) {
      const r = rows[g]!;
      const kept = keptOf(g);
      const ym = yearTotals(kept);
      // A group whose cases were all trimmed keeps its untrimmed mean.
      const mean = weightedMean(ym.size > 0 ? ym : yearTotals(order.subarray(start[g]!, start[g + 1]!)), weights) ?? new Decimal(0);
      means.push(mean);
      const score = relativeScore(mean, M, o.multiplier, o.scoreDecimals);
      const cases = start[g + 1]! - start[g]!;
      usedCases += cases;
      if (r.kind !== 'comprehensive') coreCases += cases;
      sumNM = sumNM.plus(mean.times(kept.length));
      sumNRW = sumNRW.plus(score.times(kept.length));
      rows[g] = { ...r, score: score.toFixed(o.scoreDecimals), mean_cost: roundFen(mean), cases };
      const costs = Float64Array.from(kept, (i) => cost[i]!);
      const cv = coefficientOfVariation(costs);
      // Auxiliary subtypes: coefficient = subtype mean / group mean; kept only where they cut the CV.
      const found: { rule: number; cases: number; mean: Decimal; coefficient: Decimal }[] = [];
      for (let s = 0; s < this.subtypeRules.length; s++) {
        const inS = kept.filter((i) => ((this.mask.data[i]! >>> s) & 1) === 1);
        if (inS.length < o.subtypeMinCases || mean.isZero()) continue;
        const sm = weightedMean(yearTotals(inS), weights)!;
        found.push({ rule: s, cases: inS.length, mean: sm, coefficient: sm.dividedBy(mean).toDecimalPlaces(4, Decimal.ROUND_HALF_UP) });
      }
      let cvAdjusted = cv;
      let kept_: string[] = [];
      if (found.length > 0) {
        const adjusted = Float64Array.from(kept, (i) => {
          let k = 1;
          let best = -1;
          for (const f of found) {
            if (((this.mask.data[i]! >>> f.rule) & 1) === 1 && (best < 0 || f.coefficient.toNumber() > k)) {
              k = f.coefficient.toNumber();
              best = f.rule;
            }
          }
          return cost[i]! / k;
        });
        const after = coefficientOfVariation(adjusted);
        if (cv - after >= o.subtypeMinCvCut) {
          cvAdjusted = after;
          kept_ = found.map((f) => this.subtypeRules[f.rule]!.code);
          for (const f of found) subtypeRows.push({ group_code: r.group_code, subtype: this.subtypeRules[f.rule]!.code, cases: f.cases, mean_cost: roundFen(f.mean), coefficient: f.coefficient.toFixed() });
        }
      }
      report.push({
        code: r.group_code,
        kind: r.kind,
        dxKey: r.dx_key,
        main: r.main_procedures.map((t) => t.join('/')).join('+'),
        related: r.related_procedures.map((t) => t.join('/')).join('+'),
        procedureType: r.procedure_type,
        cases,
        kept: kept.length,
        yearMeans: ym,
        mean,
        score,
        cv,
        cvAdjusted,
        subtypes: kept_,
      });
    }
    const pointValue = sumNRW.isZero() ? new Decimal(0) : sumNM.dividedBy(sumNRW).dividedBy(100).toDecimalPlaces(4, Decimal.ROUND_HALF_UP);

    // ---- 5. hospital-level coefficients -----------------------------------------
    // Case-mix adjusted: per year, a level's total cost over the total of its cases' group
    // means of that year; the yearly ratios weighted like the means.
    const hospital = new Map<number, Decimal>();
    if (o.hospitalCoefficients) {
      // Cases per level × year × group first (plain counts), then one decimal product per cell.
      const actual = new Map<number, Map<number, number>>();
      const cells = new Map<string, number>();
      for (const i of allKept) {
        const l = this.level.data[i]!;
        if (l < 0) continue;
        const y = year[i]!;
        const a = actual.get(l) ?? new Map<number, number>();
        a.set(y, (a.get(y) ?? 0) + cost[i]!);
        actual.set(l, a);
        const key = `${l}\u0001${y}\u0001${group[i]!}`;
        cells.set(key, (cells.get(key) ?? 0) + 1);
      }
      const expected = new Map<string, Decimal>();
      for (const [key, count] of cells) {
        const [l, y, g] = key.split('\u0001').map(Number) as [number, number, number];
        const ly = `${l}\u0001${y}`;
        expected.set(ly, (expected.get(ly) ?? new Decimal(0)).plus(report[g]!.yearMeans.get(y)!.times(count)));
      }
      for (const l of [...actual.keys()].sort((a, b) => a - b)) {
        const ratios = new Map<number, Decimal>();
        for (const [y, sum] of actual.get(l)!) ratios.set(y, new Decimal(sum).dividedBy(expected.get(`${l}\u0001${y}`)!));
        const k = weightedMean(ratios, weights);
        if (k !== undefined) hospital.set(l, k.toDecimalPlaces(4, Decimal.ROUND_HALF_UP));
      }
    }

    const params: DipParamsInput = {
      format: 'dip-directory-1',
      ...(o.params?.title !== undefined ? { title: o.params.title } : {}),
      multiplier: o.multiplier,
      score_decimals: o.scoreDecimals,
      ...(o.params?.case_score_decimals !== undefined ? { case_score_decimals: o.params.case_score_decimals } : {}),
      point_value: pointValue.toFixed(),
      procedures: { default_type: o.defaultType, key_types: [...o.keyTypes] },
      ...(o.params?.deviation !== undefined ? { deviation: o.params.deviation } : {}),
      ...(hospital.size > 0 ? { hospital_coefficients: Object.fromEntries([...hospital].map(([l, k]) => [String(l), k.toFixed()])) } : {}),
      ...(o.auxiliary !== undefined ? { auxiliary: o.auxiliary } : {}),
      build: {
        years,
        year_weights: years.map((y) => weights.get(y)),
        overall_mean_cost: M.dividedBy(100).toDecimalPlaces(2, Decimal.ROUND_HALF_UP).toFixed(2),
        min_cases: o.minCases,
        trim: o.trim.kind === 'none' ? 'none' : o.trim.kind === 'log-sd' ? `log-sd:${o.trim.k}` : `pct:${o.trim.lower}-${o.trim.upper}`,
        cases_used: usedCases,
        cases_trimmed: trimmed,
        coverage: Number(coverage(coreCases, usedCases).toFixed(4)),
      },
    };
    return {
      groups: rows,
      params,
      procedureTypes: [...codes].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
      subtypes: subtypeRows,
      report,
      years,
      overallMean: M,
      pointValue,
      coverage: coverage(coreCases, usedCases),
      used: usedCases,
      trimmed,
      excluded: this.excluded,
      lateExclusions,
      hospitalCoefficients: hospital,
    };
  }

  /** A combination's key procedures as first spelled, sorted. */
  private codesOf(k: number): string[] {
    return [...this.comboProcs[k]!].map((id) => this.procSpelling[id]!).sort();
  }

  /** The key procedure most often coded first among a combination's cases (then the lowest code). */
  private mainProcedure(k: number, firstCounts: ReadonlyMap<number, number> | undefined): string {
    const procs = this.comboProcs[k]!;
    if (procs.length === 0) return '';
    let best = '';
    let bestN = -1;
    for (const [id, cnt] of firstCounts ?? []) {
      const code = this.procSpelling[id]!;
      if (procs.includes(id) && (cnt > bestN || (cnt === bestN && code < best))) {
        best = code;
        bestN = cnt;
      }
    }
    return best === '' ? this.codesOf(k)[0]! : best;
  }

  /** An in-memory directory package (for the matcher during building). */
  private pkg(rows: readonly DirectoryRow[], codes: ReadonlyMap<string, CodeType>): DirectoryPackage {
    return {
      dir: '(building)',
      label: '(building)',
      params: {
        format: 'dip-directory-1',
        multiplier: this.o.multiplier,
        score_decimals: this.o.scoreDecimals,
        case_score_decimals: 4,
        point_value: '1',
        procedures: { default_type: this.o.defaultType, key_types: [...this.o.keyTypes] },
        deviation: { low: '0.5', high: '2', extreme: '5' },
      },
      groups: rows.map((row, i) => ({ line: i + 2, row })),
      procedureTypes: [...codes].map(([proc_code, type], i) => ({ line: i + 2, row: { proc_code, type } })),
      subtypes: [],
    };
  }
}

function row(code: string, name: string, kind: DipKind, dxKey: string, main: string[][], related: string[][], type: ProcedureType | ''): DirectoryRow {
  return { group_code: code, name, kind, dx_key: dxKey, main_procedures: main, related_procedures: related, procedure_type: type, score: '0', mean_cost: 0 as Fen, cases: 0 };
}

/** Build a directory from cases in memory (the CLI streams them into a {@link DirectoryBuilder}). */
export function buildDirectory(cases: Iterable<HistoryCase>, options: BuildOptions): BuiltDirectory {
  const b = new DirectoryBuilder(options);
  for (const c of cases) b.add(c);
  return b.finish();
}
