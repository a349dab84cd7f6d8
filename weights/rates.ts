/**
 * Rates and point values (domain brief §4).
 *
 * - Rate method: rate = budget / Σ(forecast cases_g × RW_g), where the budget is
 *   the forecast total cost, or the fund budget ÷ the fund's share; optionally
 *   one rate per hospital level (each level's budget over its own forecast).
 *   The rate is published rounded half up to the fen (by default), and the
 *   payment standard of a group is RW × rate × hospital coefficient, rounded
 *   once to the fen.
 * - Point method: base points = RW × points per RW (100); case points = base ×
 *   coefficient; point value = (fund budget + patients' share) / total points —
 *   provisional from forecast points during the year, final from the year's
 *   actual points at clearing.
 */
import { readTable } from '../src/csv/table.js';
import { IssueList } from '../src/errors.js';
import { Decimal, type Fen, roundFen } from '../src/money.js';
import { basename } from 'node:path';
import { z } from 'zod';
import { cellLevel } from './cells.js';
import { cellNonNegInt } from '../src/csv/table.js';
import { type WeightTable, weightFor } from './table.js';

export interface ForecastRow {
  readonly drg: string;
  /** Forecast number of cases. */
  readonly cases: number;
  /** Hospital level of the forecast (for per-level rates), or null. */
  readonly level: number | null;
}

/** The forecast file: `drg,cases[,level]`, one row per DRG (and level). */
export const forecastRowSchema = z.object({
  drg: z.string().min(1, 'must not be empty'),
  cases: cellNonNegInt,
  level: cellLevel.optional(),
});

/** Load a forecast file, checking every DRG against the weight table. */
export function loadForecast(path: string, weights: WeightTable): ForecastRow[] {
  const file = basename(path);
  const issues = new IssueList();
  const rows = readTable(path, forecastRowSchema, issues, { displayName: file });
  const seen = new Map<string, number>();
  const out: ForecastRow[] = [];
  for (const { line, row } of rows) {
    const level = row.level ?? null;
    const key = `${row.drg}|${level ?? ''}`;
    if (seen.has(key)) issues.add({ code: 'forecast.duplicate', file, line, column: 'drg', value: row.drg, message: `DRG ${row.drg}${level !== null ? ` at level ${level}` : ''} is already forecast on line ${seen.get(key)}` });
    seen.set(key, line);
    if (weightFor(weights, row.drg, level) === undefined) issues.add({ code: 'forecast.unknown_drg', file, line, column: 'drg', value: row.drg, message: `DRG ${row.drg} has no weight in ${weights.file}` });
    out.push({ drg: row.drg, cases: row.cases, level });
  }
  issues.throwIfAny(`forecast ${file}`);
  return out;
}

/** Σ(cases × RW) of forecast rows, with each row's level weight when the table has one. */
export function forecastWeight(forecast: readonly ForecastRow[], weights: WeightTable): Decimal {
  let total = new Decimal(0);
  for (const f of forecast) {
    const w = weightFor(weights, f.drg, f.level);
    if (w === undefined) throw new RangeError(`DRG ${f.drg} has no weight in ${weights.file}`);
    total = total.plus(w.rw.times(f.cases));
  }
  return total;
}

export interface RateInput {
  /** Forecast total cost, or the fund budget when `fundShare` is given, fen. */
  readonly budget: Fen;
  /** The fund's share of the total cost (budget ÷ share = total cost), e.g. 0.7. */
  readonly fundShare?: Decimal.Value;
  readonly forecast: readonly ForecastRow[];
  readonly weights: WeightTable;
  /** Only the forecast rows of this hospital level (a per-level rate). */
  readonly level?: number;
  /** Decimals of the published rate, yuan (default 2: whole fen). */
  readonly decimals?: number;
}

export interface RateResult {
  /** Published rate, yuan per unit of weight (rounded half up). */
  readonly rate: Decimal;
  /** The rate before rounding. */
  readonly exact: Decimal;
  /** Σ(forecast cases × RW). */
  readonly totalWeight: Decimal;
  /** The total cost the rate spreads, yuan. */
  readonly totalCost: Decimal;
  readonly cases: number;
}

/** rate = budget (÷ fund share) / Σ(forecast cases × RW). */
export function computeRate(input: RateInput): RateResult {
  const rows = input.level === undefined ? input.forecast : input.forecast.filter((f) => f.level === input.level);
  const totalWeight = forecastWeight(rows, input.weights);
  if (totalWeight.isZero()) throw new RangeError(`the forecast${input.level !== undefined ? ` for level ${input.level}` : ''} has no weight (no cases)`);
  if (input.budget < 0) throw new RangeError('the budget must not be negative');
  let totalCost = new Decimal(input.budget).dividedBy(100);
  if (input.fundShare !== undefined) {
    const share = new Decimal(input.fundShare);
    if (!share.greaterThan(0) || share.greaterThan(1)) throw new RangeError(`the fund share must be in (0, 1] (got ${share})`);
    totalCost = totalCost.dividedBy(share);
  }
  const exact = totalCost.dividedBy(totalWeight);
  return { rate: exact.toDecimalPlaces(input.decimals ?? 2, Decimal.ROUND_HALF_UP), exact, totalWeight, totalCost, cases: rows.reduce((a, f) => a + f.cases, 0) };
}

/** Payment standard of a group: RW × rate × coefficient, rounded once to the fen. */
export function paymentStandard(rw: Decimal.Value, rate: Decimal.Value, coefficient: Decimal.Value = 1): Fen {
  return roundFen(new Decimal(rw).times(rate).times(coefficient).times(100));
}

/** Base points of a group: RW × points per RW (100 by default). */
export function basePoints(rw: Decimal.Value, perRw: Decimal.Value = 100): Decimal {
  return new Decimal(rw).times(perRw);
}

export interface PointValueInput {
  /** DRG fund budget, fen. */
  readonly fundBudget: Fen;
  /** What patients pay on those cases (their policy share), fen. */
  readonly patientShare: Fen;
  /** Total points: forecast (provisional value) or actual for the year (final value). */
  readonly totalPoints: Decimal.Value;
  /** Decimals of the published point value (default 4). */
  readonly decimals?: number;
}

/** point value = (fund budget + patients' share) / total points, in yuan per point, rounded half up. */
export function pointValue(input: PointValueInput): Decimal {
  const points = new Decimal(input.totalPoints);
  if (!points.greaterThan(0)) throw new RangeError('total points must be greater than 0');
  return new Decimal(input.fundBudget + input.patientShare).dividedBy(100).dividedBy(points).toDecimalPlaces(input.decimals ?? 4, Decimal.ROUND_HALF_UP);
}

/** Forecast points: Σ(forecast cases × RW × points per RW). */
export function forecastPoints(forecast: readonly ForecastRow[], weights: WeightTable, perRw: Decimal.Value = 100): Decimal {
  return forecastWeight(forecast, weights).times(perRw);
}
