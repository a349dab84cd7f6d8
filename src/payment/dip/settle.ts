/**
 * DIP point values and hospital settlement for a year (domain.md §5):
 *
 *   fund payment ratio      = fund-paid / total cost of the pool's DIP cases
 *   budget point value      = total cost / total scores
 *   settlement point value  = (fund budget / fund payment ratio) / total scores
 *   hospital settlement     = Σ_pools(scores × settlement point value × fund payment ratio)
 *                             × assessment coefficient − audit deductions
 *   monthly advance         = Σ_pools(month's scores × advance point value × fund payment ratio) × advance ratio
 *   clearing                = settlement − Σ advances
 *
 * Scores and ratios are decimal.js values, amounts integer fen; each amount
 * is rounded once, half up, at the end (roundFen). Pools are the whole DIP
 * population, or employees and residents separately when the policy says so.
 */
import { Decimal, type Fen, roundFen } from '../../money.js';
import type { SettlementPolicy } from './policy.js';

/** (fund budget / fund payment ratio) / total scores, in yuan per score point. */
export function settlementPointValue(fundBudget: Fen, fundPaymentRatio: Decimal.Value, totalScores: Decimal.Value): Decimal {
  return new Decimal(fundBudget).dividedBy(100).dividedBy(fundPaymentRatio).dividedBy(totalScores);
}

/** Total cost / total scores, in yuan per score point. */
export function budgetPointValue(totalCost: Fen, totalScores: Decimal.Value): Decimal {
  return new Decimal(totalCost).dividedBy(100).dividedBy(totalScores);
}

/** Fund-paid / total cost. */
export function fundPaymentRatio(fundPaid: Fen, totalCost: Fen): Decimal {
  return new Decimal(fundPaid).dividedBy(totalCost);
}

export interface PoolScores {
  readonly scores: Decimal.Value;
  /** Yuan per score point. */
  readonly pointValue: Decimal.Value;
  readonly fundPaymentRatio: Decimal.Value;
}

/** Σ_pools(scores × point value × fund payment ratio), in fen, exact (not rounded). */
export function grossAmount(pools: readonly PoolScores[]): Decimal {
  return pools.reduce((sum, p) => sum.plus(new Decimal(p.scores).times(p.pointValue).times(p.fundPaymentRatio).times(100)), new Decimal(0));
}

/** A hospital's settlement: gross × assessment coefficient − deductions, rounded once, half up, to fen. */
export function hospitalSettlement(pools: readonly PoolScores[], assessmentCoefficient: Decimal.Value, deductions: Fen): Fen {
  return roundFen(grossAmount(pools).times(assessmentCoefficient).minus(deductions));
}

// ---------------------------------------------------------------------------
// A whole year

/** Scores and costs of one pool × hospital × month (what the settle job aggregates). */
export interface SettlementCell {
  readonly pool: number;
  readonly hospital: string;
  /** `YYYY-MM`. */
  readonly month: string;
  readonly cases: number;
  /** Σ case scores, in units of 10^-scoreDecimals (exact). */
  readonly units: number;
  readonly cost: Fen;
  /** Σ fund_paid (fen), or null when the cases carry none. */
  readonly fundPaid: Fen | null;
}

/** An extreme-deviation case flagged for special review. */
export interface ReviewCandidate {
  readonly id: string;
  readonly line: number;
  readonly hospital: string;
  readonly group: string;
  readonly cost: Fen;
  readonly standard: Fen;
}

export interface SettlementInput {
  readonly cells: readonly SettlementCell[];
  readonly scoreDecimals: number;
  /** The directory's (budget) point value, for `advance_point_value: "budget"`. */
  readonly directoryPointValue: Decimal;
  readonly review: readonly ReviewCandidate[];
}

export interface PoolResult {
  readonly name: string;
  readonly cases: number;
  readonly scores: Decimal;
  readonly cost: Fen;
  readonly fundPaid: Fen | null;
  readonly fundBudget: Fen;
  readonly fundPaymentRatio: Decimal;
  /** Where the ratio comes from. */
  readonly ratioSource: 'policy' | 'fund_paid';
  readonly budgetPointValue: Decimal;
  readonly settlementPointValue: Decimal;
}

export interface HospitalResult {
  readonly hospital: string;
  readonly cases: number;
  readonly scores: Decimal;
  /** Σ_pools scores × point value × ratio, fen, exact. */
  readonly gross: Decimal;
  readonly assessmentCoefficient: Decimal;
  readonly deductions: Fen;
  /** True when the policy does not list the hospital (default coefficient, no deductions). */
  readonly defaulted: boolean;
  readonly settlement: Fen;
  readonly advances: Fen;
  readonly clearing: Fen;
}

export interface AdvanceResult {
  readonly hospital: string;
  readonly month: string;
  readonly cases: number;
  readonly scores: Decimal;
  readonly advance: Fen;
}

export interface SettlementResult {
  readonly pools: readonly PoolResult[];
  readonly hospitals: readonly HospitalResult[];
  readonly advances: readonly AdvanceResult[];
  /** Per pool and month: the advance point value used. */
  readonly advancePointValues: ReadonlyMap<string, Decimal>;
  readonly review: { readonly cap: number; readonly cases: number; readonly candidates: readonly (ReviewCandidate & { readonly ratio: Decimal; readonly selected: boolean })[] };
}

/** Settle a year: point values per pool, each hospital's amount, monthly advances and clearing. Throws a RangeError when a pool has no fund payment ratio. */
export function settleYear(input: SettlementInput, policy: SettlementPolicy): SettlementResult {
  const unit = new Decimal(10).pow(input.scoreDecimals);
  const score = (units: number) => new Decimal(units).dividedBy(unit);
  const nPools = policy.pools.length;

  // ---- pools ----------------------------------------------------------------
  const poolUnits = new Array<number>(nPools).fill(0);
  const poolCases = new Array<number>(nPools).fill(0);
  const poolCost = new Array<number>(nPools).fill(0);
  const poolPaid = new Array<number | null>(nPools).fill(0);
  for (const c of input.cells) {
    poolUnits[c.pool]! += c.units;
    poolCases[c.pool]! += c.cases;
    poolCost[c.pool]! += c.cost;
    poolPaid[c.pool] = c.fundPaid === null || poolPaid[c.pool] === null ? null : poolPaid[c.pool]! + c.fundPaid;
  }
  const pools: PoolResult[] = policy.pools.map((p, i) => {
    const scores = score(poolUnits[i]!);
    const given = p.fund_payment_ratio;
    const paid = poolPaid[i]!;
    if (given === undefined && (paid === null || poolCost[i] === 0)) {
      throw new RangeError(`pool ${p.name}: the policy gives no fund_payment_ratio and the cases have no fund_paid column to compute it from`);
    }
    const ratio = given !== undefined ? new Decimal(given) : fundPaymentRatio(paid! as Fen, poolCost[i]! as Fen);
    let pv = scores.isZero() || ratio.isZero() ? new Decimal(0) : settlementPointValue(p.fund_budget, ratio, scores);
    if (policy.point_value_decimals !== undefined) pv = pv.toDecimalPlaces(policy.point_value_decimals, Decimal.ROUND_HALF_UP);
    return {
      name: p.name,
      cases: poolCases[i]!,
      scores,
      cost: poolCost[i]! as Fen,
      fundPaid: paid as Fen | null,
      fundBudget: p.fund_budget,
      fundPaymentRatio: ratio,
      ratioSource: given !== undefined ? 'policy' : 'fund_paid',
      budgetPointValue: scores.isZero() ? new Decimal(0) : budgetPointValue(poolCost[i]! as Fen, scores),
      settlementPointValue: pv,
    };
  });

  // ---- monthly advance point values -------------------------------------------
  const monthUnits = new Map<string, number>();
  for (const c of input.cells) monthUnits.set(`${c.pool}\u0001${c.month}`, (monthUnits.get(`${c.pool}\u0001${c.month}`) ?? 0) + c.units);
  const advancePointValues = new Map<string, Decimal>();
  for (const [key, units] of monthUnits) {
    const pool = Number(key.slice(0, key.indexOf('\u0001')));
    const apv = policy.advance_point_value;
    const value =
      apv === 'budget'
        ? input.directoryPointValue
        : apv === 'monthly'
          ? units === 0
            ? new Decimal(0)
            : settlementPointValue(policy.pools[pool]!.fund_budget, pools[pool]!.fundPaymentRatio, score(units)).dividedBy(12)
          : new Decimal(apv);
    advancePointValues.set(key, value);
  }

  // ---- hospitals and months ------------------------------------------------------
  const byHospital = new Map<string, SettlementCell[]>();
  for (const c of input.cells) {
    const list = byHospital.get(c.hospital) ?? [];
    list.push(c);
    byHospital.set(c.hospital, list);
  }
  const hospitals: HospitalResult[] = [];
  const advances: AdvanceResult[] = [];
  const advanceRatio = new Decimal(policy.advance_ratio);
  for (const hospital of [...byHospital.keys()].sort()) {
    const cells = byHospital.get(hospital)!;
    const units = new Array<number>(nPools).fill(0);
    let cases = 0;
    for (const c of cells) {
      units[c.pool]! += c.units;
      cases += c.cases;
    }
    const listed = policy.hospitals[hospital];
    const assessment = new Decimal(listed?.assessment_coefficient ?? policy.default_assessment_coefficient);
    const deductions = (listed?.deductions ?? 0) as Fen;
    const parts = pools.map((p, i) => ({ scores: score(units[i]!), pointValue: p.settlementPointValue, fundPaymentRatio: p.fundPaymentRatio }));
    const gross = grossAmount(parts);
    const settlement = roundFen(gross.times(assessment).minus(deductions));
    // Advances: one amount per hospital and month, over the pools.
    const months = new Map<string, SettlementCell[]>();
    for (const c of cells) months.set(c.month, [...(months.get(c.month) ?? []), c]);
    let advanced = 0;
    for (const month of [...months.keys()].sort()) {
      const mc = months.get(month)!;
      const amount = mc.reduce(
        (sum, c) => sum.plus(score(c.units).times(advancePointValues.get(`${c.pool}\u0001${month}`)!).times(pools[c.pool]!.fundPaymentRatio).times(100)),
        new Decimal(0),
      );
      const advance = roundFen(amount.times(advanceRatio));
      advanced += advance;
      advances.push({ hospital, month, cases: mc.reduce((k, c) => k + c.cases, 0), scores: score(mc.reduce((k, c) => k + c.units, 0)), advance });
    }
    hospitals.push({
      hospital,
      cases,
      scores: score(units.reduce((a, b) => a + b, 0)),
      gross,
      assessmentCoefficient: assessment,
      deductions,
      defaulted: listed === undefined,
      settlement,
      advances: advanced as Fen,
      clearing: (settlement - advanced) as Fen,
    });
  }

  // ---- special review: at most cap × DIP cases, most extreme first -----------------
  const allCases = poolCases.reduce((a, b) => a + b, 0);
  const cap = new Decimal(policy.special_review_cap).times(allCases).floor().toNumber();
  const ranked = input.review
    .map((r) => ({ ...r, ratio: r.standard === 0 ? new Decimal(Infinity) : new Decimal(r.cost).dividedBy(r.standard) }))
    .sort((a, b) => b.ratio.comparedTo(a.ratio) || a.line - b.line)
    .map((r, i) => ({ ...r, selected: i < cap }));
  return { pools, hospitals, advances, advancePointValues, review: { cap, cases: allCases, candidates: ranked } };
}
