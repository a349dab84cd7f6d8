/**
 * The score of one DIP case:
 *
 *   adjusted = group score × subtype coefficient × hospital coefficient
 *   standard = adjusted × point value (the case's standard cost)
 *   ratio    = cost / standard → a deviation rule (extreme, high, low) or normal
 *   score    = adjusted × (slope × ratio + intercept) of the rule (normal:
 *              adjusted), rounded once, half up, to case_score_decimals
 *   payment  = score × point value, rounded once, half up, to fen
 *
 * Everything is exact: coefficients and the point value are decimal.js
 * values, costs integer fen, and the deviation arithmetic runs on scaled
 * integers (exact.ts). A {@link DipScorer} memoises, per group and
 * adjustment slots, everything that does not depend on the cost — including
 * the deviation thresholds as whole fen and each rule's integer form — so a
 * normal case costs one range test and a deviation case three BigInt
 * operations.
 */
import type { CompiledDirectory, CompiledGroup } from '../../../groupers/dip/directory.js';
import type { DipNote } from '../../../groupers/dip/group.js';
import { Decimal, type Fen, formatYuan, roundFen } from '../../money.js';
import { ADJUSTMENTS, type AdjustInput, type Adjustment, type CompiledAdjustment } from './adjust/index.js';
import { DEVIATION_RULES, type DeviationKind, type DeviationRule } from './deviation/index.js';
import { type Affine, affine, applyAffine, divRound, mulDivRound, pow10, roundGuarded, scaled, type Scaled, unitsDecimal, unitsText } from './exact.js';

export type Deviation = 'normal' | DeviationKind;

export interface DipCaseScore {
  readonly baseScore: Decimal;
  /** The auxiliary subtype that applied, or null. */
  readonly subtype: string | null;
  readonly subtypeCoefficient: Decimal;
  readonly hospitalCoefficient: Decimal;
  /** Product of the coefficients. */
  readonly coefficient: Decimal;
  readonly adjustedScore: Decimal;
  /** Standard cost in fen (exact). */
  readonly standardCost: Decimal;
  /** cost / standard, or null without a usable cost. */
  readonly ratio: Decimal | null;
  /** null when the case has no usable cost (no deviation check). */
  readonly deviation: Deviation | null;
  /** Flagged for expert review (extreme deviation). */
  readonly review: boolean;
  /** The case score, rounded. */
  readonly score: Decimal;
  /** score × point value, in fen. */
  readonly payment: Fen;
  readonly warnings: readonly DipNote[];
  readonly trace: readonly string[] | undefined;
}

/**
 * A deviation rule on its own: the deviation and score of a case from its
 * adjusted score, standard cost and cost (any one unit), with the
 * directory's thresholds; the score is rounded once, half up, to `decimals`.
 */
export function deviationScore(
  score: Decimal.Value,
  standard: Decimal.Value,
  cost: Decimal.Value,
  d: Pick<CompiledDirectory, 'deviation'>,
  decimals = 4,
): { deviation: Deviation; ratio: Decimal; score: Decimal; review: boolean } {
  const s = new Decimal(score);
  const std = new Decimal(standard);
  const c = new Decimal(cost);
  if (std.isZero()) return { deviation: 'normal', ratio: new Decimal(0), score: s.toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP), review: false };
  const ratio = c.dividedBy(std);
  for (const rule of DEVIATION_RULES) {
    const t = rule.threshold(d.deviation).times(std);
    if (rule.side === 'below' ? c.lessThan(t) : c.greaterThan(t)) {
      const a = affine(s, rule.slope(d.deviation), rule.intercept(d.deviation), std, decimals);
      const cs = scaled(c);
      // The cost may have decimals here: fold its scale into the denominator.
      const units = applyAffine({ mult: a.mult, add: a.add * pow10(cs.e), den: a.den * pow10(cs.e) }, cs.n);
      return { deviation: rule.kind, ratio, score: unitsDecimal(units, decimals), review: rule.review };
    }
  }
  return { deviation: 'normal', ratio, score: s.toDecimalPlaces(decimals, Decimal.ROUND_HALF_UP), review: false };
}

/** The warning for a case whose cost cannot be checked for deviation. */
function costNote(cost: number | null): DipNote {
  return cost === null
    ? { code: 'total_cost.missing', field: 'total_cost', message: 'no total cost: deviation not checked, the adjusted score is used' }
    : { code: 'total_cost.negative', field: 'total_cost', message: `total cost ${formatYuan(cost)} is negative: deviation not checked, the adjusted score is used` };
}

const RULES = DEVIATION_RULES.length;

/**
 * Everything about a group under given adjustment slots that does not depend
 * on the cost, one profile per id (0, 1, … in the order made), column by
 * column. A year of cases makes tens of thousands of profiles; as objects
 * (with two arrays and two strings each) they were a third of a worker's live
 * heap, which every full garbage collection marks again. Here the numbers
 * live in typed arrays outside the heap, the texts are made when first asked
 * for, and the exact forms of the deviation rules only when a deviation
 * needs them.
 */
class Profiles {
  size = 0;
  private cap = 0;
  /** Group index. */
  group = new Int32Array(0);
  /** Index of the coefficient (shared by every profile with the same adjustment slots) in the scorer's list. */
  coefficient = new Int32Array(0);
  /** Standard cost rounded to whole fen. */
  standardFen = new Float64Array(0);
  /** No rule applies to a cost within [normalMin, normalMax] (fen): the common case, one range test. */
  normalMin = new Float64Array(0);
  normalMax = new Float64Array(0);
  /** A normal case's rounded score, in units of 10^-case_score_decimals, and its payment in fen. */
  normalUnits = new Float64Array(0);
  normalPayment = new Float64Array(0);
  /** Per profile × rule (DEVIATION_RULES order): a whole-fen bound; `below`: cost < bound, `above`: cost > bound. */
  bounds = new Float64Array(0);
  /** Per profile × rule: adjusted × intercept as a double, for the guarded fast path of deviation cases. */
  intercepts = new Float64Array(0);
  /** A normal case's score and payment as text (made on first use). */
  readonly normalText: (string | undefined)[] = [];
  readonly normalPaymentText: (string | undefined)[] = [];
  readonly exact = new Map<number, Exact>();

  /** Append a profile's numbers; its id. */
  add(group: number, coefficient: number, n: ProfileNumbers, normalMin: number, normalMax: number, normalPayment: number): number {
    if (this.size === this.cap) this.grow();
    const id = this.size++;
    this.group[id] = group;
    this.coefficient[id] = coefficient;
    this.standardFen[id] = n.standardFen;
    this.normalMin[id] = normalMin;
    this.normalMax[id] = normalMax;
    this.normalUnits[id] = n.normalUnits;
    this.normalPayment[id] = normalPayment;
    for (let i = 0; i < RULES; i++) {
      this.bounds[id * RULES + i] = n.bounds[i]!;
      this.intercepts[id * RULES + i] = n.intercepts[i]!;
    }
    this.normalText.push(undefined);
    this.normalPaymentText.push(undefined);
    return id;
  }

  private grow(): void {
    const cap = Math.max(1024, this.cap * 2);
    const more = <T extends Int32Array | Float64Array>(a: T, per = 1): T => {
      const b = new (a.constructor as new (n: number) => T)(cap * per);
      b.set(a);
      return b;
    };
    this.group = more(this.group);
    this.coefficient = more(this.coefficient);
    this.standardFen = more(this.standardFen);
    this.normalMin = more(this.normalMin);
    this.normalMax = more(this.normalMax);
    this.normalUnits = more(this.normalUnits);
    this.normalPayment = more(this.normalPayment);
    this.bounds = more(this.bounds, RULES);
    this.intercepts = more(this.intercepts, RULES);
    this.cap = cap;
  }
}

interface Coefficient {
  readonly value: Decimal;
  readonly text: string;
  readonly scaled: Scaled;
}

/** The cost-independent numbers of a profile. */
interface ProfileNumbers {
  /** Standard cost rounded to whole fen. */
  readonly standardFen: number;
  readonly bounds: readonly number[];
  readonly normalUnits: number;
  readonly intercepts: readonly number[];
}

/** decimal.js keeps 20 significant digits: a product below 10^20 in magnitude is exact there. */
const DECIMAL_LIMIT = 10n ** 20n;
const fitsDecimal = (n: bigint): boolean => n < DECIMAL_LIMIT && -n < DECIMAL_LIMIT;

/** ⌊n / d⌋ and ⌈n / d⌉ for d > 0. */
function floorDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n < 0n ? q - 1n : q;
}
function ceilDiv(n: bigint, d: bigint): bigint {
  const q = n / d;
  return n % d !== 0n && n > 0n ? q + 1n : q;
}

/** The decimal and integer forms, made only when needed: traces, and the rare deviation case floating point cannot decide. */
interface Exact {
  readonly adjusted: Decimal;
  /** Standard cost in fen (exact). */
  readonly standard: Decimal;
  readonly affines: readonly (Affine | null)[];
}

/** The result of the fast scorer: what the bulk job writes. */
export interface ScoreRow {
  /** Id of the (group, adjustments) profile: rows of equal profile and deviation `normal` differ only by case. */
  profileId: number;
  /** The auxiliary subtype that applied, or null. */
  subtype: string | null;
  /** Product of the coefficients, as text. */
  coefficientText: string;
  deviation: Deviation | null;
  review: boolean;
  /** The case's standard cost, whole fen. */
  standardFen: number;
  /** The rounded score as a whole number of 10^-case_score_decimals, and as text. */
  units: number;
  scoreText: string;
  /** score × point value, in fen, and as text. */
  paymentFen: number;
  paymentText: string;
}

export class DipScorer {
  /** Profile id per memo key (group × slots), when the key space is too large for {@link denseIds}. */
  private readonly memo = new Map<number, number>();
  /** Distinct adjustment slot combinations (the key is group × this + slots). */
  private readonly slotSpace: number;
  /** Coefficient index (in coefficientList) per slot combination. */
  private readonly coefficients = new Map<number, number>();
  private readonly coefficientList: Coefficient[] = [];
  /** Per rule: its threshold and intercept, scaled. */
  private readonly thresholds: readonly Scaled[];
  private readonly interceptsScaled: readonly Scaled[];
  /** Per group (lazily): its score, scaled. */
  private readonly groupScores: (Scaled | undefined)[];
  /** Per rule: its slope as a double (the same for every profile). */
  private readonly slopes: readonly number[];
  private readonly adjust: readonly CompiledAdjustment[];
  /**
   * Per group × adjustment (flat, filled up front): the position of the adjustment's fixed value
   * for the group in `fixedValues`, or -1 when it depends on the case. Bytes (when the values
   * are few, as they are), not pointers: the table stays in cache.
   */
  private readonly fixed: Int8Array | Int32Array;
  /** The distinct fixed values (a handful, shared by groups). */
  private readonly fixedValues: Adjustment[] = [];
  /** Profiles by id (the memo's values in the order made). */
  private readonly profiles = new Profiles();
  /** Per memo key, when the key space is dense: the profile id, or -1 before it is made. */
  private readonly denseIds: Int32Array | null;
  /** Per memo key, when dense: the normal cost range of its profile (lo, hi side by side). */
  private readonly keyRange: Float64Array | null;
  private readonly subtypeAt = ADJUSTMENTS.findIndex((a) => a.name === 'subtype');
  private readonly hospitalAt = ADJUSTMENTS.findIndex((a) => a.name === 'hospital');
  readonly decimals: number;
  /** The point value times 100: yuan per score point → fen per score point; scaled for integer payments. */
  private readonly fenPerPoint: Decimal;
  private readonly fpp: Scaled;
  private readonly paymentDen: bigint;
  private readonly fppDouble: number;
  private readonly scale: number;
  private readonly fppNumber: number;
  private readonly paymentDenNumber: number;
  /** The profile of the last case scored. */
  private last = -1;
  /** Adjustments of the current case (reused). */
  private readonly current: Adjustment[] = [];
  /** Reused output of {@link scoreFast}. */
  private readonly row: ScoreRow = { profileId: 0, subtype: null, coefficientText: '', deviation: null, review: false, standardFen: 0, units: 0, scoreText: '', paymentFen: 0, paymentText: '' };

  constructor(
    readonly d: CompiledDirectory,
    pointValue?: Decimal.Value,
  ) {
    this.adjust = ADJUSTMENTS.map((a) => a.compile(d));
    const fixed = d.groups.flatMap((g) =>
      this.adjust.map((a) => {
        const v = a.fixed(g);
        if (v === null) return -1;
        if (!this.fixedValues.includes(v)) this.fixedValues.push(v);
        return this.fixedValues.indexOf(v);
      }),
    );
    this.fixed = this.fixedValues.length <= 127 ? Int8Array.from(fixed) : Int32Array.from(fixed);
    this.slotSpace = this.adjust.reduce((k, a) => k * a.slots, 1);
    this.slopes = DEVIATION_RULES.map((rule) => rule.slope(d.deviation).toNumber());
    this.thresholds = DEVIATION_RULES.map((rule) => scaled(rule.threshold(d.deviation)));
    this.interceptsScaled = DEVIATION_RULES.map((rule) => scaled(rule.intercept(d.deviation)));
    this.groupScores = new Array<Scaled | undefined>(d.groups.length).fill(undefined);
    const keys = this.slotSpace * Math.max(1, d.groups.length);
    this.denseIds = keys <= 1 << 22 ? new Int32Array(keys).fill(-1) : null;
    // An empty range (lo > hi) until the key's profile is made.
    this.keyRange = this.denseIds !== null ? new Float64Array(2 * keys).map((_, i) => (i % 2 === 0 ? Infinity : -Infinity)) : null;
    this.decimals = d.params.case_score_decimals;
    this.fenPerPoint = new Decimal(pointValue ?? d.pointValue).times(100);
    this.fpp = scaled(this.fenPerPoint);
    this.paymentDen = pow10(this.decimals + this.fpp.e);
    this.fppDouble = this.fenPerPoint.toNumber();
    this.scale = 10 ** this.decimals;
    // The plain-number payment path needs both factors to be safe integers (else it always falls back).
    this.fppNumber = Number.isSafeInteger(Number(this.fpp.n)) ? Number(this.fpp.n) : Number.MAX_SAFE_INTEGER;
    this.paymentDenNumber = this.decimals + this.fpp.e <= 15 ? Number(this.paymentDen) : Number.MAX_SAFE_INTEGER;
  }

  /** The point value used for standards and payments (yuan per score point). */
  get pointValue(): Decimal {
    return this.fenPerPoint.dividedBy(100);
  }

  /** The payment (fen) of a score given in units: score × point value, rounded once, half up. */
  paymentOf(units: bigint): Fen {
    return Number(divRound(units * this.fpp.n, this.paymentDen)) as Fen;
  }

  /** {@link paymentOf} for a number of units, in plain arithmetic when it is exact. */
  private paymentOfNumber(units: number): Fen {
    return (mulDivRound(units, this.fppNumber, this.paymentDenNumber) ?? this.paymentOf(BigInt(units))) as Fen;
  }

  /**
   * A deviation case's score in units: slope × cost / point value + adjusted ×
   * intercept (this equals the rule's formula, as standard = adjusted × point
   * value), in floating point with an error bound, else exactly in BigInt.
   */
  private deviationUnits(p: number, i: number, cost: number): number {
    const a = (this.slopes[i]! * cost) / this.fppDouble;
    const b = this.profiles.intercepts[p * RULES + i]!;
    // Each operand and operation is off by at most one rounding (2^-53 relative); 1e-15 covers eight.
    const fast = roundGuarded((a + b) * this.scale, 1e-15 * this.scale * (Math.abs(a) + Math.abs(b)) + 1e-300);
    return fast ?? Number(applyAffine(this.exactOf(p).affines[i]!, BigInt(cost)));
  }

  /** A rounded case score as a whole number of 10^-case_score_decimals, for totals. */
  units(score: Decimal): number {
    return score.times(new Decimal(10).pow(this.decimals)).toNumber();
  }

  /**
   * Apply the adjustments to a case (into `current`, warnings to `notes` when
   * given) and return its memo key (group × adjustment slots): then
   * {@link isNormalKey}, or {@link idOfKey} and {@link scoreProfile}.
   */
  keyOf(g: CompiledGroup, c: AdjustInput, notes: DipNote[] | null): number {
    let slots = 0;
    const cur = this.current;
    const n = this.adjust.length;
    const base = g.index * n;
    for (let i = 0; i < n; i++) {
      const a = this.adjust[i]!;
      const f = this.fixed[base + i]!;
      const r = f >= 0 ? this.fixedValues[f]! : a.apply(g, c);
      cur[i] = r;
      if (notes !== null && r.note !== undefined) notes.push(r.note);
      slots = slots * a.slots + r.slot;
    }
    return g.index * this.slotSpace + slots;
  }

  /** The id of the profile of a memo key that {@link keyOf} has just given for group g (made when new). */
  idOfKey(g: CompiledGroup, key: number): number {
    const dense = this.denseIds;
    let id = dense !== null ? dense[key]! : (this.memo.get(key) ?? -1);
    if (id < 0) {
      id = this.makeProfile(g, this.current, key - g.index * this.slotSpace);
      if (dense !== null) {
        dense[key] = id;
        this.keyRange![2 * key] = this.profiles.normalMin[id]!;
        this.keyRange![2 * key + 1] = this.profiles.normalMax[id]!;
      } else {
        this.memo.set(key, id);
      }
    }
    return id;
  }

  /** {@link keyOf} then {@link idOfKey}: the profile id of a case. */
  profileId(g: CompiledGroup, c: AdjustInput, notes: DipNote[] | null): number {
    return this.idOfKey(g, this.keyOf(g, c, notes));
  }

  /**
   * True when a cost (fen) is usable and within the normal range of the
   * profile of a memo key (the case is normal), read from one pair of doubles
   * side by side; false also when the key's profile is not made yet (or the
   * key space is not dense).
   */
  isNormalKey(key: number, cost: number | null): boolean {
    const r = this.keyRange;
    return r !== null && cost !== null && cost >= 0 && cost >= r[2 * key]! && cost <= r[2 * key + 1]!;
  }

  /** Make the profile of group g under the given adjustments; its id. */
  private makeProfile(g: CompiledGroup, adjustments: readonly Adjustment[], slots: number): number {
    let ci = this.coefficients.get(slots);
    if (ci === undefined) {
      const value = adjustments.reduce((k, a) => k.times(a.coefficient), new Decimal(1));
      ci = this.coefficientList.push({ value, text: value.toFixed(), scaled: scaled(value) }) - 1;
      this.coefficients.set(slots, ci);
    }
    const coefficient = this.coefficientList[ci]!;
    const numbers = this.numbersScaled(g, coefficient) ?? this.numbersDecimal(g, coefficient);
    let normalMin = -Infinity;
    let normalMax = Infinity;
    DEVIATION_RULES.forEach((rule, i) => {
      if (rule.side === 'below') normalMin = Math.max(normalMin, numbers.bounds[i]!);
      else normalMax = Math.min(normalMax, numbers.bounds[i]!);
    });
    return this.profiles.add(g.index, ci, numbers, normalMin, normalMax, this.paymentOf(BigInt(numbers.normalUnits)));
  }

  /** A profile's numbers with decimal.js (any size). */
  private numbersDecimal(g: CompiledGroup, coefficient: Coefficient): ProfileNumbers {
    const adjusted = g.score.times(coefficient.value);
    const standard = adjusted.times(this.fenPerPoint);
    const t = this.d.deviation;
    const a = scaled(adjusted);
    return {
      standardFen: roundFen(standard),
      // An integer cost is below x exactly when it is below ceil(x), above x when above floor(x).
      bounds: DEVIATION_RULES.map((rule) => {
        if (standard.isZero()) return rule.side === 'below' ? -Infinity : Infinity;
        const x = rule.threshold(t).times(standard);
        return (rule.side === 'below' ? x.ceil() : x.floor()).toNumber();
      }),
      normalUnits: Number(divRound(a.n * pow10(this.decimals), pow10(a.e))),
      intercepts: DEVIATION_RULES.map((rule) => adjusted.times(rule.intercept(t)).toNumber()),
    };
  }

  /**
   * The same numbers in scaled BigInts, a few times faster (a run makes tens of
   * thousands of profiles); null when a product has more digits than
   * decimal.js keeps (20 significant), where it would round and the two could differ.
   */
  private numbersScaled(g: CompiledGroup, coefficient: Coefficient): ProfileNumbers | null {
    const s = (this.groupScores[g.index] ??= scaled(g.score));
    const k = coefficient.scaled;
    const an = s.n * k.n;
    const ae = s.e + k.e;
    const sn = an * this.fpp.n;
    const se = ae + this.fpp.e;
    if (!fitsDecimal(an) || !fitsDecimal(sn)) return null;
    const bounds: number[] = [];
    const intercepts: number[] = [];
    for (let i = 0; i < DEVIATION_RULES.length; i++) {
      const th = this.thresholds[i]!;
      const ic = this.interceptsScaled[i]!;
      const x = th.n * sn;
      const y = an * ic.n;
      if (!fitsDecimal(x) || !fitsDecimal(y)) return null;
      const below = DEVIATION_RULES[i]!.side === 'below';
      bounds.push(sn === 0n ? (below ? -Infinity : Infinity) : Number(below ? ceilDiv(x, pow10(th.e + se)) : floorDiv(x, pow10(th.e + se))));
      // Decimal text → number is correctly rounded, as decimal.js's toNumber.
      intercepts.push(Number(`${y}e-${ae + ic.e}`));
    }
    return { standardFen: Number(divRound(sn, pow10(se))), bounds, normalUnits: Number(divRound(an * pow10(this.decimals), pow10(ae))), intercepts };
  }

  /** The decimal and integer forms of a profile (made once, when first needed). */
  private exactOf(p: number): Exact {
    const known = this.profiles.exact.get(p);
    if (known !== undefined) return known;
    const t = this.d.deviation;
    const adjusted = this.d.groups[this.profiles.group[p]!]!.score.times(this.coefficientList[this.profiles.coefficient[p]!]!.value);
    const standard = adjusted.times(this.fenPerPoint);
    const zero = standard.isZero();
    const exact: Exact = {
      adjusted,
      standard,
      affines: DEVIATION_RULES.map((rule) => (zero ? null : affine(adjusted, rule.slope(t), rule.intercept(t), standard, this.decimals))),
    };
    this.profiles.exact.set(p, exact);
    return exact;
  }

  /** The index (in DEVIATION_RULES) of the rule that applies to a cost (fen), or -1 for a normal case. */
  private ruleFor(p: number, cost: number): number {
    const t = this.profiles;
    if (cost >= t.normalMin[p]! && cost <= t.normalMax[p]!) return -1;
    for (let i = 0; i < RULES; i++) {
      const b = t.bounds[p * RULES + i]!;
      if (DEVIATION_RULES[i]!.side === 'below' ? cost < b : cost > b) return i;
    }
    return -1;
  }

  /**
   * Score for the bulk path: fills and returns a reused row. A null or
   * negative cost skips the deviation check (`deviation` null); warnings go
   * to `notes` when given.
   */
  scoreFast(g: CompiledGroup, c: AdjustInput, cost: number | null, notes: DipNote[] | null): ScoreRow {
    return this.scoreProfile(this.profileId(g, c, notes), cost, notes);
  }

  /**
   * {@link scoreFast} for a case whose adjustments {@link profileId} has just applied.
   * `texts: false` leaves a deviation case's scoreText and paymentText empty, for a
   * caller that writes `units` and `paymentFen` itself (no strings per case).
   */
  scoreProfile(id: number, cost: number | null, notes: DipNote[] | null, texts = true): ScoreRow {
    const p = this.profiles;
    this.last = id;
    const row = this.row;
    row.profileId = id;
    row.subtype = this.current[this.subtypeAt]!.label;
    row.coefficientText = this.coefficientList[p.coefficient[id]!]!.text;
    row.standardFen = p.standardFen[id]!;
    const usable = cost !== null && cost >= 0;
    if (!usable && notes !== null) notes.push(costNote(cost));
    const i = usable ? this.ruleFor(id, cost) : -1;
    if (i < 0) {
      const units = p.normalUnits[id]!;
      row.deviation = usable ? 'normal' : null;
      row.review = false;
      row.units = units;
      row.paymentFen = p.normalPayment[id]!;
      row.scoreText = p.normalText[id] ??= unitsText(units, this.decimals);
      row.paymentText = p.normalPaymentText[id] ??= formatYuan(row.paymentFen);
      return row;
    }
    const rule: DeviationRule = DEVIATION_RULES[i]!;
    const units = this.deviationUnits(id, i, cost!);
    row.deviation = rule.kind;
    row.review = rule.review;
    row.units = units;
    row.paymentFen = this.paymentOfNumber(units);
    row.scoreText = texts ? unitsText(units, this.decimals) : '';
    row.paymentText = texts ? formatYuan(row.paymentFen) : '';
    return row;
  }

  /** Score with every detail (library, what-if, traces); the same numbers as {@link scoreFast}. */
  score(g: CompiledGroup, c: AdjustInput, cost: number | null, withTrace = false): DipCaseScore {
    const warnings: DipNote[] = [];
    const row = this.scoreFast(g, c, cost, warnings);
    const x = this.exactOf(this.last);
    const coefficient = this.coefficientList[this.profiles.coefficient[this.last]!]!;
    const adjustments = [...this.current];
    const score = unitsDecimal(BigInt(row.units), this.decimals);
    const payment = this.paymentOf(BigInt(row.units));
    const usable = cost !== null && cost >= 0;
    const ratio = usable && !x.standard.isZero() ? new Decimal(cost).dividedBy(x.standard) : null;
    let trace: string[] | undefined;
    if (withTrace) {
      trace = [`group ${g.code} score ${g.score.toFixed()}`, ...adjustments.map((a) => a.text)];
      trace.push(`adjusted score ${g.score.toFixed()} × ${coefficient.text} = ${x.adjusted.toFixed()}; standard cost ${x.adjusted.toFixed()} × ${this.pointValue.toFixed()} = ${formatYuan(roundFen(x.standard))} yuan`);
      const shownRatio = ratio === null ? '' : ` = ${ratio.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed()} × standard`;
      const rule = DEVIATION_RULES.find((r) => r.kind === row.deviation);
      if (!usable) trace.push(`no usable cost: score ${row.scoreText}`);
      else if (rule === undefined) trace.push(`cost ${formatYuan(cost)}${shownRatio}: normal, score ${row.scoreText}`);
      else trace.push(`cost ${formatYuan(cost)}${shownRatio}: ${rule.kind} deviation (${rule.formula(this.d.deviation)}) → score ${row.scoreText}`);
      trace.push(`payment ${row.scoreText} × ${this.pointValue.toFixed()} = ${formatYuan(payment)} yuan`);
    }
    return {
      baseScore: g.score,
      subtype: adjustments[this.subtypeAt]!.label,
      subtypeCoefficient: adjustments[this.subtypeAt]!.coefficient,
      hospitalCoefficient: adjustments[this.hospitalAt]!.coefficient,
      coefficient: coefficient.value,
      adjustedScore: x.adjusted,
      standardCost: x.standard,
      ratio,
      deviation: row.deviation,
      review: row.review,
      score,
      payment,
      warnings,
      trace,
    };
  }
}
