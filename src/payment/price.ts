/**
 * Pricing a grouped case under a region's policy and weight table:
 *
 *   group result + case → terms of its DRG (standard, reference, thresholds)
 *   → outlier class (first rule that holds, classes/) → pay mode of the class
 *   (modes/) → payment, rounded once to the fen → fund payment = payment −
 *   patient policy share.
 *
 * The terms of each DRG × hospital level × coefficient are computed once,
 * exactly, and cached, so a normal case costs two integer comparisons and a
 * look-up; decimal arithmetic runs only for outliers.
 *
 * What the usual case needs is kept together, in one entry per DRG index ×
 * level × coefficient: the terms, the window of cost and LOS in which no
 * outlier rule holds, and the shared result of a case inside it. Grouping a
 * case between two pricings evicts most of the pricer's data from the CPU
 * caches, so the usual case is priced from as few objects as possible.
 */
import type { CompiledScheme, GroupStatus } from '../../groupers/chs-drg/index.js';
import { type DataIssue, DataError } from '../errors.js';
import { FoldedIndex, NOT_FOUND } from '../folded-index.js';
import { Decimal, type Fen, formatYuan, roundFen } from '../money.js';
import { weightFor, type WeightEntry, type WeightTable } from '../../weights/table.js';
import { CLASS_RULES, FALLBACK_RULES } from './classes/index.js';
import { payMode } from './modes/index.js';
import { describeBand, type Policy } from './policy.js';
import { Linear } from './linear.js';
import { OUTLIER_CLASSES, type ClassRule, type GroupTerms, type OutlierClass, type PolicyTerms, type PricingCase, type TermsApprox } from './types.js';

export interface PriceInput {
  readonly status: GroupStatus;
  readonly drg: string;
  /** Total cost, fen (required to price). */
  readonly cost: Fen | null;
  readonly los: number | null;
  readonly hospitalId: string | null;
  readonly hospitalLevel: number | null;
  /**
   * The DRG's index in the pricer's scheme (`DrgInfo.index`, which grouping
   * leaves in `CaseContext.drgIndex`), when the caller has it: the terms are
   * then found by array index instead of by hashing the code. Give it only
   * for a pricer built with the scheme that grouped the case.
   */
  readonly drgIndex?: number;
  /** The patient's policy share, fen, when known (fund payment = payment − share). */
  readonly patientShare?: Fen | null;
  /** Flagged for special review. */
  readonly review?: boolean;
}

/** A problem that keeps a case from being priced, or a remark about it. */
export interface PriceNote {
  readonly code: string;
  readonly message: string;
}

/** What a class pays. */
export interface ClassPayment {
  readonly class: OutlierClass;
  readonly mode: string;
  /** Case points (point method), else null. */
  readonly points: Decimal | null;
  readonly payment: Fen;
}

export interface PriceResult {
  /** False when the case cannot be priced (no total cost); class and amounts are then null. */
  readonly priced: boolean;
  readonly class: OutlierClass | null;
  readonly mode: string | null;
  /** The DRG's terms (RW, coefficient, standard, thresholds), or null when not paid by DRG. */
  readonly terms: GroupTerms | null;
  /** Case points (point method), else null. */
  readonly points: Decimal | null;
  /** Payment to the hospital for the case, fen (points × provisional point value under the point method). */
  readonly payment: Fen | null;
  readonly patientShare: Fen | null;
  /** payment − patient share, when the share is known. */
  readonly fundPayment: Fen | null;
  readonly review: boolean;
  /** For a special-review case: what it is paid if the cap refuses it. */
  readonly fallback: ClassPayment | null;
  readonly notes: readonly PriceNote[];
  /** The decisions, in words, when asked for. */
  readonly trace: readonly string[] | undefined;
}

const NO_NOTES: readonly PriceNote[] = [];

/** A policy and weight table compiled for pricing. Build once; `price` is synchronous and never throws for case data. */
export class Pricer {
  readonly terms: PolicyTerms;
  /**
   * Entries at DRG index × slots + level × coefficient slot (undefined: not
   * built yet; null: the DRG has no weight), in one flat array: a case that
   * brings its DRG index costs one array read. DRG indexes are the scheme's,
   * then (for codes the scheme lacks, or without a scheme) ones given here in
   * order of first use.
   */
  private readonly entries: (TermsEntry | null | undefined)[] = [];
  /** Slots per DRG: hospital levels 0 (none) to 9 × perLevel. */
  private readonly slots: number;
  /**
   * Slots per level: the level's own coefficient, then one per distinct
   * coefficient of the by_hospital table. Only combinations a case can
   * bring get a slot, so the tables kept by slot stay small (a sparse slot
   * table costs a page fault per page on first use).
   */
  private readonly perLevel: number;
  /**
   * Hospital id of the by_hospital table → its slot within a level (1 to
   * perLevel − 1): hospitals with the same coefficient share one.
   */
  private readonly hospitalSlot = new Map<string, number>();
  /** Coefficient index (in coefs) of each hospital slot, at index slot − 1. */
  private readonly hospitalCoefs: number[] = [];
  /** DRG indexes of the scheme (0 without one). */
  private readonly schemeDrgs: number;
  /** DRG code of each index. */
  private readonly codeOf: string[] = [];
  /** DRG code → index, for callers that price by code alone (codes met outside the scheme are added). */
  private readonly indexOf = new Map<string, number>();
  private readonly coefs: Decimal[] = [];
  /** The ids of hospitalSlot when there are at most 8, else null. */
  private readonly fewHospitals: readonly string[] | null;
  /** Otherwise the ids of hospitalSlot case-insensitively (a test that needs no string), or null when there are none. */
  private readonly hospitalKeys: FoldedIndex | null;
  private readonly coefByLevel: number[] = [];
  private readonly coefDefault: number;
  private readonly pointDecimals: number;
  /** Per group terms (or `null` for ungroupable cases), the rounding plan of each class: built once, on first use. */
  /** By terms id (array index: cheaper than a map look-up per case), then by class index. */
  private readonly plans: (ClassPlan | undefined)[][] = [];
  private readonly unpaidPlans: (ClassPlan | undefined)[] = [];
  /** Class index (in OUTLIER_CLASSES) of each rule of CLASS_RULES and FALLBACK_RULES. */
  private readonly mainClasses = CLASS_RULES.map((r) => OUTLIER_CLASSES.indexOf(r.name));
  private readonly fallbackClasses = FALLBACK_RULES.map((r) => OUTLIER_CLASSES.indexOf(r.name));

  /**
   * The steps of {@link quote} as numbers, QUICK per slot ({@link slotOf}):
   * [k] the state (0 not made yet, -1 none: the entry's objects decide, else
   * the number of steps), then per step its cost range, class index, and a
   * and m: a linear plan's af and mf, or for a fixed plan its payment and
   * NaN. An outlier reads one slot of it where the objects cost a chain of
   * reads, each a likely cache miss. Empty when the table would pass
   * QUICK_TABLE_MAX numbers.
   */
  private readonly quick: Float64Array;
  /** Point method: rounded points (scaled by 10^decimals) → fen at the provisional point value. */
  private readonly pointFen: Linear | null;
  private readonly pointScale: Decimal;
  private termsCount = 0;
  /** Texts of decimals met again and again (a DRG's RW at every level, coefficients, rates, points per RW, the point value), made once each. */
  private readonly decimalTexts = new Map<Decimal, string>();
  /** Doubles of decimals met again and again (rates, RWs, coefficients, multiples), made once. */
  private readonly decimalNumbers = new Map<Decimal, number>();
  /** Words of each high band (by index in the policy), made once each. */
  private readonly bandWords: string[] = [];
  /** The plan of the class the last `classify` chose, when that class pays a fixed amount. */
  private fixedPlan: ClassPlan | null = null;
  private readonly scratch: { -readonly [K in keyof PricingCase]: PricingCase[K] } = { terms: null, unpaidReason: '', cost: 0, los: NaN, review: false };

  constructor(
    readonly policy: Policy,
    readonly weights: WeightTable,
    readonly scheme?: CompiledScheme,
  ) {
    const coefIndex = (d: Decimal): number => {
      const i = this.coefs.findIndex((c) => c.equals(d));
      if (i >= 0) return i;
      this.coefs.push(d);
      return this.coefs.length - 1;
    };
    const c = policy.coefficients;
    this.coefDefault = coefIndex(c?.default ?? new Decimal(1));
    for (let l = 0; l <= 9; l++) this.coefByLevel[l] = c?.by_level?.[String(l)] !== undefined ? coefIndex(c.by_level[String(l)]!) : this.coefDefault;
    for (const [h, v] of Object.entries(c?.by_hospital ?? {})) {
      const ci = coefIndex(v);
      let k = this.hospitalCoefs.indexOf(ci);
      if (k < 0) k = this.hospitalCoefs.push(ci) - 1;
      this.hospitalSlot.set(h, k + 1);
    }
    this.fewHospitals = this.hospitalSlot.size <= 8 ? [...this.hospitalSlot.keys()] : null;
    this.hospitalKeys = this.hospitalSlot.size > 8 ? new FoldedIndex([...this.hospitalSlot.keys()]) : null;
    this.pointDecimals = policy.points?.decimals ?? 4;
    this.pointScale = new Decimal(10).pow(this.pointDecimals);
    const p = policy.points;
    this.pointFen = p !== undefined ? new Linear(new Decimal(0), p.point_value.times(100), this.pointScale) : null;
    this.terms = {
      method: policy.method,
      yuanToUnits: policy.method === 'rate' ? new Decimal(1) : p?.overall_mean_cost !== undefined ? p.per_rw.times(100).dividedBy(p.overall_mean_cost) : null,
      yuanToUnitsParts: policy.method === 'points' && p?.overall_mean_cost !== undefined ? [p.per_rw.times(100), new Decimal(p.overall_mean_cost)] : null,
      losLimit: policy.outliers.long_stay?.los_over ?? null,
      reviewEnabled: policy.outliers.special_review !== undefined,
    };
    if (policy.outliers.reference === 'mean_cost') this.checkMeanCosts();
    this.perLevel = 1 + this.hospitalCoefs.length;
    this.slots = 10 * this.perLevel;
    this.schemeDrgs = scheme?.drgs.size ?? 0;
    this.quick = new Float64Array(QUICK * this.slotCount <= QUICK_TABLE_MAX ? QUICK * this.slotCount : 0);
    if (scheme !== undefined) {
      // Every entry present from the start, so the array stays a plain array of elements (not a dictionary).
      for (let i = 0; i < scheme.drgs.size * this.slots; i++) this.entries.push(undefined);
      for (const d of scheme.drgs.values()) {
        this.codeOf[d.index] = d.drg;
        this.indexOf.set(d.drg, d.index);
      }
    }
  }

  /** The index terms of this DRG code are kept under (a scheme's DRG index when the scheme has the code). */
  private drgIndex(drg: string): number {
    let i = this.indexOf.get(drg);
    if (i === undefined) {
      i = Math.max(this.codeOf.length, this.scheme?.drgs.size ?? 0);
      this.codeOf[i] = drg;
      this.indexOf.set(drg, i);
      while (this.entries.length < (i + 1) * this.slots) this.entries.push(undefined);
    }
    return i;
  }

  /** Under `reference: "mean_cost"` every weight row needs a mean cost. */
  private checkMeanCosts(): void {
    const issues: DataIssue[] = [];
    const check = (e: WeightEntry): void => {
      if (e.meanCost === null) issues.push({ code: 'weights.missing', file: this.weights.file, line: e.line, column: 'mean_cost', message: `DRG ${e.drg}${e.level !== null ? ` (level ${e.level})` : ''} has no mean_cost, which the policy's outliers.reference "mean_cost" needs` });
    };
    for (const e of this.weights.entries.values()) check(e);
    for (const m of this.weights.byLevel.values()) for (const e of m.values()) check(e);
    if (issues.length > 0) throw new DataError(issues, `weight table ${this.weights.file}`);
  }

  /** The hospital coefficient of a case. */
  coefficientOf(hospitalId: string | null, level: number | null): Decimal {
    return this.coefs[this.coefIdx(hospitalId, level)]!;
  }

  private coefIdx(hospitalId: string | null, level: number | null): number {
    return this.slotCoef(this.hospitalSlotOf(hospitalId), level);
  }

  /** A hospital's slot within a level (see hospitalSlot): 0 for a hospital without a coefficient of its own. */
  private hospitalSlotOf(hospitalId: string | null): number {
    return hospitalId !== null && this.hospitalSlot.size > 0 ? (this.hospitalSlot.get(hospitalId) ?? 0) : 0;
  }

  /** The coefficient index of hospital slot `h` (0: none of its own) at a level: the hospital's own, else its level's (no level: the default). */
  private slotCoef(h: number, level: number | null): number {
    return h > 0 ? this.hospitalCoefs[h - 1]! : level !== null ? this.coefByLevel[level]! : this.coefDefault;
  }

  /** The terms of a DRG for a hospital (null when the table has no weight for it). */
  termsFor(drg: string, hospitalId: string | null, hospitalLevel: number | null): GroupTerms | null {
    return this.termsAt(this.drgIndex(drg), hospitalId, hospitalLevel);
  }

  /** {@link termsFor} by DRG index (see {@link PriceInput.drgIndex}). */
  private termsAt(drgIndex: number, hospitalId: string | null, hospitalLevel: number | null): GroupTerms | null {
    return this.entryAt(drgIndex, hospitalId, hospitalLevel)?.terms ?? null;
  }

  /** The entry of a DRG index for a hospital, built on first use (null when the table has no weight for the DRG). */
  private entryAt(drgIndex: number, hospitalId: string | null, hospitalLevel: number | null): TermsEntry | null {
    const at = this.slotAt(drgIndex, hospitalId, hospitalLevel);
    const e = this.entries[at];
    return e !== undefined ? e : this.entryIn(at);
  }

  /**
   * The slot of a DRG index for a hospital: DRG index × slots + level (0:
   * none, or not a level 1–9) × perLevel + the hospital's slot (0: the
   * level's coefficient, as for every hospital without one of its own).
   */
  private slotAt(drgIndex: number, hospitalId: string | null, hospitalLevel: number | null): number {
    const level = hospitalLevel !== null && Number.isInteger(hospitalLevel) && hospitalLevel >= 1 && hospitalLevel <= 9 ? hospitalLevel : 0;
    return drgIndex * this.slots + level * this.perLevel + this.hospitalSlotOf(hospitalId);
  }

  /** Build the entry of a slot (see {@link slotAt}). */
  private entryIn(at: number): TermsEntry | null {
    const drgIndex = Math.floor(at / this.slots);
    const rest = at - drgIndex * this.slots;
    const level = Math.floor(rest / this.perLevel);
    const h = rest - level * this.perLevel;
    const lv = level === 0 ? null : level;
    const t = this.compileTerms(this.codeOf[drgIndex]!, lv, this.coefs[this.slotCoef(h, lv)]!);
    const e = t === null ? null : this.entryOf(t);
    this.entries[at] = e;
    return e;
  }

  /**
   * For bulk writers that keep their own data per entry: the slot of the
   * entry a grouped case of the scheme's DRG index `drgIndex` is priced
   * under (see {@link usualAt}), or -1 for an index outside the scheme.
   */
  slotOf(drgIndex: number, hospitalId: string | null, hospitalLevel: number | null): number {
    return drgIndex >= 0 && drgIndex < this.schemeDrgs ? this.slotAt(drgIndex, hospitalId, hospitalLevel) : -1;
  }

  /** Slots {@link slotOf} can give: 0 to slotCount − 1. */
  get slotCount(): number {
    return this.schemeDrgs * this.slots;
  }

  /**
   * The usual case of a slot {@link slotOf} gave, built on first use: `price` returns `result`
   * for every case priced under this slot's entry with a cost in
   * [costMin, costMax] and a LOS not over losMax (or none) that is not
   * flagged for review and has no patient share, without a trace. Null when
   * the entry has no such shared result (every case is classified).
   */
  usualAt(slot: number): UsualCase | null {
    const e = this.entries[slot] !== undefined ? this.entries[slot] : this.entryIn(slot);
    return e === null || e.fast === null ? null : { costMin: e.costMin, costMax: e.costMax, losMax: e.losMax, result: e.fast };
  }

  /** The payment (fen) of the case {@link quote} last classed. */
  quotedFen = 0;
  /** Under the point method, its points scaled by 10^decimals (see {@link quotedPoints}). */
  private quotedScaled = 0;
  /** The slot and step of the case {@link quote} last classed, and whether the step's plan is fixed (then its points are the plan's). */
  private quotedSlot = -1;
  private quotedStep = -1;
  private quotedIsFixed = false;

  /**
   * The class of a case priced under slot `slot` ({@link slotOf}) by its
   * cost alone, for a case not flagged for review, without a patient share
   * and with a LOS not above the slot's losMax ({@link usualAt}; none counts
   * as not above): its index in OUTLIER_CLASSES, the payment in
   * {@link quotedFen}. What `price` returns for such a case, outliers
   * included, without a result or a call per rule. -1 when the slot has no
   * usual case or a rule has no {@link ClassRule.holdsAtCost}: then `price`.
   */
  quote(slot: number, cost: number): number {
    // The slot's steps as numbers in one place (see `quick`); the objects when the float cannot round or the table has no steps.
    const q = this.quick;
    const k = QUICK * slot;
    if (k < q.length) {
      const n = q[k] !== 0 ? q[k]! : this.fillQuick(slot, k);
      for (let j = 0, i = k + 1; j < n; j++, i += 5) {
        if (cost >= q[i]! && cost <= q[i + 1]!) {
          const m = q[i + 4]!;
          let scaled = 0;
          if (m === m && (scaled = Linear.filtered(q[i + 3]!, m, cost)) !== scaled) break;
          this.quotedSlot = slot;
          this.quotedStep = j;
          this.quotedIsFixed = m !== m;
          this.quotedScaled = scaled;
          this.quotedFen = m !== m ? q[i + 3]! : this.fenOf(scaled);
          return q[i + 2]!;
        }
      }
    }
    const e = this.entries[slot];
    if (e === undefined || e === null || e.fast === null) return -1;
    const steps = e.steps !== undefined ? e.steps : this.stepsOf(e);
    if (steps === null) return -1;
    const at = steps.at;
    for (let i = 0, j = 0; i < at.length; i += 3, j++) {
      if (cost >= at[i]! && cost <= at[i + 1]!) {
        const plan = steps.plans[j]!;
        this.quotedSlot = slot;
        this.quotedStep = j;
        this.quotedIsFixed = plan.fixed !== null;
        if (plan.fixed !== null) this.quotedFen = plan.fixed.payment;
        else {
          const scaled = plan.linear!.round(cost);
          this.quotedScaled = scaled;
          this.quotedFen = this.fenOf(scaled);
        }
        return at[i + 2]!;
      }
    }
    return -1;
  }

  /**
   * Copy the steps of a slot's entry into `quick` at k (see there): the
   * number of steps, or -1 (also kept) when the entry has none, more than
   * QUICK_STEPS or no usual case. An entry not built yet gives -1 and
   * leaves the slot to be filled later.
   */
  private fillQuick(slot: number, k: number): number {
    const e = this.entries[slot];
    if (e === undefined) return -1;
    const q = this.quick;
    const steps = e === null || e.fast === null ? null : e.steps !== undefined ? e.steps : this.stepsOf(e);
    if (steps === null || steps.plans.length === 0 || steps.plans.length > QUICK_STEPS) return (q[k] = -1);
    const { at, plans } = steps;
    for (let j = 0; j < plans.length; j++) {
      const plan = plans[j]!;
      const i = k + 1 + 5 * j;
      q[i] = at[3 * j]!;
      q[i + 1] = at[3 * j + 1]!;
      q[i + 2] = at[3 * j + 2]!;
      q[i + 3] = plan.fixed !== null ? plan.fixed.payment : plan.linear!.af;
      q[i + 4] = plan.fixed !== null ? NaN : plan.linear!.mf;
    }
    return (q[k] = plans.length);
  }

  /** The points of the case {@link quote} last classed, under the point method (as `price` gives them), else null. */
  quotedPoints(): Decimal | null {
    if (this.pointFen === null) return null;
    return this.quotedIsFixed ? this.entries[this.quotedSlot]!.steps!.plans[this.quotedStep]!.fixed!.points : this.pointsOf(this.quotedScaled);
  }

  /** A linear plan's rounded result in fen: itself under the rate method, scaled points × the point value under the point method. */
  private fenOf(scaled: number): number {
    return this.pointFen === null ? scaled : this.pointFen.round(scaled);
  }

  /** Scaled points (a linear plan's rounded result under the point method) as points. */
  private pointsOf(scaled: number): Decimal {
    return new Decimal(scaled).dividedBy(this.pointScale);
  }

  /**
   * The cost steps of an entry with a usual case, made on first use: per
   * rule that can hold, in the order tried up to the first that always does,
   * its cost range, class index and plan. Null when a rule cannot say where
   * it holds by cost.
   */
  private stepsOf(e: TermsEntry): CostSteps | null {
    const at: number[] = [];
    const plans: ClassPlan[] = [];
    let steps: CostSteps | null = null;
    for (let i = 0; i < CLASS_RULES.length; i++) {
      const rule = CLASS_RULES[i]!;
      if (rule.holdsAtCost === undefined || rule.notHolding === undefined) break;
      const range = rule.holdsAtCost(e.terms, this.terms);
      if (range !== null) {
        at.push(range.min, range.max, this.mainClasses[i]!);
        plans.push(this.plan(e.terms, this.mainClasses[i]!));
      }
      if (rule.notHolding(e.terms, this.terms) === 'always') {
        steps = { at, plans };
        break;
      }
    }
    e.steps = steps;
    return steps;
  }

  /**
   * False when the hospital id spelled by text[a, b) certainly has no
   * coefficient of its own, so that pricing its case needs no string of it
   * (the level decides). True for an id of the policy's by_hospital table;
   * with more than a few ids, also for one that differs from such an id only
   * in case. Makes no string.
   */
  mayHaveOwnCoefficient(text: string, a: number, b: number): boolean {
    const few = this.fewHospitals;
    if (few !== null) {
      // A few ids: compared char by char, which is cheaper than hashing the range.
      for (let k = 0; k < few.length; k++) {
        const id = few[k]!;
        if (id.length !== b - a) continue;
        let i = 0;
        while (i < id.length && id.charCodeAt(i) === text.charCodeAt(a + i)) i++;
        if (i === id.length) return true;
      }
      return false;
    }
    return this.hospitalKeys !== null && this.hospitalKeys.lookupRange(text, a, b) !== NOT_FOUND;
  }

  /**
   * The entry of new terms: the window where none of the rules tried before
   * the first that always holds does (see ClassRule.notHolding), and, when
   * that rule's class pays a fixed amount, the result of an unflagged case
   * inside it. Otherwise the window is empty and every case is classified.
   */
  private entryOf(t: GroupTerms): TermsEntry {
    let costMin = -Infinity;
    let costMax = Infinity;
    let losMax = Infinity;
    for (let i = 0; i < CLASS_RULES.length; i++) {
      const w = CLASS_RULES[i]!.notHolding?.(t, this.terms);
      if (w === undefined) break;
      if (w === 'always') {
        const plan = this.plan(t, this.mainClasses[i]!);
        if (plan.fixed === null) break;
        return { terms: t, costMin, costMax, losMax, fast: sharedResult(plan, t), steps: undefined };
      }
      costMin = Math.max(costMin, w.costMin);
      costMax = Math.min(costMax, w.costMax);
      losMax = Math.min(losMax, w.losMax);
    }
    return { terms: t, costMin: Infinity, costMax: -Infinity, losMax: -Infinity, fast: null, steps: null };
  }

  /** The text of a decimal met again and again (see decimalTexts). */
  private textOf(d: Decimal): string {
    let t = this.decimalTexts.get(d);
    if (t === undefined) this.decimalTexts.set(d, (t = d.toString()));
    return t;
  }

  /** A decimal met again and again as a double (see decimalNumbers); also what pay modes' `approx` is given. */
  private readonly numberOf = (d: Decimal): number => {
    let n = this.decimalNumbers.get(d);
    if (n === undefined) this.decimalNumbers.set(d, (n = d.toNumber()));
    return n;
  };

  /**
   * The terms of a DRG at a level and coefficient. Terms are made for every
   * DRG × level in use, most while the code is still cold, so the usual
   * values are found from doubles (TermsApprox) where these decide them
   * beyond doubt — the standard in fen under the rate method, the outlier
   * thresholds — and with decimal.js otherwise; the exact decimals (base,
   * standard, ref) are made when first read.
   */
  private compileTerms(drg: string, level: number | null, coefficient: Decimal): GroupTerms | null {
    const w = weightFor(this.weights, drg, level);
    if (w === undefined) return null;
    const policy = this.policy;
    const num = this.numberOf;
    const lk = level !== null ? String(level) : undefined;
    const byMean = policy.outliers.reference === 'mean_cost';
    let standardPoints: Decimal | null = null;
    let standardFen: number;
    // The exact decimals, made at most once, when first asked for.
    let exact: ExactTerms | undefined;
    let make: () => ExactTerms;
    // Doubles: base and standard in units, the reference in fen.
    let base: number;
    let standard: number;
    let ref: number;
    // Words for traces, made of texts the output needs anyway and of decimals' texts made once (see textOf): terms
    // are made for every DRG × level in use, a Decimal's text is dear, and so is an object with accessors.
    let how: string;
    let standardText: string;
    let standardPointsText = '';
    const rw = w.rw;
    const rwText = this.textOf(rw);
    const coefficientText = this.textOf(coefficient);
    if (policy.method === 'rate') {
      const rate = (lk !== undefined ? policy.rate!.by_level?.[lk] : undefined) ?? policy.rate!.default;
      make = () => {
        if (exact === undefined) {
          const b = rw.times(rate);
          const st = b.times(coefficient);
          exact = { base: b, standard: st, ref: byMean ? new Decimal(w.meanCost!) : st.times(100) };
        }
        return exact;
      };
      base = num(rw) * num(rate);
      standard = base * num(coefficient);
      const fen = Linear.filtered(standard * 100, 0, 0);
      standardFen = fen === fen ? fen : roundFen(make().standard.times(100));
      ref = byMean ? w.meanCost! : standard * 100;
      standardText = formatYuan(standardFen);
      how = `RW ${rwText} × rate ${this.textOf(rate)} × coefficient ${coefficientText} = ${standardText}`;
    } else {
      // Points are written with their decimals: the point method's standard is found with decimal.js.
      const pts = policy.points!;
      const b = w.points ?? rw.times(pts.per_rw);
      const st = b.times(coefficient);
      const sp = (standardPoints = st.toDecimalPlaces(this.pointDecimals, Decimal.ROUND_HALF_UP));
      standardFen = roundFen(sp.times(pts.point_value).times(100));
      const made = { base: b, standard: st, ref: byMean ? new Decimal(w.meanCost!) : st.times(pts.point_value).times(100) };
      make = () => made;
      base = w.points !== null ? num(w.points) : num(rw) * num(pts.per_rw);
      standard = base * num(coefficient);
      ref = byMean ? w.meanCost! : standard * num(pts.point_value) * 100;
      standardText = formatYuan(standardFen);
      standardPointsText = sp.toString();
      how = `${w.points !== null ? `base ${b} points` : `RW ${rwText} × ${this.textOf(pts.per_rw)} points`} × coefficient ${coefficientText} = ${standardPointsText} points × point value ${this.textOf(pts.point_value)} = ${standardText}`;
    }
    const bands = policy.outliers.high ?? [];
    const bandAt = bands.findIndex((b) => (b.rw_above === undefined || rw.greaterThan(b.rw_above)) && (b.rw_upto === undefined || rw.lessThanOrEqualTo(b.rw_upto)) && (b.levels === undefined || (level !== null && b.levels.includes(level))));
    const band = bandAt >= 0 ? bands[bandAt]! : undefined;
    const lowCfg = policy.outliers.low;
    const lowK = lowCfg !== undefined ? ((lk !== undefined ? lowCfg.by_level?.[lk] : undefined) ?? lowCfg.multiple) : undefined;
    return new LazyTerms(
      this.termsCount++,
      drg,
      w.name !== '' ? w.name : (this.scheme?.drgs.get(drg)?.name ?? ''),
      rw,
      coefficient,
      standardFen,
      standardPoints,
      byMean ? 'mean cost' : 'standard',
      // Costs are whole fen: cost > k·ref exactly when cost > ⌊k·ref⌋, and cost < k·ref when cost < ⌈k·ref⌉.
      band !== undefined ? { k: band.multiple, band: (this.bandWords[bandAt] ??= `$.outliers.high[${bandAt}] ${describeBand(band)}`), over: floorOf(ref * num(band.multiple), () => make().ref.times(band.multiple)) } : null,
      lowK !== undefined ? { k: lowK, under: -floorOf(-ref * num(lowK), () => make().ref.times(lowK).negated()) } : null,
      how,
      { rw: rwText, coefficient: coefficientText, standard: standardText, standardPoints: standardPointsText },
      { base, standard, ref, coefficient: num(coefficient), highK: band !== undefined ? num(band.multiple) : NaN },
      make,
    );
  }

  /** Price one grouped case. */
  price(input: PriceInput, trace = false): PriceResult {
    const review = input.review === true;
    const patientShare = input.patientShare ?? null;
    if (input.cost === null) {
      return unpriced(review, patientShare, { code: 'total_cost.missing', message: 'total_cost is missing: the case cannot be priced' }, trace);
    }
    let terms: GroupTerms | null = null;
    let unpaidReason = '';
    if (input.status !== 'grouped') unpaidReason = input.status;
    else {
      // A DRG index means nothing to a pricer built without a scheme: it then goes by the code.
      const i = input.drgIndex;
      const e = this.entryAt(i !== undefined && i >= 0 && this.scheme !== undefined ? i : this.drgIndex(input.drg), input.hospitalId, input.hospitalLevel);
      if (e === null) unpaidReason = 'weight.missing';
      else {
        // The usual case: inside the entry's window, nothing of its own in the result.
        const cost = input.cost;
        if (cost >= e.costMin && cost <= e.costMax && !((input.los ?? NaN) > e.losMax) && !review && patientShare === null && !trace) return e.fast!;
        terms = e.terms;
      }
    }
    // One case object per pricer, refilled: rules and modes read it and keep nothing of it.
    const c = this.scratch;
    c.terms = terms;
    c.unpaidReason = unpaidReason;
    c.cost = input.cost;
    c.los = input.los ?? NaN;
    c.review = review;
    const steps: string[] | undefined = trace ? [] : undefined;
    if (steps !== undefined && terms !== null) steps.push(`${terms.drg}: ${terms.how}`);
    const main = this.classify(c, CLASS_RULES, this.mainClasses, steps);
    const fixed = this.fixedPlan;
    if (fixed !== null && steps === undefined && patientShare === null && !review && unpaidReason === '') {
      // A class paid a fixed amount (the standard), and nothing of the case itself in the result.
      return sharedResult(fixed, terms!);
    }
    let fallback: ClassPayment | null = null;
    if (main.class === 'special_review') {
      fallback = this.classify(c, FALLBACK_RULES, this.fallbackClasses, steps, 'if the special-review cap refuses it: ');
    }
    const fundPayment = patientShare !== null ? ((main.payment - patientShare) as Fen) : null;
    let notes = NO_NOTES;
    if (unpaidReason === 'weight.missing') notes = [{ code: 'weight.missing', message: `DRG ${input.drg} has no weight in ${this.weights.file}: paid as ungroupable` }];
    if (review && !this.terms.reviewEnabled) notes = [...notes, { code: 'review.not_in_policy', message: 'flagged for special review, but the policy has no special_review rule' }];
    if (steps !== undefined && fundPayment !== null) steps.push(`fund payment: ${formatYuan(main.payment)} − patient share ${formatYuan(patientShare!)} = ${formatYuan(fundPayment)}`);
    return { priced: true, class: main.class, mode: main.mode, terms, points: main.points, payment: main.payment, patientShare, fundPayment, review, fallback, notes, trace: steps };
  }

  /**
   * What class k pays for cases of these terms, built once: a fixed payment
   * (the standard) or a rounding plan for fen (rate method) or points scaled
   * by 10^decimals (point method) = a + cost × m, rounded once.
   */
  private plan(terms: GroupTerms | null, k: number): ClassPlan {
    let plans = terms === null ? this.unpaidPlans : this.plans[terms.id];
    if (plans === undefined) this.plans[terms!.id] = plans = [];
    let plan = plans[k];
    if (plan === undefined) {
      const cls = OUTLIER_CLASSES[k]!;
      const entry = this.policy.pay[cls]!;
      if (entry.mode === 'standard') {
        // The standard was computed and rounded once with the terms.
        plan = { fixed: { class: cls, mode: entry.mode, points: terms!.standardPoints, payment: terms!.standardFen }, linear: null };
      } else {
        const mode = payMode(entry.mode);
        // Units → what the plan rounds: fen (rate method) or points scaled by 10^decimals.
        const unit = this.pointFen === null ? HUNDRED : this.pointScale;
        const unitF = this.pointFen === null ? 100 : 10 ** this.pointDecimals;
        const exact = () => {
          const { a, m, d } = mode.linear(terms, entry, this.terms);
          return { a: a.times(unit), m: m.times(unit), d: d ?? ONE };
        };
        // The doubles serve unless the terms of a cancel out (a far smaller than what it is made of): then the exact line.
        const f = mode.approx(terms?.approx ?? null, entry, this.terms, this.numberOf);
        const linear = f.scale <= 64 * Math.abs(f.a) ? Linear.lazy(f.a * unitF, f.m * unitF, exact) : exactLine(exact());
        plan = { fixed: null, linear };
      }
      plans[k] = plan;
    }
    return plan;
  }

  /** The first rule that holds, and what its pay mode pays. */
  private classify(c: PricingCase, rules: readonly ClassRule[], classOf: readonly number[], steps: string[] | undefined, prefix = ''): ClassPayment {
    const n = rules.length - 1;
    let i = 0;
    while (i < n && !rules[i]!.holds(c, this.terms)) i++;
    const k = classOf[i]!;
    const plan = this.plan(c.terms, k);
    let pay = plan.fixed;
    this.fixedPlan = pay !== null ? plan : null;
    if (pay === null) {
      const cls = rules[i]!.name;
      const mode = this.policy.pay[cls]!.mode;
      const scaled = plan.linear!.round(c.cost);
      pay = { class: cls, mode, points: this.pointFen === null ? null : this.pointsOf(scaled), payment: this.fenOf(scaled) };
    }
    if (steps !== undefined) {
      const entry = this.policy.pay[pay.class]!;
      steps.push(`${prefix}${rules[i]!.explain(c, this.terms)}`);
      const amount = pay.points !== null ? `${pay.points} points × point value ${this.policy.points!.point_value} = ${formatYuan(pay.payment)}` : formatYuan(pay.payment);
      steps.push(`${prefix}${payMode(entry.mode).explain(c, entry, this.terms)} → ${amount}`);
    }
    return pay;
  }
}

/** The terms of a DRG for one hospital level and coefficient, with what prices its usual case at once (see Pricer.entryOf). */
interface TermsEntry {
  readonly terms: GroupTerms;
  /** The window in which a case not flagged for review is paid `fast` (empty when there is no such result). */
  readonly costMin: number;
  readonly costMax: number;
  readonly losMax: number;
  readonly fast: PriceResult | null;
  /** Classes by cost (see Pricer.quote); undefined: not made yet. */
  steps: CostSteps | null | undefined;
}

/** Numbers per slot of Pricer.quick: the state, then 5 per step for up to QUICK_STEPS steps. */
const QUICK = 16;
const QUICK_STEPS = 3;
/** The largest quick table, in numbers (32 MB). */
const QUICK_TABLE_MAX = 1 << 22;

/** An entry's classes by cost: at[3j], at[3j + 1] the cost range of step j, at[3j + 2] its class index; plans[j] what it pays. */
interface CostSteps {
  readonly at: readonly number[];
  readonly plans: readonly ClassPlan[];
}

/** The window of an entry in which cases are paid its shared result (see Pricer.usualAt). */
export interface UsualCase {
  readonly costMin: number;
  readonly costMax: number;
  readonly losMax: number;
  readonly result: PriceResult;
}

/** How a class is paid for one group's terms. */
interface ClassPlan {
  readonly fixed: ClassPayment | null;
  readonly linear: Linear | null;
  /** For a fixed plan: the result of a case with no share, no review flag, no notes and no trace (made on first use). */
  result?: PriceResult;
}

/** The one shared, frozen result of a fixed plan for a case with nothing of its own in it (made on first use). */
function sharedResult(plan: ClassPlan, terms: GroupTerms): PriceResult {
  const pay = plan.fixed!;
  return (plan.result ??= Object.freeze({ priced: true, class: pay.class, mode: pay.mode, terms, points: pay.points, payment: pay.payment, patientShare: null, fundPayment: null, review: false, fallback: null, notes: NO_NOTES, trace: undefined }));
}

function unpriced(review: boolean, patientShare: Fen | null, note: PriceNote, trace: boolean): PriceResult {
  return { priced: false, class: null, mode: null, terms: null, points: null, payment: null, patientShare, fundPayment: null, review, fallback: null, notes: [note], trace: trace ? [note.message] : undefined };
}

const HUNDRED = new Decimal(100);

const ONE = new Decimal(1);
const exactLine = (e: { readonly a: Decimal; readonly m: Decimal; readonly d: Decimal }): Linear => new Linear(e.a, e.m, e.d);

/** The exact decimals of a group's terms (see GroupTerms). */
interface ExactTerms {
  readonly base: Decimal;
  readonly standard: Decimal;
  readonly ref: Decimal;
}

/** Terms whose decimals are made when first read (most terms never need them: see Pricer.compileTerms). */
class LazyTerms implements GroupTerms {
  constructor(
    readonly id: number,
    readonly drg: string,
    readonly name: string,
    readonly rw: Decimal,
    readonly coefficient: Decimal,
    readonly standardFen: number,
    readonly standardPoints: Decimal | null,
    readonly refLabel: string,
    readonly high: GroupTerms['high'],
    readonly low: GroupTerms['low'],
    readonly how: string,
    readonly text: GroupTerms['text'],
    readonly approx: TermsApprox,
    /** The exact decimals, made on its first call and kept. */
    private readonly make: () => ExactTerms,
  ) {}

  get base(): Decimal {
    return this.make().base;
  }

  get standard(): Decimal {
    return this.make().standard;
  }

  get ref(): Decimal {
    return this.make().ref;
  }

  /** Every field, the decimals included, as a plain object would give them. */
  toJSON(): Omit<GroupTerms, never> {
    const { id, drg, name, rw, coefficient, base, standard, standardFen, standardPoints, ref, refLabel, high, low, how, text, approx } = this;
    return { id, drg, name, rw, coefficient, base, standard, standardFen, standardPoints, ref, refLabel, high, low, how, text, approx };
  }
}

/**
 * ⌊v⌋ for a double v within a few units in the last place of an exact value
 * whose floor is wanted; `exact` gives that value (decimal.js) when v lies
 * too close to a whole number to tell.
 */
function floorOf(v: number, exact: () => Decimal): number {
  const n = Math.floor(v);
  const band = Math.abs(v) * 1e-12 + 1e-9;
  return Math.abs(v) < 2 ** 50 && v - n > band && n + 1 - v > band ? n : exact().floor().toNumber();
}
