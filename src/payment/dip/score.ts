/**
 * The score of one DIP case:
 *
 *   adjusted = group score × subtype coefficient × hospital coefficient
 *   standard = adjusted × point value (yuan, kept exact)
 *   ratio    = cost / standard → a deviation rule (extreme, high, low) or normal
 *   score    = the rule's score (normal: adjusted), rounded once, half up, to
 *              the directory's case_score_decimals
 *   payment  = score × point value, rounded once, half up, to fen
 *
 * Scores, coefficients and the point value are decimal.js values; costs and
 * payments are integer fen. A {@link DipScorer} memoises, per group and
 * adjustment slots, everything that does not depend on the cost, including
 * the deviation thresholds as whole fen, so a normal case costs a few integer
 * comparisons and no decimal arithmetic.
 */
import type { CompiledDirectory, CompiledGroup } from '../../../groupers/dip/directory.js';
import type { DipNote } from '../../../groupers/dip/group.js';
import { Decimal, type Fen, formatYuan, roundFen } from '../../money.js';
import { ADJUSTMENTS, type AdjustInput, type Adjustment } from './adjust/index.js';
import { DEVIATION_RULES, type DeviationKind, type DeviationRule } from './deviation/index.js';

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

/** The worked rule on its own: a case's deviation and score from its adjusted score, standard cost and cost (same units). */
export function deviationScore(score: Decimal.Value, standard: Decimal.Value, cost: Decimal.Value, d: Pick<CompiledDirectory, 'deviation'>): { deviation: Deviation; ratio: Decimal; score: Decimal; review: boolean } {
  const s = new Decimal(score);
  const std = new Decimal(standard);
  if (std.isZero()) return { deviation: 'normal', ratio: new Decimal(0), score: s, review: false };
  const ratio = new Decimal(cost).dividedBy(std);
  for (const rule of DEVIATION_RULES) {
    const t = rule.threshold(d.deviation);
    if (rule.side === 'below' ? ratio.lessThan(t) : ratio.greaterThan(t)) return { deviation: rule.kind, ratio, score: rule.score(s, ratio, d.deviation), review: rule.review };
  }
  return { deviation: 'normal', ratio, score: s, review: false };
}

/** The warning for a case whose cost cannot be checked for deviation. */
function costNote(cost: number | null): DipNote {
  return cost === null
    ? { code: 'total_cost.missing', field: 'total_cost', message: 'no total cost: deviation not checked, the adjusted score is used' }
    : { code: 'total_cost.negative', field: 'total_cost', message: `total cost ${formatYuan(cost)} is negative: deviation not checked, the adjusted score is used` };
}

/** Everything about a group under given adjustment slots that does not depend on the cost. */
interface Profile {
  readonly coefficient: Decimal;
  readonly coefficientText: string;
  readonly adjusted: Decimal;
  /** Standard cost in fen (exact). */
  readonly standard: Decimal;
  /** Per rule (DEVIATION_RULES order): a whole-fen bound; `below`: cost < bound, `above`: cost > bound. */
  readonly bounds: Float64Array;
  /** A normal case: the rounded score, its text, units, payment. */
  readonly normalScore: Decimal;
  readonly normalText: string;
  readonly normalUnits: number;
  readonly normalPayment: Fen;
  readonly normalPaymentText: string;
}

/** The result of the fast scorer: what the bulk job writes. */
export interface ScoreRow {
  /** The auxiliary subtype that applied, or null. */
  subtype: string | null;
  /** Product of the coefficients, as text. */
  coefficientText: string;
  deviation: Deviation | null;
  review: boolean;
  scoreText: string;
  paymentText: string;
  /** The score in units of 10^-case_score_decimals (an exact integer), for totals. */
  scoreUnits: number;
}

export class DipScorer {
  private readonly memo = new Map<number, Profile>();
  private readonly adjust: readonly { slots: number; apply(g: CompiledGroup, c: AdjustInput): Adjustment }[];
  private readonly decimals: number;
  private readonly unit: Decimal;
  /** The point value times 100: yuan per score point → fen per score point. */
  private readonly fenPerPoint: Decimal;
  private readonly subtypeAt = ADJUSTMENTS.findIndex((a) => a.name === 'subtype');
  /** Adjustments of the current case (reused). */
  private readonly current: Adjustment[] = [];
  /** Reused output of {@link scoreFast}. */
  private readonly row: ScoreRow = { subtype: null, coefficientText: '', deviation: null, review: false, scoreText: '', paymentText: '', scoreUnits: 0 };

  constructor(
    readonly d: CompiledDirectory,
    pointValue?: Decimal.Value,
  ) {
    this.adjust = ADJUSTMENTS.map((a) => a.compile(d));
    this.decimals = d.params.case_score_decimals;
    this.unit = new Decimal(10).pow(this.decimals);
    this.fenPerPoint = new Decimal(pointValue ?? d.pointValue).times(100);
  }

  /** The point value used for standards and payments (yuan per score point). */
  get pointValue(): Decimal {
    return this.fenPerPoint.dividedBy(100);
  }

  /** A rounded case score as a whole number of 10^-case_score_decimals (exact), for totals. */
  units(score: Decimal): number {
    return score.times(this.unit).toNumber();
  }

  private roundScore(x: Decimal): Decimal {
    return x.toDecimalPlaces(this.decimals, Decimal.ROUND_HALF_UP);
  }

  /** Apply the adjustments to a case (into `current`) and return the memoised profile. */
  private profile(g: CompiledGroup, c: AdjustInput, notes: DipNote[] | null): Profile {
    let key = g.index;
    const cur = this.current;
    for (let i = 0; i < this.adjust.length; i++) {
      const a = this.adjust[i]!;
      const r = a.apply(g, c);
      cur[i] = r;
      if (notes !== null && r.note !== undefined) notes.push(r.note);
      key = key * a.slots + r.slot;
    }
    let p = this.memo.get(key);
    if (p === undefined) {
      p = this.makeProfile(g, cur);
      this.memo.set(key, p);
    }
    return p;
  }

  private makeProfile(g: CompiledGroup, adjustments: readonly Adjustment[]): Profile {
    const coefficient = adjustments.reduce((k, a) => k.times(a.coefficient), new Decimal(1));
    const adjusted = g.score.times(coefficient);
    const standard = adjusted.times(this.fenPerPoint);
    const bounds = new Float64Array(DEVIATION_RULES.length);
    DEVIATION_RULES.forEach((rule, i) => {
      if (standard.isZero()) {
        bounds[i] = rule.side === 'below' ? -Infinity : Infinity;
        return;
      }
      // An integer cost is below x exactly when it is below ceil(x), above x when above floor(x).
      const x = rule.threshold(this.d.deviation).times(standard);
      bounds[i] = (rule.side === 'below' ? x.ceil() : x.floor()).toNumber();
    });
    const normalScore = this.roundScore(adjusted);
    const normalPayment = roundFen(normalScore.times(this.fenPerPoint));
    return {
      coefficient,
      coefficientText: coefficient.toFixed(),
      adjusted,
      standard,
      bounds,
      normalScore,
      normalText: normalScore.toFixed(),
      normalUnits: normalScore.times(this.unit).toNumber(),
      normalPayment,
      normalPaymentText: formatYuan(normalPayment),
    };
  }

  /** The rule that applies to a cost (fen), or null for a normal case. */
  private ruleFor(p: Profile, cost: number): DeviationRule | null {
    for (let i = 0; i < DEVIATION_RULES.length; i++) {
      const rule = DEVIATION_RULES[i]!;
      const b = p.bounds[i]!;
      if (rule.side === 'below' ? cost < b : cost > b) return rule;
    }
    return null;
  }

  /**
   * Score for the bulk path: fills and returns a reused row. A null or
   * negative cost skips the deviation check (`deviation` null); adjustment
   * warnings go to `notes` when given.
   */
  scoreFast(g: CompiledGroup, c: AdjustInput, cost: number | null, notes: DipNote[] | null): ScoreRow {
    const p = this.profile(g, c, notes);
    const row = this.row;
    row.subtype = this.current[this.subtypeAt]!.label;
    row.coefficientText = p.coefficientText;
    const usable = cost !== null && cost >= 0;
    if (!usable && notes !== null) notes.push(costNote(cost));
    const rule = usable ? this.ruleFor(p, cost) : null;
    if (rule === null) {
      row.deviation = usable ? 'normal' : null;
      row.review = false;
      row.scoreText = p.normalText;
      row.paymentText = p.normalPaymentText;
      row.scoreUnits = p.normalUnits;
      return row;
    }
    const score = this.roundScore(rule.score(p.adjusted, new Decimal(cost!).dividedBy(p.standard), this.d.deviation));
    row.deviation = rule.kind;
    row.review = rule.review;
    row.scoreText = score.toFixed();
    row.paymentText = formatYuan(roundFen(score.times(this.fenPerPoint)));
    row.scoreUnits = this.units(score);
    return row;
  }

  /** Score with every detail (library, what-if, traces). */
  score(g: CompiledGroup, c: AdjustInput, cost: number | null, withTrace = false): DipCaseScore {
    const warnings: DipNote[] = [];
    const p = this.profile(g, c, warnings);
    const adjustments = [...this.current];
    const trace: string[] | undefined = withTrace ? [] : undefined;
    if (trace !== undefined) {
      trace.push(`group ${g.code} score ${g.score.toFixed()}`);
      for (const a of adjustments) trace.push(a.text);
      trace.push(`adjusted score ${g.score.toFixed()} × ${p.coefficient.toFixed()} = ${p.adjusted.toFixed()}; standard cost ${p.adjusted.toFixed()} × ${this.pointValue.toFixed()} = ${formatYuan(roundFen(p.standard))} yuan`);
    }
    const usable = cost !== null && cost >= 0;
    if (!usable) warnings.push(costNote(cost));
    const rule = usable ? this.ruleFor(p, cost) : null;
    const ratio = usable && !p.standard.isZero() ? new Decimal(cost).dividedBy(p.standard) : null;
    const score = rule === null ? p.normalScore : this.roundScore(rule.score(p.adjusted, ratio!, this.d.deviation));
    const payment = rule === null ? p.normalPayment : roundFen(score.times(this.fenPerPoint));
    if (trace !== undefined) {
      const shownRatio = ratio === null ? '' : ` = ${ratio.toDecimalPlaces(4, Decimal.ROUND_HALF_UP).toFixed()} × standard`;
      if (!usable) trace.push(`no usable cost: score ${score.toFixed()}`);
      else if (rule === null) trace.push(`cost ${formatYuan(cost)}${shownRatio}: normal, score ${score.toFixed()}`);
      else trace.push(`cost ${formatYuan(cost)}${shownRatio}: ${rule.kind} deviation (${rule.formula(this.d.deviation)}) → score ${score.toFixed()}`);
      trace.push(`payment ${score.toFixed()} × ${this.pointValue.toFixed()} = ${formatYuan(payment)} yuan`);
    }
    const named = (name: string) => adjustments[ADJUSTMENTS.findIndex((a) => a.name === name)]!;
    return {
      baseScore: g.score,
      subtype: named('subtype').label,
      subtypeCoefficient: named('subtype').coefficient,
      hospitalCoefficient: named('hospital').coefficient,
      coefficient: p.coefficient,
      adjustedScore: p.adjusted,
      standardCost: p.standard,
      ratio,
      deviation: usable ? (rule?.kind ?? 'normal') : null,
      review: rule?.review ?? false,
      score,
      payment,
      warnings,
      trace,
    };
  }
}
